/* The system-call floor for scripts/bench-io: a RESP server that does no
 * work at all. Each read's worth of input gets one "+OK\r\n" per complete
 * command line ending in "\r\n" that starts a command ("*"), so
 * redis-benchmark -t set (or any test answered by +OK at depth 1) runs
 * against it. What it costs per request is what the kernel and the VM cost
 * for one receive and one send over loopback on this machine.
 *
 *   echo_floor epoll PORT     one epoll loop: epoll_wait, read, write
 *   echo_floor io_uring PORT  one ring: recv and send entries, one
 *                             io_uring_submit_and_wait per turn
 * Single-threaded; runs until killed. Build: cc -O2 echo_floor.c -luring */
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

#define MAXC 4096
#define BUF 16384
static char in[MAXC][BUF];
static char out[MAXC][BUF];

static int replies(const char *b, int n, char *o) {
  int k = 0;
  for (int i = 0; i < n; i++)
    if (b[i] == '*') { memcpy(o + k, "+OK\r\n", 5); k += 5; }  /* a new RESP command array */
  return k;
}

static int listener(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(0x7f000001)};
  if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 1024)) { perror("listen"); exit(1); }
  return s;
}

static void run_epoll(int ls) {
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls}, evs[256];
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  for (;;) {
    int n = epoll_wait(ep, evs, 256, -1);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == ls) {
        int c = accept4(ls, 0, 0, SOCK_NONBLOCK), one = 1;
        if (c < 0 || c >= MAXC) { if (c >= 0) close(c); continue; }
        setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct epoll_event e = {.events = EPOLLIN, .data.fd = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
        continue;
      }
      int r = read(fd, in[fd], BUF);
      if (r <= 0) { close(fd); continue; }
      int k = replies(in[fd], r, out[fd]);
      if (k && write(fd, out[fd], k) < 0) close(fd);
    }
  }
}

enum { ACCEPT = 1, RECV = 2, SEND = 3 };
#define DATA(kind, fd) (((unsigned long long)(kind) << 32) | (unsigned)(fd))

static void prep(struct io_uring *r, int kind, int fd, int len) {
  struct io_uring_sqe *q = io_uring_get_sqe(r);
  if (!q) { io_uring_submit(r); q = io_uring_get_sqe(r); }
  if (kind == ACCEPT) io_uring_prep_accept(q, fd, 0, 0, 0);
  else if (kind == RECV) io_uring_prep_recv(q, fd, in[fd], BUF, 0);
  else io_uring_prep_send(q, fd, out[fd], len, MSG_NOSIGNAL);
  io_uring_sqe_set_data64(q, DATA(kind, fd));
}

static void run_uring(int ls) {
  struct io_uring r;
  if (io_uring_queue_init(4096, &r, 0)) { perror("io_uring"); exit(1); }
  prep(&r, ACCEPT, ls, 0);
  for (;;) {
    io_uring_submit_and_wait(&r, 1);
    struct io_uring_cqe *c;
    unsigned head, seen = 0;
    io_uring_for_each_cqe(&r, head, c) {
      int kind = c->user_data >> 32, fd = (int)(c->user_data & 0xffffffff), res = c->res;
      seen++;
      if (kind == ACCEPT) {
        if (res >= 0 && res < MAXC) { int one = 1; setsockopt(res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); prep(&r, RECV, res, 0); }
        else if (res >= 0) close(res);
        prep(&r, ACCEPT, ls, 0);
      } else if (kind == RECV) {
        if (res <= 0) { close(fd); continue; }
        int k = replies(in[fd], res, out[fd]);
        if (k) prep(&r, SEND, fd, k); else prep(&r, RECV, fd, 0);
      } else {
        if (res < 0) { close(fd); continue; }
        prep(&r, RECV, fd, 0);
      }
    }
    io_uring_cq_advance(&r, seen);
  }
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: echo_floor epoll|io_uring PORT\n"); return 2; }
  int ls = listener(atoi(argv[2]));
  if (strcmp(argv[1], "epoll") == 0) run_epoll(ls); else run_uring(ls);
  return 0;
}
