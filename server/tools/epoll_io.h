// Non-blocking sends and epoll interest for the load generators' connections
// (bench_main.cpp, resp_bench_main.cpp), which each run an epoll loop per thread.
//
// Threads: called by the thread that owns the connection.
#pragma once

#include <cstddef>
#include <string>

namespace mnemo::tools {

// Sends `out` from `pos` on until the socket would block; once all of it is
// sent, empties `out` and resets `pos`. False when the connection failed.
bool send_pending(int fd, std::string& out, std::size_t& pos);

// Keeps EPOLLIN and sets EPOLLOUT to `want` on `fd` (with `tag` as its data),
// calling epoll_ctl only when that differs from `current`: a system call per
// flush would cost the client as much as the send itself.
void want_writable(int ep, int fd, void* tag, bool& current, bool want);

}  // namespace mnemo::tools
