#include "server/tools/cli_args.h"

#include <catch2/catch.hpp>

#include <cstdlib>

using mnemo::tools::CliArgs;
using mnemo::tools::parse_cli;

TEST_CASE("cli parses global options, the command, words and command options", "[tools]") {
  ::unsetenv("MNEMO_AUTH_TOKEN");
  ::unsetenv("MNEMO_ADMIN_TOKEN");
  CliArgs a;
  REQUIRE_FALSE(parse_cli({"-H", "::1", "-p", "7071", "--auth-token", "t", "set", "k", "--ttl-ms", "5",
                           "-5", "--durable"},
                          a));
  REQUIRE(a.host == "::1");
  REQUIRE(a.port == 7071);
  REQUIRE(a.auth_token == "t");
  REQUIRE(a.command == "set");
  REQUIRE(a.words == std::vector<std::string>{"k", "-5"});
  REQUIRE(a.options.at("--ttl-ms") == "5");
  REQUIRE(a.has("--durable"));
}

TEST_CASE("cli takes words after -- literally and tokens from the environment", "[tools]") {
  ::setenv("MNEMO_ADMIN_TOKEN", "adm", 1);
  CliArgs a;
  REQUIRE_FALSE(parse_cli({"set", "--", "--nx", "--"}, a));
  REQUIRE(a.words == std::vector<std::string>{"--nx", "--"});
  REQUIRE(a.admin_token == "adm");
  ::unsetenv("MNEMO_ADMIN_TOKEN");
}

TEST_CASE("cli rejects unknown options and bad numbers", "[tools]") {
  CliArgs a;
  REQUIRE(parse_cli({"--bogus", "ping"}, a));
  REQUIRE(parse_cli({"-p", "70000", "ping"}, a));
  REQUIRE(parse_cli({"-p"}, a));
  REQUIRE(parse_cli({"get", "k", "--frobnicate"}, a));
  REQUIRE(parse_cli({"set", "k", "v", "--ttl-ms"}, a));
  std::uint64_t u = 0;
  std::int64_t i = 0;
  REQUIRE_FALSE(mnemo::tools::parse_u64("-1", u));
  REQUIRE_FALSE(mnemo::tools::parse_u64("1x", u));
  REQUIRE(mnemo::tools::parse_i64("-9223372036854775808", i));
  REQUIRE_FALSE(mnemo::tools::parse_i64("9223372036854775808", i));
}
