// Mailchimp: OAuth 2 on login.mailchimp.com (authorize, token, metadata with
// `Authorization: OAuth …`) and the Marketing API root GET /3.0/ with Bearer
// (platform-apis.md §6). Errors are RFC 7807 problem documents.
#include <cctype>
#include <string>

#include "fake.h"

namespace fake {

namespace {

constexpr const char* kClientId = "fake-mailchimp-client";
constexpr const char* kClientSecret = "fake-mailchimp-secret";
constexpr const char* kProblemType = "https://mailchimp.com/developer/marketing/docs/errors/";

struct User {
  int64_t user_id;
  const char* dc;
  const char* account_name;
  const char* login_name;
  const char* email;
  const char* account_id;
  const char* first_name;
  const char* last_name;
  const char* time_zone;
  int64_t total_subscribers;
};

const User kUsers[] = {
    {81000001, "us19", "Shop A", "ada", "ada@example.com", "8d3a3db4d97663a9074efcc16", "Ada",
     "Lovelace", "Europe/Paris", 1234},
    {81000002, "us7", "Shop B", "bob", "bob@example.com", "3f0c2b9e71a4d5c8e6b1a7d20", "Bob",
     "Marley", "America/New_York", 56},
};

struct Code {
  std::string redirect_uri;
  const User* user;
  bool used = false;
};

// The tables; `mu` guards both.
struct Tables {
  std::mutex mu;
  std::map<std::string, Code> codes;
  std::map<std::string, const User*> tokens;
};

std::string escape(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

void problem(State& st, httplib::Response& res, int status, const char* title, const char* detail) {
  send_json(res, status,
            {{"type", kProblemType},
             {"title", title},
             {"status", status},
             {"detail", detail},
             {"instance", opaque(st, "")}},
            "application/problem+json");
}

void invalid_key(State& st, httplib::Response& res) {
  problem(st, res, 401, "API Key Invalid",
          "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
}

// The user behind `token`, or nullptr (unknown, or revoked by the scenario).
const User* user_of(State& st, Tables& t, const std::string& token) {
  if (token.empty() || st.on("mailchimp_revoked")) return nullptr;
  std::lock_guard<std::mutex> lock(t.mu);
  auto it = t.tokens.find(token);
  return it == t.tokens.end() ? nullptr : it->second;
}

bool malformed(State& st, httplib::Response& res) {
  if (!st.on("mailchimp_malformed")) return false;
  res.set_content("{\"dc\": \"us1", "application/json");
  return true;
}

}  // namespace

void serve_mailchimp(httplib::Server& s, State& st) {
  static Tables t;

  s.Get("/oauth2/authorize", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const std::string redirect = req.get_param_value("redirect_uri");
    if (req.get_param_value("response_type") != "code" ||
        req.get_param_value("client_id") != kClientId || redirect.empty()) {
      res.status = 400;
      res.set_content("<html><body>Invalid OAuth request</body></html>", "text/html");
      return;
    }
    const std::string back = redirect + (redirect.find('?') == std::string::npos ? "?" : "&");
    const std::string state = req.get_param_value("state");
    if (st.on("mailchimp_denied")) {
      res.set_redirect(back + "error=access_denied&state=" + escape(state));
      return;
    }
    const User* user = st.first("mailchimp_second_user") ? &kUsers[1] : &kUsers[0];
    const std::string code = opaque(st, "mc");
    {
      std::lock_guard<std::mutex> lock(t.mu);
      t.codes[code] = {redirect, user};
    }
    res.set_redirect(back + "code=" + escape(code) + "&state=" + escape(state));
  });

  s.Post("/oauth2/token", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (req.get_param_value("grant_type") != "authorization_code") {
      send_json(res, 400,
                {{"error", "unsupported_grant_type"},
                 {"error_description", "grant_type must be authorization_code"}});
      return;
    }
    std::lock_guard<std::mutex> lock(t.mu);
    auto it = t.codes.find(req.get_param_value("code"));
    // Mailchimp answers invalid_grant for a wrong secret as for a wrong code.
    if (req.get_param_value("client_id") != kClientId ||
        req.get_param_value("client_secret") != kClientSecret || it == t.codes.end() ||
        it->second.used || it->second.redirect_uri != req.get_param_value("redirect_uri")) {
      send_json(res, 400,
                {{"error", "invalid_grant"}, {"error_description", "Invalid authorization code"}});
      return;
    }
    it->second.used = true;
    std::string token = opaque(st, "");
    while (token.size() < 32) token += opaque(st, "");
    t.tokens[token] = it->second.user;
    send_json(res, 200, {{"access_token", token}, {"expires_in", 0}, {"scope", nullptr}});
  });

  s.Get("/oauth2/metadata", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const User* user = user_of(st, t, bearer(req, "OAuth"));
    if (user == nullptr) {
      invalid_key(st, res);
      return;
    }
    if (malformed(st, res)) return;
    const std::string endpoint =
        st.on("mailchimp_bad_endpoint") ? "https://evil.example.net" : st.base_url;
    send_json(res, 200,
              {{"dc", user->dc},
               {"role", "owner"},
               {"accountname", user->account_name},
               {"user_id", user->user_id},
               {"login",
                {{"email", user->email},
                 {"avatar", nullptr},
                 {"login_id", user->user_id},
                 {"login_name", user->login_name},
                 {"login_email", user->email}}},
               {"login_url", st.base_url},
               {"api_endpoint", endpoint}});
  });

  auto root = [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (st.first("mailchimp_429_once")) {
      // Mailchimp limits concurrency and sends no rate-limit headers.
      problem(st, res, 429, "Too Many Requests",
              "You have exceeded the limit of 10 simultaneous connections.");
      return;
    }
    if (st.first("mailchimp_5xx_once")) {
      problem(st, res, 500, "Internal Server Error",
              "An unexpected internal error has occurred. Please contact Support for more "
              "information.");
      return;
    }
    const User* user = user_of(st, t, bearer(req));
    if (user == nullptr) {
      invalid_key(st, res);
      return;
    }
    if (malformed(st, res)) return;
    send_json(res, 200,
              {{"account_id", user->account_id},
               {"login_id", std::to_string(user->user_id)},
               {"account_name", user->account_name},
               {"email", user->email},
               {"first_name", user->first_name},
               {"last_name", user->last_name},
               {"username", user->login_name},
               {"avatar_url", ""},
               {"role", "owner"},
               {"member_since", "2020-01-01T00:00:00+00:00"},
               {"pricing_plan_type", "monthly"},
               {"first_payment", "2020-02-01T00:00:00+00:00"},
               {"account_timezone", user->time_zone},
               {"account_industry", "Retail"},
               {"contact",
                {{"company", user->account_name},
                 {"addr1", "1 rue Fake"},
                 {"addr2", ""},
                 {"city", "Paris"},
                 {"state", ""},
                 {"zip", "75001"},
                 {"country", "FR"}}},
               {"pro_enabled", false},
               {"last_login", "2026-09-01T08:00:00+00:00"},
               {"total_subscribers", user->total_subscribers},
               {"industry_stats",
                {{"open_rate", 0.2134}, {"bounce_rate", 0.0071}, {"click_rate", 0.0242}}},
               {"_links", json::array()}});
  };
  s.Get("/3.0/", root);
  s.Get("/3.0", root);
}

}  // namespace fake
