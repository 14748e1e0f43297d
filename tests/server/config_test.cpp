// server/config.cpp: flags into Config, and the cross-field checks of
// validate(), above all the rule that a non-loopback bind needs a token.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "server/config.h"

using namespace mnemo::server;

namespace {

Config load(std::vector<std::string> args) {
  args.insert(args.begin(), "mnemo-server");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return load_config(static_cast<int>(argv.size()), argv.data());
}

std::string validate_error(const Config& cfg) {
  try {
    validate(cfg);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("loopback addresses are recognised", "[server][config]") {
  for (const char* a : {"127.0.0.1", "127.0.0.2", "127.255.0.9", "localhost", "::1"}) {
    INFO(a);
    CHECK(is_loopback_address(a));
  }
  for (const char* a : {"0.0.0.0", "::", "10.0.0.1", "192.168.1.20", "128.0.0.1", "1.127.0.0", ""}) {
    INFO(a);
    CHECK_FALSE(is_loopback_address(a));
  }
}

TEST_CASE("a non-loopback bind without a token is refused with a clear message", "[server][config]") {
  for (const char* address : {"0.0.0.0", "::", "10.1.2.3"}) {
    INFO(address);
    const std::string err = validate_error(load({"--bind", address}));
    CHECK_THAT(err, Catch::Contains(std::string("refusing to listen on ") + address));
    CHECK_THAT(err, Catch::Contains("--auth-token"));
    CHECK_THAT(err, Catch::Contains("--insecure-open"));
  }
}

TEST_CASE("a non-loopback bind is allowed with a token, and with --insecure-open plus a warning",
          "[server][config]") {
  SECTION("with an auth token: no warning") {
    Config cfg = load({"--bind", "0.0.0.0", "--auth-token", "t0k3n"});
    CHECK(validate_error(cfg).empty());
    CHECK(security_warning(cfg).empty());
  }
  SECTION("with only an admin token: still refused (data commands would be open)") {
    CHECK_FALSE(validate_error(load({"--bind", "0.0.0.0", "--admin-token", "adm"})).empty());
  }
  SECTION("with --insecure-open: allowed, and the warning says what it means") {
    Config cfg = load({"--bind", "0.0.0.0", "--insecure-open"});
    CHECK(validate_error(cfg).empty());
    const std::string warning = security_warning(cfg);
    CHECK_THAT(warning, Catch::Contains("--insecure-open"));
    CHECK_THAT(warning, Catch::Contains("0.0.0.0"));
    CHECK_THAT(warning, Catch::Contains("no authentication"));
  }
  SECTION("on loopback: neither a token nor a warning is needed") {
    for (const char* address : {"127.0.0.1", "127.0.0.2", "localhost", "::1"}) {
      INFO(address);
      Config cfg = load({"--bind", address});
      CHECK(validate_error(cfg).empty());
      CHECK(security_warning(cfg).empty());
    }
  }
}

TEST_CASE("the auth token may come from MNEMO_AUTH_TOKEN; a flag wins", "[server][config]") {
  ::setenv("MNEMO_AUTH_TOKEN", "from-env", 1);
  Config env = load({"--bind", "0.0.0.0"});
  Config flag = load({"--auth-token", "from-flag"});
  ::unsetenv("MNEMO_AUTH_TOKEN");
  CHECK(env.auth_token == "from-env");
  CHECK(validate_error(env).empty());
  CHECK(flag.auth_token == "from-flag");
}

TEST_CASE("limit flags reach the options of their module", "[server][config]") {
  Config cfg = load({"--max-key-bytes", "1K", "--max-value-bytes", "2M", "--max-frame-bytes", "3M",
                     "--max-connections", "7", "--idle-timeout-s", "9", "--max-output-bytes", "5M",
                     "--max-memory", "1G", "--resp-max-array-len", "100", "--resp-max-bulk-bytes", "64K",
                     "--max-db-pages", "250"});
  CHECK(validate_error(cfg).empty());
  CHECK(cfg.store.max_key_bytes == 1024);
  CHECK(cfg.store.max_value_bytes == 2u << 20);
  CHECK(cfg.native_limits.max_frame_bytes == 3u << 20);
  CHECK(cfg.max_connections == 7);
  CHECK(cfg.idle_timeout_s == 9);
  CHECK(cfg.max_output_bytes == 5u << 20);
  CHECK(cfg.store.max_memory_bytes == 1ull << 30);
  CHECK(cfg.resp_max_array_len == 100);
  CHECK(cfg.resp_max_bulk_bytes == 64u << 10);
  CHECK(cfg.persistence.max_page_count == 250);
}

TEST_CASE("inconsistent or malformed limits are refused", "[server][config]") {
  CHECK_THAT(validate_error(load({"--max-value-bytes", "4M", "--max-frame-bytes", "1M"})),
             Catch::Contains("--max-value-bytes cannot exceed --max-frame-bytes"));
  CHECK_THAT(validate_error(load({"--max-connections", "0"})), Catch::Contains("--max-connections"));
  CHECK_THAT(validate_error(load({"--flush-interval-ms", "0"})), Catch::Contains("--flush-interval-ms"));
  CHECK_THROWS_WITH(load({"--max-memory", "12X"}), Catch::Contains("--max-memory"));
  CHECK_THROWS_WITH(load({"--max-db-pages", "-1"}), Catch::Contains("--max-db-pages"));
  CHECK_THROWS_WITH(load({"--port", "70000"}), Catch::Contains("--port"));
  CHECK_THROWS_WITH(load({"--no-such-flag"}), Catch::Contains("unknown option"));
}

TEST_CASE("pub/sub flags: Redis's event letters and the subscriber output limit", "[server][config]") {
  const Config defaults = load({});
  CHECK(defaults.notify_keyspace_events == 0);
  CHECK(defaults.pubsub_output_limit_bytes == (32ull << 20));
  const Config cfg = load({"--notify-keyspace-events", "Ex", "--pubsub-output-limit", "1M"});
  CHECK(cfg.notify_keyspace_events == ((1 << 1) | (1 << 8)));  // E and x
  CHECK(cfg.pubsub_output_limit_bytes == (1u << 20));
  CHECK_THROWS_AS(load({"--notify-keyspace-events", "KQ"}), ConfigError);
}

TEST_CASE("the journal flag chooses PostgreSQL for a node name, SQLite stays the default", "[server][config]") {
  CHECK(load({}).persistence.journal_url.empty());
  Config cfg = load({"--journal", "postgresql://u@127.0.0.1:5432/db", "--node-name", "cart-1",
                     "--durable-timeout-ms", "1500"});
  CHECK(validate_error(cfg).empty());
  CHECK(cfg.persistence.journal_url == "postgresql://u@127.0.0.1:5432/db");
  CHECK(cfg.persistence.node_name == "cart-1");
  CHECK(cfg.persistence.journal.durable_timeout_ms == 1500);
  CHECK_THROWS_AS(load({"--journal", "/var/lib/mnemo"}), ConfigError);
  CHECK_THROWS_AS(load({"--node-name", ""}), ConfigError);
}
