#include "http/server.h"
#include "llm/insights.h"
#include "sync/sync.h"

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
#include <mutex>
#include <thread>

#include "auth/crypto.h"
#include "http/app.h"
#include "http/guard.h"
#include "store/storage.h"
#include "vault/credentials.h"

namespace glint::native {

namespace {

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

struct AccessLog {
  std::mutex mu;
  std::string path;         // "" stderr, "-" stdout, "off" nowhere, else a file
  FILE* out = stderr;
  bool owned = false;
  // (Re)opens the destination; the old file is closed after the new one opens.
  void open() {
    std::lock_guard<std::mutex> lock(mu);
    FILE* next = path.empty() ? stderr : path == "-" ? stdout : path == "off" ? nullptr : std::fopen(path.c_str(), "a");
    if (next == nullptr && path != "off") {
      std::fprintf(stderr, "glint serve: cannot open the access log %s; logging to stderr\n", path.c_str());
      next = stderr;
    }
    if (owned && out != nullptr) std::fclose(out);
    out = next;
    owned = next != nullptr && next != stderr && next != stdout;
  }
};
AccessLog g_log;

// A path as it may be logged: segments that look like secrets (invite and
// verification tokens are 64 hex digits) become ":redacted".
std::string loggable_path(const std::string& path) {
  std::string out;
  size_t i = 0;
  while (i <= path.size()) {
    const size_t j = std::min(path.find('/', i), path.size());
    const std::string_view seg(path.data() + i, j - i);
    const bool secret = seg.size() >= 40 && seg.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
    out.append(secret ? std::string_view(":redacted") : seg);
    if (j < path.size()) out.push_back('/');
    i = j + 1;
  }
  return out.substr(0, 512);
}

// One JSON line per request: on stderr by default, on stdout, nowhere, or in
// a file that SIGHUP reopens (rotation by logrotate or any mover). No query string (clients put session
// ids there), no headers, no bodies, no path secrets: nothing secret reaches
// the log.
void log_line(const std::string& method, const std::string& path, int status, size_t bytes, const std::string& remote) {
  json line = {{"ts", now_iso()}, {"method", method.substr(0, 16)}, {"path", loggable_path(path)}, {"status", status},
               {"bytes", bytes}, {"remote", remote}};
  const std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(g_log.mu);
  if (g_log.out == nullptr) return;
  std::fwrite(text.data(), 1, text.size(), g_log.out);
  std::fflush(g_log.out);
}

void access_log(const httplib::Request& req, const httplib::Response& res) {
  log_line(req.method, req.path, res.status, res.body.size(), req.remote_addr);
}

// Security headers on every answer: no sniffing, no framing, no referrers;
// the page's own policy allows its bundle, its blob: worker and wasm.
void security_headers(const httplib::Request& req, httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  if (!res.has_header("Content-Security-Policy")) {
    const std::string type = res.get_header_value("Content-Type");
    if (type.rfind("text/html", 0) == 0) {
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' blob:; worker-src 'self' blob:; "
                     "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
                     "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    } else {
      res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }
  }
  (void)req;
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
  str("GLINT_ACCESS_LOG", c.access_log);
  num("GLINT_PORT", 0, 65535, c.port);
  num("GLINT_THREADS", 1, 4096, c.threads);
  long mb = static_cast<long>(c.max_body_bytes >> 20);
  num("GLINT_MAX_BODY_MB", 1, 65536, mb);
  c.max_body_bytes = static_cast<size_t>(mb) << 20;
  long json_kib = static_cast<long>(c.max_json_bytes >> 10);
  num("GLINT_MAX_JSON_KB", 16, 1 << 20, json_kib);
  c.max_json_bytes = static_cast<size_t>(json_kib) << 10;
  num("GLINT_READ_TIMEOUT", 1, 3600, c.read_timeout_s);
  num("GLINT_WRITE_TIMEOUT", 1, 3600, c.write_timeout_s);
  num("GLINT_HEADER_TIMEOUT", 1, 3600, c.header_timeout_s);
  num("GLINT_BODY_TIMEOUT", 1, 3600, c.body_timeout_s);
  num("GLINT_BODY_MIN_RATE_KB", 1, 1 << 20, c.body_min_rate_kib);
  num("GLINT_CONNECTIONS_PER_ADDRESS", 1, 100000, c.connections_per_address);
  num("GLINT_QUEUE", 1, 100000, c.queue);
  num("GLINT_KEEP_ALIVE_TIMEOUT", 1, 3600, c.keep_alive_timeout_s);
  if (const char* v = std::getenv("GLINT_TRUSTED_PROXIES"); v != nullptr) {
    c.trusted_proxies.clear();
    std::string item;
    for (const char* p = v;; ++p) {
      if (*p == ',' || *p == ' ' || *p == '\0') {
        if (!item.empty()) c.trusted_proxies.push_back(item);
        item.clear();
        if (*p == '\0') break;
      } else {
        item.push_back(*p);
      }
    }
  }
  num("GLINT_SESSION_TTL_HOURS", 1, 24 * 365, c.session_ttl_hours);
  num("GLINT_PBKDF2_ITERATIONS", 1000, 10000000, c.pbkdf2_iterations);
  num("GLINT_RATE_INSIGHTS_PER_MIN", 1, 100000000, c.insights_per_minute);
  num("GLINT_RATE_CHAT_PER_MIN", 1, 100000000, c.chat_per_minute);
  num("GLINT_LOGIN_FAILURES", 1, 1000, c.login_failures_allowed);
  num("GLINT_LOGIN_FAILURES_PER_ADDRESS", 1, 1000000, c.login_failures_per_address);
  num("GLINT_SIGNUPS_PER_HOUR", 1, 1000000, c.signups_per_hour);
  num("GLINT_THROTTLE_ENTRIES", 10, 10000000, c.throttle_entries);
  if (const char* v = std::getenv("GLINT_DEMO"); v != nullptr && std::string_view(v) == "1") c.demo = true;
  return error;
}

int serve(const ServerConfig& config) {
  // Signals go to one waiting thread, never to a handler mid-request.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  g_log.path = config.access_log;
  g_log.open();
  const std::string db_path = (std::filesystem::path(config.data_dir) / "glint.db").string();
  Result<int> migrated = migrate_database(db_path);
  if (!migrated.ok()) {
    std::fprintf(stderr, "glint serve: %s\n", migrated.status().message().c_str());
    return 1;
  }
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v == nullptr ? "" : v;
  };
  Result<Vault> vault = Vault::load({config.data_dir, env("GLINT_MASTER_KEY"), env("GLINT_MASTER_KEY_ID"), env("GLINT_MASTER_KEY_PREVIOUS")});
  if (!vault.ok()) {
    std::fprintf(stderr, "glint serve: %s\n", vault.status().message().c_str());
    return 1;
  }
  OAuthSettings oauth;
  if (std::string bad = OAuthSettings::from_env(oauth); !bad.empty()) {
    std::fprintf(stderr, "glint serve: %s\n", bad.c_str());
    return 1;
  }
  App app(config, db_path, std::move(vault).value(), std::move(oauth));
  if (Status s = check_master_key(app.vault, app.store); !s.ok()) {
    std::fprintf(stderr, "glint serve: %s\n", s.message().c_str());
    return 1;
  }

  GuardLimits limits;
  limits.header_timeout_ms = config.header_timeout_s * 1000;
  limits.body_timeout_ms = config.body_timeout_s * 1000;
  limits.body_min_rate = static_cast<size_t>(config.body_min_rate_kib) << 10;
  limits.keep_alive_timeout_ms = config.keep_alive_timeout_s * 1000;
  limits.keep_alive_max = static_cast<size_t>(config.keep_alive_max);
  limits.connections_per_address = config.connections_per_address;
  limits.threads = static_cast<size_t>(config.threads);
  limits.queue = static_cast<size_t>(config.queue);
  Router* routes = nullptr;  // set below; the policy is only asked once the server listens
  GuardedServer server(
      limits, [&routes](const httplib::Request& req) { return routes->policy_for(req); },
      [&app](const std::string& remote, const std::string& method, const std::string& path, int status) {
        app.metrics.observe(method, "(refused by the guard)", status, 0);
        log_line(method, path, status, 0, remote);
      });
  server.set_payload_max_length(config.max_body_bytes);
  server.set_read_timeout(config.read_timeout_s, 0);
  server.set_write_timeout(config.write_timeout_s, 0);
  server.set_keep_alive_max_count(static_cast<size_t>(config.keep_alive_max));
  server.set_keep_alive_timeout(config.keep_alive_timeout_s);
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
  server.set_pre_routing([](const httplib::Request& req, httplib::Response& res) {
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
  routes = &router;
  router.add("GET", "/health", {.auth = false}, [](Ctx& c) {
    try {
      (void)c.app.store.database_bytes();
      c.send(200, {{"status", "healthy"}, {"timestamp", now_iso()}});
    } catch (const std::exception&) {
      c.send(503, {{"status", "unhealthy"}, {"timestamp", now_iso()}, {"detail", "database unavailable"}});
    }
  });
  // Open on loopback; elsewhere it needs the internal key (X-API-Key or Bearer).
  router.add("GET", "/metrics", {.auth = false}, [&server](Ctx& c) {
    const bool loopback = c.app.config.host == "127.0.0.1" || c.app.config.host == "::1" || c.app.config.host == "localhost";
    if (!loopback) {
      std::string key = c.req.get_header_value("X-API-Key");
      const std::string auth = c.req.get_header_value("Authorization");
      if (key.empty() && auth.rfind("Bearer ", 0) == 0) key = auth.substr(7);
      if (c.app.config.internal_api_key.empty() || !crypto::constant_time_equal(key, c.app.config.internal_api_key)) {
        throw HttpError{401, "not_authenticated", "/metrics needs the internal API key (X-API-Key) off loopback"};
      }
    }
    c.app.metrics.open_connections = server.open_connections();
    std::string text = c.app.metrics.render(c.app.store.database_bytes());
    text += "# HELP glint_login_throttle_entries Entries in the failed-sign-in tables (bounded).\n"
            "# TYPE glint_login_throttle_entries gauge\nglint_login_throttle_entries " +
            std::to_string(c.app.throttle.entries()) + "\n";
    text += "# HELP glint_workspace_engines Workspaces whose data is loaded in memory.\n"
            "# TYPE glint_workspace_engines gauge\nglint_workspace_engines " + std::to_string(c.app.engines.size()) + "\n";
    c.res.set_content(text, "text/plain; version=0.0.4");
  });
  register_auth_routes(router, app);
  register_tenant_routes(router, app);
  register_onboarding_routes(router, app);
  register_internal_routes(router, app);
  register_data_routes(router, app);
  register_connection_routes(router, app);
  register_oauth_routes(router, app);
  register_platform_routes(router, app);
  register_sync_routes(router, app);
  register_insight_routes(router, app);

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
    } else if (res.status == 413 && res.get_header_value("Content-Type") != "application/json") {
      send_error(res, 413, "payload_too_large", "the request body is larger than the server accepts");
    } else if (res.body.empty()) {
      send_error(res, res.status, "http_" + std::to_string(res.status),
                 "request failed with HTTP status " + std::to_string(res.status));
    }
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send_error(res, 500, "internal", "internal error");
  });
  server.set_post_routing_handler(security_headers);
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
  app.oauth.set_listening(config.host, port);

  std::thread waiter([&server, signals]() {
    for (;;) {
      int sig = 0;
      sigwait(&signals, &sig);
      if (sig == SIGHUP) {
        g_log.open();  // after a rotation
        continue;
      }
      server.stop();
      return;
    }
  });

  Syncer syncer(app);  // durable sync tasks: resumes what a stopped server left running
  app.syncer = &syncer;
  Insights insights(app);  // written insights; durable async tasks resume here too
  app.insights = &insights;

  std::printf("glint %s serving on http://%s:%d/ (database %s, schema v%d)\n", std::string(version()).c_str(),
              config.host.c_str(), port, db_path.c_str(), migrated.value());
  std::fflush(stdout);
  server.listen_after_bind();

  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  insights.stop();
  app.insights = nullptr;
  syncer.stop();
  app.syncer = nullptr;
  std::fprintf(stderr, "glint serve: stopped\n");
  return 0;
}

}  // namespace glint::native
