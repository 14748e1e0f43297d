#include "server/tools/cli_txn.h"
#include "server/tools/cli_value.h"

#include <catch2/catch.hpp>

using mnemo::protocol::Request;
using mnemo::protocol::TxnCheck;
using mnemo::protocol::TxnWriteKind;
using mnemo::tools::parse_txn;

TEST_CASE("mnemo txn turns its words into conditions and writes", "[tools]") {
  const std::vector<std::string> w = {"if",  "a", "version", "7", "if", "b", "missing", "if",  "c", "exists",
                                      "then", "set", "a", "1",  "ttl", "500", "del", "c", "set", "d", "x"};
  Request req;
  REQUIRE_FALSE(parse_txn(w, req));
  REQUIRE(req.conditions.size() == 3);
  CHECK((req.conditions[0].check == TxnCheck::version_is && req.conditions[0].key == "a" &&
         req.conditions[0].version == 7));
  CHECK(req.conditions[1].check == TxnCheck::missing);
  CHECK(req.conditions[2].check == TxnCheck::exists);
  REQUIRE(req.writes.size() == 3);
  CHECK((req.writes[0].kind == TxnWriteKind::set && req.writes[0].value == "1" && req.writes[0].ttl_ms == 500));
  CHECK((req.writes[1].kind == TxnWriteKind::del && req.writes[1].key == "c"));
  CHECK((req.writes[2].key == "d" && req.writes[2].ttl_ms == 0));
}

TEST_CASE("mnemo txn rejects words it cannot read", "[tools]") {
  const std::vector<std::vector<std::string>> bad = {
      {},                                        // nothing
      {"then"},                                  // no writes
      {"set", "a", "1"},                         // no 'then'
      {"if", "a", "then", "set", "a", "1"},      // condition without its kind
      {"if", "a", "version", "0", "then", "del", "a"},
      {"if", "a", "newer", "then", "del", "a"},
      {"then", "set", "a"},                      // value missing
      {"then", "set", "a", "1", "ttl", "0"},
      {"then", "incr", "a"},
  };
  for (const auto& w : bad) {
    Request req;
    CHECK(parse_txn(w, req).has_value());
  }
}

TEST_CASE("mnemo call prints a COMMAND value as redis-cli does", "[tools]") {
  using mnemo::tools::format_value;
  const std::string nested("\x05\x03\x00\x00\x00\x01\x07\x00\x00\x00\x00\x00\x00\x00\x05\x02\x00\x00\x00\x02\x01\x00\x00\x00"
                           "a\x00\x04\x02\x00\x00\x00"
                           "E!",
                           33);
  REQUIRE(format_value(nested));
  CHECK(*format_value(nested) == "1) (integer) 7\n2) 1) a\n   2) (nil)\n3) (error) E!\n");
  CHECK(*format_value(std::string("\x03\x02\x00\x00\x00OK", 7)) == "OK\n");
  CHECK(*format_value(std::string("\x05\x00\x00\x00\x00", 5)) == "(empty array)\n");
  CHECK_FALSE(format_value(std::string("\x05\x01\x00\x00\x00", 5)));  // an element missing
  CHECK_FALSE(format_value(std::string("\x09", 1)));
}
