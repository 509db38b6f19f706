// A child process running the real glint binary, for the server tests.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace glint::testing {

class Process {
 public:
  // Starts `argv` with extra environment `env` ("K=V"); stdout is captured.
  Process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads stdout until a line containing `needle` (or timeout); returns it.
  std::string wait_for_line(const std::string& needle, int timeout_ms = 10000);
  // Sends `sig` and waits for exit; returns the exit status (or 128+signal).
  int stop(int sig, int timeout_ms = 10000);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffered_;
};

// "http://127.0.0.1:PORT/" in a line → PORT; -1 when absent.
int port_from_line(const std::string& line);

}  // namespace glint::testing
