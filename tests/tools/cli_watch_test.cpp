#include "server/tools/cli_watch.h"

#include <catch2/catch.hpp>

#include "server/tools/cli_args.h"

namespace feed = mnemo::protocol::feed;
using mnemo::tools::format_event;

TEST_CASE("mnemo watch prints one line per event", "[tools]") {
  feed::Event e;
  e.watch_id = 3;
  e.kind = feed::EventKind::set;
  e.version = 42;
  e.key = "user:1";
  e.value = "ada";
  SECTION("for people") {
    CHECK(format_event(e, false) == "42 set user:1 ada\n");
    e.expire_at_ms = 1700000000000;
    CHECK(format_event(e, false) == "42 set user:1 ada expire_at_ms=1700000000000\n");
    e.kind = feed::EventKind::expired;
    CHECK(format_event(e, false) == "42 expired user:1\n");
    e.kind = feed::EventKind::progress;
    CHECK(format_event(e, false) == "42 progress\n");
  }
  SECTION("as JSON lines, bytes escaped") {
    e.value = std::string_view("a\"\x01\xff", 4);
    CHECK(format_event(e, true) ==
          "{\"watch\":3,\"kind\":\"set\",\"db\":0,\"version\":42,\"key\":\"user:1\","
          "\"value\":\"a\\\"\\u0001\\u00ff\",\"expire_at_ms\":0}\n");
  }
}

TEST_CASE("mnemo watch takes --from, --committed, --keys-only and --json", "[tools]") {
  mnemo::tools::CliArgs a;
  REQUIRE_FALSE(mnemo::tools::parse_cli({"watch", "presence:", "--from", "17", "--committed", "--json"}, a));
  CHECK(a.command == "watch");
  CHECK(a.words == std::vector<std::string>{"presence:"});
  CHECK(a.options.at("--from") == "17");
  CHECK(a.has("--committed"));
  CHECK(a.has("--json"));
}
