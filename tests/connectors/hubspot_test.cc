// The HubSpot connector against the fake (tests/fakes/hubspot.cc). Expected
// values are the fake's data as tests/fakes/README.md lists it.
#include "hubspot/hubspot.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "connectors/fake_process.h"

namespace glint::connectors {
namespace {

using Kind = UpstreamError::Kind;
using testing::FakeUpstreams;

const char* kRedirect = "https://glint.example.com/oauth/hubspot/callback";
const char* kVerifier = "glint-verifier-0123456789-abcdefghijklmnopqrstuv";
const char* kChallenge = "EcvIVyaCV-IzTRxBEOfTTwYFWmYMaVSKTS2QgHjCFRU";  // S256 of kVerifier

hubspot::Config config() { return {"fake-hubspot-client", "fake-hubspot-secret", "2026-03"}; }

// The fake's control endpoints and the browser's first hop, through
// glint's own HTTP client (one attempt, redirects not followed).
HttpResponse call(const std::string& method, const std::string& url, const std::string& body = "",
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers = std::move(headers);
  req.max_attempts = 1;
  Result<HttpResponse> r = send(req);
  EXPECT_TRUE(r.ok()) << url;
  return r.ok() ? r.value() : HttpResponse{};
}

void scenario(const FakeUpstreams& fake, const std::string& name) {
  call("POST", fake.url() + "/_fake/scenario?set=" + name);
}

nlohmann::json requests(const FakeUpstreams& fake) {
  return nlohmann::json::parse(call("GET", fake.url() + "/_fake/requests").body, nullptr, false);
}

std::string decoded(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// The value of `name` in the query of `url` ("" when absent).
std::string param(const std::string& url, const std::string& name) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return "";
  size_t i = q + 1;
  while (i <= url.size()) {
    const size_t amp = std::min(url.find('&', i), url.size());
    const std::string pair = url.substr(i, amp - i);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string::npos ? "" : decoded(pair.substr(eq + 1));
    i = amp + 1;
  }
  return "";
}

// Follows the browser's first hop: GET the authorize URL, return Location.
std::string consent(const FakeUpstreams& fake, const std::string& url) {
  const std::string prefix = fake.url();
  EXPECT_EQ(url.rfind(prefix, 0), 0u) << url;
  const HttpResponse r = call("GET", url);
  EXPECT_EQ(r.status, 302);
  return r.header("location");
}

std::string authorize(const FakeUpstreams& fake, const std::string& state = "st-1") {
  const std::string url =
      hubspot::authorize_url(config(), kRedirect, {"oauth", "crm.objects.deals.read"},
                             {"crm.objects.contacts.read"}, state, kChallenge);
  const std::string location = consent(fake, url);
  EXPECT_EQ(location.rfind(std::string(kRedirect) + "?", 0), 0u) << location;
  EXPECT_EQ(param(location, "state"), state);
  return param(location, "code");
}

oauth::Tokens connect(FakeUpstreams& fake) {
  const std::string code = authorize(fake);
  EXPECT_FALSE(code.empty());
  auto t = hubspot::exchange_code(config(), code, kRedirect, kVerifier);
  EXPECT_TRUE(t.ok()) << (t.error ? t.error->message : "");
  return t.ok() ? *t.value : oauth::Tokens{};
}

int count(const nlohmann::json& log, const std::string& path) {
  int n = 0;
  for (const auto& r : log) n += r["path"] == path ? 1 : 0;
  return n;
}

TEST(HubSpot, AuthorizeUrlCarriesScopesStateAndPkce) {
  FakeUpstreams fake;
  const std::string url =
      hubspot::authorize_url(config(), kRedirect, {"oauth", "crm.objects.deals.read"},
                             {"crm.objects.contacts.read"}, "st-1", kChallenge);
  EXPECT_EQ(url.rfind(fake.url() + "/oauth/authorize?", 0), 0u) << url;
  EXPECT_EQ(param(url, "client_id"), "fake-hubspot-client");
  EXPECT_EQ(param(url, "redirect_uri"), kRedirect);
  EXPECT_EQ(param(url, "scope"), "oauth crm.objects.deals.read");
  EXPECT_EQ(param(url, "optional_scope"), "crm.objects.contacts.read");
  EXPECT_EQ(param(url, "state"), "st-1");
  EXPECT_EQ(param(url, "code_challenge"), kChallenge);
  EXPECT_EQ(param(url, "code_challenge_method"), "S256");
  EXPECT_EQ(url.find("secret"), std::string::npos);
}

TEST(HubSpot, ConnectIntrospectAndReadThePortal) {
  FakeUpstreams fake;
  const std::string code = authorize(fake);
  auto exchanged = hubspot::exchange_code(config(), code, kRedirect, kVerifier);
  ASSERT_TRUE(exchanged.ok()) << exchanged.error->message;
  const oauth::Tokens t = *exchanged.value;
  EXPECT_EQ(t.token_type, "bearer");
  EXPECT_GE(t.access_token.size(), 300u);
  EXPECT_EQ(t.access_token.rfind("CJb", 0), 0u);
  EXPECT_EQ(t.refresh_token.rfind("na1-", 0), 0u);
  EXPECT_EQ(t.expires_in, 1800);

  auto p = hubspot::introspect(config(), t.access_token);
  ASSERT_TRUE(p.ok()) << p.error->message;
  EXPECT_TRUE(p.value->active);
  EXPECT_EQ(p.value->hub_id, 21000001);
  EXPECT_EQ(p.value->hub_domain, "shop-a.hubspot.com");
  EXPECT_EQ(p.value->user, "ada@example.com");
  EXPECT_EQ(p.value->user_id, "9000001");
  EXPECT_EQ(p.value->scopes, (std::vector<std::string>{"oauth", "crm.objects.deals.read",
                                                       "crm.objects.contacts.read"}));

  auto d = hubspot::account_details(t.access_token);
  ASSERT_TRUE(d.ok()) << d.error->message;
  EXPECT_EQ(d.value->portal_id, 21000001);
  EXPECT_EQ(d.value->account_type, "STANDARD");
  EXPECT_EQ(d.value->time_zone, "Europe/Paris");
  EXPECT_EQ(d.value->currency, "EUR");
  EXPECT_EQ(d.value->ui_domain, "app-eu1.hubspot.com");
  EXPECT_EQ(d.value->data_hosting_location, "eu1");

  auto again = hubspot::refresh(config(), t.refresh_token);
  ASSERT_TRUE(again.ok()) << again.error->message;
  ASSERT_TRUE(hubspot::revoke(config(), t.refresh_token).ok());

  // What went over the wire: secrets in form bodies, the token as Bearer.
  const nlohmann::json log = requests(fake);
  const std::vector<std::string> secrets = {
      "fake-hubspot-secret",     t.access_token, t.refresh_token,
      again.value->access_token, kVerifier,      code};
  int token_calls = 0;
  for (const auto& r : log) {
    const std::string path = r["path"], query = r["query"], body = r["body"];
    for (const std::string& s : secrets) EXPECT_EQ(query.find(s), std::string::npos) << path;
    if (path.rfind("/oauth/2026-03/", 0) == 0) {
      ++token_calls;
      EXPECT_EQ(r["method"], "POST");
      EXPECT_EQ(query, "") << path;
      EXPECT_EQ(r["headers"]["Content-Type"], "application/x-www-form-urlencoded");
      EXPECT_NE(body.find("client_secret=fake-hubspot-secret"), std::string::npos);
    }
    if (path == "/account-info/v3/details") {
      EXPECT_EQ(r["headers"]["Authorization"], "Bearer " + t.access_token);
    }
  }
  EXPECT_EQ(token_calls, 4);  // exchange, introspect, refresh, revoke
  for (const auto& r : log) {
    const std::string path = r["path"], body = r["body"];
    if (path == "/oauth/2026-03/token" && body.find("authorization_code") != std::string::npos) {
      EXPECT_NE(body.find(std::string("code_verifier=") + kVerifier), std::string::npos);
      EXPECT_EQ(body.find("code="), body.find("&code=") + 1);  // the code in the body only
    }
    if (path == "/oauth/2026-03/token/introspect") {
      EXPECT_NE(body.find("token_type_hint=access_token"), std::string::npos);
    }
    if (path == "/oauth/2026-03/token/revoke") {
      EXPECT_NE(body.find("token_type_hint=refresh_token"), std::string::npos);
    }
  }
}

TEST(HubSpot, WrongVerifierIsRefused) {
  FakeUpstreams fake;
  const std::string code = authorize(fake);
  auto t = hubspot::exchange_code(config(), code, kRedirect,
                                  "glint-verifier-9999999999-abcdefghijklmnopqrstuv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(t.error->upstream_code, "invalid_grant");
  EXPECT_EQ(t.error->message.find(code), std::string::npos);
}

TEST(HubSpot, CodeIsSingleUse) {
  FakeUpstreams fake;
  const std::string code = authorize(fake);
  ASSERT_TRUE(hubspot::exchange_code(config(), code, kRedirect, kVerifier).ok());
  auto twice = hubspot::exchange_code(config(), code, kRedirect, kVerifier);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error->kind, Kind::kReauthRequired);
}

TEST(HubSpot, WrongClientSecretIsMisconfigured) {
  FakeUpstreams fake;
  const std::string code = authorize(fake);
  hubspot::Config cfg = config();
  cfg.client_secret = "not-the-secret";
  auto t = hubspot::exchange_code(cfg, code, kRedirect, kVerifier);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error->kind, Kind::kMisconfigured);
  EXPECT_EQ(t.error->message.find("not-the-secret"), std::string::npos);
}

TEST(HubSpot, FakeRefusesSecretsInTheQueryString) {
  FakeUpstreams fake;
  const HttpResponse r = call(
      "POST",
      fake.url() +
          "/oauth/2026-03/token?client_secret=fake-hubspot-secret&client_id=fake-hubspot-client",
      "grant_type=refresh_token&refresh_token=na1-x",
      {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body, nullptr, false)["error"], "invalid_request");
}

TEST(HubSpot, LegacyVersionPathAndBadVersionSetting) {
  FakeUpstreams fake;
  hubspot::Config v1 = config();
  v1.oauth_version = "v1";
  const std::string code = authorize(fake);
  auto t = hubspot::exchange_code(v1, code, kRedirect, kVerifier);
  ASSERT_TRUE(t.ok()) << t.error->message;
  EXPECT_EQ(count(requests(fake), "/oauth/v1/token"), 1);

  hubspot::Config bad = config();
  bad.oauth_version = "../2026-03";
  auto r = hubspot::refresh(bad, t.value->refresh_token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, Kind::kMisconfigured);
}

TEST(HubSpot, RefreshWithoutRotationKeepsTheRefreshToken) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  auto r = hubspot::refresh(config(), t.refresh_token);
  ASSERT_TRUE(r.ok()) << r.error->message;
  EXPECT_NE(r.value->access_token, t.access_token);
  EXPECT_EQ(r.value->refresh_token, t.refresh_token);
  EXPECT_EQ(r.value->expires_in, 1800);
  EXPECT_TRUE(hubspot::account_details(r.value->access_token).ok());
}

TEST(HubSpot, RotatedRefreshTokenHasAGracePeriod) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  scenario(fake, "hubspot_rotate");
  auto r1 = hubspot::refresh(config(), t.refresh_token);
  ASSERT_TRUE(r1.ok()) << r1.error->message;
  const std::string second = r1.value->refresh_token;
  EXPECT_NE(second, t.refresh_token);
  EXPECT_EQ(second.rfind("na1-", 0), 0u);

  // The old one still works until the new one is first used.
  auto grace = hubspot::refresh(config(), t.refresh_token);
  ASSERT_TRUE(grace.ok()) << grace.error->message;
  EXPECT_EQ(grace.value->refresh_token, second);

  auto r2 = hubspot::refresh(config(), second);
  ASSERT_TRUE(r2.ok()) << r2.error->message;
  EXPECT_NE(r2.value->refresh_token, second);

  auto old = hubspot::refresh(config(), t.refresh_token);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(old.error->upstream_code, "invalid_grant");
  // `second` is now in its own grace period.
  EXPECT_TRUE(hubspot::refresh(config(), second).ok());
}

TEST(HubSpot, InvalidGrantNeedsReauthorisation) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  scenario(fake, "hubspot_invalid_grant");
  auto r = hubspot::refresh(config(), t.refresh_token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(r.error->upstream_code, "invalid_grant");
  EXPECT_NE(r.error->message.find("refresh token is invalid, expired or revoked"),
            std::string::npos);
  EXPECT_EQ(r.error->message.find(t.refresh_token), std::string::npos);
  EXPECT_EQ(count(requests(fake), "/oauth/2026-03/token"), 2);  // exchange + one refresh
}

TEST(HubSpot, SlowTokenEndpointIsWaitedFor) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  scenario(fake, "hubspot_slow_token");
  const auto start = std::chrono::steady_clock::now();
  auto r = hubspot::refresh(config(), t.refresh_token);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok()) << r.error->message;
  EXPECT_GE(took, std::chrono::seconds(4));
}

TEST(HubSpot, ExpiredOnceThenRefreshAndRetry) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  scenario(fake, "hubspot_expired_once");
  auto d = hubspot::account_details(t.access_token);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error->kind, Kind::kTokenExpired);
  EXPECT_EQ(d.error->upstream_code, "EXPIRED_AUTHENTICATION");
  EXPECT_EQ(d.error->request_id.size(), 36u);  // the correlationId
  EXPECT_EQ(d.error->message.find(t.access_token), std::string::npos);
  auto r = hubspot::refresh(config(), t.refresh_token);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(hubspot::account_details(r.value->access_token).ok());
}

TEST(HubSpot, AccessTokenExpiresOnTheFakeClock) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  call("POST", fake.url() + "/_fake/clock?advance=" + std::to_string(1800 + 75));
  auto d = hubspot::account_details(t.access_token);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error->kind, Kind::kTokenExpired);
  EXPECT_EQ(d.error->upstream_code, "EXPIRED_AUTHENTICATION");
  EXPECT_NE(d.error->message.find("expired 75 second(s) ago"), std::string::npos)
      << d.error->message;
  auto p = hubspot::introspect(config(), t.access_token);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p.value->active);
  auto r = hubspot::refresh(config(), t.refresh_token);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(hubspot::account_details(r.value->access_token).ok());
}

TEST(HubSpot, RateLimitedOnceIsWaitedOutAndRetried) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  scenario(fake, "hubspot_429_once");
  const auto start = std::chrono::steady_clock::now();
  auto d = hubspot::account_details(t.access_token);
  ASSERT_TRUE(d.ok()) << d.error->message;
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));  // Retry-After: 1
  EXPECT_EQ(count(requests(fake), "/account-info/v3/details"), 2);
}

TEST(HubSpot, ServerErrorOnceIsRetried) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  scenario(fake, "hubspot_5xx_once");
  auto d = hubspot::account_details(t.access_token);
  ASSERT_TRUE(d.ok()) << d.error->message;
  EXPECT_EQ(count(requests(fake), "/account-info/v3/details"), 2);
}

TEST(HubSpot, SecondPortal) {
  FakeUpstreams fake;
  scenario(fake, "hubspot_second_portal");
  const oauth::Tokens t = connect(fake);
  auto p = hubspot::introspect(config(), t.access_token);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value->hub_id, 21000002);
  EXPECT_EQ(p.value->hub_domain, "shop-b.hubspot.com");
  auto d = hubspot::account_details(t.access_token);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value->portal_id, 21000002);
  EXPECT_EQ(d.value->time_zone, "America/New_York");
  EXPECT_EQ(d.value->currency, "USD");
  EXPECT_EQ(d.value->ui_domain, "app.hubspot.com");
  EXPECT_EQ(d.value->data_hosting_location, "na1");
  // Only the next authorize: the one after is portal A again.
  const oauth::Tokens again = connect(fake);
  EXPECT_EQ(hubspot::introspect(config(), again.access_token).value->hub_id, 21000001);
}

TEST(HubSpot, DeniedConsentComesBackAsAnError) {
  FakeUpstreams fake;
  scenario(fake, "hubspot_denied");
  const std::string location =
      consent(fake, hubspot::authorize_url(config(), kRedirect, {"oauth"}, {}, "st-9", kChallenge));
  EXPECT_EQ(param(location, "error"), "access_denied");
  EXPECT_FALSE(param(location, "error_description").empty());
  EXPECT_EQ(param(location, "state"), "st-9");
  EXPECT_EQ(param(location, "code"), "");
}

TEST(HubSpot, RevokeEndsTheGrant) {
  FakeUpstreams fake;
  const oauth::Tokens t = connect(fake);
  auto rv = hubspot::revoke(config(), t.refresh_token);
  ASSERT_TRUE(rv.ok());
  EXPECT_TRUE(*rv.value);
  auto r = hubspot::refresh(config(), t.refresh_token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, Kind::kReauthRequired);
  auto d = hubspot::account_details(t.access_token);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error->kind, Kind::kTokenExpired);
  EXPECT_EQ(d.error->upstream_code, "INVALID_AUTHENTICATION");
  auto p = hubspot::introspect(config(), t.access_token);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p.value->active);
  // RFC 7009: revoking again is still a success.
  EXPECT_TRUE(hubspot::revoke(config(), t.refresh_token).ok());
}

HttpResponse answer(int status, const std::string& body,
                    std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  r.headers = std::move(headers);
  return r;
}

TEST(HubSpot, ErrorOfMapsHubSpotAndOAuthBodies) {
  auto e = hubspot::error_of(
      answer(
          401,
          R"({"status":"error","message":"The OAuth token used to make this call expired 75 second(s) ago.","correlationId":"7e1c6f2a-0000-4000-8000-000000000000","category":"EXPIRED_AUTHENTICATION"})"),
      "deal search");
  EXPECT_EQ(e.kind, Kind::kTokenExpired);
  EXPECT_EQ(e.upstream_code, "EXPIRED_AUTHENTICATION");
  EXPECT_EQ(e.request_id, "7e1c6f2a-0000-4000-8000-000000000000");

  e = hubspot::error_of(
      answer(401, R"({"status":"error","message":"x","category":"INVALID_AUTHENTICATION"})"), "x");
  EXPECT_EQ(e.kind, Kind::kTokenExpired);

  e = hubspot::error_of(
      answer(
          400,
          R"({"error":"invalid_grant","error_description":"refresh token is invalid, expired or revoked","status":"BAD_REFRESH_TOKEN","message":"refresh token is invalid, expired or revoked"})"),
      "refresh");
  EXPECT_EQ(e.kind, Kind::kReauthRequired);
  EXPECT_EQ(e.upstream_code, "invalid_grant");

  e = hubspot::error_of(
      answer(400, R"({"status":"BAD_REFRESH_TOKEN","message":"missing or unknown refresh token"})"),
      "refresh");
  EXPECT_EQ(e.kind, Kind::kReauthRequired);
  EXPECT_EQ(e.upstream_code, "BAD_REFRESH_TOKEN");

  e = hubspot::error_of(
      answer(
          403,
          R"({"status":"error","message":"This app hasn't been granted all required scopes to make this call.","correlationId":"c-1","category":"MISSING_SCOPES"})"),
      "deal search");
  EXPECT_EQ(e.kind, Kind::kForbidden);
  EXPECT_EQ(e.upstream_code, "MISSING_SCOPES");

  e = hubspot::error_of(
      answer(
          429,
          R"({"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c-2","policyName":"TEN_SECONDLY_ROLLING","category":"RATE_LIMITS"})"),
      "x");
  EXPECT_EQ(e.kind, Kind::kRateLimited);
  EXPECT_EQ(e.retry_after_s, 10);
  EXPECT_EQ(e.upstream_code, "RATE_LIMITS");

  e = hubspot::error_of(
      answer(429,
             R"({"status":"error","policyName":"TEN_SECONDLY_ROLLING","category":"RATE_LIMITS"})",
             {{"retry-after", "3"}}),
      "x");
  EXPECT_EQ(e.retry_after_s, 3);

  e = hubspot::error_of(
      answer(
          429,
          R"({"status":"error","message":"You have reached your daily limit.","policyName":"DAILY","category":"RATE_LIMITS"})"),
      "x");
  EXPECT_EQ(e.kind, Kind::kRateLimited);
  EXPECT_GT(e.retry_after_s, 0);
  EXPECT_LE(e.retry_after_s, 86400);
  EXPECT_NE(e.message.find("daily"), std::string::npos);

  e = hubspot::error_of(
      answer(
          400,
          R"({"status":"error","message":"Property values were not valid","correlationId":"c-3","category":"VALIDATION_ERROR"})"),
      "x");
  EXPECT_EQ(e.kind, Kind::kInvalidRequest);
  EXPECT_EQ(e.upstream_code, "VALIDATION_ERROR");

  e = hubspot::error_of(answer(502, "<html>Bad Gateway</html>"), "x");
  EXPECT_EQ(e.kind, Kind::kUnavailable);

  e = hubspot::error_of(
      answer(400, R"({"error":"invalid_client","error_description":"bad client"})"), "x");
  EXPECT_EQ(e.kind, Kind::kMisconfigured);

  // An answer that echoes a token does not put it in the message.
  const std::string token(320, 'Q');
  e = hubspot::error_of(answer(400, R"({"status":"error","message":"bad token )" + token +
                                        R"(","category":"VALIDATION_ERROR"})"),
                        "x");
  EXPECT_EQ(e.message.find("QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"), std::string::npos) << e.message;
}

}  // namespace
}  // namespace glint::connectors
