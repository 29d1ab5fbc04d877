// Receives and handles signals, and is stopped and continued.
//   sg_signals [external]
// A child sends SIGUSR1 5 times and SIGTERM 3 times (one at a time, each after
// the previous one was handled), then SIGSTOPs this process, checks that it
// makes no progress while stopped, SIGCONTinues it, checks that it runs
// again, and exits 0 (SIGCHLD). With "external" the program then prints
// "ready PID" and spins until it gets SIGUSR2: the test script stops and
// continues it meanwhile. Prints the counts; exits 0 when they are exact.
#include "common.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t n_usr1, n_term, n_chld, n_cont, n_usr2;

static void on_signal(int sig) {
  switch (sig) {
    case SIGUSR1: n_usr1++; break;
    case SIGTERM: n_term++; break;
    case SIGCHLD: n_chld++; break;
    case SIGCONT: n_cont++; break;
    case SIGUSR2: n_usr2++; break;
  }
}

struct shared {
  volatile long progress;
  volatile int phase_done;
  volatile int stopped_ok;
  volatile int resumed_ok;
};

static void ms(int n) {
  struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static void wait_for(volatile sig_atomic_t* counter, int value, const sigset_t* during) {
  while (*counter < value) sigsuspend(during);
}

// "childstop": a child stops itself; this process must see the stop with
// waitpid(WUNTRACED), continue it, see WCONTINUED, then its exit status 5.
static int child_stop(void) {
  int hold[2];
  if (pipe(hold) != 0) return 2;
  pid_t c = fork();
  if (c == 0) {
    close(hold[1]);
    raise(SIGSTOP);
    char b;
    (void)!read(hold[0], &b, 1);  // exits only once the parent saw it continue
    _exit(5);
  }
  close(hold[0]);
  int st;
  if (waitpid(c, &st, WUNTRACED) != c || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
    say("childstop: no stop seen (status 0x%x)", st);
    kill(c, SIGKILL);
    return 1;
  }
  say("childstop: stopped");
  kill(c, SIGCONT);
  if (waitpid(c, &st, WCONTINUED) != c || !WIFCONTINUED(st)) {
    say("childstop: no continue seen (status 0x%x)", st);
    if (WIFEXITED(st)) return 1;
    waitpid(c, &st, 0);
    return 1;
  }
  say("childstop: continued");
  close(hold[1]);
  if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 5) {
    say("childstop: bad exit (status 0x%x)", st);
    return 1;
  }
  say("childstop: exited 5");
  return 0;
}

// "storm N": a child sends SIGUSR1 N times, each after the previous one was
// handled, while the parent makes syscalls; then N unacknowledged SIGUSR2s
// (standard signals coalesce: at least 1, at most N must arrive).
static int storm(int n) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  int ack[2];
  if (pipe(ack) != 0) return 2;
  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    close(ack[1]);
    char b;
    for (int i = 0; i < n; ++i) {
      kill(parent, SIGUSR1);
      if (read(ack[0], &b, 1) != 1) _exit(3);
    }
    for (int i = 0; i < n; ++i) kill(parent, SIGUSR2);
    _exit(0);
  }
  close(ack[0]);
  for (int i = 1; i <= n; ++i) {
    while (n_usr1 < i) getppid();  // syscalls while the signal arrives
    if (n_usr1 != i) break;
    if (write(ack[1], "a", 1) != 1) return 2;
  }
  int st = 0;
  while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
  for (int i = 0; i < 100 && n_usr2 == 0; ++i) ms(10);
  say("storm usr1=%d usr2_ok=%d child=%d", (int)n_usr1, n_usr2 >= 1 && n_usr2 <= n,
      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return n_usr1 == n && n_usr2 >= 1 && n_usr2 <= n && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc > 1 && !strcmp(argv[1], "childstop")) return child_stop();
  if (argc > 2 && !strcmp(argv[1], "storm")) return storm(atoi(argv[2]));
  int external = argc > 1 && !strcmp(argv[1], "external");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGUSR1, SIGTERM, SIGCHLD, SIGCONT, SIGUSR2};
  sigset_t block, none;
  sigemptyset(&block);
  sigemptyset(&none);
  for (int i = 0; i < 5; ++i) {
    sigaction(sigs[i], &sa, NULL);
    sigaddset(&block, sigs[i]);
  }
  sigprocmask(SIG_BLOCK, &block, NULL);

  struct shared* sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (sh == MAP_FAILED) return 2;
  int cmd[2];
  if (pipe(cmd) != 0) return 2;
  pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) return 2;
  if (child == 0) {
    close(cmd[1]);
    sigprocmask(SIG_SETMASK, &none, NULL);
    char c;
    while (read(cmd[0], &c, 1) == 1) {
      if (c == 'u') kill(parent, SIGUSR1);
      if (c == 't') kill(parent, SIGTERM);
      if (c == 's') {
        kill(parent, SIGSTOP);
        ms(150);
        long a = sh->progress;
        ms(300);
        long b = sh->progress;
        sh->stopped_ok = (a == b);
        kill(parent, SIGCONT);
        ms(300);
        sh->resumed_ok = sh->progress > b;
        sh->phase_done = 1;
      }
    }
    _exit(0);
  }
  close(cmd[0]);
  for (int i = 1; i <= 5; ++i) {
    if (write(cmd[1], "u", 1) != 1) return 2;
    wait_for(&n_usr1, i, &none);
  }
  for (int i = 1; i <= 3; ++i) {
    if (write(cmd[1], "t", 1) != 1) return 2;
    wait_for(&n_term, i, &none);
  }
  if (write(cmd[1], "s", 1) != 1) return 2;
  sigprocmask(SIG_SETMASK, &none, NULL);
  while (!sh->phase_done) sh->progress++;
  sigprocmask(SIG_BLOCK, &block, NULL);
  close(cmd[1]);  // the child exits
  wait_for(&n_chld, 1, &none);
  int status = -1;
  pid_t w = waitpid(child, &status, 0);
  int child_ok = w == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;

  int want_cont = 1;
  if (external) {
    want_cont = 2;
    say("ready %d", (int)getpid());
    sigprocmask(SIG_SETMASK, &none, NULL);
    while (n_usr2 == 0) sh->progress++;  // the script stops and continues us here
    sigprocmask(SIG_BLOCK, &block, NULL);
    // SIGCONT's handler may run a little after SIGUSR2's.
    for (int i = 0; i < 100 && n_cont < want_cont; ++i) {
      sigprocmask(SIG_SETMASK, &none, NULL);
      ms(10);
      sigprocmask(SIG_BLOCK, &block, NULL);
    }
  }
  say("usr1=%d term=%d chld=%d cont=%d usr2=%d stopped_ok=%d resumed_ok=%d child_ok=%d", (int)n_usr1, (int)n_term,
      (int)n_chld, (int)n_cont, (int)n_usr2, sh->stopped_ok, sh->resumed_ok, child_ok);
  int ok = n_usr1 == 5 && n_term == 3 && n_chld == 1 && n_cont == want_cont && n_usr2 == (external ? 1 : 0) &&
           sh->stopped_ok && sh->resumed_ok && child_ok;
  return ok ? 0 : 1;
}
