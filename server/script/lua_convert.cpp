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

// What a table converts to, checked in Redis 7.0's order (luaReplyToRedisReply).
enum class Shape : std::uint8_t { error, status, dbl, big_number, verbatim, map, set, array };

// Pushes t[name] without metamethods (Redis's lua_rawget); returns its type.
int raw_field(lua_State* L, int index, const char* name) {
  lua_pushstring(L, name);
  lua_rawget(L, index);
  return lua_type(L, -1);
}

bool has_field(lua_State* L, int index, const char* name, int type) {
  const bool yes = raw_field(L, index, name) == type;
  lua_pop(L, 1);
  return yes;
}

bool is_verbatim(lua_State* L, int index) {
  if (raw_field(L, index, "verbatim_string") != LUA_TTABLE) {
    lua_pop(L, 1);
    return false;
  }
  const int inner = lua_gettop(L);
  const bool yes = has_field(L, inner, "format", LUA_TSTRING) && has_field(L, inner, "string", LUA_TSTRING);
  lua_pop(L, 1);
  return yes;
}

// `index` is absolute; the stack is left as it was.
Shape classify(lua_State* L, int index) {
  if (has_field(L, index, "err", LUA_TSTRING)) return Shape::error;
  if (has_field(L, index, "ok", LUA_TSTRING)) return Shape::status;
  if (has_field(L, index, "double", LUA_TNUMBER)) return Shape::dbl;
  if (has_field(L, index, "big_number", LUA_TSTRING)) return Shape::big_number;
  if (is_verbatim(L, index)) return Shape::verbatim;
  if (has_field(L, index, "map", LUA_TTABLE)) return Shape::map;
  if (has_field(L, index, "set", LUA_TTABLE)) return Shape::set;
  return Shape::array;
}

std::string string_at(lua_State* L, int index) {
  std::size_t len = 0;
  const char* s = lua_tolstring(L, index, &len);
  return s == nullptr ? std::string() : std::string(s, len);
}

// Redis's sdsmapchars(s, "\r\n", "  "): a status or big number stays one line.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

struct Ctx {
  protocol::ReplyBuilder& reply;
  int resp;
};

void value_to_reply(lua_State* L, int index, Ctx& c, int depth);
void table_to_reply(lua_State* L, int index, Ctx& c, int depth);
std::size_t array_length(lua_State* L, int index);

void value_to_reply(lua_State* L, int index, Ctx& c, int depth) {
  switch (lua_type(L, index)) {
    case LUA_TNUMBER:
      c.reply.integer(lua_number_to_integer(lua_tonumber(L, index)));
      return;
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, index, &len);
      c.reply.bulk(std::string_view(s, len));
      return;
    }
    case LUA_TBOOLEAN:
      if (c.resp == 3) c.reply.boolean(lua_toboolean(L, index) != 0);
      else if (lua_toboolean(L, index)) c.reply.integer(1);
      else c.reply.null();
      return;
    case LUA_TTABLE:
      // Each level keeps a few values on the Lua stack while its elements are converted.
      if (depth < kMaxDepth && lua_checkstack(L, 8)) return table_to_reply(L, index, c, depth + 1);
      c.reply.null();
      return;
    default:
      c.reply.null();
  }
}

std::size_t count_entries(lua_State* L, int table) {
  std::size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, table) != 0) {
    lua_pop(L, 1);
    ++n;
  }
  return n;
}

// {map = t} or {set = t}: the entries of t in lua_next's order (as Redis).
void entries_to_reply(lua_State* L, int index, Ctx& c, int depth, bool is_map) {
  raw_field(L, index, is_map ? "map" : "set");
  const int t = lua_gettop(L);
  const std::size_t n = count_entries(L, t);
  if (is_map) c.reply.map(n);
  else c.reply.set(n);
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    value_to_reply(L, lua_gettop(L) - 1, c, depth);  // the key (a copy is not needed: nothing converts it in place)
    if (is_map) value_to_reply(L, lua_gettop(L), c, depth);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

void field_to_reply(lua_State* L, int index, Ctx& c, Shape shape) {
  switch (shape) {
    case Shape::error: raw_field(L, index, "err"); c.reply.error(string_at(L, -1)); break;
    case Shape::status: raw_field(L, index, "ok"); c.reply.simple(one_line(string_at(L, -1))); break;
    case Shape::dbl: raw_field(L, index, "double"); c.reply.dbl(lua_tonumber(L, -1)); break;
    case Shape::big_number: raw_field(L, index, "big_number"); c.reply.big_number(one_line(string_at(L, -1))); break;
    default: {  // verbatim
      raw_field(L, index, "verbatim_string");
      raw_field(L, lua_gettop(L), "format");
      raw_field(L, lua_gettop(L) - 1, "string");
      c.reply.verbatim_as(string_at(L, -2), string_at(L, -1));
      lua_pop(L, 2);
    }
  }
  lua_pop(L, 1);
}

void table_to_reply(lua_State* L, int index, Ctx& c, int depth) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  const Shape shape = classify(L, index);
  if (shape == Shape::map || shape == Shape::set) return entries_to_reply(L, index, c, depth, shape == Shape::map);
  if (shape != Shape::array) return field_to_reply(L, index, c, shape);
  const std::size_t n = array_length(L, index);
  c.reply.array(n);
  for (std::size_t i = 1; i <= n; ++i) {
    lua_rawgeti(L, index, static_cast<int>(i));
    value_to_reply(L, lua_gettop(L), c, depth);
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

bool within_budget(lua_State* L, int index, int depth, std::size_t& budget);

bool entries_within_budget(lua_State* L, int index, int depth, std::size_t& budget, bool is_map) {
  raw_field(L, index, is_map ? "map" : "set");
  const int t = lua_gettop(L);
  bool ok = true;
  lua_pushnil(L);
  while (ok && lua_next(L, t) != 0) {
    ok = within_budget(L, lua_gettop(L) - 1, depth + 1, budget) &&
         (!is_map || within_budget(L, lua_gettop(L), depth + 1, budget));
    lua_pop(L, 1);
  }
  if (!ok) lua_pop(L, 1);  // lua_next left the key on the stack
  lua_pop(L, 1);
  return ok;
}

// Counts the replies the value at index converts to, giving up past `budget`:
// a table holding itself twice would otherwise make 2^kMaxDepth of them.
bool within_budget(lua_State* L, int index, int depth, std::size_t& budget) {
  if (budget == 0) return false;
  --budget;
  if (lua_type(L, index) != LUA_TTABLE || depth >= kMaxDepth || !lua_checkstack(L, 8)) return true;
  const Shape shape = classify(L, index);
  if (shape == Shape::map || shape == Shape::set) {
    return entries_within_budget(L, index, depth, budget, shape == Shape::map);
  }
  if (shape != Shape::array) return true;
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

void lua_to_reply(lua_State* L, int index, protocol::ReplyBuilder& reply, std::size_t max_replies, int resp) {
  if (index < 0) index = lua_gettop(L) + index + 1;
  std::size_t budget = max_replies;
  if (lua_type(L, index) == LUA_TTABLE && !within_budget(L, index, 0, budget)) {
    reply.error("ERR the script's reply has more than " + std::to_string(max_replies) +
                " elements (a table that holds itself?)");
    return;
  }
  Ctx c{reply, resp};
  value_to_reply(L, index, c, 0);
}

}  // namespace mnemo::server::script
