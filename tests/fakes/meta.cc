// Meta: Facebook Login (manual flow) and the Graph API reads glint makes
// (platform-apis.md §4 and its corrections; README.md lists the scenarios).
//
// One registered app (kAppId / kAppSecret) and one user. Codes are one-time
// and bound to their redirect_uri; tokens live in a table with their expiry
// on the fake's clock. Stricter than Meta on one point, on purpose: a user
// token must come as `Authorization: Bearer`, and one sent as an
// access_token query parameter is refused, so a connector that forgot the
// header fails its tests.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "fake.h"

namespace fake {

namespace {

constexpr const char* kAppId = "1000000000000001";
constexpr const char* kAppSecret = "fake-meta-secret";
constexpr const char* kUserId = "10150000000000001";
constexpr int64_t kCodeLife = 600;
constexpr int64_t kShortLife = 5400;
constexpr int64_t kLongLife = 5183944;
constexpr int64_t kExpiringLife = 3 * 86400;  // scenario meta_expiring
constexpr int64_t kDataAccessLife = 90 * 86400;
constexpr int kAccountsPerPage = 2;  // at most, whatever `limit` asks
constexpr int kPagesPerPage = 1;
constexpr const char* kVersion = R"(/(v[0-9]+\.[0-9]+))";  // "/v25.0", captured

struct Grant {
  std::string redirect_uri;
  std::vector<std::string> scopes;
  int64_t expires_at = 0;
  bool used = false;
};

struct Token {
  std::vector<std::string> scopes;
  int64_t issued_at = 0, expires_at = 0, data_access_expires_at = 0;
  bool revoked = false;
};

struct Cursor {
  std::string edge;
  size_t offset = 0;
};

struct Meta {
  std::mutex mu;  // guards everything below
  std::map<std::string, Grant> codes;
  std::map<std::string, Token> tokens;
  std::map<std::string, Cursor> cursors;
  json issued = json::array();  // every `after` cursor handed out, for GET /_fake/meta/cursors
};

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

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

Pairs parse_pairs(const std::string& text) {
  Pairs out;
  size_t i = 0;
  while (i <= text.size() && !text.empty()) {
    size_t amp = text.find('&', i);
    if (amp == std::string::npos) amp = text.size();
    const std::string part = text.substr(i, amp - i);
    if (!part.empty()) {
      const size_t eq = part.find('=');
      out.emplace_back(unescape(part.substr(0, eq)),
                       eq == std::string::npos ? "" : unescape(part.substr(eq + 1)));
    }
    i = amp + 1;
  }
  return out;
}

// The parameters of the URL itself (not of a form body).
Pairs url_params(const httplib::Request& req) {
  const size_t q = req.target.find('?');
  return q == std::string::npos ? Pairs{} : parse_pairs(req.target.substr(q + 1));
}

Pairs body_params(const httplib::Request& req) {
  if (req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0)
    return {};
  return parse_pairs(req.body);
}

std::optional<std::string> get(const Pairs& p, const std::string& key) {
  for (const auto& [k, v] : p) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::string hmac_hex(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &n);
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", out[i]);
    hex += b;
  }
  return hex;
}

// "Tuesday, 08-Sep-26 10:00:00 PDT", as Meta words an expiry.
std::string pacific_time(int64_t t) {
  const time_t shifted = static_cast<time_t>(t - 7 * 3600);
  tm parts{};
  gmtime_r(&shifted, &parts);
  char buf[64];
  std::strftime(buf, sizeof buf, "%A, %d-%b-%y %H:%M:%S PDT", &parts);
  return buf;
}

// Meta's error object; token errors also carry WWW-Authenticate.
void graph_error(State& st, httplib::Response& res, int status, int code,
                 const std::string& message, int subcode = 0, const char* type = "OAuthException",
                 bool transient = false) {
  const std::string trace = opaque(st, "A");
  json e = {{"message", message}, {"type", type}, {"code", code}};
  if (subcode != 0) e["error_subcode"] = subcode;
  if (transient) e["is_transient"] = true;
  e["fbtrace_id"] = trace;
  res.set_header("x-fb-trace-id", trace);
  if (code == 190) {
    res.set_header("WWW-Authenticate",
                   "OAuth \"Facebook Platform\" \"invalid_token\" \"" + message + "\"");
  }
  send_json(res, status, json{{"error", e}});
}

void answer(State& st, httplib::Response& res, const json& body) {
  res.set_header("x-fb-trace-id", opaque(st, "A"));
  res.set_header("x-app-usage", R"({"call_count":1,"total_cputime":1,"total_time":1})");
  send_json(res, 200, body);
}

std::string expired_message(int64_t expired_at, int64_t now) {
  return "Error validating access token: Session has expired on " + pacific_time(expired_at) +
         ". The current time is " + pacific_time(now) + ".";
}

const char* kNotAuthorized =
    "Error validating access token: The user has not authorized application 1000000000000001.";
const char* kCannotParse = "Invalid OAuth access token - Cannot parse access token";

// v25.0 and later; older versions get Meta's deprecated-version error.
bool version_ok(State& st, const httplib::Request& req, httplib::Response& res) {
  const std::string v = req.matches[1];
  const int major = std::atoi(v.c_str() + 1);
  const int minor = std::atoi(v.c_str() + v.find('.') + 1);
  if (major >= 25 && minor == 0) {
    res.set_header("facebook-api-version", v);
    return true;
  }
  graph_error(st, res, 400, 2635,
              "(#2635) You are calling a deprecated version of the Ads API. Please update to the "
              "latest version: v25.0.");
  return false;
}

bool token_in_url(State& st, const httplib::Request& req, httplib::Response& res) {
  if (!get(url_params(req), "access_token")) return false;
  graph_error(st, res, 400, 100, "fake: access token in a URL");
  return true;
}

// The user token of a Graph call (Bearer only, appsecret_proof checked when
// sent), or false with the error already written.
bool user_token(State& st, Meta& m, const httplib::Request& req, httplib::Response& res,
                std::string* token, Token* info) {
  if (!version_ok(st, req, res) || token_in_url(st, req, res)) return false;
  if (get(body_params(req), "access_token")) {
    graph_error(st, res, 400, 100, "fake: access token in a form body, not Authorization: Bearer");
    return false;
  }
  *token = bearer(req);
  if (token->empty()) {
    graph_error(st, res, 400, 2500,
                "An active access token must be used to query information about the current user.");
    return false;
  }
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    if (auto it = m.tokens.find(*token); it != m.tokens.end()) {
      *info = it->second;
      found = true;
    }
  }
  const int64_t now = st.now();
  if (!found) {
    graph_error(st, res, 400, 190, kCannotParse);
    return false;
  }
  if (info->revoked) {
    graph_error(st, res, 400, 190, kNotAuthorized, 458);
    return false;
  }
  if (st.on("meta_token_expired") || now >= info->expires_at) {
    const int64_t when = now >= info->expires_at ? info->expires_at : now - 3600;
    graph_error(st, res, 400, 190, expired_message(when, now), 463);
    return false;
  }
  if (const auto proof = get(url_params(req), "appsecret_proof");
      proof && *proof != hmac_hex(kAppSecret, *token)) {
    graph_error(st, res, 400, 100, "Invalid appsecret_proof provided in the API argument", 0,
                "GraphMethodException");
    return false;
  }
  return true;
}

// The one-shot faults of a data call; true when one answered.
bool fault(State& st, httplib::Response& res) {
  if (st.first("meta_rate_limited_once")) {
    res.set_header("X-Business-Use-Case-Usage",
                   R"({"1234567890":[{"type":"ads_management","call_count":100,"total_cputime":12,)"
                   R"("total_time":41,"estimated_time_to_regain_access":1,)"
                   R"("ads_api_access_tier":"standard_access"}]})");
    graph_error(st, res, 400, 17, "(#17) User request limit reached", 2446079, "OAuthException",
                true);
    return true;
  }
  if (st.first("meta_5xx_once")) {
    graph_error(st, res, 500, 2,
                "An unexpected error has occurred. Please retry your request later.", 0,
                "OAuthException", true);
    return true;
  }
  if (st.on("meta_malformed")) {
    res.status = 200;
    res.set_content(R"({"data":[{"id":"act_1234567890","account_id":"12345)", "application/json");
    return true;
  }
  return false;
}

// The fields asked for (`id` first when the node has one), or false with
// Meta's error for a field the node type does not have.
bool asked_fields(State& st, const httplib::Request& req, httplib::Response& res,
                  const std::set<std::string>& known, const char* node_type,
                  const std::vector<std::string>& defaults, std::vector<std::string>* out) {
  const auto fields = get(url_params(req), "fields");
  if (!fields) {
    *out = defaults;
    return true;
  }
  size_t i = 0;
  while (i <= fields->size()) {
    size_t comma = fields->find(',', i);
    if (comma == std::string::npos) comma = fields->size();
    const std::string f = fields->substr(i, comma - i);
    if (!f.empty()) {
      if (known.count(f) == 0) {
        graph_error(st, res, 400, 100,
                    "(#100) Tried accessing nonexisting field (" + f + ") on node type (" +
                        node_type + ")");
        return false;
      }
      out->push_back(f);
    }
    i = comma + 1;
  }
  return true;
}

json only(const json& node, const std::vector<std::string>& fields) {
  json out = json::object();
  for (const std::string& f : fields) {
    if (node.contains(f)) out[f] = node[f];  // Meta leaves out fields without a value
  }
  if (node.contains("id") && !out.contains("id")) out["id"] = node["id"];
  return out;
}

json ad_account(const char* id, const char* name, const char* currency, const char* zone,
                int status, const char* business) {
  json a = {{"id", std::string("act_") + id},
            {"account_id", id},
            {"name", name},
            {"currency", currency},
            {"timezone_name", zone},
            {"account_status", status},
            {"disable_reason", status == 2 ? 1 : 0},
            {"amount_spent", "0"}};
  if (business != nullptr) a["business_name"] = business;
  return a;
}

json all_ad_accounts(State& st) {
  json all =
      json::array({ad_account("1234567890", "Shop A – EU", "EUR", "Europe/Paris", 1, "Shop A SAS"),
                   ad_account("2345678901", "Shop B", "USD", "America/New_York", 1, "Shop B Inc."),
                   ad_account("3456789012", "Old shop", "EUR", "Europe/Berlin", 101, nullptr),
                   ad_account("4567890123", "Shop D", "GBP", "Europe/London", 1, "Shop D Ltd"),
                   ad_account("5678901234", "Shop E", "EUR", "Europe/Madrid", 2, nullptr)});
  all[0]["amount_spent"] = "1284377";  // minor units, as a string
  if (st.on("meta_vanished")) all.erase(1);
  return all;
}

json all_pages(State& st) {
  return json::array({{{"id", "100000000000001"},
                       {"name", "Shop A Page"},
                       {"category", "Retail"},
                       {"tasks", {"ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"}},
                       {"access_token", opaque(st, "EAAB")}},
                      {{"id", "100000000000002"},
                       {"name", "Shop B Page"},
                       {"category", "Shopping & retail"},
                       {"tasks", {"ANALYZE", "ADVERTISE"}},
                       {"access_token", opaque(st, "EAAB")}}});
}

// One page of a list edge, with Meta's paging object: cursors on every page,
// `next` (embedding access_token, as Meta writes it) on all but the last.
void list_edge(State& st, Meta& m, const httplib::Request& req, httplib::Response& res,
               const std::string& edge, const json& all, const std::vector<std::string>& fields,
               int cap, const std::string& token, bool keep_token_field) {
  const Pairs q = url_params(req);
  int limit = 25;
  if (const auto l = get(q, "limit")) limit = std::atoi(l->c_str());
  limit = std::max(1, std::min(limit, cap));
  size_t offset = 0;
  if (const auto after = get(q, "after")) {
    std::lock_guard<std::mutex> lock(m.mu);
    auto it = m.cursors.find(*after);
    if (it == m.cursors.end() || it->second.edge != edge) {
      offset = SIZE_MAX;
    } else {
      offset = it->second.offset;
    }
  }
  if (offset == SIZE_MAX) {
    graph_error(st, res, 400, 100, "(#100) The after parameter is not a valid cursor");
    return;
  }
  json data = json::array();
  for (size_t i = offset; i < all.size() && i < offset + static_cast<size_t>(limit); ++i) {
    json item = only(all[i], fields);
    if (keep_token_field) item["access_token"] = all[i]["access_token"];
    data.push_back(item);
  }
  const size_t end = offset + data.size();
  const std::string before = opaque(st, "QVFIU"), after = opaque(st, "QVFIU");
  const bool more = end < all.size();
  json paging = {{"cursors", {{"before", before}, {"after", after}}}};
  const std::string v = req.matches[1];
  std::string field_list;
  for (const std::string& f : fields) field_list += (field_list.empty() ? "" : ",") + f;
  const std::string link = "https://graph.facebook.com/" + v + "/" + edge +
                           "?access_token=" + escape(token) + "&fields=" + escape(field_list) +
                           "&limit=" + std::to_string(limit);
  if (more) paging["next"] = link + "&after=" + after;
  if (offset > 0) paging["previous"] = link + "&before=" + before;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    m.cursors[before] = {edge, offset};
    m.cursors[after] = {edge, end};
    m.issued.push_back({{"edge", edge}, {"after", after}, {"next", more}});
  }
  answer(st, res, {{"data", data}, {"paging", paging}});
}

std::vector<std::string> split_scopes(const std::string& s) {
  std::vector<std::string> out = {"public_profile"};
  size_t i = 0;
  while (i <= s.size()) {
    size_t comma = s.find(',', i);
    if (comma == std::string::npos) comma = s.size();
    std::string one = s.substr(i, comma - i);
    while (!one.empty() && one.front() == ' ') one.erase(0, 1);
    while (!one.empty() && one.back() == ' ') one.pop_back();
    if (!one.empty() && one != "public_profile") out.push_back(one);
    i = comma + 1;
  }
  return out;
}

void html_error(httplib::Response& res, const std::string& text) {
  res.status = 400;
  res.set_content("<!DOCTYPE html><html><body><h1>Error</h1><p>" + text + "</p></body></html>",
                  "text/html; charset=utf-8");
}

void dialog(State& st, Meta& m, const httplib::Request& req, httplib::Response& res) {
  if (!version_ok(st, req, res)) return;
  const Pairs q = url_params(req);
  const auto client_id = get(q, "client_id"), redirect = get(q, "redirect_uri"),
             state = get(q, "state"), type = get(q, "response_type"), scope = get(q, "scope");
  if (!client_id || *client_id != kAppId) {
    html_error(res, "Invalid App ID: The provided app ID does not look like a valid app ID.");
    return;
  }
  if (!redirect || redirect->rfind("http", 0) != 0) {
    html_error(res,
               "URL blocked: This redirect failed because the redirect URI is not "
               "whitelisted in the app's Client OAuth Settings.");
    return;
  }
  if (!state || state->empty() || !type || *type != "code" || !scope || scope->empty()) {
    html_error(res, "Sorry, something went wrong: state, response_type=code and scope are needed.");
    return;
  }
  const std::string join = redirect->find('?') == std::string::npos ? "?" : "&";
  if (st.on("meta_denied")) {
    res.status = 302;
    res.set_header("Location", *redirect + join +
                                   "error=access_denied&error_code=200&error_description="
                                   "Permissions+error&error_reason=user_denied&state=" +
                                   escape(*state));
    return;
  }
  const std::string code = opaque(st, "AQ");
  {
    std::lock_guard<std::mutex> lock(m.mu);
    m.codes[code] = {*redirect, split_scopes(*scope), st.now() + kCodeLife, false};
  }
  res.status = 302;
  res.set_header("Location",
                 *redirect + join + "code=" + code + "&state=" + escape(*state) + "#_=_");
}

void token_endpoint(State& st, Meta& m, const httplib::Request& req, httplib::Response& res) {
  if (!version_ok(st, req, res)) return;
  Pairs q = url_params(req);
  for (auto& kv : body_params(req)) q.push_back(kv);
  const auto client_id = get(q, "client_id"), secret = get(q, "client_secret");
  if (!client_id) {
    graph_error(st, res, 400, 101, "Missing client_id parameter.");
    return;
  }
  if (*client_id != kAppId) {
    graph_error(st, res, 400, 101, "Error validating application. Invalid application ID.");
    return;
  }
  if (!secret) {
    graph_error(st, res, 400, 1, "Missing client_secret parameter.");
    return;
  }
  if (*secret != kAppSecret) {
    graph_error(st, res, 400, 1, "Error validating client secret.");
    return;
  }
  const int64_t now = st.now();
  const auto grant = get(q, "grant_type");
  if (grant && *grant == "fb_exchange_token") {
    const auto old = get(q, "fb_exchange_token");
    if (!old) {
      graph_error(st, res, 400, 100, "(#100) The parameter fb_exchange_token is required");
      return;
    }
    const int64_t life = st.on("meta_expiring") ? kExpiringLife : kLongLife;
    std::string error;
    int subcode = 0;
    const std::string fresh = opaque(st, "EAAB");
    {
      std::lock_guard<std::mutex> lock(m.mu);
      auto it = m.tokens.find(*old);
      if (it == m.tokens.end()) {
        error = kCannotParse;
      } else if (it->second.revoked) {
        error = kNotAuthorized;
        subcode = 458;
      } else if (now >= it->second.expires_at) {
        error = expired_message(it->second.expires_at, now);
        subcode = 463;
      } else {
        Token t = it->second;
        t.issued_at = now;
        t.expires_at = now + life;
        m.tokens[fresh] = t;
      }
    }
    if (!error.empty()) {
      graph_error(st, res, 400, 190, error, subcode);
      return;
    }
    answer(st, res, {{"access_token", fresh}, {"token_type", "bearer"}, {"expires_in", life}});
    return;
  }
  if (grant) {
    graph_error(st, res, 400, 100, "(#100) Unsupported grant_type: " + *grant);
    return;
  }
  const auto redirect = get(q, "redirect_uri"), code = get(q, "code");
  if (!redirect) {
    graph_error(st, res, 400, 191, "Missing redirect_uri parameter.");
    return;
  }
  if (!code) {
    graph_error(st, res, 400, 1, "Missing authorization code");
    return;
  }
  std::string error;
  int subcode = 0;
  const std::string fresh = opaque(st, "EAAB");
  {
    std::lock_guard<std::mutex> lock(m.mu);
    auto it = m.codes.find(*code);
    if (it == m.codes.end()) {
      error = "Invalid verification code format.";
    } else if (it->second.used) {
      error = "This authorization code has been used.";
      subcode = 36009;
    } else if (now >= it->second.expires_at) {
      error = "This authorization code has expired.";
      subcode = 36007;
    } else if (it->second.redirect_uri != *redirect) {
      error =
          "Error validating verification code. Please make sure your redirect_uri is identical to "
          "the one you used in the OAuth dialog request";
      subcode = 36008;
    } else {
      it->second.used = true;
      m.tokens[fresh] = {it->second.scopes, now, now + kShortLife, now + kDataAccessLife, false};
    }
  }
  if (!error.empty()) {
    graph_error(st, res, 400, 100, error, subcode);
    return;
  }
  answer(st, res, {{"access_token", fresh}, {"token_type", "bearer"}, {"expires_in", kShortLife}});
}

void debug(State& st, Meta& m, const httplib::Request& req, httplib::Response& res) {
  if (!version_ok(st, req, res)) return;
  const std::string app_token = std::string(kAppId) + "|" + kAppSecret;
  const Pairs url = url_params(req), form = body_params(req);
  // The documented form puts the app token in access_token; a user token there is refused.
  std::string presented = bearer(req);
  if (const auto in_url = get(url, "access_token")) {
    if (*in_url != app_token) {
      graph_error(st, res, 400, 100, "fake: access token in a URL");
      return;
    }
    presented = *in_url;
  } else if (const auto in_form = get(form, "access_token")) {
    presented = *in_form;
  }
  if (presented != app_token) {
    graph_error(st, res, 400, 190,
                presented.empty() ? "An access token is required to request "
                                    "this resource."
                                  : kCannotParse);
    return;
  }
  if (const auto proof = get(url, "appsecret_proof");
      proof && *proof != hmac_hex(kAppSecret, presented)) {
    graph_error(st, res, 400, 100, "Invalid appsecret_proof provided in the API argument", 0,
                "GraphMethodException");
    return;
  }
  auto input = get(url, "input_token");
  if (!input) input = get(form, "input_token");
  if (!input || input->empty()) {
    graph_error(st, res, 400, 100, "(#100) The parameter input_token is required");
    return;
  }
  std::optional<Token> t;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    if (auto it = m.tokens.find(*input); it != m.tokens.end()) t = it->second;
  }
  if (!t) {
    answer(st, res,
           {{"data",
             {{"error", {{"code", 190}, {"message", kCannotParse}}},
              {"is_valid", false},
              {"scopes", json::array()}}}});
    return;
  }
  const int64_t now = st.now();
  int64_t expires_at = t->expires_at;
  json data = {{"app_id", kAppId},
               {"type", "USER"},
               {"application", "glint (fake)"},
               {"data_access_expires_at", t->data_access_expires_at},
               {"issued_at", t->issued_at},
               {"scopes", t->scopes},
               {"user_id", kUserId}};
  bool valid = true;
  if (t->revoked) {
    valid = false;
    data["error"] = {{"code", 190}, {"message", kNotAuthorized}, {"subcode", 458}};
  } else if (st.on("meta_token_expired") || now >= expires_at) {
    valid = false;
    if (now < expires_at) expires_at = now - 3600;
    data["error"] = {
        {"code", 190}, {"message", expired_message(expires_at, now)}, {"subcode", 463}};
  }
  data["expires_at"] = expires_at;
  data["is_valid"] = valid;
  answer(st, res, {{"data", data}});
}

// ---- Insights (platform-apis.md §4.5-4.6): deterministic ad-level data for
// the active accounts, two years back from the fake's today in each
// account's zone, aggregated to ad set, campaign and account on request.

struct InsightAccount {
  const char* id;  // digits
  const char* name;
  int offset_min;  // the zone's standard offset: the fake ignores summer time
  bool active;
};

const InsightAccount kInsightAccounts[] = {
    {"1234567890", "Shop A – EU", 60, true}, {"2345678901", "Shop B", -300, true},
    {"3456789012", "Old shop", 60, false},   {"4567890123", "Shop D", 0, true},
    {"5678901234", "Shop E", 60, false},
};

constexpr int64_t kHistoryDays = 730;
constexpr int kInsightsMaxLimit = 500;

struct AdDef {
  std::string campaign_id, campaign_name, adset_id, adset_name, ad_id, ad_name, objective;
};

const InsightAccount* insight_account(const std::string& digits) {
  for (const InsightAccount& a : kInsightAccounts) {
    if (digits == a.id) return &a;
  }
  return nullptr;
}

// 2 campaigns × 2 ad sets × 2 ads; ids carry the account's last four digits.
std::vector<AdDef> ads_of(const InsightAccount& a) {
  std::vector<AdDef> out;
  if (!a.active) return out;
  const std::string k = std::string(a.id).substr(6);
  const char* campaigns[] = {"Prospecting", "Retargeting"};
  const char* objectives[] = {"OUTCOME_SALES", "OUTCOME_TRAFFIC"};
  const char* adsets[] = {"Lookalike 1%", "Interests"};
  const char* ads[] = {"Video", "Carousel"};
  for (int c = 1; c <= 2; ++c) {
    for (int s = 1; s <= 2; ++s) {
      for (int d = 1; d <= 2; ++d) {
        AdDef ad;
        ad.campaign_id = "12020" + k + "0" + std::to_string(c);
        ad.campaign_name = std::string(a.name) + " · " + campaigns[c - 1];
        ad.adset_id = "12021" + k + std::to_string(c) + std::to_string(s);
        ad.adset_name = ad.campaign_name + " · " + adsets[s - 1];
        ad.ad_id = "12022" + k + std::to_string(c) + std::to_string(s) + std::to_string(d);
        ad.ad_name = ad.adset_name + " · " + ads[d - 1];
        ad.objective = objectives[c - 1];
        out.push_back(ad);
      }
    }
  }
  return out;
}

int64_t zone_today(State& st, const InsightAccount& a) {
  const int64_t t = st.now() + static_cast<int64_t>(a.offset_min) * 60;
  return (t >= 0 ? t : t - 86399) / 86400;
}

std::string day_text(int64_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(day))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<int64_t> day_of(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(std::atoi(s.substr(0, 4).c_str())),
                                        std::chrono::month(std::atoi(s.substr(5, 2).c_str())),
                                        std::chrono::day(std::atoi(s.substr(8, 2).c_str()))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

uint64_t mix(const std::string& a, const std::string& b, const std::string& c) {
  uint64_t h = 1469598103934665603ull;
  for (const std::string* s : {&a, &b, &c}) {
    for (unsigned char ch : *s) h = (h ^ ch) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

struct Cell {
  int64_t impressions = 0, clicks = 0, reach = 0, spend_cents = 0, link_clicks = 0, purchases = 0,
          purchases_7d_click = 0, purchases_1d_view = 0, value_cents = 0;
  int64_t reach_max = 0, reach_sum = 0;  // of the parts summed into this cell
  void add(const Cell& o) {
    impressions += o.impressions;
    clicks += o.clicks;
    spend_cents += o.spend_cents;
    link_clicks += o.link_clicks;
    purchases += o.purchases;
    purchases_7d_click += o.purchases_7d_click;
    purchases_1d_view += o.purchases_1d_view;
    value_cents += o.value_cents;
    reach_max = std::max(reach_max, o.reach);
    reach_sum += o.reach;
  }
};

// One ad on one day, or nothing (no delivery: Meta sends no row).
std::optional<Cell> ad_day(State& st, const InsightAccount& a, const AdDef& ad, int64_t day) {
  const int64_t today = zone_today(st, a);
  if (day > today || day < today - kHistoryDays) return std::nullopt;
  const uint64_t h = mix(a.id, ad.ad_id, day_text(day));
  // The first ad always delivers on day -3, so meta_restate has a row to take away.
  const bool first_ad = ad.ad_id.compare(ad.ad_id.size() - 3, 3, "111") == 0;
  if (h % 10 == 0 && !(first_ad && day == today - 3)) return std::nullopt;
  if (st.on("meta_restate") && first_ad && day == today - 3) return std::nullopt;
  Cell c;
  c.impressions = 300 + static_cast<int64_t>((h >> 8) % 4700);
  c.clicks = c.impressions * (10 + static_cast<int64_t>((h >> 20) % 30)) / 1000;
  c.reach = c.impressions * (55 + static_cast<int64_t>((h >> 28) % 35)) / 100;
  c.spend_cents = c.clicks * (25 + static_cast<int64_t>((h >> 36) % 100));
  c.link_clicks = c.clicks * 85 / 100;
  c.purchases = c.clicks / 25 + static_cast<int64_t>((h >> 44) % 2);
  if (st.on("meta_restate") && day == today - 5) ++c.purchases;  // late conversions
  c.purchases_1d_view = c.purchases / 3;
  c.purchases_7d_click = c.purchases - c.purchases_1d_view;
  c.value_cents = c.purchases * (1500 + static_cast<int64_t>((h >> 48) % 7000));
  return c;
}

int level_rank(const std::string& level) {
  if (level == "account") return 0;
  if (level == "campaign") return 1;
  if (level == "adset") return 2;
  if (level == "ad") return 3;
  return -1;
}

std::string entity_of(const InsightAccount& a, const AdDef& ad, int rank) {
  switch (rank) {
    case 0:
      return a.id;
    case 1:
      return ad.campaign_id;
    case 2:
      return ad.adset_id;
    default:
      return ad.ad_id;
  }
}

struct InsightRowData {
  int64_t since = 0, until = 0;  // one day for daily rows
  std::string entity;
  const AdDef* ad = nullptr;  // the entity's names and parents
  Cell cell;
};

// Rows of `rank` over since..until, daily or for the whole period, for every
// entity or for `only` (an entity id at that rank).
std::vector<InsightRowData> insight_rows(State& st, const InsightAccount& a,
                                         const std::vector<AdDef>& ads, int rank, int64_t since,
                                         int64_t until, bool daily, const std::string& only = "") {
  std::vector<InsightRowData> out;
  std::map<std::string, InsightRowData> period;
  for (int64_t day = since; day <= until; ++day) {
    std::map<std::string, InsightRowData> today;
    for (const AdDef& ad : ads) {
      const std::string entity = entity_of(a, ad, rank);
      if (!only.empty() && entity != only) continue;
      const std::optional<Cell> c = ad_day(st, a, ad, day);
      if (!c) continue;
      InsightRowData& r = today[entity];
      if (r.ad == nullptr) r = {day, day, entity, &ad, Cell{}};
      r.cell.add(*c);
    }
    for (auto& [entity, r] : today) {
      // Reach is not additive: people overlap between ads.
      r.cell.reach = r.cell.reach_max + (r.cell.reach_sum - r.cell.reach_max) / 2;
      if (daily) {
        out.push_back(r);
        continue;
      }
      InsightRowData& p = period[entity];
      if (p.ad == nullptr) p = {since, until, entity, r.ad, Cell{}};
      p.cell.add(r.cell);
    }
  }
  for (auto& [entity, p] : period) {
    p.cell.reach = p.cell.reach_max + (p.cell.reach_sum - p.cell.reach_max) / 3;
    out.push_back(p);
  }
  return out;
}

std::string money(int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return buf;
}

const std::set<std::string> kInsightFields = {
    "account_id", "account_name", "account_currency", "campaign_id", "campaign_name", "adset_id",
    "adset_name", "ad_id",        "ad_name",          "objective",   "impressions",   "clicks",
    "spend",      "reach",        "frequency",        "actions",     "action_values", "date_start",
    "date_stop"};

// A row as Meta writes it: numbers as strings, only the fields asked that
// exist at this level, date_start/date_stop always.
json insight_json(const InsightAccount& a, const InsightRowData& r, int rank,
                  const std::vector<std::string>& fields, bool windows) {
  const Cell& c = r.cell;
  json all = {{"account_id", a.id},
              {"account_name", a.name},
              {"impressions", std::to_string(c.impressions)},
              {"clicks", std::to_string(c.clicks)},
              {"spend", money(c.spend_cents)},
              {"reach", std::to_string(c.reach)}};
  if (c.reach > 0) {
    char f[32];
    std::snprintf(f, sizeof f, "%.6f",
                  static_cast<double>(c.impressions) / static_cast<double>(c.reach));
    all["frequency"] = f;
  }
  if (rank >= 1) {
    all["campaign_id"] = r.ad->campaign_id;
    all["campaign_name"] = r.ad->campaign_name;
    all["objective"] = r.ad->objective;
  }
  if (rank >= 2) {
    all["adset_id"] = r.ad->adset_id;
    all["adset_name"] = r.ad->adset_name;
  }
  if (rank >= 3) {
    all["ad_id"] = r.ad->ad_id;
    all["ad_name"] = r.ad->ad_name;
  }
  json actions = json::array(), values = json::array();
  if (c.purchases > 0) {
    json p = {{"action_type", "offsite_conversion.fb_pixel_purchase"},
              {"value", std::to_string(c.purchases)}};
    json v = {{"action_type", "offsite_conversion.fb_pixel_purchase"},
              {"value", money(c.value_cents)}};
    if (windows) {
      p["7d_click"] = std::to_string(c.purchases_7d_click);
      p["1d_view"] = std::to_string(c.purchases_1d_view);
    }
    actions.push_back(p);
    values.push_back(v);
  }
  if (c.link_clicks > 0) {
    json l = {{"action_type", "link_click"}, {"value", std::to_string(c.link_clicks)}};
    if (windows) {
      l["7d_click"] = std::to_string(c.link_clicks);
      l["1d_view"] = "0";
    }
    actions.push_back(l);
  }
  if (!actions.empty()) all["actions"] = actions;
  if (!values.empty()) all["action_values"] = values;
  json out = json::object();
  for (const std::string& f : fields) {
    if (all.contains(f)) out[f] = all[f];
  }
  out["date_start"] = day_text(r.since);
  out["date_stop"] = day_text(r.until);
  return out;
}

// The truth endpoint's form: typed values, every field.
json truth_json(const InsightAccount& a, const InsightRowData& r, int rank, bool daily) {
  const Cell& c = r.cell;
  json out = {{"account_id", a.id},
              {"date", day_text(r.since)},
              {"impressions", c.impressions},
              {"clicks", c.clicks},
              {"reach", c.reach},
              {"spend_cents", c.spend_cents},
              {"actions", json::object()},
              {"action_values", json::object()}};
  if (!daily) {
    out["date_start"] = day_text(r.since);
    out["date_stop"] = day_text(r.until);
  }
  if (c.purchases > 0) {
    out["actions"]["offsite_conversion.fb_pixel_purchase"] = c.purchases;
    out["action_values"]["offsite_conversion.fb_pixel_purchase"] = c.value_cents;
  }
  if (c.link_clicks > 0) out["actions"]["link_click"] = c.link_clicks;
  out["entity_id"] = r.entity;
  if (rank >= 1) {
    out["campaign_id"] = r.ad->campaign_id;
    out["campaign_name"] = r.ad->campaign_name;
    out["objective"] = r.ad->objective;
  }
  if (rank >= 2) {
    out["adset_id"] = r.ad->adset_id;
    out["adset_name"] = r.ad->adset_name;
  }
  if (rank >= 3) {
    out["ad_id"] = r.ad->ad_id;
    out["ad_name"] = r.ad->ad_name;
  }
  return out;
}

// What an insights request asks, checked as Meta checks it (and, on
// purpose, stricter: 7d_view / 28d_view are refused, not silently dropped).
struct InsightQuery {
  int rank = 0;
  int64_t since = 0, until = 0;
  bool daily = false, windows = false;
  std::vector<std::string> fields;
  int limit = 25;
  std::string key;  // what a cursor is bound to
};

bool insight_query(State& st, const Pairs& p, httplib::Response& res, InsightQuery* q) {
  const std::string level = get(p, "level").value_or("account");
  q->rank = level_rank(level);
  if (q->rank < 0) {
    graph_error(st, res, 400, 100,
                "(#100) level must be one of the following values: ad, adset, campaign, account");
    return false;
  }
  const auto range = get(p, "time_range");
  const json tr = range ? json::parse(*range, nullptr, false) : json();
  std::optional<int64_t> since, until;
  if (tr.is_object() && tr.contains("since") && tr["since"].is_string() && tr.contains("until") &&
      tr["until"].is_string()) {
    since = day_of(tr["since"].get<std::string>());
    until = day_of(tr["until"].get<std::string>());
  }
  if (!since || !until) {
    graph_error(st, res, 400, 100,
                "(#100) time_range must be a JSON object with since and until (YYYY-MM-DD); the "
                "fake has no date_preset");
    return false;
  }
  if (*since > *until) {
    graph_error(st, res, 400, 100, "(#100) The since date must be before the until date", 1487534);
    return false;
  }
  q->since = *since;
  q->until = *until;
  const std::string inc = get(p, "time_increment").value_or("all_days");
  if (inc != "1" && inc != "all_days") {
    graph_error(st, res, 400, 100, "(#100) the fake serves time_increment 1 and all_days only");
    return false;
  }
  q->daily = inc == "1";
  if (const auto w = get(p, "action_attribution_windows")) {
    const json list = json::parse(*w, nullptr, false);
    const std::set<std::string> known = {"1d_click", "7d_click", "28d_click", "1d_view", "1d_ev"};
    bool ok = list.is_array();
    for (const json& x : ok ? list : json::array())
      ok = ok && x.is_string() && known.count(x.get<std::string>()) != 0;
    if (!ok) {
      graph_error(st, res, 400, 100,
                  "(#100) action_attribution_windows: 7d_view and 28d_view are no longer "
                  "available; use 1d_click, 7d_click, 28d_click, 1d_view or 1d_ev");
      return false;
    }
    q->windows = !list.empty();
  }
  const std::string fields = get(p, "fields").value_or("impressions,spend");
  size_t i = 0;
  while (i <= fields.size()) {
    const size_t comma = std::min(fields.find(',', i), fields.size());
    const std::string f = fields.substr(i, comma - i);
    if (!f.empty()) {
      if (kInsightFields.count(f) == 0) {
        graph_error(
            st, res, 400, 100,
            "(#100) " + f +
                " is not valid for fields param. please check "
                "https://developers.facebook.com/docs/marketing-api/reference/ads-insights/");
        return false;
      }
      q->fields.push_back(f);
    }
    i = comma + 1;
  }
  if (const auto l = get(p, "limit"))
    q->limit = std::max(1, std::min(std::atoi(l->c_str()), kInsightsMaxLimit));
  q->key = level + "|" + day_text(q->since) + "|" + day_text(q->until) + "|" + inc + "|" + fields +
           "|" + (q->windows ? "w" : "");
  return true;
}

// Usage headers on every insights answer; meta_usage_high reports 96 %.
void usage_headers(State& st, httplib::Response& res, const std::string& account) {
  const bool high = st.on("meta_usage_high");
  const json entry = {{"type", "ads_insights"},
                      {"call_count", high ? 96 : 4},
                      {"total_cputime", high ? 41 : 2},
                      {"total_time", high ? 57 : 3},
                      {"estimated_time_to_regain_access", high ? 1 : 0},
                      {"ads_api_access_tier", "standard_access"}};
  json buc = json::object();
  buc[account.empty() ? std::string("1234567890") : account] = json::array({entry});
  res.set_header("x-business-use-case-usage", buc.dump());
  res.set_header(
      "x-app-usage",
      json{{"call_count", high ? 31 : 1}, {"total_cputime", 1}, {"total_time", 1}}.dump());
  res.set_header("x-ad-account-usage", json{{"acc_id_util_pct", high ? 96.0 : 2.5},
                                            {"reset_time_duration", high ? 60 : 0},
                                            {"ads_api_access_tier", "standard_access"}}
                                           .dump());
}

// The insights checks before any data: usage headers, the scenario faults,
// the ads_read scope, the account itself. False with the error written.
bool insights_allowed(State& st, const Token& t, httplib::Response& res,
                      const std::string& account) {
  usage_headers(st, res, account);
  if (st.on("meta_expire_mid")) {
    int n = 0;
    {
      std::lock_guard<std::mutex> lock(st.mu);
      n = ++st.counters["meta_expire_mid"];
    }
    if (n == 4) {
      graph_error(st, res, 400, 190, expired_message(st.now() - 60, st.now()), 463);
      return false;
    }
  }
  if (fault(st, res)) return false;
  if (std::find(t.scopes.begin(), t.scopes.end(), "ads_read") == t.scopes.end() &&
      std::find(t.scopes.begin(), t.scopes.end(), "ads_management") == t.scopes.end()) {
    graph_error(st, res, 400, 200, "(#200) Requires ads_read permission to access this endpoint");
    return false;
  }
  if (account.empty()) return true;
  bool listed = false;
  for (const json& a : all_ad_accounts(st)) listed = listed || a["account_id"] == account;
  if (!listed || insight_account(account) == nullptr) {
    graph_error(st, res, 400, 100,
                "Unsupported get request. Object with ID 'act_" + account +
                    "' does not exist, cannot be loaded due to missing permissions, or does not "
                    "support this operation.",
                33, "GraphMethodException");
    return false;
  }
  if (st.on("meta_disabled_account") && account == "4567890123") {
    graph_error(st, res, 400, 200,
                "(#200) Ad account owner has NOT grant ads_management or ads_read permission");
    return false;
  }
  return true;
}

struct Job {
  std::string account;
  Pairs params;
  int polls = 0;
  bool fails = false;
  int64_t created = 0;
};

struct InsightsState {
  std::mutex mu;
  std::map<std::string, Job> jobs;
};

// One page of rows (daily or period) with Meta's paging object; cursors are
// bound to `edge` and the query.
void insights_page(State& st, Meta& m, const httplib::Request& req, httplib::Response& res,
                   const std::string& edge, const std::string& token, const InsightAccount& a,
                   const InsightQuery& q, int limit, const std::string& only = "") {
  const std::string bound = edge + "|" + q.key + "|" + only;
  size_t offset = 0;
  if (const auto after = get(url_params(req), "after")) {
    std::lock_guard<std::mutex> lock(m.mu);
    auto it = m.cursors.find(*after);
    if (it == m.cursors.end() || it->second.edge != bound) {
      offset = SIZE_MAX;
    } else {
      offset = it->second.offset;
    }
  }
  if (offset == SIZE_MAX) {
    graph_error(st, res, 400, 100, "(#100) The after parameter is not a valid cursor");
    return;
  }
  const std::vector<AdDef> ads = ads_of(a);
  const std::vector<InsightRowData> rows =
      insight_rows(st, a, ads, q.rank, q.since, q.until, q.daily, only);
  json data = json::array();
  for (size_t i = offset; i < rows.size() && i < offset + static_cast<size_t>(limit); ++i)
    data.push_back(insight_json(a, rows[i], q.rank, q.fields, q.windows));
  const size_t end = offset + data.size();
  const bool more = end < rows.size();
  json paging = json::object();
  if (!data.empty()) {
    const std::string before = opaque(st, "MAZDZD"), after = opaque(st, "MjQZD");
    paging["cursors"] = {{"before", before}, {"after", after}};
    if (more) {
      paging["next"] = "https://graph.facebook.com/" + std::string(req.matches[1]) + "/" + edge +
                       "?access_token=" + escape(token) + "&limit=" + std::to_string(limit) +
                       "&after=" + after;
    }
    std::lock_guard<std::mutex> lock(m.mu);
    m.cursors[before] = {bound, offset};
    m.cursors[after] = {bound, end};
    m.issued.push_back({{"edge", edge}, {"after", after}, {"next", more}});
  }
  res.set_header("x-fb-trace-id", opaque(st, "A"));
  send_json(res, 200, {{"data", data}, {"paging", paging}});
}

// An entity id → its account and level (0 when it is none of the fake's).
int entity_rank(const std::string& id, const InsightAccount** account) {
  for (const InsightAccount& a : kInsightAccounts) {
    for (const AdDef& ad : ads_of(a)) {
      for (int rank = 1; rank <= 3; ++rank) {
        if (entity_of(a, ad, rank) == id) {
          *account = &a;
          return rank;
        }
      }
    }
  }
  return 0;
}

void serve_insights(httplib::Server& s, State& st, const std::shared_ptr<Meta>& m) {
  auto jobs = std::make_shared<InsightsState>();
  const std::string v = kVersion;

  s.Get(v + R"(/act_([0-9]+)/insights)",
        [&st, m](const httplib::Request& req, httplib::Response& res) {
          record(st, req);
          std::string token;
          Token t;
          const std::string account = req.matches[2];
          if (!user_token(st, *m, req, res, &token, &t) || !insights_allowed(st, t, res, account))
            return;
          InsightQuery q;
          if (!insight_query(st, url_params(req), res, &q)) return;
          insights_page(st, *m, req, res, "act_" + account + "/insights", token,
                        *insight_account(account), q, q.limit);
        });

  s.Post(v + R"(/act_([0-9]+)/insights)", [&st, m, jobs](const httplib::Request& req,
                                                         httplib::Response& res) {
    record(st, req);
    std::string token;
    Token t;
    const std::string account = req.matches[2];
    if (!user_token(st, *m, req, res, &token, &t) || !insights_allowed(st, t, res, account)) return;
    Pairs p = url_params(req);
    for (auto& kv : body_params(req)) p.push_back(kv);
    InsightQuery q;
    if (!insight_query(st, p, res, &q)) return;
    const uint64_t h = mix(opaque(st, ""), account, "job");
    const std::string run = "6" + std::to_string(100000000000000ull + h % 900000000000000ull);
    {
      std::lock_guard<std::mutex> lock(jobs->mu);
      jobs->jobs[run] = {account, p, 0, st.on("meta_async_failed"), st.now()};
    }
    res.set_header("x-fb-trace-id", opaque(st, "A"));
    send_json(res, 200, {{"report_run_id", run}});
  });

  // A report run's status, polled: "Job Running" twice, then "Job Completed"
  // (or "Job Failed" under meta_async_failed).
  s.Get(v + R"(/([0-9]+))", [&st, m, jobs](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    std::string token;
    Token t;
    if (!user_token(st, *m, req, res, &token, &t) || !insights_allowed(st, t, res, "")) return;
    const std::string run = req.matches[2];
    Job j;
    {
      std::lock_guard<std::mutex> lock(jobs->mu);
      auto it = jobs->jobs.find(run);
      if (it == jobs->jobs.end()) {
        j.account.clear();
      } else {
        j = it->second;
        j.polls = ++it->second.polls;
      }
    }
    if (j.account.empty()) {
      graph_error(st, res, 400, 100,
                  "Unsupported get request. Object with ID '" + run + "' does not exist.", 33,
                  "GraphMethodException");
      return;
    }
    std::string status = "Job Running";
    int pct = j.polls == 1 ? 35 : 80;
    if (j.fails && j.polls >= 2) {
      status = "Job Failed";
      pct = 35;
    } else if (!j.fails && j.polls >= 3) {
      status = "Job Completed";
      pct = 100;
    }
    InsightQuery q;
    insight_query(st, j.params, res, &q);
    json body = {{"id", run},
                 {"account_id", j.account},
                 {"time_ref", j.created},
                 {"async_status", status},
                 {"async_percent_completion", pct},
                 {"date_start", day_text(q.since)},
                 {"date_stop", day_text(q.until)},
                 {"emails", json::array()},
                 {"friendly_name", "fake report"},
                 {"is_bookmarked", false},
                 {"is_running", status == "Job Running"},
                 {"schedule_id", "0"}};
    if (status == "Job Completed") body["time_completed"] = st.now();
    res.set_header("x-fb-trace-id", opaque(st, "A"));
    send_json(res, 200, body);
  });

  // A completed run's rows, or an entity's own insights (campaign, ad set, ad).
  s.Get(v + R"(/([0-9]+)/insights)", [&st, m, jobs](const httplib::Request& req,
                                                    httplib::Response& res) {
    record(st, req);
    std::string token;
    Token t;
    if (!user_token(st, *m, req, res, &token, &t)) return;
    const std::string id = req.matches[2];
    std::optional<Job> job;
    {
      std::lock_guard<std::mutex> lock(jobs->mu);
      if (auto it = jobs->jobs.find(id); it != jobs->jobs.end()) job = it->second;
    }
    if (job) {
      if (!insights_allowed(st, t, res, job->account)) return;
      if (job->fails || job->polls < 3) {
        graph_error(st, res, 400, 100, "(#100) fake: the report run " + id + " is not completed");
        return;
      }
      InsightQuery q;
      if (!insight_query(st, job->params, res, &q)) return;
      int limit = q.limit;
      if (const auto l = get(url_params(req), "limit"))
        limit = std::max(1, std::min(std::atoi(l->c_str()), kInsightsMaxLimit));
      insights_page(st, *m, req, res, id + "/insights", token, *insight_account(job->account), q,
                    limit);
      return;
    }
    const InsightAccount* a = nullptr;
    const int rank = entity_rank(id, &a);
    if (rank == 0) {
      usage_headers(st, res, "");
      graph_error(st, res, 400, 100,
                  "Unsupported get request. Object with ID '" + id + "' does not exist.", 33,
                  "GraphMethodException");
      return;
    }
    if (!insights_allowed(st, t, res, a->id)) return;
    Pairs p = url_params(req);
    p.erase(std::remove_if(p.begin(), p.end(), [](const auto& kv) { return kv.first == "level"; }),
            p.end());
    p.emplace_back("level", rank == 1 ? "campaign" : rank == 2 ? "adset" : "ad");
    InsightQuery q;
    if (!insight_query(st, p, res, &q)) return;
    insights_page(st, *m, req, res, id + "/insights", token, *a, q, q.limit, id);
  });

  // The fake's own rows (typed: spend in cents), for tests to compare with.
  // ?account=act_…&level=…&since&until[&period=1][&entity=ID]
  s.Get("/_fake/meta/truth", [&st](const httplib::Request& req, httplib::Response& res) {
    std::string account = req.get_param_value("account");
    if (account.rfind("act_", 0) == 0) account = account.substr(4);
    const InsightAccount* a = insight_account(account);
    const int rank = level_rank(req.get_param_value("level"));
    const auto since = day_of(req.get_param_value("since")),
               until = day_of(req.get_param_value("until"));
    if (a == nullptr || rank < 0 || !since || !until) {
      send_json(res, 400, {{"error", "account, level, since and until are needed"}});
      return;
    }
    const bool daily = req.get_param_value("period") != "1";
    const std::vector<AdDef> ads = ads_of(*a);
    json out = json::array();
    for (const InsightRowData& r :
         insight_rows(st, *a, ads, rank, *since, *until, daily, req.get_param_value("entity")))
      out.push_back(truth_json(*a, r, rank, daily));
    send_json(res, 200, out);
  });
}

}  // namespace

void serve_meta(httplib::Server& s, State& st) {
  auto m = std::make_shared<Meta>();
  s.Get(std::string(kVersion) + "/dialog/oauth",
        [&st, m](const httplib::Request& req, httplib::Response& res) {
          record(st, req);
          dialog(st, *m, req, res);
        });
  auto token_handler = [&st, m](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    token_endpoint(st, *m, req, res);
  };
  s.Get(std::string(kVersion) + "/oauth/access_token", token_handler);
  s.Post(std::string(kVersion) + "/oauth/access_token", token_handler);
  auto debug_handler = [&st, m](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    debug(st, *m, req, res);
  };
  s.Get(std::string(kVersion) + "/debug_token", debug_handler);
  s.Post(std::string(kVersion) + "/debug_token", debug_handler);

  s.Get(std::string(kVersion) + "/me",
        [&st, m](const httplib::Request& req, httplib::Response& res) {
          record(st, req);
          std::string token;
          Token t;
          if (!user_token(st, *m, req, res, &token, &t) || fault(st, res)) return;
          std::vector<std::string> fields;
          if (!asked_fields(st, req, res, {"id", "name", "email", "first_name", "last_name"},
                            "User", {"id", "name"}, &fields))
            return;
          const json user = {{"id", kUserId},
                             {"name", "Ada Lovelace"},
                             {"email", "ada@example.com"},
                             {"first_name", "Ada"},
                             {"last_name", "Lovelace"}};
          answer(st, res, only(user, fields));
        });
  s.Get(std::string(kVersion) + "/me/adaccounts",
        [&st, m](const httplib::Request& req, httplib::Response& res) {
          record(st, req);
          std::string token;
          Token t;
          if (!user_token(st, *m, req, res, &token, &t) || fault(st, res)) return;
          std::vector<std::string> fields;
          if (!asked_fields(st, req, res,
                            {"id", "account_id", "name", "currency", "timezone_name",
                             "account_status", "business_name", "disable_reason", "amount_spent"},
                            "AdAccount", {"account_id", "id"}, &fields))
            return;
          list_edge(st, *m, req, res, "me/adaccounts", all_ad_accounts(st), fields,
                    kAccountsPerPage, token, false);
        });
  s.Get(std::string(kVersion) + "/me/accounts", [&st, m](const httplib::Request& req,
                                                         httplib::Response& res) {
    record(st, req);
    std::string token;
    Token t;
    if (!user_token(st, *m, req, res, &token, &t) || fault(st, res)) return;
    if (st.on("meta_permission_error")) {
      graph_error(st, res, 400, 200, "(#200) Permissions error");
      return;
    }
    std::vector<std::string> fields;
    if (!asked_fields(st, req, res, {"id", "name", "category", "tasks", "access_token"}, "Page",
                      {"access_token", "category", "name", "id", "tasks"}, &fields))
      return;
    // The page token comes whatever the fields say: a connector must drop it itself.
    list_edge(st, *m, req, res, "me/accounts", all_pages(st), fields, kPagesPerPage, token, true);
  });
  s.Delete(std::string(kVersion) + "/me/permissions", [&st, m](const httplib::Request& req,
                                                               httplib::Response& res) {
    record(st, req);
    std::string token;
    Token t;
    if (!user_token(st, *m, req, res, &token, &t)) return;
    {
      std::lock_guard<std::mutex> lock(m->mu);  // one user: every token of the app's grant dies
      for (auto& [k, v] : m->tokens) v.revoked = true;
    }
    answer(st, res, {{"success", true}});
  });
  s.Get("/_fake/meta/cursors", [m](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(m->mu);
    res.set_content(m->issued.dump(), "application/json");
  });
  serve_insights(s, st, m);
}

}  // namespace fake
