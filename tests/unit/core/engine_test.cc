#include "glint/engine.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace glint {
namespace {

using nlohmann::json;

std::span<const std::byte> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

json call_ok(Engine& e, std::string_view method, const json& request, const std::string& payload) {
  CallResult r = e.call(method, request.dump(), bytes_of(payload));
  EXPECT_TRUE(r.ok()) << r.body;
  return json::parse(r.body);
}

json call_error(Engine& e, std::string_view method, std::string_view request,
                const std::string& payload, ErrorCode expected) {
  CallResult r = e.call(method, request, bytes_of(payload));
  EXPECT_EQ(r.code, expected) << r.body;
  const json doc = json::parse(r.body);
  EXPECT_TRUE(doc.contains("error")) << r.body;
  return doc;
}

// The known rows of a generated export, summed independently of glint.
struct Expected {
  int64_t impressions = 0, clicks = 0, spend_cents = 0;
};

TEST(Engine, AnalyzeSumsEveryCampaignOfAGeneratedExport) {
  const std::string names[] = {"Brand Search", "Retargeting, EU", "Say \"hello\"", "Ünïcödé"};
  std::map<std::string, Expected> expected;
  std::string csv = "Campaign,Impressions,Clicks,Cost\n";
  uint32_t seed = 12345;
  auto next = [&seed](uint32_t mod) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % mod;
  };
  for (int row = 0; row < 500; ++row) {
    const std::string& name = names[next(4)];
    const int64_t impressions = next(100000);
    const int64_t clicks = next(static_cast<uint32_t>(impressions / 10 + 1));
    const int64_t cents = next(500000);
    Expected& e = expected[name];
    e.impressions += impressions;
    e.clicks += clicks;
    e.spend_cents += cents;
    std::string quoted = "\"";
    for (char c : name) quoted += (c == '"') ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    char money[32];
    std::snprintf(money, sizeof money, "%lld.%02lld", static_cast<long long>(cents / 100),
                  static_cast<long long>(cents % 100));
    csv += quoted + "," + std::to_string(impressions) + "," + std::to_string(clicks) + "," +
           money + "\n";
  }
  Engine engine;
  const json report = call_ok(engine, "analyze", {{"name", "gen.csv"}}, csv);
  ASSERT_EQ(report["by_campaign"].size(), expected.size());
  int64_t total_clicks = 0, total_impressions = 0, total_cents = 0;
  for (const json& c : report["by_campaign"]) {
    const std::string name = c["campaign"].get<std::string>();
    ASSERT_TRUE(expected.count(name)) << name;
    const Expected& e = expected[name];
    EXPECT_EQ(c["impressions"].get<int64_t>(), e.impressions) << name;
    EXPECT_EQ(c["clicks"].get<int64_t>(), e.clicks) << name;
    EXPECT_DOUBLE_EQ(c["spend"].get<double>(), static_cast<double>(e.spend_cents) / 100.0) << name;
    EXPECT_DOUBLE_EQ(c["ctr"].get<double>(),
                     static_cast<double>(e.clicks) / static_cast<double>(e.impressions));
    EXPECT_DOUBLE_EQ(c["cpc"].get<double>(), static_cast<double>(e.spend_cents) / 100.0 /
                                                 static_cast<double>(e.clicks));
    total_clicks += e.clicks;
    total_impressions += e.impressions;
    total_cents += e.spend_cents;
  }
  EXPECT_EQ(report["totals"]["clicks"].get<int64_t>(), total_clicks);
  EXPECT_EQ(report["totals"]["impressions"].get<int64_t>(), total_impressions);
  EXPECT_DOUBLE_EQ(report["totals"]["spend"].get<double>(), static_cast<double>(total_cents) / 100);
  EXPECT_EQ(report["inputs"][0]["rows"].get<int64_t>(), 500);
  EXPECT_TRUE(report["inputs"][0]["diagnostics"].empty());
}

TEST(Engine, BadCellsAreReportedAndTheRestOfTheRowCounts) {
  Engine engine;
  const std::string csv =
      "Campaign,Impressions,Clicks,Cost\n"
      "A,100,twelve,1.50\n"
      "A,50,5\n"
      "A,10,1,0.50\n";
  const json report = call_ok(engine, "analyze", {{"name", "bad.csv"}}, csv);
  const json& diags = report["inputs"][0]["diagnostics"];
  ASSERT_EQ(diags.size(), 2u);
  EXPECT_EQ(diags[0]["row"], 2);
  EXPECT_EQ(diags[0]["column"], "Clicks");
  EXPECT_EQ(diags[1]["row"], 3);
  EXPECT_EQ(report["by_campaign"][0]["impressions"], 110);
  EXPECT_EQ(report["by_campaign"][0]["clicks"], 1);
  EXPECT_EQ(report["by_campaign"][0]["spend"], 2);
}

TEST(Engine, NothingReadableIsAnErrorNotACrash) {
  Engine engine;
  call_error(engine, "analyze", "{}", "", ErrorCode::kEmptyInput);
  call_error(engine, "analyze", "{}", " \r\n\n", ErrorCode::kEmptyInput);
  call_error(engine, "analyze", "{}", std::string("\x7f" "ELF\0\0\1\2", 8), ErrorCode::kBinaryInput);
  call_error(engine, "analyze", "{}", "Campaign,Clicks\n", ErrorCode::kNoData);
  call_error(engine, "analyze", "{}", "foo,bar\n1,2\n", ErrorCode::kNoHeader);
}

TEST(Engine, BadRequestsAndUnknownMethodsAreErrors) {
  Engine engine;
  call_error(engine, "analyze", "{not json", "a", ErrorCode::kInvalidRequest);
  call_error(engine, "analyze", "[1]", "a", ErrorCode::kInvalidRequest);
  call_error(engine, "analyze", R"({"name": 5})", "a", ErrorCode::kInvalidRequest);
  const json doc = call_error(engine, "no.such.method", "{}", "", ErrorCode::kUnknownMethod);
  EXPECT_EQ(doc["error"]["code"], "unknown_method");
}

TEST(Engine, VersionMethod) {
  Engine engine;
  EXPECT_EQ(call_ok(engine, "version", json::object(), "")["version"], std::string(version()));
}

}  // namespace
}  // namespace glint

namespace glint {
namespace {

// "platforms" reads only those platforms' rows: the facts and totals equal
// those of an export that holds only them (cut from the same file here, by
// the test, not by glint).
TEST(Engine, APlatformFilterGivesWhatAnExportOfThatPlatformAloneGives) {
  std::ifstream in(std::string(GLINT_TEST_DATA) + "/daily_two_platforms.csv", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(all.empty());
  std::string google_only;
  size_t start = 0;
  for (int line = 0; start < all.size(); ++line) {
    size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    const std::string l = all.substr(start, end - start + 1);
    if (line == 0 || l.find(",google_ads,") != std::string::npos) google_only += l;
    start = end + 1;
  }
  auto load = [](Engine& e, const std::string& csv) {
    const int64_t h = json::parse(e.call("ingest.open", R"({"name":"t.csv"})").body)["handle"];
    e.call("ingest.feed", json{{"handle", h}}.dump(), bytes_of(csv));
    EXPECT_TRUE(e.call("ingest.close", json{{"handle", h}}.dump()).ok());
    return h;
  };
  Engine both, one;
  const int64_t hb = load(both, all), ho = load(one, google_only);
  for (const char* type : {"summary", "grow", "optimize", "protect"}) {
    const json filtered = call_ok(both, "report.highlight",
                                  {{"handles", {hb}}, {"highlight_type", type}, {"platforms", {"google_ads"}}, {"max_facts", 100}}, "");
    const json alone = call_ok(one, "report.highlight", {{"handles", {ho}}, {"highlight_type", type}, {"max_facts", 100}}, "");
    EXPECT_EQ(filtered["facts"], alone["facts"]) << type;
    EXPECT_EQ(filtered["date_range"], alone["date_range"]) << type;
    const json unfiltered = call_ok(both, "report.highlight", {{"handles", {hb}}, {"highlight_type", type}, {"max_facts", 100}}, "");
    if (std::string(type) == "summary") {
      EXPECT_NE(unfiltered["facts"], alone["facts"]);
    }
  }
  const json a = call_ok(both, "report.analyze", {{"handles", {hb}}, {"platforms", {"google_ads"}}}, "");
  const json b = call_ok(one, "report.analyze", {{"handles", {ho}}}, "");
  EXPECT_EQ(a["totals"], b["totals"]);
  call_error(both, "report.highlight", json{{"handles", {hb}}, {"platforms", {"myspace_ads"}}}.dump(), "", ErrorCode::kInvalidRequest);
  call_error(both, "report.highlight", json{{"handles", {hb}}, {"platforms", json::array()}}.dump(), "", ErrorCode::kInvalidRequest);
}

}  // namespace
}  // namespace glint
