// Connection's transport: Asio's reactor (epoll) or this loop's io_uring.
// Both end in on_read() and on_written() with Asio's error codes, so flow
// control, closing and the busy-script deferral above them are the same.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "server/connection.h"

namespace mnemo::server {

namespace {
std::error_code ring_error(int result) {
  if (result == -ECANCELED) return asio::error::operation_aborted;
  return {-result, asio::error::get_system_category()};
}
}  // namespace

// On the connection's loop, before its first read: the ring works on the bare
// descriptor, so it leaves Asio's reactor (which would otherwise be woken by
// every byte that arrives, for nothing).
void Connection::adopt_descriptor() {
  if (!ring_ || fd_ >= 0) return;
  std::error_code ec;
  fd_ = socket_.release(ec);
  if (ec) fd_ = -1;
}

void Connection::start_read() {
  char* buf = in_.data() + in_end_;
  const std::size_t len = in_.size() - in_end_;
  if (!ring_) {
    if (read_drained_) {
      // The last read took everything there was: the client most likely waits
      // for this reply before sending more (depth 1), so a receive now would
      // only answer EAGAIN, one wasted system call per request. Wait for
      // readiness first, as Redis's event loop does.
      socket_.async_wait(asio::socket_base::wait_read,
                         [self = shared_from_this()](const std::error_code& ec) { self->on_readable(ec); });
      return;
    }
    socket_.async_read_some(asio::buffer(buf, len),
                            [self = shared_from_this(), len](const std::error_code& ec, std::size_t n) {
                              self->read_drained_ = n < len;
                              self->on_read(ec, n);
                            });
    return;
  }
  if (fd_ < 0) {  // release() failed: behave as a connection that went away
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->on_read(asio::error::eof, 0); });
    return;
  }
  read_op_.done = &Connection::on_ring_read;
  read_op_.keep = shared_from_this();
  ring_->recv(read_op_, fd_, buf, len);
}

// Epoll, after a drained read: the socket is readable (or failed).
void Connection::on_readable(const std::error_code& ec) {
  if (ec) return on_read(ec, 0);
  const std::size_t len = in_.size() - in_end_;
  std::error_code e;
  const std::size_t n = socket_.read_some(asio::buffer(in_.data() + in_end_, len), e);
  if (e == asio::error::would_block || e == asio::error::try_again) {  // a spurious wake-up
    socket_.async_wait(asio::socket_base::wait_read,
                       [self = shared_from_this()](const std::error_code& ec2) { self->on_readable(ec2); });
    return;
  }
  read_drained_ = n < len;
  on_read(e, n);
}

void Connection::on_ring_read(UringLoop::Op& op, int result, std::shared_ptr<void> keep) {
  auto* self = static_cast<Connection*>(keep.get());
  (void)op;
  if (result > 0) self->on_read({}, static_cast<std::size_t>(result));
  else if (result == 0) self->on_read(asio::error::eof, 0);
  else self->on_read(ring_error(result), 0);
}

void Connection::start_write() {
  if (!ring_) {
    asio::async_write(socket_, asio::buffer(writing_),
                      [self = shared_from_this()](const std::error_code& ec, std::size_t) { self->on_written(ec); });
    return;
  }
  if (fd_ < 0) {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->on_written(asio::error::bad_descriptor); });
    return;
  }
  write_op_.done = &Connection::on_ring_written;
  write_op_.keep = shared_from_this();
  ring_->send(write_op_, fd_, writing_.data() + written_, writing_.size() - written_);
}

// A send may take part of the buffer (a full socket buffer): the rest goes
// next, as asio::async_write does, and on_written() runs once all is sent.
void Connection::on_ring_written(UringLoop::Op& op, int result, std::shared_ptr<void> keep) {
  auto* self = static_cast<Connection*>(keep.get());
  (void)op;
  if (result > 0) self->written_ += static_cast<std::size_t>(result);
  const bool all = self->written_ >= self->writing_.size();
  if (result > 0 && !all && !self->closed_) {
    self->start_write();
    return;
  }
  self->written_ = 0;
  if (result < 0) self->on_written(ring_error(result));
  else if (!all) self->on_written(self->closed_ ? asio::error::operation_aborted : asio::error::connection_reset);
  else self->on_written({});
}

void Connection::shutdown_socket(asio::socket_base::shutdown_type how) {
  if (!ring_) {
    std::error_code ec;
    socket_.shutdown(how, ec);
    return;
  }
  if (fd_ < 0) return;
  ::shutdown(fd_, how == asio::socket_base::shutdown_receive ? SHUT_RD : SHUT_RDWR);
}

// The ring keeps its own reference to the socket while an operation is in
// flight, so closing the descriptor alone would not end them: shutdown (in
// close()) wakes them and the cancels make sure.
void Connection::close_socket() {
  if (!ring_) {
    std::error_code ec;
    socket_.close(ec);
    return;
  }
  if (fd_ < 0) return;
  // Only ops in flight touch the ring (the destructor may run after the ring is gone).
  if (read_op_.in_flight) ring_->cancel(read_op_);
  if (write_op_.in_flight) ring_->cancel(write_op_);
  ::close(fd_);
  fd_ = -1;
}

}  // namespace mnemo::server
