// Result<T>: a value or a Status with a message. Used at module edges of the
// running server instead of exceptions (see STYLE.md section 3).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "protocol/status.h"

namespace mnemo::protocol {

struct Error {
  Status status = Status::internal;
  std::string message;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}            // NOLINT: implicit by design
  Result(Error error) : error_(std::move(error)) {}        // NOLINT
  static Result failure(Status s, std::string msg) { return Result(Error{s, std::move(msg)}); }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  const Error& error() const { return error_; }

 private:
  std::optional<T> value_;
  Error error_;
};

}  // namespace mnemo::protocol
