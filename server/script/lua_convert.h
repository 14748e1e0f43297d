// Redis's conversion rules between command replies and Lua values.
//
// Reply -> Lua (what redis.call returns): integer -> number, bulk -> string,
// nil bulk and nil array -> false, array -> table (nested as deep as the
// reply), status -> {ok = text}, error -> {err = text}.
// Lua -> reply (what a script returns): number -> integer (truncated),
// string -> bulk, true -> :1, false and nil -> nil bulk, {err = e} -> error,
// {ok = s} -> status, any other table -> array of its elements 1..n up to
// the first nil (each converted by the same rules).
//
// Threads: the lua_State's thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/reply_builder.h"

extern "C" {
#include <lua.h>
}

namespace mnemo::server::script {

// A ReplyBuilder that pushes exactly one Lua value (the whole reply) on L's stack.
class LuaReplyBuilder final : public protocol::ReplyBuilder {
 public:
  explicit LuaReplyBuilder(lua_State* L) : L_(L) {}
  void ok() override { status("OK"); }
  void simple(std::string_view text) override { status(text); }
  void error(std::string_view message) override;
  void integer(std::int64_t value) override;
  void bulk(std::string_view bytes) override;
  void bulk_integer(std::uint64_t value) override;
  void null() override;
  void null_array() override { null(); }
  void array(std::size_t count) override;
  void set(std::size_t count) override { array(count); }
  void map(std::size_t pairs) override { array(2 * pairs); }
  void dbl(double value) override;
  void verbatim(std::string_view text) override { bulk(text); }
  // Whether the reply was an error (redis.call raises it).
  bool is_error() const { return error_; }

 private:
  void status(std::string_view text);
  void pushed();  // a value is on top: put it in the array being built, if any
  struct Frame {
    std::size_t count = 0;
    std::size_t filled = 0;
  };
  lua_State* L_;
  std::vector<Frame> frames_;
  bool error_ = false;
};

// Writes the Lua value at `index` (converted as above) to `reply`. A value
// that would convert to more than `max_replies` replies (counting every
// array element at every level) is answered with an error instead: a table
// that holds itself twice would otherwise make 2^200 of them.
inline constexpr std::size_t kMaxScriptReplies = std::size_t{1} << 24;
void lua_to_reply(lua_State* L, int index, protocol::ReplyBuilder& reply,
                  std::size_t max_replies = kMaxScriptReplies);

// A Lua number as an integer reply: truncated toward zero, and, for NaN and
// numbers out of the 64-bit range, INT64_MIN, which is what Redis's
// (long long) cast gives on x86-64 (in C++ that cast is undefined there).
std::int64_t lua_number_to_integer(lua_Number n);

}  // namespace mnemo::server::script
