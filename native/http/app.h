// The server's shared state and the plumbing every route uses: the request
// context, JSON errors, auth, rate limits and metrics. Private to native/.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include "glint/engine.h"
#include "auth/mailer.h"
#include "http/guard.h"
#include "http/server.h"
#include "oauth/service.h"
#include "store/store.h"
#include "vault/vault.h"

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
  Decision take(const std::string& key, int per_minute) { return take(key, per_minute, 60); }
  // `limit` tokens per `window_s` seconds.
  Decision take(const std::string& key, int limit, int window_s);

 private:
  static constexpr size_t kMaxBuckets = 100000;
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

// Failed sign-ins, in bounded tables that forget after 15 minutes.
//
// Counted per (account, address): after `per_pair` failures that pair waits,
// 30 s doubling with each further failure up to 15 minutes — so a stranger
// guessing a victim's password never locks the victim out from elsewhere.
// Counted per address across accounts too, with a higher ceiling
// (`per_address`), so one address cannot spray many accounts.
class LoginThrottle {
 public:
  LoginThrottle(int per_pair, int per_address, size_t max_entries = 50000)
      : per_pair_(per_pair), per_address_(per_address), max_entries_(max_entries) {}
  // Seconds to wait before another try, or 0.
  int retry_after(const std::string& account, const std::string& address);
  void failure(const std::string& account, const std::string& address);
  void success(const std::string& account, const std::string& address);
  size_t entries();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    int count = 0;
    Clock::time_point first, last;
  };
  void bound(std::map<std::string, Entry>& table, Clock::time_point now);
  int per_pair_, per_address_;
  size_t max_entries_;
  std::mutex mu_;
  std::map<std::string, Entry> pairs_, addresses_;
};

// The client's address: the peer, or — when the peer is one of the trusted
// proxies — the last address in X-Forwarded-For that is not a trusted proxy.
std::string client_address(const httplib::Request& req, const std::vector<std::string>& trusted_proxies);

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
//
// Entries are keyed by the workspace's public id (random, never reused) and
// hold the data version they loaded (a server-wide sequence that never
// repeats), so nothing loaded for a deleted workspace can answer for another;
// deleting a workspace drops its entry, and idle entries are evicted.
class TenantEngines {
 public:
  // Runs `fn(engine, handles)` against the tenant's current data.
  json with(Store& store, const Tenant& tenant, const std::function<json(Engine&, const std::vector<int64_t>&)>& fn);
  // The same, remembering the answer by `key` until the data changes: core
  // is deterministic, so the same question of the same data has one answer.
  json cached(Store& store, const Tenant& tenant, const std::string& key,
              const std::function<json(Engine&, const std::vector<int64_t>&)>& fn);
  // Forgets a workspace (after it is deleted).
  void drop(const std::string& tenant_public_id);
  size_t size();

 private:
  struct Entry {
    std::mutex mu;
    int64_t version = -1;
    std::unique_ptr<Engine> engine;
    std::vector<int64_t> handles;
    std::map<std::string, json> answers;
    json superseded = json::array();  // uploads the sync wins over (SyncedCoverage::supersede)
    std::chrono::steady_clock::time_point used;
  };
  std::shared_ptr<Entry> entry(const std::string& tenant_public_id);
  void refresh(Store& store, const Tenant& tenant, Entry& e);
  static constexpr size_t kMaxEntries = 64;
  static constexpr auto kIdle = std::chrono::minutes(30);
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

struct App {
  App(ServerConfig c, const std::string& db_path, Vault v, OAuthSettings o = {})
      : config(std::move(c)), store(db_path, static_cast<size_t>(config.threads) + 2), vault(std::move(v)), oauth(std::move(o)),
        throttle(config.login_failures_allowed, config.login_failures_per_address, static_cast<size_t>(config.throttle_entries)),
        mailer((std::filesystem::path(config.data_dir) / "outbox").string()) {}
  ServerConfig config;
  Store store;
  Vault vault;  // seals and opens credentials
  OAuth oauth;  // provider settings, states, token refresh
  class Syncer* syncer = nullptr;  // set by serve() once its workers run
  class Insights* insights = nullptr;  // written insights (routes/insights.cc), set by serve()
  RateLimiter limiter;
  LoginThrottle throttle;
  Mailer mailer;
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
  std::string session_id;            // as the client sent it (the seeds' session documents echo it)

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

// /api/internal/*: 404 unless GLINT_INTERNAL_API_KEY is set, 401 without it in X-API-Key.
void require_internal_key(Ctx& c);

// How a route's errors are written: the seeds' {"detail", "code"}, or the
// Stratum seed's {"success": false, "error", "code", "details"}.
enum class ErrorShape { kDetail, kStratum };

struct RouteOptions {
  bool auth = true;
  const char* rate_group = nullptr;  // "insights", "chat": per-user token bucket
  size_t max_body = 0;               // bytes; 0: the server's JSON limit (uploads: its body limit)
  ErrorShape errors = ErrorShape::kDetail;
};

// Routes that take passwords or sign-ups: bodies of a few KB at most.
inline constexpr size_t kSmallBody = 16 * 1024;

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
  // What the request guard needs: the body limit of the route this request
  // goes to, and whether it is a route at all (else a static file).
  RequestPolicy policy_for(const httplib::Request& req) const;
  // Every route as registered: (method, pattern), in registration order.
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  void run(const httplib::Request& req, httplib::Response& res, const std::string& pattern, const RouteOptions& o,
           const std::function<void(Ctx&)>& body);
  httplib::Server& s_;
  App& app_;
  struct Route {
    std::string method;
    std::string source;
    std::regex pattern;
    size_t max_body;
  };
  std::vector<Route> routes_;
};

// Calls core; a core error becomes the HttpError its code maps to.
json call_core(Engine& e, std::string_view method, const json& request, std::span<const std::byte> payload = {});
// The period asked for: date_range (7_days|14_days|30_days|90_days) or days (1–3660); default 30.
int days_param(Ctx& c, const json& b);

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& detail,
                ErrorShape shape = ErrorShape::kDetail);
// core error codes → HTTP status
int status_for_core_error(ErrorCode code);

void register_auth_routes(Router& r, App& app);
void register_tenant_routes(Router& r, App& app);
void register_onboarding_routes(Router& r, App& app);
void register_internal_routes(Router& r, App& app);
void register_data_routes(Router& r, App& app);
void register_connection_routes(Router& r, App& app);
void register_oauth_routes(Router& r, App& app);
void register_platform_routes(Router& r, App& app);
void register_sync_routes(Router& r, App& app);
void register_insight_routes(Router& r, App& app);
void register_contract_routes(Router& r, App& app);

// Seeds a demo account and workspace with 90 days of Google Ads, Meta and
// GA4 data; returns the login (e-mail, password) to print.
std::pair<std::string, std::string> seed_demo(App& app);

}  // namespace glint::native
