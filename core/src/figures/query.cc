// report.query: the query_metrics tool (insights/written.h).
//
// One question a model asks of the data: some metrics over a period, grouped
// by nothing, platform, campaign or day, filtered by platform and campaign.
// Every figure comes from the roll-up's exact sums over that period (overlaps
// of two inputs counted once, as in every report); ratios are computed from
// those sums, never averaged; money is never added across currencies (rows
// split by currency when several meet); whatever cannot be answered is null,
// and a note says why. Relative periods count back from the last day in the
// data: core has no clock.
//
// The metric names are core's own: the base metrics by metric_name(), the
// ratios as the analyze report names them (derive_rates / derive_web_rates),
// plus aov. "revenue" is the web analytics revenue, or the ads' conversion
// value when no web input has revenue.
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "glint/columns.h"
#include "glint/dates.h"
#include "glint/mathx.h"
#include "glint/metrics.h"
#include "glint/rollup.h"
#include "base/text.h"
#include "insights/written.h"

namespace glint {

namespace {

using json_out::Json;

constexpr size_t kMaxRows = 200;
constexpr size_t kMaxMetrics = 32;
constexpr int kMaxRelativeDays = 3660;

enum class Unit { kCount, kMoney, kPercent, kMultiple };

std::string_view unit_name(Unit u) {
  switch (u) {
    case Unit::kMoney: return "money";
    case Unit::kPercent: return "percent";
    case Unit::kMultiple: return "multiple";
    case Unit::kCount: break;
  }
  return "count";
}

using Derive = std::optional<double> (*)(const Sums&);

// A metric the tool answers: a Sums slot, or a ratio of two slots' sums.
struct MetricDef {
  std::string name;
  DataKind kind = DataKind::kAds;
  Unit unit = Unit::kCount;
  bool money = false;      // built on money: never across currencies
  bool additive = true;    // false: a count of people (reach, users) that rows do not add up to
  int slot = -1;           // base metric; -1 for a ratio
  Derive derive = nullptr;  // ratio
  int num = -1, den = -1;  // a ratio's slots
};

size_t kind_index(DataKind k) { return k == DataKind::kAds ? 0 : 1; }

std::string slot_name(DataKind kind, int slot) {
  return std::string(kind == DataKind::kAds ? metric_name(static_cast<AdMetric>(slot))
                                            : metric_name(static_cast<WebMetric>(slot)));
}

std::vector<MetricDef> catalogue() {
  std::vector<MetricDef> out;
  for (int i = 0; i < kMetricSlots; ++i) {
    const auto m = static_cast<AdMetric>(i);
    MetricDef d;
    d.name = metric_name(m);
    d.unit = is_money(m) ? Unit::kMoney : Unit::kCount;
    d.money = is_money(m);
    d.additive = m != AdMetric::kReach;
    d.slot = i;
    out.push_back(std::move(d));
  }
  using A = AdMetric;
  const auto ad_ratio = [&out](const char* name, Unit unit, A num, A den, Derive f) {
    MetricDef d;
    d.name = name;
    d.unit = unit;
    d.money = is_money(num) || is_money(den);
    d.derive = f;
    d.num = static_cast<int>(num);
    d.den = static_cast<int>(den);
    out.push_back(std::move(d));
  };
  ad_ratio("ctr", Unit::kPercent, A::kClicks, A::kImpressions, [](const Sums& s) { return derive_rates(s).ctr; });
  ad_ratio("cpc", Unit::kMoney, A::kSpend, A::kClicks, [](const Sums& s) { return derive_rates(s).cpc; });
  ad_ratio("cpm", Unit::kMoney, A::kSpend, A::kImpressions, [](const Sums& s) { return derive_rates(s).cpm; });
  ad_ratio("cpa", Unit::kMoney, A::kSpend, A::kConversions, [](const Sums& s) { return derive_rates(s).cpa; });
  ad_ratio("roas", Unit::kMultiple, A::kConversionValue, A::kSpend, [](const Sums& s) { return derive_rates(s).roas; });
  ad_ratio("cvr", Unit::kPercent, A::kConversions, A::kClicks, [](const Sums& s) { return derive_rates(s).cvr; });
  // Average order value: metrics.h has no rate for it; the same rule (from sums, null on 0).
  ad_ratio("aov", Unit::kMoney, A::kConversionValue, A::kConversions, [](const Sums& s) -> std::optional<double> {
    if (s[A::kConversions] == 0) return std::nullopt;
    return static_cast<double>(s[A::kConversionValue]) / static_cast<double>(s[A::kConversions]);
  });
  for (int i = 0; i < kMetricSlots; ++i) {
    const auto m = static_cast<WebMetric>(i);
    MetricDef d;
    d.name = metric_name(m);
    d.kind = DataKind::kWeb;
    d.unit = is_money(m) ? Unit::kMoney : Unit::kCount;
    d.money = is_money(m);
    d.additive = m != WebMetric::kUsers;
    d.slot = i;
    out.push_back(std::move(d));
  }
  using W = WebMetric;
  const auto web_ratio = [&out](const char* name, Unit unit, W num, W den, Derive f) {
    MetricDef d;
    d.name = name;
    d.kind = DataKind::kWeb;
    d.unit = unit;
    d.money = is_money(num) || is_money(den);
    d.derive = f;
    d.num = static_cast<int>(num);
    d.den = static_cast<int>(den);
    out.push_back(std::move(d));
  };
  web_ratio("engagement_rate", Unit::kPercent, W::kEngagedSessions, W::kSessions,
            [](const Sums& s) { return derive_web_rates(s).engagement_rate; });
  web_ratio("key_event_rate", Unit::kPercent, W::kKeyEvents, W::kSessions,
            [](const Sums& s) { return derive_web_rates(s).key_event_rate; });
  web_ratio("revenue_per_session", Unit::kMoney, W::kRevenue, W::kSessions,
            [](const Sums& s) { return derive_web_rates(s).revenue_per_session; });
  return out;
}

std::string joined(const std::vector<std::string>& names, std::string_view sep = ", ") {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : std::string(sep)) + n;
  return out;
}

CallResult invalid(const std::string& message) {
  Json doc;
  doc["error"]["code"] = std::string(error_code_name(ErrorCode::kInvalidRequest));
  doc["error"]["message"] = message;
  return {ErrorCode::kInvalidRequest, json_out::dump(doc)};
}

enum class GroupBy { kNone, kPlatform, kCampaign, kDay };

// A requested metric: the name asked for and what answers it.
struct Asked {
  std::string key;
  const MetricDef* def = nullptr;
};

struct Query {
  std::vector<Asked> metrics;
  std::string period_name;  // empty: an explicit {start, end}
  int last_days = 0;        // last_N_days
  Day start = 0, end = 0;   // explicit
  GroupBy group_by = GroupBy::kNone;
  std::string group_by_name = "none";
  std::optional<Platform> platform;
  std::string campaign;         // as asked
  std::string campaign_folded;  // for matching
};

const char* const kPeriodNames[] = {"last_7_days", "last_14_days", "last_28_days", "last_30_days", "last_90_days",
                                    "this_week",   "last_week",    "this_month",   "last_month",   "all"};

std::string period_help() {
  std::string out;
  for (const char* n : kPeriodNames) out += std::string(out.empty() ? "" : ", ") + n;
  return out + " (or last_N_days), or {\"start\":\"YYYY-MM-DD\",\"end\":\"YYYY-MM-DD\"}";
}

// "last_45_days" → 45; 0 when it is not of that form.
int last_n_days(std::string_view s) {
  constexpr std::string_view kHead = "last_", kTail = "_days";
  if (s.size() <= kHead.size() + kTail.size() || s.substr(0, kHead.size()) != kHead ||
      s.substr(s.size() - kTail.size()) != kTail) {
    return 0;
  }
  const std::string_view digits = s.substr(kHead.size(), s.size() - kHead.size() - kTail.size());
  if (digits.size() > 4 || digits.front() == '0') return 0;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n <= kMaxRelativeDays ? n : 0;
}

Status bad(std::string message) { return Status(ErrorCode::kInvalidRequest, std::move(message)); }

Status read_metrics(const Json& doc, const std::vector<MetricDef>& known, bool web_revenue, Query& q,
                    std::vector<std::string>& notes) {
  std::vector<std::string> names;
  for (const MetricDef& d : known) names.push_back(d.name);
  const std::string help = "known metrics: " + joined(names);
  const auto it = doc.find("metrics");
  if (it == doc.end() || it->is_null()) return bad("'metrics' is required: an array of metric names (" + help + ")");
  if (!it->is_array() || it->empty() || it->size() > kMaxMetrics) {
    return bad("'metrics' must be an array of 1 to " + std::to_string(kMaxMetrics) + " metric names (" + help + ")");
  }
  for (const Json& m : *it) {
    if (!m.is_string()) return bad("'metrics' must hold metric names as strings (" + help + ")");
    const std::string name = text::ascii_lower(text::trim(m.get<std::string>()));
    if (std::any_of(q.metrics.begin(), q.metrics.end(), [&](const Asked& a) { return a.key == name; })) continue;
    const MetricDef* def = nullptr;
    if (name == "revenue" && !web_revenue) {
      // Ads exports call it conversion value; "revenue" is the web metric only when a web input has it.
      def = &*std::find_if(known.begin(), known.end(), [](const MetricDef& d) {
        return d.kind == DataKind::kAds && d.slot == static_cast<int>(AdMetric::kConversionValue);
      });
      notes.push_back("revenue is the ads' conversion value (no web analytics input has revenue).");
    } else {
      for (const MetricDef& d : known) {
        if (d.name == name) {
          def = &d;
          break;
        }
      }
    }
    if (def == nullptr) return bad("'metrics': unknown metric '" + m.get<std::string>() + "'; " + help);
    q.metrics.push_back({name, def});
  }
  return Status::Ok();
}

Status read_period(const Json& doc, Query& q) {
  const auto it = doc.find("period");
  if (it == doc.end() || it->is_null()) return bad("'period' is required: one of " + period_help());
  if (it->is_string()) {
    const std::string name = it->get<std::string>();
    q.last_days = last_n_days(name);
    if (q.last_days == 0 && std::none_of(std::begin(kPeriodNames), std::end(kPeriodNames),
                                         [&](const char* n) { return name == n; })) {
      return bad("'period' must be one of " + period_help() + " (got '" + name + "')");
    }
    q.period_name = name;
    return Status::Ok();
  }
  if (!it->is_object()) return bad("'period' must be one of " + period_help());
  for (const auto& [k, v] : it->items()) {
    if (k != "start" && k != "end") return bad("'period' may hold only start and end (got '" + k + "')");
  }
  for (const auto& [k, out] : {std::pair{"start", &q.start}, std::pair{"end", &q.end}}) {
    const auto v = it->find(k);
    const std::string got = v == it->end() ? "nothing" : "'" + (v->is_string() ? v->get<std::string>() : v->dump()) + "'";
    const std::optional<Day> d = v != it->end() && v->is_string() ? parse_iso_date(v->get<std::string>()) : std::nullopt;
    if (!d) return bad(std::string("'period.") + k + "' must be a date YYYY-MM-DD (got " + got + ")");
    *out = *d;
  }
  if (q.start > q.end) {
    return bad("'period': start " + iso_date(q.start) + " is after end " + iso_date(q.end));
  }
  return Status::Ok();
}

Status read_group_by(const Json& doc, Query& q) {
  const auto it = doc.find("group_by");
  if (it == doc.end() || it->is_null()) return Status::Ok();
  const std::string got = it->is_string() ? it->get<std::string>() : it->dump();
  static constexpr std::pair<std::string_view, GroupBy> kNames[] = {
      {"none", GroupBy::kNone}, {"platform", GroupBy::kPlatform}, {"campaign", GroupBy::kCampaign}, {"day", GroupBy::kDay}};
  for (const auto& [name, g] : kNames) {
    if (it->is_string() && got == name) {
      q.group_by = g;
      q.group_by_name = std::string(name);
      return Status::Ok();
    }
  }
  return bad("'group_by' must be one of none, platform, campaign, day (got '" + got + "')");
}

Status read_filters(const Json& doc, Query& q) {
  const auto it = doc.find("filters");
  if (it == doc.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return bad("'filters' must be an object with an optional platform and campaign");
  for (const auto& [k, v] : it->items()) {
    if (k != "platform" && k != "campaign") return bad("'filters' may hold only platform and campaign (got '" + k + "')");
    if (v.is_null()) continue;
    if (!v.is_string()) return bad("'filters." + k + "' must be a string");
    const std::string s(text::trim_spaces(v.get<std::string>()));
    if (k == "campaign") {
      if (s.empty()) return bad("'filters.campaign' must be a campaign name or id");
      q.campaign = s;
      q.campaign_folded = text::fold_case(s);
      continue;
    }
    const std::string folded = text::fold_case(s);
    std::vector<std::string> names;
    for (int p = 0; p < static_cast<int>(Platform::kCount); ++p) {
      const auto platform = static_cast<Platform>(p);
      names.emplace_back(platform_name(platform));
      if (folded == platform_name(platform) ||
          (!platform_display_name(platform).empty() && folded == text::fold_case(platform_display_name(platform)))) {
        q.platform = platform;
      }
    }
    if (!q.platform) return bad("'filters.platform' must be one of " + joined(names) + " (got '" + s + "')");
  }
  return Status::Ok();
}

std::string base_name(const std::string& name) {
  const size_t slash = name.find_last_of("/\\");
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

// One row of the answer: the sums of each kind that fall in it.
struct Row {
  Json group;
  std::string name;  // for sorting: platform or campaign name
  std::array<Sums, 2> sums{};
  std::array<bool, 2> has{};
  std::array<std::set<std::string>, 2> currencies;
};

// Notes said once each, in the order first said.
struct Notes {
  std::vector<std::string> list;
  std::set<std::string> said;
  void add(std::string s) {
    if (said.insert(s).second) list.push_back(std::move(s));
  }
};

}  // namespace

CallResult query_metrics_call(const json_out::Json& request, std::span<const Dataset* const> inputs,
                              const fmt::NumberFormat& nf, const json_out::Json& format) {
  RollupOptions options;  // no comparison periods: the query reads the day series
  const std::array<Rollup, 2> rolled = {roll_up(inputs, DataKind::kAds, options), roll_up(inputs, DataKind::kWeb, options)};
  const Rollup& web = rolled[1];
  const bool web_revenue = (web.metrics_present >> static_cast<unsigned>(WebMetric::kRevenue)) & 1u;

  const std::vector<MetricDef> known = catalogue();
  Query q;
  Notes notes;
  std::vector<std::string> early;
  if (Status s = read_metrics(request, known, web_revenue, q, early); !s.ok()) return invalid(s.message());
  if (Status s = read_period(request, q); !s.ok()) return invalid(s.message());
  if (Status s = read_group_by(request, q); !s.ok()) return invalid(s.message());
  if (Status s = read_filters(request, q); !s.ok()) return invalid(s.message());
  for (const auto& [k, v] : request.items()) {
    static constexpr std::string_view kKnown[] = {"handles", "locale", "metrics", "period", "group_by", "filters"};
    if (std::find(std::begin(kKnown), std::end(kKnown), k) == std::end(kKnown)) {
      early.push_back("The parameter '" + k + "' is not one query_metrics reads; it was ignored.");
    }
  }

  // Which kinds the metrics need, and which of those kinds hold money metrics.
  std::array<bool, 2> needed{}, money_kind{};
  for (const Asked& a : q.metrics) {
    needed[kind_index(a.def->kind)] = true;
    money_kind[kind_index(a.def->kind)] = money_kind[kind_index(a.def->kind)] || a.def->money;
  }

  // The data's days: the last one anchors relative periods.
  std::optional<Day> first, last;
  for (const Rollup& r : rolled) {
    if (r.date_min && (!first || *r.date_min < *first)) first = r.date_min;
    if (r.date_max && (!last || *r.date_max > *last)) last = r.date_max;
  }
  const bool all = q.period_name == "all";
  std::optional<Day> start, end;
  if (!q.period_name.empty() && !all) {
    if (!last) {
      std::string stated;
      for (const Rollup& r : rolled) {
        if (r.declared && !r.declared->text.empty()) stated = " (the exports state " + r.declared->text + ")";
      }
      return invalid("'period': the inputs have no day per row" + stated + ", so only period \"all\" can be asked (got '" +
                     q.period_name + "')");
    }
    const Day l = *last;
    const Civil c = civil_from_day(l);
    const Day month_start = *day_from_civil(c.year, c.month, 1);
    if (q.last_days > 0) {
      start = l - q.last_days + 1;
      end = l;
    } else if (q.period_name == "this_week") {
      start = l - weekday(l);
      end = l;
    } else if (q.period_name == "last_week") {
      end = l - weekday(l) - 1;
      start = *end - 6;
    } else if (q.period_name == "this_month") {
      start = month_start;
      end = l;
    } else {  // last_month
      end = month_start - 1;
      const Civil p = civil_from_day(*end);
      start = *day_from_civil(p.year, p.month, 1);
    }
    notes.add("Period " + q.period_name + ": " + iso_date(*start) + " to " + iso_date(*end) + ", ending on " +
              iso_date(*end) + "; relative periods count back from " + iso_date(l) +
              ", the last day in the data, not from today.");
  } else if (!all) {
    start = q.start;
    end = q.end;
    notes.add("Period " + iso_date(q.start) + " to " + iso_date(q.end) + " as asked" +
              (first ? "; the data runs from " + iso_date(*first) + " to " + iso_date(*last) + "." : "."));
  } else if (first) {
    notes.add("Period all: the whole data, " + iso_date(*first) + " to " + iso_date(*last) + ".");
  } else {
    notes.add("Period all: the whole of each export (its rows have no day of their own).");
  }
  for (std::string& n : early) notes.add(std::move(n));

  Json period;
  if (start) {
    period = {{"start", iso_date(*start)}, {"end", iso_date(*end)}, {"days", *end - *start + 1}};
  } else if (first) {
    period = {{"start", iso_date(*first)}, {"end", iso_date(*last)}, {"days", *last - *first + 1}};
  } else {
    std::optional<DeclaredPeriod> declared;
    for (const Rollup& r : rolled) {
      if (r.declared && r.declared->start && (!declared || !declared->start)) declared = r.declared;
    }
    if (declared && declared->start) {
      period = {{"start", iso_date(*declared->start)}, {"end", iso_date(*declared->end)},
                {"days", *declared->end - *declared->start + 1}};
    } else {
      period = {{"start", nullptr}, {"end", nullptr}, {"days", nullptr}};
    }
  }

  // What the inputs cover of the period, and what they cannot give it.
  int64_t undated_rows = 0;
  std::vector<std::string> undated_files;
  for (const Dataset* d : inputs) {
    if (!needed[kind_index(d->report.kind)]) continue;
    const std::string name = base_name(d->report.table.name);
    if (d->report.rows_without_date > 0) {
      undated_rows += static_cast<int64_t>(d->report.rows_without_date);
      undated_files.push_back(name);
    }
    if (!start || !d->report.date_min || !d->report.date_max) continue;
    const Day a = *d->report.date_min, b = *d->report.date_max;
    if (b < *start || a > *end) {
      notes.add(name + " has no data in the period (it covers " + iso_date(a) + " to " + iso_date(b) + ").");
    } else if (b < *end) {
      notes.add(name + " has no data after " + iso_date(b) + ".");
    } else if (a > *start) {
      notes.add(name + " has no data before " + iso_date(a) + ".");
    }
  }
  if (undated_rows > 0 && (!all || q.group_by == GroupBy::kDay)) {
    notes.add(std::to_string(undated_rows) + " rows without a date (" + joined(undated_files) +
              ") are left out: only period \"all\" without group_by day counts them.");
  }
  for (const Rollup& r : rolled) {
    for (const Overlap& o : r.overlaps) {
      if (!needed[kind_index(r.kind)] || (start && (o.last < *start || o.first > *end))) continue;
      notes.add(o.dropped + " and " + o.kept + " hold the same campaigns on " + std::to_string(o.days) + " days (" +
                iso_date(o.first) + " to " + iso_date(o.last) + "): " +
                (o.counted_once ? "counted once, from " + o.kept : "counted twice, as asked") + ".");
    }
  }
  if (q.platform || !q.campaign.empty()) {
    std::string f = "Filtered to";
    if (q.platform) f += " platform " + std::string(platform_name(*q.platform));
    if (!q.campaign.empty()) f += std::string(q.platform ? " and" : "") + " campaign '" + q.campaign + "' (name or id)";
    notes.add(f + ".");
  }

  // The pieces: each group's sums over the period (or its day points).
  struct Piece {
    DataKind kind;
    const Group* g;
    Day day;
    Sums sums;
  };
  std::vector<Piece> pieces;
  std::array<bool, 2> matched{};
  for (const Rollup& r : rolled) {
    const size_t k = kind_index(r.kind);
    if (!needed[k]) continue;
    if (r.kind == DataKind::kWeb && (q.group_by == GroupBy::kCampaign || !q.campaign.empty())) {
      notes.add("Web analytics rows are by source / medium, not by ad campaign: web metrics are null when grouping or "
                "filtering by campaign.");
      continue;
    }
    for (const Group& g : r.groups) {
      if (q.platform && g.platform != *q.platform) continue;
      if (!q.campaign.empty() && text::fold_case(g.name) != q.campaign_folded &&
          (g.id.empty() || text::fold_case(g.id) != q.campaign_folded)) {
        continue;
      }
      matched[k] = true;
      if (q.group_by == GroupBy::kDay) {
        const auto& points = g.by_day.points();
        for (size_t i = start ? g.by_day.lower_bound(*start) : 0; i < points.size() && (!end || points[i].first <= *end);
             ++i) {
          pieces.push_back({r.kind, &g, points[i].first, points[i].second});
        }
      } else {
        const Sums s = start ? g.by_day.window(*start, *end) : g.sums;
        if (s.rows > 0) pieces.push_back({r.kind, &g, kNoDay, s});
      }
    }
  }
  // Why a filter matched nothing.
  if (!q.campaign.empty() && !matched[0] && needed[0]) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const Group& g : rolled[0].groups) {
      if ((q.platform && g.platform != *q.platform) || !seen.insert(g.name).second) continue;
      if (names.size() < 20) names.push_back("'" + g.name + "'");
    }
    notes.add("No campaign is named or numbered '" + q.campaign + "'" +
              (q.platform ? " on " + std::string(platform_name(*q.platform)) : "") +
              (names.empty() ? "." : "; campaigns: " + joined(names) + (seen.size() > names.size() ? ", …" : "") + "."));
  } else if (q.platform && !matched[0] && !matched[1]) {
    std::set<std::string> have;
    for (const Rollup& r : rolled) {
      for (const Group& g : r.by_platform) have.emplace(platform_name(g.platform));
    }
    notes.add("No input holds " + std::string(platform_name(*q.platform)) + " data; platforms: " +
              joined(std::vector<std::string>(have.begin(), have.end())) + ".");
  }

  // Money is never added across currencies: split rows by currency when the
  // kinds whose money is asked for meet several.
  std::set<std::string> currencies;
  for (const Piece& p : pieces) {
    if (money_kind[kind_index(p.kind)]) currencies.insert(p.g->currency);
  }
  const bool split = currencies.size() > 1;
  if (split) {
    std::vector<std::string> codes;
    for (const std::string& c : currencies) codes.push_back(c.empty() ? "not stated" : c);
    notes.add("Money is never added across currencies: rows are split by currency (" + joined(codes) +
              "); each row's figures are in its currency only.");
  }

  std::map<std::string, Row> rows;
  for (const Piece& p : pieces) {
    const size_t k = kind_index(p.kind);
    const std::string currency = split && money_kind[k] ? p.g->currency : "";
    std::string key;
    Json group = Json::object();
    std::string name;
    switch (q.group_by) {
      case GroupBy::kNone: break;
      case GroupBy::kPlatform:
        name = platform_name(p.g->platform);
        key = name;
        group["platform"] = name;
        break;
      case GroupBy::kCampaign:
        name = p.g->name;
        key = std::string(platform_name(p.g->platform)) + "\x1f" + p.g->account_id + "\x1f" +
              (p.g->id.empty() ? "name:" + p.g->name : "id:" + p.g->id);
        group["campaign"] = p.g->name;
        group["platform"] = std::string(platform_name(p.g->platform));
        group["id"] = p.g->id.empty() ? Json(nullptr) : Json(p.g->id);
        if (!p.g->account_id.empty()) group["account_id"] = p.g->account_id;
        break;
      case GroupBy::kDay:
        key = iso_date(p.day);
        group["day"] = key;
        break;
    }
    if (split) {
      key += "\x1f" + currency;
      group["currency"] = currency.empty() ? Json(nullptr) : Json(currency);
    }
    auto [it, fresh] = rows.try_emplace(key);
    Row& row = it->second;
    if (fresh) {
      row.group = std::move(group);
      row.name = std::move(name);
    }
    row.sums[k].add(p.sums);
    row.has[k] = true;
    row.currencies[k].insert(p.g->currency);
  }

  std::vector<Row> ordered;
  ordered.reserve(rows.size());
  for (auto& [key, row] : rows) ordered.push_back(std::move(row));
  if (q.group_by == GroupBy::kPlatform || q.group_by == GroupBy::kCampaign) {
    // The biggest first: ads rows by spend, then web rows by sessions.
    std::stable_sort(ordered.begin(), ordered.end(), [](const Row& a, const Row& b) {
      if (a.has[0] != b.has[0]) return a.has[0];
      const int64_t wa = a.has[0] ? a.sums[0][AdMetric::kSpend] : a.sums[1][WebMetric::kSessions];
      const int64_t wb = b.has[0] ? b.sums[0][AdMetric::kSpend] : b.sums[1][WebMetric::kSessions];
      if (wa != wb) return wa > wb;
      return a.name < b.name;
    });
  }
  if (ordered.size() > kMaxRows) {
    const size_t total = ordered.size();
    if (q.group_by == GroupBy::kDay) {
      ordered.erase(ordered.begin(), ordered.end() - static_cast<std::ptrdiff_t>(kMaxRows));
      notes.add("Only the last " + std::to_string(kMaxRows) + " of " + std::to_string(total) +
                " rows are shown (from " + ordered.front().group["day"].get<std::string>() +
                "); ask for a shorter period for the earlier days.");
    } else {
      ordered.resize(kMaxRows);
      notes.add("Only the first " + std::to_string(kMaxRows) + " of " + std::to_string(total) +
                " rows are shown (the biggest by spend, then sessions); filter to see the others.");
    }
  }
  if (q.group_by == GroupBy::kDay && start) {
    std::set<std::string> days;
    for (const Row& r : ordered) days.insert(r.group["day"].get<std::string>());
    const int64_t span = *end - *start + 1;
    if (rows.size() <= kMaxRows && static_cast<int64_t>(days.size()) < span) {
      notes.add(std::to_string(span - static_cast<int64_t>(days.size())) + " of the " + std::to_string(span) +
                " days have no rows: they are left out, not counted as zero.");
    }
  }
  if (pieces.empty()) notes.add("No rows match the period and filters.");

  // Metrics the inputs cannot give at all.
  const auto present = [&](DataKind kind, int slot) {
    return ((rolled[kind_index(kind)].metrics_present >> static_cast<unsigned>(slot)) & 1u) != 0;
  };
  for (const Asked& a : q.metrics) {
    const MetricDef& d = *a.def;
    const std::string what = d.kind == DataKind::kAds ? "ads" : "web analytics";
    std::vector<std::string> missing;
    for (int slot : {d.slot, d.num, d.den}) {
      if (slot >= 0 && !present(d.kind, slot)) missing.push_back(slot_name(d.kind, slot));
    }
    if (!missing.empty()) {
      notes.add(a.key + " is null: no " + what + " input has a " + joined(missing, " or ") + " column.");
    } else if (!d.additive) {
      notes.add(a.key + " counts people, and the same people appear on several days and in several campaigns, so "
                "glint never adds it up: it is shown only where a row is one row of the export as written (such as an "
                "undated export's campaign total with period \"all\" and group_by campaign), else null.");
    }
  }

  // The rows' metrics.
  std::map<std::string, int64_t> zero_den;
  Json out_rows = Json::array();
  for (const Row& row : ordered) {
    Json metrics = Json::object();
    for (const Asked& a : q.metrics) {
      const MetricDef& d = *a.def;
      const size_t k = kind_index(d.kind);
      const Sums& s = row.sums[k];
      const std::string currency = row.currencies[k].size() == 1 ? *row.currencies[k].begin() : "";
      std::optional<double> v;
      Json value = nullptr;
      const bool columns = (d.slot < 0 || present(d.kind, d.slot)) && (d.num < 0 || present(d.kind, d.num)) &&
                           (d.den < 0 || present(d.kind, d.den));
      if (!row.has[k] || !columns || (d.money && row.currencies[k].size() > 1)) {
        // No data of its kind in the row, no column, or money in several currencies: null.
      } else if (d.slot >= 0) {
        if (d.additive || s.rows == 1) {
          value = json_out::micros(s.v[static_cast<size_t>(d.slot)]);
          v = from_micros(s.v[static_cast<size_t>(d.slot)]);
        }
      } else {
        v = d.derive(s);
        if (v) {
          value = mathx::round_to(*v, 6);
        } else {
          ++zero_den[a.key];
        }
      }
      Json m;
      m["value"] = std::move(value);
      if (!v) {
        m["formatted"] = nullptr;
      } else if (d.unit == Unit::kMoney) {
        m["formatted"] = fmt::money(*v, currency, nf);
      } else if (d.unit == Unit::kPercent) {
        m["formatted"] = fmt::percent(*v, nf);
      } else if (d.unit == Unit::kMultiple) {
        m["formatted"] = fmt::multiple(*v, nf);
      } else {
        m["formatted"] = fmt::count(*v, nf);
      }
      if (d.unit == Unit::kMoney) m["currency"] = currency.empty() ? Json(nullptr) : Json(currency);
      m["unit"] = std::string(unit_name(d.unit));
      metrics[a.key] = std::move(m);
    }
    out_rows.push_back({{"group", row.group}, {"metrics", std::move(metrics)}});
  }
  for (const Asked& a : q.metrics) {
    const auto it = zero_den.find(a.key);
    if (it == zero_den.end()) continue;
    notes.add(a.key + " is null in " + std::to_string(it->second) + (it->second == 1 ? " row" : " rows") + ": its " +
              slot_name(a.def->kind, a.def->den) + " add up to 0 there, and a ratio needs a denominator above 0.");
  }

  Json doc;
  doc["period"] = std::move(period);
  doc["group_by"] = q.group_by_name;
  doc["rows"] = std::move(out_rows);
  doc["notes"] = notes.list;
  doc["format"] = format;
  return {ErrorCode::kOk, json_out::dump(doc)};
}

}  // namespace glint
