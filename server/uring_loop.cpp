#include "server/uring_loop.h"

#include <liburing.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mnemo::server {

namespace {
// Enough for one receive and one send per connection of a busy loop in one
// turn; more simply waits for the next submit (next_sqe()).
constexpr unsigned kEntries = 1024;
// Completions the kernel can hold before they overflow to its (slower) list.
constexpr unsigned kCompletions = 16384;
constexpr std::uint64_t kIgnore = 0;  // user_data of cancels: no Op

std::string why(const char* what, int err) { return std::string(what) + ": " + std::strerror(err); }

// The operations mnemo uses, checked once: an old kernel may have io_uring without them.
std::string check_ops(io_uring& ring) {
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  if (!probe) return "io_uring probe not supported (kernel too old)";
  std::string missing;
  for (int op : {IORING_OP_RECV, IORING_OP_SEND, IORING_OP_ASYNC_CANCEL})
    if (!io_uring_opcode_supported(probe, op)) missing = "io_uring lacks receive/send/cancel (kernel too old)";
  io_uring_free_probe(probe);
  return missing;
}
}  // namespace

std::unique_ptr<UringLoop> UringLoop::create(asio::io_context& loop, std::string& error) {
  if (const char* off = std::getenv("MNEMO_TEST_NO_IO_URING"); off && *off && std::strcmp(off, "0") != 0) {
    error = "io_uring disabled by MNEMO_TEST_NO_IO_URING";
    return nullptr;
  }
  auto ring = std::make_unique<io_uring>();
  io_uring_params params{};
  params.flags = IORING_SETUP_CQSIZE;
  params.cq_entries = kCompletions;
  // -ENOSYS: no io_uring in this kernel; -EPERM: forbidden (seccomp, kernel.io_uring_disabled).
  if (const int rc = io_uring_queue_init_params(kEntries, ring.get(), &params); rc < 0) {
    error = why("io_uring_setup", -rc);
    return nullptr;
  }
  error = check_ops(*ring);
  if (error.empty() && !(params.features & IORING_FEAT_NODROP)) error = "io_uring may drop completions (kernel too old)";
  const int efd = error.empty() ? ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) : -1;
  if (error.empty() && efd < 0) error = why("eventfd", errno);
  if (error.empty()) {
    if (const int rc = io_uring_register_eventfd(ring.get(), efd); rc < 0) error = why("io_uring_register_eventfd", -rc);
  }
  if (!error.empty()) {
    if (efd >= 0) ::close(efd);
    io_uring_queue_exit(ring.get());
    return nullptr;
  }
  return std::unique_ptr<UringLoop>(new UringLoop(loop, std::move(ring), efd));
}

UringLoop::UringLoop(asio::io_context& loop, std::unique_ptr<io_uring> ring, int event_fd)
    : loop_(loop), ring_(std::move(ring)), event_(loop, event_fd) {
  arm();
}

// After the loop stopped: the kernel cancels what is in flight when the ring
// goes; the owners those ops kept alive are let go here, without callbacks.
UringLoop::~UringLoop() {
  stop();
  io_uring_queue_exit(ring_.get());
  while (Op* op = in_flight_) {
    in_flight_ = op->next;
    op->in_flight = false;
    op->prev = op->next = nullptr;
    auto keep = std::move(op->keep);  // may destroy op's owner, and op with it
  }
}

io_uring_sqe* UringLoop::next_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(ring_.get());
  if (!sqe) {  // the queue is full: hand it to the kernel now
    submit();
    sqe = io_uring_get_sqe(ring_.get());
  }
  if (!sqe) throw std::runtime_error("io_uring submission queue stays full");
  return sqe;
}

void UringLoop::stop() {
  stopped_ = true;
  std::error_code ec;
  event_.cancel(ec);
}

namespace {

// Ties a prepared entry to op and puts op at the head of the in-flight list.
void track(io_uring_sqe* sqe, UringLoop::Op& op, UringLoop::Op*& in_flight) {
  io_uring_sqe_set_data(sqe, &op);
  op.in_flight = true;
  op.prev = nullptr;
  op.next = in_flight;
  if (in_flight) in_flight->prev = &op;
  in_flight = &op;
}

}  // namespace

void UringLoop::recv(Op& op, int fd, char* buf, std::size_t len) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_recv(sqe, fd, buf, len, 0);
  track(sqe, op, in_flight_);
  queued();
}

void UringLoop::send(Op& op, int fd, const char* buf, std::size_t len) {
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_send(sqe, fd, buf, len, MSG_NOSIGNAL);
  track(sqe, op, in_flight_);
  queued();
}

void UringLoop::cancel(Op& op) {
  if (!op.in_flight) return;
  io_uring_sqe* sqe = next_sqe();
  io_uring_prep_cancel64(sqe, reinterpret_cast<std::uint64_t>(&op), 0);
  io_uring_sqe_set_data64(sqe, kIgnore);
  queued();
}

// Entries queued outside drain() (a timer, a post, a reply from the journal
// thread) go in at the end of this loop turn, together.
void UringLoop::queued() {
  if (submit_posted_) return;
  submit_posted_ = true;
  asio::post(loop_, [this] {
    submit_posted_ = false;
    submit();
  });
}

void UringLoop::submit() {
  if (io_uring_sq_ready(ring_.get()) == 0) return;
  for (;;) {
    const int rc = io_uring_submit(ring_.get());
    if (rc >= 0 || (rc != -EINTR && rc != -EAGAIN && rc != -EBUSY)) {
      if (rc < 0) spdlog::error("io_uring_submit failed: {}", std::strerror(-rc));
      return;
    }
  }
}

// Reading the eventfd's counter is what waits: Asio first tries the read
// (one system call, usually EAGAIN) and otherwise waits for the epoll edge.
// A bare wait would re-register the descriptor with epoll each time, and an
// unread counter would make that report it ready again at once.
void UringLoop::arm() {
  if (stopped_) return;
  event_.async_read_some(asio::buffer(&counter_, sizeof counter_), [this](const std::error_code& ec, std::size_t) {
    if (ec || stopped_) return;
    drain();
  });
}

void UringLoop::drain() {
  arm();
  drain_queue();
}

// A handler may run a script past its time limit and serve the loop from
// inside it (busy_loop.h): the completions after its own then raise no new
// eventfd edge, so a posted drain_queue() is what lets that nested poll reach
// them. When the handler returns normally the posted one finds nothing.
void UringLoop::drain_queue() {
  io_uring_cqe* cqe = nullptr;
  while (io_uring_peek_cqe(ring_.get(), &cqe) == 0) {
    auto* op = reinterpret_cast<Op*>(io_uring_cqe_get_data(cqe));
    const int result = cqe->res;
    io_uring_cqe_seen(ring_.get(), cqe);  // before the handler: it may drain again (busy script)
    if (io_uring_cq_ready(ring_.get()) > 0 && !drain_posted_) {
      drain_posted_ = true;
      asio::post(loop_, [this] {
        drain_posted_ = false;
        if (!stopped_) drain_queue();
      });
    }
    if (op) complete(*op, result);
  }
  submit();
}

void UringLoop::complete(Op& op, int result) {
  if (op.prev) op.prev->next = op.next;
  else in_flight_ = op.next;
  if (op.next) op.next->prev = op.prev;
  op.prev = op.next = nullptr;
  op.in_flight = false;
  op.done(op, result, std::move(op.keep));
}

}  // namespace mnemo::server
