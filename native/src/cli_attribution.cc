// glint attribution: core's "attribution" method over one file.
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli.h"
#include "engine_client.h"
#include "files.h"

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
      std::printf("  %-28.28s %11s %12s %14s %7s%%\n", c["channel"].get<std::string>().c_str(),
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
        std::printf("  %-24.24s", models[0]["channels"][i]["channel"].get<std::string>().c_str());
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
  const auto& d = doc["diagnostics"];
  if (d["total"].get<int64_t>() > 0) {
    std::printf("\n%lld diagnostic(s):\n", static_cast<long long>(d["total"].get<int64_t>()));
    size_t shown = 0;
    for (const auto& e : d["entries"]) {
      if (shown++ == 10) break;
      std::printf("  line %lld %s: %s\n", static_cast<long long>(e["row"].get<int64_t>()),
                  e["column"].get<std::string>().c_str(), e["message"].get<std::string>().c_str());
    }
  }
}

}  // namespace

int run_attribution(const std::vector<std::string>& args) {
  bool json = false;
  std::string file;
  nlohmann::json request = nlohmann::json::object();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kAttributionHelp, stdout);
      return 0;
    }
    if (a == "--json") {
      json = true;
      continue;
    }
    if (a == "--model" || a == "--half-life-days" || a == "--first-weight" ||
        a == "--last-weight" || a == "--column") {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "glint attribution: %s needs a value (see glint attribution --help)\n",
                     a.c_str());
        return 2;
      }
      const std::string& v = args[++i];
      if (a == "--model") {
        request["model"] = v;
      } else if (a == "--column") {
        const size_t eq = v.find('=');
        if (eq == std::string::npos || eq == 0) {
          std::fprintf(stderr, "glint attribution: --column needs ROLE=HEADER (got '%s')\n",
                       v.c_str());
          return 2;
        }
        request["columns"][v.substr(0, eq)] = v.substr(eq + 1);
      } else {
        char* end = nullptr;
        const double x = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0') {
          std::fprintf(stderr, "glint attribution: %s '%s' is not a number\n", a.c_str(),
                       v.c_str());
          return 2;
        }
        std::string key = a.substr(2);
        for (char& ch : key) ch = ch == '-' ? '_' : ch;
        request[key] = x;
      }
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr,
                   "glint attribution: unknown option '%s' (see glint attribution --help)\n",
                   a.c_str());
      return 2;
    }
    if (!file.empty()) {
      std::fprintf(stderr, "glint attribution: one FILE only (got '%s' and '%s')\n", file.c_str(),
                   a.c_str());
      return 2;
    }
    file = a;
  }
  if (file.empty()) {
    std::fprintf(stderr, "glint attribution: expected a FILE (see glint attribution --help)\n");
    return 2;
  }
  Result<std::string> bytes = read_file(file);
  if (!bytes.ok()) {
    std::fprintf(stderr, "glint attribution: %s\n", bytes.status().message().c_str());
    return 1;
  }
  request["name"] = file;
  EngineClient client;
  Result<std::string> r =
      client.call("attribution", request, std::as_bytes(std::span(bytes.value())));
  if (!r.ok()) {
    std::fprintf(stderr, "glint attribution: %s\n", r.status().message().c_str());
    return r.status().code() == ErrorCode::kInvalidRequest ? 2 : 1;
  }
  if (json) {
    std::fwrite(r.value().data(), 1, r.value().size(), stdout);
    std::fputc('\n', stdout);
  } else {
    print_text(nlohmann::json::parse(r.value()));
  }
  return 0;
}

}  // namespace glint::native
