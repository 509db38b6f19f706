// load_bench — throughput and latency of `glint serve --demo` on loopback:
// GET /health and POST /api/bronze/highlight at 1, 16 and 64 connections,
// then a soak at 16 connections sampling the server's RSS. Prints figures;
// asserts nothing. Bounded in time by --seconds and --soak.
//
// usage: glint_load_bench --glint build/native/native/glint [--seconds 10] [--soak 120]
#include <httplib.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct ServerProc {
  pid_t pid = -1;
  int port = 0;
  std::string password;
};

ServerProc start(const std::string& glint, const std::string& dir) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, STDERR_FILENO);  // the access log would dominate the run
    close(fds[0]);
    setenv("GLINT_RATE_INSIGHTS_PER_MIN", "100000000", 1);  // the load, not the limit, is measured
    setenv("GLINT_THREADS", "72", 1);
    // Every connection comes from this one address: the per-address cap
    // (a defence against one client holding many) would refuse most of them.
    setenv("GLINT_CONNECTIONS_PER_ADDRESS", "1000", 1);
    execl(glint.c_str(), glint.c_str(), "serve", "--port", "0", "--demo", "--data-dir", dir.c_str(), nullptr);
    _exit(127);
  }
  close(fds[1]);
  ServerProc s;
  s.pid = pid;
  std::string out;
  char buf[512];
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < deadline && out.find("serving on") == std::string::npos) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(password ([0-9a-f]+))"))) s.password = m[1];
  if (std::regex_search(out, m, std::regex(R"(http://[^:]+:(\d+)/)"))) s.port = std::stoi(m[1]);
  return s;
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

struct Result {
  double rps = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
  long requests = 0, errors = 0, limited = 0;  // limited: 429s among the errors
};

Result run(int port, int connections, double seconds, const std::string& session, bool highlight) {
  std::atomic<long> errors{0}, limited{0};
  std::vector<std::vector<double>> lat(static_cast<size_t>(connections));
  const auto until = Clock::now() + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  const char* types[] = {"summary", "grow", "optimize", "protect"};
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t]() {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      c.set_read_timeout(30);
      const httplib::Headers h = {{"X-Session-ID", session}};
      int i = t;
      while (Clock::now() < until) {
        const auto start = Clock::now();
        httplib::Result r = highlight
                                ? c.Post("/api/bronze/highlight", h,
                                         json{{"highlight_type", types[i++ % 4]}, {"date_range", "30_days"}}.dump(),
                                         "application/json")
                                : c.Get("/health");
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (!r || r->status != 200) {
          ++errors;
          if (r && r->status == 429) ++limited;
        }
        lat[static_cast<size_t>(t)].push_back(ms);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  Result r;
  r.requests = static_cast<long>(all.size());
  r.errors = errors;
  r.limited = limited;
  r.rps = static_cast<double>(all.size()) / seconds;
  if (!all.empty()) {
    r.p50_ms = all[all.size() / 2];
    r.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    r.max_ms = all.back();
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a closed connection is an error to count, not a reason to die
  std::string glint;
  double seconds = 10, soak = 120;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--glint") glint = argv[i + 1];
    if (a == "--seconds") seconds = std::atof(argv[i + 1]);
    if (a == "--soak") soak = std::atof(argv[i + 1]);
  }
  if (glint.empty()) {
    std::fprintf(stderr, "usage: glint_load_bench --glint PATH [--seconds 10] [--soak 120]\n");
    return 2;
  }
  const std::string dir = (std::filesystem::temp_directory_path() / ("glint_load_" + std::to_string(getpid()))).string();
  ServerProc s = start(glint, dir);
  if (s.port == 0) {
    std::fprintf(stderr, "load_bench: the server did not start\n");
    return 1;
  }
  httplib::Client c("127.0.0.1", s.port);
  auto login = c.Post("/api/auth/login", json{{"email", "demo@glint.local"}, {"password", s.password}}.dump(), "application/json");
  if (!login || login->status != 200) {
    std::fprintf(stderr, "load_bench: demo login failed\n");
    kill(s.pid, SIGTERM);
    return 1;
  }
  const std::string session = json::parse(login->body)["session_id"];
  std::printf("glint serve --demo (90 days x 200 campaigns + GA4) on 127.0.0.1:%d, %.0f s per run\n\n", s.port, seconds);
  std::printf("%-26s %5s %10s %9s %9s %9s %8s\n", "endpoint", "conns", "req/s", "p50 ms", "p99 ms", "max ms", "errors");
  for (bool highlight : {false, true}) {
    for (int conns : {1, 16, 64}) {
      const Result r = run(s.port, conns, seconds, session, highlight);
      std::printf("%-26s %5d %10.0f %9.2f %9.2f %9.2f %8ld\n", highlight ? "POST /api/bronze/highlight" : "GET /health", conns, r.rps,
                  r.p50_ms, r.p99_ms, r.max_ms, r.errors);
    }
  }
  if (soak > 0) {
    std::printf("\nsoak: bronze highlight at 16 connections for %.0f s, server RSS every 10 s (MiB):\n ", soak);
    std::atomic<bool> done{false};
    std::vector<long> samples;
    std::thread sampler([&]() {
      while (!done) {
        samples.push_back(rss_kib(s.pid));
        std::printf(" %.1f", static_cast<double>(samples.back()) / 1024.0);
        std::fflush(stdout);
        for (int i = 0; i < 100 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    const Result r = run(s.port, 16, soak, session, true);
    done = true;
    sampler.join();
    const auto [lo, hi] = std::minmax_element(samples.begin() + std::min<size_t>(1, samples.size() - 1), samples.end());
    std::printf("\n  %.0f req/s, p99 %.2f ms, %ld errors; RSS after warm-up %.1f..%.1f MiB (spread %.1f%%)\n", r.rps, r.p99_ms,
                r.errors, *lo / 1024.0, *hi / 1024.0, 100.0 * static_cast<double>(*hi - *lo) / static_cast<double>(*lo));
  }
  kill(s.pid, SIGTERM);
  int status = 0;
  waitpid(s.pid, &status, 0);
  std::filesystem::remove_all(dir);
  return 0;
}
