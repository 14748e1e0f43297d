// The RESP2 ReplyBuilder: appends each reply's bytes straight to the
// connection's output buffer (resp_writer.h), so a warm buffer makes a reply
// without allocating. Maps become flat arrays, sets arrays, doubles bulk
// strings, verbatim text a bulk string, as Redis does for RESP2 clients.
//
// Resp3ReplyBuilder (resp3_reply_builder.h) derives from it for the types
// both versions share.
//
// Threads: one per connection. Lifetime: the buffer must outlive the builder.
#pragma once

#include <string>

#include "protocol/reply_builder.h"
#include "protocol/resp_writer.h"

namespace mnemo::protocol::resp {

class Resp2ReplyBuilder : public ReplyBuilder {
 public:
  explicit Resp2ReplyBuilder(std::string& out) : out_(&out) {}
  void retarget(std::string& out) { out_ = &out; }
  std::string& buffer() { return *out_; }

  void ok() override { out_->append(kOkReply); }
  void simple(std::string_view text) override { append_simple(*out_, text); }
  void error(std::string_view message) override { append_error(*out_, message); }
  void integer(std::int64_t value) override { append_integer(*out_, value); }
  void bulk(std::string_view bytes) override { append_bulk(*out_, bytes); }
  void bulk_integer(std::uint64_t value) override { append_bulk_integer(*out_, value); }
  void null() override { out_->append(kNullBulkReply); }
  void null_array() override { out_->append(kNullArrayReply); }
  void array(std::size_t count) override { append_array_header(*out_, count); }
  void set(std::size_t count) override { append_array_header(*out_, count); }
  void map(std::size_t pairs) override { append_array_header(*out_, 2 * pairs); }
  void dbl(double value) override;
  void verbatim(std::string_view text) override { append_bulk(*out_, text); }

 private:
  std::string* out_;
};

}  // namespace mnemo::protocol::resp
