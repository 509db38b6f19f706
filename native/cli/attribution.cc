// glint attribution: core's "attribution" method over one file.
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/engine_client.h"
#include "cli/files.h"

namespace glint::native {

namespace {

constexpr const char* kAttributionHelp =
    "usage: glint attribution [--model first|last|linear|time_decay|position_based|markov|all]\n"
    "                         [--half-life-days N] [--first-weight F] [--last-weight L]\n"
    "                         [--column ROLE=HEADER]... [--json] FILE\n"
    "\n"
    "Which channels get the credit for conversions and revenue, from touchpoint rows:\n"
    "a journey or user id, a timestamp, a channel, and a conversion flag (and value)\n"
    "on the converting row. Columns are found by name (user_id, journey_id,\n"
    "visitor_id, client_id; timestamp, time, date; channel, source, utm_source,\n"
    "medium; conversion, converted, is_conversion; revenue, value, conversion_value).\n"
    "\n"
    "  --model M           one model, a comma-separated list, or all (default): side by side\n"
    "  --half-life-days N  time decay: credit halves every N days before the conversion (default "
    "7)\n"
    "  --first-weight F    position based: share of the first touchpoint (default 0.4)\n"
    "  --last-weight L     position based: share of the last touchpoint (default 0.4)\n"
    "  --column R=H        use column H for role R (user_id, timestamp, channel, conversion, "
    "revenue)\n"
    "  --json              the report as JSON (schemas/attribution_report.schema.json)\n"
    "\n"
    "Totals equal the observed conversions and revenue exactly in every model\n"
    "(micro-units, largest-remainder rounding). Journeys that did not convert\n"
    "count for the Markov model only.\n"
    "\n"
    "Exit status: 0 with a report, 1 when the input cannot be read, 2 on a usage error.\n";

std::string num(const nlohmann::json& v, int decimals) {
  if (v.is_null()) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  return buf;
}

void print_text(const nlohmann::json& doc) {
  const auto& in = doc["input"];
  const auto& t = doc["totals"];
  std::printf("%s: %lld journeys (%lld converting), %lld touchpoints, %s conversions, revenue %s\n",
              in["name"].get<std::string>().c_str(),
              static_cast<long long>(t["journeys"].get<int64_t>()),
              static_cast<long long>(t["converting_journeys"].get<int64_t>()),
              static_cast<long long>(t["touchpoints"].get<int64_t>()),
              num(t["conversions"], 2).c_str(), num(t["revenue"], 2).c_str());
  const auto& models = doc["models"];
  if (models.size() == 1) {
    const auto& m = models[0];
    std::printf("\nmodel %s\n  %-28s %11s %12s %14s %8s\n", m["model"].get<std::string>().c_str(),
                "channel", "touchpoints", "conversions", "revenue", "weight");
    for (const auto& c : m["channels"]) {
      std::printf("  %s %11s %12s %14s %7s%%\n", text_cell(c["channel"].get<std::string>(), 28).c_str(),
                  num(c["touchpoints"], 0).c_str(), num(c["conversions"], 2).c_str(),
                  num(c["revenue"], 2).c_str(),
                  c["weight"].is_null() ? "-" : num(c["weight"].get<double>() * 100.0, 1).c_str());
    }
  } else {
    for (const char* what : {"conversions", "revenue"}) {
      std::printf("\n%s by model\n  %-24s", what, "channel");
      for (const auto& m : models) std::printf(" %14.14s", m["model"].get<std::string>().c_str());
      std::printf("\n");
      for (size_t i = 0; i < models[0]["channels"].size(); ++i) {
        std::printf("  %s", text_cell(models[0]["channels"][i]["channel"].get<std::string>(), 24).c_str());
        for (const auto& m : models) {
          const auto& rows = m["channels"];
          std::printf(" %14s", i < rows.size() ? num(rows[i][what], 2).c_str() : "-");
        }
        std::printf("\n");
      }
      std::printf("  %-24s", "TOTAL");
      for (const auto& m : models) std::printf(" %14s", num(m[what], 2).c_str());
      std::printf("\n");
    }
  }
  print_diagnostics(doc["diagnostics"]);
}

}  // namespace

int run_attribution(const std::vector<std::string>& args) {
  CliArgs a;
  if (auto stop = parse_cli("attribution", kAttributionHelp, args, {"--json"},
                            {"--model", "--half-life-days", "--first-weight", "--last-weight", "--column"}, a)) {
    return *stop;
  }
  nlohmann::json request = nlohmann::json::object();
  for (const auto& [option, v] : a.values) {
    if (option == "--model") {
      request["model"] = v;
    } else if (option == "--column") {
      if (!column_value("attribution", v, request)) return 2;
    } else {
      double x = 0;
      if (!number_value("attribution", option, v, x)) return 2;
      std::string key = option.substr(2);
      for (char& ch : key) ch = ch == '-' ? '_' : ch;
      request[key] = x;
    }
  }
  int status = 0;
  const auto r = call_on_file("attribution", "attribution", request, a, status);
  if (!r) return status;
  if (a.has("--json")) {
    print_raw(*r);
  } else {
    print_text(nlohmann::json::parse(*r));
  }
  return 0;
}

}  // namespace glint::native
