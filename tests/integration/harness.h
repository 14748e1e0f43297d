// Shared helpers for integration tests: a connected native client to a
// ServerProcess and one-line request builders.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "protocol/message.h"
#include "server/tools/client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace mnemo::test {

using ClientPtr = std::unique_ptr<tools::Client>;

inline ClientPtr connect_to(const ServerProcess& server) {
  auto c = std::make_unique<tools::Client>();
  auto ok = c->connect("127.0.0.1", server.port());
  if (!ok.ok()) FAIL("connect: " << ok.error().message);
  c->set_io_timeout_ms(30000);
  return c;
}

inline protocol::Request make(protocol::Opcode op, std::string_view key = {}, std::string_view value = {},
                              std::uint8_t flags = 0) {
  protocol::Request r;
  r.op = op;
  r.key = key;
  r.value = value;
  r.flags = flags;
  return r;
}

// Sends one request; fails the test on a transport error.
inline protocol::Response call(const ClientPtr& c, protocol::Request req) {
  protocol::Response resp;
  auto ok = c->call(req, resp);
  if (!ok.ok()) FAIL("call " << protocol::opcode_name(req.op) << ": " << ok.error().message);
  return resp;
}

inline std::string cli(const ServerProcess& server, std::vector<std::string> args,
                       int* exit_code = nullptr, std::string* err = nullptr) {
  std::vector<std::string> argv = {bin_path("mnemo"), "-p", std::to_string(server.port())};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_command(argv);
  if (exit_code) *exit_code = r.exit_code;
  if (err) *err = r.err;
  return r.out;
}

}  // namespace mnemo::test
