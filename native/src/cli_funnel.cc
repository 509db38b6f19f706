// glint funnel: core's "funnel" method over one file.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli.h"
#include "engine_client.h"
#include "files.h"

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
    std::printf("%s%-28.28s %12s %9s %9s %9s %8s %8s\n", indent,
                s["name"].get<std::string>().c_str(), cell(s["count"], false, 1).c_str(),
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
      std::printf("  %-40.40s drop-off %s on %s sessions\n", w["value"].get<std::string>().c_str(),
                  cell(w["dropoff"], true).c_str(), cell(w["sessions"], false, 1).c_str());
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

int run_funnel(const std::vector<std::string>& args) {
  bool json = false;
  std::string file;
  nlohmann::json request = nlohmann::json::object();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kFunnelHelp, stdout);
      return 0;
    }
    if (a == "--json") {
      json = true;
      continue;
    }
    if (a == "--steps" || a == "--window" || a == "--order" || a == "--breakdown" ||
        a == "--column") {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "glint funnel: %s needs a value (see glint funnel --help)\n",
                     a.c_str());
        return 2;
      }
      const std::string& v = args[++i];
      if (a == "--column") {
        const size_t eq = v.find('=');
        if (eq == std::string::npos || eq == 0) {
          std::fprintf(stderr, "glint funnel: --column needs ROLE=HEADER (got '%s')\n", v.c_str());
          return 2;
        }
        request["columns"][v.substr(0, eq)] = v.substr(eq + 1);
      } else {
        request[a.substr(2)] = v;
      }
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "glint funnel: unknown option '%s' (see glint funnel --help)\n",
                   a.c_str());
      return 2;
    }
    if (!file.empty()) {
      std::fprintf(stderr, "glint funnel: one FILE only (got '%s' and '%s')\n", file.c_str(),
                   a.c_str());
      return 2;
    }
    file = a;
  }
  if (file.empty()) {
    std::fprintf(stderr, "glint funnel: expected a FILE (see glint funnel --help)\n");
    return 2;
  }
  Result<std::string> bytes = read_file(file);
  if (!bytes.ok()) {
    std::fprintf(stderr, "glint funnel: %s\n", bytes.status().message().c_str());
    return 1;
  }
  request["name"] = file;
  EngineClient client;
  Result<std::string> r = client.call("funnel", request, std::as_bytes(std::span(bytes.value())));
  if (!r.ok()) {
    std::fprintf(stderr, "glint funnel: %s\n", r.status().message().c_str());
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
