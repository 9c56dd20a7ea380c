// The floor for bench/load_service.py --reference: an HTTP server that does no work. It reads
// each request (headers and Content-Length body) and answers 202 with a fixed JSON body, so
// the clients' latency against it is what the load generator and loopback alone cost.
#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>
#include <fcntl.h>
typedef struct { int fd; char *buf; size_t len, cap; } conn;
int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: reference_sink PORT\n"); return 2; }
  int port = atoi(argv[1]);
  int s = socket(AF_INET, SOCK_STREAM, 0); int one = 1; setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, 4);
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(0x7f000001);
  bind(s, (void*)&a, sizeof a); listen(s, 1024); fcntl(s, F_SETFL, O_NONBLOCK);
  int ep = epoll_create1(0); struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}; epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
  struct epoll_event evs[256];
  const char *reply = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n{\"generation_id\":\"x\",\"a\":1}";
  for (;;) {
    int n = epoll_wait(ep, evs, 256, -1);
    for (int i = 0; i < n; i++) {
      conn *c = evs[i].data.ptr;
      if (!c) { int fd; while ((fd = accept(s, 0, 0)) >= 0) { fcntl(fd, F_SETFL, O_NONBLOCK); c = calloc(1, sizeof *c); c->fd = fd; c->cap = 1 << 20; c->buf = malloc(c->cap);
          struct epoll_event e = {.events = EPOLLIN, .data.ptr = c}; epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);} continue; }
      for (;;) {
        ssize_t r = read(c->fd, c->buf + c->len, c->cap - c->len);
        if (r <= 0) { if (r == 0) { close(c->fd); } break; }
        c->len += r;
        char *end = memmem(c->buf, c->len, "\r\n\r\n", 4); if (!end) continue;
        char *cl = strcasestr(c->buf, "content-length:"); size_t body = cl ? strtoul(cl + 15, 0, 10) : 0;
        size_t total = (end - c->buf) + 4 + body;
        if (c->len >= total) { write(c->fd, reply, strlen(reply)); memmove(c->buf, c->buf + total, c->len - total); c->len -= total; }
      }
    }
  }
}
