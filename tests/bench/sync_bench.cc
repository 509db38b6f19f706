// sync_bench — the figures issue 15 asks for, printed, never asserted on time:
//
//  1. Rows synced per second from the fake upstreams: a real `glint serve`
//     connects Google and Meta through OAuth against tests/fakes, links the
//     fakes' reporting accounts and syncs their default data over an initial
//     window of --sync-days (GLINT_SYNC_INITIAL_DAYS); per platform: rows
//     written (the task's rows_written), upstream requests (/_fake/requests),
//     wall seconds from POST /sync/… to the task seen done, rows/s.
//  2. GET /advertising/accounts/{id}/performance on --days × --campaigns:
//     one Google Ads account is connected and synced for real (so the
//     workspace, credential and synced account are the server's own rows);
//     with the server stopped, its campaign level is replaced through
//     Store::replace_slices (the call the sync makes, on the server's own
//     SQLite file) by rows from a deterministic generator; the server is
//     started again and the route is timed over the whole range, 90 and 30
//     days (the first request, then the median and p90 of --reps).
//
// The one thing checked is correctness, not time: each range's totals and
// daily figures must equal the sums of the generated rows (computed here,
// never read back from glint); a mismatch prints MISMATCH and the exit status
// is 1. Setup requests go through the test client, so a response the API
// contract does not describe is reported too.
//
// usage: glint_sync_bench [--sync-days N] [--days N] [--campaigns N] [--reps N] [--only sync|perf]
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numbers>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "connectors/fake_process.h"
#include "glint/dates.h"
#include "server/api_client.h"
#include "server/raw_client.h"
#include "store/store.h"
#include "sync/sync.h"

namespace {

using glint::testing::FakeUpstreams;
using glint::testing::Reply;
using glint::testing::Server;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: glint_sync_bench [options]\n"
    "\n"
    "Prints (asserts nothing on time):\n"
    "  1. rows synced per second from the fake upstreams, Google Ads and Meta;\n"
    "  2. the time of GET /advertising/accounts/{id}/performance over DAYS x CAMPAIGNS\n"
    "     seeded campaign rows (whole range, 90 days, 30 days), and whether its\n"
    "     totals equal the generator's sums (exit status 1 when they do not).\n"
    "\n"
    "  --sync-days N     initial sync window of part 1 (GLINT_SYNC_INITIAL_DAYS; default 730)\n"
    "  --days N          days seeded in part 2 (default 730, at most 1098)\n"
    "  --campaigns N     campaigns seeded in part 2 (default 500)\n"
    "  --reps N          timed requests per range (default 15)\n"
    "  --only sync|perf  run one part only\n"
    "  --help            this text\n"
    "\n"
    "Runs the binaries of its own build: " GLINT_BINARY " and " FAKE_UPSTREAMS "\n";

const std::vector<std::string> kClientSettings = {
    "GLINT_GOOGLE_CLIENT_ID=fake-google-client.apps.googleusercontent.com", "GLINT_GOOGLE_CLIENT_SECRET=fake-google-secret",
    "GLINT_META_APP_ID=1000000000000001", "GLINT_META_APP_SECRET=fake-meta-secret", "GLINT_ACCESS_LOG=off"};

// The fakes' reporting accounts (tests/fakes/README.md): every Google client
// the default data has (Shop C is under both managers), every ACTIVE Meta account.
const std::vector<std::string> kGoogleClients = {"1234567890", "2345678901", "3456789012", "9990003333"};
const std::vector<std::string> kMetaAccounts = {"act_1234567890", "act_2345678901", "act_4567890123"};
const std::string kSeededAccount = "1234567890";  // Shop A, EUR, Europe/Paris

// Problems the test client reports (a response outside the contract, …):
// gtest's reporter runs outside any test here, so they are printed and counted.
int g_problems = 0;
class ProblemPrinter : public ::testing::EmptyTestEventListener {
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    ++g_problems;
    std::fprintf(stderr, "problem: %s\n", r.message());
  }
};

struct Options {
  int sync_days = 730, days = 730, campaigns = 500, reps = 15;
  bool sync = true, perf = true;
};

std::string grouped(int64_t n) {
  std::string s = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return n < 0 ? "-" + out : out;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// ---- the server, driven as the page drives it ----

struct Workspace {
  std::string session, tenant;
};

Workspace workspace(const Server& s, const std::string& who) {
  Workspace w;
  w.session = s.account(who + "@example.com");
  const Reply r = s.post("/api/tenants", {{"name", who + " Co"}}, w.session);
  if (r.status == 201 && r.body.is_object()) {
    w.tenant = r.body.contains("tenant") && r.body["tenant"].is_object() ? r.body["tenant"].value("id", "") : r.body.value("id", "");
  }
  if (w.session.empty() || w.tenant.empty()) std::fprintf(stderr, "sign-up or workspace failed: %d %s\n", r.status, r.text.c_str());
  return w;
}

// "http://host:port/target" → (host, port, target).
std::optional<std::tuple<std::string, int, std::string>> split_url(const std::string& u) {
  static const std::regex re(R"(^https?://([^/:?#]+)(?::([0-9]+))?([^#]*))");
  std::smatch m;
  if (!std::regex_search(u, m, re)) return std::nullopt;
  return std::make_tuple(m[1].str(), m[2].matched ? std::stoi(m[2].str()) : 80, m[3].str().empty() ? "/" : m[3].str());
}

// Connects `provider` as a browser does (auth-url → the provider's page →
// glint's callback); the connection id, or "".
std::string connect(const Server& s, const Workspace& w, const std::string& provider) {
  const std::string base = "/api/oauth/" + provider;
  const Reply begin = s.get(base + "/auth-url?tenant_id=" + w.tenant, w.session);
  const auto dialog = split_url(begin.body.is_object() ? begin.body.value("auth_url", "") : "");
  if (begin.status != 200 || !dialog) {
    std::fprintf(stderr, "%s/auth-url: %d %s\n", base.c_str(), begin.status, begin.text.c_str());
    return "";
  }
  httplib::Client provider_page(std::get<0>(*dialog), std::get<1>(*dialog));
  provider_page.set_follow_location(false);
  const auto r = provider_page.Get(std::get<2>(*dialog));
  const auto back = split_url(r ? r->get_header_value("Location") : "");
  if (!r || r->status != 302 || !back) {
    std::fprintf(stderr, "%s: the provider did not redirect back\n", provider.c_str());
    return "";
  }
  const Reply done = s.request("GET", std::get<2>(*back), nullptr, "", {{"Accept", "application/json"}});
  if (done.status != 200) std::fprintf(stderr, "%s callback: %d %s\n", provider.c_str(), done.status, done.text.c_str());
  const Reply st = s.get(base + "/status?tenant_id=" + w.tenant, w.session);
  return st.body.is_object() ? st.body.value("connection_id", "") : "";
}

bool link(const Server& s, const Workspace& w, const std::string& provider, const std::vector<std::string>& ids) {
  const Reply r = provider == "google"
                      ? s.post("/api/google/accounts/link", {{"tenant_id", w.tenant}, {"customer_ids", ids}}, w.session)
                      : s.post("/api/oauth/meta/accounts/link", {{"tenant_id", w.tenant}, {"account_ids", ids}}, w.session);
  if (r.status != 200) std::fprintf(stderr, "linking %s accounts: %d %s\n", provider.c_str(), r.status, r.text.c_str());
  return r.status == 200;
}

struct SyncFigures {
  bool ok = false;
  int64_t rows_written = 0;
  double seconds = 0;
  std::string message;
};

// POST /sync/{platform}/{cid}, then GET /sync/status/{cid} every 50 ms until
// that task is done or failed (at most 30 minutes).
SyncFigures sync_and_wait(const Server& s, const Workspace& w, const std::string& platform, const std::string& cid) {
  SyncFigures f;
  const Clock::time_point start = Clock::now();
  const Reply p = s.post("/sync/" + platform + "/" + cid, {{"tenant_id", w.tenant}}, w.session);
  const std::string task = p.body.is_object() ? p.body.value("task_id", "") : "";
  if (p.status != 202 || task.empty()) {
    f.message = "POST /sync: " + std::to_string(p.status) + " " + p.text;
    return f;
  }
  httplib::Client c("127.0.0.1", s.port());
  c.set_keep_alive(true);
  const httplib::Headers h = {{"X-Session-ID", w.session}};
  while (seconds_since(start) < 1800) {
    const auto r = c.Get("/sync/status/" + cid + "?tenant_id=" + w.tenant, h);
    const json st = r && r->status == 200 ? json::parse(r->body, nullptr, false) : json();
    const json cur = st.is_object() && st.contains("current") ? st["current"] : json();
    if (cur.is_object() && cur.value("task_id", "") == task) {
      const std::string status = cur.value("status", "");
      if (status == "done" || status == "failed") {
        f.seconds = seconds_since(start);
        f.ok = status == "done" && cur.value("failures", json::array()).empty();
        f.rows_written = cur.value("rows_written", int64_t{0});
        f.message = cur.value("message", "") + (f.ok ? "" : " " + cur.value("failures", json::array()).dump());
        return f;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  f.message = "the sync did not end within 30 minutes";
  return f;
}

// ---- part 1 ----

bool bench_sync(const Options& o) {
  std::printf("Part 1: rows synced per second from the fakes (initial window %d days, default fake data)\n", o.sync_days);
  FakeUpstreams fake;
  std::vector<std::string> env = fake.env();
  env.insert(env.end(), kClientSettings.begin(), kClientSettings.end());
  env.push_back("GLINT_SYNC_INITIAL_DAYS=" + std::to_string(o.sync_days));
  Server server(env, {}, "sync_bench");
  const Workspace w = workspace(server, "sync-bench");
  if (w.tenant.empty()) return false;
  struct Platform {
    std::string provider, platform;
    std::vector<std::string> accounts;
  };
  // A report call, as against discovery and account reads: Google's searchStream
  // queries that filter segments.date, Meta's insights (and async report) reads.
  auto is_report = [](const json& r) {
    const std::string path = r.value("path", ""), body = r.value("body", "");
    return path.find("/insights") != std::string::npos ||
           (path.find("searchStream") != std::string::npos && body.find("segments.date") != std::string::npos);
  };
  const std::vector<Platform> platforms = {{"google", "google_ads", kGoogleClients}, {"meta", "meta_ads", kMetaAccounts}};
  std::printf("  %-11s %8s %14s %18s %18s %9s %11s\n", "platform", "accounts", "rows written", "upstream requests", "(of which reports)",
              "wall s", "rows/s");
  bool ok = true;
  std::vector<std::string> details;
  for (const Platform& p : platforms) {
    const std::string cid = connect(server, w, p.provider);
    if (cid.empty() || !link(server, w, p.provider, p.accounts)) return false;
    fake.reset_log();
    const SyncFigures f = sync_and_wait(server, w, p.platform, cid);
    const json log = fake.requests();
    int64_t reports = 0;
    for (const json& r : log) reports += is_report(r) ? 1 : 0;
    if (!f.ok) {
      std::printf("  %-11s sync failed: %s\n", p.platform.c_str(), f.message.c_str());
      ok = false;
      continue;
    }
    std::printf("  %-11s %8zu %14s %18s %18s %9.2f %11s\n", p.platform.c_str(), p.accounts.size(), grouped(f.rows_written).c_str(),
                grouped(static_cast<int64_t>(log.size())).c_str(), grouped(reports).c_str(), f.seconds,
                grouped(std::llround(static_cast<double>(f.rows_written) / f.seconds)).c_str());
    std::string levels;
    for (const char* level : {"campaign", "ad_group", "adset", "ad"}) {
      const int64_t n = glint::testing::sql_int(
          server.db(), "SELECT COUNT(*) FROM synced_rows WHERE platform = '" + p.platform + "' AND level = '" + level + "'");
      if (n > 0) levels += std::string(levels.empty() ? "" : ", ") + level + " " + grouped(n);
    }
    details.push_back(p.platform + " rows stored by level: " + levels);
  }
  for (const std::string& d : details) std::printf("  %s\n", d.c_str());
  std::printf("  (wall: POST /sync/… to the task seen done, polled every 50 ms; the fakes and glint share this machine)\n\n");
  return ok;
}

// ---- part 2: the seed ----

// Sums in glint's units (micros), as the performance answer reports them.
struct Sums {
  int64_t impressions = 0, clicks = 0, spend = 0, conversions = 0, value = 0, rows = 0;
  bool operator==(const Sums&) const = default;
  void add(const glint::native::SyncedRow& r) {
    impressions += r.m[0];
    clicks += r.m[1];
    spend += r.m[2];
    conversions += r.m[3];
    value += r.m[4];
    ++rows;
  }
  void add(const Sums& s) {
    impressions += s.impressions;
    clicks += s.clicks;
    spend += s.spend;
    conversions += s.conversions;
    value += s.value;
    rows += s.rows;
  }
  std::string str() const {
    char buf[256];
    std::snprintf(buf, sizeof buf, "impressions %lld, clicks %lld, spend µ%lld, conversions µ%lld, value µ%lld, rows %lld",
                  static_cast<long long>(impressions / 1'000'000), static_cast<long long>(clicks / 1'000'000),
                  static_cast<long long>(spend), static_cast<long long>(conversions), static_cast<long long>(value),
                  static_cast<long long>(rows));
    return buf;
  }
};

// A figure of the answer (counts and major units) back in micros; -1 when absent.
Sums of_answer(const json& m) {
  auto micros = [&](const char* k) -> int64_t {
    return m.is_object() && m.contains(k) && m[k].is_number() ? std::llround(m[k].get<double>() * 1e6) : -1;
  };
  Sums s{micros("impressions"), micros("clicks"), micros("spend"), micros("conversions"), micros("conversion_value"), -1};
  if (m.is_object() && m.contains("rows") && m["rows"].is_number_integer()) s.rows = m["rows"].get<int64_t>();
  return s;
}

uint64_t mix(uint64_t a, uint64_t b) {  // splitmix64 of a pair
  uint64_t z = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double unit(uint64_t h) { return static_cast<double>(h >> 11) * 0x1p-53; }

struct Campaign {
  uint64_t seed;
  std::string id, name, attrs;
  double impressions, ctr, cpc, cvr, order_value;
};

std::vector<Campaign> campaigns_of(int n) {
  static const char* kTypes[] = {"SEARCH", "SEARCH", "SHOPPING", "PERFORMANCE_MAX", "DISPLAY", "VIDEO"};
  static const char* kThemes[] = {"Brand", "Generic", "Competitors", "Remarketing", "Prospecting", "Seasonal", "Clearance"};
  std::vector<Campaign> out;
  for (int c = 0; c < n; ++c) {
    const uint64_t h = mix(0xC0FFEE, static_cast<uint64_t>(c));
    const char* type = kTypes[h % 6];
    Campaign k;
    k.seed = h;
    k.id = std::to_string(21000000000ll + c * 37);
    k.name = std::string(kThemes[(h >> 8) % 7]) + " – " + type + " – " + std::to_string(c + 1);
    k.attrs = json{{"type", type}, {"status", (h >> 16) % 9 == 0 ? "PAUSED" : "ENABLED"}}.dump();
    k.impressions = 200 * std::pow(100.0, unit(mix(h, 1)));  // 200 to 20,000 a day, log-uniform
    k.ctr = 0.005 + 0.075 * unit(mix(h, 2));
    k.cpc = 0.15 + 2.85 * unit(mix(h, 3));
    k.cvr = 0.01 + 0.09 * unit(mix(h, 4));
    k.order_value = 20 + 180 * unit(mix(h, 5));
    out.push_back(k);
  }
  return out;
}

// One campaign-day in the sync's shape (native/sync/sync.cc ads_row): dims
// [account, account name, campaign id, campaign name, "", "", "", ""], the
// metric slots impressions, clicks, cost, conversions, value in micros; whole
// counts, money in cents and conversions in hundredths, as Google reports them.
glint::native::SyncedRow row_of(const Campaign& k, const glint::native::SyncedAccount& a, int32_t day, int32_t first_day) {
  glint::native::SyncedRow r;
  r.platform = "google_ads";
  r.kind = "ads";
  r.account_id = a.account_id;
  r.level = "campaign";
  r.currency = a.currency;
  r.day = day;
  r.dims = json::array({a.account_id, a.name, k.id, k.name, "", "", "", ""}).dump();
  r.attrs = k.attrs;
  const uint64_t h = mix(k.seed, static_cast<uint64_t>(day));
  const int weekday = (day + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  const double week = weekday == 0 || weekday == 6 ? 0.78 : 1.0;
  const double season = 1 + 0.22 * std::sin(2 * std::numbers::pi * ((day % 365) / 365.0));
  const double trend = 0.85 + 0.3 * (day - first_day) / 1100.0;
  const double noise = 0.8 + 0.4 * unit(mix(h, 1));
  const int64_t impressions = std::max<int64_t>(1, std::llround(k.impressions * week * season * trend * noise));
  const int64_t clicks = std::llround(static_cast<double>(impressions) * k.ctr * (0.85 + 0.3 * unit(mix(h, 2))));
  const int64_t cost_cents = std::llround(static_cast<double>(clicks) * k.cpc * 100 * (0.9 + 0.2 * unit(mix(h, 3))));
  const int64_t conv_hundredths = std::llround(static_cast<double>(clicks) * k.cvr * 100 * (0.6 + 0.8 * unit(mix(h, 4))));
  const int64_t value_cents = std::llround(static_cast<double>(conv_hundredths) * k.order_value * (0.8 + 0.4 * unit(mix(h, 5))));
  r.m = {impressions * 1'000'000, clicks * 1'000'000, cost_cents * 10'000, conv_hundredths * 10'000, value_cents * 10'000, 0, 0};
  return r;
}

// ---- part 2: the route ----

struct Timing {
  double first_ms = 0, median_ms = 0, p90_ms = 0;
  size_t bytes = 0;
  bool ok = true;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double p90(std::vector<double> v) {  // nearest rank
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(v.size())));
  return v[std::max<size_t>(rank, 1) - 1];
}

// Whether the answer's totals, days and campaigns equal the generator's.
bool check(const json& body, const std::map<int32_t, Sums>& daily, int32_t first, int32_t last, int campaigns, std::string& why) {
  Sums want;
  for (auto it = daily.lower_bound(first); it != daily.end() && it->first <= last; ++it) want.add(it->second);
  const Sums got = of_answer(body.value("totals", json::object()));
  if (!(got == want)) {
    why = "totals " + got.str() + "; generated " + want.str();
    return false;
  }
  const json days = body.value("daily", json::array());
  if (static_cast<int64_t>(days.size()) != last - first + 1) {
    why = std::to_string(days.size()) + " daily entries for " + std::to_string(last - first + 1) + " days";
    return false;
  }
  for (const json& d : days) {
    const std::optional<glint::Day> day = glint::parse_iso_date(d.value("date", ""));
    const auto it = day ? daily.find(*day) : daily.end();
    if (it == daily.end() || !(of_answer(d) == it->second)) {
      why = "day " + d.value("date", "?") + ": " + of_answer(d).str();
      return false;
    }
  }
  const size_t entities = body.value("by_entity", json::array()).size();
  if (entities != static_cast<size_t>(campaigns)) {
    why = std::to_string(entities) + " campaigns in by_entity";
    return false;
  }
  return true;
}

bool bench_performance(const Options& o) {
  std::printf("Part 2: GET /advertising/accounts/%s/performance on %d days x %d campaigns\n", kSeededAccount.c_str(), o.days, o.campaigns);
  FakeUpstreams fake;
  std::vector<std::string> env = fake.env();
  env.insert(env.end(), kClientSettings.begin(), kClientSettings.end());
  env.push_back("GLINT_SYNC_INITIAL_DAYS=1");  // the real sync only makes the account; the seed brings the data
  Server server(env, {}, "perf_bench");
  const Workspace w = workspace(server, "perf-bench");
  if (w.tenant.empty()) return false;
  const std::string cid = connect(server, w, "google");
  if (cid.empty() || !link(server, w, "google", {kSeededAccount})) return false;
  const SyncFigures synced = sync_and_wait(server, w, "google_ads", cid);
  if (!synced.ok) {
    std::printf("  the real sync failed: %s\n", synced.message.c_str());
    return false;
  }

  // The seed, with the server stopped, through the store the server uses.
  server.stop(SIGTERM);
  std::map<int32_t, Sums> daily;
  int32_t first = 0, last = 0;
  int64_t written = 0, transactions = 0;
  const Clock::time_point seed_start = Clock::now();
  {
    glint::native::Store store(server.db().string(), 1);
    std::optional<glint::native::Credential> cred;
    for (const glint::native::Credential& c : store.credentials()) {
      if (c.public_id == cid) cred = c;
    }
    std::optional<glint::native::SyncedAccount> account;
    for (const glint::native::SyncedAccount& a : cred ? store.synced_accounts(cred->id) : std::vector<glint::native::SyncedAccount>{}) {
      if (a.account_id == kSeededAccount) account = a;
    }
    if (!account) {
      std::printf("  the real sync left no synced account %s\n", kSeededAccount.c_str());
      return false;
    }
    last = glint::native::today_in_zone(account->time_zone, glint::native::now_unix());
    first = last - o.days + 1;
    const std::vector<Campaign> campaigns = campaigns_of(o.campaigns);
    constexpr int kChunk = 31;  // the sync's unit: one transaction per 31 days
    for (int32_t a = first; a <= last; a += kChunk) {
      const int32_t b = std::min(last, a + kChunk - 1);
      std::vector<glint::native::SyncedRow> rows;
      rows.reserve(static_cast<size_t>(b - a + 1) * campaigns.size());
      for (int32_t day = a; day <= b; ++day) {
        for (const Campaign& k : campaigns) {
          rows.push_back(row_of(k, *account, day, first));
          daily[day].add(rows.back());
        }
      }
      written += store.replace_slices(cred->id, kSeededAccount, "campaign", a, b, rows, last - 29, glint::native::now_unix());
      ++transactions;
    }
    std::printf("  account %s (%s, %s, %s) of a real connection, synced once; its campaign level replaced by\n", kSeededAccount.c_str(),
                account->name.c_str(), account->currency.c_str(), account->time_zone.c_str());
  }
  const double seed_s = seconds_since(seed_start);
  std::printf("  %s generated rows (%d campaigns, every day %s..%s), written by Store::replace_slices in %lld transactions, %.1f s\n",
              grouped(written).c_str(), o.campaigns, glint::iso_date(first).c_str(), glint::iso_date(last).c_str(),
              static_cast<long long>(transactions), seed_s);
  server.start();

  const std::string base = "/advertising/accounts/" + kSeededAccount + "/performance?tenant_id=" + w.tenant;
  struct Range {
    std::string label;
    int32_t first, last;
  };
  std::vector<Range> ranges = {{"whole (" + std::to_string(o.days) + " days)", first, last}};
  if (o.days > 90) ranges.push_back({"90 days", last - 89, last});
  if (o.days > 30) ranges.push_back({"30 days", last - 29, last});
  std::printf("  %-18s %9s %10s %10s %9s %11s %14s  %s\n", "range", "rows", "first ms", "median ms", "p90 ms", "JSON bytes", "on the wire",
              "totals");
  httplib::Client c("127.0.0.1", server.port());
  c.set_keep_alive(true);
  c.set_read_timeout(300);
  const httplib::Headers h = {{"X-Session-ID", w.session}};
  bool all_ok = true;
  for (const Range& r : ranges) {
    const std::string path = base + "&start_date=" + glint::iso_date(r.first) + "&end_date=" + glint::iso_date(r.last);
    std::string wire;  // the body as sent, when the server compressed it
    auto timed = [&](size_t& bytes) {
      const Clock::time_point t = Clock::now();
      const auto res = c.Get(path, h);
      const double ms = seconds_since(t) * 1000;
      bytes = res && res->status == 200 ? res->body.size() : 0;
      if (res && res->has_header("Content-Encoding")) {
        wire = res->get_header_value("Content-Encoding") + " " + grouped(std::atoll(res->get_header_value("Content-Length").c_str()));
      }
      return ms;
    };
    Timing t;
    t.first_ms = timed(t.bytes);
    // The check, through the test client (which also holds the answer to the contract).
    const Reply answer = server.get(path, w.session);
    std::string why;
    t.ok = answer.status == 200 && check(answer.body, daily, r.first, r.last, o.campaigns, why);
    if (answer.status != 200) why = "status " + std::to_string(answer.status) + " " + answer.text.substr(0, 300);
    std::vector<double> ms;
    for (int i = 0; i < o.reps; ++i) {
      size_t bytes = 0;
      ms.push_back(timed(bytes));
      if (bytes == 0) t.ok = false;
    }
    t.median_ms = median(ms);
    t.p90_ms = p90(ms);
    int64_t rows = 0;
    for (auto it = daily.lower_bound(r.first); it != daily.end() && it->first <= r.last; ++it) rows += it->second.rows;
    std::printf("  %-18s %9s %10.1f %10.1f %9.1f %11s %14s  %s\n", r.label.c_str(), grouped(rows).c_str(), t.first_ms, t.median_ms,
                t.p90_ms, grouped(static_cast<int64_t>(t.bytes)).c_str(), wire.empty() ? "uncompressed" : wire.c_str(), t.ok ? "OK" : "MISMATCH");
    if (!t.ok) std::printf("    %s\n", why.empty() ? "a timed request failed" : why.c_str());
    all_ok = all_ok && t.ok;
  }
  std::printf("  (first: the first request after the server started on the seeded file; median and p90 of %d more,\n"
              "   one keep-alive connection, sequential, the client offering compression as cpp-httplib does)\n",
              o.reps);
  return all_ok;
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], v;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (const size_t eq = a.find('='); eq != std::string::npos) {
      v = a.substr(eq + 1);
      a = a.substr(0, eq);
    } else if (i + 1 < argc) {
      v = argv[++i];
    }
    auto number = [&](int lo, int hi, int& out) {
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < lo || n > hi) {
        std::fprintf(stderr, "glint_sync_bench: %s wants a whole number from %d to %d\n", a.c_str(), lo, hi);
        return false;
      }
      out = static_cast<int>(n);
      return true;
    };
    if (a == "--sync-days") {
      if (!number(1, 1147, o.sync_days)) return false;  // the sync's own bound; the fakes hold 730 days
    } else if (a == "--days") {
      if (!number(1, 1098, o.days)) return false;  // the route answers at most three years
    } else if (a == "--campaigns") {
      if (!number(1, 100000, o.campaigns)) return false;
    } else if (a == "--reps") {
      if (!number(1, 10000, o.reps)) return false;
    } else if (a == "--only" && (v == "sync" || v == "perf")) {
      o.sync = v == "sync";
      o.perf = v == "perf";
    } else {
      std::fprintf(stderr, "glint_sync_bench: unknown option %s\n%s", argv[i], kUsage);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) return 2;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures in order with the servers' own lines on stderr
  ::testing::UnitTest::GetInstance()->listeners().Append(new ProblemPrinter);
  std::printf("glint_sync_bench: %s, fakes %s\n\n", GLINT_BINARY, FAKE_UPSTREAMS);
  bool ok = true;
  if (o.sync) ok = bench_sync(o) && ok;
  if (o.perf) ok = bench_performance(o) && ok;
  if (g_problems > 0) std::printf("%d problem(s) reported by the test client (see stderr)\n", g_problems);
  return ok && g_problems == 0 ? 0 : 1;
}
