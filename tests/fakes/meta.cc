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
}

}  // namespace fake
