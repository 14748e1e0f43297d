// The RESP commands that run the store's typed operations (SET with options,
// GETSET, GETDEL, GETEX, APPEND, SETRANGE, INCRBYFLOAT, the EXPIRE family),
// driven through the codec against a real store: replies byte for byte, and
// what the store and its journal hold afterwards.
#include <limits>
#include <string>

#include "tests/server/resp_codec_store_support.h"

using namespace mnemo::server;
using namespace mnemo::server::resp_test;
using mnemo::server::test::Change;
using mnemo::server::test::del;
using mnemo::server::test::put;

namespace {

std::int64_t expire_time(StoreCodecDriver& d, std::string_view key) { return *d.h.store.expire_time(0, key); }
bool has(StoreCodecDriver& d, std::string_view key) { return d.h.store.get(0, key)->has_value(); }

}  // namespace

TEST_CASE("resp SET options land in the store as given", "[server][resp]") {
  StoreCodecDriver d;
  const std::int64_t now = d.now();
  CHECK(d.run(command({"SET", "k", "v", "ex", "10"})) == "+OK\r\n");
  CHECK(expire_time(d, "k") == now + 10000);
  CHECK(d.run(command({"SET", "k", "v", "PX", "1500"})) == "+OK\r\n");
  CHECK(expire_time(d, "k") == now + 1500);
  SECTION("EXAT and PXAT are stored exactly") {
    CHECK(d.run(command({"SET", "k", "v", "EXAT", std::to_string(now / 1000 + 100)})) == "+OK\r\n");
    CHECK(expire_time(d, "k") == (now / 1000 + 100) * 1000);
    d.h.clock.advance(7);  // the store's clock moves on: the deadline does not
    CHECK(d.run(command({"SET", "k", "v", "PXAT", std::to_string(now + 2500)})) == "+OK\r\n");
    CHECK(expire_time(d, "k") == now + 2500);
    CHECK(d.run(command({"SET", "k", "v", "PXAT", "9223372036854775807"})) == "+OK\r\n");
    CHECK(expire_time(d, "k") == std::numeric_limits<std::int64_t>::max());
  }
  SECTION("the last of a repeated expiry option counts; KEEPTTL keeps; none clears") {
    CHECK(d.run(command({"SET", "k", "v", "EX", "10", "ex", "20"})) == "+OK\r\n");
    CHECK(expire_time(d, "k") == now + 20000);
    CHECK(d.run(command({"SET", "k", "w", "KEEPTTL"})) == "+OK\r\n");
    CHECK(expire_time(d, "k") == now + 20000);
    CHECK(d.run(command({"SET", "k", "w", "XX"})) == "+OK\r\n");
    CHECK(expire_time(d, "k") == -1);
  }
  SECTION("NX and XX answer nil when they do not apply") {
    CHECK(d.run(command({"SET", "k", "x", "NX"})) == "$-1\r\n");
    CHECK(d.run(command({"SET", "m", "x", "XX"})) == "$-1\r\n");
    CHECK(d.run(command({"SET", "m", "x", "nx", "EX", "5"})) == "+OK\r\n");
    CHECK(expire_time(d, "m") == now + 5000);
    CHECK(d.run(command({"GET", "k"})) == "$1\r\nv\r\n");
  }
}

TEST_CASE("resp SET with a moment already past leaves no key", "[server][resp]") {
  StoreCodecDriver d;
  const std::string past = std::to_string(d.now());
  CHECK(d.run(command({"SET", "k", "v"})) == "+OK\r\n");
  CHECK(d.run(command({"SET", "k", "v", "PXAT", past})) == "+OK\r\n");
  CHECK_FALSE(has(d, "k"));
  CHECK(d.h.log.batches().back() == std::vector<Change>{del(d.h.log.last_seq(), "k")});
  CHECK(d.run(command({"SET", "k", "v", "EXAT", "1"})) == "+OK\r\n");  // OK with no key either
  CHECK(d.run(command({"SET", "k", "v", "PXAT", "1", "XX"})) == "$-1\r\n");
  CHECK(d.run(command({"SET", "k", "v", "NX", "PXAT", "1"})) == "+OK\r\n");
  CHECK_FALSE(has(d, "k"));
  CHECK(d.run(command({"SET", "k", "v"})) == "+OK\r\n");
  CHECK(d.run(command({"SET", "k", "v", "NX", "PXAT", "1"})) == "$-1\r\n");
  CHECK(has(d, "k"));
}

TEST_CASE("resp SET GET and GETSET answer the old value in one journal record", "[server][resp]") {
  StoreCodecDriver d;
  CHECK(d.run(command({"SET", "k", "new", "GET"})) == "$-1\r\n");
  CHECK(d.run(command({"SET", "k", "newer", "GET", "EX", "10"})) == "$3\r\nnew\r\n");
  CHECK(d.h.log.batches().back() == std::vector<Change>{put(d.h.log.last_seq(), "k", "newer", d.now() + 10000)});
  CHECK(d.run(command({"SET", "k", "x", "GET", "NX"})) == "$5\r\nnewer\r\n");  // old value, nothing written
  CHECK(d.run(command({"SET", "m", "x", "XX", "GET"})) == "$-1\r\n");
  CHECK_FALSE(has(d, "m"));
  CHECK(d.run(command({"GETSET", "k", "g"})) == "$5\r\nnewer\r\n");
  CHECK(expire_time(d, "k") == -1);  // GETSET is SET ... GET: the expiry goes
  CHECK(d.run(command({"GETSET", "fresh", "g"})) == "$-1\r\n");
  CHECK(d.run(command({"GET", "k"})) == "$1\r\ng\r\n");
}

TEST_CASE("resp GETDEL and GETEX", "[server][resp]") {
  StoreCodecDriver d;
  const std::int64_t now = d.now();
  CHECK(d.run(command({"SET", "k", "v"})) == "+OK\r\n");
  CHECK(d.run(command({"GETEX", "k", "PXAT", std::to_string(now + 777)})) == "$1\r\nv\r\n");
  CHECK(expire_time(d, "k") == now + 777);
  CHECK(d.run(command({"GETEX", "k", "PERSIST"})) == "$1\r\nv\r\n");
  CHECK(expire_time(d, "k") == -1);
  CHECK(d.run(command({"GETEX", "k"})) == "$1\r\nv\r\n");
  SECTION("a bad time is nil for a missing key, an error for a present one (Redis 7.0's order)") {
    CHECK(d.run(command({"GETEX", "missing", "EX", "0"})) == "$-1\r\n");
    CHECK(d.run(command({"GETEX", "k", "EX", "0"})) == "-ERR invalid expire time in 'getex' command\r\n");
    CHECK(d.run(command({"GETEX", "k", "EX", "1", "PERSIST"})) == "-ERR syntax error\r\n");
  }
  SECTION("a moment past deletes") {
    CHECK(d.run(command({"GETEX", "k", "EXAT", "1"})) == "$1\r\nv\r\n");
    CHECK_FALSE(has(d, "k"));
  }
  SECTION("GETDEL") {
    CHECK(d.run(command({"GETDEL", "k"})) == "$1\r\nv\r\n");
    CHECK(d.run(command({"GETDEL", "k"})) == "$-1\r\n");
    CHECK(d.h.log.batches().back() == std::vector<Change>{del(d.h.log.last_seq(), "k")});
  }
}

TEST_CASE("resp APPEND, SETRANGE and INCRBYFLOAT", "[server][resp]") {
  StoreOptions small;
  small.max_value_bytes = 16;
  StoreCodecDriver d(small);
  CHECK(d.run(command({"APPEND", "k", "abc"})) == ":3\r\n");
  CHECK(d.run(command({"SETRANGE", "k", "5", "xy"})) == ":7\r\n");
  CHECK(d.run(command({"GET", "k"})) == std::string("$7\r\nabc\0\0xy\r\n", 13));
  CHECK(d.run(command({"SETRANGE", "k", "0", ""})) == ":7\r\n");
  CHECK(d.run(command({"SETRANGE", "k", "-1", "a"})) == "-ERR offset is out of range\r\n");
  CHECK(d.run(command({"SETRANGE", "k", "16", "a"})) ==
        "-ERR value is 17 bytes; the limit is 16 bytes (max value size)\r\n");
  CHECK(d.run(command({"SETRANGE", "k", "536870912", "a"})) ==
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  CHECK(d.run(command({"APPEND", "k", "0123456789"})) ==
        "-ERR value is 17 bytes; the limit is 16 bytes (max value size)\r\n");
  CHECK(d.run(command({"INCRBYFLOAT", "f", "1.5"})) == "$3\r\n1.5\r\n");
  CHECK(d.run(command({"INCRBYFLOAT", "f", "x"})) == "-ERR value is not a valid float\r\n");
  CHECK(d.run(command({"INCRBYFLOAT", "k", "1"})) == "-ERR value is not a valid float\r\n");
  CHECK(d.run(command({"INCRBYFLOAT", "f", "1e5000"})) == "-ERR value is not a valid float\r\n");
  CHECK(d.run(command({"SET", "big", "1.1e4932"})) == "+OK\r\n");
  CHECK(d.run(command({"INCRBYFLOAT", "big", "1.1e4932"})) == "-ERR increment would produce NaN or Infinity\r\n");
}

TEST_CASE("resp EXPIRE family stores the deadline it computes", "[server][resp]") {
  StoreCodecDriver d;
  const std::int64_t now = d.now();
  CHECK(d.run(command({"EXPIRE", "k", "10"})) == ":0\r\n");
  CHECK(d.run(command({"SET", "k", "v"})) == "+OK\r\n");
  CHECK(d.run(command({"EXPIRE", "k", "10"})) == ":1\r\n");
  CHECK(expire_time(d, "k") == now + 10000);
  CHECK(d.run(command({"PEXPIRE", "k", "10"})) == ":1\r\n");
  CHECK(expire_time(d, "k") == now + 10);
  d.h.clock.advance(3);
  CHECK(d.run(command({"PEXPIREAT", "k", std::to_string(now + 123)})) == ":1\r\n");
  CHECK(expire_time(d, "k") == now + 123);
  CHECK(d.run(command({"PEXPIRETIME", "k"})) == ":" + std::to_string(now + 123) + "\r\n");
  CHECK(d.run(command({"EXPIREAT", "k", std::to_string(now / 1000 + 5)})) == ":1\r\n");
  CHECK(expire_time(d, "k") == (now / 1000 + 5) * 1000);
  CHECK(d.run(command({"PEXPIREAT", "k", "9223372036854775807"})) == ":1\r\n");
  CHECK(expire_time(d, "k") == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("resp EXPIRE NX XX GT LT decide on the key's expiry", "[server][resp]") {
  StoreCodecDriver d;
  const std::int64_t now = d.now();
  const auto at = [&](std::int64_t ms) { return std::to_string(now + ms); };
  CHECK(d.run(command({"SET", "k", "v"})) == "+OK\r\n");
  CHECK(d.run(command({"PEXPIREAT", "k", at(100), "XX"})) == ":0\r\n");
  CHECK(d.run(command({"PEXPIREAT", "k", at(100), "GT"})) == ":0\r\n");  // none counts as infinite
  CHECK(d.run(command({"PEXPIREAT", "k", at(100), "XX", "LT"})) == ":0\r\n");
  CHECK(d.run(command({"PEXPIREAT", "k", at(100), "NX"})) == ":1\r\n");
  CHECK(d.run(command({"PEXPIREAT", "k", at(200), "NX"})) == ":0\r\n");
  CHECK(d.run(command({"PEXPIREAT", "k", at(100), "GT"})) == ":0\r\n");  // equal is not greater
  CHECK(d.run(command({"PEXPIREAT", "k", at(200), "XX", "GT"})) == ":1\r\n");
  CHECK(d.run(command({"PEXPIREAT", "k", at(200), "LT"})) == ":0\r\n");
  CHECK(d.run(command({"PEXPIREAT", "k", at(150), "LT", "XX"})) == ":1\r\n");
  CHECK(expire_time(d, "k") == now + 150);
  CHECK(d.run(command({"PEXPIREAT", "missing", at(150), "LT"})) == ":0\r\n");
  SECTION("a moment not in the future deletes the key: 1 if it was there") {
    CHECK(d.run(command({"EXPIRE", "k", "0"})) == ":1\r\n");
    CHECK_FALSE(has(d, "k"));
    CHECK(d.run(command({"PEXPIRE", "k", "-5"})) == ":0\r\n");
    CHECK(d.run(command({"SET", "k", "v"})) == "+OK\r\n");
    CHECK(d.run(command({"PEXPIREAT", "k", std::to_string(now)})) == ":1\r\n");
    CHECK_FALSE(has(d, "k"));
  }
  SECTION("a past moment with a condition that refuses leaves the key") {
    CHECK(d.run(command({"PEXPIREAT", "k", "1", "GT"})) == ":0\r\n");
    CHECK(has(d, "k"));
  }
}

TEST_CASE("resp typed store writes pass the journal's refusals on", "[server][resp]") {
  StoreCodecDriver d;
  CHECK(d.run(command({"SET", "k", "v"})) == "+OK\r\n");
  d.h.log.fail_with(Status::busy, "queue full");
  CHECK(d.run(command({"SET", "k", "v", "GET"})) == "-BUSY queue full\r\n");
  CHECK(d.run(command({"APPEND", "k", "x"})) == "-BUSY queue full\r\n");
  CHECK(d.run(command({"EXPIRE", "k", "10", "NX"})) == "-BUSY queue full\r\n");
  d.h.log.fail_with(Status::read_only, "disk full");
  CHECK(d.run(command({"GETDEL", "k"})) == "-ERR persistence is failing: disk full\r\n");
  d.h.log.recover();
  CHECK(d.run(command({"GET", "k"})) == "$1\r\nv\r\n");
  CHECK(d.run(command({"sEt", "k", "w", "Ex", "1", "xX", "gEt"})) == "$1\r\nv\r\n");  // names and options in any case
}
