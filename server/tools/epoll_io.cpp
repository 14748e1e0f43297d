#include "server/tools/epoll_io.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>

namespace mnemo::tools {

bool send_pending(int fd, std::string& out, std::size_t& pos) {
  while (pos < out.size()) {
    const ssize_t n = ::send(fd, out.data() + pos, out.size() - pos, MSG_NOSIGNAL);
    if (n > 0) {
      pos += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;
    } else {
      return false;
    }
  }
  if (pos == out.size()) {
    out.clear();
    pos = 0;
  }
  return true;
}

void want_writable(int ep, int fd, void* tag, bool& current, bool want) {
  if (want == current) return;
  current = want;
  epoll_event ev{};
  ev.events = EPOLLIN | (want ? static_cast<unsigned>(EPOLLOUT) : 0u);
  ev.data.ptr = tag;
  ::epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

}  // namespace mnemo::tools
