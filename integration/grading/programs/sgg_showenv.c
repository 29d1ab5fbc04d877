// Prints its working directory, the variable FOO and how many environment
// variables it got; writes one line to stderr.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

extern char** environ;

int main(void) {
  char buf[4096];
  if (getcwd(buf, sizeof buf) == NULL) return 1;
  const char* foo = getenv("FOO");
  int n = 0;
  for (char** e = environ; *e != NULL; ++e) ++n;
  printf("cwd=%s\n", buf);
  printf("FOO=%s\n", foo != NULL ? foo : "(unset)");
  printf("envc=%d\n", n);
  fputs("to-stderr\n", stderr);
  return 0;
}
