// Shared helpers of the integration test programs: print what a call did in a
// form the test scripts grep for ("what: OK" or "what: EACCES").
#ifndef SG_COMMON_H
#define SG_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Output goes straight to fd 1 with write(2): nothing may stay buffered when
// the sandbox kills the program.
__attribute__((unused)) static void say(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (n > (int)sizeof buf - 2) n = (int)sizeof buf - 2;
  buf[n++] = '\n';
  const char* p = buf;
  while (n > 0) {
    ssize_t w = write(1, p, (size_t)n);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      return;
    }
    p += w;
    n -= (int)w;
  }
}

__attribute__((unused)) static const char* err_name(int e) {
  const char* s = strerrorname_np(e);
  return s ? s : "E?";
}

// Prints "what: OK" when ret >= 0, "what: ENAME" otherwise; returns ret.
__attribute__((unused)) static long report(const char* what, long ret) {
  if (ret < 0)
    say("%s: %s", what, err_name(errno));
  else
    say("%s: OK", what);
  return ret;
}

#endif
