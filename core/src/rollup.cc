#include "glint/rollup.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace glint {

namespace {

const std::string& dim(const Entity& e, AdDim d) { return e.dims[static_cast<size_t>(d)]; }
const std::string& dim(const Entity& e, WebDim d) { return e.dims[static_cast<size_t>(d)]; }

// Sort key: the biggest first (spend for ads, sessions for web), then names.
int64_t weight(const Sums& s, DataKind kind) {
  return kind == DataKind::kAds ? s[AdMetric::kSpend] : s[WebMetric::kSessions];
}

}  // namespace

Rollup roll_up(std::span<const Dataset* const> inputs, DataKind kind, int days, std::optional<Day> anchor) {
  Rollup r;
  r.kind = kind;
  std::set<std::string> currencies;
  std::map<std::tuple<int, std::string>, Group> platforms;
  std::map<std::tuple<int, std::string, std::string, std::string>, Group> groups;
  std::map<std::tuple<Day, std::string>, Sums> days_map;

  for (const Dataset* d : inputs) {
    if (d->report.kind != kind) continue;
    r.metrics_present |= d->report.metrics_present;
    for (const Cell& c : d->cells) {
      const Entity& e = d->entities[c.entity];
      currencies.insert(e.currency);
      r.totals.add(c.sums);
      r.totals_by_currency[e.currency].add(c.sums);
      Group& p = platforms[{static_cast<int>(e.platform), e.currency}];
      p.platform = e.platform;
      p.currency = e.currency;
      p.sums.add(c.sums);
      std::tuple<int, std::string, std::string, std::string> key;
      if (kind == DataKind::kAds) {
        const std::string& id = dim(e, AdDim::kCampaignId);
        key = {static_cast<int>(e.platform), e.currency, dim(e, AdDim::kAccountId),
               id.empty() ? "name:" + dim(e, AdDim::kCampaign) : "id:" + id};
      } else {
        key = {static_cast<int>(e.platform), e.currency, dim(e, WebDim::kSource), dim(e, WebDim::kMedium)};
      }
      auto [it, inserted] = groups.try_emplace(key);
      Group& g = it->second;
      if (inserted) {
        g.platform = e.platform;
        g.currency = e.currency;
        if (kind == DataKind::kAds) {
          g.id = dim(e, AdDim::kCampaignId);
          g.name = dim(e, AdDim::kCampaign);
          g.account_id = dim(e, AdDim::kAccountId);
        } else {
          g.source = dim(e, WebDim::kSource);
          g.medium = dim(e, WebDim::kMedium);
          g.name = g.medium.empty() ? g.source : g.source + " / " + g.medium;
        }
      } else if (g.name.empty() && kind == DataKind::kAds) {
        g.name = dim(e, AdDim::kCampaign);
      }
      g.sums.add(c.sums);
      if (c.day != kNoDay) {
        g.by_day[c.day].add(c.sums);
        days_map[{c.day, e.currency}].add(c.sums);
        if (!r.date_min || c.day < *r.date_min) r.date_min = c.day;
        if (!r.date_max || c.day > *r.date_max) r.date_max = c.day;
      }
    }
  }
  r.currencies.assign(currencies.begin(), currencies.end());
  for (auto& [k, g] : platforms) r.by_platform.push_back(std::move(g));
  for (auto& [k, g] : groups) r.groups.push_back(std::move(g));
  const auto by_weight = [kind](const Group& a, const Group& b) {
    const int64_t wa = weight(a.sums, kind), wb = weight(b.sums, kind);
    if (wa != wb) return wa > wb;
    return std::tie(a.platform, a.name, a.id, a.currency, a.account_id) <
           std::tie(b.platform, b.name, b.id, b.currency, b.account_id);
  };
  std::sort(r.by_platform.begin(), r.by_platform.end(), by_weight);
  std::sort(r.groups.begin(), r.groups.end(), by_weight);
  for (auto& [k, s] : days_map) r.by_day.push_back({std::get<0>(k), std::get<1>(k), s});

  if (days > 0 && (anchor || r.date_max)) {
    Periods p;
    p.days = days;
    p.anchor = anchor ? *anchor : *r.date_max;
    p.current.end = p.anchor;
    p.current.start = p.anchor - days + 1;
    p.previous.end = p.current.start - 1;
    p.previous.start = p.previous.end - days + 1;
    for (const DayGroup& dg : r.by_day) {
      PeriodSums* target = nullptr;
      if (dg.day >= p.current.start && dg.day <= p.current.end) target = &p.current;
      if (dg.day >= p.previous.start && dg.day <= p.previous.end) target = &p.previous;
      if (target == nullptr) continue;
      target->sums.add(dg.sums);
      if (r.mixed_currencies()) target->by_currency[dg.currency].add(dg.sums);
    }
    r.periods = p;
  }
  return r;
}

}  // namespace glint
