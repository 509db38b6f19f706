#include "mailchimp/mailchimp.h"
#include "http/fields.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

namespace glint::connectors::mailchimp {

namespace {

using fields::text;
using fields::id_text;
using fields::id_number;

using nlohmann::json;
using Kind = UpstreamError::Kind;

std::string shortened(std::string s) {
  if (s.size() > 200) s.resize(200);
  return s;
}

// "scheme://authority" of an http(s) URL with nothing after it but an
// optional "/", lower-cased; nullopt for anything else (a path, a query,
// user info), so a comparison of two origins is a comparison of strings.
std::optional<std::string> bare_origin(std::string_view url) {
  std::string lower(url);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t start = 0;
  if (lower.rfind("https://", 0) == 0) {
    start = 8;
  } else if (lower.rfind("http://", 0) == 0) {
    start = 7;
  } else {
    return std::nullopt;
  }
  const size_t end = lower.find_first_of("/?#", start);
  const std::string authority = lower.substr(start, end == std::string::npos ? end : end - start);
  if (authority.empty() || authority.find('@') != std::string::npos) return std::nullopt;
  if (end != std::string::npos && lower.substr(end) != "/") return std::nullopt;
  return lower.substr(0, start) + authority;
}

// A data-centre name: letters then digits ("us19").
bool valid_dc(const std::string& dc) {
  size_t i = 0;
  while (i < dc.size() && dc[i] >= 'a' && dc[i] <= 'z') ++i;
  if (i == 0 || i == dc.size()) return false;
  return std::all_of(dc.begin() + static_cast<std::ptrdiff_t>(i), dc.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// The configured stand-in for login.mailchimp.com (a fake), when there is one.
std::optional<std::string> stand_in_origin() {
  const std::string real = "https://login.mailchimp.com";
  const std::string mapped = upstream_url(real);
  if (mapped == real) return std::nullopt;
  return bare_origin(mapped);
}

// Where glint may send the token for this data centre: the real
// https://{dc}.api.mailchimp.com (through upstream_url), or the stand-in's
// own origin. `announced` is what the metadata (or a stored Metadata) says.
std::optional<std::string> trusted_endpoint(const std::string& announced, const std::string& dc) {
  if (valid_dc(dc) && announced == "https://" + dc + ".api.mailchimp.com")
    return upstream_url(announced);
  const std::optional<std::string> origin = bare_origin(announced);
  const std::optional<std::string> stand_in = stand_in_origin();
  if (origin && stand_in && *origin == *stand_in) return *origin;
  return std::nullopt;
}

UpstreamError no_answer(const Status& s) { return {Kind::kUnavailable, s.message()}; }

}  // namespace

std::string authorize_url(const Config& cfg, const std::string& redirect_uri,
                          const std::string& state) {
  return oauth::with_query(upstream_url("https://login.mailchimp.com/oauth2/authorize"),
                           {{"response_type", "code"},
                            {"client_id", cfg.client_id},
                            {"redirect_uri", redirect_uri},
                            {"state", state}});
}

Upstream<oauth::Tokens> exchange_code(const Config& cfg, const std::string& code,
                                      const std::string& redirect_uri) {
  return oauth::token_request(upstream_url("https://login.mailchimp.com/oauth2/token"),
                              {{"grant_type", "authorization_code"},
                               {"client_id", cfg.client_id},
                               {"client_secret", cfg.client_secret},
                               {"redirect_uri", redirect_uri},
                               {"code", code}},
                              "Mailchimp");
}

Upstream<Metadata> metadata(const std::string& access_token) {
  HttpRequest req;
  req.url = upstream_url("https://login.mailchimp.com/oauth2/metadata");
  // Mailchimp's metadata call uses the "OAuth" scheme, not "Bearer".
  req.headers = {{"Authorization", "OAuth " + access_token}, {"Accept", "application/json"}};
  req.total_timeout_ms = 15000;
  req.max_response_bytes = 1u << 20;
  Result<HttpResponse> r = send(req);
  if (!r.ok()) return {std::nullopt, no_answer(r.status())};
  const HttpResponse& resp = r.value();
  if (resp.status != 200) return {std::nullopt, error_of(resp, "metadata")};
  const json body = json::parse(resp.body, nullptr, false);
  Metadata md;
  md.dc = text(body, "dc");
  const std::string announced = text(body, "api_endpoint");
  if (!body.is_object() || md.dc.empty() || announced.empty())
    return {std::nullopt,
            UpstreamError{Kind::kMalformed, "Mailchimp's metadata answer could not be read"}};
  const std::optional<std::string> endpoint = trusted_endpoint(announced, md.dc);
  if (!endpoint)
    return {std::nullopt,
            UpstreamError{Kind::kMalformed,
                          "Mailchimp's metadata named an unexpected api_endpoint; not using it"}};
  md.api_endpoint = *endpoint;
  md.role = text(body, "role");
  md.account_name = text(body, "accountname");
  md.user_id = id_number(body, "user_id");
  if (auto it = body.find("login"); it != body.end() && it->is_object()) {
    md.login_email = text(*it, "login_email");
    md.login_name = text(*it, "login_name");
    if (md.user_id == 0) md.user_id = id_number(*it, "login_id");
  }
  return {md, std::nullopt};
}

namespace detail {

bool trusted(const Metadata& md) {
  if (valid_dc(md.dc) && md.api_endpoint == upstream_url("https://" + md.dc + ".api.mailchimp.com")) return true;
  const std::optional<std::string> origin = bare_origin(md.api_endpoint), stand_in = stand_in_origin();
  return origin && stand_in && *origin == *stand_in;
}

}  // namespace detail

Upstream<Account> account(const Metadata& md, const std::string& access_token) {
  // A stored Metadata is checked again: the token goes nowhere else.
  if (!detail::trusted(md))
    return {std::nullopt,
            UpstreamError{Kind::kMalformed, "unexpected api_endpoint for this Mailchimp account"}};
  std::string base = md.api_endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  HttpRequest req;
  req.url = base + "/3.0/";
  req.headers = {{"Authorization", "Bearer " + access_token}, {"Accept", "application/json"}};
  req.total_timeout_ms = 30000;
  req.max_response_bytes = 1u << 20;
  Result<HttpResponse> r = send(req);
  if (!r.ok()) return {std::nullopt, no_answer(r.status())};
  const HttpResponse& resp = r.value();
  if (resp.status != 200) return {std::nullopt, error_of(resp, "account")};
  const json body = json::parse(resp.body, nullptr, false);
  Account a;
  a.account_id = text(body, "account_id");
  if (a.account_id.empty())
    return {std::nullopt,
            UpstreamError{Kind::kMalformed, "Mailchimp's account answer could not be read"}};
  a.account_name = text(body, "account_name");
  a.email = text(body, "email");
  a.login_id = id_text(body, "login_id");
  a.total_subscribers = id_number(body, "total_subscribers");
  return {a, std::nullopt};
}

UpstreamError error_of(const HttpResponse& r, std::string_view what) {
  const json body = json::parse(r.body, nullptr, false);
  const std::string title = text(body, "title");
  const std::string detail = text(body, "detail");
  const std::string context = "Mailchimp " + std::string(what);
  std::string said;
  if (!title.empty()) said = ": " + shortened(title);
  if (!detail.empty()) said += (said.empty() ? ": " : " — ") + shortened(detail);

  UpstreamError e{Kind::kUnavailable, context + " failed (HTTP " + std::to_string(r.status) + ")"};
  e.upstream_code = title.empty() ? text(body, "error") : title;
  e.request_id = text(body, "instance");
  auto blank = [](const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c) != 0; });
  };

  if (r.status == 401) {
    // Mailchimp tokens do not expire: a refused token was revoked.
    e.kind = Kind::kReauthRequired;
    e.message =
        context + ": Mailchimp no longer accepts this connection" + said + "; connect it again";
  } else if (r.status == 403 && blank(r.body)) {
    // Under load Mailchimp throttles with a bare 403 and no body.
    e.kind = Kind::kRateLimited;
    e.retry_after_s = 10;
    e.message = context + ": Mailchimp is throttling this account";
  } else if (r.status == 403) {
    e.kind = Kind::kForbidden;
    e.message = context + ": Mailchimp refused access" + said;
  } else if (r.status == 429) {
    e.kind = Kind::kRateLimited;
    const int after = std::atoi(r.header("retry-after").c_str());
    e.retry_after_s = after > 0 ? after : 10;
    e.message = context + ": Mailchimp's limit of simultaneous requests was reached";
  } else if (r.status >= 400 && r.status < 500) {
    e.kind = Kind::kInvalidRequest;
    e.message = context + ": Mailchimp refused the request" + said;
  } else if (r.status >= 200 && r.status < 300) {
    e.kind = Kind::kMalformed;
    e.message = context + ": Mailchimp's answer could not be read";
  } else if (r.status >= 500) {
    e.message += said;
  }
  return e;
}

}  // namespace glint::connectors::mailchimp
