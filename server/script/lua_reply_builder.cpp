// LuaReplyBuilder (lua_convert.h): a command's reply as the Lua value
// redis.call returns, in the script's protocol (Redis 7.0's
// redisProtocolToLuaType_* functions).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "server/script/lua_convert.h"

namespace mnemo::server::script {

namespace {

void push_field_table(lua_State* L, const char* field, std::string_view text) {
  lua_createtable(L, 0, 1);
  lua_pushlstring(L, text.data(), text.size());
  lua_setfield(L, -2, field);
}

// A reply's count comes from the command; the table grows past this if it must.
int prealloc(std::size_t count) { return static_cast<int>(std::min<std::size_t>(count, 1024)); }

}  // namespace

// Puts the value on top into the innermost unfinished table. Arrays take it
// at the next index; a map takes a key, then its value; a set takes a member
// (= true). A nil key or member (a null inside a RESP3 map or set) is dropped,
// since Lua cannot index by nil.
bool LuaReplyBuilder::add_to_frame() {
  Frame& f = frames_.back();
  ++f.filled;
  switch (f.kind) {
    case Kind::array:
      lua_rawseti(L_, -2, static_cast<int>(f.filled));
      return true;
    case Kind::map:
      if (f.filled % 2 == 1) return false;
      break;
    case Kind::set:
      lua_pushboolean(L_, 1);
      break;
  }
  if (lua_isnil(L_, -2)) lua_pop(L_, 2);
  else lua_rawset(L_, -3);
  return true;
}

void LuaReplyBuilder::pushed() {
  while (!frames_.empty()) {
    if (!add_to_frame()) return;
    const Frame& f = frames_.back();
    if (f.filled < f.count) return;
    const Kind kind = f.kind;
    frames_.pop_back();
    // The finished table is on top; a map's or set's goes into its {map = ...} wrapper.
    if (kind != Kind::array) lua_rawset(L_, -3);
  }
}

void LuaReplyBuilder::open(Kind kind, std::size_t count) {
  // Every unfinished table stays on the stack: make room (a reply nests a few levels; a nil past the limit).
  if (!lua_checkstack(L_, 6)) {
    null();
    return;
  }
  if (kind == Kind::array) {
    lua_createtable(L_, prealloc(count), 0);
  } else {
    lua_createtable(L_, 0, 1);
    lua_pushstring(L_, kind == Kind::map ? "map" : "set");
    lua_createtable(L_, 0, prealloc(count));
  }
  if (count == 0) {
    if (kind != Kind::array) lua_rawset(L_, -3);
    pushed();
    return;
  }
  frames_.push_back({kind, count, 0});
}

void LuaReplyBuilder::field_table(const char* field) {
  lua_createtable(L_, 0, 1);
  lua_insert(L_, -2);
  lua_setfield(L_, -2, field);
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
  if (resp_ == 3) lua_pushnil(L_);
  else lua_pushboolean(L_, 0);
  pushed();
}

void LuaReplyBuilder::set(std::size_t count) { open(resp_ == 3 ? Kind::set : Kind::array, count); }

void LuaReplyBuilder::map(std::size_t pairs) {
  if (resp_ == 3) open(Kind::map, 2 * pairs);
  else open(Kind::array, 2 * pairs);
}

void LuaReplyBuilder::dbl(double value) {
  if (resp_ == 3) {
    lua_pushnumber(L_, value);
    field_table("double");
    pushed();
    return;
  }
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", value);
  bulk(std::string_view(buf, static_cast<std::size_t>(n)));
}

void LuaReplyBuilder::dbl_text(std::string_view text) {
  if (resp_ == 3) return dbl(std::strtod(std::string(text).c_str(), nullptr));
  bulk(text);
}

void LuaReplyBuilder::verbatim_as(std::string_view format, std::string_view text) {
  if (resp_ != 3) return bulk(text);
  lua_createtable(L_, 0, 1);
  lua_createtable(L_, 0, 2);
  lua_pushlstring(L_, text.data(), text.size());
  lua_setfield(L_, -2, "string");
  lua_pushlstring(L_, format.data(), std::min<std::size_t>(format.size(), 3));
  lua_setfield(L_, -2, "format");
  lua_setfield(L_, -2, "verbatim_string");
  pushed();
}

void LuaReplyBuilder::big_number(std::string_view text) {
  if (resp_ != 3) return bulk(text);
  push_field_table(L_, "big_number", text);
  pushed();
}

void LuaReplyBuilder::boolean(bool value) {
  if (resp_ != 3) return integer(value ? 1 : 0);
  lua_pushboolean(L_, value ? 1 : 0);
  pushed();
}

}  // namespace mnemo::server::script
