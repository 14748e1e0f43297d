#include "server/script/lua_cmsgpack.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

extern "C" {
#include <lauxlib.h>
}

namespace mnemo::server::script {

namespace cmsgpack_impl {

constexpr int kMaxNesting = 16;  // deeper tables pack as nil (and circular ones end)
constexpr const char* kBufferMeta = "mnemo.cmsgpack.buffer";

// The packing buffer lives in a userdata whose __gc frees it, so a Lua error
// (a failing __index, a full stack) unwinding past pack() leaks nothing.
int buffer_gc(lua_State* L) {
  static_cast<std::string*>(lua_touserdata(L, 1))->~basic_string();
  return 0;
}

std::string* push_buffer(lua_State* L) {
  void* mem = lua_newuserdata(L, sizeof(std::string));
  auto* out = new (mem) std::string();
  if (luaL_newmetatable(L, kBufferMeta) != 0) {
    lua_pushcfunction(L, buffer_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return out;
}

// Appends `n` big-endian bytes of `v` after the type byte.
void put_be(std::string& out, unsigned char type, std::uint64_t v, int n) {
  out.push_back(static_cast<char>(type));
  for (int shift = (n - 1) * 8; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_bytes(std::string& out, const char* s, std::size_t len) {
  if (len < 32) {
    out.push_back(static_cast<char>(0xa0 | len));
  } else if (len <= 0xff) {
    put_be(out, 0xd9, len, 1);
  } else if (len <= 0xffff) {
    put_be(out, 0xda, len, 2);
  } else {
    put_be(out, 0xdb, len, 4);
  }
  out.append(s, len);
}

void put_int(std::string& out, std::int64_t n) {
  const auto u = static_cast<std::uint64_t>(n);
  if (n >= 0) {
    if (n <= 127) out.push_back(static_cast<char>(n));
    else if (n <= 0xff) put_be(out, 0xcc, u, 1);
    else if (n <= 0xffff) put_be(out, 0xcd, u, 2);
    else if (n <= 0xffffffffLL) put_be(out, 0xce, u, 4);
    else put_be(out, 0xcf, u, 8);
  } else {
    if (n >= -32) out.push_back(static_cast<char>(n));  // negative fixnum: the byte itself
    else if (n >= -128) put_be(out, 0xd0, u, 1);
    else if (n >= -32768) put_be(out, 0xd1, u, 2);
    else if (n >= INT32_MIN) put_be(out, 0xd2, u, 4);
    else put_be(out, 0xd3, u, 8);
  }
}

// A number packs as an integer when an int64 holds it exactly, else as a
// float when a float does, else as a double.
void put_number(std::string& out, double d) {
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d) {
    put_int(out, static_cast<std::int64_t>(d));
    return;
  }
  const auto f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, 4);
    put_be(out, 0xca, bits, 4);
  } else {
    std::uint64_t bits;
    std::memcpy(&bits, &d, 8);
    put_be(out, 0xcb, bits, 8);
  }
}

void put_header(std::string& out, unsigned char fix, unsigned char b16, std::size_t n) {
  if (n <= 15) out.push_back(static_cast<char>(fix | n));
  else if (n <= 65535) put_be(out, b16, n, 2);
  else put_be(out, b16 + 1, n, 4);  // array 32 / map 32 follow their 16-bit forms
}

// True when the table on top has exactly the keys 1..N (numbers an int holds).
bool is_array(lua_State* L) {
  const int top = lua_gettop(L);
  luaL_checkstack(L, 2, "in function table_is_an_array");
  int count = 0;
  int max = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    const double n = lua_type(L, -1) == LUA_TNUMBER ? lua_tonumber(L, -1) : 0;
    if (n <= 0 || n > INT_MAX || static_cast<double>(static_cast<int>(n)) != n) {
      lua_settop(L, top);
      return false;
    }
    if (n > max) max = static_cast<int>(n);
    ++count;
  }
  lua_settop(L, top);
  return max == count;
}

void put_value(lua_State* L, std::string& out, int level);

void put_table(lua_State* L, std::string& out, int level) {
  if (is_array(L)) {
    const std::size_t len = lua_objlen(L, -1);
    put_header(out, 0x90, 0xdc, len);
    luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
    for (std::size_t j = 1; j <= len; ++j) {
      lua_pushnumber(L, static_cast<lua_Number>(j));
      lua_gettable(L, -2);
      put_value(L, out, level + 1);
    }
    return;
  }
  luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
  std::size_t len = 0;
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pop(L, 1);
    ++len;
  }
  put_header(out, 0x80, 0xde, len);
  lua_pushnil(L);
  while (lua_next(L, -2) != 0) {
    lua_pushvalue(L, -2);
    put_value(L, out, level + 1);  // the key
    put_value(L, out, level + 1);  // the value
  }
}

// Packs the value on top of the stack and pops it.
void put_value(lua_State* L, std::string& out, int level) {
  int type = lua_type(L, -1);
  if (type == LUA_TTABLE && level == kMaxNesting) type = LUA_TNIL;
  switch (type) {
    case LUA_TSTRING: {
      std::size_t len = 0;
      const char* s = lua_tolstring(L, -1, &len);
      put_bytes(out, s, len);
      break;
    }
    case LUA_TBOOLEAN: out.push_back(static_cast<char>(lua_toboolean(L, -1) ? 0xc3 : 0xc2)); break;
    case LUA_TNUMBER: put_number(out, lua_tonumber(L, -1)); break;
    case LUA_TTABLE: put_table(L, out, level); break;
    default: out.push_back(static_cast<char>(0xc0)); break;  // nil, functions, userdata
  }
  lua_pop(L, 1);
}

int pack(lua_State* L) {
  const int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (lua_checkstack(L, nargs) == 0) return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  std::string* out = push_buffer(L);
  for (int i = 1; i <= nargs; ++i) {
    luaL_checkstack(L, 1, "in function mp_check");
    lua_pushvalue(L, i);
    put_value(L, *out, 0);
  }
  lua_pushlstring(L, out->data(), out->size());
  return 1;
}

}  // namespace cmsgpack_impl

int cmsgpack_unpack(lua_State* L);
int cmsgpack_unpack_one(lua_State* L);
int cmsgpack_unpack_limit(lua_State* L);

int open_cmsgpack(lua_State* L) {
  const luaL_Reg functions[] = {{"pack", cmsgpack_impl::pack},
                                {"unpack", cmsgpack_unpack},
                                {"unpack_one", cmsgpack_unpack_one},
                                {"unpack_limit", cmsgpack_unpack_limit}};
  lua_newtable(L);
  for (const auto& f : functions) {
    lua_pushcfunction(L, f.func);
    lua_setfield(L, -2, f.name);
  }
  const std::pair<const char*, const char*> meta[] = {
      {"_NAME", "cmsgpack"},
      {"_VERSION", "lua-cmsgpack 0.4.0"},
      {"_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo"},
      {"_DESCRIPTION", "MessagePack C implementation for Lua"}};
  for (const auto& [key, value] : meta) {
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
  }
  return 1;
}

}  // namespace mnemo::server::script
