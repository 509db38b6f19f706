#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "glint/format.h"
#include "glint/insights.h"
#include "glint/mathx.h"
#include "base/text.h"

namespace glint {

std::string_view highlight_type_name(HighlightType t) {
  switch (t) {
    case HighlightType::kSummary: return "summary";
    case HighlightType::kGrow: return "grow";
    case HighlightType::kOptimize: return "optimize";
    case HighlightType::kProtect: return "protect";
  }
  return "summary";
}

std::optional<HighlightType> highlight_type_from_name(std::string_view name) {
  for (HighlightType t : {HighlightType::kSummary, HighlightType::kGrow, HighlightType::kOptimize,
                          HighlightType::kProtect}) {
    if (highlight_type_name(t) == name) return t;
  }
  return std::nullopt;
}

double FactBook::threshold(std::string_view key, double fallback) const {
  const auto it = thresholds.find(key);
  return it == thresholds.end() ? fallback : it->second;
}

FactBook parse_fact_book(std::string_view json_text) {
  FactBook b;
  const auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (!doc.is_object()) return b;
  for (const char* section : {"templates", "labels"}) {
    const auto it = doc.find(section);
    if (it == doc.end() || !it->is_object()) continue;
    auto& target = std::string_view(section) == "templates" ? b.templates : b.labels;
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) target.emplace(k, v.get<std::string>());
    }
  }
  if (const auto it = doc.find("thresholds"); it != doc.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (v.is_number()) b.thresholds.emplace(k, v.get<double>());
    }
  }
  for (const auto& [section, target] : {std::pair{"spans", &b.spans}, std::pair{"notes", &b.notes}}) {
    const auto it = doc.find(section);
    if (it == doc.end() || !it->is_object()) continue;
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) target->emplace(k, v.get<std::string>());
    }
  }
  if (const auto it = doc.find("lists"); it != doc.end() && it->is_object()) {
    for (const auto& [k, v] : it->items()) {
      if (!v.is_array()) continue;
      auto& list = b.lists[k];
      for (const auto& w : v) {
        if (w.is_string()) list.push_back(text::fold_case(w.get<std::string>()));
      }
    }
  }
  return b;
}

bool FactBook::listed(std::string_view list, std::string_view cell, bool whole) const {
  if (cell.empty()) return false;  // most campaigns: no type, no status
  const auto it = lists.find(list);
  if (it == lists.end()) return false;
  const std::string folded = text::fold_case(text::trim_spaces(cell));
  for (const std::string& w : it->second) {
    if (whole ? folded == w : folded.find(w) != std::string::npos) return true;
  }
  return false;
}

Objective campaign_objective(const Group& g, const FactBook& book) {
  if (book.listed("awareness_types", g.attrs.type)) return Objective::kAwareness;
  if (book.listed("traffic_types", g.attrs.type)) return Objective::kTraffic;
  return Objective::kConversions;
}

bool campaign_inactive(const Group& g, const FactBook& book) { return book.listed("inactive_status", g.attrs.status); }

bool campaign_budget_limited(const Group& g, const FactBook& book) {
  return book.listed("budget_limited_status", g.attrs.status);
}

namespace {

double d(int64_t micros) { return static_cast<double>(micros) / 1e6; }

using AM = AdMetric;
using WM = WebMetric;

struct Window {
  Day start = 0, end = 0;
  bool contains(Day day) const { return day >= start && day <= end; }
};

Sums window_sums(const DaySeries& by_day, const Window& w) { return by_day.window(w.start, w.end); }

std::optional<double> ratio(double num, double den) {
  if (den == 0) return std::nullopt;
  return num / den;
}

// Two-sided confidence that two proportions differ (pooled z-test).
double two_proportion_confidence(double x1, double n1, double x2, double n2) {
  if (n1 <= 0 || n2 <= 0) return 0;
  const double p = (x1 + x2) / (n1 + n2);
  const double se = std::sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se == 0) return 0;
  const double z = std::fabs(x1 / n1 - x2 / n2) / se;
  return 1.0 - 2.0 * (1.0 - mathx::normal_cdf(z));
}

// Two-sided confidence that two Poisson counts over equal windows differ.
double poisson_confidence(double c1, double c2) {
  if (c1 + c2 <= 0) return 0;
  const double z = std::fabs(c1 - c2) / std::sqrt(c1 + c2);
  return 1.0 - 2.0 * (1.0 - mathx::normal_cdf(z));
}

// Two-sided confidence that a daily metric's mean differs between two
// windows (Welch's t, normal approximation). Daily counts of conversions are
// over-dispersed — far noisier than Poisson — so where the days are known this
// is the honest test; days without rows count as zero.
template <typename M>
double daily_confidence(const DaySeries& by_day, const Window& a, const Window& b, M metric) {
  auto stats = [&](const Window& w, double& mean, double& var) {
    const int n = w.end - w.start + 1;
    double sum = 0, sq = 0;
    const auto& pts = by_day.points();
    for (size_t i = by_day.lower_bound(w.start); i < pts.size() && pts[i].first <= w.end; ++i) {
      const double x = d(pts[i].second[metric]);  // days without a point add 0
      sum += x;
      sq += x * x;
    }
    mean = sum / n;
    var = n > 1 ? (sq - n * mean * mean) / (n - 1) : 0.0;
    return n;
  };
  double ma = 0, va = 0, mb = 0, vb = 0;
  const int na = stats(a, ma, va), nb = stats(b, mb, vb);
  const double se = std::sqrt(std::max(0.0, va) / na + std::max(0.0, vb) / nb);
  if (se == 0) return ma == mb ? 0.0 : 1.0;
  return 1.0 - 2.0 * (1.0 - mathx::normal_cdf(std::fabs(ma - mb) / se));
}

// The same for a daily ratio (CPC = spend / clicks), over the days that have
// a denominator.
double daily_ratio_confidence(const DaySeries& by_day, const Window& a, const Window& b, AdMetric num,
                              AdMetric den) {
  auto stats = [&](const Window& w, double& mean, double& var) {
    std::vector<double> xs;
    const auto& pts = by_day.points();
    for (size_t i = by_day.lower_bound(w.start); i < pts.size() && pts[i].first <= w.end; ++i) {
      if (pts[i].second[den] > 0) xs.push_back(d(pts[i].second[num]) / d(pts[i].second[den]));
    }
    const double n = static_cast<double>(xs.size());
    double sum = 0;
    for (double x : xs) sum += x;
    mean = n > 0 ? sum / n : 0;
    double sq = 0;
    for (double x : xs) sq += (x - mean) * (x - mean);
    var = n > 1 ? sq / (n - 1) : 0;
    return n;
  };
  double ma = 0, va = 0, mb = 0, vb = 0;
  const double na = stats(a, ma, va), nb = stats(b, mb, vb);
  if (na < 2 || nb < 2) return 0;
  const double se = std::sqrt(va / na + vb / nb);
  if (se == 0) return ma == mb ? 0.0 : 1.0;
  return 1.0 - 2.0 * (1.0 - mathx::normal_cdf(std::fabs(ma - mb) / se));
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2), v.end());
  const double hi = v[n / 2];
  if (n % 2) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2));
  return (lo + hi) / 2;
}

std::string platform_label(Platform p) {
  const std::string_view name = platform_display_name(p);
  return name.empty() ? "Other" : std::string(name);
}

// One currency's account: the unit money facts are computed in.
struct Account {
  std::string currency;
  Sums cur, prev;
  Sums cmp_cur, cmp_prev;  // over the sources that cover both windows
  bool compared_any = false;  // some campaign of it comes from such a source
  DaySeries daily;
  double spending_campaigns = 0;  // campaigns with spend in the current period
  double active_campaigns = 0;    // campaigns with rows in either period (tests run)
};

struct CampaignView {
  const Group* g;
  Sums cur, prev;
};

struct PlatformView {
  Platform platform;
  std::string currency;
  Sums cur, prev;
};

class Builder {
 public:
  Builder(const Rollup& ads, const Rollup& web, const FactBook& book, const HighlightOptions& options,
          HighlightResult& out)
      : ads_(ads), web_(web), book_(book), options_(options), nf_(options.format), out_(out) {}

  void run(HighlightType type) {
    const Rollup& base = ads_.periods ? ads_ : web_;
    if (!base.periods) {
      if (ads_.undated && !ads_.groups.empty()) run_undated(type);
      return;
    }
    const Periods& p = *base.periods;
    days_ = p.days;
    cur_ = {p.current.start, p.current.end};
    prev_ = {p.previous.start, p.previous.end};
    out_.has_period = true;
    out_.days = days_;
    out_.start = cur_.start;
    out_.end = cur_.end;
    out_.previous_start = prev_.start;
    out_.previous_end = prev_.end;
    switch (p.compare) {
      case CompareMode::kPrevious: versus_ = "the previous " + std::to_string(p.previous_days_length) + " days"; break;
      case CompareMode::kYear: versus_ = "the same period last year"; break;
      case CompareMode::kCustom: versus_ = "the period " + iso_date(prev_.start) + " – " + iso_date(prev_.end); break;
      case CompareMode::kNone: versus_.clear(); break;
    }
    period_ = versus_.empty() ? "" : p.compare == CompareMode::kPrevious ? "vs previous " + std::to_string(days_) + " days"
                                                                          : "vs " + versus_;
    // A chosen range reads "from … to …"; the last N days of the data as before.
    if (p.chosen_start || (base.date_max && p.anchor != *base.date_max)) {
      span_ = fill(book_.spans.count("range") ? book_.spans.at("range") : "from {start} to {end}",
                   {{"start", iso_date(cur_.start)}, {"end", iso_date(cur_.end)}});
    } else {
      span_ = fill(book_.spans.count("days") ? book_.spans.at("days") : "in the last {days} days", {{"days", std::to_string(days_)}});
    }
    if (period_.empty()) period_ = span_;
    window_ = std::pair{cur_.start, cur_.end};
    if (web_.periods && (!ads_.periods || web_.periods->current.end != p.current.end)) {
      out_.web_window = std::pair{web_.periods->current.start, web_.periods->current.end};
      out_.web_previous = std::pair{web_.periods->previous.start, web_.periods->previous.end};
      if (ads_.periods) {
        out_.notes.push_back(fill(note("web_window"), {{"web_start", iso_date(web_.periods->current.start)},
                                                       {"web_end", iso_date(web_.periods->current.end)},
                                                       {"start", iso_date(cur_.start)},
                                                       {"end", iso_date(cur_.end)}}));
      }
    }
    for (const Rollup* r : {&ads_, &web_}) {
      if (!r->periods) continue;
      if (r->periods->compare == CompareMode::kNone) {
        out_.notes.push_back(fill(note("no_comparison"), {{"start", iso_date(r->periods->current.start)},
                                                          {"end", iso_date(r->periods->current.end)}}));
      } else if (!r->periods->comparable && r->periods->compare != CompareMode::kPrevious) {
        out_.notes.push_back(fill(note("uncovered_window"),
                                  {{"days", std::to_string(days_)},
                                   {"compared", iso_date(r->periods->previous.start) + " – " + iso_date(r->periods->previous.end)}}));
      } else if (!r->periods->comparable) {
        out_.notes.push_back(fill(note("uncovered"), {{"days", std::to_string(days_)}}));
      } else if (r->periods->partial) {
        out_.notes.push_back(fill(note("partial"), {{"partial", partial_text(*r->periods)}}));
      }
    }
    if (ads_.periods) prepare_ads();
    switch (type) {
      case HighlightType::kSummary: summary(); break;
      case HighlightType::kGrow: grow(); break;
      case HighlightType::kOptimize: optimize(); break;
      case HighlightType::kProtect: protect(); break;
    }
  }

 private:
  double th(std::string_view k, double fallback) const { return book_.threshold(k, fallback); }

  std::string fx_money(double v, const std::string& c) const { return fmt::money(v, c, nf_); }
  std::string fx_count(double v) const { return fmt::count(v, nf_); }
  std::string fx_percent(double v) const { return fmt::percent(v, nf_); }
  std::string fx_multiple(double v) const { return fmt::multiple(v, nf_); }
  std::string fx_change(double v) const { return fmt::change(v, nf_); }
  std::string fx_points(double v) const { return fmt::points(v, nf_); }

  // A template of facts.json (a fact's, a span's, a note's) with its {names}
  // filled; an unknown name stays as written.
  static std::string fill(const std::string& t, const std::map<std::string, std::string, std::less<>>& vars) {
    std::string out;
    for (size_t i = 0; i < t.size();) {
      if (t[i] == '{') {
        const size_t close = t.find('}', i);
        if (close != std::string::npos) {
          const auto v = vars.find(std::string_view(t).substr(i + 1, close - i - 1));
          if (v != vars.end()) {
            out += v->second;
            i = close + 1;
            continue;
          }
        }
      }
      out.push_back(t[i++]);
    }
    return out;
  }
  std::string note(std::string_view key) const {
    const auto it = book_.notes.find(key);
    return it == book_.notes.end() ? std::string(key) : it->second;
  }
  static std::string partial_text(const Periods& p) {
    std::string s;
    for (const SourceCoverage& c : p.coverage) {
      if (!c.compared && !c.note.empty()) s += (s.empty() ? "" : "; ") + c.note;
    }
    return s;
  }

  // An export without a day per row: its campaigns compared with each other
  // over the whole period it states; nothing that needs dates.
  void run_undated(HighlightType type) {
    cross_ = true;
    out_.undated = true;
    out_.declared = ads_.declared;
    std::string period_text;
    if (!ads_.declared) {
      span_ = book_.spans.count("unknown") ? book_.spans.at("unknown") : "over the export's period";
      period_text = "period not stated";
    } else if (ads_.declared->whole) {
      span_ = book_.spans.count("whole") ? book_.spans.at("whole") : "over all time";
      period_text = ads_.declared->text;
    } else {
      span_ = fill(book_.spans.count("range") ? book_.spans.at("range") : "from {start} to {end}",
                   {{"start", iso_date(*ads_.declared->start)}, {"end", iso_date(*ads_.declared->end)}});
      period_text = iso_date(*ads_.declared->start) + " to " + iso_date(*ads_.declared->end);
    }
    period_ = span_;
    out_.notes.push_back(fill(note("undated"), {{"period", period_text}}));
    for (const std::string& c : ads_.currencies) accounts_.push_back(new_account(c));
    for (const Group& g : ads_.groups) {
      campaigns_.push_back({&g, g.sums, {}});
      Account& a = account(g.currency);
      a.cur.add(g.sums);
      a.cmp_cur.add(g.sums);
      a.spending_campaigns += g.sums[AM::kSpend] > 0;
      a.active_campaigns += g.sums.rows > 0;
    }
    switch (type) {
      case HighlightType::kSummary: summary_undated(); break;
      case HighlightType::kGrow: grow(); break;
      case HighlightType::kOptimize: optimize(); break;
      case HighlightType::kProtect: break;  // anomalies, breaks, spikes and pacing all need days
    }
  }

  void summary_undated() {
    for (const Account& a : accounts_) {
      const FactEntity e = account_entity(a.currency);
      const Sums& c = a.cur;
      auto put = [&](std::string_view metric, double v, std::string shown) {
        Fact f = make("summary", "summary.total_undated", metric, e, a.currency);
        f.raw_value = mathx::round_to(v, 6);
        f.value = std::move(shown);
        f.id = "summary." + std::string(metric) + (a.currency.empty() ? "" : ":" + a.currency);
        emit(std::move(f));
      };
      if (has(AM::kSpend)) put("spend", d(c[AM::kSpend]), fx_money(d(c[AM::kSpend]), a.currency));
      if (has(AM::kConversionValue)) put("conversion_value", d(c[AM::kConversionValue]), fx_money(d(c[AM::kConversionValue]), a.currency));
      if (has(AM::kConversions)) put("conversions", d(c[AM::kConversions]), fx_count(d(c[AM::kConversions])));
      if (has(AM::kConversions) && has(AM::kSpend) && c[AM::kConversions] > 0) {
        const double cpa = d(c[AM::kSpend]) / d(c[AM::kConversions]);
        put("cpa", cpa, fx_money(cpa, a.currency));
      }
      if (has(AM::kConversionValue) && c[AM::kSpend] > 0) {
        const double roas = d(c[AM::kConversionValue]) / d(c[AM::kSpend]);
        put("roas", roas, fx_multiple(roas));
      }
      if (has(AM::kImpressions) && has(AM::kClicks) && c[AM::kImpressions] > 0) {
        const double ctr = d(c[AM::kClicks]) / d(c[AM::kImpressions]);
        put("ctr", ctr, fx_percent(ctr));
      }
    }
  }

  // The campaign's targets: the request's, else the export's columns.
  CampaignTargets targets_of(const Group& g) const {
    CampaignTargets t;
    if (g.attrs.target_cpa) t.target_cpa = d(*g.attrs.target_cpa);
    if (g.attrs.target_roas) t.target_roas = d(*g.attrs.target_roas);
    if (g.attrs.budget) t.budget = d(*g.attrs.budget);
    for (const std::string* key : {&g.id, &g.name}) {
      if (key->empty()) continue;
      const auto it = options_.targets.find(*key);
      if (it == options_.targets.end()) continue;
      if (it->second.target_cpa) t.target_cpa = it->second.target_cpa;
      if (it->second.target_roas) t.target_roas = it->second.target_roas;
      if (it->second.budget) t.budget = it->second.budget;
      break;
    }
    return t;
  }

  // Whether conversions judge a campaign: its objective is conversions, or
  // its bidding optimises for them (so tracking is on). Awareness, reach,
  // video and traffic campaigns are judged by what they buy (CTR, CPM).
  bool conversion_goal(const Group& g) const {
    return campaign_objective(g, book_) == Objective::kConversions ||
           book_.listed("conversion_bidding", g.attrs.bid_strategy);
  }

  // Budget-limited campaigns that earn more than the account: raise them.
  bool budget_limited(const Account& a, const CampaignView& v, std::optional<double> acc_roas, std::optional<double> acc_cpa) {
    const Group& g = *v.g;
    const double cs = d(v.cur[AM::kSpend]), conv = d(v.cur[AM::kConversions]);
    const bool has_lost = g.attrs.lost_is_budget.has_value();
    const double lost = has_lost ? d(*g.attrs.lost_is_budget) : 0.0;
    const bool by_lost = has_lost && lost >= th("budget_limited_lost_is", 0.1);
    if (cs <= 0 || (!by_lost && !campaign_budget_limited(g, book_))) return false;
    const CampaignTargets tg = targets_of(g);
    const bool by_roas = has(AM::kConversionValue) && acc_roas && *acc_roas > 0;
    const double roas = d(v.cur[AM::kConversionValue]) / cs;
    const double cpa = conv > 0 ? cs / conv : 0.0;
    const double bar_roas = tg.target_roas ? *tg.target_roas : acc_roas.value_or(0.0);
    const double bar_cpa = tg.target_cpa ? *tg.target_cpa : acc_cpa.value_or(0.0);
    const double margin = 1 + th("scale_roas_margin", 0.2);
    const bool enough = conv >= th("scale_min_conversions", 5);
    const bool good = enough && (by_roas ? roas >= bar_roas * margin : (conv > 0 && bar_cpa > 0 && cpa * margin <= bar_cpa));
    if (!good) return false;
    const std::string tmpl = std::string("grow.budget_limited") + (by_lost ? "" : "_status") + (by_roas ? "" : "_cpa");
    Fact f = make("grow", tmpl, by_lost ? "lost_is_budget" : (by_roas ? "roas" : "cpa"), campaign_entity(g), a.currency);
    f.yardstick = (by_roas ? tg.target_roas.has_value() : tg.target_cpa.has_value()) ? "target" : "account";
    detail(f, "yardstick_label", label("yardstick." + f.yardstick), 0);
    f.details_raw.pop_back();  // words, not a figure
    if (!by_lost) {
      f.raw_value = mathx::round_to(by_roas ? roas : cpa, 6);
      f.value = by_roas ? fx_multiple(roas) : fx_money(cpa, a.currency);
    } else {
      f.raw_value = mathx::round_to(lost, 6);
      f.value = fx_percent(lost);
      if (by_roas) {
        detail(f, "roas", fx_multiple(roas), mathx::round_to(roas, 6));
      } else {
        detail(f, "cpa", fx_money(cpa, a.currency), mathx::round_to(cpa, 6));
      }
    }
    if (by_roas) {
      detail(f, "account_value", fx_multiple(bar_roas), mathx::round_to(bar_roas, 6));
    } else {
      detail(f, "account_value", fx_money(bar_cpa, a.currency), mathx::round_to(bar_cpa, 6));
    }
    detail(f, "spend", fx_money(cs, a.currency), cs);
    f.severity = "positive";
    f.trend = "up";
    // The spend it could not place (the lost share of a full budget, at most
    // half its spend; 20% when only its status says so), earning its own
    // return above the yardstick's.
    const double share = by_lost ? std::min(lost / std::max(1e-9, 1 - lost), 0.5) : 0.2;
    impact(f, by_roas ? share * cs * (roas - bar_roas) : share * cs / bar_cpa * (bar_cpa - cpa));
    emit(std::move(f));
    return true;
  }

  // A campaign measured against its own target CPA / ROAS: beaten (grow) or
  // missed (optimize) by more than target_margin. True when it has a target.
  bool against_target(const Account& a, const CampaignView& v, bool grow_side) {
    const Group& g = *v.g;
    const CampaignTargets tg = targets_of(g);
    const double cs = d(v.cur[AM::kSpend]), conv = d(v.cur[AM::kConversions]), rev = d(v.cur[AM::kConversionValue]);
    const double margin = th("target_margin", 0.2);
    if (tg.target_roas && *tg.target_roas > 0 && has(AM::kConversionValue)) {
      if (cs < spend_floor(a, th("scale_min_spend_share", 0.03), 1.0)) return true;
      const double roas = rev / cs;
      const bool beat = roas >= *tg.target_roas * (1 + margin) && conv >= th("scale_min_conversions", 5);
      const bool miss = roas <= *tg.target_roas * (1 - margin);
      if (grow_side ? beat : miss) {
        Fact f = make(grow_side ? "grow" : "optimize", grow_side ? "grow.beat_target_roas" : "optimize.missed_target_roas",
                      "roas", campaign_entity(g), a.currency);
        f.yardstick = "target";
        f.raw_value = mathx::round_to(roas, 6);
        f.value = fx_multiple(roas);
        detail(f, "target", fx_multiple(*tg.target_roas), *tg.target_roas);
        detail(f, "spend", fx_money(cs, a.currency), cs);
        f.severity = grow_side ? "positive" : "warning";
        f.trend = grow_side ? "up" : "down";
        impact(f, grow_side ? 0.2 * cs * (roas - *tg.target_roas) : cs * (*tg.target_roas - roas) / *tg.target_roas);
        emit(std::move(f));
      }
      return true;
    }
    if (tg.target_cpa && *tg.target_cpa > 0 && has(AM::kConversions)) {
      if (conv <= 0 || cs < spend_floor(a, th("high_cpa_min_spend_share", 0.03), 1.0)) return true;
      const double cpa = cs / conv;
      const bool beat = cpa <= *tg.target_cpa * (1 - margin) && conv >= th("scale_min_conversions", 5);
      const bool miss = cpa >= *tg.target_cpa * (1 + margin);
      if (grow_side ? beat : miss) {
        Fact f = make(grow_side ? "grow" : "optimize", grow_side ? "grow.beat_target_cpa" : "optimize.missed_target_cpa",
                      "cpa", campaign_entity(g), a.currency);
        f.yardstick = "target";
        f.raw_value = mathx::round_to(cpa, 6);
        f.value = fx_money(cpa, a.currency);
        detail(f, "target", fx_money(*tg.target_cpa, a.currency), *tg.target_cpa);
        if (grow_side) detail(f, "conversions", fx_count(conv), conv);
        detail(f, "spend", fx_money(cs, a.currency), cs);
        f.severity = grow_side ? "positive" : "warning";
        f.trend = grow_side ? "down" : "up";
        // Beaten: the conversions 20% more budget buys below target; missed:
        // what these conversions cost above target.
        impact(f, grow_side ? 0.2 * cs / cpa * (*tg.target_cpa - cpa) : cs - conv * *tg.target_cpa);
        emit(std::move(f));
      }
      return true;
    }
    return false;
  }

  // A spend floor for campaign facts: a share of the account, but never more
  // than `of_average` times the average campaign's spend, so that accounts
  // with hundreds of campaigns still get facts about their campaigns.
  double spend_floor(const Account& a, double share, double of_average) const {
    const double n = a.spending_campaigns;
    const double spend = d(a.cur[AM::kSpend]);
    return n > 0 ? std::min(spend * share, of_average * spend / n) : spend * share;
  }

  // Testing every campaign at 95% would let one in twenty flat campaigns
  // through by chance: campaign-level confidences are Bonferroni-adjusted
  // for the number of campaigns in the account (family-wise error ≤ 5%).
  double adjusted(double confidence, const std::string& currency) const {
    const Account* a = account_of(currency);
    const double m = a == nullptr ? 1.0 : a->active_campaigns;
    return std::max(0.0, 1.0 - (1.0 - confidence) * std::max(1.0, m));
  }
  std::string label(std::string_view metric) const {
    const auto it = book_.labels.find(metric);
    return it == book_.labels.end() ? std::string(metric) : it->second;
  }

  void prepare_ads() {
    for (const std::string& c : ads_.currencies) accounts_.push_back(new_account(c));
    const bool partial = ads_.periods->partial;
    if (!partial) {
      for (const DayGroup& dg : ads_.by_day) {
        Account& a = account(dg.currency);
        a.daily.add(dg.day, dg.sums);
        if (cur_.contains(dg.day)) a.cur.add(dg.sums);
        if (prev_.contains(dg.day)) a.prev.add(dg.sums);
      }
    }
    std::map<std::pair<int, std::string>, PlatformView> platforms;
    for (const Group& g : ads_.groups) {
      CampaignView v{&g, window_sums(g.by_day, cur_), window_sums(g.by_day, prev_)};
      campaigns_.push_back(v);
      if (partial) {
        // Inputs that stop (or start) inside the windows would read as a
        // drop: day-to-day baselines and comparisons use only the inputs
        // that cover them.
        Account& a = account(g.currency);
        a.cur.add(v.cur);
        if (g.compared) a.prev.add(v.prev);
        if (g.covers_current) {
          for (const auto& [day, s] : g.by_day.points()) a.daily.add(day, s);
        }
      }
      if (!g.compared) continue;
      Account& a = account(g.currency);
      a.compared_any = true;
      a.cmp_cur.add(v.cur);
      a.cmp_prev.add(v.prev);
      PlatformView& pv = platforms[{static_cast<int>(g.platform), g.currency}];
      pv.platform = g.platform;
      pv.currency = g.currency;
      pv.cur.add(v.cur);
      pv.prev.add(v.prev);
    }
    for (Account& a : accounts_) a.daily.seal();
    for (auto& [k, v] : platforms) platforms_.push_back(v);
    for (const CampaignView& v : campaigns_) {
      Account& a = account(v.g->currency);
      a.spending_campaigns += v.cur[AM::kSpend] > 0;
      a.active_campaigns += v.cur.rows > 0 || v.prev.rows > 0;
    }
  }

  static Account new_account(const std::string& currency) {
    Account a;
    a.currency = currency;
    return a;
  }

  Account& account(const std::string& currency) {
    for (Account& a : accounts_) {
      if (a.currency == currency) return a;
    }
    accounts_.push_back(new_account(currency));
    return accounts_.back();
  }
  const Account* account_of(const std::string& currency) const {
    for (const Account& a : accounts_) {
      if (a.currency == currency) return &a;
    }
    return nullptr;
  }

  bool has(AM m) const { return (ads_.metrics_present >> static_cast<unsigned>(m)) & 1u; }
  bool has(WM m) const { return (web_.metrics_present >> static_cast<unsigned>(m)) & 1u; }

  FactEntity campaign_entity(const Group& g) const {
    return {"campaign", g.id.empty() ? g.name : g.id, g.name.empty() ? "(unnamed campaign)" : g.name,
            std::string(platform_name(g.platform))};
  }
  FactEntity account_entity(const std::string& currency) const {
    return {"account", currency, accounts_.size() > 1 ? "Account (" + currency + ")" : "Account", ""};
  }

  Fact make(std::string_view type, std::string_view tmpl, std::string_view metric, const FactEntity& e,
            const std::string& currency) const {
    Fact f;
    f.type = std::string(type);
    f.template_id = std::string(tmpl);
    f.metric = std::string(metric);
    f.entity = e;
    f.currency = currency;
    f.period = period_;
    f.window = window_;
    f.id = f.template_id + ":" + e.platform + (e.platform.empty() ? "" : ":") + e.id + (currency.empty() ? "" : ":" + currency);
    return f;
  }

  void set_change(Fact& f, double cur, double prev, bool points) const {
    if (points) {
      f.change_raw = cur - prev;
      f.change = fx_points(cur - prev);
      f.change_in_points = true;
    } else if (prev != 0) {
      f.change_raw = (cur - prev) / prev;
      f.change = fx_change(*f.change_raw);
    }
  }

  void detail(Fact& f, std::string name, std::string formatted, double raw) const {
    f.details.emplace_back(name, std::move(formatted));
    f.details_raw.emplace_back(std::move(name), raw);
  }

  void impact(Fact& f, double money) const {
    f.impact_raw = mathx::round_to(money, 2);
    f.impact = fx_money(*f.impact_raw, f.currency);
  }

  std::string render(const Fact& f) const {
    const auto it = book_.templates.find(f.template_id);
    if (it == book_.templates.end()) return f.template_id;
    std::map<std::string, std::string, std::less<>> vars = {
        {"value", f.value}, {"days", std::to_string(days_)}, {"entity", f.entity.name},
        {"metric_label", label(f.metric)}, {"span", span_}, {"versus", versus_}};
    if (f.previous) vars["previous"] = *f.previous;
    if (f.change) vars["change"] = *f.change;
    if (f.impact) vars["impact"] = *f.impact;
    for (const auto& [k, v] : f.details) vars[k] = v;
    return fill(it->second, vars);
  }

  void emit(Fact f) {
    f.confidence = mathx::round_to(f.confidence, 3);
    if (f.change_raw) f.change_raw = mathx::round_to(*f.change_raw, 6);
    f.sentence = render(f);
    pending_.push_back(std::move(f));
  }

  // ---- summary -----------------------------------------------------------
  void summary_metric(std::string_view metric, double cur, double prev, bool money, bool rate, bool points,
                      const std::string& currency, const FactEntity& e, double n_cur, double n_prev,
                      double x_cur, double x_prev, double count_confidence = -1) {
    Fact f = make("summary", "summary.total", metric, e, currency);
    const auto show = [&](double v) {
      if (money) return fx_money(v, currency);
      if (metric == "roas") return fx_multiple(v);
      if (rate) return fx_percent(v);
      return fx_count(v);
    };
    f.raw_value = mathx::round_to(cur, 6);
    f.value = show(cur);
    f.raw_previous = mathx::round_to(prev, 6);
    f.previous = show(prev);
    set_change(f, cur, prev, points);
    // Confidence: proportions by the two-proportion test, counts by Poisson;
    // money and money ratios are what was spent and earned: certain.
    f.confidence = 1.0;
    if (points) f.confidence = two_proportion_confidence(x_cur, n_cur, x_prev, n_prev);
    if (!money && !rate && !points) {
      f.confidence = count_confidence >= 0 ? count_confidence : poisson_confidence(cur, prev);
    }
    const double rel = prev != 0 ? (cur - prev) / std::fabs(prev) : (cur != 0 ? 1.0 : 0.0);
    const bool steady = std::fabs(rel) < th("steady_change", 0.02) || f.confidence < th("min_confidence", 0.95);
    if (steady || !f.change) {
      f.template_id = "summary.total_steady";
      f.trend = "flat";
    } else {
      f.trend = cur > prev ? "up" : "down";
    }
    // Lower is better for costs.
    const bool costly = metric == "cpa" || metric == "cpc";
    const bool good = (f.trend == "up") != costly;
    f.severity = f.trend == "flat" ? "info" : (good ? "positive" : (metric == "spend" ? "info" : "warning"));
    f.id = "summary." + std::string(metric) + (currency.empty() ? "" : ":" + currency);
    // Coverage: no change where no source covers both windows; over the
    // sources that do, and saying which do not, when some fall short.
    if (per_ != nullptr && (!per_->comparable || uncompared_account_)) {
      f.previous.reset();
      f.raw_previous.reset();
      f.change.reset();
      f.change_raw.reset();
      f.change_in_points = false;
      f.trend = "flat";
      f.severity = "info";
      const std::string partial = partial_text(*per_);
      bool only_previous = true;
      for (const SourceCoverage& s : per_->coverage) only_previous = only_previous && s.current_days == per_->days;
      only_previous = only_previous && !uncompared_account_;
      if (only_previous) {
        f.template_id = "summary.total_uncovered";
        detail(f, "previous_days", fx_count(per_->previous_covered), per_->previous_covered);
      } else {
        f.template_id = "summary.total_no_change";
        detail(f, "partial", partial, 0);
        f.details_raw.pop_back();  // words and dates, not a figure
      }
    } else if (per_ != nullptr && per_->partial) {
      f.template_id = f.template_id == "summary.total_steady" ? "summary.total_partial_steady" : "summary.total_partial";
      detail(f, "partial", partial_text(*per_), 0);
      f.details_raw.pop_back();
    }
    emit(std::move(f));
  }

  void summary() {
    per_ = ads_.periods ? &*ads_.periods : nullptr;
    const bool open_prev = per_ != nullptr && !per_->comparable;  // no previous: ratios shown without one
    for (const Account& a : accounts_) {
      // An account (currency) whose inputs all stop before the current window
      // has nothing to say about it; one whose inputs cover only part of the
      // windows is shown without a change.
      if (a.cur.rows == 0) continue;
      uncompared_account_ = per_ != nullptr && per_->comparable && per_->partial && !a.compared_any;
      const bool no_prev = open_prev || uncompared_account_;
      const FactEntity e = account_entity(a.currency);
      const Sums& c = no_prev ? a.cur : a.cmp_cur;
      const Sums& p = a.cmp_prev;
      if (has(AM::kSpend)) summary_metric("spend", d(c[AM::kSpend]), d(p[AM::kSpend]), true, false, false, a.currency, e, 0, 0, 0, 0);
      if (has(AM::kConversionValue)) summary_metric("conversion_value", d(c[AM::kConversionValue]), d(p[AM::kConversionValue]), true, false, false, a.currency, e, 0, 0, 0, 0);
      if (has(AM::kConversions)) {
        summary_metric("conversions", d(c[AM::kConversions]), d(p[AM::kConversions]), false, false, false, a.currency, e, 0, 0, 0, 0,
                       std::min(poisson_confidence(d(c[AM::kConversions]), d(p[AM::kConversions])),
                                daily_confidence(a.daily, cur_, prev_, AM::kConversions)));
      }
      if (has(AM::kConversions) && has(AM::kSpend) && c[AM::kConversions] > 0 && (p[AM::kConversions] > 0 || no_prev)) {
        summary_metric("cpa", d(c[AM::kSpend]) / d(c[AM::kConversions]), d(p[AM::kSpend]) / d(p[AM::kConversions]), true, true, false, a.currency, e, 0, 0, 0, 0);
      }
      if (has(AM::kConversionValue) && c[AM::kSpend] > 0 && (p[AM::kSpend] > 0 || no_prev)) {
        summary_metric("roas", d(c[AM::kConversionValue]) / d(c[AM::kSpend]), d(p[AM::kConversionValue]) / d(p[AM::kSpend]), false, true, false, a.currency, e, 0, 0, 0, 0);
      }
      if (has(AM::kImpressions) && has(AM::kClicks) && c[AM::kImpressions] > 0 && (p[AM::kImpressions] > 0 || no_prev)) {
        summary_metric("ctr", d(c[AM::kClicks]) / d(c[AM::kImpressions]), d(p[AM::kClicks]) / d(p[AM::kImpressions]), false, true, true, a.currency, e,
                       d(c[AM::kImpressions]), d(p[AM::kImpressions]), d(c[AM::kClicks]), d(p[AM::kClicks]));
      }
    }
    if (web_.periods) {
      per_ = &*web_.periods;
      uncompared_account_ = false;
      window_ = std::pair{web_.periods->current.start, web_.periods->current.end};
      const Sums& c = per_->comparable ? web_.periods->compared_current.sums : web_.periods->current.sums;
      const Sums& p = web_.periods->compared_previous.sums;
      const FactEntity e{"account", "web", "Website", "ga4"};
      if (has(WM::kSessions)) summary_metric("sessions", d(c[WM::kSessions]), d(p[WM::kSessions]), false, false, false, "", e, 0, 0, 0, 0);
      if (has(WM::kKeyEvents)) summary_metric("key_events", d(c[WM::kKeyEvents]), d(p[WM::kKeyEvents]), false, false, false, "", e, 0, 0, 0, 0);
      if (has(WM::kEngagedSessions) && c[WM::kSessions] > 0 && (p[WM::kSessions] > 0 || !per_->comparable)) {
        summary_metric("engagement_rate", d(c[WM::kEngagedSessions]) / d(c[WM::kSessions]), d(p[WM::kEngagedSessions]) / d(p[WM::kSessions]), false, true, true, "", e,
                       d(c[WM::kSessions]), d(p[WM::kSessions]), d(c[WM::kEngagedSessions]), d(p[WM::kEngagedSessions]));
      }
    }
    per_ = nullptr;
    uncompared_account_ = false;
    if (ads_.periods) window_ = std::pair{cur_.start, cur_.end};
    // Best and worst platform by ROAS (or CPA without revenue), each currency apart.
    for (const Account& a : accounts_) {
      std::vector<const PlatformView*> ps;
      for (const PlatformView& p : platforms_) {
        if (p.currency == a.currency && p.cur[AM::kSpend] > 0) ps.push_back(&p);
      }
      if (ps.size() < 2) continue;
      const bool by_roas = has(AM::kConversionValue) && a.cur[AM::kConversionValue] > 0;
      auto score = [&](const PlatformView* p) -> std::optional<double> {
        if (by_roas) return d(p->cur[AM::kConversionValue]) / d(p->cur[AM::kSpend]);
        if (p->cur[AM::kConversions] <= 0) return std::nullopt;
        return -d(p->cur[AM::kSpend]) / d(p->cur[AM::kConversions]);  // lower CPA is better
      };
      const PlatformView* best = nullptr;
      const PlatformView* worst = nullptr;
      for (const PlatformView* p : ps) {
        const auto s = score(p);
        if (!s) continue;
        if (!best || *s > *score(best)) best = p;
        if (!worst || *s < *score(worst)) worst = p;
      }
      if (!best || best == worst) continue;
      for (const auto& [p, tmpl, sev] : {std::tuple{best, "summary.best_platform", "positive"},
                                         std::tuple{worst, "summary.worst_platform", "warning"}}) {
        const FactEntity e{"platform", std::string(platform_name(p->platform)), platform_label(p->platform),
                           std::string(platform_name(p->platform))};
        Fact f = make("summary", tmpl, by_roas ? "roas" : "cpa", e, a.currency);
        const double v = std::fabs(*score(p));
        f.raw_value = mathx::round_to(v, 6);
        f.value = by_roas ? fx_multiple(v) : fx_money(v, a.currency);
        f.severity = sev;
        detail(f, "spend", fx_money(d(p->cur[AM::kSpend]), a.currency), d(p->cur[AM::kSpend]));
        emit(std::move(f));
      }
    }
  }

  // ---- grow --------------------------------------------------------------
  void grow() {
    for (const Account& a : accounts_) {
      const double spend = d(a.cur[AM::kSpend]);
      if (spend <= 0) continue;
      const auto acc_roas = ratio(d(a.cur[AM::kConversionValue]), spend);
      const auto acc_cvr = ratio(d(a.cur[AM::kConversions]), d(a.cur[AM::kClicks]));
      const auto acc_cpa = ratio(spend, d(a.cur[AM::kConversions]));
      for (const CampaignView& v : campaigns_) {
        if (v.g->currency != a.currency || campaign_inactive(*v.g, book_)) continue;
        if (!conversion_goal(*v.g)) continue;
        if (has(AM::kSpend) && budget_limited(a, v, has(AM::kConversionValue) ? acc_roas : std::nullopt, acc_cpa)) continue;
        if (against_target(a, v, true)) continue;
        const double cs = d(v.cur[AM::kSpend]);
        const double conv = d(v.cur[AM::kConversions]);
        if (cs < spend_floor(a, th("scale_min_spend_share", 0.03), 1.0) || conv < th("scale_min_conversions", 5)) continue;
        const double margin = 1 + th("scale_roas_margin", 0.2);
        if (has(AM::kConversionValue) && acc_roas && *acc_roas > 0) {
          const double roas = d(v.cur[AM::kConversionValue]) / cs;
          if (roas < *acc_roas * margin) continue;
          Fact f = make("grow", "grow.scale_campaign", "roas", campaign_entity(*v.g), a.currency);
          f.yardstick = "account";
          f.raw_value = mathx::round_to(roas, 6);
          f.value = fx_multiple(roas);
          detail(f, "account_value", fx_multiple(*acc_roas), mathx::round_to(*acc_roas, 6));
          detail(f, "spend", fx_money(cs, a.currency), cs);
          f.severity = "positive";
          f.trend = "up";
          // Extra revenue if 20% more budget earned this ROAS instead of the account's.
          impact(f, 0.2 * cs * (roas - *acc_roas));
          emit(std::move(f));
        } else if (acc_cvr && has(AM::kClicks)) {
          const double clicks = d(v.cur[AM::kClicks]);
          if (clicks <= 0) continue;
          const double cvr = conv / clicks;
          if (cvr < *acc_cvr * margin) continue;
          const double conf = adjusted(two_proportion_confidence(conv, clicks, d(a.cur[AM::kConversions]) - conv,
                                                                 d(a.cur[AM::kClicks]) - clicks), a.currency);
          if (conf < th("min_confidence", 0.95)) continue;
          Fact f = make("grow", "grow.scale_campaign_cvr", "cvr", campaign_entity(*v.g), a.currency);
          f.yardstick = "account";
          f.raw_value = mathx::round_to(cvr, 6);
          f.value = fx_percent(cvr);
          f.confidence = conf;
          detail(f, "account_value", fx_percent(*acc_cvr), mathx::round_to(*acc_cvr, 6));
          detail(f, "clicks", fx_count(clicks), clicks);
          f.severity = "positive";
          f.trend = "up";
          const auto cpa = ratio(spend, d(a.cur[AM::kConversions]));
          if (cpa) impact(f, 0.2 * clicks * (cvr - *acc_cvr) * *cpa);
          emit(std::move(f));
        }
      }
      // Platforms gaining share of spend while beating the account's ROAS.
      const double prev_spend = d(a.prev[AM::kSpend]);
      if (acc_roas && prev_spend > 0) {
        for (const PlatformView& p : platforms_) {
          if (p.currency != a.currency || p.cur[AM::kSpend] <= 0) continue;
          const double share = d(p.cur[AM::kSpend]) / spend, prev_share = d(p.prev[AM::kSpend]) / prev_spend;
          const double roas = d(p.cur[AM::kConversionValue]) / d(p.cur[AM::kSpend]);
          if (prev_share <= 0 || share < prev_share * (1 + th("platform_share_rise", 0.1)) || roas <= *acc_roas) continue;
          const FactEntity e{"platform", std::string(platform_name(p.platform)), platform_label(p.platform),
                             std::string(platform_name(p.platform))};
          Fact f = make("grow", "grow.platform_share", "spend_share", e, a.currency);
          f.raw_value = mathx::round_to(share, 6);
          f.value = fx_percent(share);
          f.raw_previous = mathx::round_to(prev_share, 6);
          f.previous = fx_percent(prev_share);
          set_change(f, share, prev_share, true);
          f.trend = "up";
          f.severity = "positive";
          detail(f, "roas", fx_multiple(roas), mathx::round_to(roas, 6));
          detail(f, "account_roas", fx_multiple(*acc_roas), mathx::round_to(*acc_roas, 6));
          impact(f, d(p.cur[AM::kSpend]) * (roas - *acc_roas) * 0.2);
          emit(std::move(f));
        }
      }
      // Rising conversions, by campaign, when the rise is beyond Poisson noise.
      if (has(AM::kConversions)) {
        const auto cpa = ratio(spend, d(a.cur[AM::kConversions]));
        const auto vpc = ratio(d(a.cur[AM::kConversionValue]), d(a.cur[AM::kConversions]));
        for (const CampaignView& v : campaigns_) {
          if (v.g->currency != a.currency || !v.g->compared || campaign_inactive(*v.g, book_)) continue;
          const double c = d(v.cur[AM::kConversions]), p = d(v.prev[AM::kConversions]);
          if (c < th("rising_min_conversions", 10) || p <= 0 || c < p * (1 + th("rising_conversions", 0.2))) continue;
          const double conf = adjusted(
              std::min(poisson_confidence(c, p), daily_confidence(v.g->by_day, cur_, prev_, AM::kConversions)), a.currency);
          if (conf < th("min_confidence", 0.95)) continue;
          Fact f = make("grow", "grow.rising_conversions", "conversions", campaign_entity(*v.g), a.currency);
          f.raw_value = c;
          f.value = fx_count(c);
          f.raw_previous = p;
          f.previous = fx_count(p);
          set_change(f, c, p, false);
          f.confidence = conf;
          f.trend = "up";
          f.severity = "positive";
          const double per = has(AM::kConversionValue) && vpc ? *vpc : (cpa ? *cpa : 0);
          impact(f, (c - p) * per);
          emit(std::move(f));
        }
      }
    }
  }

  // ---- optimize ----------------------------------------------------------
  void optimize() {
    for (const Account& a : accounts_) {
      const double spend = d(a.cur[AM::kSpend]);
      if (spend <= 0) continue;
      const auto acc_cpa = ratio(spend, d(a.cur[AM::kConversions]));
      for (const CampaignView& v : campaigns_) {
        if (v.g->currency != a.currency || campaign_inactive(*v.g, book_)) continue;
        const double cs = d(v.cur[AM::kSpend]), conv = d(v.cur[AM::kConversions]), clicks = d(v.cur[AM::kClicks]);
        const bool goal = conversion_goal(*v.g);
        const bool has_target = goal && against_target(a, v, false);
        // Wasted spend: money out, nothing in.
        if (goal && has(AM::kConversions) && conv == 0 && cs >= spend_floor(a, th("wasted_min_spend_share", 0.01), 0.5) &&
            clicks >= th("wasted_min_clicks", 20) && acc_cpa) {
          Fact f = make("optimize", "optimize.wasted_spend", "spend", campaign_entity(*v.g), a.currency);
          f.raw_value = cs;
          f.value = fx_money(cs, a.currency);
          detail(f, "clicks", fx_count(clicks), clicks);
          f.severity = cs >= spend * 0.05 ? "critical" : "warning";
          // At the account's conversion rate these clicks would have converted;
          // the chance they all missed by luck is (1 - cvr)^clicks.
          const double acc_cvr = d(a.cur[AM::kConversions]) / std::max(1.0, d(a.cur[AM::kClicks]));
          f.confidence = 1.0 - mathx::exp(clicks * mathx::log(std::max(1e-12, 1.0 - std::min(acc_cvr, 0.999999))));
          impact(f, cs);
          if (f.confidence >= th("min_confidence", 0.95)) emit(std::move(f));
        }
        // CPA well above the account's.
        if (goal && !has_target && acc_cpa && conv > 0 && cs >= spend_floor(a, th("high_cpa_min_spend_share", 0.03), 1.0)) {
          const double cpa = cs / conv;
          // A high CPA that earns its keep (ROAS at or above the account's)
          // is not a problem to fix: high-value conversions cost more.
          const auto acc_roas = ratio(d(a.cur[AM::kConversionValue]), spend);
          const bool earns = has(AM::kConversionValue) && acc_roas && d(v.cur[AM::kConversionValue]) / cs >= *acc_roas;
          if (cpa >= *acc_cpa * th("high_cpa_ratio", 1.5) && !earns) {
            Fact f = make("optimize", "optimize.high_cpa", "cpa", campaign_entity(*v.g), a.currency);
            f.yardstick = "account";
            f.raw_value = mathx::round_to(cpa, 6);
            f.value = fx_money(cpa, a.currency);
            detail(f, "account_value", fx_money(*acc_cpa, a.currency), mathx::round_to(*acc_cpa, 6));
            detail(f, "spend", fx_money(cs, a.currency), cs);
            f.severity = "warning";
            impact(f, cs - conv * *acc_cpa);  // what the same conversions cost over the account's CPA
            emit(std::move(f));
          }
        }
        // CPC inflation period over period.
        const double pclicks = d(v.prev[AM::kClicks]), pspend = d(v.prev[AM::kSpend]);
        if (v.g->compared && clicks >= th("cpc_min_clicks", 100) && pclicks >= th("cpc_min_clicks", 100) && pspend > 0) {
          const double cpc = cs / clicks, pcpc = pspend / pclicks;
          const double conf =
              cpc >= pcpc * (1 + th("cpc_inflation", 0.2))
                  ? adjusted(daily_ratio_confidence(v.g->by_day, cur_, prev_, AM::kSpend, AM::kClicks), a.currency)
                  : 0.0;
          if (conf >= th("min_confidence", 0.95)) {
            Fact f = make("optimize", "optimize.cpc_inflation", "cpc", campaign_entity(*v.g), a.currency);
            f.confidence = conf;
            f.raw_value = mathx::round_to(cpc, 6);
            f.value = fx_money(cpc, a.currency);
            f.raw_previous = mathx::round_to(pcpc, 6);
            f.previous = fx_money(pcpc, a.currency);
            set_change(f, cpc, pcpc, false);
            f.trend = "up";
            f.severity = "warning";
            impact(f, (cpc - pcpc) * clicks);
            emit(std::move(f));
          }
        }
      }
      // CTR far below the other campaigns' on the same platform (search and
      // social click differently), and significantly so.
      if (has(AM::kImpressions) && has(AM::kClicks)) {
        const auto acc_cpc = ratio(spend, d(a.cur[AM::kClicks]));
        // Peers: the platform's other campaigns of the same type when the
        // export says types (video and search click differently), else all
        // of the platform's.
        std::map<std::pair<Platform, std::string>, std::pair<double, double>> peers;  // impressions, clicks
        for (const CampaignView& v : campaigns_) {
          if (v.g->currency != a.currency) continue;
          for (const std::string& type : {std::string(), text::fold_case(v.g->attrs.type)}) {
            auto& p = peers[{v.g->platform, type}];
            p.first += d(v.cur[AM::kImpressions]);
            p.second += d(v.cur[AM::kClicks]);
            if (type.empty() && v.g->attrs.type.empty()) break;
          }
        }
        for (const CampaignView& v : campaigns_) {
          if (v.g->currency != a.currency || campaign_inactive(*v.g, book_)) continue;
          const double ci = d(v.cur[AM::kImpressions]), cc = d(v.cur[AM::kClicks]);
          // A type of its own on the platform (the one video campaign) has no
          // peers: a search campaign's CTR says nothing about a video's.
          const std::string type = text::fold_case(v.g->attrs.type);
          const auto [imp, clk] = peers[{v.g->platform, type}];
          const double oi = imp - ci, oc = clk - cc;
          if (ci < th("low_ctr_min_impressions", 1000) || oi <= 0) continue;
          const double ctr = cc / ci, peer = oc / oi;
          if (ctr >= peer * th("low_ctr_ratio", 0.5)) continue;
          const double conf = adjusted(two_proportion_confidence(cc, ci, oc, oi), a.currency);
          if (conf < th("min_confidence", 0.95)) continue;
          Fact f = make("optimize", type.empty() ? "optimize.low_ctr" : "optimize.low_ctr_type", "ctr", campaign_entity(*v.g), a.currency);
          f.yardstick = "peers";
          if (!type.empty()) {
            detail(f, "type", v.g->attrs.type, 0);
            f.details_raw.pop_back();  // a name, not a figure
          }
          f.raw_value = mathx::round_to(ctr, 6);
          f.value = fx_percent(ctr);
          f.confidence = conf;
          detail(f, "peer_value", fx_percent(peer), mathx::round_to(peer, 6));
          detail(f, "impressions", fx_count(ci), ci);
          f.severity = "warning";
          if (acc_cpc) impact(f, (peer - ctr) * ci * *acc_cpc);
          emit(std::move(f));
        }
      }
    }
  }

  // ---- protect -----------------------------------------------------------
  // Every day of the current period is looked at, not only the last few: a
  // broken pixel twelve days ago cost as much as one yesterday. A day is
  // compared with the days around it (before and after, up to
  // anomaly_baseline_days on each side, within the data), so a day early in
  // the period has a baseline too.

  // Values of `metric` per day over [from, to], days without a row as 0.
  template <typename M>
  static std::vector<double> daily_values(const DaySeries& series, Day from, Day to, M metric) {
    std::vector<double> out(static_cast<size_t>(std::max(0, to - from + 1)), 0.0);
    const auto& pts = series.points();
    for (size_t i = series.lower_bound(from); i < pts.size() && pts[i].first <= to; ++i) {
      out[static_cast<size_t>(pts[i].first - from)] = d(pts[i].second[metric]);
    }
    return out;
  }

  // The days around `at` (an index into `values`), without it.
  std::vector<double> around(const std::vector<double>& values, size_t at, size_t lo, size_t hi) const {
    const size_t reach = static_cast<size_t>(th("anomaly_baseline_days", 28));
    std::vector<double> base;
    const size_t from = at > lo + reach ? at - reach : lo;
    const size_t to = std::min(hi, at + reach);
    for (size_t i = from; i <= to; ++i) {
      if (i != at) base.push_back(values[i]);
    }
    return base;
  }

  // The first day the account has data: baselines never reach before it.
  static Day first_day(const DaySeries& s, Day fallback) { return s.empty() ? fallback : s.points().front().first; }

  void anomalies(const Account& a) {
    struct Series {
      const char* metric;
      AM m;
      bool money;
    };
    const Day from = std::max(first_day(a.daily, cur_.start), cur_.start - static_cast<Day>(th("anomaly_baseline_days", 28)));
    if (from > cur_.end) return;
    for (const Series& s : {Series{"spend", AM::kSpend, true}, Series{"conversions", AM::kConversions, false},
                            Series{"clicks", AM::kClicks, false}}) {
      if (!has(s.m)) continue;
      const std::vector<double> values = daily_values(a.daily, from, cur_.end, s.m);
      for (Day day = std::max(cur_.start, from); day <= cur_.end; ++day) {
        if (a.daily.at(day) == nullptr) continue;
        const size_t at = static_cast<size_t>(day - from);
        const std::vector<double> base = around(values, at, 0, values.size() - 1);
        if (base.size() < 7) continue;
        const double x = values[at];
        const double med = median(base);
        std::vector<double> dev;
        for (double b : base) dev.push_back(std::fabs(b - med));
        // A floor under the MAD: a perfectly flat history must not turn a
        // small wobble into an alarm.
        const double mad = std::max(median(dev), 0.05 * med);
        if (med <= 0 || mad <= 0) continue;
        const double z = 0.6745 * (x - med) / mad;
        if (std::fabs(z) < th("anomaly_robust_z", 3.5) || std::fabs(x - med) < th("anomaly_min_deviation", 0.3) * med) continue;
        Fact f = make("protect", z > 0 ? "protect.anomaly_high" : "protect.anomaly_low", s.metric,
                      account_entity(a.currency), a.currency);
        f.id += ":" + iso_date(day);
        f.raw_value = x;
        f.value = s.money ? fx_money(x, a.currency) : fx_count(x);
        f.raw_previous = med;
        f.previous = s.money ? fx_money(med, a.currency) : fx_count(med);
        set_change(f, x, med, false);
        f.trend = z > 0 ? "up" : "down";
        f.severity = (s.m == AM::kConversions && z < 0) || (s.m == AM::kSpend && z > 0) ? "critical" : "warning";
        f.confidence = 2.0 * mathx::normal_cdf(std::fabs(z)) - 1.0;
        detail(f, "date", iso_date(day), 0);
        f.details_raw.pop_back();  // a date, not a number
        const auto cpa = ratio(d(a.cur[AM::kSpend]), d(a.cur[AM::kConversions]));
        impact(f, s.money ? std::fabs(x - med) : std::fabs(x - med) * (s.m == AM::kConversions && cpa ? *cpa : 0));
        emit(std::move(f));
      }
    }
  }

  // Tracking breaks: a run of days in the current period with normal clicks
  // and not one conversion, where the days around it convert. The conversions
  // likely missed are the run's clicks at the surrounding conversion rate;
  // the run is reported when seeing none by chance is unlikely even after
  // looking at every day of every campaign (Bonferroni over days × campaigns).
  void tracking_breaks(const Account& a, const CampaignView& v) {
    const auto& bd = v.g->by_day;
    if (bd.empty()) return;
    const int reach = static_cast<int>(th("anomaly_baseline_days", 28));
    const Day from = std::max(bd.points().front().first, cur_.start - reach);
    const Day to = cur_.end;
    if (from > to) return;
    const std::vector<double> clicks = daily_values(bd, from, to, AM::kClicks);
    const std::vector<double> conv = daily_values(bd, from, to, AM::kConversions);
    const std::vector<double> spend = daily_values(bd, from, to, AM::kSpend);
    const double tests = std::max(1.0, a.active_campaigns) * std::max(1, days_);
    const size_t n = clicks.size();
    for (size_t i = static_cast<size_t>(std::max(0, cur_.start - from)); i < n;) {
      if (!(clicks[i] > 0 && conv[i] == 0)) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j + 1 < n && clicks[j + 1] > 0 && conv[j + 1] == 0) ++j;
      double run_clicks = 0, run_spend = 0;
      for (size_t k = i; k <= j; ++k) run_clicks += clicks[k], run_spend += spend[k];
      double s_clicks = 0, s_conv = 0, s_spend = 0, s_days = 0;
      const size_t lo = i > static_cast<size_t>(reach) ? i - static_cast<size_t>(reach) : 0;
      const size_t hi = std::min(n - 1, j + static_cast<size_t>(reach));
      for (size_t k = lo; k <= hi; ++k) {
        if (k >= i && k <= j) continue;
        s_clicks += clicks[k];
        s_conv += conv[k];
        s_spend += spend[k];
        s_days += 1;
      }
      const double run_days = static_cast<double>(j - i + 1);
      const double rate = s_clicks > 0 ? s_conv / s_clicks : 0;
      const double missed = run_clicks * rate;
      const double p_by_chance = mathx::exp(-missed) * tests;  // P(no conversion | tracking works), adjusted
      const bool normal_clicks = s_days > 0 && run_clicks / run_days >= 0.5 * s_clicks / s_days;
      if (missed >= th("tracking_min_expected", 3) && normal_clicks && p_by_chance <= 1 - th("min_confidence", 0.95)) {
        const Day first = from + static_cast<Day>(i), last = from + static_cast<Day>(j);
        Fact f = make("protect", "protect.tracking_break", "conversions", campaign_entity(*v.g), a.currency);
        f.id += ":" + iso_date(first);
        f.raw_value = run_clicks;
        f.value = fx_count(run_clicks);
        f.raw_previous = mathx::round_to(s_conv / s_days, 6);
        f.previous = fx_count(mathx::round_to(s_conv / s_days, 1));
        f.trend = "down";
        f.severity = "critical";
        f.confidence = std::max(0.0, 1.0 - p_by_chance);
        detail(f, "date", iso_date(first), 0);
        f.details_raw.pop_back();
        detail(f, "end_date", iso_date(last), 0);
        f.details_raw.pop_back();
        detail(f, "dates", first == last ? iso_date(first) : iso_date(first) + " to " + iso_date(last), 0);
        f.details_raw.pop_back();
        detail(f, "zero_days", std::to_string(j - i + 1), run_days);
        detail(f, "missed", fx_count(mathx::round_to(missed, 1)), mathx::round_to(missed, 6));
        // Money at stake: the missed conversions at the campaign's cost per
        // conversion around the break (what they would have cost to buy).
        const double cpa = s_conv > 0 ? s_spend / s_conv : 0;
        impact(f, cpa > 0 ? missed * cpa : run_spend);
        emit(std::move(f));
      }
      i = j + 1;
    }
  }

  // Spend spikes: a day of the current period at several times the
  // campaign's usual spend (the median of the days around it).
  void spend_spikes(const Account& a, const CampaignView& v) {
    const auto& bd = v.g->by_day;
    if (bd.empty()) return;
    const double spend = d(a.cur[AM::kSpend]);
    const int reach = static_cast<int>(th("anomaly_baseline_days", 28));
    const Day from = std::max(bd.points().front().first, cur_.start - reach);
    if (from > cur_.end) return;
    const std::vector<double> by_day = daily_values(bd, from, cur_.end, AM::kSpend);
    const double ratio_needed = th("spike_ratio", 3.0);
    for (Day day = std::max(cur_.start, from); day <= cur_.end; ++day) {
      if (bd.at(day) == nullptr) continue;
      const size_t at = static_cast<size_t>(day - from);
      const double x = by_day[at];
      // Worth a look only when the day matters to the account's daily spend.
      if (x < spend / days_ * th("spike_min_spend_share", 0.01)) continue;
      const std::vector<double> base = around(by_day, at, 0, by_day.size() - 1);
      if (base.size() < 7) continue;
      // The median is at least the minimum: most days are ruled out without it.
      const double lowest = *std::min_element(base.begin(), base.end());
      if (lowest > 0 && x < lowest * ratio_needed) continue;
      const double med = median(base);
      if (med <= 0 || x < med * ratio_needed) continue;
      Fact f = make("protect", "protect.spend_spike", "spend", campaign_entity(*v.g), a.currency);
      f.id += ":" + iso_date(day);
      f.raw_value = x;
      f.value = fx_money(x, a.currency);
      f.raw_previous = med;
      f.previous = fx_money(med, a.currency);
      set_change(f, x, med, false);
      f.trend = "up";
      f.severity = "warning";
      detail(f, "date", iso_date(day), 0);
      f.details_raw.pop_back();
      detail(f, "ratio", fx_multiple(x / med), mathx::round_to(x / med, 6));
      impact(f, x - med);
      emit(std::move(f));
    }
  }

  void protect() {
    for (const Account& a : accounts_) {
      anomalies(a);
      for (const CampaignView& v : campaigns_) {
        if (v.g->currency != a.currency) continue;
        if (has(AM::kConversions) && has(AM::kClicks)) tracking_breaks(a, v);
        if (has(AM::kSpend)) spend_spikes(a, v);
        // Meta frequency fatigue: frequency up while CTR falls, significantly.
        if (v.g->platform == Platform::kMetaAds && has(AM::kReach) && v.g->compared) {
          const double ri = d(v.cur[AM::kReach]), pri = d(v.prev[AM::kReach]);
          const double imp = d(v.cur[AM::kImpressions]), pimp = d(v.prev[AM::kImpressions]);
          if (ri <= 0 || pri <= 0 || imp < th("low_ctr_min_impressions", 1000) || pimp <= 0) continue;
          const double freq = imp / ri, pfreq = pimp / pri;
          const double ctr = d(v.cur[AM::kClicks]) / imp, pctr = d(v.prev[AM::kClicks]) / pimp;
          if (freq < pfreq * (1 + th("frequency_rise", 0.15)) || ctr >= pctr) continue;
          const double conf = adjusted(two_proportion_confidence(d(v.cur[AM::kClicks]), imp, d(v.prev[AM::kClicks]), pimp), a.currency);
          if (conf < th("min_confidence", 0.95)) continue;
          Fact f = make("protect", "protect.frequency_fatigue", "frequency", campaign_entity(*v.g), a.currency);
          f.raw_value = mathx::round_to(freq, 6);
          f.value = fx_count(mathx::round_to(freq, 1));
          f.raw_previous = mathx::round_to(pfreq, 6);
          f.previous = fx_count(mathx::round_to(pfreq, 1));
          set_change(f, freq, pfreq, false);
          f.trend = "up";
          f.severity = "warning";
          f.confidence = conf;
          detail(f, "ctr", fx_percent(ctr), mathx::round_to(ctr, 6));
          detail(f, "ctr_previous", fx_percent(pctr), mathx::round_to(pctr, 6));
          const auto cpc = ratio(d(v.cur[AM::kSpend]), d(v.cur[AM::kClicks]));
          if (cpc) impact(f, (pctr - ctr) * imp * *cpc);
          emit(std::move(f));
        }
      }
      // Pacing: the last 7 days' run-rate over the next period vs the last one.
      const Sums last7 = window_sums(a.daily, {cur_.end - 6, cur_.end});
      const double prev_spend = d(a.cur[AM::kSpend]);
      if (has(AM::kSpend) && prev_spend > 0 && days_ >= 7) {
        const double run = d(last7[AM::kSpend]) / 7.0 * days_;
        const double change = (run - prev_spend) / prev_spend;
        if (std::fabs(change) >= th("pacing_change", 0.25)) {
          Fact f = make("protect", "protect.pacing", "spend", account_entity(a.currency), a.currency);
          f.raw_value = mathx::round_to(run, 2);
          f.value = fx_money(run, a.currency);
          f.raw_previous = prev_spend;
          f.previous = fx_money(prev_spend, a.currency);
          set_change(f, run, prev_spend, false);
          f.trend = change > 0 ? "up" : "down";
          f.severity = "info";
          impact(f, std::fabs(run - prev_spend));
          emit(std::move(f));
        }
      }
    }
  }

  const Rollup& ads_;
  const Rollup& web_;
  const FactBook& book_;
  const HighlightOptions& options_;
  const fmt::NumberFormat& nf_;
  HighlightResult& out_;
  bool cross_ = false;  // an undated export: campaigns over its whole period
  const Periods* per_ = nullptr;  // the windows a summary fact reads
  bool uncompared_account_ = false;  // the account being summarised has no input covering both windows
  std::string span_;    // "in the last 30 days"
  std::optional<std::pair<Day, Day>> window_;
  int days_ = 0;
  Window cur_, prev_;
  std::string period_;
  std::string versus_ = "the previous 30 days";  // what the current window is compared with, in words
  std::vector<Account> accounts_;
  std::vector<CampaignView> campaigns_;
  std::vector<PlatformView> platforms_;

 public:
  std::vector<Fact> pending_;
};

}  // namespace

HighlightResult highlight(const Rollup& ads, const Rollup& web, const HighlightOptions& options,
                          const FactBook& book) {
  HighlightResult out;
  Builder b(ads, web, book, options, out);
  b.run(options.type);
  std::vector<Fact> facts = std::move(b.pending_);
  if (options.type == HighlightType::kSummary) {
    // What moved comes before what held steady; otherwise the fixed order
    // (spend, revenue, conversions, CPA, ROAS, CTR, then platforms).
    std::stable_partition(facts.begin(), facts.end(), [](const Fact& f) { return f.trend != "flat" || f.template_id != "summary.total_steady"; });
  } else {
    // Most money at stake first; ties by id, so the order never wobbles.
    std::stable_sort(facts.begin(), facts.end(), [](const Fact& x, const Fact& y) {
      const double ix = x.impact_raw.value_or(0), iy = y.impact_raw.value_or(0);
      if (ix != iy) return ix > iy;
      return x.id < y.id;
    });
  }
  if (options.max_facts >= 0 && facts.size() > static_cast<size_t>(options.max_facts)) {
    facts.resize(static_cast<size_t>(options.max_facts));
  }
  out.facts = std::move(facts);
  return out;
}

}  // namespace glint
