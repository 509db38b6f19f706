#include "insights/report_json.h"

#include <map>
#include <string>
#include <tuple>

namespace glint {

using json_out::Json;

namespace {

Json date_or_null(const std::optional<Day>& d) { return d ? Json(iso_date(*d)) : Json(nullptr); }

constexpr AdMetric kAdMetrics[] = {AdMetric::kImpressions, AdMetric::kClicks, AdMetric::kSpend,
                                   AdMetric::kConversions, AdMetric::kConversionValue, AdMetric::kReach,
                                   AdMetric::kVideoViews};
constexpr WebMetric kWebMetrics[] = {WebMetric::kSessions, WebMetric::kEngagedSessions, WebMetric::kUsers,
                                     WebMetric::kNewUsers, WebMetric::kViews, WebMetric::kKeyEvents,
                                     WebMetric::kRevenue};

// The derived rates of a kind as (name, value, is rate-like for points).
struct Rate {
  const char* name;
  std::optional<double> value;
  bool money;   // depends on money (null when currencies mix)
  bool points;  // a proportion whose change is also given in points
};

template <typename M>
bool has(uint32_t present, M m) { return (present >> static_cast<unsigned>(m)) & 1u; }

// A ratio is known only when the file has both of its columns.
std::optional<double> when(bool known, std::optional<double> v) { return known ? v : std::nullopt; }

std::vector<Rate> rates_of(const Sums& s, DataKind kind, uint32_t present) {
  if (kind == DataKind::kAds) {
    using M = AdMetric;
    const AdRates r = derive_rates(s);
    const bool imp = has(present, M::kImpressions), clk = has(present, M::kClicks), sp = has(present, M::kSpend),
               conv = has(present, M::kConversions), val = has(present, M::kConversionValue);
    return {{"ctr", when(clk && imp, r.ctr), false, true}, {"cpc", when(sp && clk, r.cpc), true, false},
            {"cpm", when(sp && imp, r.cpm), true, false},  {"cpa", when(sp && conv, r.cpa), true, false},
            {"roas", when(val && sp, r.roas), true, false}, {"cvr", when(conv && clk, r.cvr), false, true}};
  }
  using W = WebMetric;
  const WebRates r = derive_web_rates(s);
  const bool ses = has(present, W::kSessions);
  return {{"engagement_rate", when(ses && has(present, W::kEngagedSessions), r.engagement_rate), false, true},
          {"key_event_rate", when(ses && has(present, W::kKeyEvents), r.key_event_rate), false, true},
          {"revenue_per_session", when(ses && has(present, W::kRevenue), r.revenue_per_session), true, false}};
}

std::optional<double> change(std::optional<double> cur, std::optional<double> prev) {
  if (!cur || !prev || *prev == 0) return std::nullopt;
  return (*cur - *prev) / *prev;
}

}  // namespace

Json change_json(const Sums& csum, const Sums& psum, DataKind kind, uint32_t present, bool mixed, bool comparable,
                 Json* points) {
  Json ch = Json::object(), pts = Json::object();
  auto base = [&](std::string_view name, int64_t cur, int64_t prev, bool money, bool known) {
    if ((money && mixed) || !known || !comparable) {
      ch[std::string(name)] = nullptr;
      return;
    }
    ch[std::string(name)] = prev == 0 ? Json(nullptr)
                                      : Json((static_cast<double>(cur) - static_cast<double>(prev)) /
                                             static_cast<double>(prev));
  };
  if (kind == DataKind::kAds) {
    for (AdMetric m : kAdMetrics) base(metric_name(m), csum[m], psum[m], is_money(m), has(present, m));
  } else {
    for (WebMetric m : kWebMetrics) base(metric_name(m), csum[m], psum[m], is_money(m), has(present, m));
  }
  auto cur = rates_of(csum, kind, present);
  auto prev = rates_of(psum, kind, present);
  if (!comparable) {
    for (Rate& x : prev) x.value.reset();
  }
  for (size_t i = 0; i < cur.size(); ++i) {
    const bool hide = cur[i].money && mixed;
    ch[cur[i].name] = hide ? Json(nullptr) : json_out::optional(change(cur[i].value, prev[i].value));
    if (cur[i].points) {
      pts[cur[i].name] = (cur[i].value && prev[i].value) ? Json(*cur[i].value - *prev[i].value) : Json(nullptr);
    }
  }
  if (points != nullptr) *points = std::move(pts);
  return ch;
}

namespace {

Json period_json(const PeriodSums& p, DataKind kind, uint32_t present, bool mixed) {
  Json j;
  j["start"] = iso_date(p.start);
  j["end"] = iso_date(p.end);
  put_metrics(j, p.sums, kind, present, mixed);
  if (mixed) {
    Json by = Json::object();
    for (const auto& [cur, s] : p.by_currency) put_metrics(by[cur.empty() ? "unknown" : cur], s, kind, present);
    j["by_currency"] = std::move(by);
  }
  return j;
}

Json compare_json(const Periods& p) {
  Json label;
  switch (p.compare) {
    case CompareMode::kPrevious: label = "the previous " + std::to_string(p.previous_days_length) + " days"; break;
    case CompareMode::kYear: label = "the same period last year"; break;
    case CompareMode::kCustom: label = iso_date(p.previous.start) + " – " + iso_date(p.previous.end); break;
    case CompareMode::kNone: break;
  }
  return {{"mode", std::string(compare_mode_name(p.compare))},
          {"label", std::move(label)},
          {"start", p.compare == CompareMode::kNone ? Json(nullptr) : Json(iso_date(p.previous.start))},
          {"end", p.compare == CompareMode::kNone ? Json(nullptr) : Json(iso_date(p.previous.end))},
          {"days", p.previous_days_length}};
}

Json periods_json(const Rollup& r) {
  if (!r.periods) return nullptr;
  const Periods& p = *r.periods;
  const bool mixed = r.mixed_currencies();
  Json j;
  j["days"] = p.days;
  j["anchor"] = iso_date(p.anchor);
  j["compare"] = compare_json(p);
  j["current"] = period_json(p.current, r.kind, r.metrics_present, mixed);
  j["previous"] = p.compare == CompareMode::kNone ? Json(nullptr) : period_json(p.previous, r.kind, r.metrics_present, mixed);
  Json sources = Json::array();
  for (const SourceCoverage& s : p.coverage) {
    sources.push_back({{"name", s.name},
                       {"platform", std::string(platform_name(s.platform))},
                       {"first", date_or_null(s.first)},
                       {"last", date_or_null(s.last)},
                       {"current_days", s.current_days},
                       {"previous_days", s.previous_days},
                       {"compared", s.compared},
                       {"note", s.note.empty() ? Json(nullptr) : Json(s.note)}});
  }
  j["coverage"] = {{"current_days", p.current_covered},
                   {"previous_days", p.previous_covered},
                   {"comparable", p.comparable},
                   {"partial", p.partial},
                   {"sources", std::move(sources)}};
  if (p.partial && p.comparable) {
    j["compared_current"] = period_json(p.compared_current, r.kind, r.metrics_present, mixed);
    j["compared_previous"] = period_json(p.compared_previous, r.kind, r.metrics_present, mixed);
  }
  // Changes only over the sources that cover both windows; none without any.
  Json pts;
  j["change"] = change_json(p.compared_current.sums, p.compared_previous.sums, r.kind, r.metrics_present, mixed,
                            p.comparable, &pts);
  j["change_points"] = std::move(pts);
  return j;
}

Json group_json(const Group& g, DataKind kind, uint32_t present) {
  Json j;
  j["platform"] = std::string(platform_name(g.platform));
  j["currency"] = g.currency.empty() ? Json(nullptr) : Json(g.currency);
  if (kind == DataKind::kAds) {
    j["account_id"] = g.account_id;
    j["campaign_id"] = g.id;
    j["campaign"] = g.name;
  } else {
    j["source"] = g.source;
    j["medium"] = g.medium;
  }
  put_metrics(j, g.sums, kind, present);
  return j;
}

// The sections of one kind: totals, by_platform, by_campaign|by_source, by_day, periods.
void put_sections(Json& doc, const Rollup& r) {
  const bool mixed = r.mixed_currencies();
  Json currencies = Json::array();
  for (const std::string& c : r.currencies) currencies.push_back(c.empty() ? Json(nullptr) : Json(c));
  doc["currencies"] = std::move(currencies);
  const uint32_t present = r.metrics_present;
  put_metrics(doc["totals"], r.totals, r.kind, present, mixed);
  if (mixed) {
    Json by = Json::object();
    for (const auto& [cur, s] : r.totals_by_currency) put_metrics(by[cur.empty() ? "unknown" : cur], s, r.kind, present);
    doc["totals_by_currency"] = std::move(by);
  }
  Json platforms = Json::array();
  for (const Group& g : r.by_platform) {
    Json j;
    j["platform"] = std::string(platform_name(g.platform));
    j["currency"] = g.currency.empty() ? Json(nullptr) : Json(g.currency);
    put_metrics(j, g.sums, r.kind, present);
    platforms.push_back(std::move(j));
  }
  doc["by_platform"] = std::move(platforms);
  Json groups = Json::array();
  for (const Group& g : r.groups) groups.push_back(group_json(g, r.kind, present));
  doc[r.kind == DataKind::kAds ? "by_campaign" : "by_source"] = std::move(groups);
  Json days = Json::array();
  for (const DayGroup& d : r.by_day) {
    Json j;
    j["date"] = iso_date(d.day);
    j["currency"] = d.currency.empty() ? Json(nullptr) : Json(d.currency);
    put_metrics(j, d.sums, r.kind, present);
    days.push_back(std::move(j));
  }
  doc["by_day"] = std::move(days);
  // One line per platform (and currency) for the chart: the campaigns' (sources') day sums added up.
  std::map<std::tuple<Day, Platform, std::string>, Sums> per_platform;
  for (const Group& g : r.groups) {
    for (const auto& [day, sums] : g.by_day.points()) per_platform[{day, g.platform, g.currency}].add(sums);
  }
  Json platform_days = Json::array();
  for (const auto& [k, sums] : per_platform) {
    Json j;
    j["date"] = iso_date(std::get<0>(k));
    j["platform"] = std::string(platform_name(std::get<1>(k)));
    j["currency"] = std::get<2>(k).empty() ? Json(nullptr) : Json(std::get<2>(k));
    put_metrics(j, sums, r.kind, present);
    platform_days.push_back(std::move(j));
  }
  doc["by_platform_day"] = std::move(platform_days);
  doc["date_min"] = date_or_null(r.date_min);
  doc["date_max"] = date_or_null(r.date_max);
  doc["periods"] = periods_json(r);
  if (r.undated) {
    Json period;
    period["undated"] = true;
    period["start"] = r.declared && r.declared->start ? Json(iso_date(*r.declared->start)) : Json(nullptr);
    period["end"] = r.declared && r.declared->end ? Json(iso_date(*r.declared->end)) : Json(nullptr);
    period["whole"] = r.declared && r.declared->whole;
    period["stated"] = r.declared ? Json(r.declared->text) : Json(nullptr);
    doc["declared_period"] = std::move(period);
  }
}

}  // namespace

void put_metrics(Json& out, const Sums& s, DataKind kind, uint32_t present, bool no_money) {
  if (kind == DataKind::kAds) {
    for (AdMetric m : kAdMetrics) {
      const bool hide = (no_money && is_money(m)) || !has(present, m);
      out[std::string(metric_name(m))] = hide ? Json(nullptr) : json_out::micros(s[m]);
    }
  } else {
    for (WebMetric m : kWebMetrics) {
      const bool hide = (no_money && is_money(m)) || !has(present, m);
      out[std::string(metric_name(m))] = hide ? Json(nullptr) : json_out::micros(s[m]);
    }
  }
  for (const Rate& r : rates_of(s, kind, present)) {
    out[r.name] = (no_money && r.money) ? Json(nullptr) : json_out::optional(r.value);
  }
  out["rows"] = s.rows;
}

Json input_json(const InputReport& r) {
  Json j;
  j["name"] = r.table.name;
  j["bytes"] = r.table.bytes;
  j["encoding"] = std::string(encoding_name(r.table.encoding));
  j["bom"] = r.table.bom;
  j["delimiter"] = std::string(1, r.table.dialect.delimiter);
  j["header_row"] = r.table.header_row;
  j["preamble_lines"] = r.table.preamble_lines;
  j["platform"] = std::string(platform_name(r.platform));
  j["kind"] = std::string(data_kind_name(r.kind));
  j["rows"] = r.rows;
  j["rows_without_date"] = r.rows_without_date;
  Json excluded = Json::array();
  for (const ExcludedRow& e : r.excluded_rows) excluded.push_back({{"row", e.row}, {"reason", e.reason}});
  j["excluded_rows"] = std::move(excluded);
  j["excluded_total"] = r.excluded_total;
  Json checks = Json::array();
  for (const SummaryCheck& c : r.checks) {
    Json x;
    x["row"] = c.row;
    x["label"] = c.label;
    x["matches"] = c.matches;
    x["scope"] = c.scope;
    x["rows"] = c.rows;
    if (!c.matches) {
      Json diffs = Json::array();
      for (const auto& d : c.differences) {
        diffs.push_back({{"metric", d.metric}, {"total", json_out::micros(d.total)}, {"sum", json_out::micros(d.sum)}});
      }
      x["differences"] = std::move(diffs);
      if (!c.note.empty()) x["note"] = c.note;
    }
    checks.push_back(std::move(x));
  }
  j["checks"] = std::move(checks);
  if (!r.sections.empty()) {
    Json sections = Json::array();
    for (const SectionReport& sec : r.sections) {
      sections.push_back({{"header_row", sec.header_row}, {"header", sec.header}, {"rows", sec.rows}, {"used", sec.used}});
    }
    j["sections"] = std::move(sections);
  }
  Json dup_lines = Json::array();
  for (const auto& [line, of] : r.duplicates.first) dup_lines.push_back({{"row", line}, {"repeats", of}});
  j["duplicates"] = {{"count", r.duplicates.count}, {"counted_once", r.duplicates.counted_once}, {"first", std::move(dup_lines)}};
  if (r.period) {
    j["period"] = {{"start", date_or_null(r.period->start)}, {"end", date_or_null(r.period->end)},
                   {"whole", r.period->whole}, {"stated", r.period->text}};
  } else {
    j["period"] = nullptr;
  }
  j["lang"] = r.lang.empty() ? Json(nullptr) : Json(r.lang);
  j["decimal_mark"] = r.decimal_mark == DecimalMark::kComma ? Json(",") : r.decimal_mark == DecimalMark::kPoint ? Json(".") : Json(nullptr);
  j["currency"] = r.currency.empty() ? Json(nullptr) : Json(r.currency);
  j["currencies"] = r.currencies;
  j["date_min"] = date_or_null(r.date_min);
  j["date_max"] = date_or_null(r.date_max);
  j["date_format"] = r.date_format == DateFormat::kUnknown ? Json(nullptr) : Json(std::string(date_format_name(r.date_format)));
  Json columns = Json::array();
  for (const ColumnReport& c : r.columns) {
    Json col;
    col["header"] = c.header;
    col["field"] = c.field == Field::kNone ? Json(nullptr) : Json(std::string(field_name(c.field)));
    if (!c.note.empty()) col["note"] = c.note;
    columns.push_back(std::move(col));
  }
  j["columns"] = std::move(columns);
  j["unmapped"] = r.unmapped;
  Json candidates = Json::array();
  for (const DelimiterScore& c : r.table.dialect.candidates) {
    candidates.push_back({{"delimiter", std::string(1, c.delimiter)},
                          {"fields", c.fields},
                          {"consistent_records", c.consistent_records},
                          {"score", c.score}});
  }
  j["dialect"] = {{"delimiter_name", std::string(delimiter_name(r.table.dialect.delimiter))},
                  {"candidates", std::move(candidates)}};
  Json diags = Json::array();
  for (const Diagnostic& d : r.diagnostics.entries()) {
    diags.push_back({{"row", d.row},
                     {"column", d.column},
                     {"severity", std::string(severity_name(d.severity))},
                     {"message", d.message}});
  }
  j["diagnostics"] = std::move(diags);
  j["diagnostics_total"] = r.diagnostics.total();
  return j;
}

Json overlaps_json(const Rollup& ads, const Rollup& web) {
  Json out = Json::array();
  for (const Rollup* r : {&ads, &web}) {
    for (const Overlap& o : r->overlaps) {
      out.push_back({{"kind", std::string(data_kind_name(r->kind))}, {"kept", o.kept}, {"dropped", o.dropped},
                     {"platform", std::string(platform_name(o.platform))}, {"first", iso_date(o.first)},
                     {"last", iso_date(o.last)}, {"days", o.days}, {"campaigns", o.campaigns}, {"cells", o.cells},
                     {"counted_once", o.counted_once}});
    }
  }
  return out;
}

Json analyze_report_json(std::span<const Dataset* const> inputs, int days, std::optional<Day> anchor,
                         const FactBook* book, const AnalysisOptions* analysis) {
  RollupOptions o;
  o.days = days;
  o.anchor = anchor;
  return analyze_report_json(inputs, o, book, analysis, nullptr);
}

Json analyze_report_json(std::span<const Dataset* const> inputs, const RollupOptions& rollup, const FactBook* book,
                         const AnalysisOptions* analysis, const Json& format_info) {
  Json doc;
  bool ads = false, web = false;
  for (const Dataset* d : inputs) {
    ads |= d->report.kind == DataKind::kAds;
    web |= d->report.kind == DataKind::kWeb;
  }
  doc["kind"] = ads && web ? "mixed" : (web ? "web" : "ads");
  Json in = Json::array();
  for (const Dataset* d : inputs) in.push_back(input_json(d->report));
  doc["inputs"] = std::move(in);
  const Rollup a = roll_up(inputs, DataKind::kAds, rollup);
  const Rollup w = roll_up(inputs, DataKind::kWeb, rollup);
  doc["overlaps"] = overlaps_json(a, w);
  if (!format_info.is_null()) doc["format"] = format_info;
  if (ads || !web) put_sections(doc, a);
  if (web) {
    if (ads) {
      put_sections(doc["web"], w);
    } else {
      put_sections(doc, w);
    }
  }
  if (book != nullptr && analysis != nullptr) doc["analysis"] = analysis_json(a, w, *book, *analysis);
  return doc;
}

Json highlight_json(const HighlightResult& r, HighlightType type) {
  Json doc;
  doc["success"] = true;
  doc["highlight_type"] = std::string(highlight_type_name(type));
  if (r.has_period) {
    doc["date_range"] = {{"days", r.days},
                         {"start", iso_date(r.start)},
                         {"end", iso_date(r.end)},
                         {"previous_start", iso_date(r.previous_start)},
                         {"previous_end", iso_date(r.previous_end)}};
  } else {
    doc["date_range"] = nullptr;
  }
  if (r.web_window) {
    doc["web_date_range"] = {{"start", iso_date(r.web_window->first)}, {"end", iso_date(r.web_window->second)},
                             {"previous_start", iso_date(r.web_previous->first)},
                             {"previous_end", iso_date(r.web_previous->second)}};
  }
  if (r.undated) {
    doc["declared_period"] = {{"undated", true},
                              {"start", r.declared && r.declared->start ? Json(iso_date(*r.declared->start)) : Json(nullptr)},
                              {"end", r.declared && r.declared->end ? Json(iso_date(*r.declared->end)) : Json(nullptr)},
                              {"whole", r.declared && r.declared->whole},
                              {"stated", r.declared ? Json(r.declared->text) : Json(nullptr)}};
  }
  doc["notes"] = r.notes;
  Json facts = Json::array();
  for (const Fact& f : r.facts) {
    Json j;
    j["id"] = f.id;
    j["type"] = f.type;
    j["template"] = f.template_id;
    j["metric"] = f.metric;
    j["value"] = f.value;
    j["raw_value"] = f.raw_value;
    j["previous"] = f.raw_previous ? Json(*f.raw_previous) : Json(nullptr);
    j["previous_formatted"] = f.previous ? Json(*f.previous) : Json(nullptr);
    j["change"] = f.change ? Json(*f.change) : Json(nullptr);
    j["change_raw"] = f.change_raw ? Json(*f.change_raw) : Json(nullptr);
    j["change_unit"] = f.change_in_points ? "points" : "fraction";
    j["trend"] = f.trend;
    j["period"] = f.period;
    j["window"] = f.window ? Json({{"start", iso_date(f.window->first)}, {"end", iso_date(f.window->second)}}) : Json(nullptr);
    j["yardstick"] = f.yardstick.empty() ? Json(nullptr) : Json(f.yardstick);
    j["entity"] = {{"level", f.entity.level}, {"id", f.entity.id}, {"name", f.entity.name},
                   {"platform", f.entity.platform.empty() ? Json(nullptr) : Json(f.entity.platform)}};
    j["severity"] = f.severity;
    j["confidence"] = f.confidence;
    j["impact"] = f.impact ? Json(*f.impact) : Json(nullptr);
    j["impact_raw"] = f.impact_raw ? Json(*f.impact_raw) : Json(nullptr);
    j["currency"] = f.currency.empty() ? Json(nullptr) : Json(f.currency);
    Json details = Json::object(), raw = Json::object();
    for (const auto& [k, v] : f.details) details[k] = v;
    for (const auto& [k, v] : f.details_raw) raw[k] = v;
    j["details"] = std::move(details);
    j["details_raw"] = std::move(raw);
    j["sentence"] = f.sentence;
    facts.push_back(std::move(j));
  }
  doc["facts"] = std::move(facts);
  return doc;
}

}  // namespace glint
