#include "http/app.h"

#include "sync/sync.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "auth/crypto.h"
#include "glint/json_bounded.h"

namespace glint::native {

RateLimiter::Decision RateLimiter::take(const std::string& key, int limit, int window_s) {
  const auto now = std::chrono::steady_clock::now();
  const double rate = static_cast<double>(limit) / window_s;
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() >= kMaxBuckets && buckets_.find(key) == buckets_.end()) {
    // Full buckets hold no information: forget them first.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const double t = it->second.tokens + std::chrono::duration<double>(now - it->second.at).count() * rate;
      it = t >= limit ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{static_cast<double>(limit), now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min<double>(limit, b.tokens + elapsed * rate);
    b.at = now;
  }
  Decision d{false, limit, 0, 0};
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

void LoginThrottle::bound(std::map<std::string, Entry>& table, Clock::time_point now) {
  if (table.size() < max_entries_) return;
  for (auto it = table.begin(); it != table.end();) it = now - it->second.first > kWindow ? table.erase(it) : std::next(it);
  while (table.size() >= max_entries_) {
    auto oldest = table.begin();
    for (auto it = table.begin(); it != table.end(); ++it) {
      if (it->second.last < oldest->second.last) oldest = it;
    }
    table.erase(oldest);
  }
}

int LoginThrottle::retry_after(const std::string& account, const std::string& address) {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto seconds = [&](Clock::time_point until) {
    return until <= now ? 0 : static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(until - now).count()) + 1;
  };
  int wait = 0;
  if (auto it = addresses_.find(address); it != addresses_.end()) {
    if (now - it->second.first > kWindow) {
      addresses_.erase(it);
    } else if (it->second.count >= per_address_) {
      wait = seconds(it->second.first + kWindow);
    }
  }
  if (auto it = pairs_.find(account + "|" + address); it != pairs_.end()) {
    const Entry& e = it->second;
    if (now - e.last > kWindow) {
      pairs_.erase(it);
    } else if (e.count >= per_pair_) {
      const int doublings = std::min(e.count - per_pair_, 5);
      const auto delay = std::min<Clock::duration>(std::chrono::seconds(30) * (1 << doublings), kWindow);
      wait = std::max(wait, seconds(e.last + delay));
    }
  }
  return wait;
}

void LoginThrottle::failure(const std::string& account, const std::string& address) {
  const auto now = Clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto* table : {&pairs_, &addresses_}) {
    const std::string key = table == &pairs_ ? account + "|" + address : address;
    bound(*table, now);
    Entry& e = (*table)[key];
    if (e.count == 0 || now - e.first > kWindow) e = Entry{0, now, now};
    ++e.count;
    e.last = now;
  }
}

void LoginThrottle::success(const std::string& account, const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  pairs_.erase(account + "|" + address);
}

size_t LoginThrottle::entries() {
  std::lock_guard<std::mutex> lock(mu_);
  return pairs_.size() + addresses_.size();
}

std::string client_address(const httplib::Request& req, const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](const std::string& a) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), a) != trusted_proxies.end();
  };
  if (!trusted(req.remote_addr) || !req.has_header("X-Forwarded-For")) return req.remote_addr;
  // Every X-Forwarded-For line, in order; the right-most untrusted hop is the client.
  std::vector<std::string> hops;
  const size_t n = req.get_header_value_count("X-Forwarded-For");
  for (size_t i = 0; i < n; ++i) {
    std::string v = req.get_header_value("X-Forwarded-For", i), item;
    for (size_t k = 0; k <= v.size(); ++k) {
      if (k == v.size() || v[k] == ',') {
        while (!item.empty() && item.back() == ' ') item.pop_back();
        size_t lead = item.find_first_not_of(' ');
        if (lead != std::string::npos) hops.push_back(item.substr(lead, 64));
        item.clear();
      } else {
        item.push_back(v[k]);
      }
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!trusted(*it)) return *it;
  }
  return req.remote_addr;
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

std::shared_ptr<TenantEngines::Entry> TenantEngines::entry(const std::string& tenant_public_id) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = entries_[tenant_public_id];
  if (!slot) {
    slot = std::make_shared<Entry>();
    // Evict idle entries, and the least recently used beyond the cap.
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = (it->second != slot && it->second.use_count() == 1 && now - it->second->used > kIdle) ? entries_.erase(it) : std::next(it);
    }
    while (entries_.size() > kMaxEntries) {
      auto oldest = entries_.end();
      for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->second != slot && it->second.use_count() == 1 && (oldest == entries_.end() || it->second->used < oldest->second->used)) oldest = it;
      }
      if (oldest == entries_.end()) break;
      entries_.erase(oldest);
    }
  }
  slot->used = now;
  return slot;
}

void TenantEngines::drop(const std::string& tenant_public_id) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(tenant_public_id);
}

size_t TenantEngines::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

void TenantEngines::refresh(Store& store, const Tenant& tenant, Entry& e) {
  const int64_t version = store.data_version(tenant.id);
  if (e.engine && version == e.version) return;
  auto engine = std::make_unique<Engine>();
  std::vector<int64_t> handles;
  // Synced platform data beside the uploads: one input per platform, campaign
  // (ads) or traffic (GA4) level, the same engine and the same figures. What
  // the sync covers is left out of the uploads (the sync wins), and said so.
  std::vector<std::pair<std::string, std::vector<SyncedRow>>> synced;
  SyncedCoverage coverage;
  for (const char* level : {"campaign", "traffic"}) {
    std::map<std::string, std::vector<SyncedRow>> by_platform;
    for (SyncedRow& row : store.tenant_synced_rows(tenant.id, level)) {
      coverage.add(row);
      by_platform[row.platform].push_back(std::move(row));
    }
    for (auto& [platform, rows] : by_platform) synced.emplace_back(platform, std::move(rows));
  }
  json superseded = json::array();
  for (const StoredDataset& d : store.tenant_data(tenant.id)) {
    json doc = json::parse(d.import_json);
    if (json left = coverage.supersede(doc); !left.is_null()) {
      left["dataset"] = d.meta.name;
      left["dataset_id"] = d.meta.public_id;
      superseded.push_back(std::move(left));
    }
    const CallResult r = engine->call("ingest.import", doc.dump());
    if (!r.ok()) throw HttpError{500, "internal", "stored data could not be loaded"};
    handles.push_back(json::parse(r.body)["handle"].get<int64_t>());
  }
  for (const auto& [platform, rows] : synced) {
    const uint32_t present = rows.front().kind == "web" ? 0b1110011u : 0b11111u;
    const CallResult r = engine->call("ingest.import", synced_import_doc(rows, "synced " + platform, present));
    if (!r.ok()) throw HttpError{500, "internal", "synced data could not be loaded"};
    handles.push_back(json::parse(r.body)["handle"].get<int64_t>());
  }
  e.engine = std::move(engine);
  e.handles = std::move(handles);
  e.answers.clear();
  e.superseded = std::move(superseded);
  e.version = version;
}

json TenantEngines::with(Store& store, const Tenant& tenant,
                         const std::function<json(Engine&, const std::vector<int64_t>&)>& fn) {
  auto e = entry(tenant.public_id);
  std::lock_guard<std::mutex> lock(e->mu);
  refresh(store, tenant, *e);
  json answer = fn(*e->engine, e->handles);
  if (answer.is_object()) answer["data_sources"] = data_sources(store, tenant.id, e->superseded, now_unix());
  return answer;
}

json TenantEngines::cached(Store& store, const Tenant& tenant, const std::string& key,
                           const std::function<json(Engine&, const std::vector<int64_t>&)>& fn) {
  auto e = entry(tenant.public_id);
  std::lock_guard<std::mutex> lock(e->mu);
  refresh(store, tenant, *e);
  auto it = e->answers.find(key);
  if (it == e->answers.end()) {
    if (e->answers.size() > 256) e->answers.clear();
    it = e->answers.emplace(key, fn(*e->engine, e->handles)).first;
  }
  json answer = it->second;
  // Freshness moves with the clock, not with the data: never cached.
  if (answer.is_object()) answer["data_sources"] = data_sources(store, tenant.id, e->superseded, now_unix());
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
    bool too_deep = false;
    json j = parse_json_bounded(req.body, kMaxJsonDepth, &too_deep);
    if (too_deep) {
      throw HttpError{400, "invalid_json", "the request body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
    }
    if (j.is_discarded()) throw HttpError{400, "invalid_json", "the request body is not valid JSON (UTF-8)"};
    if (!j.is_object()) throw HttpError{400, "invalid_json", "the request body must be a JSON object"};
    return j;
  }
  if (type.rfind("application/x-www-form-urlencoded", 0) == 0 || type.rfind("multipart/form-data", 0) == 0) {
    json j = json::object();
    auto text = [](const std::string& k, const std::string& v) {
      if (!is_valid_utf8(k) || !is_valid_utf8(v)) {
        throw HttpError{400, "invalid_parameter", "form field '" + (is_valid_utf8(k) ? k : std::string("?")) + "' is not UTF-8 text"};
      }
    };
    for (const auto& [k, v] : req.params) {
      text(k, v);
      j[k] = v;
    }
    for (const auto& [k, f] : req.files) {
      if (!f.filename.empty()) continue;
      text(k, f.content);
      j[k] = f.content;
    }
    return j;
  }
  throw HttpError{415, "unsupported_media_type", "send application/json (or a form)"};
}

std::optional<std::string> Ctx::param(const json& body, const char* name) const {
  auto checked = [name](std::string v) {
    if (v.find('\0') != std::string::npos) {
      throw HttpError{400, "invalid_parameter", std::string("'") + name + "' holds a NUL character"};
    }
    return v;
  };
  if (body.contains(name)) {
    const json& v = body[name];
    if (v.is_string()) return checked(v.get<std::string>());
    if (v.is_number() || v.is_boolean()) return v.dump();
    if (!v.is_null()) throw HttpError{422, "invalid_parameter", std::string("'") + name + "' must be a string"};
  }
  if (req.has_param(name)) return checked(req.get_param_value(name));
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

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& detail, ErrorShape shape) {
  res.status = status;
  const json doc = shape == ErrorShape::kStratum
                       ? json{{"success", false}, {"error", detail}, {"code", code}, {"details", json::object()}}
                       : json{{"detail", detail}, {"code", code}};
  res.set_content(doc.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
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
    const json b = parse_json_bounded(req.body);
    if (b.is_object() && b.contains("session_id") && b["session_id"].is_string()) id = b["session_id"].get<std::string>();
  }
  return id;
}

}  // namespace

void Router::run(const httplib::Request& req, httplib::Response& res, const std::string& pattern, const RouteOptions& o,
                 const std::function<void(Ctx&)>& body) {
  const auto start = std::chrono::steady_clock::now();
  Ctx ctx{req, res, app_, std::nullopt, "", std::nullopt, ""};
  try {
    if (o.auth) {
      const std::string sid = session_id_of(req);
      if (sid.empty()) throw HttpError{401, "not_authenticated", "sign in first (X-Session-ID header or session_id parameter)"};
      ctx.session_id = sid;
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
    send_error(res, e.status, e.code, e.detail, o.errors);
  } catch (const db::Error& e) {
    const bool busy = e.code == SQLITE_BUSY || e.code == SQLITE_LOCKED;
    std::fprintf(stderr, "{\"level\":\"error\",\"route\":\"%s\",\"error\":\"database\",\"sqlite_code\":%d}\n", pattern.c_str(), e.code);
    send_error(res, busy ? 503 : 500, busy ? "busy" : "internal", busy ? "the database is busy; try again" : "internal error", o.errors);
    if (busy) res.set_header("Retry-After", "1");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "{\"level\":\"error\",\"route\":\"%s\",\"error\":\"exception\"}\n", pattern.c_str());
    send_error(res, 500, "internal", "internal error", o.errors);
  }
  app_.metrics.observe(req.method, pattern, res.status,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

std::vector<std::string> Router::methods_for(const std::string& path) const {
  std::vector<std::string> out;
  for (const Route& r : routes_) {
    if (std::regex_match(path, r.pattern) && std::find(out.begin(), out.end(), r.method) == out.end()) out.push_back(r.method);
  }
  return out;
}

RequestPolicy Router::policy_for(const httplib::Request& req) const {
  bool any = false;
  const std::string& method = req.method == "HEAD" ? std::string("GET") : req.method;
  for (const Route& r : routes_) {
    if (!std::regex_match(req.path, r.pattern)) continue;
    if (r.method == method) return {r.max_body, true};
    any = true;
  }
  // A known path with another method (405), or no route: a static file when
  // read, else a 404; neither reads a body of any size.
  const bool read = req.method == "GET" || req.method == "HEAD";
  return {kSmallBody, any || !read};
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& r : routes_) out.emplace_back(r.method, r.source);
  return out;
}

void Router::add(const char* method, const std::string& pattern, const RouteOptions& o, Handler h) {
  routes_.push_back({method, pattern, std::regex(pattern), o.max_body != 0 ? o.max_body : app_.config.max_json_bytes});
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
  routes_.push_back({"POST", pattern, std::regex(pattern), o.max_body != 0 ? o.max_body : app_.config.max_body_bytes});
  s_.Post(pattern, [this, pattern, o, h](const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader& reader) {
    run(req, res, pattern, o, [&](Ctx& c) { h(c, reader); });
  });
}

}  // namespace glint::native
