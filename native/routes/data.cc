// Data and analysis: dataset uploads (streamed), /file-insights, /eda, the
// bronze highlights and the ad-insights / website-analytics endpoints over a
// workspace's stored data. All numbers come from core through Engine::call.
#include <chrono>
#include <set>
#include <string>

#include "http/app.h"
#include "auth/crypto.h"
#include "routes/paging.h"

namespace glint::native {

namespace {

}  // namespace

json call_core(Engine& e, std::string_view method, const json& request, std::span<const std::byte> payload) {
  CallResult r = e.call(method, request.dump(), payload);
  if (!r.ok()) {
    const json err = json::parse(r.body, nullptr, false);
    const std::string msg = err.is_object() && err.contains("error") ? err["error"].value("message", "failed") : "failed";
    const std::string code = err.is_object() && err.contains("error") ? err["error"].value("code", "internal") : "internal";
    throw HttpError{status_for_core_error(r.code), code, msg};
  }
  return json::parse(r.body);
}

namespace {

// Multipart parts streamed into core inputs, part by part: a file never sits
// in memory whole. Fields without a filename are kept as small strings.
struct Upload {
  struct Part {
    std::string field, filename;
    int64_t handle = 0;
    std::optional<json> input;  // after close
    std::optional<HttpError> error;
  };
  Engine engine;
  std::vector<Part> parts;
  std::map<std::string, std::string> fields;
  std::string current_field;
  bool in_file = false;

  void close_current() {
    if (!in_file || parts.empty()) return;
    Part& p = parts.back();
    in_file = false;
    try {
      const json closed = call_core(engine, "ingest.close", {{"handle", p.handle}});
      p.input = closed["input"];
    } catch (const HttpError& e) {
      p.error = e;
    }
  }

  static constexpr size_t kMaxFiles = 20;
  static constexpr size_t kMaxParts = 64;
  size_t part_count = 0;

  void read(Ctx& c, const httplib::ContentReader& reader) {
    if (!c.req.is_multipart_form_data()) {
      throw HttpError{415, "unsupported_media_type", "upload files as multipart/form-data"};
    }
    std::optional<HttpError> refused;
    const bool whole = reader(
        [&](const httplib::MultipartFormData& part) {
          close_current();
          if (++part_count > kMaxParts || (!part.filename.empty() && parts.size() >= kMaxFiles)) {
            refused = HttpError{413, "too_many_parts",
                                "an upload holds at most " + std::to_string(kMaxFiles) + " files in " + std::to_string(kMaxParts) +
                                    " form parts"};
            return false;
          }
          if (!is_valid_utf8(part.name) || !is_valid_utf8(part.filename) || part.name.find('\0') != std::string::npos ||
              part.filename.find('\0') != std::string::npos) {
            refused = HttpError{400, "invalid_parameter", "form field names and file names must be UTF-8 text without NUL bytes"};
            return false;
          }
          if (part.filename.empty()) {
            current_field = part.name;
            fields[part.name].clear();
            return true;
          }
          current_field.clear();
          const json opened = call_core(engine, "ingest.open", {{"name", part.filename}});
          parts.push_back({part.name, part.filename, opened["handle"].get<int64_t>(), std::nullopt, std::nullopt});
          in_file = true;
          return true;
        },
        [&](const char* data, size_t len) {
          if (in_file) {
            call_core(engine, "ingest.feed", {{"handle", parts.back().handle}},
                      std::as_bytes(std::span<const char>(data, len)));
          } else if (!current_field.empty() && fields[current_field].size() + len <= 4096) {
            fields[current_field].append(data, len);
          }
          return true;
        });
    close_current();
    if (refused) throw *refused;
    // Only a body whose closing boundary arrived is used: a client that went
    // away half-way has sent no upload at all.
    if (!whole) {
      throw HttpError{400, "incomplete_upload",
                      "the upload did not arrive whole (cut off, or not valid multipart); nothing was stored"};
    }
    if (parts.empty()) throw HttpError{422, "no_file", "the form holds no file: attach one or more CSV exports"};
  }

  std::vector<int64_t> good_handles() const {
    std::vector<int64_t> out;
    for (const Part& p : parts) {
      if (p.input) out.push_back(p.handle);
    }
    return out;
  }

  json errors() const {
    json out = json::array();
    for (const Part& p : parts) {
      if (p.error) out.push_back({{"file", p.filename}, {"field", p.field}, {"code", p.error->code}, {"detail", p.error->detail}});
    }
    return out;
  }

  // 422 naming the files when nothing could be read.
  void require_some() const {
    if (!good_handles().empty()) return;
    const Part& p = parts.front();
    throw HttpError{p.error ? p.error->status : 422, p.error ? p.error->code : "unreadable", p.error ? p.error->detail : "no file could be read"};
  }
};

json dataset_json(const DatasetMeta& m) {
  return {{"id", m.public_id}, {"name", m.name}, {"platform", m.platform}, {"kind", m.kind}, {"bytes", m.bytes},
          {"rows", m.rows}, {"date_min", m.date_min ? json(*m.date_min) : json(nullptr)},
          {"date_max", m.date_max ? json(*m.date_max) : json(nullptr)}, {"created_at", m.created_at},
          {"report", json::parse(m.report, nullptr, false)}};
}

}  // namespace

int days_param(Ctx& c, const json& b) {
  if (auto range = c.param(b, "date_range")) {
    for (const auto& [key, days] : {std::pair{"7_days", 7}, std::pair{"14_days", 14}, std::pair{"30_days", 30}, std::pair{"90_days", 90}}) {
      if (*range == key) return days;
    }
    throw HttpError{422, "invalid_parameter", "'date_range' must be 7_days, 14_days, 30_days or 90_days"};
  }
  if (auto d = c.param(b, "days")) {
    char* end = nullptr;
    const long v = std::strtol(d->c_str(), &end, 10);
    if (d->empty() || *end != '\0' || v < 1 || v > 3660) throw HttpError{422, "invalid_parameter", "'days' must be from 1 to 3660"};
    return static_cast<int>(v);
  }
  return 30;
}

namespace {

// The full analysis of the current workspace's stored data.
json workspace_analysis(Ctx& c, const json& b) {
  const Tenant t = c.current_tenant();
  json req = {{"full", true}, {"days", days_param(c, b)}};
  if (auto limit = c.param(b, "budget_increase_limit")) {
    char* end = nullptr;
    const long v = std::strtol(limit->c_str(), &end, 10);
    if (limit->empty() || *end != '\0' || v < 0 || v > 1000) {
      throw HttpError{422, "invalid_parameter", "'budget_increase_limit' is a percentage from 0 to 1000"};
    }
    req["budget_increase_limit"] = v;
  }
  return c.app.engines.cached(c.app.store, t, "analysis|" + req.dump(), [&](Engine& e, const std::vector<int64_t>& handles) {
    if (handles.empty()) throw HttpError{404, "no_data", "this workspace has no data yet: upload an export with POST /api/datasets"};
    req["handles"] = handles;
    return call_core(e, "report.analyze", req);
  });
}

void analysis_endpoint(Router& r, const char* path, const std::function<json(const json& report)>& pick) {
  for (const char* m : {"GET", "POST"}) {
    r.add(m, path, {.auth = true, .rate_group = "insights"}, [pick](Ctx& c) {
      const json b = c.req.method == "POST" ? c.body() : json::object();
      const json report = workspace_analysis(c, b);
      json out = pick(report);
      out["data_sources"] = report["data_sources"];
      out["success"] = true;
      c.send(200, out);
    });
  }
}

}  // namespace

void register_data_routes(Router& r, App& app) {
  r.add_stream("/api/datasets", {}, [](Ctx& c, const httplib::ContentReader& reader) {
    const Tenant t = c.current_tenant();
    Upload up;
    up.read(c, reader);
    up.require_some();
    std::vector<Store::NewDataset> sets;
    for (const Upload::Part& p : up.parts) {
      if (!p.input) continue;
      const json exported = call_core(up.engine, "ingest.export", {{"handle", p.handle}});
      const json& in = *p.input;
      DatasetMeta meta;
      meta.name = p.filename;
      meta.platform = in.value("platform", "generic");
      meta.kind = in.value("kind", "ads");
      meta.bytes = in.value("bytes", int64_t{0});
      meta.rows = in.value("rows", int64_t{0});
      if (in["date_min"].is_string()) meta.date_min = in["date_min"].get<std::string>();
      if (in["date_max"].is_string()) meta.date_max = in["date_max"].get<std::string>();
      meta.report = in.dump();
      sets.push_back({meta, exported.dump()});
    }
    Result<std::vector<DatasetMeta>> saved = c.app.store.insert_datasets(t.id, c.me().id, role_at_least(t.role, "admin"), sets);
    if (!saved.ok()) throw HttpError{409, "overlap_needs_admin", saved.status().message()};
    json stored = json::array();
    for (const DatasetMeta& m : saved.value()) stored.push_back(dataset_json(m));
    c.send(201, {{"success", true}, {"tenant_id", t.public_id}, {"datasets", stored}, {"errors", up.errors()}});
  });
  r.add("GET", "/api/datasets", {}, [](Ctx& c) {
    const Tenant t = c.current_tenant();
    json list = json::array();
    for (const DatasetMeta& m : c.app.store.datasets(t.id)) list.push_back(dataset_json(m));
    json out = page_of(c, list, {"datasets"});
    out["tenant_id"] = t.public_id;
    c.send(200, out);
  });
  r.add("DELETE", "/api/datasets/([^/]+)", {}, [](Ctx& c) {
    const Tenant t = c.current_tenant("admin");
    if (!c.app.store.delete_dataset(t.id, c.capture(1))) throw HttpError{404, "not_found", "no such dataset"};
    c.send(200, {{"success", true}, {"deleted", c.capture(1)}});
  });

  // The performance analysis of uploaded files, stored nowhere.
  r.add_stream("/file-insights", {.auth = true, .rate_group = "insights"}, [](Ctx& c, const httplib::ContentReader& reader) {
    Upload up;
    up.read(c, reader);
    up.require_some();
    json report = call_core(up.engine, "report.analyze", {{"handles", up.good_handles()}, {"full", true}});
    report["success"] = true;
    report["errors"] = up.errors();
    c.send(200, report);
  });

  // Column profile; the HTML report is kept for its owner under /eda/reports/ID.
  // The profile reads its file whole (core's table analyses take one payload).
  r.add_stream("/eda", {.auth = true, .rate_group = "insights", .max_body = std::min<size_t>(app.config.max_body_bytes, 64u << 20)},
               [](Ctx& c, const httplib::ContentReader& reader) {
    if (!c.req.is_multipart_form_data()) throw HttpError{415, "unsupported_media_type", "upload the file as multipart/form-data"};
    // The first file is profiled; any later part is read past, not kept.
    std::string name, bytes;
    bool got_file = false, in_first = false;
    size_t part_count = 0;
    const bool whole = reader(
        [&](const httplib::MultipartFormData& part) {
          in_first = false;
          if (++part_count > Upload::kMaxParts) return false;
          if (!part.filename.empty() && !got_file) {
            if (!is_valid_utf8(part.filename) || part.filename.find('\0') != std::string::npos) return false;
            name = part.filename;
            got_file = in_first = true;
          }
          return true;
        },
        [&](const char* data, size_t len) {
          if (in_first) bytes.append(data, len);
          return true;
        });
    if (!whole) {
      throw HttpError{400, "incomplete_upload",
                      "the upload did not arrive whole, held more than " + std::to_string(Upload::kMaxParts) +
                          " parts, or named its file in something other than UTF-8"};
    }
    if (!got_file) throw HttpError{422, "no_file", "the form holds no file"};
    Engine engine;
    json profile = call_core(engine, "profile", {{"name", name}, {"html", true}},
                             std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
    std::string html = profile.contains("html") && profile["html"].is_string() ? profile["html"].get<std::string>() : "";
    profile.erase("html");
    json out = {{"success", true}, {"profile", profile}};
    if (!html.empty()) {
      const std::string id = crypto::random_hex(16);
      c.app.store.save_eda(id, c.me().id, name, html);
      out["report_url"] = "/eda/reports/" + id;
      out["eda_report_path"] = out["report_url"];  // the seeds' name; here a URL path under the server
    }
    c.send(200, out);
  });
  r.add("GET", "/eda/reports/([0-9a-f]{32})", {}, [](Ctx& c) {
    const auto html = c.app.store.eda_html(c.capture(1), c.me().id);
    if (!html) throw HttpError{404, "not_found", "no such report"};
    c.res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
    c.res.set_header("X-Content-Type-Options", "nosniff");
    c.res.set_content(*html, "text/html; charset=utf-8");
  });

  r.add("POST", "/api/bronze/highlight", {.auth = true, .rate_group = "insights"}, [](Ctx& c) {
    const auto start = std::chrono::steady_clock::now();
    const json b = c.body();
    const std::string type = c.param(b, "highlight_type").value_or("summary");
    const int days = days_param(c, b);
    const Tenant t = c.current_tenant();
    const std::string key = "highlight|" + type + "|" + std::to_string(days);
    json out = c.app.engines.cached(c.app.store, t, key, [&](Engine& e, const std::vector<int64_t>& handles) {
      if (handles.empty()) {
        return json{{"success", true}, {"highlight_type", type}, {"date_range", nullptr}, {"facts", json::array()},
                    {"note", "no data yet: upload an export with POST /api/datasets"}};
      }
      return call_core(e, "report.highlight", {{"handles", handles}, {"highlight_type", type}, {"days", days}});
    });
    out["response_time_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    c.send(200, out);
  });

  // Core's own answer over the workspace's stored data (uploads and synced
  // rows), for the page's views in connected mode: the same methods and
  // options the page sends to its wasm core, the same JSON back.
  r.add("POST", "/api/report", {.auth = true, .rate_group = "insights"}, [](Ctx& c) {
    const json b = c.body();
    const std::string method = c.param(b, "method").value_or("");
    static const std::set<std::string, std::less<>> kMethods = {"report.analyze", "report.highlight", "report.breakdown"};
    if (kMethods.count(method) == 0) {
      throw HttpError{422, "invalid_parameter", "'method' must be report.analyze, report.highlight or report.breakdown"};
    }
    json request = b.contains("request") ? b["request"] : json::object();
    if (!request.is_object()) throw HttpError{422, "invalid_parameter", "'request' must be an object of the method's options"};
    // Only the view options: never another workspace's handles or a payload.
    static const std::set<std::string, std::less<>> kOptions = {
        "days", "start", "end", "anchor", "compare", "platforms", "accounts", "campaigns", "level", "parent", "limit", "kind",
        "highlight_type", "max_facts", "locale", "full", "currency", "forecast_days", "budget_increase_limit"};
    for (const auto& [k, v] : request.items()) {
      if (kOptions.count(k) == 0) throw HttpError{422, "invalid_parameter", "'request." + k + "' is not an option of " + method};
    }
    const std::string text = request.dump();
    if (text.size() > 16384) throw HttpError{413, "too_large", "'request' is over 16 KiB"};
    // The workspace named by tenant_id (a member of it), else the session's current one.
    Tenant t;
    if (auto tid = c.param(b, "tenant_id"); tid && !tid->empty()) {
      auto named = c.app.store.tenant_for(*tid, c.me().id);
      if (!named) throw HttpError{404, "not_found", "no such workspace"};
      if (!role_at_least(named->role, "member")) throw HttpError{403, "forbidden", "this needs the member role in the workspace"};
      t = *named;
    } else {
      t = c.current_tenant();
    }
    json out = c.app.engines.cached(c.app.store, t, "report|" + method + "|" + text, [&](Engine& e, const std::vector<int64_t>& handles) {
      if (handles.empty()) return json{{"error", {{"code", "empty_input"}, {"message", "no data yet: upload an export with POST /api/datasets or connect a platform"}}}};
      json req = request;
      req["handles"] = handles;
      return call_core(e, method, req);
    });
    if (out.contains("error")) throw HttpError{404, "no_data", out["error"]["message"].get<std::string>()};
    c.send(200, out);
  });

  analysis_endpoint(r, "/ad-performance-analysis", [](const json& rep) {
    const json& a = rep["analysis"];
    json per = json::array();
    for (const json& c : a["by_currency"]) {
      per.push_back({{"currency", c["currency"]}, {"performance_metric", c["performance_metric"]}, {"performers", c["performers"]},
                     {"platform_comparison", c["platform_comparison"]}});
    }
    return json{{"summary", a["summary"]}, {"by_currency", per}, {"periods", rep["periods"]}};
  });
  analysis_endpoint(r, "/campaign-comparison", [](const json& rep) {
    json per = json::array();
    for (const json& c : rep["analysis"]["by_currency"]) per.push_back({{"currency", c["currency"]}, {"campaigns", c["campaign_comparison"]}});
    return json{{"by_currency", per}};
  });
  analysis_endpoint(r, "/ad-recommendations", [](const json& rep) {
    return json{{"recommendations", rep["analysis"]["action_plan"]["recommendations"]}};
  });
  analysis_endpoint(r, "/performance-trends", [](const json& rep) {
    json per = json::array();
    for (const json& c : rep["analysis"]["by_currency"]) per.push_back({{"currency", c["currency"]}, {"trends", c["trends"]}, {"forecast", c["forecast"]}});
    return json{{"by_currency", per}};
  });
  analysis_endpoint(r, "/optimization-action-plan", [](const json& rep) {
    return json{{"action_plan", rep["analysis"]["action_plan"]["plan"]}, {"assumptions", rep["analysis"]["assumptions"]}};
  });
  analysis_endpoint(r, "/budget-reallocation-plan", [](const json& rep) {
    json per = json::array();
    for (const json& c : rep["analysis"]["by_currency"]) per.push_back({{"currency", c["currency"]}, {"plan", c["budget_reallocation"]}});
    return json{{"by_currency", per}, {"assumption", rep["analysis"]["assumptions"]["reallocation"]}};
  });
  const auto web = [](const json& rep, const char* part) -> json {
    const json& j = rep["analysis"]["web_journey"];
    if (j.is_null()) throw HttpError{404, "no_web_data", "this workspace has no web-analytics data (upload a GA4 export)"};
    return part == nullptr ? j : j[part];
  };
  analysis_endpoint(r, "/user-journey-analysis", [web](const json& rep) {
    return json{{"journey", web(rep, "steps")}, {"overallConversion", web(rep, "overall_conversion")}};
  });
  analysis_endpoint(r, "/drop-off-analysis", [web](const json& rep) {
    return json{{"steps", web(rep, "steps")}, {"worst_sources", web(rep, "worst_sources")}, {"note", web(rep, "note")}};
  });
  analysis_endpoint(r, "/conversion-funnel-optimization", [web](const json& rep) {
    return json{{"steps", web(rep, "steps")}, {"overallConversion", web(rep, "overall_conversion")},
                {"worst_sources", web(rep, "worst_sources")}};
  });
  analysis_endpoint(r, "/traffic-quality-analysis", [web](const json& rep) { return json{{"sources", web(rep, "sources")}}; });
}

}  // namespace glint::native
