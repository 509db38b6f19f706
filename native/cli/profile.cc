// glint profile: core's "profile" method over one file; --html writes the
// page core rendered (so the browser's wasm build gives the same page).
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

constexpr const char* kProfileHelp =
    "usage: glint profile [--json] [--html OUT.html] [--top N] [--bins N] FILE\n"
    "\n"
    "What is in a table, column by column: inferred type (integer, decimal, money,\n"
    "percent, date, boolean, categorical, text, identifier), missing and distinct\n"
    "values, zeros and negatives, min/max/mean/stddev, quantiles, a histogram, the\n"
    "most frequent values, date ranges and gaps; for the table: duplicate rows,\n"
    "memory, Pearson and Spearman correlations and alerts. Large files stay in\n"
    "bounded memory (sketches past documented thresholds, error bounds reported).\n"
    "\n"
    "  --json        the profile as JSON (schemas/profile_report.schema.json)\n"
    "  --html OUT    also write a self-contained HTML report (no network requests)\n"
    "  --top N       most frequent values per column (default 10)\n"
    "  --bins N      histogram bins (default 20)\n"
    "\n"
    "Exit status: 0 with a report, 1 when the input cannot be read, 2 on a usage error.\n";

std::string val(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  char buf[64];
  if (v.is_number_integer() || v.is_number_unsigned()) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v.get<int64_t>()));
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
  }
  return buf;
}

void print_text(const nlohmann::json& doc) {
  const auto& t = doc["table"];
  std::printf("%s: %lld rows, %lld columns, %lld duplicate rows, %.2f%% cells missing\n\n",
              doc["input"]["name"].get<std::string>().c_str(),
              static_cast<long long>(t["rows"].get<int64_t>()),
              static_cast<long long>(t["columns"].get<int64_t>()),
              static_cast<long long>(t["duplicate_rows"].get<int64_t>()),
              t["missing_share"].is_null() ? 0.0 : t["missing_share"].get<double>() * 100.0);
  std::printf("  %-26s %-11s %8s %9s %12s %12s %12s\n", "column", "type", "missing", "distinct",
              "min", "median", "max");
  for (const auto& c : doc["columns"]) {
    std::string mn = val(c["min"]),
                md = c["quantiles"].is_null() ? "-" : val(c["quantiles"]["p50"]),
                mx = val(c["max"]);
    if (!c["date"].is_null()) {
      mn = val(c["date"]["min"]);
      md = val(c["date"]["quantiles"]["p50"]);
      mx = val(c["date"]["max"]);
    } else if (c["min"].is_null() && !c["top_values"].empty()) {
      md = "top: " + c["top_values"][0]["value"].get<std::string>();
    }
    char missing[32];
    std::snprintf(missing, sizeof missing, "%.1f%%",
                  c["missing_share"].is_null() ? 0.0 : c["missing_share"].get<double>() * 100.0);
    std::printf("  %s %-11s %8s %9s %12.12s %12.12s %12.12s\n", text_cell(c["name"].get<std::string>(), 26).c_str(),
                c["type"].get<std::string>().c_str(), missing, val(c["distinct"]).c_str(), mn.c_str(), md.c_str(),
                mx.c_str());
  }
  if (!doc["alerts"].empty()) {
    std::printf("\nalerts:\n");
    for (const auto& a : doc["alerts"]) {
      std::printf("  [%s] %s: %s\n", a["severity"].get<std::string>().c_str(),
                  a["column"].is_null() ? "table" : a["column"].get<std::string>().c_str(),
                  a["message"].get<std::string>().c_str());
    }
  }
  const auto& corr = doc["correlations"];
  if (corr["columns"].size() >= 2) {
    std::printf("\nstrongest correlations (Pearson / Spearman):\n");
    const auto& cols = corr["columns"];
    for (size_t i = 0; i < cols.size(); ++i) {
      for (size_t j = i + 1; j < cols.size(); ++j) {
        std::printf("  %s %s %8s %8s\n", text_cell(cols[i].get<std::string>(), 24).c_str(),
                    text_cell(cols[j].get<std::string>(), 24).c_str(), val(corr["pearson"][i][j]).c_str(),
                    val(corr["spearman"][i][j]).c_str());
      }
    }
  }
}

}  // namespace

int run_profile(const std::vector<std::string>& args) {
  CliArgs a;
  if (auto stop = parse_cli("profile", kProfileHelp, args, {"--json"}, {"--html", "--top", "--bins"}, a)) return *stop;
  nlohmann::json request = nlohmann::json::object();
  std::string html_out;
  for (const auto& [option, v] : a.values) {
    if (option == "--html") {
      html_out = v;
      request["html"] = true;
    } else {
      long n = 0;
      if (!integer_value("profile", option, v, 0, 1000000, n)) return 2;
      request[option == "--top" ? "top_values" : "histogram_bins"] = n;
    }
  }
  int status = 0;
  const auto r = call_on_file("profile", "profile", request, a, status);
  if (!r) return status;
  const nlohmann::json doc = nlohmann::json::parse(*r);
  if (!html_out.empty()) {
    const std::string page = doc["html"].get<std::string>();
    std::FILE* f = std::fopen(html_out.c_str(), "wb");
    bool ok = f != nullptr && std::fwrite(page.data(), 1, page.size(), f) == page.size();
    if (f != nullptr) ok = std::fclose(f) == 0 && ok;
    if (!ok) {
      std::fprintf(stderr, "glint profile: cannot write %s\n", html_out.c_str());
      return 1;
    }
    if (!a.has("--json")) std::fprintf(stderr, "wrote %s\n", html_out.c_str());
  }
  if (a.has("--json")) {
    print_raw(*r);
  } else {
    print_text(doc);
  }
  return 0;
}

}  // namespace glint::native
