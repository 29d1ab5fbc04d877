/* pt_net: sockets for the network tests; each result printed as "NAME: OK" or
 * "NAME: ERRNO_NAME".
 *   pt_net serve FILE ADDR...      listen on each ADDR (127.0.0.1, ::1) on a
 *                                  random port, write the ports to FILE (one a
 *                                  line), accept and close forever
 *   pt_net udp_recv FILE           bind UDP 127.0.0.1:0, write the port to FILE,
 *                                  print every datagram received ("got: DATA")
 *   pt_net connect IP PORT ...     connect (IPv4 or IPv6 literal)
 *   pt_net socket inet|inet6|unix|packet|netlink|raw
 *   pt_net sendto IP PORT          UDP datagram "hello" to IP:PORT
 *   pt_net sendto_unspec IP PORT   the same with sin_family = AF_UNSPEC
 *   pt_net bind_unspec PORT        bind(AF_INET socket, {AF_UNSPEC, 0.0.0.0:PORT})
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void report(const char* name, int rc) {
  if (rc >= 0)
    printf("%s: OK\n", name);
  else
    printf("%s: %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
  fflush(stdout);
}

static socklen_t addr_of(const char* ip, int port, struct sockaddr_storage* ss) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in* in = (struct sockaddr_in*)ss;
  struct sockaddr_in6* in6 = (struct sockaddr_in6*)ss;
  if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons((unsigned short)port);
    return sizeof *in;
  }
  if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((unsigned short)port);
    return sizeof *in6;
  }
  fprintf(stderr, "bad address %s\n", ip);
  exit(2);
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  char name[256];
  if (!strcmp(argv[1], "serve")) {
    struct pollfd fds[8];
    int n = 0;
    FILE* f = fopen(argv[2], "w");
    for (int i = 3; i < argc && n < 8; ++i, ++n) {
      struct sockaddr_storage ss;
      socklen_t len = addr_of(argv[i], 0, &ss);
      int s = socket(ss.ss_family, SOCK_STREAM, 0);
      int one = 1;
      setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (s < 0 || bind(s, (struct sockaddr*)&ss, len) != 0 || listen(s, 4096) != 0) {
        perror("serve");
        return 1;
      }
      len = sizeof ss;
      getsockname(s, (struct sockaddr*)&ss, &len);
      fprintf(f, "%d\n", ntohs(((struct sockaddr_in*)&ss)->sin_port)); /* same offset in sockaddr_in6 */
      fds[n].fd = s;
      fds[n].events = POLLIN;
    }
    fclose(f);
    for (;;) {
      if (poll(fds, (nfds_t)n, -1) < 0) continue;
      for (int i = 0; i < n; ++i)
        if (fds[i].revents & POLLIN) {
          int c = accept(fds[i].fd, NULL, NULL);
          if (c >= 0) close(c);
        }
    }
  }
  if (!strcmp(argv[1], "udp_recv")) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof in;
    if (bind(s, (struct sockaddr*)&in, sizeof in) != 0) return 1;
    getsockname(s, (struct sockaddr*)&in, &len);
    FILE* f = fopen(argv[2], "w");
    fprintf(f, "%d\n", ntohs(in.sin_port));
    fclose(f);
    for (;;) {
      char buf[256] = {0};
      if (recv(s, buf, sizeof buf - 1, 0) > 0) {
        printf("got: %s\n", buf);
        fflush(stdout);
      }
    }
  }
  for (int i = 2; i < argc; ++i) {
    const char* op = argv[1];
    if (!strcmp(op, "connect") || !strcmp(op, "sendto") || !strcmp(op, "sendto_unspec")) {
      struct sockaddr_storage ss;
      socklen_t len = addr_of(argv[i], atoi(argv[i + 1]), &ss);
      snprintf(name, sizeof name, "%s(%s,%s)", op, argv[i], argv[i + 1]);
      ++i;
      int s = socket(ss.ss_family, strcmp(op, "connect") ? SOCK_DGRAM : SOCK_STREAM, 0);
      if (s < 0) {
        report(name, -1);
        continue;
      }
      if (!strcmp(op, "connect")) {
        report(name, connect(s, (struct sockaddr*)&ss, len));
      } else {
        if (!strcmp(op, "sendto_unspec")) ss.ss_family = AF_UNSPEC;
        report(name, (int)sendto(s, "hello", 5, 0, (struct sockaddr*)&ss, len));
      }
      close(s);
    } else if (!strcmp(op, "socket")) {
      const char* w = argv[i];
      int s = !strcmp(w, "inet")      ? socket(AF_INET, SOCK_STREAM, 0)
              : !strcmp(w, "inet6")   ? socket(AF_INET6, SOCK_STREAM, 0)
              : !strcmp(w, "unix")    ? socket(AF_UNIX, SOCK_STREAM, 0)
              : !strcmp(w, "packet")  ? socket(AF_PACKET, SOCK_RAW, 0)
              : !strcmp(w, "netlink") ? socket(AF_NETLINK, SOCK_RAW, 0)
                                      : socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
      snprintf(name, sizeof name, "socket(%s)", w);
      report(name, s);
      if (s >= 0) close(s);
    } else if (!strcmp(op, "bind_unspec")) {
      int s = socket(AF_INET, SOCK_STREAM, 0);
      struct sockaddr_in in = {.sin_family = AF_UNSPEC, .sin_port = htons((unsigned short)atoi(argv[i])),
                               .sin_addr.s_addr = htonl(INADDR_ANY)};
      snprintf(name, sizeof name, "bind_unspec(%s)", argv[i]);
      report(name, bind(s, (struct sockaddr*)&in, sizeof in));
    } else {
      return 2;
    }
  }
  return 0;
}
