// The Google connector against the fake (tests/fakes/google.cc). Expected
// values are the fake's data as tests/fakes/README.md describes it.
#include "google/google.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <string>

#include "connectors/fake_process.h"

namespace glint::connectors::google {
namespace {

using glint::testing::FakeUpstreams;
using nlohmann::json;
using Kind = UpstreamError::Kind;

const std::vector<std::string> kScopes = {"openid", "email", "profile",
                                          "https://www.googleapis.com/auth/adwords",
                                          "https://www.googleapis.com/auth/analytics.readonly"};
const std::string kRedirect = "http://127.0.0.1:8080/api/connections/google/callback";

Config config() {
  Config c;
  c.client_id = "fake-google-client.apps.googleusercontent.com";
  c.client_secret = "fake-google-secret";
  return c;
}

std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  const size_t q = url.find('?');
  if (q == std::string::npos) return out;
  httplib::Params p;
  httplib::detail::parse_query_text(url.substr(q + 1), p);
  for (const auto& [k, v] : p) out[k] = v;
  return out;
}

// GETs the authorize URL as a browser would, without following the 302.
httplib::Result browse(FakeUpstreams& fake, const std::string& authorize) {
  EXPECT_EQ(authorize.rfind(fake.url(), 0), 0u) << "not pointed at the fake: " << authorize;
  httplib::Client c("127.0.0.1", fake.port());
  return c.Get(authorize.substr(fake.url().size()).c_str());
}

struct Consent {
  std::string code, verifier;
};

Consent consent(FakeUpstreams& fake, const std::string& state = "st-123") {
  Consent out;
  out.verifier = oauth::pkce_verifier();
  auto r = browse(fake, authorize_url(config(), kRedirect, kScopes, state,
                                      oauth::pkce_challenge_s256(out.verifier)));
  EXPECT_TRUE(r);
  if (!r) return out;
  EXPECT_EQ(r->status, 302);
  const std::string location = r->get_header_value("Location");
  EXPECT_EQ(location.rfind(kRedirect + "?", 0), 0u) << location;
  const auto q = query_of(location);
  EXPECT_EQ(q.count("state") ? q.at("state") : "", state);
  out.code = q.count("code") ? q.at("code") : "";
  return out;
}

oauth::Tokens connect(FakeUpstreams& fake) {
  const Consent c = consent(fake);
  auto t = exchange_code(config(), c.code, kRedirect, c.verifier);
  EXPECT_TRUE(t.ok()) << (t.error ? t.error->message : "");
  return t.ok() ? *t.value : oauth::Tokens{};
}

std::string header(const json& request, std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [k, v] : request["headers"].items()) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == name) return v.get<std::string>();
  }
  return "";
}

int count_paths(const json& log, const std::string& needle) {
  int n = 0;
  for (const json& r : log) n += r["path"].get<std::string>().find(needle) != std::string::npos;
  return n;
}

const Customer* find(const std::vector<Customer>& list, const std::string& id) {
  for (const Customer& c : list) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

TEST(Google, FullFlowFromConsentToRevocation) {
  FakeUpstreams fake;
  const std::string authorize =
      authorize_url(config(), kRedirect, kScopes, "st-123", oauth::pkce_challenge_s256("v"));
  const auto q = query_of(authorize);
  EXPECT_EQ(q.at("response_type"), "code");
  EXPECT_EQ(q.at("access_type"), "offline");
  EXPECT_EQ(q.at("prompt"), "consent");
  EXPECT_EQ(q.at("include_granted_scopes"), "true");
  EXPECT_EQ(q.at("code_challenge_method"), "S256");
  EXPECT_EQ(q.at("redirect_uri"), kRedirect);

  // The callback carries state, code, scope and extras (authuser, prompt).
  const Consent c = consent(fake);
  ASSERT_FALSE(c.code.empty());
  auto tokens = exchange_code(config(), c.code, kRedirect, c.verifier);
  ASSERT_TRUE(tokens.ok()) << tokens.error->message;
  EXPECT_EQ(tokens.value->expires_in, 3599);
  EXPECT_EQ(tokens.value->token_type, "Bearer");
  EXPECT_FALSE(tokens.value->refresh_token.empty());
  EXPECT_FALSE(tokens.value->id_token.empty());
  EXPECT_NE(tokens.value->scope.find("https://www.googleapis.com/auth/adwords"), std::string::npos);

  auto refreshed = refresh(config(), tokens.value->refresh_token);
  ASSERT_TRUE(refreshed.ok()) << refreshed.error->message;
  EXPECT_TRUE(refreshed.value->refresh_token.empty());  // Google does not rotate
  EXPECT_NE(refreshed.value->access_token, tokens.value->access_token);
  const std::string access = refreshed.value->access_token;

  auto me = userinfo(access);
  ASSERT_TRUE(me.ok()) << me.error->message;
  EXPECT_EQ(me.value->sub, "110000000000000000001");
  EXPECT_EQ(me.value->email, "ada@example.com");
  EXPECT_EQ(me.value->name, "Ada Lovelace");
  EXPECT_TRUE(me.value->email_verified);

  auto ids = list_accessible_customers(config(), access);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids.value, (std::vector<std::string>{"5550001111", "6660002222", "9990003333"}));

  fake.reset_log();
  auto h = discover(config(), access);
  ASSERT_TRUE(h.ok()) << h.error->message;
  EXPECT_TRUE(h.value->failures.empty());
  ASSERT_EQ(h.value->managers.size(), 2u);
  const Customer* a = find(h.value->managers, "5550001111");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->name, "Agency MCC");
  EXPECT_EQ(a->currency, "EUR");
  EXPECT_EQ(a->time_zone, "Europe/Paris");
  EXPECT_TRUE(a->manager);
  const Customer* b = find(h.value->managers, "6660002222");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->name, "Second MCC");

  ASSERT_EQ(h.value->clients.size(), 5u);
  const Customer* direct = find(h.value->clients, "9990003333");
  ASSERT_NE(direct, nullptr);
  EXPECT_EQ(direct->name, "Direct account");
  EXPECT_EQ(direct->currency, "USD");
  EXPECT_EQ(direct->time_zone, "America/New_York");
  EXPECT_EQ(direct->status, "ENABLED");
  EXPECT_TRUE(direct->managers.empty());
  EXPECT_FALSE(direct->manager);
  const Customer* shop_a = find(h.value->clients, "1234567890");
  ASSERT_NE(shop_a, nullptr);
  EXPECT_EQ(shop_a->name, "Shop A");
  EXPECT_EQ(shop_a->managers, std::vector<std::string>{"5550001111"});
  const Customer* shop_b = find(h.value->clients, "2345678901");
  ASSERT_NE(shop_b, nullptr);
  EXPECT_EQ(shop_b->name, "Shop B");
  const Customer* shop_c = find(h.value->clients, "3456789012");
  ASSERT_NE(shop_c, nullptr);
  EXPECT_EQ(shop_c->name, "Shop C");
  EXPECT_EQ(shop_c->managers, (std::vector<std::string>{"5550001111", "6660002222"}));
  const Customer* cancelled = find(h.value->clients, "4567890123");
  ASSERT_NE(cancelled, nullptr);
  EXPECT_EQ(cancelled->status, "CANCELED");  // listed, so glint can show it and not sync it
  EXPECT_EQ(cancelled->managers, std::vector<std::string>{"6660002222"});
  EXPECT_EQ(find(h.value->clients, "5550001111"), nullptr);  // a tree's level 0 is itself

  // What went on the wire.
  const json log = fake.requests();
  int tree_pages_a = 0;
  for (const json& r : log) {
    const std::string path = r["path"], body = r["body"];
    EXPECT_EQ(r["query"].get<std::string>().find(access), std::string::npos);
    if (path.find("googleAds:search") == std::string::npos) continue;
    EXPECT_EQ(header(r, "Authorization"), "Bearer " + access);
    EXPECT_EQ(header(r, "developer-token"), "");  // not configured: not sent
    const json sent = json::parse(body);
    EXPECT_FALSE(sent.contains("pageSize"));
    const std::string customer = path.substr(std::string("/v26/customers/").size(), 10);
    // Every tree read here is a top manager's own: login-customer-id = itself;
    // every `FROM customer` read is the customer's own too.
    EXPECT_EQ(header(r, "login-customer-id"), customer) << path;
    if (customer == "5550001111" &&
        sent["query"].get<std::string>().find("customer_client") != std::string::npos) {
      ++tree_pages_a;
      if (tree_pages_a > 1) {
        EXPECT_TRUE(sent.contains("pageToken"));
      }
    }
  }
  EXPECT_EQ(tree_pages_a, 2);  // 4 rows at 2 a page

  auto properties = ga4_properties(access);
  ASSERT_TRUE(properties.ok()) << properties.error->message;
  ASSERT_EQ(properties.value->size(), 3u);
  EXPECT_EQ((*properties.value)[0].property_id, "250000001");
  EXPECT_EQ((*properties.value)[0].display_name, "shop-a.com");
  EXPECT_EQ((*properties.value)[0].account_id, "1000");
  EXPECT_EQ((*properties.value)[0].account_name, "Shop A");
  EXPECT_EQ((*properties.value)[1].property_id, "250000002");
  EXPECT_EQ((*properties.value)[2].property_id, "250000003");
  EXPECT_EQ((*properties.value)[2].account_name, "Shop B");
  EXPECT_EQ((*properties.value)[2].property_type, "PROPERTY_TYPE_ORDINARY");

  auto revoked = revoke(access);
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(*revoked.value);
  auto again = revoke(access);  // already dead: not an error
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again.value);
  auto dead = refresh(config(), tokens.value->refresh_token);
  ASSERT_FALSE(dead.ok());
  EXPECT_EQ(dead.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(dead.error->upstream_code, "invalid_grant");
  auto after = userinfo(access);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error->kind, Kind::kTokenExpired);

  // No token, code or secret ever travelled in a query string.
  for (const json& r : fake.requests()) {
    const std::string sent_query = r["query"];
    for (const std::string& secret : {tokens.value->access_token, tokens.value->refresh_token,
                                      access, c.code, std::string("fake-google-secret")})
      EXPECT_EQ(sent_query.find(secret), std::string::npos) << r["path"];
  }
}

TEST(Google, DeniedConsentRedirectsWithAccessDenied) {
  FakeUpstreams fake;
  fake.scenario("google_denied");
  auto r = browse(fake, authorize_url(config(), kRedirect, kScopes, "st-9",
                                      oauth::pkce_challenge_s256(oauth::pkce_verifier())));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 302);
  const auto q = query_of(r->get_header_value("Location"));
  EXPECT_EQ(q.at("error"), "access_denied");
  EXPECT_EQ(q.at("state"), "st-9");
  EXPECT_EQ(q.count("code"), 0u);
}

TEST(Google, AuthorizeRefusesUnknownClientAndMissingPkce) {
  FakeUpstreams fake;
  Config other = config();
  other.client_id = "someone-else.apps.googleusercontent.com";
  auto r = browse(fake, authorize_url(other, kRedirect, kScopes, "s", "challenge"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("invalid_client"), std::string::npos);
  std::string url = authorize_url(config(), kRedirect, kScopes, "s", "");
  auto no_pkce = browse(fake, url);
  ASSERT_TRUE(no_pkce);
  EXPECT_EQ(no_pkce->status, 400);
  EXPECT_NE(no_pkce->body.find("invalid_request"), std::string::npos);
}

TEST(Google, CodeIsOneTimeAndBoundToVerifierRedirectAndClock) {
  FakeUpstreams fake;
  Consent c = consent(fake);
  auto wrong_verifier = exchange_code(config(), c.code, kRedirect, oauth::pkce_verifier());
  ASSERT_FALSE(wrong_verifier.ok());
  EXPECT_EQ(wrong_verifier.error->upstream_code, "invalid_grant");
  auto reused = exchange_code(config(), c.code, kRedirect, c.verifier);  // burnt by the try
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.error->upstream_code, "invalid_grant");

  c = consent(fake);
  auto wrong_redirect = exchange_code(config(), c.code, kRedirect + "/", c.verifier);
  ASSERT_FALSE(wrong_redirect.ok());
  EXPECT_EQ(wrong_redirect.error->upstream_code, "invalid_grant");

  c = consent(fake);
  fake.advance_clock(61);
  auto late = exchange_code(config(), c.code, kRedirect, c.verifier);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error->upstream_code, "invalid_grant");

  c = consent(fake);
  Config bad = config();
  bad.client_secret = "wrong";
  auto refused = exchange_code(bad, c.code, kRedirect, c.verifier);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error->kind, Kind::kMisconfigured);
  EXPECT_EQ(refused.error->message.find("wrong"), std::string::npos);

  // The exchange sent every field in the body, none in the URL.
  for (const json& r : fake.requests()) {
    if (r["path"] != "/token") continue;
    EXPECT_EQ(r["query"], "");
    const std::string body = r["body"];
    for (const char* f : {"code=", "client_id=", "client_secret=", "redirect_uri=",
                          "grant_type=authorization_code", "code_verifier="})
      EXPECT_NE(body.find(f), std::string::npos) << f;
  }
}

TEST(Google, ShortTokensExpireOnTheFakeClockAndRefreshRecovers) {
  FakeUpstreams fake;
  fake.scenario("google_short_tokens");
  const oauth::Tokens t = connect(fake);
  EXPECT_EQ(t.expires_in, 2);
  fake.advance_clock(3);
  auto h = discover(config(), t.access_token);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error->kind, Kind::kTokenExpired);
  EXPECT_EQ(h.error->upstream_code, "OAUTH_TOKEN_EXPIRED");
  EXPECT_FALSE(h.error->request_id.empty());
  EXPECT_EQ(h.error->message.find(t.access_token), std::string::npos);
  auto props = ga4_properties(t.access_token);
  ASSERT_FALSE(props.ok());
  EXPECT_EQ(props.error->kind, Kind::kTokenExpired);
  EXPECT_EQ(props.error->upstream_code, "UNAUTHENTICATED");
  auto fresh = refresh(config(), t.refresh_token);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(discover(config(), fresh.value->access_token).ok());
}

TEST(Google, InvalidGrantOnRefreshMeansReconnect) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_invalid_grant");
  auto r = refresh(config(), t.refresh_token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(r.error->message.find(t.refresh_token), std::string::npos);
}

TEST(Google, TokenEndpoint5xxOnceIsRetriedAndSlowTokenStillAnswers) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_token_5xx_once");
  fake.reset_log();
  ASSERT_TRUE(refresh(config(), t.refresh_token).ok());
  EXPECT_EQ(count_paths(fake.requests(), "/token"), 2);
  fake.scenario("google_token_5xx_once", false);
  fake.scenario("google_slow_token");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(refresh(config(), t.refresh_token).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3900));
}

TEST(Google, AdsExpiredOnceFailsDiscoveryWithTokenExpired) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_ads_expired_once");
  auto h = discover(config(), t.access_token);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error->kind, Kind::kTokenExpired);
  EXPECT_TRUE(discover(config(), t.access_token).ok());  // once only
}

TEST(Google, Ads429OnceWaitsItsRetryDelay) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_ads_429_once");
  fake.reset_log();
  const auto start = std::chrono::steady_clock::now();
  auto h = discover(config(), t.access_token);
  ASSERT_TRUE(h.ok()) << h.error->message;
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  EXPECT_EQ(count_paths(fake.requests(), "listAccessibleCustomers"), 2);
}

TEST(Google, Ads5xxOnceIsRetried) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_ads_5xx_once");
  fake.reset_log();
  auto h = discover(config(), t.access_token);
  ASSERT_TRUE(h.ok()) << h.error->message;
  EXPECT_EQ(h.value->clients.size(), 5u);
  EXPECT_EQ(count_paths(fake.requests(), "listAccessibleCustomers"), 2);
}

TEST(Google, AdsMalformedAnswerIsMalformed) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_ads_malformed");
  auto ids = list_accessible_customers(config(), t.access_token);
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.error->kind, Kind::kMalformed);
}

TEST(Google, VanishedClientIsNoLongerDiscovered) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_vanished");
  auto h = discover(config(), t.access_token);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(find(h.value->clients, "2345678901"), nullptr);
  EXPECT_NE(find(h.value->clients, "1234567890"), nullptr);
  EXPECT_EQ(h.value->clients.size(), 4u);
}

TEST(Google, ForbiddenCustomerIsReportedAndTheRestContinues) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_customer_forbidden");
  auto h = discover(config(), t.access_token);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h.value->failures.size(), 1u);
  EXPECT_EQ(h.value->failures[0].customer_id, "9990003333");
  EXPECT_EQ(h.value->failures[0].error.kind, Kind::kForbidden);
  EXPECT_EQ(h.value->failures[0].error.upstream_code, "CUSTOMER_NOT_ENABLED");
  EXPECT_FALSE(h.value->failures[0].error.request_id.empty());
  EXPECT_EQ(find(h.value->clients, "9990003333"), nullptr);
  EXPECT_EQ(h.value->managers.size(), 2u);
  EXPECT_EQ(h.value->clients.size(), 4u);
}

TEST(Google, SubManagersAreWalkedThroughTheTopManagerAndCyclesEnd) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_sub_manager");
  fake.reset_log();
  auto h = discover(config(), t.access_token);
  ASSERT_TRUE(h.ok()) << h.error->message;
  EXPECT_TRUE(h.value->failures.empty());
  const Customer* d = find(h.value->clients, "8880005555");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->name, "Shop D");
  EXPECT_EQ(d->managers, std::vector<std::string>{"6660002222"});
  EXPECT_EQ(find(h.value->clients, "7770004444"), nullptr);  // a manager, not a client
  int sub_reads = 0;
  for (const json& r : fake.requests()) {
    if (r["path"].get<std::string>().find("/customers/7770004444/") == std::string::npos) continue;
    ++sub_reads;
    EXPECT_EQ(header(r, "login-customer-id"), "6660002222");
  }
  EXPECT_EQ(sub_reads, 2);  // its tree is 3 rows (itself, Shop D, the cycle) at 2 a page
}

TEST(Google, Ga4PagedTakesThreePagesWithOpaqueTokens) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("ga4_paged");
  fake.reset_log();
  auto p = ga4_properties(t.access_token);
  ASSERT_TRUE(p.ok()) << p.error->message;
  ASSERT_EQ(p.value->size(), 3u);
  EXPECT_EQ((*p.value)[2].property_id, "250000003");
  const json log = fake.requests();
  ASSERT_EQ(count_paths(log, "accountSummaries"), 3);
  for (const json& r : log) {
    const std::string q = r["query"];
    EXPECT_NE(q.find("pageSize=200"), std::string::npos);
    EXPECT_EQ(q.find(t.access_token), std::string::npos);
  }
}

TEST(Google, SlowBodyIsCutOff) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  fake.scenario("google_slow_body");
  const auto start = std::chrono::steady_clock::now();
  auto ids = list_accessible_customers(config(), t.access_token);
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.error->kind, Kind::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(45));
}

TEST(Google, SunsetVersionAndDeveloperToken) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  Config old = config();
  old.ads_version = "v22";
  auto gone = list_accessible_customers(old, t.access_token);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error->kind, Kind::kInvalidRequest);
  Config with_token = config();
  with_token.developer_token = "dev-token-0123456789ab";
  fake.reset_log();
  ASSERT_TRUE(list_accessible_customers(with_token, t.access_token).ok());
  const json log = fake.requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(header(log[0], "developer-token"), "dev-token-0123456789ab");
  EXPECT_EQ(header(log[0], "login-customer-id"), "");
}

HttpResponse answer(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  return r;
}

TEST(Google, ErrorOfReadsTheEnvelopes) {
  const std::string quota =
      R"({"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).",
      "status":"RESOURCE_EXHAUSTED","details":[{"@type":
      "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure","errors":[{
      "errorCode":{"quotaError":"RESOURCE_TEMPORARILY_EXHAUSTED"},"message":"Too many requests.",
      "details":{"quotaErrorDetails":{"rateScope":"ACCOUNT","retryDelay":"5s"}}}],
      "requestId":"req-9"}]}})";
  UpstreamError e = error_of(answer(429, quota), "the search");
  EXPECT_EQ(e.kind, Kind::kRateLimited);
  EXPECT_EQ(e.retry_after_s, 5);
  EXPECT_EQ(e.upstream_code, "RESOURCE_TEMPORARILY_EXHAUSTED");
  EXPECT_EQ(e.request_id, "req-9");

  e = error_of(answer(429, "[" + quota + "]"), "the stream");  // searchStream's array form
  EXPECT_EQ(e.kind, Kind::kRateLimited);
  EXPECT_EQ(e.retry_after_s, 5);

  HttpResponse revoked = answer(
      401,
      R"({"error":{"code":401,"status":"UNAUTHENTICATED","details":[{"@type":"x.errors.GoogleAdsFailure",
      "errors":[{"errorCode":{"authenticationError":"OAUTH_TOKEN_REVOKED"}}]}]}})");
  revoked.headers["request-id"] = "hdr-1";
  e = error_of(revoked, "the search");
  EXPECT_EQ(e.kind, Kind::kReauthRequired);
  EXPECT_EQ(e.request_id, "hdr-1");

  e = error_of(
      answer(
          401,
          R"({"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}})"),
      "x");
  EXPECT_EQ(e.kind, Kind::kTokenExpired);
  EXPECT_EQ(e.upstream_code, "UNAUTHENTICATED");
  EXPECT_EQ(
      error_of(answer(403, R"({"error":{"code":403,"status":"PERMISSION_DENIED"}})"), "x").kind,
      Kind::kForbidden);
  EXPECT_EQ(
      error_of(answer(400, R"({"error":{"code":400,"status":"INVALID_ARGUMENT"}})"), "x").kind,
      Kind::kInvalidRequest);
  EXPECT_EQ(error_of(answer(503, "<html>oops</html>"), "x").kind, Kind::kUnavailable);
  EXPECT_EQ(error_of(answer(200, R"({"results":[)"), "x").kind, Kind::kMalformed);
  EXPECT_EQ(error_of(answer(429, R"({"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}})"), "x")
                .retry_after_s,
            1);
}

}  // namespace
}  // namespace glint::connectors::google
