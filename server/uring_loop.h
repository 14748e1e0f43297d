// The io_uring backend (--io-backend io_uring): one ring per io loop, through
// which that loop's connections receive and send. Everything else on the loop
// (accept, timers, posts, the metrics listener) stays on Asio's epoll reactor.
//
// Why: at depth 1 a connection costs one read() and one write() per request,
// and at 50 clients those system calls are most of the server's CPU. Here a
// request's receive and its reply's send are queued as ring entries, and the
// whole loop turn's entries go to the kernel in one io_uring_enter: the one
// at the end of drain() (completions arrive in batches) or, for entries queued
// elsewhere, one posted to the end of the loop's queue.
//
// How completions reach the loop: the ring signals an eventfd that sits on
// the Asio loop as a stream_descriptor; reading it resets it, and the read's
// handler drains the completion queue. Each completion is consumed before its handler runs, so drain() may
// nest (a busy script polls the loop from inside a handler: busy_loop.h), and
// the wait is re-armed before the first handler runs, so a completion posted
// meanwhile raises a fresh edge that the nested poll sees.
//
// Threads: a UringLoop belongs to one io loop; every function but create()
// and the destructor runs on that loop's thread. Lifetime: created before the
// loop runs and destroyed after it stops, before the io_context. An operation
// keeps its owner alive (Op::keep) until its completion has run; ops still in
// flight when the ring is destroyed drop their owners then.
#pragma once

#include <asio.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

struct io_uring;
struct io_uring_sqe;

namespace mnemo::server {

class UringLoop {
 public:
  // One receive or send in flight. Its owner embeds it and sets done; the ring
  // fills keep while it is in flight and gives it back to done's caller.
  struct Op {
    void (*done)(Op& op, int result, std::shared_ptr<void> keep) = nullptr;
    std::shared_ptr<void> keep;  // set by the owner before submitting
    bool in_flight = false;
    Op* prev = nullptr;  // the ring's list of ops in flight
    Op* next = nullptr;
  };

  // A ring for this loop, or nullptr with why in error: the kernel lacks
  // io_uring or an operation mnemo needs, a seccomp policy forbids it, or
  // MNEMO_TEST_NO_IO_URING is set (tests simulate such a kernel with it).
  static std::unique_ptr<UringLoop> create(asio::io_context& loop, std::string& error);
  ~UringLoop();
  UringLoop(const UringLoop&) = delete;
  UringLoop& operator=(const UringLoop&) = delete;

  void recv(Op& op, int fd, char* buf, std::size_t len);
  void send(Op& op, int fd, const char* buf, std::size_t len);
  // Asks the kernel to end op early (its completion still comes, with -ECANCELED).
  void cancel(Op& op);
  // At the end of the stop, once no connection is left: stops waiting for
  // completions, so the loop can run out of work and return.
  void stop();

 private:
  UringLoop(asio::io_context& loop, std::unique_ptr<io_uring> ring, int event_fd);
  ::io_uring_sqe* next_sqe();
  void queued();
  void arm();
  void drain();
  void drain_queue();
  void submit();
  void complete(Op& op, int result);

  asio::io_context& loop_;
  std::unique_ptr<io_uring> ring_;
  asio::posix::stream_descriptor event_;  // the ring's eventfd on the Asio loop
  std::uint64_t counter_ = 0;             // the eventfd's count, read to reset it
  Op* in_flight_ = nullptr;               // head of the list
  bool submit_posted_ = false;
  bool drain_posted_ = false;
  bool stopped_ = false;  // stop() or the destructor ran
};

}  // namespace mnemo::server
