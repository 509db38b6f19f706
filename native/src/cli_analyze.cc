#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli.h"
#include "files.h"
#include "glint/engine.h"

namespace glint::native {

namespace {

constexpr const char* kAnalyzeHelp =
    "usage: glint analyze [--json] FILE\n"
    "\n"
    "Reads an ad-platform CSV export and prints per-campaign sums of impressions,\n"
    "clicks, spend, conversions and conversion value, with ctr, cpc, cpm, cpa,\n"
    "roas and cvr computed from those sums.\n"
    "\n"
    "  --json    print the report as JSON (schemas/analyze_report.schema.json)\n"
    "  FILE      a CSV file, or - for standard input\n";

std::string cell(const nlohmann::json& v, int decimals) {
  if (v.is_null()) return "-";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  return buf;
}

void print_row(const std::string& name, const nlohmann::json& m) {
  std::printf("%-32.32s %12s %10s %12s %8s %8s %8s\n", name.c_str(),
              cell(m["impressions"], 0).c_str(), cell(m["clicks"], 0).c_str(),
              cell(m["spend"], 2).c_str(), cell(m["conversions"], 1).c_str(),
              m["ctr"].is_null() ? "-" : cell(m["ctr"].get<double>() * 100, 2).append("%").c_str(),
              cell(m["cpc"], 2).c_str());
}

void print_text(const nlohmann::json& report) {
  for (const auto& in : report["inputs"]) {
    std::printf("%s: %lld rows used, %zu diagnostics\n", in["name"].get<std::string>().c_str(),
                static_cast<long long>(in["rows"].get<int64_t>()), in["diagnostics"].size());
    for (const auto& d : in["diagnostics"]) {
      std::printf("  line %lld %s%s%s: %s\n", static_cast<long long>(d["row"].get<int64_t>()),
                  d["severity"].get<std::string>().c_str(),
                  d["column"].get<std::string>().empty() ? "" : " in ",
                  d["column"].get<std::string>().c_str(), d["message"].get<std::string>().c_str());
    }
  }
  std::printf("\n%-32s %12s %10s %12s %8s %8s %8s\n", "campaign", "impressions", "clicks", "spend",
              "conv.", "ctr", "cpc");
  for (const auto& c : report["by_campaign"]) print_row(c["campaign"].get<std::string>(), c);
  print_row("TOTAL", report["totals"]);
}

}  // namespace

int run_analyze(const std::vector<std::string>& args) {
  bool json = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kAnalyzeHelp, stdout);
      return 0;
    }
    if (a == "--json") {
      json = true;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "glint analyze: unknown option '%s' (see glint analyze --help)\n",
                   a.c_str());
      return 2;
    } else {
      files.push_back(a);
    }
  }
  if (files.size() != 1) {
    std::fprintf(stderr, "glint analyze: expected one FILE (see glint analyze --help)\n");
    return 2;
  }
  Result<std::string> bytes = read_file(files[0]);
  if (!bytes.ok()) {
    std::fprintf(stderr, "glint analyze: %s\n", bytes.status().message().c_str());
    return 1;
  }
  Engine engine;
  const nlohmann::json request = {{"name", files[0]}};
  const std::string& b = bytes.value();
  CallResult result = engine.call(
      "analyze", request.dump(),
      std::span<const std::byte>(reinterpret_cast<const std::byte*>(b.data()), b.size()));
  if (!result.ok()) {
    const auto err = nlohmann::json::parse(result.body, nullptr, false);
    std::fprintf(stderr, "glint analyze: %s\n",
                 err.is_discarded() ? result.body.c_str()
                                    : err["error"]["message"].get<std::string>().c_str());
    return 1;
  }
  if (json) {
    std::fwrite(result.body.data(), 1, result.body.size(), stdout);
    std::fputc('\n', stdout);
  } else {
    print_text(nlohmann::json::parse(result.body));
  }
  return 0;
}

}  // namespace glint::native
