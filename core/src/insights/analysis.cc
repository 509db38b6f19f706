#include "glint/analysis.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "glint/format.h"
#include "glint/mathx.h"
#include "base/json_out.h"
#include "base/text.h"
#include "insights/report_json.h"

namespace glint {

using json_out::Json;

namespace {

using AM = AdMetric;

double d(int64_t micros) { return static_cast<double>(micros) / 1e6; }
double r6(double v) { return mathx::round_to(v, 6); }
Json opt(std::optional<double> v) { return v ? Json(r6(*v)) : Json(nullptr); }
std::optional<double> div(double a, double b) { return b == 0 ? std::nullopt : std::optional<double>(a / b); }

struct Daily {
  Day day;
  double spend = 0, conversions = 0, revenue = 0, clicks = 0, impressions = 0;
};

// One currency's daily account series, every day from the first to the last.
std::vector<Daily> daily_series(const Rollup& r, const std::string& currency) {
  std::vector<Daily> out;
  if (!r.date_min || !r.date_max) return out;
  for (Day day = *r.date_min; day <= *r.date_max; ++day) out.push_back({day});
  for (const DayGroup& g : r.by_day) {
    if (g.currency != currency) continue;
    Daily& x = out[static_cast<size_t>(g.day - *r.date_min)];
    x.spend += d(g.sums[AM::kSpend]);
    x.conversions += d(g.sums[AM::kConversions]);
    x.revenue += d(g.sums[AM::kConversionValue]);
    x.clicks += d(g.sums[AM::kClicks]);
    x.impressions += d(g.sums[AM::kImpressions]);
  }
  return out;
}

// Least squares of y on 0..n-1: slope per day and R².
std::pair<double, double> fit_line(const std::vector<double>& y) {
  const double n = static_cast<double>(y.size());
  if (n < 3) return {0, 0};
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double x = static_cast<double>(i);
    sx += x;
    sy += y[i];
    sxx += x * x;
    sxy += x * y[i];
  }
  const double den = n * sxx - sx * sx;
  if (den == 0) return {0, 0};
  const double slope = (n * sxy - sx * sy) / den;
  const double icept = (sy - slope * sx) / n;
  double ss_tot = 0, ss_res = 0;
  const double mean = sy / n;
  for (size_t i = 0; i < y.size(); ++i) {
    const double f = icept + slope * static_cast<double>(i);
    ss_res += (y[i] - f) * (y[i] - f);
    ss_tot += (y[i] - mean) * (y[i] - mean);
  }
  return {slope, ss_tot == 0 ? 0.0 : 1.0 - ss_res / ss_tot};
}

// Weekday-seasonal level model: value(t) = level × factor[weekday(t)].
struct SeasonalModel {
  double level = 0;
  double factor[7] = {1, 1, 1, 1, 1, 1, 1};
  double residual_sd = 0;
};

SeasonalModel fit_seasonal(const std::vector<Daily>& s, size_t end, double Daily::*field) {
  SeasonalModel m;
  if (end == 0) return m;
  const size_t hist = std::min<size_t>(end, 56);  // up to eight weeks for the weekday factors
  const size_t start = end - hist;
  double total = 0;
  double wsum[7] = {0}, wcnt[7] = {0};
  for (size_t i = start; i < end; ++i) {
    const int w = weekday(s[i].day);
    wsum[w] += s[i].*field;
    wcnt[w] += 1;
    total += s[i].*field;
  }
  const double mean = total / static_cast<double>(hist);
  if (hist >= 14 && mean > 0) {
    for (int w = 0; w < 7; ++w) m.factor[w] = wcnt[w] > 0 ? (wsum[w] / wcnt[w]) / mean : 1.0;
  }
  // Level: the last two weeks, with the weekday pattern divided out.
  const size_t lvl = std::min<size_t>(end, 14);
  double lsum = 0;
  for (size_t i = end - lvl; i < end; ++i) {
    const double f = m.factor[weekday(s[i].day)];
    lsum += f > 0 ? s[i].*field / f : s[i].*field;
  }
  m.level = lsum / static_cast<double>(lvl);
  double ss = 0;
  const size_t res = std::min<size_t>(end, 28);
  for (size_t i = end - res; i < end; ++i) {
    const double e = s[i].*field - m.level * m.factor[weekday(s[i].day)];
    ss += e * e;
  }
  m.residual_sd = res > 1 ? std::sqrt(ss / static_cast<double>(res - 1)) : 0;
  return m;
}

struct CampaignRow {
  const Group* g;
  double spend, conversions, revenue, clicks, impressions;
};

class AnalysisBuilder {
 public:
  AnalysisBuilder(const Rollup& ads, const Rollup& web, const FactBook& book, const AnalysisOptions& o)
      : ads_(ads), web_(web), book_(book), o_(o) {}

  Json build() {
    Json doc;
    doc["summary"] = summary();
    Json plan = action_plan();
    Json per_currency = Json::array();
    for (const std::string& c : ads_.currencies) per_currency.push_back(for_currency(c));
    doc["by_currency"] = std::move(per_currency);
    doc["action_plan"] = std::move(plan);
    doc["web_journey"] = web_journey();
    doc["assumptions"] = {
        {"performers", "top and bottom 10% of campaigns (at least one each) by ROAS, or by CPA when the data has no "
                       "revenue, among campaigns with at least " + fmt::percent(o_.spend_floor_share) +
                       " of the spend or a quarter of the average campaign's, whichever is less"},
        {"reallocation", "revenue of a campaign grows as spend^" + fmt::count(o_.elasticity) +
                             " (diminishing returns, fitted to each campaign's current spend and revenue); budget "
                             "goes where the marginal return is highest (marginal returns equalised), total kept, no "
                             "campaign raised by more than " + fmt::percent(o_.budget_increase_limit) +
                             " nor cut by more than 50%"},
        {"forecast", "daily level of the last 14 days times a weekday factor from up to 8 weeks; interval ±1.96 "
                     "residual standard deviations × √days; backtest: fitted without the last 14 days, scored on them"},
        {"impact", "each action's expected impact is the money its fact puts at stake (see each action's basis)"}};
    return doc;
  }

 private:
  Json summary() {
    Json j;
    int64_t rows = 0;
    Json per_source = Json::object();
    for (const Group& p : ads_.by_platform) {
      rows += p.sums.rows;
      per_source[std::string(platform_name(p.platform))] =
          per_source.value(std::string(platform_name(p.platform)), int64_t{0}) + p.sums.rows;
    }
    j["records"] = rows;
    j["records_by_source"] = std::move(per_source);
    j["campaigns"] = ads_.groups.size();
    j["currencies"] = ads_.currencies;
    j["mixed_currencies"] = ads_.mixed_currencies();
    put_metrics(j["totals"], ads_.totals, DataKind::kAds, ads_.metrics_present, ads_.mixed_currencies());
    if (web_.date_max) put_metrics(j["web_totals"], web_.totals, DataKind::kWeb, web_.metrics_present);
    return j;
  }

  Json for_currency(const std::string& currency) {
    Json j;
    j["currency"] = currency.empty() ? Json(nullptr) : Json(currency);
    std::vector<CampaignRow> rows;
    double spend = 0, conv = 0, rev = 0;
    for (const Group& g : ads_.groups) {
      if (g.currency != currency) continue;
      const Sums& s = g.sums;
      rows.push_back({&g, d(s[AM::kSpend]), d(s[AM::kConversions]), d(s[AM::kConversionValue]), d(s[AM::kClicks]),
                      d(s[AM::kImpressions])});
      spend += rows.back().spend;
      conv += rows.back().conversions;
      rev += rows.back().revenue;
    }
    const bool by_roas = rev > 0;
    j["performance_metric"] = by_roas ? "roas" : "cpa";
    j["performers"] = performers(rows, spend, by_roas);
    j["campaign_comparison"] = comparison(rows, spend, conv, rev);
    j["platform_comparison"] = platforms(currency, spend, conv, rev);
    const std::vector<Daily> series = daily_series(ads_, currency);
    j["trends"] = trends(series);
    j["budget_reallocation"] = reallocation(currency, by_roas);
    j["forecast"] = forecast(series);
    return j;
  }

  Json performers(const std::vector<CampaignRow>& rows, double spend, bool by_roas) {
    std::vector<std::pair<double, const CampaignRow*>> eligible;
    const double floor = this->floor(rows, spend);
    for (const CampaignRow& r : rows) {
      if (r.spend <= 0 || r.spend < floor) continue;
      if (by_roas) {
        eligible.push_back({r.revenue / r.spend, &r});
      } else if (r.conversions > 0) {
        eligible.push_back({-r.spend / r.conversions, &r});  // lower CPA ranks higher
      }
    }
    std::stable_sort(eligible.begin(), eligible.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return std::tie(a.second->g->name, a.second->g->id) < std::tie(b.second->g->name, b.second->g->id);
    });
    const size_t k = eligible.empty() ? 0 : std::max<size_t>(1, (eligible.size() + 9) / 10);
    auto entry = [&](const std::pair<double, const CampaignRow*>& e) {
      Json x;
      x["platform"] = std::string(platform_name(e.second->g->platform));
      x["campaign_id"] = e.second->g->id;
      x["campaign"] = e.second->g->name;
      x["spend"] = r6(e.second->spend);
      x[by_roas ? "roas" : "cpa"] = r6(std::fabs(e.first));
      x["conversions"] = r6(e.second->conversions);
      return x;
    };
    Json top = Json::array(), bottom = Json::array();
    for (size_t i = 0; i < k && i < eligible.size(); ++i) top.push_back(entry(eligible[i]));
    for (size_t i = 0; i < k; ++i) {
      const size_t at = eligible.size() - 1 - i;
      if (at < k) break;  // already among the top
      bottom.push_back(entry(eligible[at]));
    }
    return {{"eligible", eligible.size()}, {"spend_floor", r6(floor)}, {"top", top},
            {"bottom", bottom}};
  }

  // A campaign must spend at least `spend_floor_share` of the total, or a
  // quarter of the average campaign, whichever is less, to be ranked.
  double floor(const std::vector<CampaignRow>& rows, double spend) const {
    const double average = rows.empty() ? 0.0 : spend / static_cast<double>(rows.size());
    return std::min(spend * o_.spend_floor_share, 0.25 * average);
  }

  Json comparison(const std::vector<CampaignRow>& rows, double spend, double conv, double rev) {
    Json out = Json::array();
    const auto acc_roas = div(rev, spend), acc_cpa = div(spend, conv);
    for (const CampaignRow& r : rows) {
      Json x;
      x["platform"] = std::string(platform_name(r.g->platform));
      x["campaign_id"] = r.g->id;
      x["campaign"] = r.g->name;
      put_metrics(x, r.g->sums, DataKind::kAds, ads_.metrics_present);
      x["spend_share"] = opt(div(r.spend, spend));
      x["conversion_share"] = opt(div(r.conversions, conv));
      const auto roas = div(r.revenue, r.spend), cpa = div(r.spend, r.conversions);
      x["roas_index"] = (roas && acc_roas && *acc_roas > 0) ? Json(r6(*roas / *acc_roas)) : Json(nullptr);
      x["cpa_index"] = (cpa && acc_cpa && *acc_cpa > 0) ? Json(r6(*cpa / *acc_cpa)) : Json(nullptr);
      out.push_back(std::move(x));
    }
    return out;
  }

  Json platforms(const std::string& currency, double spend, double conv, double rev) {
    Json out = Json::array();
    for (const Group& p : ads_.by_platform) {
      if (p.currency != currency) continue;
      Json x;
      x["platform"] = std::string(platform_name(p.platform));
      put_metrics(x, p.sums, DataKind::kAds, ads_.metrics_present);
      x["spend_share"] = opt(div(d(p.sums[AM::kSpend]), spend));
      x["conversion_share"] = opt(div(d(p.sums[AM::kConversions]), conv));
      x["revenue_share"] = opt(div(d(p.sums[AM::kConversionValue]), rev));
      out.push_back(std::move(x));
    }
    return out;
  }

  Json trends(const std::vector<Daily>& s) {
    Json daily = Json::array();
    for (size_t i = 0; i < s.size(); ++i) {
      Json x;
      x["date"] = iso_date(s[i].day);
      x["spend"] = r6(s[i].spend);
      x["conversions"] = r6(s[i].conversions);
      x["revenue"] = r6(s[i].revenue);
      for (const auto& [name, field] : {std::pair{"spend_ma7", &Daily::spend}, std::pair{"conversions_ma7", &Daily::conversions},
                                        std::pair{"revenue_ma7", &Daily::revenue}}) {
        if (i < 6) {
          x[name] = nullptr;
          continue;
        }
        double sum = 0;
        for (size_t k = i - 6; k <= i; ++k) sum += s[k].*field;
        x[name] = r6(sum / 7);
      }
      daily.push_back(std::move(x));
    }
    Json wow = Json::object(), slopes = Json::object();
    for (const auto& [name, field] : {std::pair{"spend", &Daily::spend}, std::pair{"conversions", &Daily::conversions},
                                      std::pair{"revenue", &Daily::revenue}, std::pair{"clicks", &Daily::clicks}}) {
      if (s.size() >= 14) {
        double last = 0, before = 0;
        for (size_t k = s.size() - 7; k < s.size(); ++k) last += s[k].*field;
        for (size_t k = s.size() - 14; k < s.size() - 7; ++k) before += s[k].*field;
        wow[name] = {{"last_7_days", r6(last)}, {"previous_7_days", r6(before)}, {"change", opt(div(last - before, before))}};
      } else {
        wow[name] = nullptr;
      }
      std::vector<double> y;
      for (const Daily& x : s) y.push_back(x.*field);
      const auto [slope, r2] = fit_line(y);
      slopes[name] = {{"per_day", r6(slope)}, {"r2", r6(r2)}};
    }
    return {{"daily", std::move(daily)}, {"week_over_week", std::move(wow)}, {"slope", std::move(slopes)}};
  }

  // The period the plan and the reallocation read: the facts' current
  // window, or an undated export's whole period.
  Json period_json() const {
    if (ads_.periods) {
      return {{"start", iso_date(ads_.periods->current.start)}, {"end", iso_date(ads_.periods->current.end)},
              {"days", ads_.periods->days}};
    }
    return {{"start", ads_.declared && ads_.declared->start ? Json(iso_date(*ads_.declared->start)) : Json(nullptr)},
            {"end", ads_.declared && ads_.declared->end ? Json(iso_date(*ads_.declared->end)) : Json(nullptr)},
            {"days", nullptr}};
  }
  Sums period_sums(const Group& g) const {
    return ads_.periods ? g.by_day.window(ads_.periods->current.start, ads_.periods->current.end) : g.sums;
  }

  // Greedy water-filling of the budget under revenue_i = k_i spend^α, over
  // the facts' period. Paused and removed campaigns get no budget; one the
  // plan pauses, cuts or sends to fix its tracking is not raised.
  Json reallocation(const std::string& currency, bool by_roas) {
    struct Item {
      const CampaignRow* r;
      double k, spend, cap;
    };
    std::vector<CampaignRow> rows;
    Json held = Json::array();
    for (const Group& g : ads_.groups) {
      if (g.currency != currency) continue;
      const Sums s = period_sums(g);
      if (campaign_inactive(g, book_)) {
        if (s[AM::kSpend] > 0) {
          held.push_back({{"campaign_id", g.id}, {"campaign", g.name}, {"platform", std::string(platform_name(g.platform))},
                          {"reason", "status " + g.attrs.status + ": no budget"}});
        }
        continue;
      }
      rows.push_back({&g, d(s[AM::kSpend]), d(s[AM::kConversions]), d(s[AM::kConversionValue]), d(s[AM::kClicks]),
                      d(s[AM::kImpressions])});
    }
    const double alpha = o_.elasticity;
    std::vector<Item> items;
    double total = 0;
    for (const CampaignRow& r : rows) {
      const double outcome = by_roas ? r.revenue : r.conversions;
      if (r.spend <= 0) continue;
      double cap = r.spend * (1 + o_.budget_increase_limit);
      const auto v = verdicts_.find(entity_key(*r.g));
      if (v != verdicts_.end() && (v->second == "PAUSE_ADS" || v->second == "REDUCE_BUDGET" || v->second == "FIX_TRACKING")) {
        cap = r.spend;
        held.push_back({{"campaign_id", r.g->id}, {"campaign", r.g->name}, {"platform", std::string(platform_name(r.g->platform))},
                        {"reason", "the action plan says " + v->second + ": not raised"}});
      }
      items.push_back({&r, outcome / mathx::pow(r.spend, alpha), r.spend, cap});
      total += r.spend;
    }
    auto outcome_at = [&](const Item& it, double s) { return s <= 0 ? 0.0 : it.k * mathx::pow(s, alpha); };
    auto marginal = [&](const Item& it, double s) { return s <= 0 ? 0.0 : alpha * it.k * mathx::pow(s, alpha - 1); };
    const double before = [&] {
      double v = 0;
      for (const Item& it : items) v += outcome_at(it, it.spend);
      return v;
    }();
    // The optimum equalises marginal returns: α k_i s_i^(α−1) = λ, i.e.
    // s_i(λ) = (α k_i / λ)^(1/(1−α)), clamped to [50% of current, the cap].
    // Σ s_i(λ) falls as λ grows, so λ is found by bisection on its logarithm.
    auto spend_at = [&](const Item& it, double log_lambda) {
      if (it.k <= 0) return it.spend * 0.5;
      const double s = mathx::exp((mathx::log(alpha * it.k) - log_lambda) / (1 - alpha));
      return std::clamp(s, it.spend * 0.5, it.cap);
    };
    std::vector<double> plan;
    for (const Item& it : items) plan.push_back(it.spend);
    if (items.size() >= 2 && total > 0) {
      double lo = -60, hi = 60;
      for (int iter = 0; iter < 200; ++iter) {
        const double mid = (lo + hi) / 2;
        double sum = 0;
        for (const Item& it : items) sum += spend_at(it, mid);
        (sum > total ? lo : hi) = mid;
      }
      double sum = 0;
      for (size_t i = 0; i < items.size(); ++i) sum += plan[i] = spend_at(items[i], hi);
      // Bisection leaves cents over or under; give them to the best marginal return.
      if (sum > 0) {
        size_t best = 0;
        for (size_t i = 1; i < items.size(); ++i) {
          if (marginal(items[i], plan[i]) > marginal(items[best], plan[best])) best = i;
        }
        plan[best] += total - sum;
      }
    }
    double after = 0;
    Json moves = Json::array();
    for (size_t i = 0; i < items.size(); ++i) {
      after += outcome_at(items[i], plan[i]);
      const double delta = plan[i] - items[i].spend;
      Json x;
      x["platform"] = std::string(platform_name(items[i].r->g->platform));
      x["campaign_id"] = items[i].r->g->id;
      x["campaign"] = items[i].r->g->name;
      x["current_spend"] = r6(items[i].spend);
      x["proposed_spend"] = mathx::round_to(plan[i], 2);
      x["change"] = mathx::round_to(delta, 2);
      x["change_fraction"] = r6(delta / items[i].spend);
      x[by_roas ? "projected_revenue" : "projected_conversions"] = mathx::round_to(outcome_at(items[i], plan[i]), 2);
      moves.push_back(std::move(x));
    }
    Json out;
    out["objective"] = by_roas ? "revenue" : "conversions";
    out["total_budget"] = mathx::round_to(total, 2);
    out["budget_increase_limit"] = o_.budget_increase_limit;
    out["before"] = {{by_roas ? "revenue" : "conversions", mathx::round_to(before, 2)},
                     {by_roas ? "roas" : "cpa", opt(by_roas ? div(before, total) : div(total, before))}};
    out["after"] = {{by_roas ? "revenue" : "conversions", mathx::round_to(after, 2)},
                    {by_roas ? "roas" : "cpa", opt(by_roas ? div(after, total) : div(total, after))}};
    out["campaigns"] = std::move(moves);
    out["held"] = std::move(held);
    out["period"] = period_json();
    return out;
  }

  Json forecast(const std::vector<Daily>& s) {
    const int n = o_.forecast_days;
    if (s.empty()) return nullptr;
    Json out;
    out["days"] = n;
    out["start"] = iso_date(s.back().day + 1);
    out["end"] = iso_date(s.back().day + n);
    Json daily = Json::array();
    std::vector<SeasonalModel> models;
    const std::pair<const char*, double Daily::*> fields[] = {
        {"spend", &Daily::spend}, {"conversions", &Daily::conversions}, {"revenue", &Daily::revenue}};
    for (const auto& [name, field] : fields) models.push_back(fit_seasonal(s, s.size(), field));
    for (int t = 1; t <= n; ++t) {
      const Day day = s.back().day + t;
      Json x;
      x["date"] = iso_date(day);
      for (size_t m = 0; m < models.size(); ++m) {
        x[fields[m].first] = mathx::round_to(models[m].level * models[m].factor[weekday(day)], 2);
      }
      daily.push_back(std::move(x));
    }
    for (size_t m = 0; m < models.size(); ++m) {
      double sum = 0;
      for (int t = 1; t <= n; ++t) sum += models[m].level * models[m].factor[weekday(s.back().day + t)];
      const double half = 1.96 * models[m].residual_sd * std::sqrt(static_cast<double>(n));
      out[fields[m].first] = {{"value", mathx::round_to(sum, 2)},
                              {"low", mathx::round_to(std::max(0.0, sum - half), 2)},
                              {"high", mathx::round_to(sum + half, 2)}};
    }
    out["daily"] = std::move(daily);
    // Backtest: fit without the last 14 days, forecast them, score.
    Json backtest = Json::object();
    if (s.size() >= 28) {
      const size_t cut = s.size() - 14;
      for (const auto& [name, field] : fields) {
        const SeasonalModel m = fit_seasonal(s, cut, field);
        double abs_err = 0, actual = 0, ape = 0, bias = 0;
        int ape_n = 0;
        for (size_t i = cut; i < s.size(); ++i) {
          const double f = m.level * m.factor[weekday(s[i].day)];
          const double a = s[i].*field;
          abs_err += std::fabs(f - a);
          bias += f - a;
          actual += a;
          if (a != 0) {
            ape += std::fabs(f - a) / std::fabs(a);
            ++ape_n;
          }
        }
        backtest[name] = {{"wape", opt(div(abs_err, actual))},
                          {"mape", ape_n > 0 ? Json(r6(ape / ape_n)) : Json(nullptr)},
                          {"bias", opt(div(bias, actual))}};
      }
      out["backtest"] = {{"days", 14}, {"start", iso_date(s[cut].day)}, {"end", iso_date(s.back().day)},
                         {"errors", std::move(backtest)}};
    } else {
      out["backtest"] = nullptr;
    }
    out["model"] = "weekday-seasonal level";
    return out;
  }

  // Whether a web source / medium is paid traffic: its medium (or, in a
  // channel table, the channel in the source slot) is one of the paid ones.
  bool paid(const Group& g) const {
    for (const std::string* s : {&g.medium, &g.source}) {
      if (book_.listed("paid_mediums", *s, true)) return true;
      const std::string folded = text::fold_case(*s);
      if (folded.find("paid") != std::string::npos) return true;
    }
    return false;
  }

  // Ads to conversion: ad clicks → sessions from paid sources → engaged
  // sessions → key events; the other sessions (organic, direct, referral,
  // email) apart, never beside ad clicks; and the traffic sources that lose
  // the most on the way.
  Json web_journey() {
    if (!web_.date_max && !web_.undated) return nullptr;
    using WM = WebMetric;
    const Sums& w = web_.totals;
    const bool has_clicks = (ads_.metrics_present >> static_cast<unsigned>(AM::kClicks)) & 1u;
    bool sourced = false;
    Sums paid_sums, other_sums;
    for (const Group& g : web_.groups) {
      sourced = sourced || !g.source.empty() || !g.medium.empty();
      (paid(g) ? paid_sums : other_sums).add(g.sums);
    }
    Json steps = Json::array();
    const Sums& funnel = sourced ? paid_sums : w;
    std::vector<std::pair<const char*, std::optional<double>>> counts = {
        {"Ad clicks", has_clicks && sourced ? std::optional<double>(d(ads_.totals[AM::kClicks])) : std::nullopt},
        {sourced ? "Paid sessions" : "Sessions", d(funnel[WM::kSessions])},
        {"Engaged sessions", d(funnel[WM::kEngagedSessions])},
        {"Key events", d(funnel[WM::kKeyEvents])}};
    std::optional<double> prev, first;
    for (const auto& [name, count] : counts) {
      if (!count) continue;
      if (!first) first = *count;
      Json x;
      x["name"] = name;
      x["count"] = r6(*count);
      x["rate_from_previous"] = prev ? opt(div(*count, *prev)) : Json(nullptr);
      x["dropoff"] = prev ? opt(div(*prev - *count, *prev)) : Json(nullptr);
      x["percentage"] = opt(div(*count, *first));
      steps.push_back(std::move(x));
      prev = *count;
    }
    Json other = nullptr;
    if (sourced) {
      other = {{"sessions", r6(d(other_sums[WM::kSessions]))},
               {"engaged_sessions", r6(d(other_sums[WM::kEngagedSessions]))},
               {"key_events", r6(d(other_sums[WM::kKeyEvents]))}};
    }
    Json sources = Json::array();
    const double total_sessions = d(w[WM::kSessions]);
    std::vector<std::pair<double, Json>> ranked;
    for (const Group& g : web_.groups) {
      const double sessions = d(g.sums[WM::kSessions]);
      if (sessions <= 0) continue;
      Json x;
      x["source"] = g.source;
      x["medium"] = g.medium;
      x["paid"] = paid(g);
      put_metrics(x, g.sums, DataKind::kWeb, web_.metrics_present);
      const double dropoff = 1.0 - d(g.sums[WM::kKeyEvents]) / sessions;
      x["dropoff"] = r6(dropoff);
      x["session_share"] = opt(div(sessions, total_sessions));
      sources.push_back(x);
      if (sessions >= total_sessions * 0.01) ranked.emplace_back(dropoff, x);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    Json worst = Json::array();
    for (size_t i = 0; i < ranked.size() && i < 5; ++i) worst.push_back(ranked[i].second);
    Json out;
    out["steps"] = std::move(steps);
    out["paid_only"] = sourced;
    out["other_sessions"] = std::move(other);
    out["overall_conversion"] = has_clicks && sourced ? opt(div(d(paid_sums[WM::kKeyEvents]), d(ads_.totals[AM::kClicks])))
                                                      : opt(div(d(funnel[WM::kKeyEvents]), d(funnel[WM::kSessions])));
    out["sources"] = std::move(sources);
    out["worst_sources"] = std::move(worst);
    out["note"] = sourced ? "ad clicks are compared with sessions from paid sources and mediums only (cpc, ppc, paid, "
                            "paid social, display…); other sessions are shown apart. Sources with at least 1% of "
                            "sessions are ranked by drop-off (1 − key events / sessions)"
                          : "the web data has no source or medium, so its sessions are not set beside ad clicks; "
                            "sources with at least 1% of sessions are ranked by drop-off (1 − key events / sessions)";
    return out;
  }

  static std::string entity_key(const Group& g) {
    return std::string(platform_name(g.platform)) + "|" + (g.id.empty() ? g.name : g.id) + "|" + g.currency;
  }
  static std::string entity_key(const Fact& f) {
    return f.entity.platform + "|" + f.entity.id + "|" + f.currency;
  }

  // Recommendations and the action plan, from every grow/optimize/protect
  // fact. One verdict per entity: its facts' actions are ranked (fix the
  // tracking before judging the numbers, pause before cut, cut before
  // refresh, refresh before raise); the first is the primary action, the
  // others supporting notes, and a raise is set aside when the verdict cuts
  // or the campaign is not running.
  Json action_plan() {
    struct Rule {
      const char* tmpl;
      const char* action;
      const char* when;
      const char* priority;
      const char* basis;
    };
    static constexpr Rule kRules[] = {
        {"protect.tracking_break", "FIX_TRACKING", "immediate", "high", "spend during the days without any conversion"},
        {"optimize.wasted_spend", "PAUSE_ADS", "immediate", "high", "spend in the period that brought no conversion"},
        {"protect.spend_spike", "CHECK_BUDGET_CAPS", "immediate", "high", "spend above the campaign's usual day"},
        {"protect.anomaly_high", "INVESTIGATE_ANOMALY", "immediate", "medium", "distance from the usual day"},
        {"protect.anomaly_low", "INVESTIGATE_ANOMALY", "immediate", "medium", "distance from the usual day"},
        {"optimize.high_cpa", "REDUCE_BUDGET", "this_week", "high", "cost of its conversions above the account's CPA"},
        {"optimize.missed_target_cpa", "REDUCE_BUDGET", "this_week", "high", "cost of its conversions above its target CPA"},
        {"optimize.missed_target_roas", "REDUCE_BUDGET", "this_week", "high", "spend not earning its target ROAS"},
        {"optimize.low_ctr", "REFRESH_CREATIVE", "this_week", "medium", "clicks it would get at its peers' CTR, at the account's CPC"},
        {"optimize.low_ctr_type", "REFRESH_CREATIVE", "this_week", "medium", "clicks it would get at its peers' CTR, at the account's CPC"},
        {"protect.frequency_fatigue", "REFRESH_CREATIVE", "this_week", "medium", "clicks lost to the CTR drop, at its CPC"},
        {"optimize.cpc_inflation", "REVIEW_BIDS", "this_week", "medium", "extra cost of its clicks at the new CPC"},
        {"protect.pacing", "ADJUST_PACING", "this_week", "low", "difference between the run-rate and the last period"},
        {"grow.scale_campaign", "INCREASE_BUDGET", "this_month", "medium", "revenue above the account's ROAS on 20% more budget"},
        {"grow.scale_campaign_cvr", "INCREASE_BUDGET", "this_month", "medium", "conversions above the account's rate on 20% more clicks, at the account's CPA"},
        {"grow.beat_target_roas", "INCREASE_BUDGET", "this_month", "medium", "revenue above its target ROAS on 20% more budget"},
        {"grow.beat_target_cpa", "INCREASE_BUDGET", "this_month", "medium", "conversions below its target CPA on 20% more budget"},
        {"grow.budget_limited", "INCREASE_BUDGET", "this_week", "high", "return above the yardstick on the spend the budget cut off"},
        {"grow.budget_limited_cpa", "INCREASE_BUDGET", "this_week", "high", "return above the yardstick on the spend the budget cut off"},
        {"grow.budget_limited_status", "INCREASE_BUDGET", "this_week", "high", "return above the yardstick on 20% more budget"},
        {"grow.budget_limited_status_cpa", "INCREASE_BUDGET", "this_week", "high", "return above the yardstick on 20% more budget"},
        {"grow.platform_share", "SHIFT_BUDGET_TO_PLATFORM", "this_month", "low", "revenue above the account's ROAS on 20% of its spend"},
        {"grow.rising_conversions", "INCREASE_BUDGET", "this_month", "low", "value of the added conversions"},
    };
    // Lower rank wins the verdict.
    static constexpr std::pair<const char*, int> kRank[] = {
        {"FIX_TRACKING", 0}, {"PAUSE_ADS", 1}, {"REDUCE_BUDGET", 2}, {"CHECK_BUDGET_CAPS", 3}, {"REVIEW_BIDS", 4},
        {"REFRESH_CREATIVE", 5}, {"INVESTIGATE_ANOMALY", 6}, {"ADJUST_PACING", 7}, {"INCREASE_BUDGET", 8},
        {"SHIFT_BUDGET_TO_PLATFORM", 9}};
    const auto rank = [](std::string_view a) {
      for (const auto& [name, r] : kRank) {
        if (a == name) return r;
      }
      return 99;
    };
    const auto raises = [](std::string_view a) { return a == "INCREASE_BUDGET" || a == "SHIFT_BUDGET_TO_PLATFORM"; };
    const auto cuts = [](std::string_view a) { return a == "PAUSE_ADS" || a == "REDUCE_BUDGET" || a == "FIX_TRACKING"; };
    struct Candidate {
      const Rule* rule;
      Fact fact;
    };
    std::map<std::string, std::vector<Candidate>> by_entity;  // key → its candidates
    std::vector<std::string> order;                           // entities in the order their first fact came
    Json recommendations = Json::array();
    for (HighlightType t : {HighlightType::kProtect, HighlightType::kOptimize, HighlightType::kGrow}) {
      HighlightOptions ho;
      ho.type = t;
      ho.max_facts = -1;
      ho.format = o_.format;
      ho.targets = o_.targets;
      const HighlightResult r = highlight(ads_, web_, ho, book_);
      for (const Fact& f : r.facts) {
        const Rule* rule = nullptr;
        for (const Rule& x : kRules) {
          if (f.template_id == x.tmpl) rule = &x;
        }
        if (rule == nullptr) continue;
        recommendations.push_back({{"fact_id", f.id}, {"action", rule->action}, {"sentence", f.sentence},
                                   {"metric", f.metric}, {"value", f.raw_value},
                                   {"previous", f.raw_previous ? Json(*f.raw_previous) : Json(nullptr)},
                                   {"confidence", f.confidence}});
        const std::string key = f.entity.level + "|" + entity_key(f);
        if (!by_entity.count(key)) order.push_back(key);
        by_entity[key].push_back({rule, f});
      }
    }
    std::map<std::string, const Group*> groups;
    for (const Group& g : ads_.groups) groups.emplace(entity_key(g), &g);
    Json plan = {{"immediate", Json::array()}, {"this_week", Json::array()}, {"this_month", Json::array()}};
    for (const std::string& key : order) {
      std::vector<Candidate>& cs = by_entity[key];
      std::stable_sort(cs.begin(), cs.end(), [&](const Candidate& a, const Candidate& b) {
        const int ra = rank(a.rule->action), rb = rank(b.rule->action);
        if (ra != rb) return ra < rb;
        return a.fact.impact_raw.value_or(0) > b.fact.impact_raw.value_or(0);
      });
      const Candidate& primary = cs.front();
      const Fact& f = primary.fact;
      const auto g = groups.find(entity_key(f));
      const bool inactive = f.entity.level == "campaign" && g != groups.end() && campaign_inactive(*g->second, book_);
      if (raises(primary.rule->action) && inactive) continue;  // facts never raise a paused campaign; guard anyway
      Json a;
      a["action"] = primary.rule->action;
      a["priority"] = f.severity == "critical" ? "high" : primary.rule->priority;
      a["entities"] = Json::array({{{"level", f.entity.level}, {"id", f.entity.id}, {"name", f.entity.name},
                                    {"platform", f.entity.platform.empty() ? Json(nullptr) : Json(f.entity.platform)}}});
      a["expected_impact"] = f.impact_raw ? Json(*f.impact_raw) : Json(nullptr);
      a["expected_impact_formatted"] = f.impact ? Json(*f.impact) : Json(nullptr);
      a["currency"] = f.currency.empty() ? Json(nullptr) : Json(f.currency);
      a["impact_basis"] = primary.rule->basis;
      a["justification"] = f.sentence;
      a["fact_id"] = f.id;
      Json facts = Json::array({f.id}), supporting = Json::array(), set_aside = Json::array();
      std::set<std::string> seen_actions = {primary.rule->action};
      for (size_t i = 1; i < cs.size(); ++i) {
        const Candidate& c = cs[i];
        facts.push_back(c.fact.id);
        Json note = {{"action", c.rule->action}, {"fact_id", c.fact.id}, {"sentence", c.fact.sentence}};
        if (raises(c.rule->action) && (cuts(primary.rule->action) || inactive)) {
          note["reason"] = std::string("conflicts with ") + primary.rule->action;
          set_aside.push_back(std::move(note));
        } else {
          supporting.push_back(std::move(note));
        }
      }
      a["facts"] = std::move(facts);
      a["supporting"] = std::move(supporting);
      a["set_aside"] = std::move(set_aside);
      if (f.entity.level == "campaign") verdicts_[entity_key(f)] = primary.rule->action;
      plan[primary.rule->when].push_back(std::move(a));
    }
    return {{"plan", std::move(plan)}, {"recommendations", std::move(recommendations)}, {"period", period_json()}};
  }

  const Rollup& ads_;
  const Rollup& web_;
  const FactBook& book_;
  const AnalysisOptions& o_;
  std::map<std::string, std::string> verdicts_;  // campaign key → the plan's primary action
};

}  // namespace

Json analysis_json(const Rollup& ads, const Rollup& web, const FactBook& book, const AnalysisOptions& options) {
  return AnalysisBuilder(ads, web, book, options).build();
}

std::string performance_analysis_json(const Rollup& ads, const Rollup& web, const FactBook& book,
                                      const AnalysisOptions& options) {
  return json_out::dump(analysis_json(ads, web, book, options));
}

}  // namespace glint
