#include "server.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "glint/engine.h"
#include "storage.h"

namespace glint::native {

namespace {

std::string iso8601_utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(httplib::Response& res, int status, std::string_view code, std::string_view detail) {
  send_json(res, status, {{"detail", detail}, {"code", code}});
}

std::string resolve_web_root(const ServerConfig& config) {
  if (!config.web_root.empty()) return config.web_root;
  if (const char* env = std::getenv("GLINT_WEB_ROOT"); env != nullptr && *env != '\0') return env;
  return GLINT_DEFAULT_WEB_ROOT;
}

// One JSON line per request on stderr. The query string is left out: clients
// may put a session id there.
void access_log(const httplib::Request& req, const httplib::Response& res) {
  nlohmann::json line = {{"ts", iso8601_utc_now()},
                         {"method", req.method},
                         {"path", req.path},
                         {"status", res.status},
                         {"remote", req.remote_addr}};
  std::fprintf(stderr, "%s\n", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

}  // namespace

int serve(const ServerConfig& config) {
  // Signals are taken by one waiting thread, never by a handler mid-request.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string db_path = (std::filesystem::path(config.data_dir) / "glint.db").string();
  Result<std::unique_ptr<Database>> db = Database::open(db_path);
  if (!db.ok()) {
    std::fprintf(stderr, "glint serve: %s\n", db.status().message().c_str());
    return 1;
  }

  httplib::Server server;
  const std::string web_root = resolve_web_root(config);
  const bool have_page = std::filesystem::exists(std::filesystem::path(web_root) / "index.html");
  if (have_page) {
    server.set_mount_point("/", web_root);
  } else {
    std::fprintf(stderr,
                 "glint serve: no page at %s (build the wasm preset, or pass --web-root); "
                 "serving the API only\n",
                 web_root.c_str());
  }

  server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, {{"status", "healthy"}, {"timestamp", iso8601_utc_now()}});
  });
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404) {
      send_error(res, 404, "not_found", "no route for " + req.method + " " + req.path);
    } else if (res.body.empty()) {
      send_error(res, res.status, "http_" + std::to_string(res.status), "request failed with HTTP status " + std::to_string(res.status));
    }
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        send_error(res, 500, "internal", "internal server error");
      });
  server.set_logger(access_log);

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

  std::thread waiter([&server, signals]() {
    int sig = 0;
    sigwait(&signals, &sig);
    server.stop();
  });

  std::printf("glint %s serving on http://%s:%d/ (database %s)\n", std::string(version()).c_str(),
              config.host.c_str(), port, db_path.c_str());
  std::fflush(stdout);
  server.listen_after_bind();

  // listen_after_bind returns after stop(); if it returned on its own, wake
  // the waiter so it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  db.value().reset();
  std::fprintf(stderr, "glint serve: stopped\n");
  return 0;
}

}  // namespace glint::native
