// connectors/meta against the fake Meta (tests/fakes/meta.cc): the login
// flow end to end, every scenario, and what went over the wire (read back
// from the fake's request log): Bearer only, appsecret_proof, cursors.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "connectors/fake_process.h"
#include "meta/meta.h"

namespace glint::connectors::meta {
namespace {

using glint::testing::FakeUpstreams;
using nlohmann::json;
using Kind = UpstreamError::Kind;

const char* kAppId = "1000000000000001";
const char* kAppSecret = "fake-meta-secret";
const char* kRedirect = "https://glint.example/api/connections/meta/callback";

Config config(const std::string& version = "v25.0") { return Config{kAppId, kAppSecret, version}; }

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::multimap<std::string, std::string> pairs(const std::string& text) {
  std::multimap<std::string, std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t amp = text.find('&', i);
    if (amp == std::string::npos) amp = text.size();
    const std::string part = text.substr(i, amp - i);
    const size_t eq = part.find('=');
    if (!part.empty())
      out.emplace(unescape(part.substr(0, eq)),
                  eq == std::string::npos ? "" : unescape(part.substr(eq + 1)));
    i = amp + 1;
  }
  return out;
}

std::string one(const std::multimap<std::string, std::string>& p, const std::string& key) {
  auto it = p.find(key);
  return it == p.end() ? "" : it->second;
}

// Written here from RFC 2104's definition through OpenSSL, not through the connector.
std::string proof_for(const std::string& token) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), kAppSecret, 16, reinterpret_cast<const unsigned char*>(token.data()),
       token.size(), mac, &n);
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", mac[i]);
    hex += b;
  }
  return hex;
}

HttpResponse raw(const std::string& method, const std::string& url,
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.headers = std::move(headers);
  req.max_attempts = 1;
  Result<HttpResponse> r = send(req);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : HttpResponse{};
}

// The fake's controls, through libcurl: FakeUpstreams' own helpers use
// cpp-httplib, which this test target does not link.
void control(FakeUpstreams& fake, const std::string& path) {
  const HttpResponse r = raw("POST", fake.url() + path);
  ASSERT_EQ(r.status, 200) << path;
}
void set_scenario(FakeUpstreams& fake, const std::string& name) {
  control(fake, "/_fake/scenario?set=" + name);
}
void advance_clock(FakeUpstreams& fake, int seconds) {
  control(fake, "/_fake/clock?advance=" + std::to_string(seconds));
}
json request_log(FakeUpstreams& fake) {
  return json::parse(raw("GET", fake.url() + "/_fake/requests").body, nullptr, false);
}

// Opens the dialog as a browser would (without following the redirect).
std::string dialog_location(const Config& cfg, const std::string& state) {
  const HttpResponse r = raw(
      "GET",
      dialog_url(cfg, kRedirect, {"ads_read", "business_management", "pages_show_list"}, state));
  EXPECT_EQ(r.status, 302) << r.body;
  return r.header("location");
}

std::string code_from(const std::string& location) {
  std::string query = location.substr(location.find('?') + 1);
  query = query.substr(0, query.find('#'));
  return one(pairs(query), "code");
}

std::string fresh_code(const Config& cfg) { return code_from(dialog_location(cfg, "s-1")); }

// A long-lived user token, the way glint gets one.
std::string long_token(const Config& cfg) {
  Upstream<oauth::Tokens> s = exchange_code(cfg, fresh_code(cfg), kRedirect);
  EXPECT_TRUE(s.ok()) << (s.error ? s.error->message : "");
  if (!s.ok()) return "";
  Upstream<oauth::Tokens> l = exchange_long_lived(cfg, s.value->access_token);
  EXPECT_TRUE(l.ok()) << (l.error ? l.error->message : "");
  return l.ok() ? l.value->access_token : "";
}

json requests_to(FakeUpstreams& fake, const std::string& path) {
  json out = json::array();
  for (const json& r : request_log(fake)) {
    if (r.value("path", "") == path) out.push_back(r);
  }
  return out;
}

std::string header_of(const json& r, const std::string& name) {
  for (const auto& [k, v] : r["headers"].items()) {
    std::string lower = k;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == name) return v.get<std::string>();
  }
  return "";
}

// No message names a token, a secret or a query string.
void expect_clean(const UpstreamError& e, const std::string& token = "") {
  EXPECT_EQ(e.message.find(kAppSecret), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find('?'), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("EAAB"), std::string::npos) << e.message;
  if (!token.empty()) {
    EXPECT_EQ(e.message.find(token), std::string::npos) << e.message;
  }
}

TEST(Meta, LoginToRevocationSpeaksMetasWireFormat) {
  FakeUpstreams fake;
  const Config cfg = config();

  const std::string url = dialog_url(cfg, kRedirect, {"ads_read", "pages_show_list"}, "st-42");
  ASSERT_EQ(url.rfind(fake.url() + "/v25.0/dialog/oauth?", 0), 0u) << url;
  const auto asked = pairs(url.substr(url.find('?') + 1));
  EXPECT_EQ(one(asked, "client_id"), kAppId);
  EXPECT_EQ(one(asked, "redirect_uri"), kRedirect);
  EXPECT_EQ(one(asked, "state"), "st-42");
  EXPECT_EQ(one(asked, "response_type"), "code");
  EXPECT_EQ(one(asked, "scope"), "ads_read,pages_show_list");

  const HttpResponse dialog = raw("GET", url);
  ASSERT_EQ(dialog.status, 302);
  const std::string location = dialog.header("location");
  ASSERT_EQ(location.rfind(std::string(kRedirect) + "?", 0), 0u) << location;
  EXPECT_EQ(location.substr(location.size() - 4), "#_=_");
  const std::string code = code_from(location);
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(one(pairs(location.substr(location.find('?') + 1,
                                      location.find('#') - location.find('?') - 1)),
                "state"),
            "st-42");

  const Upstream<oauth::Tokens> short_lived = exchange_code(cfg, code, kRedirect);
  ASSERT_TRUE(short_lived.ok()) << short_lived.error->message;
  EXPECT_EQ(short_lived.value->expires_in, 5400);
  EXPECT_EQ(short_lived.value->token_type, "bearer");
  EXPECT_TRUE(short_lived.value->refresh_token.empty());

  const Upstream<oauth::Tokens> long_lived =
      exchange_long_lived(cfg, short_lived.value->access_token);
  ASSERT_TRUE(long_lived.ok()) << long_lived.error->message;
  EXPECT_EQ(long_lived.value->expires_in, 5183944);
  const std::string token = long_lived.value->access_token;
  EXPECT_NE(token, short_lived.value->access_token);

  const Upstream<TokenInfo> info = debug_token(cfg, token);
  ASSERT_TRUE(info.ok()) << info.error->message;
  EXPECT_TRUE(info.value->is_valid);
  EXPECT_NEAR(static_cast<double>(info.value->expires_at), static_cast<double>(now() + 5183944),
              60);
  EXPECT_NEAR(static_cast<double>(info.value->data_access_expires_at),
              static_cast<double>(now() + 90 * 86400), 60);
  EXPECT_EQ(info.value->user_id, "10150000000000001");
  EXPECT_EQ(info.value->scopes,
            (std::vector<std::string>{"public_profile", "ads_read", "pages_show_list"}));

  const Upstream<User> user = me(cfg, token);
  ASSERT_TRUE(user.ok()) << user.error->message;
  EXPECT_EQ(user.value->id, "10150000000000001");
  EXPECT_EQ(user.value->name, "Ada Lovelace");
  EXPECT_EQ(user.value->email, "ada@example.com");

  const Upstream<std::vector<AdAccount>> accounts = ad_accounts(cfg, token);
  ASSERT_TRUE(accounts.ok()) << accounts.error->message;
  struct Want {
    const char *id, *account_id, *name, *currency, *zone;
    int status;
    const char* business;
  };
  const std::vector<Want> want = {
      {"act_1234567890", "1234567890", "Shop A – EU", "EUR", "Europe/Paris", 1, "Shop A SAS"},
      {"act_2345678901", "2345678901", "Shop B", "USD", "America/New_York", 1, "Shop B Inc."},
      {"act_3456789012", "3456789012", "Old shop", "EUR", "Europe/Berlin", 101, ""},
      {"act_4567890123", "4567890123", "Shop D", "GBP", "Europe/London", 1, "Shop D Ltd"},
      {"act_5678901234", "5678901234", "Shop E", "EUR", "Europe/Madrid", 2, ""}};
  ASSERT_EQ(accounts.value->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    const AdAccount& a = (*accounts.value)[i];
    EXPECT_EQ(a.id, want[i].id);
    EXPECT_EQ(a.account_id, want[i].account_id);
    EXPECT_EQ(a.name, want[i].name);
    EXPECT_EQ(a.currency, want[i].currency);
    EXPECT_EQ(a.timezone_name, want[i].zone);
    EXPECT_EQ(a.account_status, want[i].status);
    EXPECT_EQ(a.business_name, want[i].business);
  }

  const Upstream<std::vector<Page>> page_list = pages(cfg, token);
  ASSERT_TRUE(page_list.ok()) << page_list.error->message;
  ASSERT_EQ(page_list.value->size(), 2u);
  const Page& a = (*page_list.value)[0];
  const Page& b = (*page_list.value)[1];
  EXPECT_EQ(a.id, "100000000000001");
  EXPECT_EQ(a.name, "Shop A Page");
  EXPECT_EQ(a.category, "Retail");
  EXPECT_EQ(a.tasks, (std::vector<std::string>{"ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT",
                                               "MANAGE"}));
  EXPECT_EQ(b.id, "100000000000002");
  EXPECT_EQ(b.name, "Shop B Page");
  EXPECT_EQ(b.tasks, (std::vector<std::string>{"ANALYZE", "ADVERTISE"}));
  for (const Page& p : *page_list.value) {  // the page token the fake sent is nowhere
    for (const std::string& s : {p.id, p.name, p.category})
      EXPECT_EQ(s.find("EAAB"), std::string::npos) << s;
    for (const std::string& s : p.tasks) EXPECT_EQ(s.find("EAAB"), std::string::npos) << s;
  }
  const json page_requests = requests_to(fake, "/v25.0/me/accounts");
  EXPECT_EQ(page_requests.size(), 2u);

  const Upstream<bool> revoked = revoke(cfg, token);
  ASSERT_TRUE(revoked.ok()) << revoked.error->message;
  EXPECT_TRUE(*revoked.value);
  const Upstream<User> after = me(cfg, token);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(after.error->upstream_code, "190/458");
  EXPECT_FALSE(after.error->request_id.empty());
  expect_clean(*after.error, token);

  // What went over the wire.
  const json log = request_log(fake);
  int graph_calls = 0;
  for (const json& r : log) {
    const std::string path = r["path"], query = r["query"];
    EXPECT_EQ(pairs(query).count("access_token"), 0u) << path << "?" << query;
    EXPECT_EQ(pairs(r["body"].get<std::string>()).count("access_token"), 0u) << path;
    if (path.find("/dialog/") != std::string::npos || path.find("/oauth/") != std::string::npos)
      continue;
    EXPECT_EQ(query.find(kAppSecret), std::string::npos) << path;
    const std::string auth = header_of(r, "authorization");
    ASSERT_EQ(auth.rfind("Bearer ", 0), 0u) << path;
    EXPECT_EQ(one(pairs(query), "appsecret_proof"), proof_for(auth.substr(7))) << path;
    ++graph_calls;
  }
  EXPECT_EQ(graph_calls, 1 + 1 + 3 + 2 + 1 + 1);  // debug, me, 3 + 2 pages, revoke, me

  const json debug = requests_to(fake, "/v25.0/debug_token");
  ASSERT_EQ(debug.size(), 1u);
  EXPECT_EQ(debug[0]["method"], "POST");
  EXPECT_EQ(header_of(debug[0], "authorization"),
            std::string("Bearer ") + kAppId + "|" + kAppSecret);
  EXPECT_EQ(one(pairs(debug[0]["body"]), "input_token"), token);
  EXPECT_EQ(pairs(debug[0]["query"]).count("input_token"), 0u);

  const json exchanges = requests_to(fake, "/v25.0/oauth/access_token");
  ASSERT_EQ(exchanges.size(), 2u);
  // Secrets, codes and tokens travel in the form body, never in the URL.
  for (const json& x : exchanges) {
    EXPECT_EQ(x["method"], "POST");
    EXPECT_EQ(x["query"].get<std::string>().find("client_secret"), std::string::npos);
    EXPECT_EQ(one(pairs(x["body"]), "client_secret"), kAppSecret);
  }
  const auto code_q = pairs(exchanges[0]["body"]);
  EXPECT_EQ(one(code_q, "code"), code);
  EXPECT_EQ(one(code_q, "redirect_uri"), kRedirect);
  EXPECT_EQ(one(code_q, "client_id"), kAppId);
  const auto long_q = pairs(exchanges[1]["body"]);
  EXPECT_EQ(one(long_q, "grant_type"), "fb_exchange_token");
  EXPECT_EQ(one(long_q, "fb_exchange_token"), short_lived.value->access_token);

  // Exactly three ad-account requests, the first without a cursor, then the
  // cursors the fake handed out, verbatim.
  const json account_requests = requests_to(fake, "/v25.0/me/adaccounts");
  ASSERT_EQ(account_requests.size(), 3u);
  std::vector<std::string> sent;
  for (const json& r : account_requests) sent.push_back(one(pairs(r["query"]), "after"));
  std::vector<std::string> issued = {""};
  const json cursors = json::parse(raw("GET", fake.url() + "/_fake/meta/cursors").body);
  for (const json& c : cursors) {
    if (c["edge"] == "me/adaccounts" && c["next"] == true) issued.push_back(c["after"]);
  }
  EXPECT_EQ(sent, issued);
  EXPECT_EQ(one(pairs(account_requests[0]["query"]), "fields"),
            "id,account_id,name,currency,timezone_name,account_status,business_name");
  EXPECT_EQ(one(pairs(account_requests[0]["query"]), "limit"), "50");
}

TEST(Meta, DeniedDialogComesBackWithTheErrorAndTheState) {
  FakeUpstreams fake;
  set_scenario(fake, "meta_denied");
  const std::string location = dialog_location(config(), "st-denied");
  ASSERT_EQ(location.rfind(std::string(kRedirect) + "?", 0), 0u) << location;
  const auto q = pairs(location.substr(location.find('?') + 1));
  EXPECT_EQ(one(q, "error"), "access_denied");
  EXPECT_EQ(one(q, "error_reason"), "user_denied");
  EXPECT_EQ(one(q, "error_code"), "200");
  EXPECT_EQ(one(q, "error_description"), "Permissions error");
  EXPECT_EQ(one(q, "state"), "st-denied");
  EXPECT_EQ(q.count("code"), 0u);
}

TEST(Meta, CodeIsOneTimeAndBoundToItsRedirectUri) {
  FakeUpstreams fake;
  const Config cfg = config();
  const std::string code = fresh_code(cfg);

  const auto elsewhere = exchange_code(cfg, code, "https://evil.example/cb");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error->kind, Kind::kInvalidRequest);
  EXPECT_EQ(elsewhere.error->upstream_code, "100/36008");
  expect_clean(*elsewhere.error, code);

  ASSERT_TRUE(exchange_code(cfg, code, kRedirect).ok());
  const auto again = exchange_code(cfg, code, kRedirect);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(again.error->upstream_code, "100/36009");
  expect_clean(*again.error, code);

  Config wrong = cfg;
  wrong.app_secret = "not-the-secret";
  const auto refused = exchange_code(wrong, fresh_code(cfg), kRedirect);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->kind, Kind::kMisconfigured);
  EXPECT_EQ(refused.error->message.find("not-the-secret"), std::string::npos);
  expect_clean(*refused.error);
}

TEST(Meta, ExpiringScenarioGivesAThreeDayToken) {
  FakeUpstreams fake;
  set_scenario(fake, "meta_expiring");
  const Config cfg = config();
  const auto s = exchange_code(cfg, fresh_code(cfg), kRedirect);
  ASSERT_TRUE(s.ok());
  const auto l = exchange_long_lived(cfg, s.value->access_token);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l.value->expires_in, 259200);
  const auto info = debug_token(cfg, l.value->access_token);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info.value->is_valid);
  EXPECT_NEAR(static_cast<double>(info.value->expires_at), static_cast<double>(now() + 259200), 60);
}

TEST(Meta, ExpiredTokenScenarioAsksForReconnection) {
  FakeUpstreams fake;
  const Config cfg = config();
  const std::string token = long_token(cfg);
  set_scenario(fake, "meta_token_expired");
  for (const auto& e :
       {me(cfg, token).error, ad_accounts(cfg, token).error, pages(cfg, token).error}) {
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->kind, Kind::kReauthRequired);
    EXPECT_EQ(e->upstream_code, "190/463");
    EXPECT_NE(e->message.find("Session has expired"), std::string::npos) << e->message;
    expect_clean(*e, token);
  }
  const auto info = debug_token(cfg, token);
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info.value->is_valid);
  const json expired = requests_to(fake, "/v25.0/me");
  ASSERT_FALSE(expired.empty());
}

TEST(Meta, TokensExpireOnTheFakeClock) {
  FakeUpstreams fake;
  const Config cfg = config();
  const auto s = exchange_code(cfg, fresh_code(cfg), kRedirect);
  ASSERT_TRUE(s.ok());
  const std::string short_token = s.value->access_token;
  const std::string token = exchange_long_lived(cfg, short_token).value->access_token;
  advance_clock(fake, 5400);
  ASSERT_TRUE(me(cfg, token).ok());
  const auto late = exchange_long_lived(cfg, short_token);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(late.error->upstream_code, "190/463");
  advance_clock(fake, 5183944);
  const auto gone = me(cfg, token);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error->upstream_code, "190/463");
  EXPECT_FALSE(debug_token(cfg, token).value->is_valid);
}

TEST(Meta, RateLimitedOnceSaysHowLongToWait) {
  FakeUpstreams fake;
  const Config cfg = config();
  const std::string token = long_token(cfg);
  set_scenario(fake, "meta_rate_limited_once");
  const auto first = me(cfg, token);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error->kind, Kind::kRateLimited);
  EXPECT_EQ(first.error->retry_after_s, 60);  // estimated_time_to_regain_access 1 (minutes)
  EXPECT_EQ(first.error->upstream_code, "17/2446079");
  EXPECT_FALSE(first.error->request_id.empty());
  expect_clean(*first.error, token);
  EXPECT_TRUE(me(cfg, token).ok());
  EXPECT_EQ(requests_to(fake, "/v25.0/me").size(), 2u);  // a 400 is not retried by itself
}

TEST(Meta, ServerErrorOnceIsRetried) {
  FakeUpstreams fake;
  const Config cfg = config();
  const std::string token = long_token(cfg);
  set_scenario(fake, "meta_5xx_once");
  const auto user = me(cfg, token);
  ASSERT_TRUE(user.ok()) << user.error->message;
  EXPECT_EQ(requests_to(fake, "/v25.0/me").size(), 2u);
}

TEST(Meta, MalformedAnswerIsReportedAsSuch) {
  FakeUpstreams fake;
  const Config cfg = config();
  const std::string token = long_token(cfg);
  set_scenario(fake, "meta_malformed");
  const auto user = me(cfg, token);
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.error->kind, Kind::kMalformed);
  const auto accounts = ad_accounts(cfg, token);
  ASSERT_FALSE(accounts.ok());
  EXPECT_EQ(accounts.error->kind, Kind::kMalformed);
  expect_clean(*accounts.error, token);
}

TEST(Meta, VanishedAdAccountIsNoLongerListed) {
  FakeUpstreams fake;
  const Config cfg = config();
  const std::string token = long_token(cfg);
  set_scenario(fake, "meta_vanished");
  const auto accounts = ad_accounts(cfg, token);
  ASSERT_TRUE(accounts.ok());
  std::vector<std::string> ids;
  for (const AdAccount& a : *accounts.value) ids.push_back(a.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"act_1234567890", "act_3456789012", "act_4567890123",
                                           "act_5678901234"}));
  EXPECT_EQ(requests_to(fake, "/v25.0/me/adaccounts").size(), 2u);
}

TEST(Meta, PagePermissionErrorIsForbiddenAndLeavesAdAccounts) {
  FakeUpstreams fake;
  const Config cfg = config();
  const std::string token = long_token(cfg);
  set_scenario(fake, "meta_permission_error");
  const auto page_list = pages(cfg, token);
  ASSERT_FALSE(page_list.ok());
  EXPECT_EQ(page_list.error->kind, Kind::kForbidden);
  EXPECT_EQ(page_list.error->upstream_code, "200");
  expect_clean(*page_list.error, token);
  EXPECT_TRUE(ad_accounts(cfg, token).ok());
}

TEST(Meta, VersionComesFromConfigAndOldOnesAreRefused) {
  FakeUpstreams fake;
  const std::string token = long_token(config());
  EXPECT_TRUE(me(config("v26.0"), token).ok());
  EXPECT_EQ(requests_to(fake, "/v26.0/me").size(), 1u);
  const auto old = me(config("v24.0"), token);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error->kind, Kind::kMisconfigured);
  EXPECT_EQ(old.error->upstream_code, "2635");
  const size_t before = request_log(fake).size();
  const auto odd = me(config("v25.0/../x"), token);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error->kind, Kind::kMisconfigured);
  EXPECT_EQ(request_log(fake).size(), before);  // never sent
}

// The fake's strictness, so that a connector forgetting the header fails.
TEST(Meta, FakeRefusesTokensInUrlsAndWrongProofs) {
  FakeUpstreams fake;
  const std::string token = long_token(config());
  const HttpResponse in_url = raw("GET", fake.url() + "/v25.0/me?access_token=" + token);
  EXPECT_EQ(in_url.status, 400);
  EXPECT_EQ(json::parse(in_url.body)["error"]["message"], "fake: access token in a URL");
  const HttpResponse bad_proof = raw("GET", fake.url() + "/v25.0/me?appsecret_proof=00",
                                     {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(bad_proof.status, 400);
  EXPECT_EQ(json::parse(bad_proof.body)["error"]["code"], 100);
  // Meta's next links embed the token: the connector rebuilds them instead.
  const HttpResponse page = raw("GET", fake.url() + "/v25.0/me/adaccounts?limit=2",
                                {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(page.status, 200);
  const std::string next = json::parse(page.body)["paging"]["next"];
  EXPECT_NE(next.find("access_token="), std::string::npos);
}

HttpResponse meta_error(int status, const json& error,
                        std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = json{{"error", error}}.dump();
  r.headers = std::move(headers);
  return r;
}

TEST(Meta, ErrorObjectMapsToWhatGlintMustDo) {
  const auto kind = [](int code, int sub = 0) {
    json e = {{"message", "x"}, {"type", "OAuthException"}, {"code", code}};
    if (sub != 0) e["error_subcode"] = sub;
    return error_of(meta_error(400, e), "test").kind;
  };
  EXPECT_EQ(kind(190), Kind::kReauthRequired);
  EXPECT_EQ(kind(190, 460), Kind::kReauthRequired);
  EXPECT_EQ(kind(102), Kind::kReauthRequired);
  for (int c : {4, 17, 32, 613, 80000, 80004, 80014}) EXPECT_EQ(kind(c), Kind::kRateLimited) << c;
  EXPECT_EQ(kind(80015), Kind::kInvalidRequest);
  for (int c : {10, 200, 250, 299}) EXPECT_EQ(kind(c), Kind::kForbidden) << c;
  EXPECT_EQ(kind(100, 1504018), Kind::kInvalidRequest);
  EXPECT_EQ(kind(1), Kind::kUnavailable);
  EXPECT_EQ(kind(2), Kind::kUnavailable);

  const UpstreamError throttled = error_of(
      meta_error(400, {{"message", "(#80004) too many calls"}, {"code", "80004"}},
                 {{"x-business-use-case-usage",
                   R"({"9":[{"type":"ads_management","estimated_time_to_regain_access":0}],)"
                   R"("1234567890":[{"type":"ads_insights","call_count":"98",)"
                   R"("estimated_time_to_regain_access":3}]})"},
                  {"x-fb-trace-id", "TraceFromHeader"}}),
      "ad accounts");
  EXPECT_EQ(throttled.kind, Kind::kRateLimited);
  EXPECT_EQ(throttled.retry_after_s, 180);
  EXPECT_EQ(throttled.upstream_code, "80004");
  EXPECT_EQ(throttled.request_id, "TraceFromHeader");
  EXPECT_EQ(error_of(meta_error(400, {{"code", 613}}), "x").retry_after_s, 60);

  const UpstreamError leaky =
      error_of(meta_error(400, {{"message",
                                 "bad token EAABsecretsecretsecretsecret1 at "
                                 "https://graph.facebook.com/v25.0/me?access_token=EAABx"},
                                {"code", 190},
                                {"error_subcode", 463},
                                {"fbtrace_id", "AbCdEfFake"}}),
               "profile");
  EXPECT_EQ(leaky.upstream_code, "190/463");
  EXPECT_EQ(leaky.request_id, "AbCdEfFake");
  expect_clean(leaky);

  HttpResponse gateway;
  gateway.status = 502;
  gateway.body = "<html>Bad gateway</html>";
  EXPECT_EQ(error_of(gateway, "x").kind, Kind::kUnavailable);
  HttpResponse cut;
  cut.status = 200;
  cut.body = R"({"data":[{"id":"act_1)";
  EXPECT_EQ(error_of(cut, "x").kind, Kind::kMalformed);
  EXPECT_EQ(error_of(meta_error(500, {{"code", 2}, {"is_transient", true}}), "x").kind,
            Kind::kUnavailable);
}

}  // namespace
}  // namespace glint::connectors::meta
