#include "http/server.h"

#include <httplib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "http/app.h"
#include "store/storage.h"

namespace glint::native {

namespace {

// The worker pool, counting the connections it is serving.
class CountingPool final : public httplib::TaskQueue {
 public:
  CountingPool(size_t threads, Metrics& m) : pool_(threads), metrics_(m) {}
  void enqueue(std::function<void()> fn) override {
    pool_.enqueue([fn = std::move(fn), this]() {
      ++metrics_.open_connections;
      fn();
      --metrics_.open_connections;
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  Metrics& metrics_;
};

// cpp-httplib 0.11 listens with a backlog of 5: a burst of connections
// overflows it and clients wait for SYN retransmits (1 s, 3 s …). Listening
// again on the bound socket raises the backlog (Linux allows re-listen).
void widen_backlog(int port) {
  for (int fd = 3; fd < 1024; ++fd) {
    int listening = 0;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    sockaddr_storage addr{};
    socklen_t alen = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0) continue;
    const int bound = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                                 : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    if (bound == port) listen(fd, 1024);
  }
}

std::string resolve_web_root(const ServerConfig& config) {
  if (!config.web_root.empty()) return config.web_root;
  return GLINT_DEFAULT_WEB_ROOT;
}

// One JSON line per request on stderr. No query string (clients put session
// ids there), no headers, no bodies: nothing secret reaches the log.
void access_log(const httplib::Request& req, const httplib::Response& res) {
  json line = {{"ts", now_iso()}, {"method", req.method}, {"path", req.path}, {"status", res.status},
               {"bytes", res.body.size()}, {"remote", req.remote_addr}};
  std::fprintf(stderr, "%s\n", line.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
}

bool parse_int(const char* s, long lo, long hi, long& out) {
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi) return false;
  out = v;
  return true;
}

}  // namespace

std::string config_from_env(ServerConfig& c) {
  auto str = [](const char* name, std::string& out) {
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') out = v;
  };
  std::string error;
  auto num = [&](const char* name, long lo, long hi, auto& out) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return;
    long n = 0;
    if (!parse_int(v, lo, hi, n)) {
      error = std::string(name) + "='" + v + "' must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
      return;
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(n);
  };
  str("GLINT_HOST", c.host);
  str("GLINT_DATA_DIR", c.data_dir);
  str("GLINT_WEB_ROOT", c.web_root);
  str("GLINT_INTERNAL_API_KEY", c.internal_api_key);
  num("GLINT_PORT", 0, 65535, c.port);
  num("GLINT_THREADS", 1, 256, c.threads);
  long mb = static_cast<long>(c.max_body_bytes >> 20);
  num("GLINT_MAX_BODY_MB", 1, 65536, mb);
  c.max_body_bytes = static_cast<size_t>(mb) << 20;
  num("GLINT_READ_TIMEOUT", 1, 3600, c.read_timeout_s);
  num("GLINT_WRITE_TIMEOUT", 1, 3600, c.write_timeout_s);
  num("GLINT_SESSION_TTL_HOURS", 1, 24 * 365, c.session_ttl_hours);
  num("GLINT_PBKDF2_ITERATIONS", 1000, 10000000, c.pbkdf2_iterations);
  num("GLINT_RATE_INSIGHTS_PER_MIN", 1, 100000000, c.insights_per_minute);
  num("GLINT_RATE_CHAT_PER_MIN", 1, 100000000, c.chat_per_minute);
  num("GLINT_LOGIN_FAILURES", 1, 1000, c.login_failures_allowed);
  if (const char* v = std::getenv("GLINT_DEMO"); v != nullptr && std::string_view(v) == "1") c.demo = true;
  return error;
}

int serve(const ServerConfig& config) {
  // Signals go to one waiting thread, never to a handler mid-request.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const std::string db_path = (std::filesystem::path(config.data_dir) / "glint.db").string();
  Result<int> migrated = migrate_database(db_path);
  if (!migrated.ok()) {
    std::fprintf(stderr, "glint serve: %s\n", migrated.status().message().c_str());
    return 1;
  }
  App app(config, db_path);

  httplib::Server server;
  server.new_task_queue = [&app] { return new CountingPool(static_cast<size_t>(app.config.threads), app.metrics); };
  server.set_payload_max_length(config.max_body_bytes);
  server.set_read_timeout(config.read_timeout_s, 0);
  server.set_write_timeout(config.write_timeout_s, 0);
  server.set_keep_alive_max_count(static_cast<size_t>(config.keep_alive_max));
  server.set_keep_alive_timeout(5);
  server.set_tcp_nodelay(true);  // headers and body go out without waiting on delayed ACKs

  const std::string web_root = resolve_web_root(config);
  const bool have_page = std::filesystem::exists(std::filesystem::path(web_root) / "index.html");
  if (have_page) {
    server.set_mount_point("/", web_root);
  } else {
    std::fprintf(stderr, "glint serve: no page at %s (build the wasm preset, or pass --web-root); serving the API only\n",
                 web_root.c_str());
  }
  // GET / is the page for browsers and a status document for API clients.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/" && (req.method == "GET" || req.method == "HEAD")) {
      const std::string accept = req.get_header_value("Accept");
      if (accept.find("application/json") != std::string::npos && accept.find("text/html") == std::string::npos) {
        res.set_content(R"({"status":"ok","service":"glint"})", "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  Router router(server, app);
  router.add("GET", "/health", {.auth = false}, [](Ctx& c) {
    try {
      (void)c.app.store.database_bytes();
      c.send(200, {{"status", "healthy"}, {"timestamp", now_iso()}});
    } catch (const std::exception&) {
      c.send(503, {{"status", "unhealthy"}, {"timestamp", now_iso()}, {"detail", "database unavailable"}});
    }
  });
  router.add("GET", "/metrics", {.auth = false}, [](Ctx& c) {
    c.res.set_content(c.app.metrics.render(c.app.store.database_bytes()), "text/plain; version=0.0.4");
  });
  register_auth_routes(router, app);
  register_tenant_routes(router, app);
  register_onboarding_routes(router, app);
  register_internal_routes(router, app);
  register_data_routes(router, app);

  server.set_error_handler([&router](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404 && (res.body.empty() || res.get_header_value("Content-Type") != "application/json")) {
      const std::vector<std::string> allowed = router.methods_for(req.path);
      if (!allowed.empty()) {
        std::string allow;
        for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
        res.set_header("Allow", allow);
        send_error(res, 405, "method_not_allowed", req.method + " is not allowed on " + req.path + " (allowed: " + allow + ")");
        return;
      }
      send_error(res, 404, "not_found", "no route for " + req.method + " " + req.path);
    } else if (res.status == 413) {
      send_error(res, 413, "payload_too_large", "the request body is larger than the server accepts");
    } else if (res.body.empty()) {
      send_error(res, res.status, "http_" + std::to_string(res.status),
                 "request failed with HTTP status " + std::to_string(res.status));
    }
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_error(res, 500, "internal", "internal error");
  });
  server.set_logger(access_log);

  if (config.demo) {
    try {
      const auto [email, password] = seed_demo(app);
      std::printf("demo workspace ready: sign in as %s with password %s\n", email.c_str(), password.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "glint serve: could not seed the demo: %s\n", e.what());
      return 1;
    }
  }

  int port = config.port;
  if (port == 0) {
    port = server.bind_to_any_port(config.host);
    if (port < 0) port = 0;
  } else if (!server.bind_to_port(config.host, port)) {
    port = 0;
  }
  if (port == 0) {
    std::fprintf(stderr, "glint serve: cannot listen on %s:%d\n", config.host.c_str(), config.port);
    return 1;
  }

  widen_backlog(port);

  std::thread waiter([&server, signals]() {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });

  std::printf("glint %s serving on http://%s:%d/ (database %s, schema v%d)\n", std::string(version()).c_str(),
              config.host.c_str(), port, db_path.c_str(), migrated.value());
  std::fflush(stdout);
  server.listen_after_bind();

  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::fprintf(stderr, "glint serve: stopped\n");
  return 0;
}

}  // namespace glint::native
