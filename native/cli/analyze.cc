#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "glint/format.h"
#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/engine_client.h"
#include "ingest/segments.h"

namespace glint::native {

namespace {

constexpr const char* kAnalyzeHelp =
    "usage: glint analyze [--json] [--full] [--days N | --from DATE] [--to DATE] [--compare WHAT]\n"
    "                     [--platform NAME] [--account ID] [--campaign NAME] [--locale TAG]\n"
    "                     [--currency CODE] [--keep-duplicates] [--keep-overlaps] FILE...\n"
    "\n"
    "Reads ad-platform and web-analytics exports (Google Ads, Meta, GA4, TikTok,\n"
    "LinkedIn, Microsoft Ads or any CSV with known columns; UTF-8/16 or\n"
    "Windows-1252; comma, semicolon, tab or pipe separated) and reports what it\n"
    "understood, the totals, per platform, per campaign (or source / medium), per\n"
    "day, and the last N days against the N before. Several files blend into one\n"
    "report. Ratios come from sums; money is never added across currencies.\n"
    "\n"
    "  --json            print the report as JSON (schemas/analyze_report.schema.json)\n"
    "  --full            add the performance analysis: top/bottom performers, comparisons,\n"
    "                    trends, recommendations, action plan, budget reallocation, forecast\n"
    "  --forecast-days N days to forecast (default 30)\n"
    "  --budget-increase-limit P  no campaign raised by more than P percent (default 50)\n"
    "  --days N          period length for the comparison (default 30)\n"
    "  --anchor DATE     last day of the current period (default: the data's last date)\n"
    GLINT_SLICE_HELP
    REPORT_OPTIONS_HELP GLINT_THREADS_HELP
    "  FILE              a file, or - for standard input\n"
    "\n"
    "Exit status: 0 when a report was produced (it may carry diagnostics),\n"
    "1 when no input could be read, 2 on a usage error.\n";

// How the report writes numbers (its "format": the file's locale or --locale);
// set once per report before printing, read by the helpers below.
fmt::NumberFormat g_format;
std::string num(const nlohmann::json& v, int decimals);

// No-break spaces group digits on paper; a terminal aligns plain ones.
fmt::NumberFormat format_of(const nlohmann::json& report) {
  fmt::NumberFormat nf;
  if (const auto f = report.find("format"); f != report.end() && f->is_object()) {
    nf.group = f->value("group", ",");
    nf.decimal = f->value("decimal", ".");
    nf.min_grouping = f->value("min_grouping", 1);
    if (nf.group == "\u00a0" || nf.group == "\u202f") nf.group = " ";
    const nlohmann::json minor = f->value("minor_units", nlohmann::json::object());
    for (const auto& [code, n] : minor.items()) {
      if (n.is_number_integer()) nf.minor_units[code] = n.get<int>();
    }
  }
  return nf;
}

// Money in its currency's minor units (JPY none, KWD three); two when unknown.
std::string money(const nlohmann::json& v, const nlohmann::json& currency) {
  return num(v, currency.is_string() ? g_format.minor_units_of(currency.get<std::string>()) : 2);
}

// A figure with `decimals` decimals, grouped; counts (decimals 0) never show
// a fraction ("9,415,548", not "9415548.00").
std::string num(const nlohmann::json& v, int decimals) {
  if (v.is_null()) return "-";
  return fmt::decimal(v.get<double>(), decimals, g_format);
}

std::string pct(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  return fmt::decimal(v.get<double>() * 100.0, 2, g_format) + "%";
}

std::string signed_pct(const nlohmann::json& v) {
  if (v.is_null()) return "n/a";
  const double p = v.get<double>() * 100.0;
  return (p >= 0 ? "+" : "-") + fmt::decimal(std::fabs(p), 1, g_format) + "%";
}

// Decimals a metric is shown with: counts none, fractional counts one, money two.
int decimals_of(const std::string& metric) {
  static const char* const kCounts[] = {"impressions", "clicks", "reach", "video_views", "sessions", "engaged_sessions",
                                        "users", "new_users", "views", "rows"};
  for (const char* c : kCounts) {
    if (metric == c) return 0;
  }
  return metric == "conversions" || metric == "key_events" ? 1 : 2;
}

std::string str(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : std::string("-"); }

std::string count(const nlohmann::json& v) { return num(v, 0); }

// `currency`: the row's, else the report's one currency (null when mixed or unknown).
void print_ads_row(const std::string& name, const nlohmann::json& m, const nlohmann::json& currency) {
  const nlohmann::json& cur = m.contains("currency") && m["currency"].is_string() ? m["currency"] : currency;
  std::printf("  %s %12s %10s %14s %9s %8s %10s %7s\n", text_cell(name, 34).c_str(), num(m["impressions"], 0).c_str(),
              num(m["clicks"], 0).c_str(), money(m["spend"], cur).c_str(), num(m["conversions"], 1).c_str(),
              pct(m["ctr"]).c_str(), money(m["cpa"], cur).c_str(), num(m["roas"], 2).c_str());
}

void print_web_row(const std::string& name, const nlohmann::json& m, const nlohmann::json& currency) {
  std::printf("  %s %10s %10s %9s %10s %10s\n", text_cell(name, 34).c_str(), num(m["sessions"], 0).c_str(),
              num(m["engaged_sessions"], 0).c_str(), pct(m["engagement_rate"]).c_str(),
              num(m["key_events"], 1).c_str(), money(m["revenue"], currency).c_str());
}

void print_sections(const nlohmann::json& doc, bool web) {
  const nlohmann::json one_currency = doc["currencies"].size() == 1 ? doc["currencies"][0] : nlohmann::json();
  const auto row = [&](const std::string& name, const nlohmann::json& m) {
    (web ? print_web_row : print_ads_row)(name, m, one_currency);
  };
  if (web) {
    std::printf("  %-34s %10s %10s %9s %10s %10s\n", "", "sessions", "engaged", "eng.rate", "key events",
                "revenue");
  } else {
    std::printf("  %-34s %12s %10s %14s %9s %8s %10s %7s\n", "", "impressions", "clicks", "spend", "conv.", "ctr",
                "cpa", "roas");
  }
  row("TOTAL", doc["totals"]);
  if (doc.contains("totals_by_currency")) {
    for (const auto& [cur, m] : doc["totals_by_currency"].items()) (web ? print_web_row : print_ads_row)("TOTAL " + cur, m, cur);
  }
  for (const auto& p : doc["by_platform"]) {
    // Several currencies: one row per platform and currency, each saying which.
    row("platform " + str(p["platform"]) + (p["currency"].is_string() ? " (" + str(p["currency"]) + ")" : ""), p);
  }
  const auto& groups = web ? doc["by_source"] : doc["by_campaign"];
  std::printf("\n  %zu %s%s\n", groups.size(), web ? "sources" : "campaigns",
              groups.size() > 25 ? " (the 25 largest)" : "");
  size_t shown = 0;
  for (const auto& g : groups) {
    if (shown++ == 25) break;
    const std::string name = web ? str(g["source"]) + " / " + str(g["medium"]) : str(g["campaign"]);
    row(name, g);
  }
  const auto& p = doc["periods"];
  if (!p.is_null()) {
    const auto& cmp = p["compare"];
    const std::string mode = cmp.is_object() ? str(cmp["mode"]) : "previous";
    if (mode == "none") {
      std::printf("\n  %d days (%s to %s), no comparison:\n", p["days"].get<int>(), str(p["current"]["start"]).c_str(),
                  str(p["current"]["end"]).c_str());
    } else if (mode == "previous") {
      std::printf("\n  last %d days (%s to %s) vs the %d before (%s to %s):\n", p["days"].get<int>(),
                  str(p["current"]["start"]).c_str(), str(p["current"]["end"]).c_str(), p["days"].get<int>(),
                  str(p["previous"]["start"]).c_str(), str(p["previous"]["end"]).c_str());
    } else {
      const std::string with = mode == "year" ? str(cmp["label"]) + " (" + str(p["previous"]["start"]) + " to " +
                                                    str(p["previous"]["end"]) + ")"
                                              : str(p["previous"]["start"]) + " to " + str(p["previous"]["end"]);
      std::printf("\n  %d days (%s to %s) vs %s:\n", p["days"].get<int>(), str(p["current"]["start"]).c_str(),
                  str(p["current"]["end"]).c_str(), with.c_str());
    }
    for (const auto& [metric, change] : p["change"].items()) {
      const bool rate = p["change_points"].contains(metric);
      const bool is_money = metric == "spend" || metric == "conversion_value" || metric == "revenue" || metric == "cpc" ||
                            metric == "cpm" || metric == "cpa" || metric == "revenue_per_session";
      const auto show = [&](const nlohmann::json& v) {
        return rate ? pct(v) : is_money ? money(v, one_currency) : num(v, decimals_of(metric));
      };
      std::printf("    %-22s %14s -> %-14s %s\n", metric.c_str(), p["previous"].is_null() ? "" : show(p["previous"][metric]).c_str(),
                  show(p["current"][metric]).c_str(), signed_pct(change).c_str());
    }
    // Which inputs the changes are over, and why some are not.
    const auto& cov = p["coverage"];
    if (cov.is_object()) {
      if (!cov["comparable"].get<bool>()) {
        std::printf("    no change is given: no input covers the current %d days and at least half of the previous %d\n",
                    p["days"].get<int>(), p["days"].get<int>());
      }
      for (const auto& s : cov["sources"]) {
        if (!s["compared"].get<bool>()) std::printf("    partial: %s\n", str(s["note"]).c_str());
      }
    }
  }
  const auto& dp = doc.value("declared_period", nlohmann::json());
  if (dp.is_object()) {
    std::printf("\n  no day per row: the export's period is %s\n",
                dp["whole"].get<bool>() ? ("all time (" + str(dp["stated"]) + ")").c_str()
                : dp["start"].is_string() ? (str(dp["start"]) + " to " + str(dp["end"])).c_str()
                                          : "not stated");
  }
}

void print_analysis(const nlohmann::json& a) {
  for (const auto& c : a["by_currency"]) {
    const std::string cur = c["currency"].is_null() ? "" : " (" + c["currency"].get<std::string>() + ")";
    const std::string metric = c["performance_metric"].get<std::string>();
    std::printf("\nperformance%s, ranked by %s:\n", cur.c_str(), metric.c_str());
    for (const char* side : {"top", "bottom"}) {
      for (const auto& p : c["performers"][side]) {
        std::printf("  %-6s %s %s %s on spend %s\n", side, text_cell(str(p["campaign"]), 40).c_str(), metric.c_str(),
                    num(p[metric], 2).c_str(), num(p["spend"], 2).c_str());
      }
    }
    const auto& r = c["budget_reallocation"];
    const std::string obj = r["objective"].get<std::string>();
    std::printf("  budget reallocation (total %s kept): %s %s -> %s\n", num(r["total_budget"], 2).c_str(), obj.c_str(),
                num(r["before"][obj], 2).c_str(), num(r["after"][obj], 2).c_str());
    for (const auto& h : r.value("held", nlohmann::json::array())) {
      std::printf("    %s: %s\n", text_cell(str(h["campaign"]), 40).c_str(), str(h["reason"]).c_str());
    }
    const auto& f = c["forecast"];
    if (!f.is_null()) {
      std::printf("  forecast %s to %s: spend %s [%s, %s], conversions %s, revenue %s\n", str(f["start"]).c_str(),
                  str(f["end"]).c_str(), num(f["spend"]["value"], 2).c_str(), num(f["spend"]["low"], 2).c_str(),
                  num(f["spend"]["high"], 2).c_str(), num(f["conversions"]["value"], 1).c_str(),
                  num(f["revenue"]["value"], 2).c_str());
      if (!f["backtest"].is_null()) {
        std::printf("  forecast backtest on %s to %s: spend WAPE %s\n", str(f["backtest"]["start"]).c_str(),
                    str(f["backtest"]["end"]).c_str(), pct(f["backtest"]["errors"]["spend"]["wape"]).c_str());
      }
    }
  }
  std::printf("\naction plan:\n");
  for (const char* when : {"immediate", "this_week", "this_month"}) {
    for (const auto& x : a["action_plan"]["plan"][when]) {
      std::printf("  [%s] %-20s %s\n", when, str(x["action"]).c_str(), str(x["justification"]).c_str());
      for (const auto& s : x.value("supporting", nlohmann::json::array())) {
        std::printf("  %*s also %s: %s\n", static_cast<int>(std::string(when).size()) + 2, "", str(s["action"]).c_str(),
                    str(s["sentence"]).c_str());
      }
      for (const auto& s : x.value("set_aside", nlohmann::json::array())) {
        std::printf("  %*s not %s (%s): %s\n", static_cast<int>(std::string(when).size()) + 2, "", str(s["action"]).c_str(),
                    str(s["reason"]).c_str(), str(s["sentence"]).c_str());
      }
    }
  }
}

void print_text(const nlohmann::json& report) {
  g_format = format_of(report);
  for (const auto& in : report["inputs"]) {
    std::printf("%s: %s, %s, %s-separated%s, header on line %lld\n", str(in["name"]).c_str(),
                str(in["platform"]).c_str(), str(in["encoding"]).c_str(),
                str(in["dialect"]["delimiter_name"]).c_str(), in["bom"].get<bool>() ? " (BOM)" : "",
                static_cast<long long>(in["header_row"].get<int64_t>()));
    std::printf("  %s rows used, %s excluded, currency %s, dates %s to %s\n", count(in["rows"]).c_str(),
                count(in["excluded_total"]).c_str(), str(in["currency"]).c_str(), str(in["date_min"]).c_str(),
                str(in["date_max"]).c_str());
    if (const auto& dup = in.value("duplicates", nlohmann::json()); dup.is_object() && dup["count"].get<int64_t>() > 0) {
      std::printf("  %s rows repeat an earlier row cell for cell: %s\n", count(dup["count"]).c_str(),
                  dup["counted_once"].get<bool>() ? "counted once" : "counted as written (--keep-duplicates)");
    }
    for (const auto& e : in["excluded_rows"]) {
      std::printf("  excluded line %lld: %s\n", static_cast<long long>(e["row"].get<int64_t>()),
                  str(e["reason"]).c_str());
    }
    for (const auto& c : in.value("checks", nlohmann::json::array())) {
      const std::string where = "line " + std::to_string(c["row"].get<int64_t>()) + " '" + str(c["label"]) + "'";
      if (c["matches"].get<bool>()) {
        std::printf("  check %s: equals glint's sum over %s (%lld rows)\n", where.c_str(), str(c["scope"]).c_str(),
                    static_cast<long long>(c["rows"].get<int64_t>()));
        continue;
      }
      std::string diffs;
      for (const auto& d : c["differences"]) {
        diffs += (diffs.empty() ? "" : "; ") + str(d["metric"]) + " " + num(d["total"], 2) + " in the file, " +
                 num(d["sum"], 2) + " summed";
      }
      std::printf("  check %s: DIFFERS from the sum of all rows: %s%s\n", where.c_str(), diffs.c_str(),
                  c.contains("note") ? (" (" + str(c["note"]) + ")").c_str() : "");
    }
    for (const auto& sec : in.value("sections", nlohmann::json::array())) {
      std::string header;
      for (const auto& h : sec["header"]) header += (header.empty() ? "" : ", ") + h.get<std::string>();
      std::printf("  table at line %lld (%lld rows)%s: %s\n", static_cast<long long>(sec["header_row"].get<int64_t>()),
                  static_cast<long long>(sec["rows"].get<int64_t>()), sec["used"].get<bool>() ? ", read" : ", not read",
                  text_cell(header, 60).c_str());
    }
    if (!in["unmapped"].empty()) {
      std::string list;
      for (const auto& u : in["unmapped"]) list += (list.empty() ? "" : ", ") + u.get<std::string>();
      std::printf("  columns not used: %s\n", list.c_str());
    }
    size_t shown = 0;
    for (const auto& d : in["diagnostics"]) {
      if (shown++ == 20) break;
      const std::string col = str(d["column"]);
      std::printf("  %s%s%s%s: %s\n", d["row"].get<int64_t>() > 0 ? ("line " + std::to_string(d["row"].get<int64_t>()) + " ").c_str() : "",
                  str(d["severity"]).c_str(), col.empty() || col == "-" ? "" : " in ", col == "-" ? "" : col.c_str(),
                  str(d["message"]).c_str());
    }
    const int64_t total = in["diagnostics_total"].get<int64_t>();
    if (total > static_cast<int64_t>(shown)) {
      std::printf("  … %lld diagnostics in all (--json lists up to 1000)\n", static_cast<long long>(total));
    }
  }
  for (const auto& o : report.value("overlaps", nlohmann::json::array())) {
    std::printf("%s and %s hold the same %s campaign(s) on %s days (%s to %s): %s\n", str(o["dropped"]).c_str(),
                str(o["kept"]).c_str(), count(o["campaigns"]).c_str(), count(o["days"]).c_str(), str(o["first"]).c_str(),
                str(o["last"]).c_str(),
                o["counted_once"].get<bool>() ? ("counted once, from " + str(o["kept"])).c_str() : "both counted (--keep-overlaps)");
  }
  std::printf("\n");
  const std::string kind = str(report["kind"]);
  print_sections(report, kind == "web");
  if (report.contains("web")) {
    std::printf("\nweb analytics:\n");
    print_sections(report["web"], true);
  }
  if (report.contains("analysis")) print_analysis(report["analysis"]);
}

}  // namespace

int run_analyze(const std::vector<std::string>& args) {
  CliArgs a;
  if (auto stop = parse_cli("analyze", kAnalyzeHelp, args, {"--json", "--full", "--keep-duplicates", "--keep-overlaps"},
                            {"--days", "--anchor", "--forecast-days", "--budget-increase-limit", "--locale", "--currency", "--threads",
                             GLINT_SLICE_OPTIONS}, a)) {
    return *stop;
  }
  const bool json = a.has("--json");
  const std::vector<std::string>& files = a.positional;
  nlohmann::json options = nlohmann::json::object();
  if (a.has("--full")) options["full"] = true;
  nlohmann::json open = nlohmann::json::object();
  report_options(a, options, open);
  for (const auto& [option, v] : a.values) {
    if (option == "--anchor") {
      options["anchor"] = v;
      continue;
    }
    if (option == "--threads" || option == "--locale" || option == "--currency" || option == "--from" || option == "--to" || option == "--compare" ||
        option == "--platform" || option == "--account" || option == "--campaign") {
      continue;
    }
    long n = 0;
    if (option == "--days" && !integer_value("analyze", option, v, 1, 3660, n)) return 2;
    if (option != "--days" && !integer_value("analyze", option, v, 0, 1000, n)) return 2;
    options[option == "--days" ? "days" : option == "--forecast-days" ? "forecast_days" : "budget_increase_limit"] = n;
    if (option != "--days") options["full"] = true;
  }
  if (files.empty()) return usage_error("analyze", "expected at least one FILE (see glint analyze --help)");
  unsigned threads = ThreadSegments::machine_threads();
  if (!threads_option("analyze", a, threads)) return 2;
  EngineClient client;
  client.use_threads(threads);
  std::vector<int64_t> handles;
  for (const std::string& f : files) {
    Result<int64_t> h = client.ingest_file(f, isatty(STDERR_FILENO) != 0, open);
    if (!h.ok()) {
      std::fprintf(stderr, "glint analyze: %s\n", h.status().message().c_str());
      continue;
    }
    handles.push_back(h.value());
  }
  if (handles.empty()) return 1;
  options["handles"] = handles;
  Result<std::string> report = client.call("report.analyze", options);
  if (!report.ok()) {
    std::fprintf(stderr, "glint analyze: %s\n", report.status().message().c_str());
    return report.status().code() == ErrorCode::kInvalidRequest ? 2 : 1;
  }
  if (json) {
    std::fwrite(report.value().data(), 1, report.value().size(), stdout);
    std::fputc('\n', stdout);
  } else {
    print_text(nlohmann::json::parse(report.value()));
  }
  return 0;
}

}  // namespace glint::native
