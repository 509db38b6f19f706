// The fake Google's report data: a fixed pseudo-random function of
// (account, entity, date), so the streamed rows and the truth endpoints
// (GET /_fake/google/truth, /_fake/ga4/truth, /_fake/ga4/pages/truth) come
// from one generator and a test can check a connector against numbers it did
// not read from the wire.
// Dates are civil days in the account's own zone; the few zones the fake
// uses have their DST rules written out below (libstdc++ 12 has no tzdb).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fake::data {

// ---- Days and zones ----

// Days since 1970-01-01 ↔ "YYYY-MM-DD"; -1 when the text is not a date.
inline std::string iso(int64_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return out;
}
inline int64_t day_of(const std::string& s) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return -1;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return -1;
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}
// "YYYY-MM-DD" → "YYYYMMDD" (GA4's date dimension).
inline std::string compact(const std::string& iso_date) {
  return iso_date.substr(0, 4) + iso_date.substr(5, 2) + iso_date.substr(8, 2);
}

inline int64_t utc_seconds(std::chrono::year_month_weekday_last d, int hour) {
  return std::chrono::sys_days{d}.time_since_epoch().count() * 86400 + hour * 3600;
}
inline int64_t utc_seconds(std::chrono::year_month_weekday d, int hour) {
  return std::chrono::sys_days{d}.time_since_epoch().count() * 86400 + hour * 3600;
}

// The zone's offset from UTC at `utc` (seconds since the epoch).
inline int64_t utc_offset(const std::string& zone, int64_t utc) {
  using namespace std::chrono;
  const year y = year_month_day{sys_days{days{utc / 86400}}}.year();
  if (zone == "Europe/Paris" || zone == "Europe/London") {
    // EU rule: summer time from the last Sunday of March to the last Sunday
    // of October, both at 01:00 UTC.
    const bool summer = utc >= utc_seconds(y / March / Sunday[last], 1) &&
                        utc < utc_seconds(y / October / Sunday[last], 1);
    return (zone == "Europe/Paris" ? 3600 : 0) + (summer ? 3600 : 0);
  }
  if (zone == "America/New_York") {
    // US rule: second Sunday of March 02:00 EST to first Sunday of November 02:00 EDT.
    const bool summer = utc >= utc_seconds(y / March / Sunday[2], 7) &&
                        utc < utc_seconds(y / November / Sunday[1], 6);
    return summer ? -4 * 3600 : -5 * 3600;
  }
  if (zone == "Pacific/Kiritimati") return 14 * 3600;  // UTC+14, no DST
  return 0;
}

// Today (days since the epoch) in `zone` at `utc`.
inline int64_t today_in(const std::string& zone, int64_t utc) {
  const int64_t local = utc + utc_offset(zone, utc);
  return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

// Data reaches this many days back from today (inclusive of today).
constexpr int64_t kHistoryDays = 730;

// ---- The pseudo-random function ----

inline uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
inline uint64_t key_of(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}
inline uint64_t roll(uint64_t account, uint64_t entity, int64_t day, uint64_t salt = 0) {
  return mix(account ^ mix(entity * 0x100000001b3ULL + salt) ^ mix(static_cast<uint64_t>(day)));
}

// ---- Google Ads ----

// A client the fake reports on, in its zone and currency.
struct AdsClient {
  const char* id;
  int index;  // 1-based; makes the entity ids
};
inline const AdsClient kAdsClients[] = {{"1234567890", 1}, {"2345678901", 2}, {"3456789012", 3},
                                        {"9990003333", 4}, {"1112223334", 5}, {"8880005555", 6}};

inline int ads_index(const std::string& customer) {
  for (const AdsClient& c : kAdsClients) {
    if (customer == c.id) return c.index;
  }
  return 0;
}

constexpr int kCampaigns = 3, kGroups = 2, kAds = 2;
inline const char* const kCampaignNames[kCampaigns] = {"Brand – Search", "Generic – Search",
                                                       "Shopping – All products"};
inline const char* const kCampaignStatus[kCampaigns] = {"ENABLED", "ENABLED", "PAUSED"};
inline const char* const kCampaignType[kCampaigns] = {"SEARCH", "SEARCH", "SHOPPING"};

inline int64_t campaign_id(int client, int c) { return client * 10000000LL + (c + 1) * 100000LL; }
inline int64_t ad_group_id(int client, int c, int g) {
  return campaign_id(client, c) + (g + 1) * 1000LL;
}
inline int64_t ad_id(int client, int c, int g, int a) {
  return ad_group_id(client, c, g) * 100 + a + 1;
}
inline std::string ad_group_name(int c, int g) {
  return std::string(c == 0   ? "Brand"
                     : c == 1 ? "Generic"
                              : "Shopping") +
         " – group " + std::to_string(g + 1);
}
// Responsive search ads have no name: every second ad is nameless.
inline std::string ad_name(int c, int g, int a) {
  return a == 0 ? "Ad " + std::to_string(c + 1) + "." + std::to_string(g + 1) + " – headline A"
                : "";
}

// Integer units so that sums are exact: conversions in hundredths, value in cents.
struct AdsMetrics {
  int64_t impressions = 0, clicks = 0, cost_micros = 0, conv_centi = 0, value_cents = 0;
  bool zero() const {
    return impressions == 0 && clicks == 0 && cost_micros == 0 && conv_centi == 0 &&
           value_cents == 0;
  }
  void add(const AdsMetrics& o) {
    impressions += o.impressions;
    clicks += o.clicks;
    cost_micros += o.cost_micros;
    conv_centi += o.conv_centi;
    value_cents += o.value_cents;
  }
};

// Whether the scenario google_restate is on, and the account's today.
struct AdsView {
  bool restate = false;
  int64_t today = 0;
};

// One ad on one day. The campaign 0 brand ads always run; the shopping
// campaign has whole dark days; single ads have zero days.
inline AdsMetrics ad_metrics(const std::string& customer, int c, int g, int a, int64_t day,
                             const AdsView& v) {
  AdsMetrics m;
  const int client = ads_index(customer);
  if (client == 0 || day > v.today || day <= v.today - kHistoryDays) return m;
  const uint64_t acct = key_of(customer);
  if (c == 2 && roll(acct, static_cast<uint64_t>(campaign_id(client, c)), day) % 4 == 0) return m;
  if (v.restate && c == 0 && day == v.today - 3) return m;  // fell to zero on a re-read
  const uint64_t h = roll(acct, static_cast<uint64_t>(ad_id(client, c, g, a)), day);
  if (!(c == 0 && g == 0 && a == 0) && h % 9 == 0) return m;
  const int64_t weight = c == 0 ? 3 : c == 1 ? 2 : 1;
  m.impressions = weight * (40 + static_cast<int64_t>(h % 1500));
  m.clicks = m.impressions * static_cast<int64_t>(1 + (h >> 12) % 8) / 100;
  m.cost_micros = m.clicks * (150000 + static_cast<int64_t>((h >> 20) % 140) * 10000);
  m.conv_centi = m.clicks * static_cast<int64_t>((h >> 28) % 700) / 100;  // 0–7 % of clicks
  m.value_cents = m.conv_centi * (1500 + static_cast<int64_t>((h >> 36) % 6000)) / 100;
  if (v.restate && day == v.today - 5) {  // late conversions counted
    m.conv_centi += 125;
    m.value_cents += 4990;
  }
  return m;
}

// A report row as the fake knows it (the truth endpoint serves these).
struct AdsFact {
  int64_t day = 0;
  int c = 0, g = -1, a = -1;  // -1 above that level
  AdsMetrics m;
};

// Every non-zero row of `level` ("campaign", "ad_group", "ad") in [first, last].
inline std::vector<AdsFact> ads_facts(const std::string& customer, const std::string& level,
                                      int64_t first, int64_t last, const AdsView& v) {
  std::vector<AdsFact> out;
  first = std::max(first, v.today - kHistoryDays + 1);
  last = std::min(last, v.today);
  for (int64_t day = first; day <= last; ++day) {
    for (int c = 0; c < kCampaigns; ++c) {
      AdsFact campaign{day, c, -1, -1, {}};
      for (int g = 0; g < kGroups; ++g) {
        AdsFact group{day, c, g, -1, {}};
        for (int a = 0; a < kAds; ++a) {
          AdsFact ad{day, c, g, a, ad_metrics(customer, c, g, a, day, v)};
          group.m.add(ad.m);
          if (level == "ad" && !ad.m.zero()) out.push_back(ad);
        }
        campaign.m.add(group.m);
        if (level == "ad_group" && !group.m.zero()) out.push_back(group);
      }
      if (level == "campaign" && !campaign.m.zero()) out.push_back(campaign);
    }
  }
  return out;
}

// Conversion actions: (name, status, click-through lookback days).
struct ConversionAction {
  const char* name;
  const char* status;
  int lookback_days;
};
inline std::vector<ConversionAction> conversion_actions(const std::string& customer) {
  if (customer == "1234567890")
    return {{"Purchase", "ENABLED", 30}, {"Lead form", "ENABLED", 60}, {"Old", "REMOVED", 90}};
  if (customer == "3456789012") return {{"Purchase", "ENABLED", 7}, {"Call", "ENABLED", 45}};
  if (customer == "1112223334") return {{"Purchase", "ENABLED", 90}};
  if (customer == "9990003333") return {{"Legacy", "HIDDEN", 60}};  // none enabled: 30
  return {{"Purchase", "ENABLED", 30}};
}

// ---- GA4 ----

struct Ga4Property {
  const char* id;
  const char* currency;
  const char* time_zone;
  int combos;  // how many of kGa4Combos it gets traffic from
  bool subject_to_thresholding;
};
inline const Ga4Property kGa4Properties[] = {{"250000001", "EUR", "Europe/Paris", 5, false},
                                             {"250000002", "EUR", "Europe/Paris", 3, true},
                                             {"250000003", "USD", "America/New_York", 4, false}};
inline const Ga4Property* ga4_property(const std::string& id) {
  for (const Ga4Property& p : kGa4Properties) {
    if (id == p.id) return &p;
  }
  return nullptr;
}

struct Ga4Combo {
  const char* source;
  const char* medium;
  const char* channel;
};
inline const Ga4Combo kGa4Combos[] = {{"google", "organic", "Organic Search"},
                                      {"google", "cpc", "Paid Search"},
                                      {"(direct)", "(none)", "Direct"},
                                      {"newsletter", "email", "Email"},
                                      {"facebook.com", "referral", "Organic Social"}};

// Revenue in cents; users counted per day (not additive across days).
struct Ga4Metrics {
  int64_t sessions = 0, engaged = 0, users = 0, new_users = 0, views = 0, key_events = 0,
          revenue_cents = 0;
  void add(const Ga4Metrics& o) {
    sessions += o.sessions;
    engaged += o.engaged;
    users += o.users;
    new_users += o.new_users;
    views += o.views;
    key_events += o.key_events;
    revenue_cents += o.revenue_cents;
  }
};

inline Ga4Metrics ga4_metrics(const Ga4Property& p, int combo, int64_t day, int64_t today) {
  Ga4Metrics m;
  if (combo >= p.combos || day > today || day <= today - kHistoryDays) return m;
  const uint64_t h = roll(key_of(p.id), static_cast<uint64_t>(combo + 1), day, 7);
  if (combo >= 3 && h % 5 == 0) return m;  // small channels have empty days
  m.sessions = (combo == 0 ? 120 : 20) + static_cast<int64_t>(h % 300);
  m.engaged = m.sessions * (40 + static_cast<int64_t>((h >> 10) % 40)) / 100;
  m.users = std::max<int64_t>(1, m.sessions * (70 + static_cast<int64_t>((h >> 18) % 25)) / 100);
  m.new_users = m.users * (20 + static_cast<int64_t>((h >> 26) % 40)) / 100;
  m.views = m.sessions * (150 + static_cast<int64_t>((h >> 32) % 250)) / 100;
  m.key_events = m.sessions * static_cast<int64_t>((h >> 40) % 5) / 100;
  m.revenue_cents = m.key_events * (2500 + static_cast<int64_t>((h >> 44) % 9000));
  return m;
}

// Users over a period: a person who came on several days counts once, so
// the total is below the sum of the days (and at least the busiest day).
inline int64_t users_over_period(int64_t sum_of_days, int64_t busiest_day) {
  return std::max(busiest_day, sum_of_days * 3 / 5);
}

// ---- GA4 pages (dimensions pagePath, pageTitle) ----
//
// Each (property, source/medium, day) above is split over a fixed site, so
// the page rows of a day add up to that day's rows by any other dimension
// for every additive metric, and pagePath × sessionSource is consistent:
// - sessions (and engaged sessions) go to the landing page: only the first
//   seven pages are landed on; the remainder of the integer split goes to "/";
// - key events happen on /checkout/thank-you (the purchase), /checkout (a
//   fifth, begin_checkout) and /contact (a tenth, the lead form); revenue is
//   all on the thank-you page;
// - views: each session's first view is on its landing page, each key event
//   on its page, and the other views are split by view weight;
// - users are the visitors who saw the page: views × users / sessions,
//   capped by the day's users, at least one — so a visitor who saw several
//   pages counts on each and the pages' users add up to more than the day's.
// A page with no view that day has no row. The weights vary by day.

struct Ga4Page {
  const char* path;
  const char* title;
  int land_weight;  // share of the sessions that start here (0: none do)
  int view_weight;  // share of the views past the first of each session
};
inline const Ga4Page kGa4Pages[] = {
    {"/", "Trail & City – Running shoes", 40, 14},
    {"/pricing", "Pricing and delivery", 8, 9},
    {"/products/trail-runner", "Trail Runner – Products", 14, 18},
    {"/products/city-sneaker", "City Sneaker – Products", 10, 15},
    {"/blog/choosing-running-shoes", "How to choose running shoes – Blog", 16, 8},
    {"/blog/marathon-training-plan", "A 16-week marathon training plan – Blog", 9, 6},
    {"/contact", "Contact us", 3, 3},
    {"/cart", "Your cart", 0, 12},
    {"/checkout", "Checkout", 0, 9},
    {"/checkout/thank-you", "Thank you for your order", 0, 2},
};
constexpr int kGa4PageCount = static_cast<int>(sizeof kGa4Pages / sizeof kGa4Pages[0]);
constexpr int kHomePage = 0, kContactPage = 6, kCheckoutPage = 8, kThankYouPage = 9;

// `total` split by `weights` (floors, the remainder on the home page).
inline std::vector<int64_t> ga4_split(int64_t total, const std::vector<int64_t>& weights) {
  int64_t sum = 0;
  for (int64_t w : weights) sum += w;
  std::vector<int64_t> out(weights.size(), 0);
  if (sum == 0 || total == 0) {
    out[kHomePage] = total;
    return out;
  }
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    out[i] = total * weights[i] / sum;
    given += out[i];
  }
  out[kHomePage] += total - given;
  return out;
}

// The metrics of `combo` on `day` (m = ga4_metrics of it) page by page.
inline std::vector<Ga4Metrics> ga4_page_metrics(const Ga4Property& p, int combo, int64_t day,
                                                const Ga4Metrics& m) {
  std::vector<Ga4Metrics> out(kGa4PageCount);
  if (m.sessions == 0) return out;
  std::vector<int64_t> land(kGa4PageCount), view(kGa4PageCount);
  for (int i = 0; i < kGa4PageCount; ++i) {
    const uint64_t h = roll(key_of(p.id), static_cast<uint64_t>(100 + combo * 16 + i), day, 11);
    land[i] = kGa4Pages[i].land_weight * static_cast<int64_t>(50 + h % 100);
    view[i] = kGa4Pages[i].view_weight * static_cast<int64_t>(50 + (h >> 16) % 100);
  }
  const std::vector<int64_t> sessions = ga4_split(m.sessions, land);
  int64_t engaged_left = m.engaged;
  for (int i = 0; i < kGa4PageCount; ++i) {
    out[i].sessions = sessions[i];
    out[i].engaged = m.engaged * sessions[i] / m.sessions;  // at most its sessions
    engaged_left -= out[i].engaged;
  }
  // The floors' remainder, to pages whose sessions are not all engaged yet
  // (engaged <= sessions overall, so there is always room).
  for (int i = 0; i < kGa4PageCount && engaged_left > 0; ++i) {
    const int64_t room = std::min(engaged_left, out[i].sessions - out[i].engaged);
    out[i].engaged += room;
    engaged_left -= room;
  }
  out[kContactPage].key_events = m.key_events / 10;
  out[kCheckoutPage].key_events = m.key_events / 5;
  out[kThankYouPage].key_events =
      m.key_events - out[kContactPage].key_events - out[kCheckoutPage].key_events;
  out[kThankYouPage].revenue_cents = m.revenue_cents;
  // views >= 1.5 × sessions and key events <= 4 % of sessions (ga4_metrics),
  // so the views left after the landings and the key events are never negative.
  const std::vector<int64_t> rest = ga4_split(m.views - m.sessions - m.key_events, view);
  for (int i = 0; i < kGa4PageCount; ++i) {
    Ga4Metrics& g = out[i];
    g.views = g.sessions + g.key_events + rest[i];
    if (g.views == 0) continue;
    g.users = std::clamp<int64_t>(g.views * m.users / m.sessions, 1, m.users);
    g.new_users = g.users * m.new_users / m.users;
  }
  return out;
}

}  // namespace fake::data
