#include "server/tools/cli_txn.h"

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
