// RFC 6749 / 7636 helpers shared by every OAuth connector.
#include "oauth/oauth.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace glint::connectors::oauth {
namespace {

using Kind = UpstreamError::Kind;

// Our own decoder, so the round trip does not trust the encoder's view.
std::string url_unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Form form_decode(const std::string& s) {
  Form out;
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    const size_t amp = std::min(s.find('&', start), s.size());
    const std::string pair = s.substr(start, amp - start);
    const size_t eq = pair.find('=');
    out.emplace_back(url_unescape(pair.substr(0, eq)),
                     eq == std::string::npos ? "" : url_unescape(pair.substr(eq + 1)));
    start = amp + 1;
  }
  return out;
}

HttpResponse answer(int status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  return r;
}

TEST(OAuth, PkceS256MatchesRfc7636AppendixB) {
  EXPECT_EQ(pkce_challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(OAuth, PkceS256MatchesTheReferenceCheckValue) {
  EXPECT_EQ(pkce_challenge_s256("glint-verifier-0123456789-abcdefghijklmnopqrstuv"),
            "EcvIVyaCV-IzTRxBEOfTTwYFWmYMaVSKTS2QgHjCFRU");
}

TEST(OAuth, PkceVerifierIs43UnreservedCharactersAndFresh) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string v = pkce_verifier();
    ASSERT_EQ(v.size(), 43u) << v;  // 32 bytes, base64url without padding
    for (char c : v) {
      const bool unreserved = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' ||
                              c == '.' || c == '_' || c == '~';
      ASSERT_TRUE(unreserved) << v;
    }
    seen.insert(v);
    const std::string challenge = pkce_challenge_s256(v);
    EXPECT_EQ(challenge.size(), 43u);
    EXPECT_EQ(challenge.find('='), std::string::npos);
  }
  EXPECT_EQ(seen.size(), 50u);
  EXPECT_NE(random_token(), random_token());
}

TEST(OAuth, FormEncodeRoundTripsAwkwardValues) {
  const Form fields = {{"redirect_uri", "https://app.example/cb?x=1&y=2#frag"},
                       {"scope", "openid email https://www.googleapis.com/auth/adwords"},
                       {"weird key=&", "100% + plus/slash ~tilde é 日本"},
                       {"empty", ""},
                       {"code", "4/0AbC-_.~"}};
  const std::string encoded = form_encode(fields);
  EXPECT_EQ(encoded.find(' '), std::string::npos);
  EXPECT_EQ(encoded.find('+'), std::string::npos);  // a space is %20, a plus is %2B
  EXPECT_NE(encoded.find("scope=openid%20email%20https%3A%2F%2Fwww.googleapis.com"),
            std::string::npos);
  EXPECT_NE(encoded.find("code=4%2F0AbC-_.~"), std::string::npos);
  EXPECT_EQ(form_decode(encoded), fields);
}

TEST(OAuth, UrlEscapeKeepsOnlyUnreserved) {
  EXPECT_EQ(url_escape("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(url_escape(" &=?/#%+"), "%20%26%3D%3F%2F%23%25%2B");
  EXPECT_EQ(url_escape("é"), "%C3%A9");
  EXPECT_EQ(url_unescape(url_escape(std::string("nul\0byte", 8))), std::string("nul\0byte", 8));
  EXPECT_EQ(with_query("https://h/p", {{"a", "1 2"}}), "https://h/p?a=1%202");
  EXPECT_EQ(with_query("https://h/p?x=0", {{"a", "b"}}), "https://h/p?x=0&a=b");
  EXPECT_EQ(with_query("https://h/p", {}), "https://h/p");
}

TEST(OAuth, TokenErrorInvalidGrantMeansReconnect) {
  const UpstreamError e = token_error(
      answer(
          400,
          R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})"),
      "Google");
  EXPECT_EQ(e.kind, Kind::kReauthRequired);
  EXPECT_EQ(e.upstream_code, "invalid_grant");
  EXPECT_NE(e.message.find("Google"), std::string::npos);
}

TEST(OAuth, TokenErrorInvalidClientIsMisconfiguration) {
  const UpstreamError e = token_error(
      answer(401,
             R"({"error":"invalid_client","error_description":"The OAuth client was not found."})"),
      "Google");
  EXPECT_EQ(e.kind, Kind::kMisconfigured);
  EXPECT_EQ(e.upstream_code, "invalid_client");
}

TEST(OAuth, TokenError429IsRateLimitedWithItsDelay) {
  HttpResponse r = answer(429, R"({"error":"rate_limit_exceeded"})");
  r.headers["retry-after"] = "7";
  const UpstreamError e = token_error(r, "Google");
  EXPECT_EQ(e.kind, Kind::kRateLimited);
  EXPECT_EQ(e.retry_after_s, 7);
  EXPECT_EQ(token_error(answer(429, ""), "Google").retry_after_s, 1);
}

TEST(OAuth, TokenErrorNonJsonBodies) {
  EXPECT_EQ(token_error(answer(502, "<html>Bad Gateway</html>"), "Google").kind,
            Kind::kUnavailable);
  EXPECT_EQ(token_error(answer(200, "not json"), "Google").kind, Kind::kMalformed);
  const UpstreamError other = token_error(answer(400, R"({"error":"invalid_scope"})"), "Google");
  EXPECT_EQ(other.kind, Kind::kInvalidRequest);
  EXPECT_EQ(other.upstream_code, "invalid_scope");
  // A 200 without an access token is not a success.
  EXPECT_FALSE(parse_token_answer(answer(200, R"({"token_type":"Bearer"})"), "Google").ok());
  const auto ok = parse_token_answer(
      answer(200, R"({"access_token":"a","expires_in":"3599","token_type":"Bearer"})"), "Google");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value->expires_in, 3599);
  EXPECT_EQ(ok.value->refresh_token, "");
}

}  // namespace
}  // namespace glint::connectors::oauth
