// The io threads of the real binary: one event loop per thread, connections
// handed to the loops in turn. Every loop serves its connections (durable acks
// from the journal thread included), the STATS traffic counters add up over
// the loops, and a stop ends every loop, gently or after the grace period.
#include <sys/socket.h>

#include <thread>
#include <vector>

#include "protocol/native_codec.h"
#include "tests/integration/harness.h"
#include "tests/integration/raw_socket.h"

using namespace mnemo;
using namespace mnemo::test;
using protocol::Opcode;
using protocol::Status;

namespace {

constexpr int kLoops = 3;
constexpr int kClients = 3 * kLoops;  // at least one connection on every loop, whatever the turn

std::vector<std::string> threads_args() { return {"--threads", std::to_string(kLoops)}; }

// "c<client>:<n>", built by appending (g++ 12 warns falsely on "literal" + std::string).
std::string key_of(int client, int n) {
  std::string key(1, 'c');
  key.append(std::to_string(client)).append(1, ':').append(std::to_string(n));
  return key;
}

}  // namespace

TEST_CASE("every io loop serves its connections and STATS adds their counters up", "[integration][io]") {
  TempDir dir;
  auto args = threads_args();
  args.insert(args.end(), {"--admin-token", "adm"});
  ServerProcess server({dir.file("data"), false, args});
  constexpr int kSets = 60;  // per client; every 4th one DURABLE
  std::vector<ClientPtr> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(connect_to(server));

  std::vector<int> failures(kClients, 0);
  std::vector<std::thread> workers;
  for (int i = 0; i < kClients; ++i) {
    workers.emplace_back([&, i] {
      auto& c = *clients[i];
      for (int n = 0; n < kSets; ++n) {
        const std::string key = key_of(i, n);
        const std::string value = std::string(1, 'v').append(key);
        protocol::Response r;
        auto set = make(Opcode::set, key, value, n % 4 == 0 ? protocol::flags::kDurable : 0);
        if (!c.call(set, r).ok() || r.status != Status::ok) ++failures[i];
        auto get = make(Opcode::get, key);
        if (!c.call(get, r).ok() || r.value != value) ++failures[i];
      }
    });
  }
  for (auto& w : workers) w.join();
  for (int i = 0; i < kClients; ++i) CHECK(failures[i] == 0);

  auto admin = connect_to(server);
  REQUIRE(admin->auth("adm").ok());
  const std::string stats = call(admin, make(Opcode::stats)).text;
  INFO(stats);
  CHECK(json_number(stats, "traffic", "ops_set") == kClients * kSets);
  CHECK(json_number(stats, "traffic", "ops_get") == kClients * kSets);
  CHECK(json_number(stats, "traffic", "ops_total") >= 2 * kClients * kSets + 1);
  CHECK(json_number(stats, "traffic", "durable_waits") == kClients * kSets / 4);
  CHECK(json_number(stats, "traffic", "errors") == 0);
  CHECK(json_number(stats, "traffic", "connections_current") == kClients + 1);
  // Every SET and GET frame came in and every reply went out, whichever loop it was on.
  std::int64_t sent = 0;
  for (int i = 0; i < kClients; ++i) {
    for (int n = 0; n < kSets; ++n) {
      const std::string key = key_of(i, n);
      const std::string value = std::string(1, 'v').append(key);
      std::string out;
      protocol::native::encode_request(make(Opcode::set, key, value, n % 4 == 0 ? protocol::flags::kDurable : 0), out);
      protocol::native::encode_request(make(Opcode::get, key), out);
      sent += static_cast<std::int64_t>(out.size());
    }
  }
  CHECK(json_number(stats, "traffic", "bytes_in") >= sent);
  CHECK(json_number(stats, "traffic", "bytes_out") > 0);
  CHECK(server.terminate() == 0);
}

TEST_CASE("SIGTERM with connections open on every loop ends every loop without waiting out the grace",
          "[integration][io]") {
  TempDir dir;
  ServerProcess server({dir.file("data"), false, threads_args()});
  std::vector<ClientPtr> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(connect_to(server));
    REQUIRE(call(clients.back(), make(Opcode::set, key_of(i, 0), "v")).status == Status::ok);
  }
  // One connection half way through a frame, one that never sent anything.
  RawSocket partial(server.port());
  REQUIRE(partial.ok());
  std::string frame;
  protocol::native::encode_request(make(Opcode::set, "half", "way"), frame);
  REQUIRE(partial.send(frame.substr(0, frame.size() / 2)));
  RawSocket silent(server.port());
  REQUIRE(silent.ok());

  CHECK(server.terminate() == 0);
  const std::string log = server.log();
  INFO(log);
  CHECK(log.find("stopped cleanly") != std::string::npos);
  CHECK(log.find("did not close within") == std::string::npos);
}

TEST_CASE("a client that never reads cannot hold the stop past the grace period", "[integration][io]") {
  TempDir dir;
  auto args = threads_args();
  args.insert(args.end(), {"--max-output-bytes", "1M", "--admin-token", "adm"});
  ServerProcess server({dir.file("data"), false, args});
  auto admin = connect_to(server);
  REQUIRE(admin->auth("adm").ok());
  REQUIRE(call(admin, make(Opcode::set, "big", std::string(256 * 1024, 'v'))).status == Status::ok);

  RawSocket flood(server.port());
  REQUIRE(flood.ok());
  int small = 4096;
  ::setsockopt(flood.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  std::string gets;
  for (int i = 0; i < 1000; ++i) protocol::native::encode_request(make(Opcode::get, "big"), gets);
  REQUIRE(flood.send(gets));
  // Stuck for good: reads paused and no GET run for a while (the socket buffers are full),
  // so the stop finds a reply write that cannot finish.
  std::int64_t last_gets = -1;
  int unchanged = 0;
  REQUIRE(eventually([&] {
    const std::string stats = call(admin, make(Opcode::stats)).text;
    const auto gets = json_number(stats, "traffic", "ops_get");
    unchanged = gets == last_gets ? unchanged + 1 : 0;
    last_gets = gets;
    return json_number(stats, "traffic", "output_pauses") >= 1 && unchanged >= 20;
  }, 20000));

  const auto start = std::chrono::steady_clock::now();
  CHECK(server.terminate() == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(30));
  const std::string log = server.log();
  INFO(log);
  CHECK(log.find("did not close within") != std::string::npos);
  CHECK(log.find("stopped cleanly") != std::string::npos);
}
