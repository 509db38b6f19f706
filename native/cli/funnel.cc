// glint funnel: core's "funnel" method over one file.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/engine_client.h"
#include "cli/files.h"

namespace glint::native {

namespace {

constexpr const char* kFunnelHelp =
    "usage: glint funnel --steps \"Visit,View Product,Add to Cart,Checkout,Purchase\"\n"
    "                    [--window 7d] [--order strict|ordered|any] [--breakdown COLUMN]\n"
    "                    [--column ROLE=HEADER]... [--json] FILE\n"
    "\n"
    "How many users get from the first step to the last, from\n"
    "  event rows    user (or session) id, event name, timestamp, any properties;\n"
    "  step totals   a step column and a count column (a GA4 funnel export);\n"
    "  GA4 sessions  sessions, engaged sessions, key events (and ad clicks) by source:\n"
    "                the ads-to-conversion journey and the sources that lose the most.\n"
    "Columns are found by name (user_id, client_id, event, event_name, timestamp, …).\n"
    "\n"
    "  --steps LIST      event names in funnel order, comma-separated (event rows need it)\n"
    "  --window W        conversion window from a user's first step: 30m, 36h, 7d (default), 2w, "
    "none\n"
    "  --order O         ordered (default): steps in order, other events allowed between them\n"
    "                    strict: no other event between steps; any: order ignored\n"
    "  --breakdown COL   the same figures per value of a column (e.g. source)\n"
    "  --column R=H      use column H for role R (user_id, event, timestamp, step, count)\n"
    "  --json            the report as JSON (schemas/funnel_report.schema.json)\n"
    "\n"
    "Exit status: 0 with a report, 1 when the input cannot be read, 2 on a usage error.\n";

std::string cell(const nlohmann::json& v, bool pct, int decimals = 0) {
  if (v.is_null()) return "-";
  char buf[64];
  if (pct) {
    std::snprintf(buf, sizeof buf, "%.2f%%", v.get<double>() * 100.0);
  } else if (v.is_number_integer() || v.is_number_unsigned()) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v.get<int64_t>()));
  } else {
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  }
  return buf;
}

std::string duration(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  const double s = v.get<double>();
  char buf[32];
  if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  } else if (s < 7200) {
    std::snprintf(buf, sizeof buf, "%.1fm", s / 60);
  } else if (s < 172800) {
    std::snprintf(buf, sizeof buf, "%.1fh", s / 3600);
  } else {
    std::snprintf(buf, sizeof buf, "%.1fd", s / 86400);
  }
  return buf;
}

void print_steps(const nlohmann::json& steps, const char* indent) {
  std::printf("%s%-28s %12s %9s %9s %9s %8s %8s\n", indent, "step", "count", "of first",
              "from prev", "drop-off", "median", "p90");
  for (const auto& s : steps) {
    std::printf("%s%s %12s %9s %9s %9s %8s %8s\n", indent,
                text_cell(s["name"].get<std::string>(), 28).c_str(), cell(s["count"], false, 1).c_str(),
                cell(s["percentage"], true).c_str(),
                cell(s["conversion_from_previous"], true).c_str(), cell(s["dropoff"], true).c_str(),
                duration(s["median_seconds_from_previous"]).c_str(),
                duration(s["p90_seconds_from_previous"]).c_str());
  }
}

void print_text(const nlohmann::json& doc) {
  const auto& in = doc["input"];
  std::printf("%s: %s, %lld rows used of %lld", in["name"].get<std::string>().c_str(),
              doc["mode"].get<std::string>().c_str(),
              static_cast<long long>(in["rows_used"].get<int64_t>()),
              static_cast<long long>(in["rows"].get<int64_t>()));
  if (!doc["users"].is_null())
    std::printf(", %lld users", static_cast<long long>(doc["users"].get<int64_t>()));
  if (doc["mode"] == "events") {
    std::printf(", order %s, window %s", doc["options"]["order"].get<std::string>().c_str(),
                duration(doc["options"]["window_seconds"]).c_str());
  }
  std::printf("\n\n");
  print_steps(doc["steps"], "  ");
  std::printf("\n  overall conversion: %s", cell(doc["overallConversion"], true).c_str());
  if (!doc["time_to_convert"]["median_seconds"].is_null()) {
    std::printf(" (median %s, p90 %s from first to last step)",
                duration(doc["time_to_convert"]["median_seconds"]).c_str(),
                duration(doc["time_to_convert"]["p90_seconds"]).c_str());
  }
  std::printf("\n");
  if (!doc["breakdown"].is_null()) {
    std::printf("\nby %s:\n", doc["breakdown"]["column"].get<std::string>().c_str());
    for (const auto& v : doc["breakdown"]["values"]) {
      std::printf("\n  %s — overall conversion %s\n", v["value"].get<std::string>().c_str(),
                  cell(v["overallConversion"], true).c_str());
      print_steps(v["steps"], "    ");
    }
  }
  if (doc["worst_sources"].is_array() && !doc["worst_sources"].empty()) {
    std::printf("\nsources with the worst drop-off (session → key event):\n");
    for (const auto& w : doc["worst_sources"]) {
      std::printf("  %s drop-off %s on %s sessions\n", text_cell(w["value"].get<std::string>(), 40).c_str(),
                  cell(w["dropoff"], true).c_str(), cell(w["sessions"], false, 1).c_str());
    }
  }
  print_diagnostics(doc["diagnostics"]);
}

}  // namespace

int run_funnel(const std::vector<std::string>& args) {
  CliArgs a;
  if (auto stop = parse_cli("funnel", kFunnelHelp, args, {"--json"}, {"--steps", "--window", "--order", "--breakdown", "--column"}, a)) {
    return *stop;
  }
  nlohmann::json request = nlohmann::json::object();
  for (const auto& [option, v] : a.values) {
    if (option == "--column") {
      if (!column_value("funnel", v, request)) return 2;
    } else {
      request[option.substr(2)] = v;
    }
  }
  int status = 0;
  const auto r = call_on_file("funnel", "funnel", request, a, status);
  if (!r) return status;
  if (a.has("--json")) {
    print_raw(*r);
  } else {
    print_text(nlohmann::json::parse(*r));
  }
  return 0;
}

}  // namespace glint::native
