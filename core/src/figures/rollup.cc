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

const Sums* DaySeries::at(Day day) const {
  const size_t i = lower_bound(day);
  return i < points_.size() && points_[i].first == day ? &points_[i].second : nullptr;
}

size_t DaySeries::lower_bound(Day day) const {
  return static_cast<size_t>(std::lower_bound(points_.begin(), points_.end(), day,
                                              [](const Point& p, Day d) { return p.first < d; }) -
                             points_.begin());
}

Sums DaySeries::window(Day start, Day end) const {
  Sums s;
  for (size_t i = lower_bound(start); i < points_.size() && points_[i].first <= end; ++i) s.add(points_[i].second);
  return s;
}

void DaySeries::seal() {
  const auto by_day = [](const Point& a, const Point& b) { return a.first < b.first; };
  if (!std::is_sorted(points_.begin(), points_.end(), by_day)) std::stable_sort(points_.begin(), points_.end(), by_day);
  size_t out = 0;
  for (size_t i = 0; i < points_.size(); ++i) {
    if (out > 0 && points_[out - 1].first == points_[i].first) {
      points_[out - 1].second.add(points_[i].second);
    } else {
      points_[out++] = points_[i];
    }
  }
  points_.resize(out);
}

Rollup roll_up(std::span<const Dataset* const> inputs, DataKind kind, int days, std::optional<Day> anchor) {
  Rollup r;
  r.kind = kind;
  std::set<std::string> currencies;
  std::map<std::tuple<int, std::string>, size_t> platform_index;
  std::map<std::tuple<int, std::string, std::string, std::string>, size_t> group_index;
  std::vector<Group> platforms, groups;
  struct PerDataset {
    const Dataset* d;
    std::vector<size_t> platform_of, group_of, currency_of;
  };
  std::vector<PerDataset> per_dataset;
  std::optional<Day> first_day, last_day;
  std::vector<std::string> currency_names;               // index → code
  std::map<std::string, size_t> currency_index;
  std::map<std::pair<Day, size_t>, Sums> days_map;       // (day, currency index)

  for (const Dataset* d : inputs) {
    if (d->report.kind != kind) continue;
    r.metrics_present |= d->report.metrics_present;
    // Per entity once: its platform row, its group and its currency.
    PerDataset& pd = per_dataset.emplace_back();
    pd.d = d;
    std::vector<size_t>& platform_of = pd.platform_of;
    std::vector<size_t>& group_of = pd.group_of;
    std::vector<size_t>& currency_of = pd.currency_of;
    platform_of.resize(d->entities.size());
    group_of.resize(d->entities.size());
    currency_of.resize(d->entities.size());
    for (const Cell& c : d->cells) {
      if (c.day == kNoDay) continue;
      if (!first_day || c.day < *first_day) first_day = c.day;
      if (!last_day || c.day > *last_day) last_day = c.day;
    }
    for (size_t i = 0; i < d->entities.size(); ++i) {
      const Entity& e = d->entities[i];
      currencies.insert(e.currency);
      auto [ci, cnew] = currency_index.try_emplace(e.currency, currency_names.size());
      if (cnew) currency_names.push_back(e.currency);
      currency_of[i] = ci->second;
      auto [pi, pnew] = platform_index.try_emplace({static_cast<int>(e.platform), e.currency}, platforms.size());
      if (pnew) {
        Group p;
        p.platform = e.platform;
        p.currency = e.currency;
        platforms.push_back(std::move(p));
      }
      platform_of[i] = pi->second;
      std::tuple<int, std::string, std::string, std::string> key;
      if (kind == DataKind::kAds) {
        const std::string& id = dim(e, AdDim::kCampaignId);
        key = {static_cast<int>(e.platform), e.currency, dim(e, AdDim::kAccountId),
               id.empty() ? "name:" + dim(e, AdDim::kCampaign) : "id:" + id};
      } else {
        key = {static_cast<int>(e.platform), e.currency, dim(e, WebDim::kSource), dim(e, WebDim::kMedium)};
      }
      auto [gi, gnew] = group_index.try_emplace(std::move(key), groups.size());
      if (gnew) {
        Group g;
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
        groups.push_back(std::move(g));
      } else if (kind == DataKind::kAds && groups[gi->second].name.empty()) {
        groups[gi->second].name = dim(e, AdDim::kCampaign);
      }
      group_of[i] = gi->second;
    }
  }

  // Day sums per group: a dense table over the days when it is small (the
  // common case), else one map node per (group, day). Either way memory
  // follows the answer, not the number of cells.
  const int64_t span = first_day && last_day ? static_cast<int64_t>(*last_day - *first_day) + 1 : 0;
  const bool dense = span > 0 && static_cast<int64_t>(groups.size()) * span <= (int64_t{1} << 22);
  std::vector<Sums> dense_days(dense ? groups.size() * static_cast<size_t>(span) : 0);
  std::vector<std::vector<bool>> seen(dense ? groups.size() : 0, std::vector<bool>(dense ? static_cast<size_t>(span) : 0));
  std::vector<std::map<Day, Sums>> group_days(dense ? 0 : groups.size());
  const size_t ncur = currency_names.size();
  std::vector<Sums> dense_by_day(dense ? ncur * static_cast<size_t>(span) : 0);
  std::vector<bool> day_seen(dense ? ncur * static_cast<size_t>(span) : 0);
  for (const PerDataset& pd : per_dataset) {
    const Dataset* d = pd.d;
    const std::vector<size_t>& platform_of = pd.platform_of;
    const std::vector<size_t>& group_of = pd.group_of;
    const std::vector<size_t>& currency_of = pd.currency_of;
    for (const Cell& c : d->cells) {
      r.totals.add(c.sums);
      platforms[platform_of[c.entity]].sums.add(c.sums);
      Group& g = groups[group_of[c.entity]];
      g.sums.add(c.sums);
      if (c.day != kNoDay) {
        const size_t gi = group_of[c.entity];
        if (dense) {
          const size_t at = static_cast<size_t>(c.day - *first_day);
          dense_days[gi * static_cast<size_t>(span) + at].add(c.sums);
          seen[gi][at] = true;
        } else {
          group_days[gi][c.day].add(c.sums);
        }
        if (dense) {
          const size_t slot = currency_of[c.entity] * static_cast<size_t>(span) + static_cast<size_t>(c.day - *first_day);
          dense_by_day[slot].add(c.sums);
          day_seen[slot] = true;
        } else {
          days_map[{c.day, currency_of[c.entity]}].add(c.sums);
        }
        if (!r.date_min || c.day < *r.date_min) r.date_min = c.day;
        if (!r.date_max || c.day > *r.date_max) r.date_max = c.day;
      }
    }
  }
  for (const Group& p : platforms) r.totals_by_currency[p.currency].add(p.sums);
  for (auto& [k, i] : platform_index) r.by_platform.push_back(std::move(platforms[i]));
  for (auto& [k, i] : group_index) {
    if (dense) {
      for (int64_t off = 0; off < span; ++off) {
        const size_t at = static_cast<size_t>(off);
        if (seen[i][at]) groups[i].by_day.add(*first_day + static_cast<Day>(off), dense_days[i * static_cast<size_t>(span) + at]);
      }
    } else {
      for (const auto& [day, sums] : group_days[i]) groups[i].by_day.add(day, sums);
    }
    groups[i].by_day.seal();
    r.groups.push_back(std::move(groups[i]));
  }

  r.currencies.assign(currencies.begin(), currencies.end());
  const auto by_weight = [kind](const Group& a, const Group& b) {
    const int64_t wa = weight(a.sums, kind), wb = weight(b.sums, kind);
    if (wa != wb) return wa > wb;
    return std::tie(a.platform, a.name, a.id, a.currency, a.account_id) <
           std::tie(b.platform, b.name, b.id, b.currency, b.account_id);
  };
  std::sort(r.by_platform.begin(), r.by_platform.end(), by_weight);
  std::sort(r.groups.begin(), r.groups.end(), by_weight);
  for (auto& [k, sums] : days_map) r.by_day.push_back({k.first, currency_names[k.second], sums});
  for (size_t slot = 0; slot < dense_by_day.size(); ++slot) {
    if (!day_seen[slot]) continue;
    const size_t cur = slot / static_cast<size_t>(span);
    r.by_day.push_back({*first_day + static_cast<Day>(slot % static_cast<size_t>(span)), currency_names[cur], dense_by_day[slot]});
  }
  // by_day sorted by date, then currency code.
  std::sort(r.by_day.begin(), r.by_day.end(),
            [](const DayGroup& a, const DayGroup& b) { return std::tie(a.day, a.currency) < std::tie(b.day, b.currency); });

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
