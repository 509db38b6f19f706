// Ingest behaviours through core's one call, on small exports written here.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "glint/engine.h"

namespace glint {
namespace {

using nlohmann::json;

std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span<const char>(s.data(), s.size())); }

json analyze(const std::string& csv, json request = json::object()) {
  Engine e;
  if (!request.contains("name")) request["name"] = "test.csv";
  const CallResult r = e.call("analyze", request.dump(), bytes(csv));
  EXPECT_TRUE(r.ok()) << r.body;
  return json::parse(r.body);
}

ErrorCode analyze_error(const std::string& csv) {
  Engine e;
  return e.call("analyze", R"({"name":"x.csv"})", bytes(csv)).code;
}

// Streams `csv` through ingest.open/feed/close in `chunk`-byte pieces.
std::string analyze_chunked(const std::string& csv, size_t chunk) {
  Engine e;
  const json open = json::parse(e.call("ingest.open", R"({"name":"test.csv"})").body);
  const int64_t h = open["handle"];
  for (size_t i = 0; i < csv.size(); i += chunk) {
    const std::string part = csv.substr(i, chunk);
    EXPECT_TRUE(e.call("ingest.feed", json{{"handle", h}}.dump(), bytes(part)).ok());
  }
  EXPECT_TRUE(e.call("ingest.close", json{{"handle", h}}.dump()).ok());
  return e.call("report.analyze", json{{"handles", {h}}}.dump()).body;
}

std::string utf16le_bom(const std::string& ascii) {
  std::string out = "\xFF\xFE";
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

const json* campaign(const json& report, const std::string& name) {
  for (const json& c : report["by_campaign"]) {
    if (c["campaign"] == name) return &c;
  }
  return nullptr;
}

TEST(Ingest, Utf16ExcelExportWithPreambleAndTotalRows) {
  const std::string csv = utf16le_bom(
      "Campaign report\r\n"
      "\"March 1, 2026 - March 2, 2026\"\r\n"
      "Day\tCampaign\tImpr.\tClicks\tCost\tConversions\tConv. value\r\n"
      "2026-03-01\tBrand\t1,000\t50\t25.50\t2.5\t100.00\r\n"
      "2026-03-02\tTotal Brand Push\t2,000\t20\t10.00\t--\t--\r\n"
      "Total: Account\t--\t3,000\t70\t35.50\t2.5\t100.00\r\n"
      "Total: Search campaigns\t--\t3,000\t70\t35.50\t2.5\t100.00\r\n");
  const json r = analyze(csv);
  const json& in = r["inputs"][0];
  EXPECT_EQ(in["encoding"], "utf-16le");
  EXPECT_EQ(in["bom"], true);
  EXPECT_EQ(in["delimiter"], "\t");
  EXPECT_EQ(in["header_row"], 3);
  EXPECT_EQ(in["platform"], "google_ads");
  EXPECT_EQ(in["rows"], 2);
  ASSERT_EQ(in["excluded_rows"].size(), 2u);
  EXPECT_EQ(in["excluded_rows"][0]["row"], 6);
  EXPECT_NE(in["excluded_rows"][0]["reason"].get<std::string>().find("Total: Account"), std::string::npos);
  EXPECT_EQ(r["totals"]["impressions"], 3000);
  EXPECT_EQ(r["totals"]["clicks"], 70);
  EXPECT_DOUBLE_EQ(r["totals"]["spend"].get<double>(), 35.5);
  EXPECT_DOUBLE_EQ(r["totals"]["conversions"].get<double>(), 2.5);
  ASSERT_NE(campaign(r, "Total Brand Push"), nullptr);  // a name starting with "Total" is data
  EXPECT_TRUE(in["diagnostics"].empty()) << in["diagnostics"].dump();
}

TEST(Ingest, GermanSemicolonCommaDecimalsAndEuro) {
  const std::string csv =
      "Tag;Kampagne;Impr.;Klicks;Kosten;Conversions\n"
      "01.03.2026;Sommer;1.234;10;1.234,56 €;1,5\n"
      "02.03.2026;Sommer;766;5;765,44 €;0,5\n"
      "Gesamt: Konto;--;2.000;15;2.000,00 €;2\n";
  const json r = analyze(csv);
  const json& in = r["inputs"][0];
  EXPECT_EQ(in["delimiter"], ";");
  EXPECT_EQ(in["date_format"], "DD.MM.YYYY");
  EXPECT_EQ(in["currency"], "EUR");
  EXPECT_EQ(in["excluded_total"], 1);
  EXPECT_EQ(r["totals"]["impressions"], 2000);
  EXPECT_EQ(r["totals"]["spend"], 2000);
  EXPECT_EQ(r["totals"]["conversions"], 2);
  EXPECT_EQ(r["by_day"][0]["date"], "2026-03-01");
  EXPECT_DOUBLE_EQ(r["by_day"][0]["spend"].get<double>(), 1234.56);
}

TEST(Ingest, CommaIsDelimiterAndDecimalMarkAtOnce) {
  const std::string csv =
      "Campaign,Clicks,Cost\n"
      "A,10,\"1,50\"\n"
      "B,20,\"2,25\"\n"
      "C,5,\"1.000,75\"\n";
  const json r = analyze(csv);
  EXPECT_EQ(r["inputs"][0]["delimiter"], ",");
  EXPECT_DOUBLE_EQ(r["totals"]["spend"].get<double>(), 1004.5);
}

TEST(Ingest, MetaLinkClicksPurchasesAndOneDayReportingRange) {
  const std::string csv =
      "Reporting starts,Reporting ends,Campaign name,Ad set name,Impressions,Reach,Amount spent (USD),"
      "Link clicks,Clicks (all),Purchases,Purchases conversion value\n"
      "2026-03-01,2026-03-31,,,9000,5000,300.00,90,200,9,900.00\n"
      "2026-03-01,2026-03-01,Spring Sale,Set A,4000,2000,100.00,40,80,4,400.00\n"
      "2026-03-02,2026-03-02,Spring Sale,Set A,5000,3000,200.00,50,120,5,500.00\n";
  const json r = analyze(csv);
  const json& in = r["inputs"][0];
  EXPECT_EQ(in["platform"], "meta_ads");
  EXPECT_EQ(in["currency"], "USD");
  EXPECT_EQ(in["excluded_total"], 1);  // the blank-name account row
  EXPECT_EQ(r["totals"]["clicks"], 90);  // Link clicks, not Clicks (all)
  EXPECT_EQ(r["totals"]["conversions"], 9);
  EXPECT_EQ(r["totals"]["conversion_value"], 900);
  ASSERT_EQ(r["by_day"].size(), 2u);
  EXPECT_EQ(r["by_day"][1]["date"], "2026-03-02");
}

TEST(Ingest, MetaResultsCountOnlyWhenTheIndicatorIsAConversion) {
  const std::string csv =
      "Day,Campaign name,Impressions,Link clicks,Amount spent (EUR),Results,Result indicator\n"
      "2026-03-01,Sales,1000,10,10,3,actions:offsite_conversion.fb_pixel_purchase\n"
      "2026-03-01,Traffic,1000,40,10,40,actions:link_click\n";
  const json r = analyze(csv);
  EXPECT_EQ(r["totals"]["conversions"], 3);
}

TEST(Ingest, Ga4CommentPreambleCompactDatesAndTotalsRow) {
  const std::string csv =
      "# ----------------------------------------\n"
      "# Traffic acquisition\n"
      "# Start date: 20260301\n"
      "# End date: 20260302\n"
      "# ----------------------------------------\n"
      "Date,Session source / medium,Sessions,Engaged sessions,Key events,Total revenue\n"
      ",,300,150,6,120.00\n"
      "20260301,google / cpc,100,50,2,40.00\n"
      "20260302,google / cpc,120,60,3,60.00\n"
      "20260302,(direct) / (none),80,40,1,20.00\n";
  const json r = analyze(csv);
  EXPECT_EQ(r["kind"], "web");
  const json& in = r["inputs"][0];
  EXPECT_EQ(in["platform"], "ga4");
  EXPECT_EQ(in["header_row"], 6);
  EXPECT_EQ(in["date_format"], "YYYYMMDD");
  EXPECT_EQ(in["excluded_total"], 1);
  EXPECT_EQ(r["totals"]["sessions"], 300);
  EXPECT_EQ(r["totals"]["key_events"], 6);
  EXPECT_DOUBLE_EQ(r["totals"]["engagement_rate"].get<double>(), 0.5);
  ASSERT_EQ(r["by_source"].size(), 2u);
  EXPECT_EQ(r["by_source"][0]["source"], "google");
  EXPECT_EQ(r["by_source"][0]["medium"], "cpc");
}

TEST(Ingest, Windows1252NamesAreTranscoded) {
  const std::string csv = "Kampagne;Klicks;Kosten\nM\xFC" "nchen;10;5,00\nZ\xFC" "rich;5;1,00\n";
  const json r = analyze(csv);
  EXPECT_EQ(r["inputs"][0]["encoding"], "windows-1252");
  EXPECT_NE(campaign(r, "M\xC3\xBC" "nchen"), nullptr);
}

TEST(Ingest, BadCellsRaggedRowsAndBadDatesLoseOnlyWhatIsWrong) {
  const std::string csv =
      "Day,Campaign,Impressions,Clicks,Cost\n"
      "2026-03-01,A,100,twelve,1.00\n"   // bad cell: only clicks missing
      "2026-03-01,A,100,10\n"            // ragged: whole row rejected
      "2026-02-30,A,100,10,2.00\n"       // impossible date: totals yes, by_day no
      "2026-03-02,A,#DIV/0!,5,3.00\n"    // bad cell
      "2026-03-02,B,--,-,N/A\n";         // plain nulls, no diagnostic
  const json r = analyze(csv);
  const json& in = r["inputs"][0];
  EXPECT_EQ(in["rows"], 4);
  EXPECT_EQ(in["rows_without_date"], 1);
  EXPECT_EQ(r["totals"]["impressions"], 200);
  EXPECT_EQ(r["totals"]["clicks"], 15);
  EXPECT_EQ(r["totals"]["spend"], 6);
  int64_t by_day_spend = 0;
  for (const json& d : r["by_day"]) by_day_spend += d["spend"].get<int64_t>();
  EXPECT_EQ(by_day_spend, 4);
  std::vector<int64_t> rows;
  for (const json& d : in["diagnostics"]) rows.push_back(d["row"]);
  EXPECT_EQ(rows, (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(in["diagnostics"][0]["column"], "Clicks");
}

TEST(Ingest, UnterminatedQuoteIsReportedAndTheRestStillCounts) {
  const std::string csv = "Campaign,Clicks\n\"Broken,1\nA,2\nB,3\n";
  const json r = analyze(csv);
  EXPECT_EQ(r["totals"]["clicks"], 5);
  EXPECT_EQ(r["inputs"][0]["diagnostics"][0]["row"], 2);
}

TEST(Ingest, UnknownColumnsAreKeptAndReported) {
  const json r = analyze("Campaign,Clicks,Quality score,Label\nA,1,7,x\n");
  EXPECT_EQ(r["inputs"][0]["unmapped"], json({"Quality score", "Label"}));
}

TEST(Ingest, AmbiguousSlashDatesAreSaidSo) {
  const json r = analyze("Date,Campaign,Clicks\n01/02/2026,A,1\n02/03/2026,A,1\n");
  bool warned = false;
  for (const json& d : r["inputs"][0]["diagnostics"]) warned |= d["severity"] == "warning" && d["column"] == "Date";
  EXPECT_TRUE(warned) << r["inputs"][0]["diagnostics"].dump();
  const json eu = analyze("Date,Campaign,Clicks\n01/02/2026,A,1\n13/03/2026,A,1\n");
  EXPECT_EQ(eu["inputs"][0]["date_format"], "DD/MM/YYYY");
  EXPECT_EQ(eu["by_day"][0]["date"], "2026-02-01");
}

TEST(Ingest, SameReportWhateverTheChunking) {
  std::string csv = utf16le_bom("Day\tCampaign\tClicks\tCost\r\n");
  std::string rows;
  for (int i = 0; i < 300; ++i) {
    rows += "2026-03-" + std::string(i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1) + "\t\"Camp, " +
            std::to_string(i % 7) + "\"\t" + std::to_string(i) + "\t" + std::to_string(i) + ".25\r\n";
  }
  csv += utf16le_bom(rows).substr(2);
  const std::string whole = analyze_chunked(csv, csv.size());
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}}) EXPECT_EQ(analyze_chunked(csv, chunk), whole) << chunk;
}

TEST(Ingest, SeveralCurrenciesAreNeverAddedUp) {
  Engine e;
  std::vector<int64_t> handles;
  for (const std::string& csv : {std::string("Campaign,Clicks,Cost (USD)\nA,1,10.00\n"),
                                 std::string("Campaign,Clicks,Cost (EUR)\nB,2,20.00\n")}) {
    const int64_t h = json::parse(e.call("ingest.open", "{}").body)["handle"];
    e.call("ingest.feed", json{{"handle", h}}.dump(), bytes(csv));
    ASSERT_TRUE(e.call("ingest.close", json{{"handle", h}}.dump()).ok());
    handles.push_back(h);
  }
  const json r = json::parse(e.call("report.analyze", json{{"handles", handles}}.dump()).body);
  EXPECT_TRUE(r["totals"]["spend"].is_null());
  EXPECT_EQ(r["totals"]["clicks"], 3);
  EXPECT_EQ(r["totals_by_currency"]["USD"]["spend"], 10);
  EXPECT_EQ(r["totals_by_currency"]["EUR"]["spend"], 20);
}

TEST(Ingest, PeriodsCompareTheLastNDaysWithTheNBefore) {
  std::string csv = "Day,Campaign,Impressions,Clicks,Cost\n";
  for (int d = 1; d <= 14; ++d) {
    const int clicks = d <= 7 ? 10 : 20;
    csv += "2026-03-" + std::string(d < 10 ? "0" : "") + std::to_string(d) + ",A,100," + std::to_string(clicks) + ",1\n";
  }
  const json r = analyze(csv, {{"days", 7}});
  const json& p = r["periods"];
  EXPECT_EQ(p["anchor"], "2026-03-14");
  EXPECT_EQ(p["current"]["start"], "2026-03-08");
  EXPECT_EQ(p["previous"]["end"], "2026-03-07");
  EXPECT_EQ(p["current"]["clicks"], 140);
  EXPECT_EQ(p["previous"]["clicks"], 70);
  EXPECT_DOUBLE_EQ(p["change"]["clicks"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(p["change_points"]["ctr"].get<double>(), 0.1);
  EXPECT_TRUE(p["change"]["conversions"].is_null());  // no such column
  const json anchored = analyze(csv, {{"days", 7}, {"anchor", "2026-03-07"}});
  EXPECT_EQ(anchored["periods"]["current"]["clicks"], 70);
  EXPECT_TRUE(anchored["periods"]["change"]["clicks"].is_null());  // nothing before: previous is 0
}

TEST(Ingest, NothingReadableIsAClearError) {
  EXPECT_EQ(analyze_error(""), ErrorCode::kEmptyInput);
  EXPECT_EQ(analyze_error("\n\n  \r\n"), ErrorCode::kEmptyInput);
  EXPECT_EQ(analyze_error(std::string("PK\x03\x04\x14\0\x06\0\x08\0", 10)), ErrorCode::kBinaryInput);
  EXPECT_EQ(analyze_error("Campaign,Clicks\n"), ErrorCode::kNoData);
  EXPECT_EQ(analyze_error("foo,bar\n1,2\n"), ErrorCode::kNoHeader);
  std::string noise;
  uint32_t x = 1;
  for (int i = 0; i < 5000; ++i) noise.push_back(static_cast<char>((x = x * 1103515245u + 12345u) >> 24));
  EXPECT_EQ(analyze_error(noise), ErrorCode::kBinaryInput);
}

TEST(Ingest, HugeLineWithoutNewlineIsSkippedNotFatal) {
  std::string csv = "Campaign,Clicks\nA,1\n" + std::string(3 << 20, 'x') + "\nB,2\n";
  const json r = analyze(csv);
  EXPECT_EQ(r["totals"]["clicks"], 3);
  EXPECT_EQ(r["inputs"][0]["diagnostics"][0]["row"], 3);
}

// Names that look like totals are data unless their figures are a sum:
// "Total of 3 Kings" and "Results from 3 Kings" have their own day here.
TEST(Ingest, NamesLikeTotalsWithTheirOwnDayAreDataUnlessTheyAreASum) {
  const std::string csv =
      "Reporting starts,Reporting ends,Campaign name,Impressions,Amount spent (USD),Link clicks\n"
      "2026-03-01,2026-03-01,Total of 3 Kings,100,1.00,1\n"
      "2026-03-01,2026-03-01,Results from 3 Kings,200,2.00,2\n"
      "2026-03-02,2026-03-02,Brand,300,3.00,3\n"
      "2026-03-01,2026-03-02,Total,600,6.00,6\n";
  const json r = analyze(csv);
  EXPECT_EQ(r["totals"]["impressions"], 600);
  EXPECT_EQ(r["inputs"][0]["rows"], 3);
  ASSERT_EQ(r["inputs"][0]["checks"].size(), 1u) << r["inputs"][0].dump(1);
  EXPECT_EQ(r["inputs"][0]["checks"][0]["row"], 5);
  EXPECT_EQ(r["inputs"][0]["checks"][0]["matches"], true);
}

// An empty date cell is as unreadable as a bad one, and said the same way.
TEST(Ingest, EmptyDateGetsTheSameDiagnosticAsABadOne) {
  const json r = analyze("Day,Campaign,Clicks\n2026-03-01,A,1\n,A,2\n2026-13-45,A,3\n");
  EXPECT_EQ(r["totals"]["clicks"], 6);
  EXPECT_EQ(r["inputs"][0]["rows_without_date"], 2);
  int date_errors = 0;
  for (const json& d : r["inputs"][0]["diagnostics"]) {
    if (d["severity"] == "error" && d["message"].get<std::string>().find("is not a valid date") != std::string::npos) {
      ++date_errors;
      EXPECT_TRUE(d["row"] == 3 || d["row"] == 4) << d.dump();
    }
  }
  EXPECT_EQ(date_errors, 2) << r["inputs"][0]["diagnostics"].dump(1);
}

}  // namespace
}  // namespace glint
