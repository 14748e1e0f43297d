// Runs the built mnemo-server as a child process on 127.0.0.1 with ephemeral
// ports, for integration tests. The server is told --port 0 (and --resp-port 0
// when asked) and --port-file; the constructor waits until that file names the
// bound ports, so a test starts only once the server listens.
// The destructor SIGKILLs the child (by its PID) if it still runs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mnemo::test {

std::string bin_path(const std::string& name);  // build/bin/<name>

// The suites run on SQLite, or with MNEMO_TEST_JOURNAL_URL set (tests/support/with_pg
// --journal sets it) on PostgreSQL: each data dir is then a node of its own there,
// named after the dir, so a test that reopens its dir gets its node back.
std::string test_journal_url();                       // "" for SQLite
std::string test_node_name(const std::string& data_dir);

struct ServerOptions {
  ServerOptions(std::string dir, bool with_resp = false, std::vector<std::string> extra = {})
      : data_dir(std::move(dir)), resp(with_resp), args(std::move(extra)) {}
  std::string data_dir;
  bool resp = false;                  // also open the RESP port
  std::vector<std::string> args;      // extra flags
  int start_timeout_ms = 60000;
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions opts);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  std::uint16_t resp_port() const { return resp_port_; }
  std::uint16_t metrics_port() const { return metrics_port_; }
  bool running() const { return pid_ > 0; }

  void kill9();         // SIGKILL and reap
  int terminate();      // SIGTERM, wait; returns the exit code (128+sig if killed by a signal)
  int wait_exit(int timeout_ms);  // waits for the process to exit by itself; -1 on timeout
  std::string log() const;        // what the server wrote to stdout/stderr

 private:
  ServerOptions opts_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t resp_port_ = 0;
  std::uint16_t metrics_port_ = 0;
  std::string port_file_;
  std::string log_file_;
};

// Runs a command (argv[0] resolved via PATH when it has no '/'), with the
// given stdin, and returns exit code and captured stdout/stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = "");

}  // namespace mnemo::test
