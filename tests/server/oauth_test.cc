// The OAuth connection routes on the real binary against the fake upstreams
// (tests/fakes): each provider from its auth URL to linked accounts, the
// authorization matrix over every connection route the router serves, and
// the upstream scenarios (refresh, single flight, reconnect, vanished
// accounts, retries, malformed answers, revoke on disconnect). Expected
// values are the fakes' documented data (tests/fakes/README.md).
//
// The security checks (state replay and expiry, CSP, open redirects,
// secrets at rest and in logs, kill -9) live in oauth_security_test.cc.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <ctime>
#include <latch>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "api_client.h"
#include "connectors/fake_process.h"

namespace glint::testing {
namespace {

const std::vector<std::string> kClientSettings = {
    "GLINT_GOOGLE_CLIENT_ID=fake-google-client.apps.googleusercontent.com",
    "GLINT_GOOGLE_CLIENT_SECRET=fake-google-secret",
    "GLINT_META_APP_ID=1000000000000001",
    "GLINT_META_APP_SECRET=fake-meta-secret",
    "GLINT_HUBSPOT_CLIENT_ID=fake-hubspot-client",
    "GLINT_HUBSPOT_CLIENT_SECRET=fake-hubspot-secret",
    "GLINT_MAILCHIMP_CLIENT_ID=fake-mailchimp-client",
    "GLINT_MAILCHIMP_CLIENT_SECRET=fake-mailchimp-secret"};

const std::string kInternalKey = "internal-key-for-the-oauth-tests-0123456789";

// The fakes' documented data.
const std::string kAgencyMcc = "5550001111", kSecondMcc = "6660002222", kShopA = "1234567890",
                  kShopB = "2345678901", kShopC = "3456789012", kOldShop = "4567890123",
                  kDirect = "9990003333";
const std::string kMailchimpA = "8d3a3db4d97663a9074efcc16", kMailchimpB = "3f0c2b9e71a4d5c8e6b1a7d20";

std::vector<std::string> fake_args(const std::vector<std::string>& scenarios) {
  std::vector<std::string> out;
  for (const std::string& s : scenarios) {
    out.push_back("--scenario");
    out.push_back(s);
  }
  return out;
}

// Every setting the server needs to reach the fakes, plus `extra`.
std::vector<std::string> server_env(const FakeUpstreams& fake, const std::vector<std::string>& extra = {},
                                    bool with_clients = true) {
  std::vector<std::string> env = fake.env();
  if (with_clients) env.insert(env.end(), kClientSettings.begin(), kClientSettings.end());
  env.push_back("GLINT_INTERNAL_API_KEY=" + kInternalKey);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::string id_of(const Reply& r) {
  if (r.body.is_object() && r.body.contains("tenant") && r.body["tenant"].is_object()) return r.body["tenant"].value("id", "");
  return r.body.is_object() ? r.body.value("id", "") : "";
}

std::string code_of(const Reply& r) { return r.body.is_object() ? r.body.value("code", "") : ""; }

std::string workspace(const Server& s, const std::string& session, const std::string& name) {
  Reply r = s.post("/api/tenants", {{"name", name}}, session);
  EXPECT_EQ(r.status, 201) << r.text;
  return id_of(r);
}

// Invites `email` into `tid` with `role`, registers them and accepts; their session.
std::string join(const Server& s, const std::string& owner, const std::string& tid, const std::string& email,
                 const std::string& role) {
  Reply inv = s.post("/api/tenants/" + tid + "/invites", {{"email", email}, {"role", role}}, owner);
  EXPECT_EQ(inv.status, 201) << inv.text;
  const std::string session = s.account(email);
  Reply acc = s.post("/api/invites/" + inv.body.value("token", "") + "/accept", json::object(), session);
  EXPECT_EQ(acc.status, 200) << acc.text;
  return session;
}

struct Url {
  std::string host;
  int port = 0;
  std::string target;  // path and query, without any fragment
};

std::optional<Url> parse_url(const std::string& u) {
  static const std::regex re(R"(^https?://([^/:?#]+)(?::([0-9]+))?([^#]*))");
  std::smatch m;
  if (!std::regex_search(u, m, re)) return std::nullopt;
  Url out{m[1].str(), m[2].matched ? std::stoi(m[2].str()) : 80, m[3].str()};
  if (out.target.empty()) out.target = "/";
  return out;
}

// One connection made the way a browser makes it: auth-url → the provider's
// page (redirects not followed) → glint's callback with code and state.
struct Flow {
  Reply begin;           // the auth-url answer
  int dialog_status = 0;  // the provider's answer to auth_url
  std::string location;  // where the provider sent the browser
  Reply done;            // glint's callback answer
};

Flow run_flow(const Server& s, const std::string& base, const std::string& session, const std::string& tid,
             bool as_json = true) {
  Flow f;
  f.begin = s.get(base + "/auth-url" + (tid.empty() ? "" : "?tenant_id=" + tid), session);
  if (f.begin.status != 200) {
    ADD_FAILURE() << base << "/auth-url: " << f.begin.status << " " << f.begin.text;
    return f;
  }
  const std::optional<Url> dialog = parse_url(f.begin.body.value("auth_url", ""));
  if (!dialog) {
    ADD_FAILURE() << "auth_url is not a URL: " << f.begin.text;
    return f;
  }
  httplib::Client c(dialog->host, dialog->port);
  c.set_follow_location(false);
  auto r = c.Get(dialog->target);
  f.dialog_status = r ? r->status : 0;
  f.location = r ? r->get_header_value("Location") : "";
  const std::optional<Url> back = parse_url(f.location);
  if (f.dialog_status != 302 || !back) {
    ADD_FAILURE() << "the provider did not redirect: " << f.dialog_status << " " << (r ? r->body : "");
    return f;
  }
  EXPECT_EQ(back->port, s.port()) << "the provider sent the browser elsewhere: " << f.location;
  httplib::Headers h;
  if (as_json) h.emplace("Accept", "application/json");
  f.done = s.request("GET", back->target, nullptr, "", h);
  return f;
}

// The connection as glint answered its callback (JSON), or a failure.
Reply connected(const Server& s, const std::string& base, const std::string& session, const std::string& tid) {
  Flow f = run_flow(s, base, session, tid);
  EXPECT_EQ(f.done.status, 200) << base << ": " << f.done.text;
  return f.done;
}

std::vector<std::string> ids_in(const json& list, const char* key = "id") {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const json& x : list) {
    if (x.is_object() && x.contains(key)) out.push_back(x[key].is_string() ? x[key].get<std::string>() : x[key].dump());
  }
  std::sort(out.begin(), out.end());
  return out;
}

json* find_id(json& list, const std::string& id, const char* key = "id") {
  if (!list.is_array()) return nullptr;
  for (json& x : list) {
    if (x.is_object() && x.contains(key) && (x[key] == id || x[key].dump() == id)) return &x;
  }
  return nullptr;
}

// "2026-01-02T03:04:05Z" → unix seconds (0 when unreadable).
int64_t unix_of(const json& v) {
  if (!v.is_string()) return 0;
  std::tm tm{};
  if (!strptime(v.get<std::string>().c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

int64_t now_s() { return static_cast<int64_t>(std::time(nullptr)); }

// How many logged requests to the fake match.
int count(const json& log, const std::string& method, const std::string& path_re, const std::string& body_has = "") {
  const std::regex re(path_re);
  int n = 0;
  for (const json& r : log) {
    if (r.value("method", "") != method || !std::regex_search(r.value("path", ""), re)) continue;
    if (!body_has.empty() && r.value("body", "").find(body_has) == std::string::npos) continue;
    ++n;
  }
  return n;
}

int google_refreshes(const json& log) { return count(log, "POST", "^/token$", "grant_type=refresh_token"); }

// The form field `name` of each logged request matching (in order).
std::vector<std::string> form_values(const json& log, const std::string& path_re, const std::string& name) {
  const std::regex path(path_re), field("(?:^|&)" + name + "=([^&]*)");
  std::vector<std::string> out;
  for (const json& r : log) {
    if (!std::regex_search(r.value("path", ""), path)) continue;
    const std::string body = r.value("body", "");
    std::smatch m;
    if (std::regex_search(body, m, field)) out.push_back(m[1].str());
  }
  return out;
}

// ---------------------------------------------------------------------------
// OAuthFlows: each provider from auth URL to linked accounts.

TEST(OAuthFlows, GoogleFromAuthUrlToLinkedAdsAccountsAndGa4Properties) {
  FakeUpstreams fake;
  Server server(server_env(fake));
  const std::string owner = server.account("g-owner@example.com");
  const std::string tid = workspace(server, owner, "Google Co");

  Flow f = run_flow(server, "/api/oauth/google", owner, tid);
  ASSERT_EQ(f.done.status, 200) << f.done.text;
  EXPECT_EQ(f.begin.body["owner"]["id"], tid);
  EXPECT_NE(f.location.find("code="), std::string::npos);
  EXPECT_NE(f.location.find("/api/oauth/google/callback?"), std::string::npos) << f.location;
  EXPECT_EQ(f.done.body["connected"], true);
  EXPECT_EQ(f.done.body["status"], "active");
  EXPECT_EQ(f.done.body["account"]["email"], "ada@example.com");
  EXPECT_EQ(f.done.body["account"]["sub"], "110000000000000000001");
  EXPECT_EQ(f.done.body["discovery"]["found"]["google_ads"], 7) << f.done.text;  // 2 managers + 5 clients
  EXPECT_EQ(f.done.body["discovery"]["found"]["ga4"], 3) << f.done.text;

  Reply ads = server.get("/api/oauth/google/ad-accounts?tenant_id=" + tid, owner);
  ASSERT_EQ(ads.status, 200) << ads.text;
  EXPECT_EQ(ids_in(ads.body["mcc_accounts"]), (std::vector<std::string>{kAgencyMcc, kSecondMcc})) << ads.text;
  EXPECT_EQ(ids_in(ads.body["regular_accounts"]), (std::vector<std::string>{kShopA, kShopB, kShopC, kOldShop, kDirect}))
      << ads.text;
  EXPECT_EQ(ads.body["total"], 7);
  int shop_c_rows = 0;
  for (json& a : ads.body["regular_accounts"]) shop_c_rows += a.value("id", "") == kShopC ? 1 : 0;
  EXPECT_EQ(shop_c_rows, 1) << "Shop C is under both managers but one account";
  if (json* c = find_id(ads.body["regular_accounts"], kShopC)) {
    EXPECT_EQ(c->value("name", ""), "Shop C");
    EXPECT_EQ(c->value("currency_code", ""), "GBP");
    std::vector<std::string> managers = (*c)["managers"].get<std::vector<std::string>>();
    std::sort(managers.begin(), managers.end());
    EXPECT_EQ(managers, (std::vector<std::string>{kAgencyMcc, kSecondMcc})) << c->dump();
  }
  if (json* old = find_id(ads.body["regular_accounts"], kOldShop)) {
    EXPECT_EQ(old->value("status", ""), "CANCELED") << old->dump();
    EXPECT_EQ(old->value("name", ""), "Old Shop");
  }
  if (json* d = find_id(ads.body["regular_accounts"], kDirect)) {
    EXPECT_EQ(d->value("name", ""), "Direct account");
    EXPECT_EQ(d->value("currency_code", ""), "USD");
    EXPECT_EQ(d->value("time_zone", ""), "America/New_York");
  }
  if (json* m = find_id(ads.body["mcc_accounts"], kAgencyMcc)) { EXPECT_EQ(m->value("name", ""), "Agency MCC"); }

  // A manager is chosen (dashes accepted); a client is not a manager.
  Reply mcc = server.post("/api/session/select-mcc", {{"tenant_id", tid}, {"mcc_id", "555-000-1111"}}, owner);
  EXPECT_EQ(mcc.status, 200) << mcc.text;
  EXPECT_EQ(mcc.body["selected_mcc"], kAgencyMcc);
  EXPECT_EQ(server.get("/api/oauth/google/ad-accounts?tenant_id=" + tid, owner).body["selected_mcc"], kAgencyMcc);
  Reply not_mcc = server.post("/api/session/select-mcc", {{"tenant_id", tid}, {"mcc_id", kShopA}}, owner);
  EXPECT_EQ(not_mcc.status, 404);
  EXPECT_EQ(not_mcc.body["code"], "unknown_account");

  Reply found = server.get("/api/google/accounts/discovered?tenant_id=" + tid, owner);
  ASSERT_EQ(found.status, 200) << found.text;
  EXPECT_EQ(ids_in(found.body["accounts"]),
            (std::vector<std::string>{kShopA, kShopB, kShopC, kOldShop, kAgencyMcc, kSecondMcc, kDirect}));
  for (json& a : found.body["accounts"]) EXPECT_EQ(a["linked"], false) << a.dump();

  Reply link = server.post("/api/google/accounts/link", {{"tenant_id", tid}, {"customer_ids", {"123-456-7890", kShopB}}}, owner);
  ASSERT_EQ(link.status, 200) << link.text;
  EXPECT_EQ(ids_in(link.body["linked"]), (std::vector<std::string>{kShopA, kShopB}));
  Reply unknown = server.post("/api/google/accounts/link", {{"tenant_id", tid}, {"customer_ids", {"1112223333"}}}, owner);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body["code"], "unknown_account");
  EXPECT_NE(unknown.text.find("1112223333"), std::string::npos);
  Reply after = server.get("/api/google/accounts/discovered?tenant_id=" + tid, owner);
  for (json& a : after.body["accounts"]) EXPECT_EQ(a["linked"], a["id"] == kShopA || a["id"] == kShopB) << a.dump();

  // GA4 one summary a page: all three properties, across pages.
  fake.scenario("ga4_paged");
  fake.reset_log();
  Reply ga4 = server.post("/api/ga4/refresh", {{"tenant_id", tid}}, owner);
  ASSERT_EQ(ga4.status, 200) << ga4.text;
  EXPECT_EQ(ids_in(ga4.body["properties"]), (std::vector<std::string>{"250000001", "250000002", "250000003"})) << ga4.text;
  EXPECT_EQ(ga4.body["total"], 3);
  if (json* p = find_id(ga4.body["properties"], "250000003")) {
    EXPECT_EQ(p->value("name", ""), "shop-b.com");
    EXPECT_EQ(p->value("account_id", ""), "2000");
    EXPECT_EQ(p->value("account_name", ""), "Shop B");
  }
  EXPECT_GE(count(fake.requests(), "GET", "^/v1beta/accountSummaries$"), 3);
  // Linking survives the refresh.
  Reply still = server.get("/api/google/accounts/discovered?tenant_id=" + tid, owner);
  for (json& a : still.body["accounts"]) EXPECT_EQ(a["linked"], a["id"] == kShopA || a["id"] == kShopB) << a.dump();
}

TEST(OAuthFlows, MetaFromDialogToAdAccountsAndPagesWithItsExpiry) {
  FakeUpstreams fake;
  Server server(server_env(fake));
  const std::string owner = server.account("m-owner@example.com");
  const std::string tid = workspace(server, owner, "Meta Co");

  Flow f = run_flow(server, "/api/oauth/meta", owner, tid);
  ASSERT_EQ(f.done.status, 200) << f.done.text;
  EXPECT_NE(f.location.find("#_=_"), std::string::npos) << f.location;  // Meta's fragment, harmless
  EXPECT_EQ(f.done.body["account"]["user_id"], "10150000000000001");
  EXPECT_EQ(f.done.body["account"]["name"], "Ada Lovelace");
  EXPECT_EQ(f.done.body["discovery"]["found"]["meta_ads"], 5) << f.done.text;
  EXPECT_EQ(f.done.body["discovery"]["found"]["facebook_page"], 2) << f.done.text;
  json log = fake.requests();
  EXPECT_EQ(count(log, "GET", "^/v[0-9]+\\.0/me/adaccounts$"), 3);  // two a page: three pages
  EXPECT_EQ(count(log, "GET", "^/v[0-9]+\\.0/me/accounts$"), 2);

  // The seed's /meta-oauth family is the same connection.
  Reply st = server.get("/api/oauth/meta/status?tenant_id=" + tid, owner);
  Reply st2 = server.get("/meta-oauth/status?tenant_id=" + tid, owner);
  ASSERT_EQ(st.status, 200) << st.text;
  EXPECT_EQ(st2.status, 200) << st2.text;
  EXPECT_EQ(st.body["connection_id"], st2.body["connection_id"]);
  EXPECT_EQ(server.get("/meta-oauth/credentials-status?tenant_id=" + tid, owner).body["has_credentials"], true);
  // A long-lived token: about 60 days; reconnect a week before.
  const int64_t now = now_s();
  const int64_t expires = unix_of(st.body["expires_at"]);
  EXPECT_NEAR(static_cast<double>(expires), static_cast<double>(now + 5183944), 300.0) << st.text;
  EXPECT_EQ(unix_of(st.body["reconnect_before"]), expires - 7 * 86400) << st.text;
  EXPECT_GE(st.body.value("expires_in_days", -1), 59);
  EXPECT_LE(st.body.value("expires_in_days", -1), 60);
  EXPECT_NEAR(static_cast<double>(unix_of(st.body["account"]["data_access_expires_at"])),
              static_cast<double>(now + 90 * 86400), 300.0)
      << st.text;

  Reply acts = server.get("/meta-oauth/accounts/available?tenant_id=" + tid, owner);
  ASSERT_EQ(acts.status, 200) << acts.text;
  EXPECT_EQ(ids_in(acts.body["accounts"]), (std::vector<std::string>{"act_1234567890", "act_2345678901", "act_3456789012",
                                                                       "act_4567890123", "act_5678901234"}));
  if (json* a = find_id(acts.body["accounts"], "act_1234567890")) {
    EXPECT_EQ(a->value("name", ""), "Shop A – EU");
    EXPECT_EQ(a->value("currency", ""), "EUR");
    EXPECT_EQ(a->value("timezone_name", ""), "Europe/Paris");
  }
  if (json* a = find_id(acts.body["accounts"], "act_3456789012")) { EXPECT_EQ(a->value("account_status", 0), 101); }
  Reply link = server.post("/api/oauth/meta/accounts/link", {{"tenant_id", tid}, {"account_ids", {"act_1234567890", "act_4567890123"}}}, owner);
  ASSERT_EQ(link.status, 200) << link.text;
  EXPECT_EQ(ids_in(link.body["linked"]), (std::vector<std::string>{"act_1234567890", "act_4567890123"}));
  EXPECT_EQ(server.post("/api/oauth/meta/accounts/link", {{"tenant_id", tid}, {"account_ids", {"act_999"}}}, owner).status, 404);

  Reply pages = server.get("/api/oauth/meta/organic/facebook-pages?tenant_id=" + tid, owner);
  ASSERT_EQ(pages.status, 200) << pages.text;
  EXPECT_EQ(ids_in(pages.body["pages"]), (std::vector<std::string>{"100000000000001", "100000000000002"}));
  if (json* p = find_id(pages.body["pages"], "100000000000002")) { EXPECT_EQ(p->value("name", ""), "Shop B Page"); }
  EXPECT_EQ(pages.text.find("access_token"), std::string::npos);  // a page token is never kept
  Reply lp = server.post("/meta-oauth/organic/link-page", {{"tenant_id", tid}, {"page_id", "100000000000002"}}, owner);
  ASSERT_EQ(lp.status, 200) << lp.text;
  Reply pages2 = server.get("/meta-oauth/organic/facebook-pages?tenant_id=" + tid, owner);
  for (json& p : pages2.body["pages"]) EXPECT_EQ(p["selected"], p["id"] == "100000000000002") << p.dump();
  EXPECT_EQ(server.post("/meta-oauth/organic/link-page", {{"tenant_id", tid}, {"page_id", "100000000000009"}}, owner).status, 404);
}

TEST(OAuthFlows, MetaExpiringTokenSaysSoInDays) {
  FakeUpstreams fake(fake_args({"meta_expiring"}));
  Server server(server_env(fake));
  const std::string owner = server.account("m-exp@example.com");
  const std::string tid = workspace(server, owner, "Soon Co");
  ASSERT_EQ(connected(server, "/meta-oauth", owner, tid).status, 200);
  Reply st = server.get("/api/platform/meta_ads/status?tenant_id=" + tid, owner);
  ASSERT_EQ(st.status, 200) << st.text;
  EXPECT_LE(st.body.value("expires_in_days", 99), 3) << st.text;
  EXPECT_GE(st.body.value("expires_in_days", -1), 2) << st.text;
  EXPECT_LT(unix_of(st.body["reconnect_before"]), now_s()) << st.text;  // the week before has begun
}

TEST(OAuthFlows, HubSpotPortalsAreIntrospectedSelectedAndDisconnectedOneByOne) {
  FakeUpstreams fake;
  Server server(server_env(fake));
  const std::string owner = server.account("h-owner@example.com");
  const std::string tid = workspace(server, owner, "Hub Co");

  // As a browser: a page, not JSON.
  Flow f = run_flow(server, "/api/oauth/hubspot", owner, tid, false);
  ASSERT_EQ(f.done.status, 200) << f.done.text;
  EXPECT_NE(f.done.header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(f.done.text.find("Connected"), std::string::npos);
  EXPECT_NE(f.done.text.find("shop-a.hubspot.com"), std::string::npos);
  Reply st = server.get("/api/oauth/hubspot/status?tenant_id=" + tid, owner);
  ASSERT_EQ(st.status, 200) << st.text;
  EXPECT_EQ(st.body["connected"], true);
  EXPECT_EQ(st.body["account"]["hub_id"], 21000001);
  EXPECT_EQ(st.body["account"]["hub_domain"], "shop-a.hubspot.com");
  EXPECT_EQ(st.body["account"]["user"], "ada@example.com");
  EXPECT_EQ(st.body["account"]["time_zone"], "Europe/Paris");  // from account-info
  EXPECT_EQ(st.body["account"]["currency"], "EUR");
  Reply who = server.get("/api/oauth/hubspot/user-info?tenant_id=" + tid, owner);
  EXPECT_EQ(who.status, 200) << who.text;
  EXPECT_EQ(who.body["user"]["hub_id"], 21000001);

  fake.scenario("hubspot_second_portal");
  Reply second = connected(server, "/api/oauth/hubspot", owner, tid);
  fake.scenario("hubspot_second_portal", false);
  EXPECT_EQ(second.body["account"]["hub_id"], 21000002) << second.text;
  EXPECT_EQ(second.body["account"]["hub_domain"], "shop-b.hubspot.com");
  Reply list = server.get("/api/oauth/hubspot/accounts?tenant_id=" + tid, owner);
  ASSERT_EQ(list.status, 200) << list.text;
  EXPECT_EQ(ids_in(list.body["accounts"]), (std::vector<std::string>{"21000001", "21000002"}));
  EXPECT_NE(list.body["accounts"][0]["connection_id"], list.body["accounts"][1]["connection_id"]);

  for (const std::string& pick : {std::string("21000002"), std::string("21000001"), std::string("21000002")}) {
    Reply sel = server.post("/api/oauth/hubspot/select-account", {{"tenant_id", tid}, {"hub_id", pick}}, owner);
    ASSERT_EQ(sel.status, 200) << sel.text;
    for (json& a : sel.body["accounts"]) EXPECT_EQ(a["is_primary"], a["id"] == pick) << a.dump();
    EXPECT_EQ(server.get("/api/oauth/hubspot/status?tenant_id=" + tid, owner).body["account"]["hub_id"].dump(), pick);
  }
  EXPECT_EQ(server.post("/api/oauth/hubspot/select-account", {{"tenant_id", tid}, {"hub_id", "21000009"}}, owner).status, 404);

  fake.reset_log();
  Reply gone = server.del("/api/oauth/hubspot/disconnect?tenant_id=" + tid + "&hub_id=21000002", owner);
  ASSERT_EQ(gone.status, 200) << gone.text;
  ASSERT_EQ(gone.body["connections"].size(), 1u) << gone.text;
  EXPECT_EQ(gone.body["connections"][0]["revoked"], "revoked");
  EXPECT_EQ(count(fake.requests(), "POST", "^/oauth/[^/]+/token/revoke$"), 1);
  Reply left = server.get("/api/oauth/hubspot/accounts?tenant_id=" + tid, owner);
  EXPECT_EQ(ids_in(left.body["accounts"]), (std::vector<std::string>{"21000001"}));
  Reply st2 = server.get("/api/oauth/hubspot/status?tenant_id=" + tid, owner);
  EXPECT_EQ(st2.body["connected"], true);
  EXPECT_EQ(st2.body["account"]["hub_id"], 21000001) << st2.text;
}

TEST(OAuthFlows, MailchimpAccountsByDatacenterWithAPrimary) {
  FakeUpstreams fake;
  Server server(server_env(fake));
  const std::string owner = server.account("mc-owner@example.com");
  const std::string tid = workspace(server, owner, "Chimp Co");

  Reply first = connected(server, "/api/oauth/mailchimp", owner, tid);
  EXPECT_EQ(first.body["account"]["dc"], "us19") << first.text;
  EXPECT_EQ(first.body["account"]["account_name"], "Shop A");
  EXPECT_EQ(first.body["account"]["login_email"], "ada@example.com");
  EXPECT_EQ(first.body["account"]["total_subscribers"], 1234);
  fake.scenario("mailchimp_second_user");
  Reply second = connected(server, "/api/oauth/mailchimp", owner, tid);
  fake.scenario("mailchimp_second_user", false);
  EXPECT_EQ(second.body["account"]["dc"], "us7") << second.text;
  EXPECT_EQ(second.body["account"]["account_name"], "Shop B");
  EXPECT_EQ(second.body["account"]["total_subscribers"], 56);

  Reply list = server.get("/api/oauth/mailchimp/accounts?tenant_id=" + tid, owner);
  ASSERT_EQ(list.status, 200) << list.text;
  EXPECT_EQ(ids_in(list.body["accounts"]), (std::vector<std::string>{kMailchimpB, kMailchimpA}));
  for (const std::string& pick : {kMailchimpB, kMailchimpA}) {
    Reply p = server.post("/api/oauth/mailchimp/set-primary", {{"tenant_id", tid}, {"mailchimp_id", pick}}, owner);
    ASSERT_EQ(p.status, 200) << p.text;
    for (json& a : p.body["accounts"]) EXPECT_EQ(a["is_primary"], a["id"] == pick) << a.dump();
    EXPECT_EQ(server.get("/api/oauth/mailchimp/status?tenant_id=" + tid, owner).body["account"]["dc"],
              pick == kMailchimpA ? "us19" : "us7");
  }
  Reply one = server.get("/api/oauth/mailchimp/accounts/" + kMailchimpB + "?tenant_id=" + tid, owner);
  ASSERT_EQ(one.status, 200) << one.text;
  EXPECT_EQ(one.body["account"]["id"], kMailchimpB);
  EXPECT_EQ(one.body["account"]["dc"], "us7");
  EXPECT_EQ(one.body["account"]["login_email"], "bob@example.com");
  EXPECT_EQ(server.get("/api/oauth/mailchimp/accounts/nosuchaccount?tenant_id=" + tid, owner).status, 404);
}

TEST(OAuthFlows, WorkspaceIntegrationsShowEachProviderActiveWithItsAccount) {
  FakeUpstreams fake;
  Server server(server_env(fake));
  const std::string owner = server.account("i-owner@example.com");
  const std::string tid = workspace(server, owner, "All Co");
  for (const char* p : {"google", "meta", "hubspot", "mailchimp"}) ASSERT_EQ(connected(server, std::string("/api/oauth/") + p, owner, tid).status, 200);
  Reply r = server.get("/api/tenants/" + tid + "/integrations", owner);
  ASSERT_EQ(r.status, 200) << r.text;
  json& list = r.body["integrations"];
  EXPECT_EQ(ids_in(list), (std::vector<std::string>{"brevo", "facebook", "ga4", "google_ads", "hubspot", "mailchimp", "meta_ads"}));
  auto check = [&](const std::string& id, const char* field, const json& want) {
    json* it = find_id(list, id);
    ASSERT_NE(it, nullptr) << id;
    EXPECT_EQ((*it)["status"], "active") << it->dump();
    EXPECT_EQ((*it)["connected"], true) << it->dump();
    EXPECT_EQ((*it)["account"][field], want) << it->dump();
  };
  check("google_ads", "email", "ada@example.com");
  check("ga4", "email", "ada@example.com");
  check("meta_ads", "user_id", "10150000000000001");
  check("facebook", "user_id", "10150000000000001");
  check("hubspot", "hub_id", 21000001);
  check("mailchimp", "dc", "us19");
  if (json* b = find_id(list, "brevo")) { EXPECT_EQ((*b)["status"], "not_connected"); }
  if (json* g = find_id(list, "google_ads")) { EXPECT_EQ((*g)["linked_accounts"], 0); }
  if (json* g = find_id(list, "ga4")) { EXPECT_EQ((*g)["vanished_accounts"], 0); }
}

// ---------------------------------------------------------------------------
// OAuthAccess: who may do what, over every connection route.

enum class Kind {
  kRead,      // any member: 200
  kWrite,     // owner/admin: 200 (302 for a redirect); member 403
  kDestroy,   // a write that disconnects (run last)
  kState,     // exchange-token: bound to a state, not to a role (no state: 400)
  kCallback,  // no session at all
  kGlobal,    // any signed-in user, no workspace
  kUser,      // the user's own settings
};

struct Case {
  std::string method, path;  // path without tenant_id
  json body = json::object();
  Kind kind = Kind::kRead;
  int ok = 200;
};

bool is_connection_route(const std::string& p) {
  for (const char* prefix : {"/api/oauth/google", "/api/oauth/meta", "/meta-oauth", "/api/oauth/hubspot", "/api/oauth/mailchimp",
                             "/api/google/", "/api/ga4/", "/api/session/select-mcc", "/api/platform/", "/api/accounts/",
                             "/api/account/platform-preferences", "/api/onboarding/available-platforms"}) {
    if (p.rfind(prefix, 0) == 0) return true;
  }
  return p.find("/integrations") != std::string::npos;
}

// The router's connection routes, as (method, pattern with "{}" for each capture).
std::vector<std::pair<std::string, std::string>> connection_routes(const Server& s) {
  Reply r = s.request("GET", "/api/internal/routes", nullptr, "", {{"X-API-Key", kInternalKey}});
  EXPECT_EQ(r.status, 200) << r.text;
  std::vector<std::pair<std::string, std::string>> out;
  static const std::regex capture(R"(\([^()]*\))");
  for (json& x : r.body["routes"]) {
    const std::string pattern = std::regex_replace(x.value("pattern", ""), capture, "{}");
    if (is_connection_route(pattern)) out.emplace_back(x.value("method", ""), pattern);
  }
  return out;
}

const std::vector<std::string> kPlatformIds = {"google_ads", "ga4", "meta_ads", "facebook", "hubspot", "mailchimp"};

// Concrete requests for one route (several for /api/platform/{}), or none when unknown.
std::vector<Case> cases_for(const std::string& method, const std::string& pattern, const std::string& tid) {
  auto one = [&](Kind k, json body = json::object(), int ok = 200) {
    return std::vector<Case>{{method, pattern, std::move(body), k, ok}};
  };
  auto ends = [&](const std::string& suffix) {
    return pattern.size() >= suffix.size() && pattern.compare(pattern.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (pattern.find("/api/platform/{}/") == 0) {
    std::vector<Case> out;
    const Kind k = ends("/status") ? Kind::kRead : ends("/refresh") ? Kind::kWrite : Kind::kDestroy;
    if (!ends("/status") && !ends("/refresh") && !ends("/disconnect")) return {};
    for (const std::string& p : kPlatformIds) {
      std::string path = pattern;
      path.replace(path.find("{}"), 2, p);
      out.push_back({method, path, json::object(), k, 200});
    }
    return out;
  }
  if (pattern == "/api/tenants/{}/integrations") return {{method, "/api/tenants/" + tid + "/integrations", json::object(), Kind::kRead}};
  if (pattern == "/api/oauth/mailchimp/accounts/{}")
    return {{method, "/api/oauth/mailchimp/accounts/" + kMailchimpA, json::object(), Kind::kRead}};
  if (pattern.find("{}") != std::string::npos) return {};
  if (pattern == "/api/onboarding/available-platforms") return one(Kind::kGlobal);
  if (pattern == "/api/account/platform-preferences")
    return one(Kind::kUser, method == "PUT" ? json{{"preferences", {{"google_ads", {{"sync_frequency", "daily"}}}}}} : json::object());
  if (ends("/callback")) return one(Kind::kCallback);
  if (ends("/exchange-token")) return one(Kind::kState, {{"state", "not-a-state"}, {"code", "not-a-code"}});
  if (ends("/auth-url")) return one(Kind::kWrite);
  if (pattern == "/api/oauth/google/login") return one(Kind::kWrite, json::object(), 302);
  if (ends("/logout") || ends("/disconnect")) return one(Kind::kDestroy);
  if (method == "GET") return one(Kind::kRead);  // status, user-info, accounts, ad-accounts, pages, …
  if (ends("/complete")) return one(Kind::kRead);  // without a code: where things stand
  if (pattern == "/api/session/select-mcc") return one(Kind::kWrite, {{"mcc_id", kAgencyMcc}});
  if (pattern == "/api/google/accounts/link") return one(Kind::kWrite, {{"customer_ids", {kShopA}}});
  if (pattern == "/api/ga4/refresh") return one(Kind::kWrite);
  if (ends("/accounts/link")) return one(Kind::kWrite, {{"account_ids", {"act_1234567890"}}});
  if (ends("/organic/link-page")) return one(Kind::kWrite, {{"page_id", "100000000000001"}});
  if (ends("/link-portal") || ends("/select-account")) return one(Kind::kWrite, {{"hub_id", "21000001"}});
  if (ends("/set-primary")) return one(Kind::kWrite, {{"mailchimp_id", kMailchimpA}});
  if (pattern == "/api/accounts/select") return one(Kind::kWrite, {{"platform", "google_ads"}, {"account_id", kShopA}});
  if (pattern == "/api/accounts/link-platform") return one(Kind::kWrite, {{"platform", "meta_ads"}, {"account_ids", {"act_2345678901"}}});
  if (pattern == "/api/accounts/link-google") return one(Kind::kWrite, {{"customer_ids", {kShopB}}});
  if (pattern == "/api/accounts/sync") return one(Kind::kWrite);
  return {};
}

// `c` addressed to workspace `tid` (query for GET/DELETE, body otherwise).
Reply send_case(const Server& s, const Case& c, const std::string& tid, const std::string& session) {
  json body = c.body;
  std::string path = c.path;
  const bool scoped = c.kind != Kind::kGlobal && c.kind != Kind::kUser && c.kind != Kind::kCallback && !tid.empty() &&
                      path.find("/integrations") == std::string::npos;
  if (c.method == "GET" || c.method == "DELETE") {
    if (scoped) path += (path.find('?') == std::string::npos ? "?" : "&") + std::string("tenant_id=") + tid;
    return s.request(c.method, path, nullptr, session);
  }
  if (scoped) body["tenant_id"] = tid;
  return s.request(c.method, path, &body, session);
}

std::string label(const Case& c) { return c.method + " " + c.path; }

// A workspace with every provider connected by its owner, an admin, a
// member and an outsider (with a workspace of their own).
struct Team {
  std::string owner, admin, member, outsider, tid, other_tid;
};

Team team(const Server& s, const std::string& tag) {
  Team t;
  t.owner = s.account(tag + "-owner@example.com");
  t.tid = workspace(s, t.owner, tag + " Co");
  t.admin = join(s, t.owner, t.tid, tag + "-admin@example.com", "admin");
  t.member = join(s, t.owner, t.tid, tag + "-member@example.com", "member");
  t.outsider = s.account(tag + "-outsider@example.com");
  t.other_tid = workspace(s, t.outsider, tag + " Elsewhere");
  return t;
}

TEST(OAuthAccess, EveryConnectionRouteHonoursRolesAndSessions) {
  FakeUpstreams fake;
  Server server(server_env(fake));
  const Team t = team(server, "acl");
  for (const char* p : {"google", "meta", "hubspot", "mailchimp"}) ASSERT_EQ(connected(server, std::string("/api/oauth/") + p, t.owner, t.tid).status, 200);

  std::vector<Case> cases;
  std::set<std::string> patterns;
  for (const auto& [method, pattern] : connection_routes(server)) {
    patterns.insert(method + " " + pattern);
    std::vector<Case> cs = cases_for(method, pattern, t.tid);
    if (cs.empty()) ADD_FAILURE() << "a connection route this test does not know: " << method << " " << pattern;
    cases.insert(cases.end(), cs.begin(), cs.end());
  }
  // The table is the router's: the routes the brief names are all there.
  for (const char* must : {"GET /api/oauth/google/auth-url", "GET /api/oauth/google/callback", "POST /api/session/select-mcc",
                           "GET /api/google/accounts/discovered", "POST /api/ga4/refresh", "GET /meta-oauth/accounts/available",
                           "POST /api/oauth/hubspot/select-account", "DELETE /api/oauth/hubspot/disconnect",
                           "POST /api/oauth/mailchimp/set-primary", "GET /api/oauth/mailchimp/accounts/{}",
                           "POST /api/platform/{}/refresh", "POST /api/accounts/sync", "GET /api/accounts/sync-status",
                           "PUT /api/account/platform-preferences", "GET /api/tenants/{}/integrations"})
    EXPECT_EQ(patterns.count(must), 1u) << must;
  ASSERT_GT(cases.size(), 40u);

  // No session: 401 everywhere but the callbacks (a page saying the state is unknown).
  for (const Case& c : cases) {
    Reply r = send_case(server, c, t.tid, "");
    if (c.kind == Kind::kCallback) {
      EXPECT_EQ(r.status, 400) << label(c) << " " << r.text;
      EXPECT_NE(r.status, 401) << label(c);
    } else {
      EXPECT_EQ(r.status, 401) << label(c) << " " << r.text;
    }
  }
  // An outsider: the workspace does not exist for them.
  for (const Case& c : cases) {
    if (c.kind == Kind::kCallback) continue;
    Reply r = send_case(server, c, t.tid, t.outsider);
    if (c.kind == Kind::kGlobal || c.kind == Kind::kUser) {
      EXPECT_EQ(r.status, 200) << label(c) << " " << r.text;
    } else if (c.kind == Kind::kState) {
      EXPECT_EQ(r.status, 400) << label(c) << " " << r.text;
    } else {
      EXPECT_EQ(r.status, 404) << label(c) << " " << r.text;
      EXPECT_EQ(code_of(r), "not_found") << label(c) << " " << r.text;
    }
  }
  // A member reads and changes nothing.
  for (const Case& c : cases) {
    if (c.kind == Kind::kCallback) continue;
    Reply r = send_case(server, c, t.tid, t.member);
    if (c.kind == Kind::kWrite || c.kind == Kind::kDestroy) {
      EXPECT_EQ(r.status, 403) << label(c) << " " << r.text;
      EXPECT_EQ(code_of(r), "forbidden") << label(c);
    } else if (c.kind == Kind::kState) {
      EXPECT_EQ(r.status, 400) << label(c) << " " << r.text;
    } else {
      EXPECT_EQ(r.status, 200) << label(c) << " " << r.text;
    }
  }
  Reply still = server.get("/api/tenants/" + t.tid + "/integrations", t.member);
  for (const char* p : {"google_ads", "meta_ads", "hubspot", "mailchimp"}) {
    json* it = find_id(still.body["integrations"], p);
    ASSERT_NE(it, nullptr) << p;
    EXPECT_EQ((*it)["connected"], true) << p << " after the member's attempts";
    EXPECT_EQ((*it)["linked_accounts"].is_null() ? 0 : (*it)["linked_accounts"].get<int>(), 0) << p;
  }
  // Admin and owner: reads, then writes, then the disconnects.
  for (const Kind phase : {Kind::kRead, Kind::kWrite, Kind::kDestroy}) {
    for (const std::string* who : {&t.admin, &t.owner}) {
      for (const Case& c : cases) {
        if (c.kind != phase) continue;
        Reply r = send_case(server, c, t.tid, *who);
        EXPECT_EQ(r.status, c.ok) << (who == &t.admin ? "admin " : "owner ") << label(c) << " " << r.text;
      }
    }
    if (phase == Kind::kWrite) {
      // The writes took: the links the table asked for are there.
      Reply g = server.get("/api/google/accounts/discovered?tenant_id=" + t.tid, t.member);
      for (json& a : g.body["accounts"]) EXPECT_EQ(a["linked"], a["id"] == kShopA || a["id"] == kShopB) << a.dump();
      Reply sel = server.get("/api/oauth/google/ad-accounts?tenant_id=" + t.tid, t.member);
      EXPECT_EQ(sel.body["selected_mcc"], kAgencyMcc);
    }
  }
  Reply after = server.get("/api/tenants/" + t.tid + "/integrations", t.member);
  for (json& it : after.body["integrations"]) EXPECT_EQ(it["connected"], false) << it.dump();
  // An admin connects too, start to finish.
  EXPECT_EQ(connected(server, "/api/oauth/google", t.admin, t.tid).body["owner"]["id"], t.tid);
  EXPECT_EQ(server.get("/api/platform/google_ads/status?tenant_id=" + t.tid, t.member).body["connected"], true);
}

TEST(OAuthAccess, NoRouteShowsAnotherWorkspacesConnection) {
  FakeUpstreams fake;
  Server server(server_env(fake));
  const std::string owner = server.account("leak-owner@example.com");
  const std::string a = workspace(server, owner, "A Co");
  const std::string b = workspace(server, owner, "B Co");
  const std::string stranger = server.account("leak-stranger@example.com");
  (void)workspace(server, stranger, "Stranger Co");
  std::vector<std::string> secrets_of_a = {kAgencyMcc, kSecondMcc, kShopA, kShopB, kShopC, kOldShop, kDirect, "250000001",
                                           "110000000000000000001", "ada@example.com", "act_1234567890", "100000000000001",
                                           "10150000000000001", "21000001", "shop-a.hubspot.com", kMailchimpA};
  for (const char* p : {"google", "meta", "hubspot", "mailchimp"}) {
    Reply r = connected(server, std::string("/api/oauth/") + p, owner, a);
    ASSERT_EQ(r.status, 200) << r.text;
    secrets_of_a.push_back(r.body.value("connection_id", "?"));
  }
  ASSERT_EQ(server.post("/api/google/accounts/link", {{"tenant_id", a}, {"customer_ids", {kShopA}}}, owner).status, 200);
  std::vector<Case> reads;
  for (const auto& [method, pattern] : connection_routes(server)) {
    for (const Case& c : cases_for(method, pattern, b)) {
      if (c.kind == Kind::kRead || c.kind == Kind::kGlobal) reads.push_back(c);
    }
  }
  ASSERT_GT(reads.size(), 20u);
  for (const Case& c : reads) {
    for (const auto& [who, tid] : {std::pair{owner, b}, std::pair{stranger, std::string()}}) {
      Reply r = send_case(server, c, tid, who);
      EXPECT_TRUE(r.status == 200 || r.status == 404) << label(c) << " " << r.status << " " << r.text;
      for (const std::string& s : secrets_of_a) {
        if (c.path.find(s) != std::string::npos) continue;  // asked for by id: an echo, not a leak
        EXPECT_EQ(r.text.find(s), std::string::npos) << label(c) << " shows " << s << ": " << r.text;
      }
    }
  }
  // Workspace A's reads still show them (the checks above can fail).
  EXPECT_NE(server.get("/api/accounts/available?tenant_id=" + a, owner).text.find(kShopA), std::string::npos);
}

// ---------------------------------------------------------------------------
// OAuthScenarios: the fakes' scenarios through the server.

struct Connected1 {
  std::unique_ptr<FakeUpstreams> fake;
  std::unique_ptr<Server> server;
  std::string owner, tid;
};

// A server with `providers` connected in a fresh workspace.
Connected1 setup(const std::string& tag, const std::vector<std::string>& providers, const std::vector<std::string>& scenarios = {},
                 const std::vector<std::string>& extra_env = {}) {
  Connected1 out;
  out.fake = std::make_unique<FakeUpstreams>(fake_args(scenarios));
  out.server = std::make_unique<Server>(server_env(*out.fake, extra_env));
  out.owner = out.server->account(tag + "@example.com");
  out.tid = workspace(*out.server, out.owner, tag + " Co");
  for (const std::string& p : providers) EXPECT_EQ(connected(*out.server, "/api/oauth/" + p, out.owner, out.tid).status, 200) << p;
  return out;
}

TEST(OAuthScenarios, AnAdsTokenRefusedOnceIsRefreshedOnceThenTheCallSucceeds) {
  Connected1 e = setup("expired-once", {"google"});
  e.fake->reset_log();
  e.fake->scenario("google_ads_expired_once");
  Reply r = e.server->get("/api/oauth/google/ad-accounts?refresh=true&tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["total"], 7) << r.text;
  EXPECT_EQ(r.body["discovery"]["failures"].size(), 0u) << r.text;
  EXPECT_EQ(google_refreshes(e.fake->requests()), 1);
  EXPECT_EQ(e.server->get("/api/platform/google_ads/status?tenant_id=" + e.tid, e.owner).body["status"], "active");
}

TEST(OAuthScenarios, AShortLivedTokenIsRefreshedBeforeItIsUsed) {
  Connected1 e = setup("short", {"google"}, {"google_short_tokens"});
  e.fake->reset_log();
  Reply r = e.server->get("/api/oauth/google/user-info?tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["user"]["email"], "ada@example.com");
  EXPECT_EQ(r.body["user"]["id"], "110000000000000000001");
  json log = e.fake->requests();
  // First the refresh, then one userinfo call (never a refused one first).
  ASSERT_GE(log.size(), 2u) << log.dump();
  EXPECT_EQ(log[0]["path"], "/token");
  EXPECT_NE(log[0].value("body", "").find("grant_type=refresh_token"), std::string::npos);
  EXPECT_EQ(google_refreshes(log), 1);
  EXPECT_EQ(count(log, "GET", "^/v1/userinfo$"), 1);
}

TEST(OAuthScenarios, InvalidGrantMarksTheConnectionAndStopsAskingTheTokenEndpoint) {
  Connected1 e = setup("invalid-grant", {"google"});
  e.fake->scenario("google_invalid_grant");
  e.fake->advance_clock(3700);  // the access token has expired at Google
  Reply r = e.server->get("/api/oauth/google/user-info?tenant_id=" + e.tid, e.owner);
  EXPECT_EQ(r.status, 409) << r.text;
  EXPECT_EQ(code_of(r), "reconnect_required");
  Reply st = e.server->get("/api/platform/google_ads/status?tenant_id=" + e.tid, e.owner);
  EXPECT_EQ(st.body["status"], "reconnect_required") << st.text;
  EXPECT_FALSE(st.body.value("status_note", "").empty()) << st.text;
  EXPECT_EQ(e.server->get("/api/oauth/google/status?tenant_id=" + e.tid, e.owner).body["status"], "reconnect_required");
  Reply sync = e.server->get("/api/accounts/sync-status?tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(sync.body["connections"].size(), 1u) << sync.text;
  EXPECT_EQ(sync.body["connections"][0]["status"], "reconnect_required");
  // Later calls answer at once, without hammering Google.
  e.fake->reset_log();
  for (int i = 0; i < 3; ++i) {
    Reply again = e.server->get("/api/oauth/google/user-info?tenant_id=" + e.tid, e.owner);
    EXPECT_EQ(again.status, 409) << again.text;
    EXPECT_EQ(code_of(again), "reconnect_required");
  }
  EXPECT_EQ(e.server->get("/api/oauth/google/ad-accounts?refresh=true&tenant_id=" + e.tid, e.owner).status, 409);
  EXPECT_EQ(e.server->post("/api/ga4/refresh", {{"tenant_id", e.tid}}, e.owner).status, 409);
  EXPECT_EQ(count(e.fake->requests(), "POST", "^/token$"), 0) << e.fake->requests().dump();
  // Connecting again puts it right.
  e.fake->scenario("google_invalid_grant", false);
  ASSERT_EQ(connected(*e.server, "/api/oauth/google", e.owner, e.tid).status, 200);
  EXPECT_EQ(e.server->get("/api/platform/google_ads/status?tenant_id=" + e.tid, e.owner).body["status"], "active");
  EXPECT_EQ(e.server->get("/api/oauth/google/user-info?tenant_id=" + e.tid, e.owner).status, 200);
}

TEST(OAuthScenarios, ARotatedHubSpotRefreshTokenIsTheOneSentNext) {
  Connected1 e = setup("rotate", {"hubspot"}, {"hubspot_rotate"});
  e.fake->reset_log();
  for (int i = 0; i < 3; ++i) {
    Reply r = e.server->post("/api/platform/hubspot/refresh", {{"tenant_id", e.tid}}, e.owner);
    ASSERT_EQ(r.status, 200) << r.text;
    EXPECT_EQ(r.body["refreshed"], true) << r.text;
  }
  const std::vector<std::string> sent = form_values(e.fake->requests(), "^/oauth/[^/]+/token$", "refresh_token");
  ASSERT_EQ(sent.size(), 3u) << e.fake->requests().dump();
  EXPECT_NE(sent[0], sent[1]) << "the rotated token was not used";
  EXPECT_NE(sent[1], sent[2]) << "the rotated token was not used";
  EXPECT_NE(sent[0], sent[2]);
  for (const std::string& s : sent) EXPECT_EQ(s.rfind("na1-", 0), 0u) << s;
  EXPECT_EQ(e.server->get("/api/oauth/hubspot/user-info?tenant_id=" + e.tid, e.owner).status, 200);
}

TEST(OAuthScenarios, ConcurrentCallersWithAnExpiredTokenShareOneRefresh) {
  Connected1 e = setup("single-flight", {"google"});
  e.fake->advance_clock(3700);
  e.fake->reset_log();
  constexpr int kThreads = 8;
  std::latch go(kThreads);
  std::vector<int> status(kThreads, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      status[i] = e.server->get("/api/oauth/google/user-info?tenant_id=" + e.tid, e.owner).status;
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(status[i], 200) << i;
  EXPECT_EQ(google_refreshes(e.fake->requests()), 1) << e.fake->requests().dump();
}

TEST(OAuthScenarios, VanishedAccountsAreMarkedBySyncAndTheOthersKept) {
  Connected1 e = setup("vanished", {"google", "meta"});
  e.fake->scenario("google_vanished");
  e.fake->scenario("meta_vanished");
  Reply sync = e.server->post("/api/accounts/sync", {{"tenant_id", e.tid}}, e.owner);
  ASSERT_EQ(sync.status, 200) << sync.text;
  EXPECT_EQ(sync.body["vanished"], 2) << sync.text;
  for (json& c : sync.body["connections"]) EXPECT_EQ(c["status"], "active") << c.dump();
  Reply st = e.server->get("/api/accounts/sync-status?tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(st.status, 200) << st.text;
  std::set<std::string> gone;
  for (json& c : st.body["connections"])
    for (const std::string& id : ids_in(c["vanished_accounts"])) gone.insert(c.value("platform", "") + ":" + id);
  EXPECT_EQ(gone, (std::set<std::string>{"google:" + kShopB, "meta:act_2345678901"})) << st.text;
  Reply g = e.server->get("/api/google/accounts/discovered?tenant_id=" + e.tid, e.owner);
  EXPECT_EQ(ids_in(g.body["accounts"]).size(), 7u) << g.text;
  for (json& a : g.body["accounts"]) EXPECT_EQ(a["state"] == "vanished", a["id"] == kShopB) << a.dump();
  Reply m = e.server->get("/api/oauth/meta/accounts/available?tenant_id=" + e.tid, e.owner);
  EXPECT_EQ(ids_in(m.body["accounts"]).size(), 5u) << m.text;
  for (json& a : m.body["accounts"]) EXPECT_EQ(a["state"] == "vanished", a["id"] == "act_2345678901") << a.dump();
  EXPECT_EQ(e.server->get("/api/platform/google_ads/status?tenant_id=" + e.tid, e.owner).body["vanished_accounts"], 1);
}

TEST(OAuthScenarios, ARateLimitOrAnOutageOnceIsRetried) {
  Connected1 e = setup("retry", {"google", "meta", "hubspot", "mailchimp"});
  for (const char* s : {"google_ads_5xx_once", "google_ads_429_once"}) {
    e.fake->scenario(s);
    Reply r = e.server->get("/api/oauth/google/ad-accounts?refresh=true&tenant_id=" + e.tid, e.owner);
    EXPECT_EQ(r.status, 200) << s << " " << r.text;
    EXPECT_EQ(r.body["total"], 7) << s;
    EXPECT_EQ(r.body["discovery"]["failures"].size(), 0u) << s << " " << r.text;
    e.fake->scenario(s, false);
  }
  e.fake->scenario("meta_5xx_once");
  Reply meta = e.server->get("/api/oauth/meta/user-info?tenant_id=" + e.tid, e.owner);
  EXPECT_EQ(meta.status, 200) << meta.text;
  EXPECT_EQ(meta.body["user"]["id"], "10150000000000001");
  for (const char* s : {"hubspot_429_once", "hubspot_5xx_once"}) {
    e.fake->scenario(s);
    Reply r = e.server->post("/api/platform/hubspot/refresh", {{"tenant_id", e.tid}}, e.owner);
    EXPECT_EQ(r.status, 200) << s << " " << r.text;
    EXPECT_EQ(r.body["discovery"]["failures"].size(), 0u) << s << " " << r.text;
    e.fake->scenario(s, false);
  }
  e.fake->scenario("mailchimp_5xx_once");
  e.fake->reset_log();
  Reply mc = e.server->post("/api/platform/mailchimp/refresh", {{"tenant_id", e.tid}}, e.owner);
  EXPECT_EQ(mc.status, 200) << mc.text;
  EXPECT_EQ(mc.body["discovery"]["failures"].size(), 0u) << mc.text;
  EXPECT_EQ(count(e.fake->requests(), "GET", "^/3\\.0/?$"), 2);  // the failed one and the retry
}

TEST(OAuthScenarios, AMalformedAnswerIs502UpstreamMalformed) {
  Connected1 e = setup("malformed", {"google", "meta", "mailchimp"});
  e.fake->scenario("meta_malformed");
  Reply meta = e.server->get("/api/oauth/meta/user-info?tenant_id=" + e.tid, e.owner);
  EXPECT_EQ(meta.status, 502) << meta.text;
  EXPECT_EQ(code_of(meta), "upstream_malformed");
  e.fake->scenario("mailchimp_malformed");
  Reply mc = e.server->get("/api/oauth/mailchimp/user-info?tenant_id=" + e.tid, e.owner);
  EXPECT_EQ(mc.status, 502) << mc.text;
  EXPECT_EQ(code_of(mc), "upstream_malformed");
  // Google Ads bodies cut: the refresh says it failed and keeps what it knew.
  e.fake->scenario("google_ads_malformed");
  Reply g = e.server->get("/api/oauth/google/ad-accounts?refresh=true&tenant_id=" + e.tid, e.owner);
  if (g.status == 200) {
    EXPECT_GE(g.body["discovery"]["failures"].size(), 1u) << g.text;
    EXPECT_EQ(g.body["total"], 7) << g.text;
  } else {
    EXPECT_EQ(g.status, 502) << g.text;
    EXPECT_EQ(code_of(g), "upstream_malformed");
  }
  // None of it is mistaken for a dead connection.
  for (const char* p : {"google_ads", "meta_ads", "mailchimp"})
    EXPECT_EQ(e.server->get(std::string("/api/platform/") + p + "/status?tenant_id=" + e.tid, e.owner).body["status"], "active") << p;
}

TEST(OAuthScenarios, AForbiddenCustomerIsReportedAndTheOthersListed) {
  Connected1 e = setup("forbidden", {}, {"google_customer_forbidden"});
  Reply done = connected(*e.server, "/api/oauth/google", e.owner, e.tid);
  ASSERT_EQ(done.status, 200) << done.text;
  bool reported = false;
  for (json& f : done.body["discovery"]["failures"]) reported |= f.value("account", "") == kDirect;
  EXPECT_TRUE(reported) << done.text;
  Reply ads = e.server->get("/api/oauth/google/ad-accounts?refresh=true&tenant_id=" + e.tid, e.owner);
  ASSERT_EQ(ads.status, 200) << ads.text;
  reported = false;
  for (json& f : ads.body["discovery"]["failures"]) {
    if (f.value("account", "") != kDirect) continue;
    reported = true;
    EXPECT_EQ(f.value("code", ""), "CUSTOMER_NOT_ENABLED") << f.dump();
  }
  EXPECT_TRUE(reported) << ads.text;
  EXPECT_EQ(ids_in(ads.body["mcc_accounts"]), (std::vector<std::string>{kAgencyMcc, kSecondMcc}));
  const std::vector<std::string> regular = ids_in(ads.body["regular_accounts"]);
  for (const std::string& id : {kShopA, kShopB, kShopC, kOldShop})
    EXPECT_NE(std::find(regular.begin(), regular.end(), id), regular.end()) << id << " " << ads.text;
  EXPECT_EQ(e.server->get("/api/platform/google_ads/status?tenant_id=" + e.tid, e.owner).body["status"], "active");
}

TEST(OAuthScenarios, AProviderWithoutSettingsIsNamedNotConfigured) {
  FakeUpstreams fake;
  std::vector<std::string> env = fake.env();
  for (const std::string& s : kClientSettings)
    if (s.rfind("GLINT_HUBSPOT_", 0) != 0) env.push_back(s);
  Server server(env);
  const std::string s = server.account("unconfigured@example.com");
  const std::string tid = workspace(server, s, "Bare Co");
  Reply cat = server.get("/api/onboarding/available-platforms", s);
  ASSERT_EQ(cat.status, 200) << cat.text;
  json* hub = find_id(cat.body["platforms"], "hubspot");
  ASSERT_NE(hub, nullptr) << cat.text;
  EXPECT_EQ((*hub)["configured"], false);
  EXPECT_EQ((*hub)["available"], false);
  EXPECT_EQ((*hub)["missing_settings"], json::array({"GLINT_HUBSPOT_CLIENT_ID", "GLINT_HUBSPOT_CLIENT_SECRET"}));
  for (const char* p : {"google_ads", "ga4", "meta_ads", "facebook", "mailchimp"}) {
    json* it = find_id(cat.body["platforms"], p);
    ASSERT_NE(it, nullptr) << p;
    EXPECT_EQ((*it)["configured"], true) << p;
    EXPECT_EQ((*it)["missing_settings"], json::array()) << p;
  }
  Reply url = server.get("/api/oauth/hubspot/auth-url?tenant_id=" + tid, s);
  EXPECT_EQ(url.status, 503) << url.text;
  EXPECT_EQ(code_of(url), "provider_not_configured");
  EXPECT_NE(url.text.find("GLINT_HUBSPOT_CLIENT_ID"), std::string::npos) << url.text;
  EXPECT_NE(url.text.find("GLINT_HUBSPOT_CLIENT_SECRET"), std::string::npos) << url.text;
  EXPECT_EQ(server.post("/api/oauth/hubspot/auth-url", {{"tenant_id", tid}}, s).status, 503);
  Reply st = server.get("/api/platform/hubspot/status?tenant_id=" + tid, s);
  EXPECT_EQ(st.body["configured"], false) << st.text;
  EXPECT_EQ(fake.requests().size(), 0u) << "nothing was sent to a provider";
  // The configured ones still start.
  EXPECT_EQ(server.get("/api/oauth/mailchimp/auth-url?tenant_id=" + tid, s).status, 200);
}

TEST(OAuthScenarios, DisconnectRevokesUpstreamThenSaysNotConnected) {
  Connected1 e = setup("revoke", {"google", "meta", "hubspot", "mailchimp"});
  struct Step {
    std::string method, path, platform, revoke_method, revoke_path;
  };
  const std::vector<Step> steps = {
      {"POST", "/api/oauth/google/logout", "google_ads", "POST", "^/revoke$"},
      {"POST", "/api/platform/meta_ads/disconnect", "meta_ads", "DELETE", "^/v[0-9]+\\.0/me/permissions$"},
      {"DELETE", "/api/oauth/hubspot/disconnect", "hubspot", "POST", "^/oauth/[^/]+/token/revoke$"},
      {"POST", "/api/oauth/mailchimp/disconnect", "mailchimp", "", ""},
  };
  for (const Step& s : steps) {
    e.fake->reset_log();
    json body = {{"tenant_id", e.tid}};
    Reply r = s.method == "DELETE" ? e.server->del(s.path + "?tenant_id=" + e.tid, e.owner) : e.server->post(s.path, body, e.owner);
    ASSERT_EQ(r.status, 200) << s.path << " " << r.text;
    EXPECT_EQ(r.body["disconnected"], true) << s.path;
    ASSERT_EQ(r.body["connections"].size(), 1u) << s.path << " " << r.text;
    json log = e.fake->requests();
    if (s.revoke_method.empty()) {
      EXPECT_EQ(r.body["connections"][0]["revoked"], "not_supported") << r.text;
      EXPECT_EQ(log.size(), 0u) << log.dump();
    } else {
      EXPECT_EQ(r.body["connections"][0]["revoked"], "revoked") << s.path << " " << r.text;
      EXPECT_EQ(count(log, s.revoke_method, s.revoke_path), 1) << s.path << " " << log.dump();
    }
    Reply st = e.server->get("/api/platform/" + s.platform + "/status?tenant_id=" + e.tid, e.owner);
    EXPECT_EQ(st.body["status"], "not_connected") << st.text;
    EXPECT_EQ(st.body["connected"], false);
  }
  // Nothing of them is left to list.
  Reply all = e.server->get("/api/accounts/available?tenant_id=" + e.tid, e.owner);
  EXPECT_EQ(all.body["total"], 0) << all.text;
}

TEST(OAuthScenarios, PlatformPreferencesRoundTripAndBadValuesAreNamed) {
  FakeUpstreams fake;
  Server server(server_env(fake));
  const std::string s = server.account("prefs@example.com");
  Reply empty = server.get("/api/account/platform-preferences", s);
  ASSERT_EQ(empty.status, 200) << empty.text;
  EXPECT_EQ(empty.body["preferences"], json::object());
  const json prefs = {{"google_ads", {{"enabled", true}, {"sync_frequency", "daily"}, {"default_account_id", kShopA}}},
                      {"hubspot", {{"auto_sync", false}, {"sync_frequency", "weekly"}}},
                      {"meta_ads", {{"currency", "EUR"}, {"attribution_window", "7d_click"}, {"notify", true}}}};
  Reply put = server.put("/api/account/platform-preferences", {{"preferences", prefs}}, s);
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body["preferences"], prefs);
  EXPECT_EQ(server.get("/api/account/platform-preferences", s).body["preferences"], prefs);

  Reply platform = server.put("/api/account/platform-preferences", {{"preferences", {{"tiktok", {{"enabled", true}}}}}}, s);
  EXPECT_GE(platform.status, 400) << platform.text;
  EXPECT_LT(platform.status, 500);
  EXPECT_NE(platform.text.find("tiktok"), std::string::npos) << platform.text;
  Reply often = server.put("/api/account/platform-preferences", {{"preferences", {{"google_ads", {{"sync_frequency", "often"}}}}}}, s);
  EXPECT_EQ(often.status, 422) << often.text;
  EXPECT_EQ(code_of(often), "invalid_parameter");
  EXPECT_NE(often.text.find("sync_frequency"), std::string::npos) << often.text;
  Reply field = server.put("/api/account/platform-preferences", {{"preferences", {{"ga4", {{"colour", "blue"}}}}}}, s);
  EXPECT_EQ(field.status, 422) << field.text;
  EXPECT_NE(field.text.find("colour"), std::string::npos) << field.text;
  Reply flag = server.put("/api/account/platform-preferences", {{"preferences", {{"ga4", {{"enabled", "yes"}}}}}}, s);
  EXPECT_EQ(flag.status, 422) << flag.text;
  EXPECT_NE(flag.text.find("enabled"), std::string::npos) << flag.text;
  // Nothing refused was kept; another user has their own.
  EXPECT_EQ(server.get("/api/account/platform-preferences", s).body["preferences"], prefs);
  const std::string other = server.account("prefs-other@example.com");
  EXPECT_EQ(server.get("/api/account/platform-preferences", other).body["preferences"], json::object());
}

}  // namespace
}  // namespace glint::testing
