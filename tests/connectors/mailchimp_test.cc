// The Mailchimp connector against the fake (tests/fakes/mailchimp.cc).
// Expected values are the fake's data as tests/fakes/README.md lists it.
#include "mailchimp/mailchimp.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "connectors/fake_process.h"

namespace glint::connectors {
namespace {

using Kind = UpstreamError::Kind;
using testing::FakeUpstreams;

const char* kRedirect = "https://glint.example.com/oauth/mailchimp/callback";

mailchimp::Config config() { return {"fake-mailchimp-client", "fake-mailchimp-secret"}; }

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

bool has_param(const std::string& url, const std::string& name) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return false;
  const std::string query = "&" + url.substr(q + 1);
  return query.find("&" + name + "=") != std::string::npos;
}

std::string consent(const FakeUpstreams& fake, const std::string& state = "st-1") {
  const std::string url = mailchimp::authorize_url(config(), kRedirect, state);
  EXPECT_EQ(url.rfind(fake.url(), 0), 0u) << url;
  const HttpResponse r = call("GET", url);
  EXPECT_EQ(r.status, 302);
  return r.header("location");
}

std::string authorize(const FakeUpstreams& fake) {
  const std::string location = consent(fake);
  EXPECT_EQ(location.rfind(std::string(kRedirect) + "?", 0), 0u) << location;
  EXPECT_EQ(param(location, "state"), "st-1");
  return param(location, "code");
}

std::string connect(const FakeUpstreams& fake) {
  auto t = mailchimp::exchange_code(config(), authorize(fake), kRedirect);
  EXPECT_TRUE(t.ok()) << (t.error ? t.error->message : "");
  return t.ok() ? t.value->access_token : "";
}

int count(const nlohmann::json& log, const std::string& path) {
  int n = 0;
  for (const auto& r : log) n += r["path"] == path ? 1 : 0;
  return n;
}

TEST(Mailchimp, AuthorizeUrlHasNoScopeAndNoPkce) {
  FakeUpstreams fake;
  const std::string url = mailchimp::authorize_url(config(), kRedirect, "st-1");
  EXPECT_EQ(url.rfind(fake.url() + "/oauth2/authorize?", 0), 0u) << url;
  EXPECT_EQ(param(url, "response_type"), "code");
  EXPECT_EQ(param(url, "client_id"), "fake-mailchimp-client");
  EXPECT_EQ(param(url, "redirect_uri"), kRedirect);
  EXPECT_EQ(param(url, "state"), "st-1");
  EXPECT_FALSE(has_param(url, "scope"));
  EXPECT_FALSE(has_param(url, "code_challenge"));
  EXPECT_EQ(url.find("secret"), std::string::npos);
}

TEST(Mailchimp, ConnectReadMetadataAndAccount) {
  FakeUpstreams fake;
  const std::string code = authorize(fake);
  auto t = mailchimp::exchange_code(config(), code, kRedirect);
  ASSERT_TRUE(t.ok()) << t.error->message;
  EXPECT_FALSE(t.value->access_token.empty());
  EXPECT_EQ(t.value->expires_in, 0);
  EXPECT_EQ(t.value->refresh_token, "");
  EXPECT_EQ(t.value->scope, "");
  const std::string token = t.value->access_token;

  auto md = mailchimp::metadata(token);
  ASSERT_TRUE(md.ok()) << md.error->message;
  EXPECT_EQ(md.value->dc, "us19");
  EXPECT_EQ(md.value->role, "owner");
  EXPECT_EQ(md.value->account_name, "Shop A");
  EXPECT_EQ(md.value->user_id, 81000001);
  EXPECT_EQ(md.value->login_name, "ada");
  EXPECT_EQ(md.value->login_email, "ada@example.com");
  EXPECT_EQ(md.value->api_endpoint, fake.url());  // the stand-in's origin is accepted

  auto a = mailchimp::account(*md.value, token);
  ASSERT_TRUE(a.ok()) << a.error->message;
  EXPECT_EQ(a.value->account_id, "8d3a3db4d97663a9074efcc16");
  EXPECT_EQ(a.value->account_name, "Shop A");
  EXPECT_EQ(a.value->email, "ada@example.com");
  EXPECT_EQ(a.value->login_id, "81000001");
  EXPECT_EQ(a.value->total_subscribers, 1234);

  const nlohmann::json log = requests(fake);
  for (const auto& r : log) {
    const std::string path = r["path"], query = r["query"];
    for (const std::string& s : {std::string("fake-mailchimp-secret"), token, code})
      EXPECT_EQ(query.find(s), std::string::npos) << path;
    if (path == "/oauth2/token") {
      EXPECT_EQ(r["method"], "POST");
      EXPECT_EQ(query, "");
      const std::string body = r["body"];
      EXPECT_NE(body.find("grant_type=authorization_code"), std::string::npos);
      EXPECT_NE(body.find("client_secret=fake-mailchimp-secret"), std::string::npos);
      EXPECT_NE(body.find("code=" + code), std::string::npos);
    }
    if (path == "/oauth2/metadata") {
      EXPECT_EQ(r["headers"]["Authorization"], "OAuth " + token);
    }
    if (path == "/3.0/") {
      EXPECT_EQ(r["headers"]["Authorization"], "Bearer " + token);
    }
  }
  EXPECT_EQ(count(log, "/oauth2/metadata"), 1);
  EXPECT_EQ(count(log, "/3.0/"), 1);
}

TEST(Mailchimp, SecondUser) {
  FakeUpstreams fake;
  scenario(fake, "mailchimp_second_user");
  const std::string token = connect(fake);
  auto md = mailchimp::metadata(token);
  ASSERT_TRUE(md.ok()) << md.error->message;
  EXPECT_EQ(md.value->dc, "us7");
  EXPECT_EQ(md.value->account_name, "Shop B");
  EXPECT_EQ(md.value->user_id, 81000002);
  EXPECT_EQ(md.value->login_email, "bob@example.com");
  auto a = mailchimp::account(*md.value, token);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value->account_name, "Shop B");
  EXPECT_EQ(a.value->login_id, "81000002");
  EXPECT_EQ(a.value->email, "bob@example.com");
}

TEST(Mailchimp, ForeignApiEndpointIsRefused) {
  FakeUpstreams fake;
  const std::string token = connect(fake);
  scenario(fake, "mailchimp_bad_endpoint");
  auto md = mailchimp::metadata(token);
  ASSERT_FALSE(md.ok());
  EXPECT_EQ(md.error->kind, Kind::kMalformed);
  EXPECT_NE(md.error->message.find("unexpected api_endpoint"), std::string::npos);
  EXPECT_EQ(md.error->message.find(token), std::string::npos);
}

TEST(Mailchimp, AccountRefusesAnUntrustedStoredEndpoint) {
  FakeUpstreams fake;
  const std::string token = connect(fake);
  mailchimp::Metadata md;
  md.dc = "us19";
  md.api_endpoint = "https://evil.example.net";
  auto a = mailchimp::account(md, token);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error->kind, Kind::kMalformed);
  md.api_endpoint = fake.url() + "/elsewhere";
  EXPECT_FALSE(mailchimp::account(md, token).ok());
  EXPECT_EQ(count(requests(fake), "/3.0/"), 0);

  // The real data-centre host, pointed at the fake like any real host.
  // (Named "localhost" so that it is not the stand-in's origin.)
  const std::string elsewhere = "http://localhost:" + std::to_string(fake.port());
  ::setenv("GLINT_URL_US19_API_MAILCHIMP_COM", elsewhere.c_str(), 1);
  md.api_endpoint = upstream_url("https://us19.api.mailchimp.com");
  EXPECT_EQ(md.api_endpoint, elsewhere);
  auto ok = mailchimp::account(md, token);
  ::unsetenv("GLINT_URL_US19_API_MAILCHIMP_COM");
  ASSERT_TRUE(ok.ok()) << ok.error->message;
  EXPECT_EQ(ok.value->account_id, "8d3a3db4d97663a9074efcc16");
  // A dc that is not a data-centre name is not trusted.
  md.dc = "us19.evil";
  md.api_endpoint = "https://us19.evil.api.mailchimp.com";
  EXPECT_FALSE(mailchimp::account(md, token).ok());
}

TEST(Mailchimp, DeniedConsentComesBackAsAnError) {
  FakeUpstreams fake;
  scenario(fake, "mailchimp_denied");
  const std::string location = consent(fake, "st-9");
  EXPECT_EQ(param(location, "error"), "access_denied");
  EXPECT_EQ(param(location, "state"), "st-9");
  EXPECT_FALSE(has_param(location, "code"));
}

TEST(Mailchimp, BadCodeOrSecretIsInvalidGrant) {
  FakeUpstreams fake;
  const std::string code = authorize(fake);
  mailchimp::Config wrong = config();
  wrong.client_secret = "not-the-secret";
  auto bad_secret = mailchimp::exchange_code(wrong, code, kRedirect);
  ASSERT_FALSE(bad_secret.ok());
  EXPECT_EQ(bad_secret.error->upstream_code, "invalid_grant");
  EXPECT_EQ(bad_secret.error->message.find("not-the-secret"), std::string::npos);
  auto bad_redirect = mailchimp::exchange_code(config(), code, "https://glint.example.com/other");
  ASSERT_FALSE(bad_redirect.ok());
  EXPECT_EQ(bad_redirect.error->kind, Kind::kReauthRequired);
  ASSERT_TRUE(mailchimp::exchange_code(config(), code, kRedirect).ok());
  auto twice = mailchimp::exchange_code(config(), code, kRedirect);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(twice.error->message.find(code), std::string::npos);
}

TEST(Mailchimp, FakeWantsTheOAuthSchemeOnMetadata) {
  FakeUpstreams fake;
  const std::string token = connect(fake);
  const HttpResponse r =
      call("GET", fake.url() + "/oauth2/metadata", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(r.body, nullptr, false)["status"], 401);
}

TEST(Mailchimp, RevokedTokenNeedsReauthorisation) {
  FakeUpstreams fake;
  const std::string token = connect(fake);
  auto md = mailchimp::metadata(token);
  ASSERT_TRUE(md.ok());
  scenario(fake, "mailchimp_revoked");
  auto a = mailchimp::account(*md.value, token);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(a.error->upstream_code, "API Key Invalid");
  EXPECT_FALSE(a.error->request_id.empty());
  EXPECT_EQ(a.error->message.find(token), std::string::npos);
  auto again = mailchimp::metadata(token);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error->kind, Kind::kReauthRequired);
  EXPECT_EQ(count(requests(fake), "/3.0/"), 1);  // no retry of a 401
}

TEST(Mailchimp, RateLimitedOnceIsRetried) {
  FakeUpstreams fake;
  const std::string token = connect(fake);
  auto md = mailchimp::metadata(token);
  ASSERT_TRUE(md.ok());
  scenario(fake, "mailchimp_429_once");
  auto a = mailchimp::account(*md.value, token);
  ASSERT_TRUE(a.ok()) << a.error->message;
  EXPECT_EQ(count(requests(fake), "/3.0/"), 2);
}

TEST(Mailchimp, ServerErrorOnceIsRetried) {
  FakeUpstreams fake;
  const std::string token = connect(fake);
  auto md = mailchimp::metadata(token);
  ASSERT_TRUE(md.ok());
  scenario(fake, "mailchimp_5xx_once");
  auto a = mailchimp::account(*md.value, token);
  ASSERT_TRUE(a.ok()) << a.error->message;
  EXPECT_EQ(count(requests(fake), "/3.0/"), 2);
}

TEST(Mailchimp, MalformedAnswersAreReportedAsSuch) {
  FakeUpstreams fake;
  const std::string token = connect(fake);
  auto md = mailchimp::metadata(token);
  ASSERT_TRUE(md.ok());
  scenario(fake, "mailchimp_malformed");
  auto m = mailchimp::metadata(token);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error->kind, Kind::kMalformed);
  auto a = mailchimp::account(*md.value, token);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error->kind, Kind::kMalformed);
}

HttpResponse answer(int status, const std::string& body,
                    std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  r.headers = std::move(headers);
  return r;
}

TEST(Mailchimp, ErrorOfMapsProblemDocuments) {
  auto e = mailchimp::error_of(
      answer(
          401,
          R"({"type":"https://mailchimp.com/developer/marketing/docs/errors/","title":"API Key Invalid","status":401,"detail":"Your API key may be invalid, or you've attempted to access the wrong datacenter.","instance":"3f8e0000-fake"})"),
      "reports");
  EXPECT_EQ(e.kind, Kind::kReauthRequired);
  EXPECT_EQ(e.request_id, "3f8e0000-fake");
  EXPECT_EQ(e.upstream_code, "API Key Invalid");

  e = mailchimp::error_of(
      answer(
          403,
          R"({"type":"https://mailchimp.com/developer/marketing/docs/errors/","title":"User Disabled","status":403,"detail":"This account has been disabled.","instance":"i-2"})"),
      "reports");
  EXPECT_EQ(e.kind, Kind::kForbidden);

  e = mailchimp::error_of(answer(403, ""), "reports");  // throttling under load
  EXPECT_EQ(e.kind, Kind::kRateLimited);
  EXPECT_EQ(e.retry_after_s, 10);

  e = mailchimp::error_of(
      answer(
          404,
          R"({"type":"https://mailchimp.com/developer/marketing/docs/errors/","title":"Resource Not Found","status":404,"detail":"The requested resource could not be found.","instance":"3f8e0000-fake"})"),
      "report");
  EXPECT_EQ(e.kind, Kind::kInvalidRequest);
  EXPECT_NE(e.message.find("Resource Not Found"), std::string::npos);

  e = mailchimp::error_of(
      answer(429, R"({"title":"Too Many Requests","status":429,"detail":"x","instance":"i-4"})"),
      "reports");
  EXPECT_EQ(e.kind, Kind::kRateLimited);
  EXPECT_GT(e.retry_after_s, 0);

  e = mailchimp::error_of(answer(503, "<html>unavailable</html>"), "reports");
  EXPECT_EQ(e.kind, Kind::kUnavailable);
}

}  // namespace
}  // namespace glint::connectors
