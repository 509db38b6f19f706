#include "glint/engine.h"
#include "glint/json_bounded.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <exception>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "glint/analysis.h"
#include "glint/columns.h"
#include "glint/format.h"
#include "glint/insights.h"
#include "glint/rollup.h"
#include "glint/ingest.h"
#include "glint/values.h"
#include "base/json_out.h"
#include "figures/slice.h"
#include "insights/report_json.h"
#include "insights/written.h"
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
  std::function<std::unique_ptr<CsvSegments>()> make_segments;
  std::map<int64_t, std::unique_ptr<Ingest>> open;
  std::map<int64_t, Dataset> closed;
  // Roll-ups of closed inputs, by (handles, days, anchor). A server asks the
  // same questions of the same data many times; inputs are immutable once
  // closed, and dropping or adding one clears the cache.
  std::map<std::string, std::shared_ptr<const std::pair<Rollup, Rollup>>> rollups;

  std::shared_ptr<const std::pair<Rollup, Rollup>> rolled(const Json& handles, const std::vector<const Dataset*>& inputs,
                                                          const RollupOptions& o) {
    std::string key = handles.dump() + "|" + std::to_string(o.days) + "|" + (o.anchor ? std::to_string(*o.anchor) : "") +
                      "|" + (o.start ? std::to_string(*o.start) : "") + "|" + std::string(compare_mode_name(o.compare)) +
                      "|" + std::to_string(o.compare_start) + "|" + std::to_string(o.compare_end) + "|" + o.currency +
                      "|" + (o.dedupe_overlaps ? "1" : "0");
    auto it = rollups.find(key);
    if (it != rollups.end()) return it->second;
    if (rollups.size() > 64) rollups.clear();
    auto r = std::make_shared<const std::pair<Rollup, Rollup>>(roll_up(inputs, DataKind::kAds, o),
                                                               roll_up(inputs, DataKind::kWeb, o));
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
  std::optional<Day> start;  // a chosen range's first day (then days = anchor - start + 1)
  CompareMode compare = CompareMode::kPrevious;
  Day compare_start = 0, compare_end = 0;
  bool full = false;
  AnalysisOptions analysis;
  std::string locale;    // "de-DE"; empty: the inputs' own
  std::string currency;  // for inputs that state none
  bool dedupe_overlaps = true;
  RollupOptions rollup() const {
    RollupOptions o;
    o.days = days;
    o.anchor = anchor;
    o.start = start;
    o.compare = compare;
    o.compare_start = compare_start;
    o.compare_end = compare_end;
    o.currency = currency;
    o.dedupe_overlaps = dedupe_overlaps;
    return o;
  }
};

Status boolean(const Request& req, const char* key, bool& out) {
  const auto it = req.doc.find(key);
  if (it == req.doc.end() || it->is_null()) return Status::Ok();
  if (!it->is_boolean()) return Status(ErrorCode::kInvalidRequest, std::string("'") + key + "' must be true or false");
  out = it->get<bool>();
  return Status::Ok();
}

// "targets": {"<campaign id or name>": {"target_cpa": 25, "target_roas": 4, "budget": 100}}.
Status read_targets(const Json& doc, std::map<std::string, CampaignTargets, std::less<>>& out) {
  const auto it = doc.find("targets");
  if (it == doc.end() || it->is_null()) return Status::Ok();
  const Status bad(ErrorCode::kInvalidRequest,
                   "'targets' must map campaign ids or names to {target_cpa, target_roas, budget} numbers above 0");
  if (!it->is_object() || it->size() > 100000) return bad;
  for (const auto& [name, spec] : it->items()) {
    if (!spec.is_object()) return bad;
    CampaignTargets tg;
    for (const auto& [k, slot] : {std::pair{"target_cpa", &tg.target_cpa}, std::pair{"target_roas", &tg.target_roas},
                                  std::pair{"budget", &tg.budget}}) {
      const auto v = spec.find(k);
      if (v == spec.end() || v->is_null()) continue;
      if (!v->is_number() || v->get<double>() <= 0 || !std::isfinite(v->get<double>())) return bad;
      *slot = v->get<double>();
    }
    out.emplace(name, tg);
  }
  return Status::Ok();
}

// The number format: the request's locale, else the inputs' (the language of
// their headers; comma decimals in English headers write like German), else
// English. The report says which and why.
Json choose_format(const Locale& locale, const std::string& requested, const std::string& currency,
                   const std::vector<const Dataset*>& inputs, fmt::NumberFormat& out) {
  std::string tag = "en", source = "default";
  if (!requested.empty()) {
    tag = requested;
    source = "request";
  } else {
    for (const Dataset* d : inputs) {
      if (!d->report.lang.empty() && d->report.lang != "en") {
        tag = d->report.lang;
        source = "file";
        break;
      }
      if (d->report.decimal_mark == DecimalMark::kComma && source == "default") {
        tag = "de";
        source = "file";
      }
    }
  }
  bool found = false;
  out = fmt::number_format(locale, tag, &found);
  // Minor units of every currency the report shows, for tables written elsewhere (the CLI).
  Json minor = Json::object();
  for (const Dataset* d : inputs) {
    for (const std::string& c : d->report.currencies) minor[c] = out.minor_units_of(c);
  }
  if (!currency.empty()) minor[currency] = out.minor_units_of(currency);
  return {{"locale", out.tag}, {"requested", requested.empty() ? Json(nullptr) : Json(requested)}, {"source", found ? source : "default"},
          {"group", out.group}, {"decimal", out.decimal}, {"min_grouping", out.min_grouping}, {"minor_units", std::move(minor)}};
}

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

// "compare": "previous" | "year" | "none" | {"start": DATE, "end": DATE}.
Status read_compare(const Request& req, ReportOptions& out) {
  const auto it = req.doc.find("compare");
  if (it == req.doc.end() || it->is_null()) return Status::Ok();
  const Status bad(ErrorCode::kInvalidRequest,
                   "'compare' must be \"previous\", \"year\", \"none\" or {\"start\": \"YYYY-MM-DD\", \"end\": \"YYYY-MM-DD\"}");
  if (it->is_string()) {
    const std::string& m = it->get_ref<const std::string&>();
    if (m == "previous") out.compare = CompareMode::kPrevious;
    else if (m == "year") out.compare = CompareMode::kYear;
    else if (m == "none") out.compare = CompareMode::kNone;
    else return bad;
    return Status::Ok();
  }
  if (!it->is_object()) return bad;
  const Request window{*it};
  std::optional<Day> start, end;
  if (Status s = window.date("start", start); !s.ok()) return Status(s.code(), "'compare': " + s.message());
  if (Status s = window.date("end", end); !s.ok()) return Status(s.code(), "'compare': " + s.message());
  if (!start || !end) return bad;
  if (*start > *end) return Status(ErrorCode::kInvalidRequest, "'compare': 'start' must be on or before 'end'");
  out.compare = CompareMode::kCustom;
  out.compare_start = *start;
  out.compare_end = *end;
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
  if (Status s = req.string("locale", out.locale); !s.ok()) return s;
  if (out.locale.size() > 35) return Status(ErrorCode::kInvalidRequest, "'locale' must be a language tag such as de-DE");
  if (Status s = req.string("currency", out.currency); !s.ok()) return s;
  if (!out.currency.empty() && (out.currency.size() != 3 || !std::all_of(out.currency.begin(), out.currency.end(),
                                                                          [](char c) { return c >= 'A' && c <= 'Z'; }))) {
    return Status(ErrorCode::kInvalidRequest, "'currency' must be an ISO 4217 code such as EUR");
  }
  if (Status s = boolean(req, "dedupe_overlaps", out.dedupe_overlaps); !s.ok()) return s;
  if (Status s = read_targets(req.doc, out.analysis.targets); !s.ok()) return s;
  if (Status s = req.date("anchor", out.anchor); !s.ok()) return s;
  std::optional<Day> end;
  if (Status s = req.date("end", end); !s.ok()) return s;
  if (end && out.anchor && *end != *out.anchor) {
    return Status(ErrorCode::kInvalidRequest, "'end' and 'anchor' name the same day (the period's last): give one");
  }
  if (end) out.anchor = end;
  if (Status s = req.date("start", out.start); !s.ok()) return s;
  if (out.start && out.anchor && *out.start > *out.anchor) {
    return Status(ErrorCode::kInvalidRequest, "'start' (" + iso_date(*out.start) + ") must be on or before 'end' (" +
                                                  iso_date(*out.anchor) + ")");
  }
  return read_compare(req, out);
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
  for (size_t i = 0; i < d.entities.size(); ++i) {
    const Entity& e = d.entities[i];
    Json x = {{"platform", std::string(platform_name(e.platform))}, {"currency", e.currency}, {"dims", e.dims}};
    if (!d.attributes.empty() && !d.attributes[i].empty()) {
      const CampaignAttributes& a = d.attributes[i];
      Json attrs = {{"type", a.type}, {"status", a.status}, {"bid_strategy", a.bid_strategy}};
      for (const auto& [k, v] : {std::pair{"target_cpa", &a.target_cpa}, std::pair{"target_roas", &a.target_roas},
                                 std::pair{"budget", &a.budget}, std::pair{"lost_is_budget", &a.lost_is_budget}}) {
        attrs[k] = *v ? Json(**v) : Json(nullptr);
      }
      x["attrs"] = std::move(attrs);
    }
    entities.push_back(std::move(x));
  }
  out["entities"] = std::move(entities);
  if (d.report.period) {
    const DeclaredPeriod& p = *d.report.period;
    out["period"] = {{"start", p.start ? Json(*p.start) : Json(nullptr)}, {"end", p.end ? Json(*p.end) : Json(nullptr)},
                     {"whole", p.whole}, {"stated", p.text}};
  }
  out["lang"] = d.report.lang;
  out["decimal_mark"] = d.report.decimal_mark == DecimalMark::kComma ? "," : (d.report.decimal_mark == DecimalMark::kPoint ? "." : "");
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
    // Exports stored before the keyword and search-term dimensions have fewer: the missing ones are blank.
    if (!e.is_object() || !e.contains("dims") || !e["dims"].is_array() || e["dims"].size() > dims || e["dims"].empty()) {
      return bad("an entity is malformed");
    }
    Entity x;
    x.platform = platform_from_name(e.value("platform", "generic")).value_or(Platform::kGeneric);
    x.currency = e.value("currency", "");
    for (const Json& v : e["dims"]) {
      if (!v.is_string()) return bad("an entity dimension is not a string");
      x.dims.push_back(v.get<std::string>());
    }
    x.dims.resize(dims);
    if (const auto a = e.find("attrs"); a != e.end() && a->is_object()) {
      d.attributes.resize(d.entities.size() + 1);
      CampaignAttributes& at = d.attributes.back();
      at.type = a->value("type", "");
      at.status = a->value("status", "");
      at.bid_strategy = a->value("bid_strategy", "");
      for (const auto& [k, slot] : {std::pair{"target_cpa", &at.target_cpa}, std::pair{"target_roas", &at.target_roas},
                                    std::pair{"budget", &at.budget}, std::pair{"lost_is_budget", &at.lost_is_budget}}) {
        const auto v = a->find(k);
        if (v != a->end() && v->is_number_integer()) *slot = v->get<int64_t>();
      }
    }
    if (!x.currency.empty()) currencies.insert(x.currency);
    d.entities.push_back(std::move(x));
  }
  if (!d.attributes.empty()) d.attributes.resize(d.entities.size());
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
  if (const auto p = doc.find("period"); p != doc.end() && p->is_object()) {
    DeclaredPeriod dp;
    if ((*p)["start"].is_number_integer() && (*p)["end"].is_number_integer()) {
      dp.start = (*p)["start"].get<Day>();
      dp.end = (*p)["end"].get<Day>();
    }
    dp.whole = p->value("whole", false);
    dp.text = p->value("stated", "");
    if (dp.whole || dp.start) d.report.period = dp;
  }
  d.report.lang = doc.value("lang", "");
  const std::string mark = doc.value("decimal_mark", "");
  d.report.decimal_mark = mark == "," ? DecimalMark::kComma : (mark == "." ? DecimalMark::kPoint : DecimalMark::kUnknown);
  d.report.rows_without_date = 0;
  for (const Cell& c : d.cells) d.report.rows_without_date += c.day == kNoDay ? static_cast<uint64_t>(c.sums.rows) : 0;
  return d;
}

// The analyze report of `inputs` with the request's row filters: what the
// inputs hold (for the filter menus), then the report of the rows kept.
CallResult analyze_sliced(const Json& doc, std::vector<const Dataset*>& inputs, ReportOptions& opts, const Locale& locale,
                          const FactBook& facts) {
  SliceFilter filter;
  if (Status s = read_slice_filter(doc, filter); !s.ok()) return error_result(s.code(), s.message());
  Json values = filter_values_json(inputs);
  std::deque<Dataset> filtered;
  apply_slice_filter(filter, inputs, filtered);
  const Json format = choose_format(locale, opts.locale, opts.currency, inputs, opts.analysis.format);
  Json out = analyze_report_json(inputs, opts.rollup(), opts.full ? &facts : nullptr, opts.full ? &opts.analysis : nullptr, format);
  out["filters"] = slice_filter_json(filter);
  out["filter_values"] = std::move(values);
  out["levels"] = {{"ads", levels_json(inputs, DataKind::kAds)}, {"web", levels_json(inputs, DataKind::kWeb)}};
  return ok_result(out);
}

}  // namespace

Engine::Engine() : state_(std::make_unique<State>()) {}
Engine::~Engine() = default;

void Engine::set_segments(std::function<std::unique_ptr<CsvSegments>()> make) { state_->make_segments = std::move(make); }

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
      IngestOptions io;
      if (Status s = boolean(req, "dedupe_rows", io.dedupe_rows); !s.ok()) return error_result(s.code(), s.message());
      Ingest ingest(name, st.context, io);
      if (st.make_segments) ingest.use_segments(st.make_segments());
      ingest.feed(payload);
      Result<Dataset> d = ingest.finish();
      if (!d.ok()) return error_result(d.status().code(), d.status().message());
      std::vector<const Dataset*> inputs = {&d.value()};
      return analyze_sliced(doc, inputs, opts, st.locale, st.facts);
    }

    if (method == "ingest.open") {
      std::string name = "input.csv";
      if (Status s = req.string("name", name); !s.ok()) return error_result(s.code(), s.message());
      IngestOptions io;
      if (Status s = boolean(req, "dedupe_rows", io.dedupe_rows); !s.ok()) return error_result(s.code(), s.message());
      const int64_t handle = st.next_handle++;
      auto ingest = std::make_unique<Ingest>(name, st.context, io);
      if (st.make_segments) ingest->use_segments(st.make_segments());
      st.open.emplace(handle, std::move(ingest));
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
      return analyze_sliced(doc, inputs, opts, st.locale, st.facts);
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
      SliceFilter filter;
      if (Status s = read_slice_filter(doc, filter); !s.ok()) return error_result(s.code(), s.message());
      std::deque<Dataset> filtered;
      apply_slice_filter(filter, inputs, filtered);
      const Json key = filter.any() ? Json{doc["handles"], slice_filter_json(filter)} : doc["handles"];
      const auto rolled = st.rolled(key, inputs, opts.rollup());
      HighlightOptions ho;
      ho.type = *type;
      ho.max_facts = static_cast<int>(max_facts);
      const Json format = choose_format(st.locale, opts.locale, opts.currency, inputs, ho.format);
      ho.targets = opts.analysis.targets;
      const HighlightResult r = highlight(rolled->first, rolled->second, ho, st.facts);
      Json out = highlight_json(r, *type);
      out["format"] = format;
      out["overlaps"] = overlaps_json(rolled->first, rolled->second);
      return ok_result(out);
    }

    if (method == "report.breakdown") {
      ReportOptions opts;
      if (Status s = read_report_options(req, opts); !s.ok()) return error_result(s.code(), s.message());
      std::vector<const Dataset*> inputs;
      if (Status s = collect_inputs(doc, st.closed, inputs); !s.ok()) return error_result(s.code(), s.message());
      SliceFilter filter;
      if (Status s = read_slice_filter(doc, filter); !s.ok()) return error_result(s.code(), s.message());
      std::deque<Dataset> filtered;
      apply_slice_filter(filter, inputs, filtered);
      const Json format = choose_format(st.locale, opts.locale, opts.currency, inputs, opts.analysis.format);
      return breakdown_call(doc, inputs, opts.rollup(), format);
    }

    if (method == "report.query") {
      std::vector<const Dataset*> inputs;
      if (Status s = collect_inputs(doc, st.closed, inputs); !s.ok()) return error_result(s.code(), s.message());
      std::string locale_tag, currency;
      if (Status s = req.string("locale", locale_tag); !s.ok()) return error_result(s.code(), s.message());
      fmt::NumberFormat nf;
      const Json format = choose_format(st.locale, locale_tag, currency, inputs, nf);
      return query_metrics_call(doc, inputs, nf, format);
    }

    if (auto r = call_grounding(method, doc, st.facts, st.locale)) return std::move(*r);
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
