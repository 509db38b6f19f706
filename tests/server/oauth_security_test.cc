// OAuth connections, security and durability, on the real binary against the
// fake upstreams (tests/fakes) over loopback: one-time states bound to their
// session and provider, PKCE S256 checked independently, return_to held to
// allowed origins, a callback page that leaks nothing, secrets only on the
// audited internal route, and no credential lost to kill -9 during a token
// refresh or a key rotation.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <iterator>
#include <regex>
#include <set>
#include <thread>

#include "api_client.h"
#include "connectors/fake_process.h"
#include "raw_client.h"
#include "store/store.h"
#include "vault/credentials.h"
#include "vault/vault.h"

namespace glint::testing {
namespace {

const std::string kBrevoKey = "xkeysib-fake-0123456789abcdef-AbCdEf";
const std::string kInternalKey = "internal-test-key-0123456789abcdef";
const char* const kProviders[] = {"google", "meta", "hubspot", "mailchimp"};
const std::vector<std::string> kClientSecrets = {"fake-google-secret", "fake-meta-secret", "fake-hubspot-secret",
                                                 "fake-mailchimp-secret"};

std::vector<std::string> settings(const FakeUpstreams& f, std::vector<std::string> extra = {}) {
  std::vector<std::string> env = f.env();
  for (const char* s : {"GLINT_GOOGLE_CLIENT_ID=fake-google-client.apps.googleusercontent.com",
                        "GLINT_GOOGLE_CLIENT_SECRET=fake-google-secret", "GLINT_META_APP_ID=1000000000000001",
                        "GLINT_META_APP_SECRET=fake-meta-secret", "GLINT_HUBSPOT_CLIENT_ID=fake-hubspot-client",
                        "GLINT_HUBSPOT_CLIENT_SECRET=fake-hubspot-secret", "GLINT_MAILCHIMP_CLIENT_ID=fake-mailchimp-client",
                        "GLINT_MAILCHIMP_CLIENT_SECRET=fake-mailchimp-secret"})
    env.push_back(s);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string pct_decode(const std::string& s, bool plus_is_space = true) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string pct_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

// name=value pairs of a query string or form body, decoded.
std::multimap<std::string, std::string> pairs_of(const std::string& text) {
  std::multimap<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('&', pos);
    if (end == std::string::npos) end = text.size();
    const std::string kv = text.substr(pos, end - pos);
    if (!kv.empty()) {
      const size_t eq = kv.find('=');
      out.emplace(pct_decode(kv.substr(0, eq)), eq == std::string::npos ? "" : pct_decode(kv.substr(eq + 1)));
    }
    pos = end + 1;
  }
  return out;
}

std::string query_of(const std::string& url) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return "";
  std::string rest = url.substr(q + 1);
  return rest.substr(0, rest.find('#'));
}

std::string param(const std::string& url, const std::string& name) {
  const auto p = pairs_of(query_of(url));
  auto it = p.find(name);
  return it == p.end() ? "" : it->second;
}

// base64url(SHA-256(text)) without padding, computed here (RFC 7636 S256).
std::string s256(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), digest, &n, EVP_sha256(), nullptr);
  unsigned char b64[128];
  const int len = EVP_EncodeBlock(b64, digest, static_cast<int>(n));
  std::string out(reinterpret_cast<char*>(b64), static_cast<size_t>(len));
  for (char& ch : out) {
    if (ch == '+') ch = '-';
    if (ch == '/') ch = '_';
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), digest, &n, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

void sql_exec(const std::filesystem::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

// GET `url` on the fake without following redirects: the Location header.
std::string location_of(const std::string& url) {
  const size_t slash = url.find('/', url.find("://") + 3);
  httplib::Client c(url.substr(0, slash));
  c.set_url_encode(false);
  c.set_read_timeout(30);
  auto r = c.Get(url.substr(slash));
  return r ? r->get_header_value("Location") : "";
}

// The path and query of a glint callback URL (its origin may be a public URL
// that is not this loopback server), without Meta's "#_=_".
std::string local_path(const std::string& url) {
  const size_t p = url.find("/api/oauth/");
  if (p == std::string::npos) return "";
  return url.substr(p, url.find('#') == std::string::npos ? std::string::npos : url.find('#') - p);
}

const httplib::Headers kJson = {{"Accept", "application/json"}};

struct Begun {
  Reply reply;
  std::string state, auth_url, callback;  // callback: the glint URL the provider redirects to
};

Begun begin(const Server& s, const std::string& provider, const std::string& session, const std::string& query = "") {
  Begun b;
  b.reply = s.get("/api/oauth/" + provider + "/auth-url" + (query.empty() ? "" : "?" + query), session);
  if (b.reply.status != 200) return b;
  b.state = b.reply.body.value("state", "");
  b.auth_url = b.reply.body.value("auth_url", "");
  b.callback = location_of(b.auth_url);
  return b;
}

Reply callback(const Server& s, const std::string& url, bool json_reply = true) {
  return s.request("GET", local_path(url), nullptr, "", json_reply ? kJson : httplib::Headers{});
}

// The whole browser flow; the callback's JSON reply.
Reply connect(const Server& s, const std::string& provider, const std::string& session, const std::string& query = "") {
  const Begun b = begin(s, provider, session, query);
  if (b.callback.empty()) {
    ADD_FAILURE() << provider << ": no redirect from the fake: " << b.reply.text;
    return b.reply;
  }
  return callback(s, b.callback);
}

std::string id_of(const Reply& r) {
  if (r.body.is_object() && r.body.contains("tenant") && r.body["tenant"].is_object()) return r.body["tenant"].value("id", "");
  return r.body.is_object() ? r.body.value("id", "") : "";
}

std::string user_id_of(const Server& s, const std::string& session) {
  const Reply me = s.get("/api/auth/me", session);
  return me.body.is_object() && me.body.contains("user") ? me.body["user"].value("id", "") : "";
}

Reply internal_credentials(const Server& s, const std::string& user_id, const std::string& key = kInternalKey) {
  httplib::Headers h;
  if (!key.empty()) h.emplace("X-API-Key", key);
  return s.request("GET", "/api/internal/clients/" + user_id + "/credentials", nullptr, "", h);
}

// Every string value in a JSON document.
void strings_of(const json& j, std::set<std::string>& out) {
  if (j.is_string()) {
    out.insert(j.get<std::string>());
  } else if (j.is_structured()) {
    for (const auto& v : j) strings_of(v, out);
  }
}

// What glint sent the fakes that is a secret: bearer/OAuth tokens, api keys,
// refresh tokens, client secrets, PKCE verifiers, tokens given in forms.
std::set<std::string> secrets_sent(const json& log) {
  std::set<std::string> out;
  for (const json& r : log) {
    if (r.contains("headers") && r["headers"].is_object()) {
      for (const auto& [k, v] : r["headers"].items()) {
        if (!v.is_string()) continue;
        const std::string name = [&] {
          std::string n = k;
          for (char& ch : n) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          return n;
        }();
        const std::string value = v.get<std::string>();
        if (name == "authorization") {
          const size_t sp = value.find(' ');
          if (sp != std::string::npos && value.substr(0, sp) != "Basic") out.insert(value.substr(sp + 1));
        } else if (name == "api-key") {
          out.insert(value);
        }
      }
    }
    for (const std::string& text : {r.value("body", std::string()), r.value("query", std::string())}) {
      if (text.find('=') == std::string::npos || text.find('{') != std::string::npos) continue;
      for (const auto& [k, v] : pairs_of(text)) {
        if (k == "refresh_token" || k == "access_token" || k == "client_secret" || k == "code_verifier" ||
            k == "fb_exchange_token" || k == "input_token" || k == "token")
          if (!v.empty()) out.insert(v);
      }
    }
  }
  return out;
}

// Polls the fake's log until `pred` holds for some request (or 20 s pass).
template <class P>
bool wait_for_request(FakeUpstreams& f, P pred, size_t skip = 0) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < until) {
    const json log = f.requests();
    for (size_t i = skip; i < log.size(); ++i) {
      if (pred(log[i])) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

size_t count_requests(FakeUpstreams& f, const std::function<bool(const json&)>& pred) {
  size_t n = 0;
  for (const json& r : f.requests()) n += pred(r) ? 1 : 0;
  return n;
}

bool is_refresh(const json& r, const std::string& path_part) {
  return r.value("method", "") == "POST" && r.value("path", "").find(path_part) != std::string::npos &&
         r.value("body", "").find("grant_type=refresh_token") != std::string::npos;
}

std::pair<int, std::string> run_glint(const std::string& args) {
  const std::string cmd = std::string(GLINT_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, out};
}

// ---------------------------------------------------------------------------
// States

TEST(OAuthSecurity, ReplayedCallbackIsRefusedAndMakesNoSecondConnection) {
  FakeUpstreams fakes;
  Server server(settings(fakes), {}, "oauthsec");
  const std::string s = server.account("replay@example.com");
  const Begun b = begin(server, "google", s);
  ASSERT_FALSE(b.callback.empty()) << b.reply.text;
  const Reply first = callback(server, b.callback);
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(first.body["connected"], true);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 1);
  const int64_t exchanges_before =
      static_cast<int64_t>(count_requests(fakes, [](const json& r) { return r.value("path", "") == "/token"; }));
  const Reply again = callback(server, b.callback);
  EXPECT_EQ(again.status, 400) << again.text;
  EXPECT_EQ(again.body.value("code", ""), "state_already_used") << again.text;
  // As a page too, and the code never reaches Google a second time.
  const Reply page = callback(server, b.callback, false);
  EXPECT_EQ(page.status, 400);
  EXPECT_NE(page.text.find("state_already_used"), std::string::npos) << page.text;
  EXPECT_EQ(static_cast<int64_t>(count_requests(fakes, [](const json& r) { return r.value("path", "") == "/token"; })),
            exchanges_before);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 1);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM oauth_states WHERE consumed_at IS NOT NULL"), 1);
}

TEST(OAuthSecurity, ExpiredStateIsRefused) {
  FakeUpstreams fakes;
  Server server(settings(fakes), {}, "oauthsec");
  const std::string s = server.account("expired@example.com");
  const Begun b = begin(server, "meta", s);
  ASSERT_FALSE(b.callback.empty()) << b.reply.text;
  EXPECT_EQ(b.reply.body["expires_in"], 600);
  sql_exec(server.db(), "UPDATE oauth_states SET expires_at = strftime('%s','now') - 5, created_at = strftime('%s','now') - 605 "
                        "WHERE state_hash = '" + sha256_hex(b.state) + "'");
  const Reply r = callback(server, b.callback);
  EXPECT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.body.value("code", ""), "state_expired") << r.text;
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 0);
  // No code exchange was attempted with an expired state.
  EXPECT_EQ(count_requests(fakes, [](const json& q) { return q.value("path", "").find("/oauth/access_token") != std::string::npos; }),
            0u);
}

TEST(OAuthSecurity, UnknownOrForgedStateIsRefused) {
  FakeUpstreams fakes;
  Server server(settings(fakes), {}, "oauthsec");
  const std::string s = server.account("forged@example.com");
  const Begun b = begin(server, "hubspot", s);
  ASSERT_FALSE(b.callback.empty()) << b.reply.text;
  const std::string code = param(b.callback, "code");
  std::string altered = b.state;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& st : {std::string("forged-state"), altered, std::string(257, 'x')}) {
    const Reply r = server.request("GET", "/api/oauth/hubspot/callback?code=" + pct_encode(code) + "&state=" + pct_encode(st), nullptr,
                                   "", kJson);
    EXPECT_EQ(r.status, 400) << st << ": " << r.text;
    EXPECT_EQ(r.body.value("code", ""), "invalid_state") << r.text;
  }
  const Reply none = server.request("GET", "/api/oauth/hubspot/callback?code=" + pct_encode(code), nullptr, "", kJson);
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.body.value("code", ""), "invalid_state");
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 0);
  // The real state was untouched by the forgeries and still works once.
  const Reply ok = callback(server, b.callback);
  EXPECT_EQ(ok.status, 200) << ok.text;
}

TEST(OAuthSecurity, StateOfAnotherProviderIsRefusedAndConsumed) {
  FakeUpstreams fakes;
  Server server(settings(fakes), {}, "oauthsec");
  const std::string s = server.account("cross@example.com");
  const Begun g = begin(server, "google", s);
  ASSERT_FALSE(g.callback.empty()) << g.reply.text;
  const Reply wrong =
      server.request("GET", "/api/oauth/meta/callback?code=" + pct_encode(param(g.callback, "code")) + "&state=" + pct_encode(g.state),
                     nullptr, "", kJson);
  EXPECT_EQ(wrong.status, 400) << wrong.text;
  EXPECT_EQ(wrong.body.value("code", ""), "state_provider_mismatch") << wrong.text;
  // Consumed: the Google callback with it is now a replay.
  const Reply after = callback(server, g.callback);
  EXPECT_EQ(after.status, 400) << after.text;
  EXPECT_EQ(after.body.value("code", ""), "state_already_used") << after.text;
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 0);
  // The same through exchange-token.
  const Begun h = begin(server, "hubspot", s);
  ASSERT_FALSE(h.callback.empty());
  const Reply ex = server.post("/api/oauth/mailchimp/exchange-token", {{"code", param(h.callback, "code")}, {"state", h.state}}, s);
  EXPECT_EQ(ex.status, 400) << ex.text;
  EXPECT_EQ(ex.body.value("code", ""), "state_provider_mismatch");
  const Reply ex2 = server.post("/api/oauth/hubspot/exchange-token", {{"code", param(h.callback, "code")}, {"state", h.state}}, s);
  EXPECT_EQ(ex2.body.value("code", ""), "state_already_used") << ex2.text;
}

TEST(OAuthSecurity, StateOfAnotherSessionIsRefusedOnExchange) {
  FakeUpstreams fakes;
  Server server(settings(fakes), {}, "oauthsec");
  const std::string a = server.account("sess-a@example.com");
  const std::string b = server.account("sess-b@example.com");
  const std::string a2 = [&] {  // A's second session: still not the one that started
    const Reply r = server.post("/api/auth/login", {{"email", "sess-a@example.com"}, {"password", "correct horse battery"}});
    return r.body.is_object() ? r.body.value("session_id", "") : "";
  }();
  const Begun started = begin(server, "google", a);
  ASSERT_FALSE(started.callback.empty()) << started.reply.text;
  const json body = {{"code", param(started.callback, "code")}, {"state", started.state}};
  const Reply foreign = server.post("/api/oauth/google/exchange-token", body, b);
  EXPECT_EQ(foreign.status, 403) << foreign.text;
  EXPECT_EQ(foreign.body.value("code", ""), "state_foreign") << foreign.text;
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 0);
  // Consumed by the refusal: the rightful session cannot use it afterwards either.
  const Reply late = server.post("/api/oauth/google/exchange-token", body, a);
  EXPECT_EQ(late.status, 400) << late.text;
  EXPECT_EQ(late.body.value("code", ""), "state_already_used");
  if (!a2.empty()) {
    const Begun again = begin(server, "google", a);
    ASSERT_FALSE(again.callback.empty());
    const Reply other_session = server.post("/api/oauth/google/exchange-token",
                                            {{"code", param(again.callback, "code")}, {"state", again.state}}, a2);
    EXPECT_EQ(other_session.status, 403) << other_session.text;
    EXPECT_EQ(other_session.body.value("code", ""), "state_foreign");
  }
  // The control: the same flow from the session that started it connects.
  const Begun mine = begin(server, "google", a);
  ASSERT_FALSE(mine.callback.empty());
  const Reply ok =
      server.post("/api/oauth/google/exchange-token", {{"code", param(mine.callback, "code")}, {"state", mine.state}}, a);
  EXPECT_EQ(ok.status, 200) << ok.text;
  EXPECT_EQ(ok.body["connected"], true);
}

TEST(OAuthSecurity, DeniedConsentConsumesTheStateAndShowsAFailurePage) {
  FakeUpstreams fakes({"--scenario", "google_denied"});
  Server server(settings(fakes), {}, "oauthsec");
  const std::string s = server.account("denied@example.com");
  const Begun b = begin(server, "google", s);
  ASSERT_FALSE(b.callback.empty()) << b.reply.text;
  EXPECT_EQ(param(b.callback, "error"), "access_denied") << b.callback;
  EXPECT_EQ(param(b.callback, "code"), "");
  const Reply page = callback(server, b.callback, false);
  EXPECT_EQ(page.status, 400) << page.text;
  EXPECT_NE(page.header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page.text.find("Not connected"), std::string::npos) << page.text;
  EXPECT_NE(page.text.find("access_denied"), std::string::npos);
  EXPECT_NE(page.text.find("\"success\":false"), std::string::npos) << page.text;
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM oauth_states WHERE consumed_at IS NOT NULL AND state_hash = '" +
                                     sha256_hex(b.state) + "'"),
            1);
  const Reply replay = callback(server, b.callback);
  EXPECT_EQ(replay.body.value("code", ""), "state_already_used") << replay.text;
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 0);
}

TEST(OAuthSecurity, StateIsStoredHashedAndPkceIsS256WithTheVerifierNeverInClear) {
  FakeUpstreams fakes;
  Server server(settings(fakes), {}, "oauthsec");
  const std::string s = server.account("pkce@example.com");
  std::vector<std::string> states, verifiers;
  std::vector<std::string> urls;
  for (const char* p : {"google", "hubspot"}) {
    const Begun b = begin(server, p, s);
    ASSERT_FALSE(b.callback.empty()) << p << ": " << b.reply.text;
    states.push_back(b.state);
    urls.push_back(b.auth_url);
    urls.push_back(b.callback);
    EXPECT_EQ(param(b.auth_url, "code_challenge_method"), "S256") << b.auth_url;
    const std::string challenge = param(b.auth_url, "code_challenge");
    EXPECT_EQ(challenge.size(), 43u) << b.auth_url;
    EXPECT_EQ(param(b.auth_url, "state"), b.state);
    // Stored hashed, the verifier sealed: neither raw value in the row.
    EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM oauth_states WHERE state_hash = '" + sha256_hex(b.state) + "'"), 1) << p;
    EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM oauth_states WHERE state_hash = '" + b.state + "'"), 0);
    const std::string sealed =
        sql_text(server.db(), "SELECT verifier_sealed FROM oauth_states WHERE state_hash = '" + sha256_hex(b.state) + "'");
    EXPECT_EQ(sealed.rfind("glint:v1:", 0), 0u) << sealed;
    const Reply r = callback(server, b.callback);
    ASSERT_EQ(r.status, 200) << p << ": " << r.text;
    // The fake was sent the verifier whose S256 is the challenge of the authorize URL.
    std::string verifier;
    for (const json& q : fakes.requests()) {
      const auto form = pairs_of(q.value("body", std::string()));
      auto g = form.find("grant_type");
      auto v = form.find("code_verifier");
      auto c = form.find("code");
      if (g != form.end() && g->second == "authorization_code" && v != form.end() && c != form.end() &&
          c->second == param(b.callback, "code"))
        verifier = v->second;
    }
    ASSERT_FALSE(verifier.empty()) << p << ": no code_verifier in the token request";
    EXPECT_GE(verifier.size(), 43u);
    EXPECT_LE(verifier.size(), 128u);
    EXPECT_EQ(s256(verifier), challenge) << p;
    verifiers.push_back(verifier);
  }
  // Meta and Mailchimp take no PKCE: the state alone, sealed verifier empty.
  for (const char* p : {"meta", "mailchimp"}) {
    const Begun b = begin(server, p, s);
    ASSERT_FALSE(b.callback.empty()) << p;
    states.push_back(b.state);
    urls.push_back(b.auth_url);
    urls.push_back(b.callback);
    EXPECT_EQ(sql_text(server.db(), "SELECT verifier_sealed FROM oauth_states WHERE state_hash = '" + sha256_hex(b.state) + "'"), "");
  }
  // No verifier in any URL: the authorize URLs, the callbacks, any request glint made.
  for (const std::string& u : urls) {
    EXPECT_EQ(u.find("code_verifier"), std::string::npos) << u;
    for (const std::string& v : verifiers) { EXPECT_EQ(u.find(v), std::string::npos) << u; }
  }
  for (const json& q : fakes.requests()) {
    const std::string query = q.value("query", std::string());
    EXPECT_EQ(query.find("code_verifier"), std::string::npos) << q.dump();
    for (const std::string& v : verifiers) { EXPECT_EQ(query.find(v), std::string::npos) << q.dump(); }
  }
  server.stop(SIGTERM);
  for (const char* f : {"glint.db", "glint.db-wal"}) {
    const auto path = server.dir() / "data" / f;
    if (!std::filesystem::exists(path)) continue;
    const std::string bytes = file_bytes(path);
    for (const std::string& st : states) { EXPECT_EQ(bytes.find(st), std::string::npos) << f << " holds a raw state"; }
    for (const std::string& v : verifiers) { EXPECT_EQ(bytes.find(v), std::string::npos) << f << " holds a PKCE verifier"; }
  }
}

// ---------------------------------------------------------------------------
// Redirects and the callback page

TEST(OAuthSecurity, ReturnToMustBeAnAllowedOrigin) {
  FakeUpstreams fakes;
  Server server(settings(fakes), {}, "oauthsec");
  const std::string s = server.account("return@example.com");
  for (const std::string& bad :
       {std::string("https://evil.example.net/x"), std::string("https://app.example.com/x"), std::string("javascript:alert(1)"),
        std::string("//evil.example.net/x"), std::string("https://127.0.0.1@evil.example.net/"),
        "http://127.0.0.1:" + std::to_string(server.port()) + ".evil.example.net/x"}) {
    const Reply r = server.get("/api/oauth/google/auth-url?return_to=" + pct_encode(bad), s);
    EXPECT_EQ(r.status, 422) << bad << ": " << r.text;
    EXPECT_EQ(r.body.value("code", ""), "invalid_parameter") << r.text;
  }
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM oauth_states"), 0);
  // This server's own origin is allowed.
  const Reply own =
      server.get("/api/oauth/google/auth-url?return_to=" + pct_encode("http://127.0.0.1:" + std::to_string(server.port()) + "/done"), s);
  EXPECT_EQ(own.status, 200) << own.text;
}

TEST(OAuthSecurity, CallbackPageGoesOnlyToTheAllowedOriginAndLeaksNothing) {
  FakeUpstreams fakes;
  const std::string pub = "https://glint.example.com";
  Server server(settings(fakes, {"GLINT_FRONTEND_ORIGINS=https://app.example.com", "GLINT_PUBLIC_URL=" + pub + "/"}), {}, "oauthsec");
  const std::string s = server.account("page@example.com");
  // The redirect URI is exactly the public URL's, for every provider.
  for (const char* p : kProviders) {
    const Reply r = server.get(std::string("/api/oauth/") + p + "/auth-url", s);
    ASSERT_EQ(r.status, 200) << p << ": " << r.text;
    const std::string want = pub + "/api/oauth/" + p + "/callback";
    EXPECT_EQ(r.body.value("redirect_uri", ""), want);
    EXPECT_EQ(param(r.body.value("auth_url", ""), "redirect_uri"), want) << r.body.value("auth_url", "");
  }
  EXPECT_EQ(server.get("/api/oauth/google/auth-url?return_to=" + pct_encode("https://evil.example.net/x"), s).status, 422);
  EXPECT_EQ(server.get("/api/oauth/google/auth-url?return_to=" + pct_encode("https://app.example.com.evil.net/x"), s).status, 422);
  EXPECT_EQ(server.get("/api/oauth/google/auth-url?return_to=" + pct_encode("http://app.example.com/x"), s).status, 422);

  for (const char* p : kProviders) {
    SCOPED_TRACE(p);
    const Begun b = begin(server, p, s, "return_to=" + pct_encode("https://app.example.com/x"));
    ASSERT_EQ(b.reply.status, 200) << b.reply.text;
    ASSERT_EQ(b.callback.rfind(pub + "/api/oauth/" + p + "/callback?", 0), 0u) << b.callback;
    const std::string code = param(b.callback, "code");
    ASSERT_FALSE(code.empty());
    const Reply page = callback(server, b.callback, false);
    ASSERT_EQ(page.status, 200) << page.text;
    EXPECT_NE(page.header("Content-Type").find("text/html"), std::string::npos);
    // Headers: CSP with a nonce, no inline allowance; no referrer; no caching.
    const std::string csp = page.header("Content-Security-Policy");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(csp, m, std::regex("script-src 'nonce-([A-Za-z0-9+/=_-]{16,})'"))) << csp;
    const std::string nonce = m[1];
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_EQ(page.header("Referrer-Policy"), "no-referrer");
    EXPECT_NE(page.header("Cache-Control").find("no-store"), std::string::npos);
    // Every script carries the nonce.
    size_t scripts = 0;
    for (size_t pos = page.text.find("<script"); pos != std::string::npos; pos = page.text.find("<script", pos + 1)) {
      ++scripts;
      EXPECT_EQ(page.text.compare(pos, 15 + nonce.size(), "<script nonce=\"" + nonce), 0) << page.text.substr(pos, 60);
    }
    EXPECT_GE(scripts, 1u);
    // Posted and redirected only to the allowed origin.
    EXPECT_NE(page.text.find("\"https://app.example.com\""), std::string::npos) << page.text;
    EXPECT_NE(page.text.find("\"https://app.example.com/x?glint_oauth=" + std::string(p) + "\\u0026status=connected\""), std::string::npos)
        << page.text;
    EXPECT_EQ(page.text.find("postMessage(m,\"*\")"), std::string::npos);
    EXPECT_EQ(page.text.find("\"*\""), std::string::npos) << page.text;
    EXPECT_EQ(page.text.find("glint.example.com"), std::string::npos) << page.text;
    EXPECT_EQ(page.text.find("127.0.0.1"), std::string::npos) << page.text;
    // Neither the code nor any token.
    EXPECT_EQ(page.text.find(code), std::string::npos) << page.text;
    for (const std::string& t : secrets_sent(fakes.requests())) { EXPECT_EQ(page.text.find(t), std::string::npos) << t; }
  }
  // Without return_to the page posts to the public URL's origin and does not navigate.
  const Begun plain = begin(server, "mailchimp", s);
  ASSERT_FALSE(plain.callback.empty());
  const Reply page = callback(server, plain.callback, false);
  EXPECT_NE(page.text.find("o=\"" + pub + "\""), std::string::npos) << page.text;
  EXPECT_NE(page.text.find("b=\"\""), std::string::npos) << page.text;
  // A failure goes back to the allowed origin only, marked failed.
  fakes.scenario("hubspot_denied");
  const Begun denied = begin(server, "hubspot", s, "return_to=" + pct_encode("https://app.example.com/y?z=1"));
  ASSERT_FALSE(denied.callback.empty());
  const Reply fail = callback(server, denied.callback, false);
  EXPECT_EQ(fail.status, 400);
  EXPECT_NE(fail.text.find("\"https://app.example.com/y?z=1\\u0026glint_oauth=hubspot\\u0026status=failed\""), std::string::npos) << fail.text;
  EXPECT_EQ(fail.header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(fail.header("Content-Security-Policy").find("unsafe-inline"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Secrets

TEST(OAuthSecurity, SecretsAreOnlyOnTheAuditedInternalRoute) {
  FakeUpstreams fakes;
  const std::filesystem::path log =
      std::filesystem::temp_directory_path() / ("glint_oauthsec_" + std::to_string(getpid()) + ".log");
  Server server(settings(fakes, {"GLINT_INTERNAL_API_KEY=" + kInternalKey, "GLINT_ACCESS_LOG=" + log.string()}), {}, "oauthsec");
  std::vector<std::pair<std::string, Reply>> seen;  // every response a user could get
  auto keep = [&seen](const std::string& what, const Reply& r) {
    seen.push_back({what, r});
    return r;
  };
  // A member who has a connection of their own before joining the workspace.
  const std::string member = server.account("sec-member@example.com");
  ASSERT_EQ(keep("member brevo", server.post("/api/oauth/brevo/save-api-key", {{"api_key", kBrevoKey}}, member)).status, 200);
  const std::string owner = server.account("sec-owner@example.com");
  const std::string tid = id_of(server.post("/api/tenants", {{"name", "Secret Co"}}, owner));
  ASSERT_FALSE(tid.empty());
  const Reply inv = server.post("/api/tenants/" + tid + "/invites", {{"email", "sec-member@example.com"}}, owner);
  ASSERT_EQ(server.post("/api/invites/" + inv.body.value("token", "") + "/accept", json::object(), member).status, 200);
  for (const char* p : kProviders) {
    const Reply r = keep(std::string("callback ") + p, connect(server, p, owner, "tenant_id=" + tid));
    ASSERT_EQ(r.status, 200) << p << ": " << r.text;
  }
  ASSERT_EQ(keep("brevo", server.post("/api/oauth/brevo/save-api-key", {{"api_key", kBrevoKey}, {"tenant_id", tid}}, owner)).status, 200);
  // Refreshes, so refresh tokens and exchanged tokens travel too.
  for (const char* p : {"google_ads", "meta_ads", "hubspot", "mailchimp", "brevo"}) {
    const Reply r = keep(std::string("refresh ") + p, server.post(std::string("/api/platform/") + p + "/refresh", {{"tenant_id", tid}}, owner));
    EXPECT_EQ(r.status, 200) << p << ": " << r.text;
  }
  const std::string q = "?tenant_id=" + tid;
  std::vector<std::string> routes = {"/api/auth/me", "/api/session/validate", "/api/tenants", "/api/tenants/current",
                                     "/api/tenants/" + tid, "/api/tenants/" + tid + "/integrations", "/api/auth/platforms",
                                     "/api/onboarding/available-platforms", "/api/onboarding/status", "/api/accounts/available" + q,
                                     "/api/accounts/sync-status" + q, "/api/google/accounts/discovered" + q,
                                     "/api/oauth/google/ad-accounts" + q, "/api/oauth/meta/accounts/available" + q,
                                     "/api/oauth/meta/organic/facebook-pages" + q, "/api/oauth/meta/credentials-status" + q,
                                     "/meta-oauth/credentials-status" + q, "/api/oauth/hubspot/accounts" + q,
                                     "/api/oauth/mailchimp/accounts" + q, "/api/oauth/brevo/accounts" + q, "/api/brevo/status" + q};
  for (const char* p : kProviders) {
    routes.push_back(std::string("/api/oauth/") + p + "/status" + q);
    routes.push_back(std::string("/api/oauth/") + p + "/user-info" + q);
  }
  for (const char* p : {"google_ads", "ga4", "meta_ads", "facebook", "hubspot", "mailchimp", "brevo"})
    routes.push_back(std::string("/api/platform/") + p + "/status" + q);
  for (const std::string& r : routes) {
    for (const std::string& who : {owner, member}) {
      const Reply got = keep(r, server.get(r, who));
      if (who == owner) { EXPECT_EQ(got.status, 200) << r << ": " << got.text; }
    }
  }
  const std::string owner_id = user_id_of(server, owner), member_id = user_id_of(server, member);
  ASSERT_FALSE(owner_id.empty());
  keep("internal clients", server.request("GET", "/api/internal/clients", nullptr, "", {{"X-API-Key", kInternalKey}}));
  keep("internal accounts",
       server.request("GET", "/api/internal/clients/" + owner_id + "/accounts", nullptr, "", {{"X-API-Key", kInternalKey}}));

  // What glint sent the upstreams: the secrets to look for.
  const json sent = fakes.requests();
  std::set<std::string> secrets = secrets_sent(sent);
  for (const std::string& c : kClientSecrets) secrets.insert(c);
  secrets.insert(kBrevoKey);
  // Meta: a token never in a URL.
  size_t meta_calls = 0;
  for (const json& r : sent) {
    const std::string path = r.value("path", ""), query = r.value("query", "");
    if (std::regex_search(path, std::regex("^/v[0-9]+\\.0/"))) ++meta_calls;
    EXPECT_EQ(query.find("access_token="), std::string::npos) << r.dump();
    EXPECT_EQ(query.find("refresh_token="), std::string::npos) << r.dump();
    EXPECT_EQ(query.find("input_token="), std::string::npos) << r.dump();
  }
  EXPECT_GE(meta_calls, 4u);

  // The internal route: the owner's workspace secrets, all of them open.
  const int64_t audits = sql_int(server.db(), "SELECT COUNT(*) FROM audit_log");
  const Reply creds = internal_credentials(server, owner_id);
  ASSERT_EQ(creds.status, 200) << creds.text;
  EXPECT_NE(creds.header("Cache-Control").find("no-store"), std::string::npos);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM audit_log"), audits + 1);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM audit_log WHERE action = 'credentials.read' AND target = 'user:" + owner_id +
                                     "'"),
            1);
  std::map<std::string, json> by_platform;
  for (const json& c : creds.body["credentials"]) by_platform[c.value("platform", "")] = c;
  EXPECT_EQ(creds.body.value("total", 0), 5) << creds.text;
  for (const char* p : {"google", "meta", "hubspot", "mailchimp", "brevo"}) {
    ASSERT_TRUE(by_platform.count(p)) << p << ": " << creds.text;
    const json& c = by_platform[p]["credentials"];
    ASSERT_TRUE(c.is_object()) << p << " does not open: " << creds.text;
    EXPECT_EQ(by_platform[p]["owner"]["id"], tid);
    if (std::string(p) == "brevo") {
      EXPECT_EQ(c.value("api_key", ""), kBrevoKey);
    } else {
      EXPECT_FALSE(c.value("access_token", "").empty()) << p;
    }
  }
  // The tokens glint last used are the ones stored.
  EXPECT_TRUE(secrets.count(by_platform["google"]["credentials"].value("refresh_token", ""))) << "google refresh token never sent?";
  EXPECT_TRUE(secrets.count(by_platform["hubspot"]["credentials"].value("refresh_token", "")));
  std::set<std::string> stored;
  strings_of(creds.body["credentials"], stored);
  for (const json& c : creds.body["credentials"]) {
    if (!c["credentials"].is_object()) continue;
    for (const char* k : {"access_token", "refresh_token", "api_key"}) {
      const std::string v = c["credentials"].value(k, "");
      if (!v.empty()) secrets.insert(v);
    }
  }
  // Without the key, or with a wrong one: 401.
  EXPECT_EQ(internal_credentials(server, owner_id, "").status, 401);
  EXPECT_EQ(internal_credentials(server, owner_id, "wrong-key").status, 401);
  EXPECT_EQ(server.request("GET", "/api/internal/clients/" + owner_id + "/credentials", nullptr, owner).status, 401);
  // A member gets their own connection only, not the workspace's.
  const int64_t before_member = sql_int(server.db(), "SELECT COUNT(*) FROM audit_log");
  const Reply mine = internal_credentials(server, member_id);
  ASSERT_EQ(mine.status, 200) << mine.text;
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM audit_log"), before_member + 1);
  EXPECT_EQ(mine.body.value("total", 0), 1) << mine.text;
  for (const json& c : mine.body["credentials"]) {
    EXPECT_EQ(c["owner"]["kind"], "user") << mine.text;
    EXPECT_EQ(c["owner"]["id"], member_id);
    EXPECT_EQ(c["platform"], "brevo");
  }
  for (const std::string& t : secrets) {
    if (t != kBrevoKey) { EXPECT_EQ(mine.text.find(t), std::string::npos) << "a workspace secret returned for a member"; }
  }
  // An unknown client: 404, audited too.
  const int64_t before_unknown = sql_int(server.db(), "SELECT COUNT(*) FROM audit_log");
  EXPECT_EQ(internal_credentials(server, "0123456789abcdef0123456789abcdef").status, 404);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM audit_log"), before_unknown + 1);
  // The audit log itself names connections, not secrets.
  keep("audit", Reply{200, json(), sql_text(server.db(), "SELECT group_concat(detail || target || actor, ' ') FROM audit_log"), {}});

  ASSERT_GE(secrets.size(), 12u);
  for (const auto& [what, r] : seen) {
    for (const std::string& t : secrets) {
      if (t.size() < 8) continue;
      EXPECT_EQ(r.text.find(t), std::string::npos) << what << " returned a secret: " << t.substr(0, 12) << "…";
    }
  }
  server.stop(SIGTERM);
  const std::string access_log = file_bytes(log);
  EXPECT_FALSE(access_log.empty());
  for (const std::string& t : secrets) {
    EXPECT_EQ(access_log.find(t), std::string::npos) << "access log holds " << t.substr(0, 12) << "…";
    for (const char* f : {"glint.db", "glint.db-wal", "glint.db-shm"}) {
      const auto p = server.dir() / "data" / f;
      if (std::filesystem::exists(p)) {
        EXPECT_EQ(file_bytes(p).find(t), std::string::npos) << f << " holds " << t.substr(0, 12) << "…";
      }
    }
  }
  std::filesystem::remove(log);
}

// Stricter than the brief's access_token check: the code exchange and the
// long-lived exchange carry the app secret and the user's token; they belong
// in a POST body, never in a URL (RFC 9700 §4.3.2; Meta accepts POST).
TEST(OAuthSecurity, MetaTokenExchangesKeepSecretsOutOfUrls) {
  FakeUpstreams fakes;
  Server server(settings(fakes), {}, "oauthsec");
  const std::string s = server.account("meta-url@example.com");
  ASSERT_EQ(connect(server, "meta", s).status, 200);
  ASSERT_EQ(server.post("/api/platform/meta_ads/refresh", json::object(), s).status, 200);
  size_t exchanges = 0;
  for (const json& r : fakes.requests()) {
    const std::string path = r.value("path", ""), query = r.value("query", "");
    if (path.find("/oauth/access_token") == std::string::npos) continue;
    ++exchanges;
    for (const char* k : {"client_secret=", "fb_exchange_token=", "access_token=", "code="}) {
      EXPECT_EQ(query.find(k), std::string::npos) << r.value("method", "") << " " << path << " carries " << k << " in its URL";
    }
  }
  EXPECT_GE(exchanges, 3u);
}

TEST(OAuthSecurity, InternalCredentialsRouteIsAbsentWithoutAKey) {
  FakeUpstreams fakes;
  Server server(settings(fakes), {}, "oauthsec");
  const std::string s = server.account("nokey@example.com");
  ASSERT_EQ(server.post("/api/oauth/brevo/save-api-key", {{"api_key", kBrevoKey}}, s).status, 200);
  const std::string uid = user_id_of(server, s);
  const int64_t audits = sql_int(server.db(), "SELECT COUNT(*) FROM audit_log");
  for (const std::string& key : {std::string(""), std::string("anything"), kInternalKey}) {
    const Reply r = internal_credentials(server, uid, key);
    EXPECT_EQ(r.status, 404) << r.text;
    EXPECT_EQ(r.text.find(kBrevoKey), std::string::npos);
  }
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM audit_log"), audits);
}

// ---------------------------------------------------------------------------
// Durability

// The credential documents by platform, from the internal route; fails when
// any does not open.
std::map<std::string, json> stored_secrets(const Server& s, const std::string& uid) {
  std::map<std::string, json> out;
  const Reply r = internal_credentials(s, uid);
  EXPECT_EQ(r.status, 200) << r.text;
  if (!r.body.is_object() || !r.body.contains("credentials")) return out;
  for (const json& c : r.body["credentials"]) {
    EXPECT_TRUE(c["credentials"].is_object()) << c.value("platform", "") << " does not open after the crash";
    EXPECT_EQ(c.value("status", ""), "active") << c.dump();
    out[c.value("platform", "")] = c["credentials"];
  }
  return out;
}

TEST(OAuthDurability, KillDuringAGoogleRefreshLosesNothing) {
  FakeUpstreams fakes({"--scenario", "google_short_tokens"});
  Server server(settings(fakes, {"GLINT_INTERNAL_API_KEY=" + kInternalKey}), {}, "oauthdur");
  const std::string s = server.account("kill-refresh@example.com");
  ASSERT_EQ(connect(server, "google", s).status, 200);
  const std::string uid = user_id_of(server, s);
  const json before = stored_secrets(server, uid)["google"];
  ASSERT_FALSE(before.value("refresh_token", "").empty());
  // The access token is as good as expired (2 s): the next use refreshes, slowly.
  fakes.scenario("google_slow_token");
  const size_t skip = fakes.requests().size();
  Reply during;
  std::thread t([&] { during = server.get("/api/oauth/google/user-info", s); });
  const bool arrived = wait_for_request(fakes, [](const json& r) { return is_refresh(r, "/token"); }, skip);
  server.stop(SIGKILL);
  t.join();
  ASSERT_TRUE(arrived) << "the refresh never reached the fake";
  EXPECT_EQ(during.status, 0) << "the request finished before the kill: " << during.text;
  fakes.scenario("google_slow_token", false);
  server.restart_with({});
  const auto after = stored_secrets(server, uid);
  ASSERT_TRUE(after.count("google"));
  EXPECT_EQ(after.at("google").value("refresh_token", ""), before.value("refresh_token", ""));
  // Still works: a refresh succeeds and the connection is active.
  const Reply who = server.get("/api/oauth/google/user-info", s);
  EXPECT_EQ(who.status, 200) << who.text;
  const Reply forced = server.post("/api/platform/google_ads/refresh", json::object(), s);
  EXPECT_EQ(forced.status, 200) << forced.text;
  EXPECT_EQ(forced.body.value("refreshed", false), true) << forced.text;
  const Reply st = server.get("/api/oauth/google/status", s);
  EXPECT_EQ(st.body.value("status", ""), "active") << st.text;
  EXPECT_EQ(sql_text(server.db(), "PRAGMA integrity_check"), "ok");
}

TEST(OAuthDurability, KillDuringARotatingHubSpotRefreshLosesNothing) {
  FakeUpstreams fakes({"--scenario", "hubspot_rotate"});
  Server server(settings(fakes, {"GLINT_INTERNAL_API_KEY=" + kInternalKey}), {}, "oauthdur");
  const std::string s = server.account("kill-hubspot@example.com");
  ASSERT_EQ(connect(server, "hubspot", s).status, 200);
  const std::string uid = user_id_of(server, s);
  const std::string rt1 = stored_secrets(server, uid)["hubspot"].value("refresh_token", "");
  ASSERT_FALSE(rt1.empty());
  // One rotation that glint stores, so the grace period is the fake's, not the first grant's.
  ASSERT_EQ(server.post("/api/platform/hubspot/refresh", json::object(), s).status, 200);
  const std::string rt2 = stored_secrets(server, uid)["hubspot"].value("refresh_token", "");
  EXPECT_NE(rt2, rt1) << "hubspot_rotate gave no new refresh token";
  fakes.scenario("hubspot_slow_token");
  const size_t skip = fakes.requests().size();
  Reply during;
  std::thread t([&] { during = server.post("/api/platform/hubspot/refresh", json::object(), s); });
  const bool arrived = wait_for_request(fakes, [](const json& r) { return is_refresh(r, "/token"); }, skip);
  const auto arrival = std::chrono::steady_clock::now();
  server.stop(SIGKILL);
  t.join();
  ASSERT_TRUE(arrived) << "the refresh never reached the fake";
  EXPECT_EQ(during.status, 0) << "the refresh finished before the kill: " << during.text;
  // The fake finishes the killed refresh 4 s after it arrived (rotating the
  // token glint never learnt); only then go on.
  std::this_thread::sleep_until(arrival + std::chrono::milliseconds(4500));
  fakes.scenario("hubspot_slow_token", false);
  server.restart_with({});
  const auto after = stored_secrets(server, uid);
  ASSERT_TRUE(after.count("hubspot"));
  EXPECT_EQ(after.at("hubspot").value("refresh_token", ""), rt2) << "glint stored a token it never received?";
  // The old refresh token is still in its grace period: refreshes work, twice.
  for (int i = 0; i < 2; ++i) {
    const Reply r = server.post("/api/platform/hubspot/refresh", json::object(), s);
    EXPECT_EQ(r.status, 200) << r.text;
    EXPECT_EQ(r.body.value("refreshed", false), true) << r.text;
  }
  EXPECT_NE(stored_secrets(server, uid)["hubspot"].value("refresh_token", ""), rt2);
  EXPECT_EQ(server.get("/api/oauth/hubspot/user-info", s).status, 200);
  const Reply st = server.get("/api/oauth/hubspot/status", s);
  EXPECT_EQ(st.body.value("status", ""), "active") << st.text;
}

TEST(OAuthDurability, KillDuringRotateKeyKeepsEveryConnection) {
  FakeUpstreams fakes;
  Server server(settings(fakes, {"GLINT_INTERNAL_API_KEY=" + kInternalKey}), {}, "oauthdur");
  const std::string s = server.account("kill-rotate@example.com");
  const std::string tid = id_of(server.post("/api/tenants", {{"name", "Rotate Co"}}, s));
  ASSERT_FALSE(tid.empty());
  for (const char* p : kProviders) { ASSERT_EQ(connect(server, p, s, "tenant_id=" + tid).status, 200) << p; }
  ASSERT_EQ(server.post("/api/oauth/brevo/save-api-key", {{"api_key", kBrevoKey}, {"tenant_id", tid}}, s).status, 200);
  const std::string uid = user_id_of(server, s);
  const auto before = stored_secrets(server, uid);
  ASSERT_EQ(before.size(), 5u);
  const std::string dir = (server.dir() / "data").string();
  // Many more credentials, so a rotation takes long enough to be cut.
  {
    auto vault = native::Vault::load({dir, "", "", ""});
    ASSERT_TRUE(vault.ok());
    native::Store store(server.db().string(), 2);
    const int64_t user = sql_int(server.db(), "SELECT MIN(id) FROM users");
    for (int i = 0; i < 3000; ++i) {
      store.save_credential("user", 2000000 + i, "brevo", "acct" + std::to_string(i), "x@example.com", "{}", user, std::nullopt,
                            [&](const std::string& pid) {
                              return std::make_pair(static_cast<int64_t>(vault.value().current_key_id()),
                                                    vault.value().seal("{\"api_key\":\"k" + std::to_string(i) + "\"}",
                                                                       native::credential_aad("user", 2000000 + i, "brevo", pid)));
                            });
    }
  }
  server.stop(SIGKILL);
  for (int delay : {5, 30, 80, 150, 300, 600}) {
    Process rot({GLINT_BINARY, "rotate-key", "--data-dir", dir});
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    rot.stop(SIGKILL);
    const auto [rc, out] = run_glint("rotate-key --check --data-dir " + dir);
    EXPECT_EQ(rc, 0) << "after a kill at " << delay << " ms: " << out;
    EXPECT_EQ(sql_text(server.db(), "PRAGMA integrity_check"), "ok");
  }
  server.restart_with({});
  const auto after = stored_secrets(server, uid);
  ASSERT_EQ(after.size(), 5u);
  for (const auto& [p, doc] : before) { EXPECT_EQ(after.at(p), doc) << p << " changed across the rotation"; }
  for (const char* p : kProviders) {
    const Reply st = server.get(std::string("/api/oauth/") + p + "/status?tenant_id=" + tid, s);
    EXPECT_EQ(st.body.value("status", ""), "active") << p << ": " << st.text;
    EXPECT_EQ(server.get(std::string("/api/oauth/") + p + "/user-info?tenant_id=" + tid, s).status, 200) << p;
  }
  // A refresh after the rotation is sealed under the newest key.
  auto current = [&dir] {
    auto v = native::Vault::load({dir, "", "", ""});
    return v.ok() ? v.value().current_key_id() : -1;
  };
  const int newest = current();
  ASSERT_GT(newest, 0);
  for (const char* p : {"google_ads", "hubspot", "meta_ads"}) {
    const Reply r = server.post(std::string("/api/platform/") + p + "/refresh", {{"tenant_id", tid}}, s);
    EXPECT_EQ(r.status, 200) << p << ": " << r.text;
    EXPECT_EQ(r.body.value("refreshed", false), true) << r.text;
  }
  for (const char* p : {"google", "hubspot", "meta"}) {
    EXPECT_EQ(sql_int(server.db(), std::string("SELECT key_id FROM credentials WHERE provider = '") + p + "' AND owner_kind = 'tenant'"),
              newest)
        << p;
  }
  // A whole rotation while serving, then another refresh: the new key again.
  const auto [rc, out] = run_glint("rotate-key --data-dir " + dir);
  ASSERT_EQ(rc, 0) << out;
  const int rotated = current();
  EXPECT_GT(rotated, newest);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(DISTINCT key_id) FROM credentials"), 1);
  const Reply r = server.post("/api/platform/google_ads/refresh", {{"tenant_id", tid}}, s);
  EXPECT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(sql_int(server.db(), "SELECT key_id FROM credentials WHERE provider = 'google'"), rotated);
  const auto last = stored_secrets(server, uid);
  EXPECT_EQ(last.size(), 5u);
  EXPECT_EQ(last.at("brevo").value("api_key", ""), kBrevoKey);
}

}  // namespace
}  // namespace glint::testing
