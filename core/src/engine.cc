#include "glint/engine.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "glint/analyze.h"
#include "json_out.h"

namespace glint {

using json_out::Json;

struct Engine::State {};

namespace {

CallResult error_result(ErrorCode code, std::string_view message) {
  Json doc;
  doc["error"]["code"] = std::string(error_code_name(code));
  doc["error"]["message"] = std::string(message);
  return {code, json_out::dump(doc)};
}

void put_metrics(Json& out, const AdSums& s) {
  using M = AdMetric;
  for (M m : {M::kImpressions, M::kClicks, M::kSpend, M::kConversions, M::kConversionValue}) {
    out[std::string(ad_metric_name(m))] = json_out::micros(s[m]);
  }
  const AdRates r = derive_rates(s);
  out["ctr"] = json_out::optional(r.ctr);
  out["cpc"] = json_out::optional(r.cpc);
  out["cpm"] = json_out::optional(r.cpm);
  out["cpa"] = json_out::optional(r.cpa);
  out["roas"] = json_out::optional(r.roas);
  out["cvr"] = json_out::optional(r.cvr);
}

Json report_json(const AnalyzeReport& report) {
  Json doc;
  Json inputs = Json::array();
  for (const InputReport& in : report.inputs) {
    Json j;
    j["name"] = in.name;
    j["bytes"] = in.bytes;
    j["rows"] = in.rows;
    Json diags = Json::array();
    for (const Diagnostic& d : in.diagnostics) {
      diags.push_back({{"row", d.row},
                       {"column", d.column},
                       {"severity", std::string(severity_name(d.severity))},
                       {"message", d.message}});
    }
    j["diagnostics"] = std::move(diags);
    inputs.push_back(std::move(j));
  }
  doc["inputs"] = std::move(inputs);
  put_metrics(doc["totals"], report.totals);
  Json campaigns = Json::array();
  for (const CampaignSums& c : report.by_campaign) {
    Json j;
    j["campaign"] = c.campaign;
    put_metrics(j, c.sums);
    campaigns.push_back(std::move(j));
  }
  doc["by_campaign"] = std::move(campaigns);
  return doc;
}

CallResult call_analyze(const Json& request, std::span<const std::byte> payload) {
  std::string name = "input.csv";
  if (const auto it = request.find("name"); it != request.end()) {
    if (!it->is_string()) return error_result(ErrorCode::kInvalidRequest, "'name' must be a string");
    name = it->get<std::string>();
  }
  Result<AnalyzeReport> report = analyze_csv(name, payload);
  if (!report.ok()) return error_result(report.status().code(), report.status().message());
  return {ErrorCode::kOk, json_out::dump(report_json(report.value()))};
}

}  // namespace

Engine::Engine() : state_(std::make_unique<State>()) {}
Engine::~Engine() = default;

CallResult Engine::call(std::string_view method, std::string_view request,
                        std::span<const std::byte> payload) {
  try {
    Json req = request.empty() ? Json::object() : Json::parse(request, nullptr, false);
    if (req.is_discarded() || !req.is_object()) {
      return error_result(ErrorCode::kInvalidRequest, "the request is not a JSON object");
    }
    if (method == "version") {
      Json doc;
      doc["version"] = std::string(version());
      return {ErrorCode::kOk, json_out::dump(doc)};
    }
    if (method == "analyze") return call_analyze(req, payload);
    return error_result(ErrorCode::kUnknownMethod,
                        "unknown method '" + std::string(method) + "'");
  } catch (const std::exception& e) {
    return error_result(ErrorCode::kInternal, std::string("internal error: ") + e.what());
  } catch (...) {
    return error_result(ErrorCode::kInternal, "internal error");
  }
}

std::string_view version() { return GLINT_VERSION; }

}  // namespace glint
