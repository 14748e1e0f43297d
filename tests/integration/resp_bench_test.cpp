// mnemo-bench-resp against the real server's RESP port: bounded loads of
// MULTI/EXEC and EVAL units finish with the exact unit count and no error,
// and what they wrote is there afterwards (with a key space of one, every
// unit increments the same counter, so the counter equals the unit count).
// Error replies make the tool fail unless allowed.
#include <string>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/integration/raw_socket.h"

using namespace mnemo::test;

namespace {

constexpr int kTimeoutMs = 30000;

CommandResult run_bench(std::uint16_t port, std::vector<std::string> args) {
  std::vector<std::string> argv = {bin_path("mnemo-bench-resp"), "-p", std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

// The JSON line is the last line of the output; its first `"key":` is the top-level one.
std::int64_t json_int(const std::string& out, const std::string& key) {
  const auto line = out.rfind("\n{");
  const auto at = out.find("\"" + key + "\":", line == std::string::npos ? 0 : line);
  if (at == std::string::npos) return -1;
  return std::stoll(out.substr(at + key.size() + 3));
}

std::string resp_command(std::initializer_list<std::string_view> words) {
  std::string out = "*" + std::to_string(words.size()) + "\r\n";
  for (auto w : words) out.append("$").append(std::to_string(w.size())).append("\r\n").append(w).append("\r\n");
  return out;
}

// GET over RESP; the reply's bulk string, or "(nil)".
std::string resp_get(std::uint16_t port, std::string_view key) {
  RawSocket s(port);
  REQUIRE(s.ok());
  REQUIRE(s.send(resp_command({"GET", key})));
  const std::string reply = s.read_until(
      [](const std::string& got) {
        if (got.rfind("$-1\r\n", 0) == 0) return true;
        const auto first = got.find("\r\n");
        return first != std::string::npos && got.size() >= first + 2 + std::stoul(got.substr(1)) + 2;
      },
      kTimeoutMs);
  if (reply.rfind("$-1", 0) == 0) return "(nil)";
  const auto first = reply.find("\r\n");
  REQUIRE(first != std::string::npos);
  return reply.substr(first + 2, std::stoul(reply.substr(1)));
}

}  // namespace

TEST_CASE("mnemo-bench-resp runs an exact number of MULTI/EXEC units", "[integration][bench]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true});
  const auto r = run_bench(server.resp_port(),
                           {"-c", "4", "-P", "8", "-t", "2", "-r", "1", "-n", "2000", "--", "MULTI", ";", "SET",
                            "tx:a:__rand_int__", "va", ";", "SET", "tx:b:__rand_int__", "vb", ";", "INCR",
                            "tx:n:__rand_int__", ";", "EXEC"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(json_int(r.out, "units") == 2000);
  REQUIRE(json_int(r.out, "errors") == 0);
  REQUIRE(resp_get(server.resp_port(), "tx:a:000000000000") == "va");
  REQUIRE(resp_get(server.resp_port(), "tx:b:000000000000") == "vb");
  REQUIRE(resp_get(server.resp_port(), "tx:n:000000000000") == "2000");
}

TEST_CASE("mnemo-bench-resp runs EVAL units and, mixed, reports each unit type", "[integration][bench]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true});
  const std::string script =
      "local a = tonumber(redis.call('GET', KEYS[1]) or '0') redis.call('SET', KEYS[2], a + 1) "
      "return redis.call('INCR', KEYS[3])";
  SECTION("EVAL alone") {
    const auto r = run_bench(server.resp_port(), {"-c", "3", "-P", "4", "-r", "1", "-n", "600", "--", "EVAL",
                                                  script, "3", "ev:a:__rand_int__", "ev:b:__rand_int__",
                                                  "ev:n:__rand_int__"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(json_int(r.out, "units") == 600);
    REQUIRE(json_int(r.out, "errors") == 0);
    REQUIRE(resp_get(server.resp_port(), "ev:n:000000000000") == "600");
    REQUIRE(resp_get(server.resp_port(), "ev:b:000000000000") == "1");
  }
  SECTION("a mix of EVAL and SET") {
    const auto r = run_bench(server.resp_port(), {"-c", "2", "-P", "2", "-r", "1", "-n", "500", "--mix", "0.3",
                                                  "--", "EVAL", script, "3", "mx:a", "mx:b", "mx:n", ";;", "SET",
                                                  "mx:s:__rand_int__", "v"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(json_int(r.out, "units") == 500);
    const auto per_unit = r.out.substr(r.out.find("\"per_unit\""));
    const auto evals = json_int(per_unit, "units");
    const auto sets = json_int(per_unit.substr(per_unit.find("},{")), "units");
    REQUIRE(evals + sets == 500);
    REQUIRE(evals > 0);
    REQUIRE(sets > 0);
    REQUIRE(resp_get(server.resp_port(), "mx:n") == std::to_string(evals));
  }
}

TEST_CASE("mnemo-bench-resp fails on error replies unless they are allowed", "[integration][bench]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), true});
  const auto failed = run_bench(server.resp_port(), {"-c", "1", "-n", "10", "--", "NOSUCHCOMMAND", "x"});
  INFO(failed.out << failed.err);
  REQUIRE(failed.exit_code == 1);
  REQUIRE(failed.err.find("error repl") != std::string::npos);
  const auto allowed =
      run_bench(server.resp_port(), {"-c", "1", "-n", "10", "--allow-errors", "--", "NOSUCHCOMMAND", "x"});
  REQUIRE(allowed.exit_code == 0);
  REQUIRE(json_int(allowed.out, "errors") == 10);
}
