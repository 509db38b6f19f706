// run_measured [--stdout FILE] CMD ARGS... — runs CMD with stdout to /dev/null
// (or to FILE, created or truncated, so that a benchmark can check what it
// printed) and prints "<wall seconds> <peak RSS KiB> <exit status>" for the
// benchmarks: the whole process, start to exit, as a user runs it.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  const char* out = "/dev/null";
  int first = 1;
  if (argc > 2 && std::strcmp(argv[1], "--stdout") == 0) {
    out = argv[2];
    first = 3;
  }
  if (argc <= first) {
    std::fprintf(stderr, "usage: run_measured [--stdout FILE] CMD [ARGS...]\n");
    return 2;
  }
  const int sink = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (sink < 0) {
    std::fprintf(stderr, "run_measured: cannot write %s\n", out);
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(sink, STDOUT_FILENO);
    close(sink);
    execvp(argv[first], argv + first);
    _exit(127);
  }
  close(sink);
  if (pid < 0) {
    std::perror("run_measured: fork");
    return 2;
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.4f %ld %d\n", secs, usage.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  return 0;
}
