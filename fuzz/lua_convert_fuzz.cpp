// libFuzzer target for the conversions between Lua values and replies
// (server/script/lua_convert.cpp): what a script returns comes from users.
// The input is a little program that builds a Lua value (numbers of any bit
// pattern, NaN and infinities included; strings; booleans; nil; tables
// nested, holding themselves, with err/ok fields), which is converted to a
// RESP2 reply, for a script in RESP2 or RESP3 (redis.setresp). Besides "no crash, no undefined behaviour", it checks that
// the bytes are exactly one well-formed reply, and that feeding that reply
// back through LuaReplyBuilder pushes exactly one value on the Lua stack.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "protocol/resp_reply_builder.h"
#include "server/script/lua_convert.h"

extern "C" {
#include <lauxlib.h>
#include <lualib.h>
}

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

class Input {
 public:
  Input(const std::uint8_t* d, std::size_t n) : d_(d), n_(n) {}
  bool empty() const { return at_ >= n_; }
  std::uint8_t byte() { return at_ < n_ ? d_[at_++] : 0; }
  std::string_view take(std::size_t n) {
    n = std::min(n, n_ - at_);
    std::string_view s(reinterpret_cast<const char*>(d_ + at_), n);
    at_ += n;
    return s;
  }

 private:
  const std::uint8_t* d_;
  std::size_t n_;
  std::size_t at_ = 0;
};

// Runs the program; leaves one value on the stack above `base`.
void build(lua_State* L, Input& in, int base) {
  int steps = 0;
  while (!in.empty() && ++steps < 512) {
    const int top = lua_gettop(L);
    if (!lua_checkstack(L, 4)) break;
    switch (in.byte() % 10) {
      case 0: {  // a number from 8 raw bytes
        double v = 0;
        const std::string_view b = in.take(8);
        std::memcpy(&v, b.data(), b.size());
        lua_pushnumber(L, v);
        break;
      }
      case 1: {  // a string
        const std::string_view s = in.take(in.byte());
        lua_pushlstring(L, s.data(), s.size());
        break;
      }
      case 2: lua_pushboolean(L, in.byte() & 1); break;
      case 3: lua_pushnil(L); break;
      case 4: lua_newtable(L); break;
      case 5:  // t[k] = v for the two values on top (k: 1..4, or a field a reply table may have)
        if (top - base >= 2 && lua_istable(L, -2)) {
          static const char* const kFields[] = {"err",        "ok",     "map",    "set",   "double",
                                                "big_number", "verbatim_string", "format", "string"};
          const std::uint8_t k = in.byte() % 13;
          if (k < 4) {
            lua_rawseti(L, -2, k + 1);
          } else {
            lua_setfield(L, -2, kFields[k - 4]);
          }
        }
        break;
      case 6:  // a table that holds itself at index 1 and 2
        if (top > base && lua_istable(L, -1)) {
          lua_pushvalue(L, -1);
          lua_rawseti(L, -2, 1);
          lua_pushvalue(L, -1);
          lua_rawseti(L, -2, 2);
        }
        break;
      case 7: if (top > base) lua_pushvalue(L, -1); break;
      case 8: if (top > base) lua_pop(L, 1); break;
      case 9:  // t[k] = v for the three values on top, any key Lua accepts (a map's or set's entries)
        if (top - base >= 3 && lua_istable(L, -3) && !lua_isnil(L, -2) &&
            !(lua_type(L, -2) == LUA_TNUMBER && lua_tonumber(L, -2) != lua_tonumber(L, -2))) {
          lua_rawset(L, -3);
        }
        break;
    }
  }
  if (lua_gettop(L) == base) lua_pushnil(L);
}

// Parses one RESP2 reply at s[at], feeding it to `out`; returns false if malformed.
bool replay(std::string_view s, std::size_t& at, mnemo::protocol::ReplyBuilder& out, int depth) {
  if (at >= s.size() || depth > 1000) return false;
  const char kind = s[at++];
  const std::size_t eol = s.find("\r\n", at);
  if (eol == std::string_view::npos) return false;
  const std::string_view line = s.substr(at, eol - at);
  at = eol + 2;
  switch (kind) {
    case '+': out.simple(line); return true;
    case '-': out.error(line); return true;
    case ':': out.integer(std::strtoll(std::string(line).c_str(), nullptr, 10)); return true;
    case '$': {
      if (line == "-1") {
        out.null();
        return true;
      }
      const std::size_t n = std::strtoull(std::string(line).c_str(), nullptr, 10);
      if (at + n + 2 > s.size() || s.substr(at + n, 2) != "\r\n") return false;
      out.bulk(s.substr(at, n));
      at += n + 2;
      return true;
    }
    case '*': {
      if (line == "-1") {
        out.null_array();
        return true;
      }
      const std::size_t n = std::strtoull(std::string(line).c_str(), nullptr, 10);
      out.array(n);
      for (std::size_t i = 0; i < n; ++i) {
        if (!replay(s, at, out, depth + 1)) return false;
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lua_State* L = luaL_newstate();
  Input in(data, size);
  build(L, in, 0);
  std::string bytes;
  mnemo::protocol::resp::Resp2ReplyBuilder reply(bytes);
  // The script's protocol (redis.setresp): the last byte's top bit.
  const int resp = size > 0 && (data[size - 1] & 0x80) != 0 ? 3 : 2;
  mnemo::server::script::lua_to_reply(L, -1, reply, 4096, resp);
  check(!bytes.empty());
  lua_settop(L, 0);
  // The reply parses as exactly one reply, and converts back to exactly one Lua value.
  mnemo::server::script::LuaReplyBuilder back(L, resp);
  std::size_t at = 0;
  check(replay(bytes, at, back, 0));
  check(at == bytes.size());
  check(lua_gettop(L) == 1);
  lua_close(L);
  return 0;
}
