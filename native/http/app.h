// The server's shared state and the plumbing every route uses: the request
// context, JSON errors, auth, rate limits and metrics. Private to native/.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "glint/engine.h"
#include "http/server.h"
#include "store/store.h"

namespace glint::native {

using nlohmann::json;

// Thrown by routes and services; the router turns it into a JSON error.
struct HttpError {
  int status;
  std::string code;
  std::string detail;
  std::vector<std::pair<std::string, std::string>> headers = {};
};

// Token buckets per (user, group): `per_minute` tokens, refilled evenly.
class RateLimiter {
 public:
  struct Decision {
    bool allowed;
    int limit, remaining;
    int reset_s;  // seconds until a token is back
  };
  Decision take(const std::string& key, int per_minute);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

// Failed logins per account and per address in a sliding 15-minute window.
class LoginThrottle {
 public:
  explicit LoginThrottle(int allowed) : allowed_(allowed) {}
  // Seconds to wait before another try, or 0.
  int retry_after(const std::string& key);
  void failure(const std::string& key);
  void success(const std::string& key);

 private:
  int allowed_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> failures_;
};

// Prometheus counters and histograms, written out by GET /metrics.
class Metrics {
 public:
  void observe(const std::string& method, const std::string& route, int status, double seconds);
  std::string render(int64_t database_bytes) const;
  std::atomic<int64_t> open_connections{0};

 private:
  static constexpr double kBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, int64_t> requests_;
  std::map<std::string, std::vector<int64_t>> latency_;  // route → bucket counts (+Inf last)
  std::map<std::string, double> latency_sum_;
};

// A workspace's stored data loaded into a core Engine, reloaded when the
// data changes; calls are serialised per workspace (an Engine is one-thread).
class TenantEngines {
 public:
  // Runs `fn(engine, handles)` against the tenant's current data.
  json with(Store& store, int64_t tenant_id, const std::function<json(Engine&, const std::vector<int64_t>&)>& fn);
  // The same, remembering the answer by `key` until the data changes: core
  // is deterministic, so the same question of the same data has one answer.
  json cached(Store& store, int64_t tenant_id, const std::string& key,
              const std::function<json(Engine&, const std::vector<int64_t>&)>& fn);

 private:
  struct Entry {
    std::mutex mu;
    int64_t version = -1;
    std::unique_ptr<Engine> engine;
    std::vector<int64_t> handles;
    std::map<std::string, json> answers;
  };
  std::shared_ptr<Entry> entry(int64_t tenant_id);
  void refresh(Store& store, int64_t tenant_id, Entry& e);
  std::mutex mu_;
  std::map<int64_t, std::shared_ptr<Entry>> entries_;
};

struct App {
  explicit App(ServerConfig c, const std::string& db_path)
      : config(std::move(c)), store(db_path, static_cast<size_t>(config.threads) + 2),
        throttle(config.login_failures_allowed) {}
  ServerConfig config;
  Store store;
  RateLimiter limiter;
  LoginThrottle throttle;
  Metrics metrics;
  TenantEngines engines;
};

// Everything a route handler needs about its request.
struct Ctx {
  const httplib::Request& req;
  httplib::Response& res;
  App& app;
  std::optional<User> user;          // set on authenticated routes
  std::string session_hash;          // SHA-256 of the caller's session id
  std::optional<Session> session;

  const User& me() const { return *user; }
  // The JSON body (or the form fields as strings); 415/400 on anything else.
  json body() const;
  // A string parameter from the body, the query string or the form.
  std::optional<std::string> param(const json& body, const char* name) const;
  void send(int status, const json& doc);
  // Regex capture i of the route.
  std::string capture(size_t i) const { return req.matches.size() > i ? std::string(req.matches[i]) : std::string(); }
  // The workspace addressed by capture `i` if the caller belongs to it
  // (else 404, so outsiders learn nothing); `min_role` else 403.
  Tenant tenant(size_t capture_index, const char* min_role = "member");
  // The session's current workspace (or the user's first), 404 when none.
  Tenant current_tenant(const char* min_role = "member");
};

bool role_at_least(const std::string& role, const char* min_role);

struct RouteOptions {
  bool auth = true;
  const char* rate_group = nullptr;  // "insights", "chat": per-user token bucket
};

using Handler = std::function<void(Ctx&)>;

// Registers routes on the httplib server with auth, limits, metrics and
// error translation around them.
class Router {
 public:
  Router(httplib::Server& s, App& app) : s_(s), app_(app) {}
  void add(const char* method, const std::string& pattern, const RouteOptions& o, Handler h);
  // Routes that take a streamed body (multipart uploads).
  using StreamHandler = std::function<void(Ctx&, const httplib::ContentReader&)>;
  void add_stream(const std::string& pattern, const RouteOptions& o, StreamHandler h);
  // Methods some route accepts for `path` (for 405 and the Allow header).
  std::vector<std::string> methods_for(const std::string& path) const;

 private:
  void run(const httplib::Request& req, httplib::Response& res, const std::string& pattern, const RouteOptions& o,
           const std::function<void(Ctx&)>& body);
  httplib::Server& s_;
  App& app_;
  std::vector<std::pair<std::string, std::regex>> routes_;  // method, pattern
};

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& detail);
// core error codes → HTTP status
int status_for_core_error(ErrorCode code);

void register_auth_routes(Router& r, App& app);
void register_tenant_routes(Router& r, App& app);
void register_onboarding_routes(Router& r, App& app);
void register_internal_routes(Router& r, App& app);
void register_data_routes(Router& r, App& app);

// Seeds a demo account and workspace with 90 days of Google Ads, Meta and
// GA4 data; returns the login (e-mail, password) to print.
std::pair<std::string, std::string> seed_demo(App& app);

}  // namespace glint::native
