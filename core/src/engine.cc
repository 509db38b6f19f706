#include "glint/engine.h"
#include "glint/json_bounded.h"

#include <exception>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "glint/analysis.h"
#include "glint/columns.h"
#include "glint/insights.h"
#include "glint/rollup.h"
#include "glint/ingest.h"
#include "glint/values.h"
#include "base/json_out.h"
#include "insights/report_json.h"
#include "tables/table_analyses.h"

namespace glint {

namespace data {
extern const std::string_view k_columns_json;
extern const std::string_view k_locales_json;
extern const std::string_view k_facts_json;
}  // namespace data

using json_out::Json;

struct Engine::State {
  AliasTable aliases = parse_alias_table(data::k_columns_json);
  Locale locale = parse_locale(data::k_locales_json);
  IngestContext context{aliases, locale};
  FactBook facts = parse_fact_book(data::k_facts_json);
  int64_t next_handle = 1;
  std::map<int64_t, std::unique_ptr<Ingest>> open;
  std::map<int64_t, Dataset> closed;
  // Roll-ups of closed inputs, by (handles, days, anchor). A server asks the
  // same questions of the same data many times; inputs are immutable once
  // closed, and dropping or adding one clears the cache.
  std::map<std::string, std::shared_ptr<const std::pair<Rollup, Rollup>>> rollups;

  std::shared_ptr<const std::pair<Rollup, Rollup>> rolled(const Json& handles, const std::vector<const Dataset*>& inputs,
                                                          int days, std::optional<Day> anchor) {
    std::string key = handles.dump() + "|" + std::to_string(days) + "|" + (anchor ? std::to_string(*anchor) : "");
    auto it = rollups.find(key);
    if (it != rollups.end()) return it->second;
    if (rollups.size() > 64) rollups.clear();
    auto r = std::make_shared<const std::pair<Rollup, Rollup>>(roll_up(inputs, DataKind::kAds, days, anchor),
                                                               roll_up(inputs, DataKind::kWeb, days, anchor));
    rollups.emplace(std::move(key), r);
    return r;
  }
};

namespace {

CallResult error_result(ErrorCode code, std::string_view message) {
  Json doc;
  doc["error"]["code"] = std::string(error_code_name(code));
  doc["error"]["message"] = std::string(message);
  return {code, json_out::dump(doc)};
}

CallResult ok_result(const Json& doc) { return {ErrorCode::kOk, json_out::dump(doc)}; }

// Reading request members with errors that name the member.
struct Request {
  const Json& doc;

  Status string(const char* key, std::string& out) const {
    const auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return Status::Ok();
    if (!it->is_string()) return Status(ErrorCode::kInvalidRequest, std::string("'") + key + "' must be a string");
    out = it->get<std::string>();
    return Status::Ok();
  }
  Status integer(const char* key, int64_t lo, int64_t hi, int64_t& out) const {
    const auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) return Status::Ok();
    if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
      return Status(ErrorCode::kInvalidRequest, std::string("'") + key + "' must be an integer from " +
                                                    std::to_string(lo) + " to " + std::to_string(hi));
    }
    out = it->get<int64_t>();
    return Status::Ok();
  }
  Status date(const char* key, std::optional<Day>& out) const {
    std::string s;
    if (Status st = string(key, s); !st.ok()) return st;
    if (s.empty()) return Status::Ok();
    out = parse_iso_date(s);
    if (!out) return Status(ErrorCode::kInvalidRequest, std::string("'") + key + "' must be a date YYYY-MM-DD");
    return Status::Ok();
  }
};

struct ReportOptions {
  int days = 30;
  std::optional<Day> anchor;
  bool full = false;
  AnalysisOptions analysis;
};

// The closed inputs named by "handles".
Status collect_inputs(const Json& doc, std::map<int64_t, Dataset>& closed, std::vector<const Dataset*>& out) {
  const auto handles = doc.find("handles");
  if (handles == doc.end() || !handles->is_array() || handles->empty()) {
    return Status(ErrorCode::kInvalidRequest, "'handles' must be a non-empty array of input handles");
  }
  for (const Json& h : *handles) {
    const auto it = h.is_number_integer() ? closed.find(h.get<int64_t>()) : closed.end();
    if (it == closed.end()) return Status(ErrorCode::kUnknownHandle, "no closed input with handle " + h.dump());
    out.push_back(&it->second);
  }
  return Status::Ok();
}

Status read_report_options(const Request& req, ReportOptions& out) {
  int64_t days = out.days;
  if (Status s = req.integer("days", 1, 3660, days); !s.ok()) return s;
  out.days = static_cast<int>(days);
  if (const auto it = req.doc.find("full"); it != req.doc.end() && !it->is_null()) {
    if (!it->is_boolean()) return Status(ErrorCode::kInvalidRequest, "'full' must be true or false");
    out.full = it->get<bool>();
  }
  int64_t forecast = out.analysis.forecast_days, limit = 50;
  if (Status s = req.integer("forecast_days", 1, 366, forecast); !s.ok()) return s;
  if (Status s = req.integer("budget_increase_limit", 0, 1000, limit); !s.ok()) return s;
  out.analysis.forecast_days = static_cast<int>(forecast);
  out.analysis.budget_increase_limit = static_cast<double>(limit) / 100.0;
  return req.date("anchor", out.anchor);
}

Json export_json(const Dataset& d) {
  Json out;
  out["kind"] = std::string(data_kind_name(d.report.kind));
  out["name"] = d.report.table.name;
  out["platform"] = std::string(platform_name(d.report.platform));
  out["metrics_present"] = d.report.metrics_present;
  out["rows"] = d.report.rows;
  out["input"] = input_json(d.report);
  Json entities = Json::array();
  for (const Entity& e : d.entities) {
    entities.push_back({{"platform", std::string(platform_name(e.platform))}, {"currency", e.currency}, {"dims", e.dims}});
  }
  out["entities"] = std::move(entities);
  Json cells = Json::array();
  for (const Cell& c : d.cells) {
    Json row = Json::array({c.entity, c.day == kNoDay ? Json(nullptr) : Json(c.day), c.sums.rows});
    for (int64_t v : c.sums.v) row.push_back(v);
    cells.push_back(std::move(row));
  }
  out["cells"] = std::move(cells);
  return out;
}

Result<Dataset> import_json(const Json& doc) {
  const auto bad = [](const std::string& what) { return Status(ErrorCode::kInvalidRequest, "ingest.import: " + what); };
  Dataset d;
  const std::string kind = doc.value("kind", "");
  if (kind != "ads" && kind != "web") return bad("'kind' must be ads or web");
  d.report.kind = kind == "web" ? DataKind::kWeb : DataKind::kAds;
  d.report.table.name = doc.value("name", "stored");
  d.report.platform = platform_from_name(doc.value("platform", "generic")).value_or(Platform::kGeneric);
  if (!doc.contains("metrics_present") || !doc["metrics_present"].is_number_unsigned()) return bad("'metrics_present' must be a mask");
  d.report.metrics_present = doc["metrics_present"].get<uint32_t>();
  const auto ents = doc.find("entities");
  const auto cells = doc.find("cells");
  if (ents == doc.end() || !ents->is_array() || cells == doc.end() || !cells->is_array()) return bad("'entities' and 'cells' must be arrays");
  const size_t dims = d.report.kind == DataKind::kAds ? kAdDims : kWebDims;
  std::set<std::string> currencies;
  for (const Json& e : *ents) {
    if (!e.is_object() || !e.contains("dims") || !e["dims"].is_array() || e["dims"].size() != dims) return bad("an entity is malformed");
    Entity x;
    x.platform = platform_from_name(e.value("platform", "generic")).value_or(Platform::kGeneric);
    x.currency = e.value("currency", "");
    for (const Json& v : e["dims"]) {
      if (!v.is_string()) return bad("an entity dimension is not a string");
      x.dims.push_back(v.get<std::string>());
    }
    if (!x.currency.empty()) currencies.insert(x.currency);
    d.entities.push_back(std::move(x));
  }
  for (const Json& c : *cells) {
    if (!c.is_array() || c.size() != 3 + kMetricSlots || !c[0].is_number_unsigned() || c[0].get<size_t>() >= d.entities.size()) {
      return bad("a cell is malformed");
    }
    if ((!c[1].is_null() && !c[1].is_number_integer()) || !c[2].is_number_integer()) return bad("a cell's day or rows is not an integer");
    Cell x;
    x.entity = c[0].get<uint32_t>();
    x.day = c[1].is_null() ? kNoDay : c[1].get<Day>();
    x.sums.rows = c[2].get<int64_t>();
    for (size_t i = 0; i < kMetricSlots; ++i) {
      if (!c[3 + i].is_number_integer()) return bad("a cell value is not an integer");
      x.sums.v[i] = c[3 + i].get<int64_t>();
    }
    d.report.rows += static_cast<uint64_t>(x.sums.rows);
    if (x.day != kNoDay) {
      if (!d.report.date_min || x.day < *d.report.date_min) d.report.date_min = x.day;
      if (!d.report.date_max || x.day > *d.report.date_max) d.report.date_max = x.day;
    }
    d.cells.push_back(x);
  }
  d.report.currencies.assign(currencies.begin(), currencies.end());
  if (currencies.size() == 1) d.report.currency = *currencies.begin();
  return d;
}

}  // namespace

Engine::Engine() : state_(std::make_unique<State>()) {}
Engine::~Engine() = default;

CallResult Engine::call(std::string_view method, std::string_view request,
                        std::span<const std::byte> payload) {
  try {
    bool too_deep = false;
    const Json doc = request.empty() ? Json::object() : parse_json_bounded<Json>(request, kMaxJsonDepth, &too_deep);
    if (too_deep) {
      return error_result(ErrorCode::kInvalidRequest,
                          "the request nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    if (doc.is_discarded() || !doc.is_object()) {
      return error_result(ErrorCode::kInvalidRequest, "the request is not a JSON object");
    }
    const Request req{doc};
    State& st = *state_;

    if (method == "version") return ok_result({{"version", std::string(version())}});

    if (method == "analyze") {
      std::string name = "input.csv";
      ReportOptions opts;
      if (Status s = req.string("name", name); !s.ok()) return error_result(s.code(), s.message());
      if (Status s = read_report_options(req, opts); !s.ok()) return error_result(s.code(), s.message());
      Ingest ingest(name, st.context);
      ingest.feed(payload);
      Result<Dataset> d = ingest.finish();
      if (!d.ok()) return error_result(d.status().code(), d.status().message());
      const Dataset* inputs[] = {&d.value()};
      return ok_result(analyze_report_json(inputs, opts.days, opts.anchor, opts.full ? &st.facts : nullptr,
                                           opts.full ? &opts.analysis : nullptr));
    }

    if (method == "ingest.open") {
      std::string name = "input.csv";
      if (Status s = req.string("name", name); !s.ok()) return error_result(s.code(), s.message());
      const int64_t handle = st.next_handle++;
      st.open.emplace(handle, std::make_unique<Ingest>(name, st.context));
      return ok_result({{"handle", handle}});
    }

    if (method == "ingest.feed" || method == "ingest.close") {
      int64_t handle = 0;
      if (Status s = req.integer("handle", 1, INT64_MAX, handle); !s.ok()) return error_result(s.code(), s.message());
      const auto it = st.open.find(handle);
      if (it == st.open.end()) {
        return error_result(ErrorCode::kUnknownHandle, "no open input with handle " + std::to_string(handle));
      }
      if (method == "ingest.feed") {
        it->second->feed(payload);
        return ok_result({{"handle", handle}, {"bytes", it->second->bytes_fed()}, {"rows", it->second->rows()}});
      }
      Result<Dataset> d = it->second->finish();
      st.open.erase(it);
      if (!d.ok()) return error_result(d.status().code(), d.status().message());
      Json out = {{"handle", handle}, {"input", input_json(d.value().report)}};
      st.closed.emplace(handle, std::move(d.value()));
      st.rollups.clear();
      return ok_result(out);
    }

    if (method == "ingest.export") {
      // A closed input's aggregates, for a server to store (ingest.import reads them back).
      int64_t handle = 0;
      if (Status s = req.integer("handle", 1, INT64_MAX, handle); !s.ok()) return error_result(s.code(), s.message());
      const auto it = st.closed.find(handle);
      if (it == st.closed.end()) return error_result(ErrorCode::kUnknownHandle, "no closed input with handle " + std::to_string(handle));
      return ok_result(export_json(it->second));
    }

    if (method == "ingest.import") {
      Result<Dataset> d = import_json(doc);
      if (!d.ok()) return error_result(d.status().code(), d.status().message());
      const int64_t handle = st.next_handle++;
      st.closed.emplace(handle, std::move(d.value()));
      st.rollups.clear();
      return ok_result({{"handle", handle}});
    }

    if (method == "ingest.drop") {
      int64_t handle = 0;
      if (Status s = req.integer("handle", 1, INT64_MAX, handle); !s.ok()) return error_result(s.code(), s.message());
      const bool found = st.open.erase(handle) + st.closed.erase(handle) > 0;
      st.rollups.clear();
      return ok_result({{"handle", handle}, {"dropped", found}});
    }

    if (method == "report.analyze") {
      ReportOptions opts;
      if (Status s = read_report_options(req, opts); !s.ok()) return error_result(s.code(), s.message());
      std::vector<const Dataset*> inputs;
      if (Status s = collect_inputs(doc, st.closed, inputs); !s.ok()) return error_result(s.code(), s.message());
      return ok_result(analyze_report_json(inputs, opts.days, opts.anchor, opts.full ? &st.facts : nullptr,
                                           opts.full ? &opts.analysis : nullptr));
    }

    if (method == "report.highlight") {
      ReportOptions opts;
      if (Status s = read_report_options(req, opts); !s.ok()) return error_result(s.code(), s.message());
      std::string type_name = "summary";
      if (Status s = req.string("highlight_type", type_name); !s.ok()) return error_result(s.code(), s.message());
      const auto type = highlight_type_from_name(type_name);
      if (!type) {
        return error_result(ErrorCode::kInvalidRequest,
                            "'highlight_type' must be one of grow, optimize, protect, summary (got '" + type_name + "')");
      }
      int64_t max_facts = 5;
      if (Status s = req.integer("max_facts", 0, 100, max_facts); !s.ok()) return error_result(s.code(), s.message());
      std::vector<const Dataset*> inputs;
      if (Status s = collect_inputs(doc, st.closed, inputs); !s.ok()) return error_result(s.code(), s.message());
      const auto rolled = st.rolled(doc["handles"], inputs, opts.days, opts.anchor);
      const HighlightResult r = highlight(rolled->first, rolled->second, {*type, static_cast<int>(max_facts)}, st.facts);
      return ok_result(highlight_json(r, *type));
    }

    if (auto r = call_table_analysis(method, doc, payload, st.aliases, st.locale)) return std::move(*r);

    return error_result(ErrorCode::kUnknownMethod, "unknown method '" + std::string(method) + "'");
  } catch (const std::exception& e) {
    return error_result(ErrorCode::kInternal, std::string("internal error: ") + e.what());
  } catch (...) {
    return error_result(ErrorCode::kInternal, "internal error");
  }
}

std::string_view version() { return GLINT_VERSION; }

}  // namespace glint
