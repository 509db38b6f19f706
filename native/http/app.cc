#include "http/app.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "auth/crypto.h"

namespace glint::native {

RateLimiter::Decision RateLimiter::take(const std::string& key, int per_minute) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(per_minute), now});
  Bucket& b = it->second;
  const double rate = per_minute / 60.0;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min<double>(per_minute, b.tokens + elapsed * rate);
    b.at = now;
  }
  Decision d{false, per_minute, 0, 0};
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    d.allowed = true;
  }
  d.remaining = static_cast<int>(std::floor(b.tokens));
  d.reset_s = b.tokens >= 1.0 ? 0 : static_cast<int>(std::ceil((1.0 - b.tokens) / rate));
  return d;
}

namespace {
constexpr auto kWindow = std::chrono::minutes(15);
}

int LoginThrottle::retry_after(const std::string& key) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto& v = failures_[key];
  v.erase(std::remove_if(v.begin(), v.end(), [&](auto t) { return now - t > kWindow; }), v.end());
  if (static_cast<int>(v.size()) < allowed_) return 0;
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(v.front() + kWindow - now).count()) + 1;
}

void LoginThrottle::failure(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_[key].push_back(std::chrono::steady_clock::now());
}

void LoginThrottle::success(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

void Metrics::observe(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{method, route, status}];
  auto& buckets = latency_[route];
  if (buckets.empty()) buckets.assign(std::size(kBuckets) + 1, 0);
  size_t i = 0;
  while (i < std::size(kBuckets) && seconds > kBuckets[i]) ++i;
  ++buckets[i];
  latency_sum_[route] += seconds;
}

std::string Metrics::render(int64_t database_bytes) const {
  std::ostringstream o;
  std::lock_guard<std::mutex> lock(mu_);
  o << "# HELP glint_http_requests_total HTTP requests by method, route and status.\n"
       "# TYPE glint_http_requests_total counter\n";
  for (const auto& [k, n] : requests_) {
    o << "glint_http_requests_total{method=\"" << std::get<0>(k) << "\",route=\"" << std::get<1>(k) << "\",status=\""
      << std::get<2>(k) << "\"} " << n << "\n";
  }
  o << "# HELP glint_http_request_duration_seconds Request latency by route.\n"
       "# TYPE glint_http_request_duration_seconds histogram\n";
  for (const auto& [route, buckets] : latency_) {
    int64_t cumulative = 0;
    for (size_t i = 0; i < buckets.size(); ++i) {
      cumulative += buckets[i];
      o << "glint_http_request_duration_seconds_bucket{route=\"" << route << "\",le=\"";
      if (i < std::size(kBuckets)) {
        o << kBuckets[i];
      } else {
        o << "+Inf";
      }
      o << "\"} " << cumulative << "\n";
    }
    o << "glint_http_request_duration_seconds_sum{route=\"" << route << "\"} " << latency_sum_.at(route) << "\n";
    o << "glint_http_request_duration_seconds_count{route=\"" << route << "\"} " << cumulative << "\n";
  }
  o << "# HELP glint_open_connections Connections being served.\n# TYPE glint_open_connections gauge\n"
    << "glint_open_connections " << open_connections.load() << "\n";
  o << "# HELP glint_database_bytes Size of the SQLite database file.\n# TYPE glint_database_bytes gauge\n"
    << "glint_database_bytes " << database_bytes << "\n";
  return o.str();
}

std::shared_ptr<TenantEngines::Entry> TenantEngines::entry(int64_t tenant_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = entries_[tenant_id];
  if (!slot) slot = std::make_shared<Entry>();
  return slot;
}

void TenantEngines::refresh(Store& store, int64_t tenant_id, Entry& e) {
  const int64_t version = store.data_version(tenant_id);
  if (e.engine && version == e.version) return;
  auto engine = std::make_unique<Engine>();
  std::vector<int64_t> handles;
  for (const StoredDataset& d : store.tenant_data(tenant_id)) {
    const CallResult r = engine->call("ingest.import", d.import_json);
    if (!r.ok()) throw HttpError{500, "internal", "stored data could not be loaded"};
    handles.push_back(json::parse(r.body)["handle"].get<int64_t>());
  }
  e.engine = std::move(engine);
  e.handles = std::move(handles);
  e.answers.clear();
  e.version = version;
}

json TenantEngines::with(Store& store, int64_t tenant_id,
                         const std::function<json(Engine&, const std::vector<int64_t>&)>& fn) {
  auto e = entry(tenant_id);
  std::lock_guard<std::mutex> lock(e->mu);
  refresh(store, tenant_id, *e);
  return fn(*e->engine, e->handles);
}

json TenantEngines::cached(Store& store, int64_t tenant_id, const std::string& key,
                           const std::function<json(Engine&, const std::vector<int64_t>&)>& fn) {
  auto e = entry(tenant_id);
  std::lock_guard<std::mutex> lock(e->mu);
  refresh(store, tenant_id, *e);
  auto it = e->answers.find(key);
  if (it != e->answers.end()) return it->second;
  json answer = fn(*e->engine, e->handles);
  if (e->answers.size() > 256) e->answers.clear();
  e->answers.emplace(key, answer);
  return answer;
}

bool role_at_least(const std::string& role, const char* min_role) {
  auto rank = [](std::string_view r) { return r == "owner" ? 3 : r == "admin" ? 2 : r == "member" ? 1 : 0; };
  return rank(role) >= rank(min_role);
}

json Ctx::body() const {
  const std::string type = req.get_header_value("Content-Type");
  if (req.body.empty()) return json::object();
  if (type.rfind("application/json", 0) == 0 || type.empty()) {
    json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded()) throw HttpError{400, "invalid_json", "the request body is not valid JSON"};
    if (!j.is_object()) throw HttpError{400, "invalid_json", "the request body must be a JSON object"};
    return j;
  }
  if (type.rfind("application/x-www-form-urlencoded", 0) == 0 || type.rfind("multipart/form-data", 0) == 0) {
    json j = json::object();
    for (const auto& [k, v] : req.params) j[k] = v;
    for (const auto& [k, f] : req.files) {
      if (f.filename.empty()) j[k] = f.content;
    }
    return j;
  }
  throw HttpError{415, "unsupported_media_type", "send application/json (or a form)"};
}

std::optional<std::string> Ctx::param(const json& body, const char* name) const {
  if (body.contains(name)) {
    const json& v = body[name];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    if (!v.is_null()) throw HttpError{422, "invalid_parameter", std::string("'") + name + "' must be a string"};
  }
  if (req.has_param(name)) return req.get_param_value(name);
  return std::nullopt;
}

void Ctx::send(int status, const json& doc) {
  res.status = status;
  res.set_content(doc.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

Tenant Ctx::tenant(size_t capture_index, const char* min_role) {
  auto t = app.store.tenant_for(capture(capture_index), me().id);
  if (!t) throw HttpError{404, "not_found", "no such workspace"};
  if (!role_at_least(t->role, min_role)) {
    throw HttpError{403, "forbidden", std::string("this needs the ") + min_role + " role in the workspace"};
  }
  return *t;
}

Tenant Ctx::current_tenant(const char* min_role) {
  std::optional<Tenant> t;
  if (session && session->current_tenant_id) t = app.store.tenant_by_id_for(*session->current_tenant_id, me().id);
  if (!t) {
    auto all = app.store.tenants_of(me().id);
    if (!all.empty()) t = all.front();
  }
  if (!t) throw HttpError{404, "no_workspace", "you have no workspace yet: create one with POST /api/tenants"};
  if (!role_at_least(t->role, min_role)) {
    throw HttpError{403, "forbidden", std::string("this needs the ") + min_role + " role in the workspace"};
  }
  return *t;
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& detail) {
  res.status = status;
  res.set_content(json{{"detail", detail}, {"code", code}}.dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json");
}

int status_for_core_error(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidRequest: return 400;
    case ErrorCode::kEmptyInput:
    case ErrorCode::kBinaryInput:
    case ErrorCode::kNoHeader:
    case ErrorCode::kNoData: return 422;
    case ErrorCode::kUnknownHandle: return 404;
    default: return 500;
  }
}

namespace {

// The session id as clients send it: X-Session-ID, or ?session_id=.
std::string session_id_of(const httplib::Request& req) {
  std::string id = req.get_header_value("X-Session-ID");
  if (id.empty() && req.has_param("session_id")) id = req.get_param_value("session_id");
  if (id.empty()) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) id = auth.substr(7);
  }
  // The seeds' clients also put it in a small JSON body.
  if (id.empty() && !req.body.empty() && req.body.size() < 65536 &&
      req.get_header_value("Content-Type").rfind("application/json", 0) == 0) {
    const json b = json::parse(req.body, nullptr, false);
    if (b.is_object() && b.contains("session_id") && b["session_id"].is_string()) id = b["session_id"].get<std::string>();
  }
  return id;
}

}  // namespace

void Router::run(const httplib::Request& req, httplib::Response& res, const std::string& pattern, const RouteOptions& o,
                 const std::function<void(Ctx&)>& body) {
  const auto start = std::chrono::steady_clock::now();
  Ctx ctx{req, res, app_, std::nullopt, "", std::nullopt};
  try {
    if (o.auth) {
      const std::string sid = session_id_of(req);
      if (sid.empty()) throw HttpError{401, "not_authenticated", "sign in first (X-Session-ID header or session_id parameter)"};
      ctx.session_hash = crypto::sha256_hex(sid);
      ctx.session = app_.store.session(ctx.session_hash, now_unix());
      if (ctx.session) ctx.user = app_.store.user_by_id(ctx.session->user_id);
      if (!ctx.user) throw HttpError{401, "invalid_session", "the session is unknown or has expired; sign in again"};
    }
    if (o.rate_group != nullptr && ctx.user) {
      const int limit = std::string_view(o.rate_group) == "chat" ? app_.config.chat_per_minute : app_.config.insights_per_minute;
      const RateLimiter::Decision d = app_.limiter.take(ctx.user->public_id + "|" + o.rate_group, limit);
      res.set_header("X-RateLimit-Limit", std::to_string(d.limit));
      res.set_header("X-RateLimit-Remaining", std::to_string(d.remaining));
      res.set_header("X-RateLimit-Reset", std::to_string(d.reset_s));
      if (!d.allowed) {
        throw HttpError{429, "rate_limited",
                        std::string("too many ") + o.rate_group + " requests: " + std::to_string(limit) + " a minute",
                        {{"Retry-After", std::to_string(std::max(1, d.reset_s))}}};
      }
    }
    body(ctx);
  } catch (const HttpError& e) {
    for (const auto& [k, v] : e.headers) res.set_header(k, v);
    send_error(res, e.status, e.code, e.detail);
  } catch (const db::Error& e) {
    const bool busy = e.code == SQLITE_BUSY || e.code == SQLITE_LOCKED;
    std::fprintf(stderr, "{\"level\":\"error\",\"route\":\"%s\",\"error\":\"database\",\"sqlite_code\":%d}\n", pattern.c_str(), e.code);
    send_error(res, busy ? 503 : 500, busy ? "busy" : "internal", busy ? "the database is busy; try again" : "internal error");
    if (busy) res.set_header("Retry-After", "1");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "{\"level\":\"error\",\"route\":\"%s\",\"error\":\"exception\"}\n", pattern.c_str());
    send_error(res, 500, "internal", "internal error");
  }
  app_.metrics.observe(req.method, pattern, res.status,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

std::vector<std::string> Router::methods_for(const std::string& path) const {
  std::vector<std::string> out;
  for (const auto& [m, re] : routes_) {
    if (std::regex_match(path, re) && std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  return out;
}

void Router::add(const char* method, const std::string& pattern, const RouteOptions& o, Handler h) {
  routes_.emplace_back(method, std::regex(pattern));
  auto fn = [this, pattern, o, h](const httplib::Request& req, httplib::Response& res) {
    run(req, res, pattern, o, [&](Ctx& c) { h(c); });
  };
  const std::string m(method);
  if (m == "GET") {
    s_.Get(pattern, fn);
  } else if (m == "POST") {
    s_.Post(pattern, fn);
  } else if (m == "PUT") {
    s_.Put(pattern, fn);
  } else if (m == "PATCH") {
    s_.Patch(pattern, fn);
  } else if (m == "DELETE") {
    s_.Delete(pattern, fn);
  }
}

void Router::add_stream(const std::string& pattern, const RouteOptions& o, StreamHandler h) {
  routes_.emplace_back("POST", std::regex(pattern));
  s_.Post(pattern, [this, pattern, o, h](const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader& reader) {
    run(req, res, pattern, o, [&](Ctx& c) { h(c, reader); });
  });
}

}  // namespace glint::native
