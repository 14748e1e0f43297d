#include "tests/support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace mnemo::test {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<char*> to_argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string bin_path(const std::string& name) { return std::string(MNEMO_BIN_DIR) + "/" + name; }

std::string test_journal_url() {
  const char* url = std::getenv("MNEMO_TEST_JOURNAL_URL");
  return url != nullptr ? url : "";
}

std::string test_node_name(const std::string& data_dir) {
  return "test-" + std::to_string(std::hash<std::string>{}(data_dir));
}

ServerProcess::ServerProcess(ServerOptions opts) : opts_(std::move(opts)) {
  port_file_ = opts_.data_dir + "/.ports";
  log_file_ = opts_.data_dir + ".log";
  // The port file lives in the data dir, which a server whose journal is on
  // PostgreSQL never creates.
  std::filesystem::create_directories(opts_.data_dir);
  ::unlink(port_file_.c_str());
  std::vector<std::string> args = {bin_path("mnemo-server"), "--bind", "127.0.0.1", "--port", "0",
                                   "--data-dir", opts_.data_dir, "--port-file", port_file_,
                                   "--threads", "2"};
  if (opts_.resp) {
    args.push_back("--resp-port");
    args.push_back("0");
  }
  if (const std::string url = test_journal_url(); !url.empty()) {
    args.insert(args.end(), {"--journal", url, "--node-name", test_node_name(opts_.data_dir)});
  }
  for (const auto& a : opts_.args) args.push_back(a);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  auto argv = to_argv(args);
  int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error(std::string("posix_spawn mnemo-server: ") + std::strerror(rc));

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(opts_.start_timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("mnemo-server exited during start (code " +
                               std::to_string(decode_status(status)) + "): " + log());
    }
    std::string text = read_file(port_file_);
    if (!text.empty() && text.back() == '\n') {
      std::istringstream in(text);
      std::string name;
      unsigned value = 0;
      while (in >> name >> value) {
        if (name == "native") port_ = static_cast<std::uint16_t>(value);
        if (name == "resp") resp_port_ = static_cast<std::uint16_t>(value);
        if (name == "metrics") metrics_port_ = static_cast<std::uint16_t>(value);
      }
      if (port_ != 0) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling for a condition
  }
  kill9();
  throw std::runtime_error("mnemo-server did not report its ports in time: " + log());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill9();
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int code = wait_exit(60000);
  if (code == -1) {
    kill9();
    return -1;
  }
  return code;
}

int ServerProcess::wait_exit(int timeout_ms) {
  if (pid_ <= 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return decode_status(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

std::string ServerProcess::log() const { return read_file(log_file_); }

CommandResult run_command(const std::vector<std::string>& argv_in, const std::string& input) {
  CommandResult result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (::pipe(in_pipe) || ::pipe(out_pipe) || ::pipe(err_pipe)) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
    posix_spawn_file_actions_addclose(&fa, fd);
  std::vector<std::string> args = argv_in;
  auto argv = to_argv(args);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw std::runtime_error("cannot start " + argv_in.at(0) + ": " + std::strerror(rc));
  }
  // Feed stdin from a thread so a large input cannot deadlock against full output pipes.
  std::thread writer([fd = in_pipe[1], &input] {
    std::size_t off = 0;
    while (off < input.size()) {
      ssize_t n = ::write(fd, input.data() + off, input.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  std::thread err_reader([fd = err_pipe[0], &result] {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) result.err.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
  });
  char buf[4096];
  ssize_t n;
  while ((n = ::read(out_pipe[0], buf, sizeof buf)) > 0) result.out.append(buf, static_cast<std::size_t>(n));
  ::close(out_pipe[0]);
  writer.join();
  err_reader.join();
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = decode_status(status);
  return result;
}

}  // namespace mnemo::test
