#include "server/script/lua_convert.h"

#include <cmath>
#include <limits>
#include <string>

namespace mnemo::server::script {

std::int64_t lua_number_to_integer(lua_Number n) {
  // 2^63 is exact in a double; every double below it in magnitude truncates into range.
  constexpr double kLimit = 9223372036854775808.0;
  if (!(n > -kLimit - 1 && n < kLimit)) return std::numeric_limits<std::int64_t>::min();  // NaN too
  return static_cast<std::int64_t>(n);
}

namespace {
constexpr int kMaxDepth = 200;  // deeper tables are cut off as nil, not a stack overflow

void push_field_table(lua_State* L, const char* field, std::string_view text) {
  lua_createtable(L, 0, 1);
  lua_pushlstring(L, text.data(), text.size());
  lua_setfield(L, -2, field);
}
}  // namespace

void LuaReplyBuilder::pushed() {
  while (!frames_.empty()) {
    Frame& f = frames_.back();
    lua_rawseti(L_, -2, static_cast<int>(++f.filled));
    if (f.filled < f.count) return;
    frames_.pop_back();  // the finished table is on top: it goes into its parent
  }
}

void LuaReplyBuilder::status(std::string_view text) {
  push_field_table(L_, "ok", text);
  pushed();
}

void LuaReplyBuilder::error(std::string_view message) {
  if (frames_.empty()) error_ = true;
  push_field_table(L_, "err", message);
  pushed();
}

void LuaReplyBuilder::integer(std::int64_t value) {
  lua_pushnumber(L_, static_cast<lua_Number>(value));
  pushed();
}

void LuaReplyBuilder::bulk(std::string_view bytes) {
  lua_pushlstring(L_, bytes.data(), bytes.size());
  pushed();
}

void LuaReplyBuilder::bulk_integer(std::uint64_t value) { bulk(std::to_string(value)); }

void LuaReplyBuilder::null() {
  lua_pushboolean(L_, 0);
  pushed();
}

void LuaReplyBuilder::dbl(double value) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", value);
  bulk(std::string_view(buf, static_cast<std::size_t>(n)));
}

void LuaReplyBuilder::array(std::size_t count) {
  // Every unfinished table stays on the stack: make room (a reply nests a few levels; a nil past the limit).
  if (!lua_checkstack(L_, 2)) {
    null();
    return;
  }
  lua_createtable(L_, static_cast<int>(count), 0);
  if (count == 0) {
    pushed();
    return;
  }
  frames_.push_back({count, 0});
}

namespace {

void table_to_reply(lua_State* L, int index, protocol::ReplyBuilder& reply, int depth);
std::size_t array_length(lua_State* L, int index);

void value_to_reply(lua_State* L, int index, protocol::ReplyBuilder& reply, int depth) {
  switch (lua_type(L, index)) {
    case LUA_TNUMBER:
      reply.integer(lua_number_to_integer(lua_tonumber(L, index)));
      return;
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, index, &len);
      reply.bulk(std::string_view(s, len));
      return;
    }
    case LUA_TBOOLEAN:
      if (lua_toboolean(L, index)) reply.integer(1);
      else reply.null();
      return;
    case LUA_TTABLE:
      // Each level keeps one value on the Lua stack while its elements are converted.
      if (depth < kMaxDepth && lua_checkstack(L, 4)) return table_to_reply(L, index, reply, depth + 1);
      reply.null();
      return;
    default:
      reply.null();
  }
}

// A string field of the table at index, if it has one.
bool string_field(lua_State* L, int index, const char* name, std::string& out) {
  lua_getfield(L, index, name);
  const bool is_string = lua_type(L, -1) == LUA_TSTRING;
  if (is_string) {
    std::size_t len = 0;
    const char* s = lua_tolstring(L, -1, &len);
    out.assign(s, len);
  }
  lua_pop(L, 1);
  return is_string;
}

void table_to_reply(lua_State* L, int index, protocol::ReplyBuilder& reply, int depth) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  std::string text;
  if (string_field(L, index, "err", text)) return reply.error(text);
  if (string_field(L, index, "ok", text)) return reply.simple(text);
  const std::size_t n = array_length(L, index);
  reply.array(n);
  for (std::size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, static_cast<int>(i));
    value_to_reply(L, lua_gettop(L), reply, depth);
    lua_pop(L, 1);
  }
}

// The length of a table's array part as the conversion sees it: 1..n up to the first nil.
std::size_t array_length(lua_State* L, int index) {
  std::size_t n = 0;
  for (;;) {
    lua_rawgeti(L, index, static_cast<int>(n + 1));
    const bool nil = lua_isnil(L, -1);
    lua_pop(L, 1);
    if (nil) return n;
    ++n;
  }
}

bool has_string_field(lua_State* L, int index, const char* name) {
  lua_getfield(L, index, name);
  const bool is_string = lua_type(L, -1) == LUA_TSTRING;
  lua_pop(L, 1);
  return is_string;
}

// Counts the replies the value at index converts to, giving up past `budget`:
// a table holding itself twice would otherwise make 2^kMaxDepth of them.
bool within_budget(lua_State* L, int index, int depth, std::size_t& budget) {
  if (budget == 0) return false;
  --budget;
  if (lua_type(L, index) != LUA_TTABLE || depth >= kMaxDepth || !lua_checkstack(L, 4)) return true;
  if (has_string_field(L, index, "err") || has_string_field(L, index, "ok")) return true;
  const std::size_t n = array_length(L, index);
  for (std::size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, static_cast<int>(i));
    const bool ok = within_budget(L, lua_gettop(L), depth + 1, budget);
    lua_pop(L, 1);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

void lua_to_reply(lua_State* L, int index, protocol::ReplyBuilder& reply, std::size_t max_replies) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  std::size_t budget = max_replies;
  if (lua_type(L, index) == LUA_TTABLE && !within_budget(L, index, 0, budget)) {
    reply.error("ERR the script's reply has more than " + std::to_string(max_replies) +
                " elements (a table that holds itself?)");
    return;
  }
  value_to_reply(L, index, reply, 0);
}

}  // namespace mnemo::server::script
