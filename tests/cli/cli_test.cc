// The real glint binary's CLI: exit statuses and one-line errors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <ctime>
#include <nlohmann/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

CliRun run(const std::string& args) {
  const fs::path err_file = fs::temp_directory_path() / ("glint_cli_err_" + std::to_string(getpid()));
  const std::string cmd = std::string(GLINT_BINARY) + " " + args + " 2>" + err_file.string();
  CliRun r{};
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(err_file);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  fs::remove(err_file);
  return r;
}

fs::path temp_file(const std::string& name, const std::string& content) {
  const fs::path p = fs::temp_directory_path() / ("glint_cli_" + std::to_string(getpid()) + name);
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(Cli, VersionPrintsTheVersion) {
  const CliRun r = run("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("glint ", 0), 0u) << r.out;
}

TEST(Cli, AnalyzeMissingFileIsAOneLineErrorAndNonZero) {
  const CliRun r = run("analyze /nonexistent/glint/file.csv");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("No such file"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(Cli, AnalyzeEmptyFileIsAOneLineErrorAndNonZero) {
  const fs::path f = temp_file("empty.csv", "");
  const CliRun r = run("analyze " + f.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("empty"), std::string::npos) << r.err;
  fs::remove(f);
}

TEST(Cli, AnalyzeBinaryFileIsAOneLineErrorAndNonZero) {
  std::string garbage;
  uint32_t x = 7;
  for (int i = 0; i < 100000; ++i) {
    x = x * 1664525u + 1013904223u;
    garbage.push_back(static_cast<char>(x >> 24));
  }
  const fs::path f = temp_file("binary.bin", garbage);
  const CliRun r = run("analyze " + f.string());
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
  fs::remove(f);
}

TEST(Cli, AnalyzeDirectoryIsAOneLineError) {
  const CliRun r = run("analyze " + fs::temp_directory_path().string());
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(lines(r.err), 1u) << r.err;
}

TEST(Cli, AnalyzeJsonPrintsTheReport) {
  const fs::path f = temp_file("ok.csv", "Campaign,Impressions,Clicks,Cost\nA,100,10,2.50\nB,50,0,1\n");
  const CliRun r = run("analyze --json " + f.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"by_campaign\""), std::string::npos) << r.out;
  const CliRun text = run("analyze " + f.string());
  EXPECT_EQ(text.status, 0);
  EXPECT_NE(text.out.find("TOTAL"), std::string::npos) << text.out;
  fs::remove(f);
}

TEST(Cli, MigrateCreatesTheDatabaseAtTheLatestSchema) {
  const fs::path dir = fs::temp_directory_path() / ("glint_cli_migrate_" + std::to_string(getpid()));
  fs::remove_all(dir);
  const CliRun first = run("migrate --data-dir " + dir.string());
  EXPECT_EQ(first.status, 0) << first.err;
  EXPECT_TRUE(fs::exists(dir / "glint.db"));
  const CliRun again = run("migrate --data-dir " + dir.string());  // idempotent
  EXPECT_EQ(again.status, 0);
  EXPECT_EQ(first.out, again.out);
  fs::remove_all(dir);
}

TEST(Cli, UnknownCommandsAndOptionsAreUsageErrors) {
  EXPECT_EQ(run("frobnicate").status, 2);
  EXPECT_EQ(run("analyze --bogus x.csv").status, 2);
  EXPECT_EQ(run("serve --port 99999").status, 2);
  EXPECT_EQ(run("analyze --help").status, 0);
}

}  // namespace

// Text tables are padded by display width: a wide (CJK) character takes two
// columns, a combining mark none; a long name is cut at a character boundary
// with "…"; each platform row of a multi-currency file says its currency.
TEST(Cli, AnalyzeTextPadsNamesByDisplayWidthAndLabelsCurrencies) {
  std::string wide;
  for (int i = 0; i < 20; ++i) wide += "\xE6\x97\xA5";  // 日, 2 columns each: 40 in all
  const std::string composed = "Cafe\xCC\x81";           // "Café" with a combining acute: 4 columns
  const fs::path f = temp_file("width.csv",
                               "Day,Campaign,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n"
                               "2026-03-01," + wide + ",USD,100,10,5.00,1,10.00\n"
                               "2026-03-01," + composed + ",EUR,200,20,6.00,2,20.00\n");
  const CliRun r = run("analyze " + f.string());
  fs::remove(f);
  ASSERT_EQ(r.status, 0) << r.err;
  // The name cell is 34 columns: 16 wide characters (32) + "…" (1) + one space.
  std::string cut;
  for (int i = 0; i < 16; ++i) cut += "\xE6\x97\xA5";
  EXPECT_NE(r.out.find("  " + cut + "\xE2\x80\xA6" + " " + " "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  " + composed + std::string(30, ' ') + " "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("platform google_ads (EUR)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("platform google_ads (USD)"), std::string::npos) << r.out;
}

// Issue 12: numbers in text as the data's locale writes them, counts without
// decimals, money in its currency's minor units (JPY none), --locale and
// --currency, and the undated export's period and the plan's set-asides shown.
TEST(Cli, AnalyzeTextWritesCountsWholeAndMoneyInItsLocaleAndCurrency) {
  const fs::path f = temp_file("jpy.csv",
                               "Day,Campaign,Impressions,Clicks,Cost,Conversions,Currency code\n"
                               "2026-03-01,A,9415548,12345,1234567,321,JPY\n"
                               "2026-03-02,A,1000,10,500,1,JPY\n");
  const CliRun en = run("analyze " + f.string());
  ASSERT_EQ(en.status, 0) << en.err;
  EXPECT_EQ(en.out.find("9415548.00"), std::string::npos) << en.out;
  EXPECT_NE(en.out.find("9,416,548"), std::string::npos) << en.out;  // 9,415,548 + 1,000 impressions
  EXPECT_NE(en.out.find("1,235,067 "), std::string::npos) << en.out;  // yen: no decimals
  EXPECT_EQ(en.out.find("1,235,067.00"), std::string::npos) << en.out;
  const CliRun de = run("analyze --locale de-DE " + f.string());
  ASSERT_EQ(de.status, 0) << de.err;
  EXPECT_NE(de.out.find("9.416.548"), std::string::npos) << de.out;
  EXPECT_NE(de.out.find("1.235.067 "), std::string::npos) << de.out;
  fs::remove(f);

  const fs::path u = temp_file("undated.csv",
                               "Campaign report\nAll time\nCampaign,Impressions,Clicks,Cost,Conversions\n"
                               "A,100000,3000,3000.00,100\nB,200000,6000,7000.00,0\n");
  const CliRun h = run("highlight --type optimize --currency EUR " + u.string());
  fs::remove(u);
  ASSERT_EQ(h.status, 0) << h.err;
  EXPECT_NE(h.out.find("no day per row; the export's period: all time"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("B spent €7,000 over all time"), std::string::npos) << h.out;
}

namespace {

// glint call: any core method on a JSON request; files become "handles".
TEST(Cli, CallRunsACoreMethodOnFilesAndAnswersItsJson) {
  const fs::path f = fs::temp_directory_path() / ("glint_cli_call_" + std::to_string(getpid()) + ".csv");
  {
    std::ofstream out(f);
    out << "date,campaign,impressions,clicks,spend\n"
           "2026-03-02,A,1000,10,5.00\n"
           "2026-03-03,A,1000,30,25.00\n";
  }
  // CPC from the sums: (5 + 25) / (10 + 30) = 0.75, not the mean of 0.50 and 0.83.
  const CliRun r = run("call report.query --request '{\"metrics\":[\"cpc\"],\"period\":\"all\"}' " + f.string());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"value\":0.75"), std::string::npos) << r.out;
  const CliRun bad = run("call no.such.method");
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.out.find("unknown_method"), std::string::npos) << bad.out;
  EXPECT_EQ(run("call").status, 2);
  EXPECT_EQ(run("call report.query --request '[1]'").status, 2);
  fs::remove(f);
}

// --from/--to choose any range, --compare year the same dates a year
// earlier, --platform one platform's rows; a wrong option value is a usage
// error naming it. Expected sums are this test's own arithmetic.
TEST(Cli, AnalyzeTakesARangeAComparisonAndFilters) {
  const fs::path f = fs::temp_directory_path() / ("glint_cli_range_" + std::to_string(getpid()) + ".csv");
  double cur_spend = 0, prev_spend = 0, meta_cur = 0;
  {
    std::ofstream out(f);
    out << "date,platform,campaign,impressions,clicks,spend\n";
    // 2025-03-01 … 2026-03-31, two platforms; spend = day index + 1 (google), half of it (meta).
    for (int i = 0; i < 396; ++i) {
      std::tm t{};
      t.tm_year = 125;
      t.tm_mon = 2;
      t.tm_mday = 1 + i;
      t.tm_isdst = -1;
      std::mktime(&t);
      char day[11];
      std::strftime(day, sizeof day, "%Y-%m-%d", &t);
      const std::string d = day;
      const double g = i + 1, m = (i + 1) / 2.0;
      out << d << ",google_ads,G," << 100 << "," << 10 << "," << g << "\n";
      out << d << ",meta_ads,M," << 100 << "," << 10 << "," << m << "\n";
      if (d >= "2026-03-01" && d <= "2026-03-31") {
        cur_spend += g + m;
        meta_cur += m;
      }
      if (d >= "2025-03-01" && d <= "2025-03-31") prev_spend += g + m;
    }
  }
  const CliRun r = run("analyze --json --from 2026-03-01 --to 2026-03-31 --compare year " + f.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& p = doc["periods"];
  EXPECT_EQ(p["days"], 31);
  EXPECT_EQ(p["previous"]["start"], "2025-03-01");
  EXPECT_EQ(p["previous"]["end"], "2025-03-31");
  EXPECT_NEAR(p["current"]["spend"].get<double>(), cur_spend, 1e-6);
  EXPECT_NEAR(p["previous"]["spend"].get<double>(), prev_spend, 1e-6);
  EXPECT_NEAR(p["change"]["spend"].get<double>(), (cur_spend - prev_spend) / prev_spend, 1e-9);
  const CliRun meta = run("analyze --json --from 2026-03-01 --to 2026-03-31 --compare none --platform meta_ads " + f.string());
  ASSERT_EQ(meta.status, 0) << meta.err;
  const auto m = nlohmann::json::parse(meta.out);
  EXPECT_NEAR(m["periods"]["current"]["spend"].get<double>(), meta_cur, 1e-6);
  EXPECT_TRUE(m["periods"]["previous"].is_null());
  EXPECT_TRUE(m["periods"]["change"]["spend"].is_null());
  const CliRun text = run("analyze --from 2026-03-01 --to 2026-03-31 --compare 2026-01-01:2026-01-31 " + f.string());
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("vs 2026-01-01 to 2026-01-31"), std::string::npos) << text.out;
  const CliRun bad = run("analyze --compare lastyear " + f.string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("'compare'"), std::string::npos) << bad.err;
  const CliRun order = run("analyze --from 2026-03-31 --to 2026-03-01 " + f.string());
  EXPECT_EQ(order.status, 2);
  EXPECT_NE(order.err.find("'start'"), std::string::npos) << order.err;
  fs::remove(f);
}

// --threads: the same bytes for 1, 2, 3 and 7 threads on a file of several
// 4 MiB chunks whose quoted names hold line breaks and commas (so segment
// guesses land inside records), and a clear error for a bad count.
TEST(Cli, AnalyzeGivesTheSameBytesForEveryThreadCount) {
  const fs::path f = fs::temp_directory_path() / ("glint_cli_threads_" + std::to_string(getpid()) + ".csv");
  {
    std::ofstream out(f);
    out << "Day,Campaign,Ad group,Impressions,Clicks,Cost\n";
    uint64_t x = 12345;
    for (int i = 0; i < 200000; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const int c = static_cast<int>((x >> 33) % 300);
      const std::string name = c % 9 == 0 ? "\"Brand, \"\"EU\"\"\n" + std::to_string(c) + "\"" : "Campaign " + std::to_string(c);
      out << "2026-0" << 1 + i / 70000 << "-" << 10 + (x >> 20) % 18 << "," << name << ",Group " << (x >> 40) % 7 << ","
          << (x >> 12) % 9000 << "," << (x >> 24) % 300 << "," << (x >> 30) % 500 << "." << (x >> 50) % 100 << "\n";
      if (i % 1000 == 0) out << "2026-01-10,Campaign 1,Group 1,5,1,0.25\n2026-01-10,Campaign 1,Group 1,5,1,0.25\n";
    }
  }
  ASSERT_GT(fs::file_size(f), size_t{8} << 20);  // several chunks
  const CliRun one = run("analyze --json --full --threads 1 " + f.string());
  ASSERT_EQ(one.status, 0) << one.err;
  ASSERT_NE(one.out.find("\"duplicates\""), std::string::npos);
  for (const char* n : {"2", "3", "7"}) {
    const CliRun r = run(std::string("analyze --json --full --threads ") + n + " " + f.string());
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, one.out) << n << " threads";
  }
  const CliRun deflt = run("highlight --json --type all " + f.string());
  const CliRun single = run("highlight --json --type all --threads 1 " + f.string());
  EXPECT_EQ(deflt.out, single.out);
  const CliRun bad = run("analyze --threads 0 " + f.string());
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--threads"), std::string::npos) << bad.err;
  fs::remove(f);
}

}  // namespace
