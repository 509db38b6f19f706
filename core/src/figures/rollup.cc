#include "glint/rollup.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_map>

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
  RollupOptions o;
  o.days = days;
  o.anchor = anchor;
  return roll_up(inputs, kind, o);
}

namespace {

// "Google Ads" for a known platform, else the input's name.
std::string source_label(const SourceCoverage& s) {
  const std::string_view name = platform_display_name(s.platform);
  return name.empty() ? s.name : std::string(name);
}

// An input's file name without its folders: the same whether the page (a file
// name) or the CLI (a path) named it.
std::string base_name(const std::string& name) {
  const size_t slash = name.find_last_of("/\\");
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

int days_within(std::optional<Day> first, std::optional<Day> last, Day start, Day end) {
  if (!first || !last) return 0;
  const Day a = std::max(*first, start), b = std::min(*last, end);
  return b < a ? 0 : static_cast<int>(b - a + 1);
}

// The same calendar date one year earlier; 29 February becomes the 28th.
Day year_earlier(Day d) {
  const Civil c = civil_from_day(d);
  const auto same = day_from_civil(c.year - 1, c.month, c.day);
  return same ? *same : *day_from_civil(c.year - 1, c.month, c.day - 1);
}

}  // namespace

std::string_view compare_mode_name(CompareMode m) {
  switch (m) {
    case CompareMode::kYear: return "year";
    case CompareMode::kCustom: return "custom";
    case CompareMode::kNone: return "none";
    case CompareMode::kPrevious: break;
  }
  return "previous";
}

Rollup roll_up(std::span<const Dataset* const> inputs, DataKind kind, const RollupOptions& options) {
  const int days = options.days;
  const std::optional<Day> anchor = options.anchor;
  Rollup r;
  r.kind = kind;
  std::set<std::string> currencies;
  std::map<std::tuple<int, std::string>, size_t> platform_index;
  std::map<std::tuple<int, std::string, std::string, std::string>, size_t> group_index;
  std::vector<Group> platforms, groups;
  struct PerDataset {
    const Dataset* d;
    std::vector<size_t> platform_of, group_of, currency_of;
    std::vector<uint32_t> row_of;  // breakdown row per entity; UINT32_MAX: left out
    std::optional<Day> first, last;
  };
  std::vector<PerDataset> per_dataset;
  std::optional<Day> first_day, last_day;
  std::vector<std::string> currency_names;               // index → code
  std::map<std::string, size_t> currency_index;
  std::map<std::pair<Day, size_t>, Sums> days_map;       // (day, currency index)
  std::map<std::string, uint32_t, std::less<>> row_index;  // breakdown key → row
  std::vector<std::vector<std::pair<Day, Sums>>> row_days;  // breakdown row → its dated cells

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
      if (!pd.first || c.day < *pd.first) pd.first = c.day;
      if (!pd.last || c.day > *pd.last) pd.last = c.day;
    }
    if (pd.first && (!first_day || *pd.first < *first_day)) first_day = pd.first;
    if (pd.last && (!last_day || *pd.last > *last_day)) last_day = pd.last;
    for (size_t i = 0; i < d->entities.size(); ++i) {
      // An input that states no currency takes the one the request gives.
      Entity with_currency;
      const Entity* ep = &d->entities[i];
      if (ep->currency.empty() && !options.currency.empty()) {
        with_currency = *ep;
        with_currency.currency = options.currency;
        ep = &with_currency;
      }
      const Entity& e = *ep;
      static const CampaignAttributes kNone;
      const CampaignAttributes& attrs = d->attributes.empty() ? kNone : d->attributes[i];
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
          g.attrs = attrs;
        } else {
          g.source = dim(e, WebDim::kSource);
          g.medium = dim(e, WebDim::kMedium);
          g.name = g.medium.empty() ? g.source : g.source + " / " + g.medium;
        }
        groups.push_back(std::move(g));
      } else if (kind == DataKind::kAds) {
        Group& g = groups[gi->second];
        if (g.name.empty()) g.name = dim(e, AdDim::kCampaign);
        if (g.attrs.empty()) g.attrs = attrs;
      }
      group_of[i] = gi->second;
      if (options.breakdown_key) {
        if (i == 0) pd.row_of.assign(d->entities.size(), UINT32_MAX);
        if (std::optional<std::string> rk = options.breakdown_key(e)) {
          auto [ri, rnew] = row_index.try_emplace(std::move(*rk), static_cast<uint32_t>(r.breakdown.size()));
          if (rnew) {
            BreakdownRow& row = r.breakdown.emplace_back();
            row.key = ri->first;
            row.platform = e.platform;
            row.currency = e.currency;
            row.dims = e.dims;
          }
          BreakdownRow& row = r.breakdown[ri->second];
          for (size_t s = 0; s < e.dims.size() && s < 32; ++s) {
            if (!e.dims[s].empty()) row.dims_present |= 1u << s;
          }
          pd.row_of[i] = ri->second;
        }
      }
    }
  }

  // Overlapping inputs: a (group, day) held by several inputs is counted from
  // the one given last. Only dated cells: two undated exports may well hold
  // different periods.
  std::unordered_map<uint64_t, uint32_t> owner;
  if (per_dataset.size() > 1) {
    const auto key = [](size_t g, Day day) { return (static_cast<uint64_t>(g) << 32) | static_cast<uint32_t>(day); };
    for (uint32_t k = 0; k < per_dataset.size(); ++k) {
      for (const Cell& c : per_dataset[k].d->cells) {
        if (c.day != kNoDay) owner[key(per_dataset[k].group_of[c.entity], c.day)] = k;
      }
    }
    struct Stats {
      std::set<Day> days;
      std::set<size_t> groups;
      int64_t cells = 0;
    };
    std::map<std::pair<uint32_t, uint32_t>, Stats> stats;  // (dropped, kept)
    for (uint32_t k = 0; k < per_dataset.size(); ++k) {
      for (const Cell& c : per_dataset[k].d->cells) {
        if (c.day == kNoDay) continue;
        const size_t g = per_dataset[k].group_of[c.entity];
        const uint32_t o = owner[key(g, c.day)];
        if (o == k) continue;
        Stats& s = stats[{k, o}];
        s.days.insert(c.day);
        s.groups.insert(g);
        ++s.cells;
      }
    }
    for (const auto& [pair, s] : stats) {
      Overlap ov;
      ov.dropped = base_name(per_dataset[pair.first].d->report.table.name);
      ov.kept = base_name(per_dataset[pair.second].d->report.table.name);
      ov.platform = groups[*s.groups.begin()].platform;
      ov.first = *s.days.begin();
      ov.last = *s.days.rbegin();
      ov.days = static_cast<int64_t>(s.days.size());
      ov.campaigns = static_cast<int64_t>(s.groups.size());
      ov.cells = s.cells;
      ov.counted_once = options.dedupe_overlaps;
      r.overlaps.push_back(std::move(ov));
    }
    if (r.overlaps.empty() || !options.dedupe_overlaps) owner.clear();
  }
  const auto dropped = [&](uint32_t k, size_t g, Day day) {
    if (owner.empty() || day == kNoDay) return false;
    const auto it = owner.find((static_cast<uint64_t>(g) << 32) | static_cast<uint32_t>(day));
    return it != owner.end() && it->second != k;
  };

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
  for (uint32_t k = 0; k < per_dataset.size(); ++k) {
    const PerDataset& pd = per_dataset[k];
    const Dataset* d = pd.d;
    const std::vector<size_t>& platform_of = pd.platform_of;
    const std::vector<size_t>& group_of = pd.group_of;
    const std::vector<size_t>& currency_of = pd.currency_of;
    for (const Cell& c : d->cells) {
      if (dropped(k, group_of[c.entity], c.day)) continue;
      if (!pd.row_of.empty() && pd.row_of[c.entity] != UINT32_MAX) {
        const uint32_t ri = pd.row_of[c.entity];
        if (row_days.size() <= ri) row_days.resize(r.breakdown.size());
        r.breakdown[ri].total.add(c.sums);
        if (c.day != kNoDay) row_days[ri].emplace_back(c.day, c.sums);
      }
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
  // Coverage of each input over the two windows (see Periods).
  std::optional<Periods> periods;
  if ((days > 0 || options.start) && (anchor || r.date_max)) {
    Periods& p = periods.emplace();
    p.anchor = anchor ? *anchor : *r.date_max;
    p.current.end = p.anchor;
    if (options.start) {
      p.current.start = std::min(*options.start, p.anchor);
      p.chosen_start = true;
    } else {
      p.current.start = p.anchor - days + 1;
    }
    p.days = static_cast<int>(p.current.end - p.current.start + 1);
    p.compare = options.compare;
    switch (options.compare) {
      case CompareMode::kPrevious:
        p.previous.end = p.current.start - 1;
        p.previous.start = p.previous.end - p.days + 1;
        break;
      case CompareMode::kYear:
        p.previous.start = year_earlier(p.current.start);
        p.previous.end = year_earlier(p.current.end);
        break;
      case CompareMode::kCustom:
        p.previous.start = std::min(options.compare_start, options.compare_end);
        p.previous.end = std::max(options.compare_start, options.compare_end);
        break;
      case CompareMode::kNone:
        // An empty window before the current one: nothing falls in it.
        p.previous.start = p.current.start;
        p.previous.end = p.current.start - 1;
        break;
    }
    const bool none = options.compare == CompareMode::kNone;
    p.previous_days_length = none ? 0 : static_cast<int>(p.previous.end - p.previous.start + 1);
    const int cur_len = p.days, prev_len = p.previous_days_length;
    std::vector<bool> covered_cur(static_cast<size_t>(cur_len), false), covered_prev(static_cast<size_t>(prev_len), false);
    for (const PerDataset& pd : per_dataset) {
      SourceCoverage s;
      s.name = base_name(pd.d->report.table.name);
      s.platform = pd.d->report.platform;
      s.first = pd.first;
      s.last = pd.last;
      s.current_days = days_within(pd.first, pd.last, p.current.start, p.current.end);
      s.previous_days = none ? 0 : days_within(pd.first, pd.last, p.previous.start, p.previous.end);
      s.compared = !none && s.current_days == cur_len && 2 * s.previous_days >= prev_len;
      if (!pd.first) {
        s.note = source_label(s) + " has no day per row";
      } else if (*pd.last < p.current.end) {
        s.note = source_label(s) + " has no data after " + iso_date(*pd.last);
      } else if (*pd.first > p.current.start) {
        s.note = source_label(s) + " has no data before " + iso_date(*pd.first);
      } else if (!s.compared && !none) {
        s.note = source_label(s) + " covers " + std::to_string(s.previous_days) + " of the " +
                 (options.compare == CompareMode::kPrevious
                      ? "previous " + std::to_string(prev_len) + " days"
                      : std::to_string(prev_len) + " days compared with (" + iso_date(p.previous.start) + " – " +
                            iso_date(p.previous.end) + ")");
      }
      if (pd.first) {
        for (Day day = std::max(*pd.first, p.current.start); day <= std::min(*pd.last, p.current.end); ++day) {
          covered_cur[static_cast<size_t>(day - p.current.start)] = true;
        }
        if (!none) {
          for (Day day = std::max(*pd.first, p.previous.start); day <= std::min(*pd.last, p.previous.end); ++day) {
            covered_prev[static_cast<size_t>(day - p.previous.start)] = true;
          }
        }
      }
      for (size_t i = 0; i < pd.d->entities.size(); ++i) {
        Group& g = groups[pd.group_of[i]];
        g.covers_current = g.covers_current && s.current_days == cur_len;
        g.compared = g.compared && s.compared;
      }
      p.partial = p.partial || (!s.compared && !none);
      p.coverage.push_back(std::move(s));
    }
    for (bool c : covered_cur) p.current_covered += c;
    for (bool c : covered_prev) p.previous_covered += c;
    bool any = false;
    for (const SourceCoverage& s : p.coverage) any = any || s.compared;
    p.comparable = any;
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

  if (periods) {
    Periods& p = *periods;
    for (const DayGroup& dg : r.by_day) {
      // A custom comparison window may overlap the current one: each counts its own days.
      for (PeriodSums* target : {&p.current, &p.previous}) {
        if (dg.day < target->start || dg.day > target->end) continue;
        target->sums.add(dg.sums);
        if (r.mixed_currencies()) target->by_currency[dg.currency].add(dg.sums);
      }
    }
    p.compared_current.start = p.current.start;
    p.compared_current.end = p.current.end;
    p.compared_previous.start = p.previous.start;
    p.compared_previous.end = p.previous.end;
    if (!p.partial) {
      p.compared_current = p.current;
      p.compared_previous = p.previous;
    } else {
      for (const Group& g : r.groups) {
        if (!g.compared) continue;
        const Sums cur = g.by_day.window(p.current.start, p.current.end);
        const Sums prev = g.by_day.window(p.previous.start, p.previous.end);
        p.compared_current.sums.add(cur);
        p.compared_previous.sums.add(prev);
        if (r.mixed_currencies()) {
          p.compared_current.by_currency[g.currency].add(cur);
          p.compared_previous.by_currency[g.currency].add(prev);
        }
      }
    }
    r.periods = std::move(p);
  }
  if (!r.breakdown.empty() && r.periods) {
    const Periods& p = *r.periods;
    row_days.resize(r.breakdown.size());
    for (size_t i = 0; i < r.breakdown.size(); ++i) {
      BreakdownRow& row = r.breakdown[i];
      for (const auto& [day, sums] : row_days[i]) {
        if (day >= p.current.start && day <= p.current.end) row.current.add(sums);
        if (day >= p.previous.start && day <= p.previous.end) row.previous.add(sums);
      }
      std::vector<std::pair<Day, Sums>>().swap(row_days[i]);
    }
    for (size_t k = 0; k < per_dataset.size() && k < p.coverage.size(); ++k) {  // coverage is in input order
      const PerDataset& pd = per_dataset[k];
      const bool compared = p.coverage[k].compared;
      for (uint32_t ri : pd.row_of) {
        if (ri != UINT32_MAX) r.breakdown[ri].compared = r.breakdown[ri].compared && compared;
      }
    }
  }
  r.undated = r.totals.rows > 0 && !r.date_max;
  if (r.undated) {
    for (const PerDataset& pd : per_dataset) {
      const auto& dp = pd.d->report.period;
      if (!dp) continue;
      if (!r.declared) {
        r.declared = dp;
        continue;
      }
      DeclaredPeriod& u = *r.declared;
      if (dp->whole || u.whole) {
        u = dp->whole ? *dp : u;
        continue;
      }
      if (*dp->start < *u.start) u.start = dp->start;
      if (*dp->end > *u.end) u.end = dp->end;
      u.text = iso_date(*u.start) + " – " + iso_date(*u.end);
    }
  }
  return r;
}

}  // namespace glint
