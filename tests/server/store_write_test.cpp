// Single-key writes: SET (NX/XX/KEEPTTL/CAS), DEL, INCRBY, EXPIRE, PERSIST,
// and what each sends to the change log.
#include <catch2/catch.hpp>

#include <string>

#include "store_test_support.h"

namespace mnemo::server::test {

TEST_CASE("store SET NX writes only a missing key", "[store]") {
  StoreHarness h;
  CHECK(h.set("k", "1", flags::kNx).status == Status::ok);
  CHECK(h.set("k", "2", flags::kNx).status == Status::exists);
  CHECK(h.get("k").value == "1");
  SECTION("an expired key counts as missing") {
    h.set("t", "1", 0, 10);
    h.clock.advance(10);
    CHECK(h.set("t", "2", flags::kNx).status == Status::ok);
  }
}

TEST_CASE("store SET XX writes only an existing key", "[store]") {
  StoreHarness h;
  CHECK(h.set("k", "1", flags::kXx).status == Status::not_found);
  CHECK(h.get("k").status == Status::not_found);
  h.set("k", "1");
  CHECK(h.set("k", "2", flags::kXx).status == Status::ok);
  CHECK(h.get("k").value == "2");
}

TEST_CASE("store SET rejects contradictory flags", "[store]") {
  StoreHarness h;
  CHECK(h.set("k", "1", flags::kNx | flags::kXx).status == Status::bad_request);
  CHECK(h.set("k", "1", flags::kKeepTtl, 100).status == Status::bad_request);
  CHECK(h.set("k", "1", flags::kNx, 0, 5).status == Status::bad_request);
  CHECK(h.set("k", "1", 0, ~std::uint64_t{0}).status == Status::bad_request);
  CHECK(h.store.size() == 0);
}

TEST_CASE("store SET with a ttl sets an absolute expiry; plain SET clears it; KEEPTTL keeps it", "[store]") {
  StoreHarness h;
  const std::int64_t t0 = h.clock.now_ms();
  h.set("k", "1", 0, 1000);
  CHECK(h.get("k").expire_at_ms == t0 + 1000);
  h.set("k", "2", flags::kKeepTtl);
  CHECK(h.get("k").expire_at_ms == t0 + 1000);
  CHECK(h.get("k").value == "2");
  h.set("k", "3");
  CHECK(h.get("k").expire_at_ms == 0);
  h.set("new", "1", flags::kKeepTtl);
  CHECK(h.get("new").expire_at_ms == 0);
}

TEST_CASE("store SET with if_version is a compare-and-set", "[store]") {
  StoreHarness h;
  CHECK(h.set("k", "1", 0, 0, 1).status == Status::not_found);
  const auto v1 = h.set("k", "1").version;
  const Response ok = h.set("k", "2", 0, 0, v1);
  REQUIRE(ok.status == Status::ok);
  const Response stale = h.set("k", "3", 0, 0, v1);
  CHECK(stale.status == Status::version_mismatch);
  CHECK_THAT(stale.message, Catch::Contains(std::to_string(ok.version)));
  CHECK(h.get("k").value == "2");
  CHECK(h.set("k", "4", flags::kXx, 0, ok.version).status == Status::ok);
}

TEST_CASE("store EXPIRE with if_version changes only the expiry, only at that version", "[store]") {
  StoreHarness h;
  CHECK(h.expire("k", 1000, 1).status == Status::not_found);
  const auto v = h.set("k", "1", flags::kEphemeral).version;
  const Response stale = h.expire("k", 1000, v + 1);
  CHECK(stale.status == Status::version_mismatch);
  CHECK(h.get("k").expire_at_ms == 0);
  const Response ok = h.expire("k", 1000, v);
  REQUIRE(ok.status == Status::ok);
  CHECK(ok.version > v);
  CHECK(h.get("k").expire_at_ms == h.clock.now_ms() + 1000);
  CHECK(h.store.stats().ephemeral_keys == 1);  // still ephemeral: nothing rewritten
  CHECK(h.log.batches().empty());
}

TEST_CASE("store DEL removes a key, honors if_version, NOT_FOUND when missing", "[store]") {
  StoreHarness h;
  CHECK(h.del("k").status == Status::not_found);
  const auto v = h.set("k", "1").version;
  const Response bad = h.del("k", v + 100);
  CHECK(bad.status == Status::version_mismatch);
  CHECK_THAT(bad.message, Catch::Contains(std::to_string(v)));
  const Response d = h.del("k", v);
  REQUIRE(d.status == Status::ok);
  CHECK(d.version > v);
  CHECK(h.get("k").status == Status::not_found);
  CHECK(h.del("k").status == Status::not_found);
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == 2);
  CHECK(batches[1] == std::vector<Change>{del(d.version, "k")});
}

TEST_CASE("store INCRBY adds to a decimal value, missing counts as 0", "[store]") {
  StoreHarness h;
  Response r = h.incrby("n", 5);
  CHECK(r.integer == 5);
  r = h.incrby("n", -7);
  CHECK(r.integer == -2);
  CHECK(h.get("n").value == "-2");
  CHECK(h.get("n").version == r.version);
  h.set("big", "9223372036854775806");
  CHECK(h.incrby("big", 1).integer == INT64_MAX);
  h.set("small", "-9223372036854775808");
  CHECK(h.incrby("small", 0).integer == INT64_MIN);
}

TEST_CASE("store INCRBY accepts only Redis-style integers", "[store]") {
  StoreHarness h;
  const char* bad = GENERATE(" 1", "1 ", "+1", "01", "-0", "-", "", "1.0", "abc", "0x10",
                             "9223372036854775808", "-9223372036854775809", "12345678901234567890123");
  h.set("k", bad);
  const Response r = h.incrby("k", 1);
  CHECK(r.status == Status::wrong_type);
  CHECK(r.message == "value is not an integer or out of range");
  CHECK(h.get("k").value == bad);
}

TEST_CASE("store INCRBY refuses to overflow", "[store]") {
  StoreHarness h;
  h.set("max", "9223372036854775807");
  Response r = h.incrby("max", 1);
  CHECK(r.status == Status::bad_request);
  CHECK(r.message == "increment or decrement would overflow");
  h.set("min", "-9223372036854775808");
  CHECK(h.incrby("min", -1).status == Status::bad_request);
  CHECK(h.get("max").value == "9223372036854775807");
}

TEST_CASE("store INCRBY keeps the expiry and journals the resulting value", "[store]") {
  StoreHarness h;
  h.set("n", "10", 0, 5000);
  const std::int64_t expire_at = h.get("n").expire_at_ms;
  const Response r = h.incrby("n", 3);
  CHECK(h.get("n").expire_at_ms == expire_at);
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == 2);
  CHECK(batches[1] == std::vector<Change>{put(r.version, "n", "13", expire_at)});
}

TEST_CASE("store EXPIRE sets a ttl on an existing key", "[store]") {
  StoreHarness h;
  CHECK(h.expire("k", 100).status == Status::not_found);
  h.set("k", "v");
  CHECK(h.expire("k", 0).status == Status::bad_request);
  const Response r = h.expire("k", 100);
  REQUIRE(r.status == Status::ok);
  CHECK(h.get("k").version == r.version);
  CHECK(h.ttl("k").integer == 100);
  CHECK(h.log.batches().back() == std::vector<Change>{put(r.version, "k", "v", h.clock.now_ms() + 100)});
  h.clock.advance(100);
  CHECK(h.get("k").status == Status::not_found);
}

TEST_CASE("store PERSIST removes a ttl; without one it changes and journals nothing", "[store]") {
  StoreHarness h;
  CHECK(h.persist("k").status == Status::not_found);
  const auto v = h.set("k", "v").version;
  Response r = h.persist("k");
  CHECK(r.status == Status::ok);
  CHECK_FALSE(r.changed);
  CHECK(r.version == v);
  CHECK(h.log.batches().size() == 1);
  h.expire("k", 100);
  r = h.persist("k");
  CHECK(r.changed);
  CHECK(r.version > v);
  CHECK(h.ttl("k").integer == -1);
  CHECK(h.log.batches().back() == std::vector<Change>{put(r.version, "k", "v", 0)});
}

TEST_CASE("store SET journals the full value and absolute expiry under the returned version", "[store]") {
  StoreHarness h;
  const Response r = h.set("k", "value", 0, 250);
  const auto batches = h.log.batches();
  REQUIRE(batches.size() == 1);
  CHECK(batches[0] == std::vector<Change>{put(r.version, "k", "value", h.clock.now_ms() + 250)});
  CHECK(r.version == h.log.last_seq());
}

TEST_CASE("store passes change log refusals through and changes nothing", "[store]") {
  StoreHarness h;
  h.set("k", "old");
  h.set("n", "1", flags::kEphemeral);
  const Status s = GENERATE(Status::busy, Status::read_only);
  h.log.fail_with(s, "journal says no");
  Response r = h.set("k", "new");
  CHECK(r.status == s);
  CHECK(r.message == "journal says no");
  CHECK(h.del("k").status == s);
  CHECK(h.incrby("k2", 1).status == s);
  CHECK(h.expire("k", 10).status == s);
  CHECK(h.mset({"k", "x"}, {"1", "2"}).status == s);
  CHECK(h.set("k", "eph", flags::kEphemeral).status == s);  // must journal a del of the old value
  CHECK(h.incrby("n", 1).status == Status::ok);             // ephemeral: nothing to journal
  h.log.recover();
  CHECK(h.get("k").value == "old");
  CHECK(h.get("k").expire_at_ms == 0);
  CHECK(h.get("k2").status == Status::not_found);
  CHECK(h.get("x").status == Status::not_found);
  CHECK(h.get("n").value == "2");
  CHECK(h.store.size() == 2);
}

TEST_CASE("store NX, XX and KEEPTTL are SET-only flags", "[store]") {
  StoreHarness h;
  h.set("k", "1");
  CHECK(h.incrby("k", 1, flags::kNx).status == Status::bad_request);
  CHECK(h.mset({"a"}, {"1"}, flags::kXx).status == Status::bad_request);
  CHECK(h.key_op(Opcode::persist, "k", flags::kKeepTtl).status == Status::bad_request);
}

}  // namespace mnemo::server::test
