// cmsgpack.unpack, unpack_one and unpack_limit (the decoding half of
// lua_cmsgpack.h): Redis 7.0's lua_cmsgpack.c read the same bytes into the
// same Lua values, including its quirks (uint 64 above INT64_MAX wraps to a
// negative integer; int 64 goes through a double; unpack_limit(s, 0) decodes all).
#include <climits>
#include <cstdint>
#include <cstring>

#include "server/script/lua_cmsgpack.h"

extern "C" {
#include <lauxlib.h>
}

namespace mnemo::server::script {

namespace cmsgpack_decode {

enum class CursorError { kNone, kEof, kBadFormat };

struct Cursor {
  const unsigned char* p;
  std::size_t left;
  CursorError err = CursorError::kNone;

  bool need(std::size_t n) {
    if (left >= n) return true;
    err = CursorError::kEof;
    return false;
  }
  void consume(std::size_t n) {
    p += n;
    left -= n;
  }
  // The `n` big-endian bytes after the type byte.
  std::uint64_t be(int n) const {
    std::uint64_t v = 0;
    for (int i = 1; i <= n; ++i) v = (v << 8) | p[i];
    return v;
  }
};

void decode_value(lua_State* L, Cursor& c);

void decode_array(lua_State* L, Cursor& c, std::size_t len) {
  lua_newtable(L);
  luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
  for (std::size_t index = 1; index <= len; ++index) {
    lua_pushnumber(L, static_cast<lua_Number>(index));
    decode_value(L, c);
    if (c.err != CursorError::kNone) return;
    lua_settable(L, -3);
  }
}

void decode_map(lua_State* L, Cursor& c, std::size_t len) {
  lua_newtable(L);
  while (len-- > 0) {
    decode_value(L, c);  // the key
    if (c.err != CursorError::kNone) return;
    decode_value(L, c);  // the value
    if (c.err != CursorError::kNone) return;
    lua_settable(L, -3);
  }
}

// A fixed-width number: `n` bytes after the type byte.
bool decode_number(lua_State* L, Cursor& c, unsigned char type) {
  const int widths[] = {4, 8, 1, 2, 4, 8, 1, 2, 4, 8};  // 0xca .. 0xd3
  const int n = widths[type - 0xca];
  if (!c.need(1 + static_cast<std::size_t>(n))) return false;
  const std::uint64_t v = c.be(n);
  switch (type) {
    case 0xca: {
      float f;
      const auto bits = static_cast<std::uint32_t>(v);
      std::memcpy(&f, &bits, 4);
      lua_pushnumber(L, f);
      break;
    }
    case 0xcb: {
      double d;
      std::memcpy(&d, &v, 8);
      lua_pushnumber(L, d);
      break;
    }
    case 0xd0: lua_pushinteger(L, static_cast<std::int8_t>(v)); break;
    case 0xd1: lua_pushinteger(L, static_cast<std::int16_t>(v)); break;
    case 0xd2: lua_pushinteger(L, static_cast<std::int32_t>(v)); break;
    case 0xd3: lua_pushnumber(L, static_cast<lua_Number>(static_cast<std::int64_t>(v))); break;
    default: lua_pushinteger(L, static_cast<lua_Integer>(v)); break;  // uint 8/16/32/64
  }
  c.consume(1 + static_cast<std::size_t>(n));
  return true;
}

// str 8/16/32, array 16/32, map 16/32: a length of `n` bytes, then the body.
void decode_sized(lua_State* L, Cursor& c, unsigned char type, int n) {
  if (!c.need(1 + static_cast<std::size_t>(n))) return;
  const auto len = static_cast<std::size_t>(c.be(n));
  c.consume(1 + static_cast<std::size_t>(n));
  if (type == 0xdc || type == 0xdd) return decode_array(L, c, len);
  if (type == 0xde || type == 0xdf) return decode_map(L, c, len);
  if (!c.need(len)) return;
  lua_pushlstring(L, reinterpret_cast<const char*>(c.p), len);
  c.consume(len);
}

void decode_fixed(lua_State* L, Cursor& c, unsigned char b) {
  if ((b & 0x80) == 0) {
    lua_pushinteger(L, b);
    c.consume(1);
  } else if ((b & 0xe0) == 0xe0) {
    lua_pushinteger(L, static_cast<std::int8_t>(b));
    c.consume(1);
  } else if ((b & 0xe0) == 0xa0) {
    const std::size_t len = b & 0x1f;
    if (!c.need(1 + len)) return;
    lua_pushlstring(L, reinterpret_cast<const char*>(c.p + 1), len);
    c.consume(1 + len);
  } else if ((b & 0xf0) == 0x90) {
    c.consume(1);
    decode_array(L, c, b & 0xf);
  } else if ((b & 0xf0) == 0x80) {
    c.consume(1);
    decode_map(L, c, b & 0xf);
  } else {
    c.err = CursorError::kBadFormat;  // 0xc1, ext types, bin 8/16/32
  }
}

// Pushes the value at the cursor; on short or bad input sets c.err instead.
void decode_value(lua_State* L, Cursor& c) {
  if (!c.need(1)) return;
  luaL_checkstack(L, 1, "too many return values at once; use unpack_one or unpack_limit instead.");
  const unsigned char b = c.p[0];
  if (b == 0xc0 || b == 0xc2 || b == 0xc3) {
    if (b == 0xc0) lua_pushnil(L);
    else lua_pushboolean(L, b == 0xc3);
    c.consume(1);
  } else if (b >= 0xca && b <= 0xd3) {
    decode_number(L, c, b);
  } else if (b >= 0xd9 && b <= 0xdf) {
    const int widths[] = {1, 2, 4, 2, 4, 2, 4};  // 0xd9 .. 0xdf
    decode_sized(L, c, b, widths[b - 0xd9]);
  } else {
    decode_fixed(L, c, b);
  }
}

int unpack_full(lua_State* L, lua_Integer limit, lua_Integer offset) {
  std::size_t len = 0;
  const char* s = luaL_checklstring(L, 1, &len);
  const bool decode_all = limit == 0 && offset == 0;
  if (offset < 0 || limit < 0) {  // Redis's message shows the length where it says limit
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  }
  if (static_cast<std::size_t>(offset) > len) {
    return luaL_error(L, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(len));
  }
  if (decode_all) limit = INT_MAX;
  Cursor c{reinterpret_cast<const unsigned char*>(s) + offset, len - static_cast<std::size_t>(offset)};
  int count = 0;
  for (; c.left > 0 && count < limit; ++count) {
    decode_value(L, c);
    if (c.err == CursorError::kEof) return luaL_error(L, "Missing bytes in input.");
    if (c.err == CursorError::kBadFormat) return luaL_error(L, "Bad data format in input.");
  }
  if (decode_all) return count;
  luaL_checkstack(L, 1, "in function mp_unpack_full");
  // The offset to continue from, or -1 once the whole input is read, goes first.
  lua_pushinteger(L, c.left == 0 ? -1 : static_cast<lua_Integer>(len - c.left));
  lua_insert(L, 2);
  return count + 1;
}

}  // namespace cmsgpack_decode

int cmsgpack_unpack(lua_State* L) { return cmsgpack_decode::unpack_full(L, 0, 0); }

int cmsgpack_unpack_one(lua_State* L) {
  const lua_Integer offset = luaL_optinteger(L, 2, 0);
  lua_settop(L, 1);
  return cmsgpack_decode::unpack_full(L, 1, offset);
}

int cmsgpack_unpack_limit(lua_State* L) {
  const lua_Integer limit = luaL_checkinteger(L, 2);
  const lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_settop(L, 1);
  return cmsgpack_decode::unpack_full(L, limit, offset);
}

}  // namespace mnemo::server::script
