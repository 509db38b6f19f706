#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/engine_client.h"
#include "ingest/segments.h"

namespace glint::native {

namespace {

constexpr const char* kHighlightHelp =
    "usage: glint highlight [--type grow|optimize|protect|summary|all] [--days N]\n"
    "                       [--anchor YYYY-MM-DD] [--max N] [--json] FILE...\n"
    "\n"
    "Bronze facts: what changed in the last N days against the N before, and\n"
    "what to do about it, computed from the data with templates (no AI).\n"
    "\n"
    "  --type T        summary (default): totals and their change, best/worst platform\n"
    "                  grow: campaigns and platforms worth more budget, rising conversions\n"
    "                  optimize: high CPA, spend without conversions, low CTR, CPC inflation\n"
    "                  protect: anomalies, tracking breakage, spend spikes, frequency, pacing\n"
    "                  all: the four, one after the other\n"
    "  --days N        period length (default 30)\n"
    "  --anchor DATE   last day of the current period (default: the data's last date)\n"
    GLINT_SLICE_HELP
    "  --max N         at most N facts per type (default 5)\n"
    "  --json          the highlight response as JSON (schemas/highlight_response.schema.json)\n"
    REPORT_OPTIONS_HELP GLINT_THREADS_HELP;

}  // namespace

int run_highlight(const std::vector<std::string>& args) {
  CliArgs a;
  if (auto stop = parse_cli("highlight", kHighlightHelp, args, {"--json", "--keep-duplicates", "--keep-overlaps"},
                            {"--type", "--days", "--anchor", "--max", "--locale", "--currency", "--threads", GLINT_SLICE_OPTIONS}, a)) {
    return *stop;
  }
  const bool json = a.has("--json");
  const std::vector<std::string>& files = a.positional;
  std::string type = "summary";
  nlohmann::json options = nlohmann::json::object(), open = nlohmann::json::object();
  report_options(a, options, open);
  for (const auto& [option, v] : a.values) {
    long n = 0;
    if (option == "--threads" || option == "--locale" || option == "--currency" || option == "--from" || option == "--to" || option == "--compare" ||
        option == "--platform" || option == "--account" || option == "--campaign") {
      continue;
    }
    if (option == "--type") {
      type = v;
    } else if (option == "--anchor") {
      options["anchor"] = v;
    } else if (option == "--days") {
      if (!integer_value("highlight", option, v, 1, 3660, n)) return 2;
      options["days"] = n;
    } else {
      if (!integer_value("highlight", option, v, 0, 100, n)) return 2;
      options["max_facts"] = n;
    }
  }
  std::vector<std::string> types = {type};
  if (type == "all") types = {"summary", "grow", "optimize", "protect"};
  for (const std::string& t : types) {
    if (t != "summary" && t != "grow" && t != "optimize" && t != "protect") {
      return usage_error("highlight", "--type must be grow, optimize, protect, summary or all (got '" + t + "')");
    }
  }
  if (files.empty()) return usage_error("highlight", "expected at least one FILE (see glint highlight --help)");
  unsigned threads = ThreadSegments::machine_threads();
  if (!threads_option("highlight", a, threads)) return 2;
  EngineClient client;
  client.use_threads(threads);
  std::vector<int64_t> handles;
  for (const std::string& f : files) {
    Result<int64_t> h = client.ingest_file(f, isatty(STDERR_FILENO) != 0, open);
    if (!h.ok()) {
      std::fprintf(stderr, "glint highlight: %s\n", h.status().message().c_str());
      continue;
    }
    handles.push_back(h.value());
  }
  if (handles.empty()) return 1;
  options["handles"] = handles;
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& t : types) {
    options["highlight_type"] = t;
    Result<std::string> r = client.call("report.highlight", options);
    if (!r.ok()) {
      std::fprintf(stderr, "glint highlight: %s\n", r.status().message().c_str());
      return r.status().code() == ErrorCode::kInvalidRequest ? 2 : 1;
    }
    if (json) {
      if (types.size() == 1) {
        std::fwrite(r.value().data(), 1, r.value().size(), stdout);
        std::fputc('\n', stdout);
      } else {
        all.push_back(nlohmann::json::parse(r.value()));
      }
      continue;
    }
    const auto doc = nlohmann::json::parse(r.value());
    std::printf("%s", t.c_str());
    if (!doc["date_range"].is_null()) {
      std::printf(" — %s to %s vs %s to %s", doc["date_range"]["start"].get<std::string>().c_str(),
                  doc["date_range"]["end"].get<std::string>().c_str(),
                  doc["date_range"]["previous_start"].get<std::string>().c_str(),
                  doc["date_range"]["previous_end"].get<std::string>().c_str());
    }
    if (doc.contains("declared_period")) {
      const auto& dp = doc["declared_period"];
      std::printf(" — no day per row; the export's period: %s",
                  dp["whole"].get<bool>() ? "all time"
                  : dp["start"].is_string() ? (dp["start"].get<std::string>() + " to " + dp["end"].get<std::string>()).c_str()
                                            : "not stated");
    }
    std::printf("\n");
    for (const auto& n : doc.value("notes", nlohmann::json::array())) std::printf("  note: %s\n", n.get<std::string>().c_str());
    if (doc["facts"].empty()) std::printf("  (nothing stands out)\n");
    for (const auto& f : doc["facts"]) {
      const std::string sev = f["severity"].get<std::string>();
      const char* mark = sev == "critical" ? "!!" : sev == "warning" ? "! " : sev == "positive" ? "+ " : "  ";
      std::printf("  %s %s\n", mark, f["sentence"].get<std::string>().c_str());
    }
    std::printf("\n");
  }
  if (json && types.size() > 1) std::printf("%s\n", all.dump().c_str());
  return 0;
}

}  // namespace glint::native
