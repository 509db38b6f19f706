#include "brevo/brevo.h"

#include <nlohmann/json.hpp>

namespace glint::connectors::brevo {

namespace {

using nlohmann::json;

UpstreamError error_of(const HttpResponse& r) {
  const json body = json::parse(r.body, nullptr, false);
  const std::string message = body.is_object() && body.contains("message") && body["message"].is_string()
                                  ? body["message"].get<std::string>().substr(0, 200)
                                  : "HTTP " + std::to_string(r.status);
  if (r.status == 401 || r.status == 403) return {UpstreamError::Kind::kRejected, "Brevo refused the key: " + message};
  if (r.status == 429) {
    const int reset = std::atoi(r.header("x-sib-ratelimit-reset").c_str());
    const int after = std::atoi(r.header("retry-after").c_str());
    return {UpstreamError::Kind::kRateLimited, "Brevo's rate limit was reached", std::max({reset, after, 1})};
  }
  return {UpstreamError::Kind::kUnavailable, "Brevo answered " + std::to_string(r.status) + ": " + message};
}

}  // namespace

Upstream<Account> account(std::string_view api_key) {
  HttpRequest req;
  req.url = upstream_url("https://api.brevo.com/v3/account");
  req.headers = {{"api-key", std::string(api_key)}, {"accept", "application/json"}};
  req.total_timeout_ms = 15000;
  Result<HttpResponse> r = send(req);
  if (!r.ok()) return {std::nullopt, UpstreamError{UpstreamError::Kind::kUnavailable, r.status().message()}};
  const HttpResponse& resp = r.value();
  if (resp.status != 200) return {std::nullopt, error_of(resp)};
  const json body = json::parse(resp.body, nullptr, false);
  if (!body.is_object() || !body.contains("email") || !body["email"].is_string()) {
    return {std::nullopt, UpstreamError{UpstreamError::Kind::kMalformed, "Brevo's account answer could not be read"}};
  }
  Account a;
  a.email = body.value("email", "");
  a.first_name = body.value("firstName", "");
  a.last_name = body.value("lastName", "");
  a.company_name = body.value("companyName", "");
  if (body.contains("organization_id") && body["organization_id"].is_string()) a.organization_id = body["organization_id"];
  if (body.contains("user_id") && body["user_id"].is_number_integer()) a.user_id = body["user_id"];
  if (body.contains("plan") && body["plan"].is_array()) {
    for (const json& p : body["plan"]) {
      if (p.is_object() && p.contains("type") && p["type"].is_string()) a.plans.push_back(p["type"]);
    }
  }
  return {a, std::nullopt};
}

}  // namespace glint::connectors::brevo
