// Redis's conversion rules between command replies and Lua values
// (Redis 7.0's script_lua.c).
//
// Reply -> Lua (what redis.call returns), by the script's protocol
// (redis.setresp, 2 by default): integer -> number, bulk -> string, array ->
// table (nested as deep as the reply), status -> {ok = text}, error ->
// {err = text}. RESP2: nil bulk and nil array -> false, and maps, sets,
// doubles, booleans as their RESP2 replies. RESP3: null -> nil, map ->
// {map = {k = v}}, set -> {set = {m = true}}, double -> {double = n},
// boolean -> boolean, verbatim -> {verbatim_string = {format =, string =}}.
// Lua -> reply (what a script returns): number -> integer (truncated),
// string -> bulk, true -> :1 (RESP2 script) or #t (RESP3 script), false ->
// nil bulk (RESP2) or #f (RESP3), nil -> nil, {err = e} -> error, {ok = s}
// -> status, {double = n}, {big_number = s}, {verbatim_string = ...},
// {map = t}, {set = t} -> those RESP3 types (which a RESP2 caller gets as
// RESP2 spells them), any other table -> array of its elements 1..n up to
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
  // resp: the script's protocol (redis.setresp), 2 or 3. Lives in lua_reply_builder.cpp.
  explicit LuaReplyBuilder(lua_State* L, int resp = 2) : L_(L), resp_(resp) {}
  void ok() override { status("OK"); }
  void simple(std::string_view text) override { status(text); }
  void error(std::string_view message) override;
  void integer(std::int64_t value) override;
  void bulk(std::string_view bytes) override;
  void bulk_integer(std::uint64_t value) override;
  void null() override;
  void null_array() override { null(); }
  void array(std::size_t count) override { open(Kind::array, count); }
  void set(std::size_t count) override;
  void map(std::size_t pairs) override;
  void dbl(double value) override;
  void dbl_text(std::string_view text) override;
  void verbatim(std::string_view text) override { verbatim_as("txt", text); }
  void verbatim_as(std::string_view format, std::string_view text) override;
  void big_number(std::string_view text) override;
  void pairs(std::size_t count) override { array(resp_ == 3 ? count : 2 * count); }
  void pair() override {
    if (resp_ == 3) array(2);
  }
  void boolean(bool value) override;
  int protocol_version() const override { return resp_; }
  // Whether the reply was an error (redis.call raises it).
  bool is_error() const { return error_; }

 private:
  enum class Kind : std::uint8_t { array, map, set };
  void status(std::string_view text);
  void field_table(const char* field);  // {field = <value on top>}, replacing the value
  void open(Kind kind, std::size_t count);
  void pushed();  // a value is on top: put it in the table being built, if any
  bool add_to_frame();  // false: a map's key waits for its value
  struct Frame {
    Kind kind = Kind::array;
    std::size_t count = 0;
    std::size_t filled = 0;
  };
  lua_State* L_;
  int resp_;
  std::vector<Frame> frames_;
  bool error_ = false;
};

// Writes the Lua value at `index` (converted as above) to `reply`. A value
// that would convert to more than `max_replies` replies (counting every
// array element at every level) is answered with an error instead: a table
// that holds itself twice would otherwise make 2^200 of them.
inline constexpr std::size_t kMaxScriptReplies = std::size_t{1} << 24;
// `resp`: the script's protocol when it returned (booleans differ).
void lua_to_reply(lua_State* L, int index, protocol::ReplyBuilder& reply,
                  std::size_t max_replies = kMaxScriptReplies, int resp = 2);

// A Lua number as an integer reply: truncated toward zero, and, for NaN and
// numbers out of the 64-bit range, INT64_MIN, which is what Redis's
// (long long) cast gives on x86-64 (in C++ that cast is undefined there).
std::int64_t lua_number_to_integer(lua_Number n);

}  // namespace mnemo::server::script
