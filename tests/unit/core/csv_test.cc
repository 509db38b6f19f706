#include "glint/csv.h"

#include <gtest/gtest.h>

#include "read/scan.h"

#include <string>
#include <vector>

namespace glint {
namespace {

struct Collected final : CsvSink {
  std::vector<std::vector<std::string>> rows;
  std::vector<uint64_t> lines;
  std::vector<CsvIssue> issues;
  void on_record(const CsvRecord& r) override {
    rows.emplace_back(r.fields.begin(), r.fields.end());
    lines.push_back(r.line);
  }
  void on_issue(const CsvIssue& i) override { issues.push_back(i); }
};

Collected tokenize(std::string_view text, size_t chunk = 0, CsvOptions options = {}) {
  Collected out;
  CsvTokenizer t(options);
  if (chunk == 0) {
    t.feed(text, out);
  } else {
    for (size_t i = 0; i < text.size(); i += chunk) t.feed(text.substr(i, chunk), out);
  }
  t.finish(out);
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(Csv, QuotedDelimitersNewlinesAndDoubledQuotes) {
  const std::string text =
      "name,value\r\n"
      "\"Brand, Search\",1\r\n"
      "\"Line one\r\nline two\",2\n"
      "\"He said \"\"hi\"\"\",3\n"
      "plain,4";
  const Collected c = tokenize(text);
  EXPECT_EQ(c.rows, (Rows{{"name", "value"},
                          {"Brand, Search", "1"},
                          {"Line one\r\nline two", "2"},
                          {"He said \"hi\"", "3"},
                          {"plain", "4"}}));
  EXPECT_EQ(c.lines, (std::vector<uint64_t>{1, 2, 3, 5, 6}));
  EXPECT_TRUE(c.issues.empty());
}

TEST(Csv, SameRecordsWhateverTheChunkSize) {
  const std::string text =
      "a,b,c\n\"x,\"\"y\"\"\",2,\"multi\nline\"\n\n3,,\"\"\r\nlast,\"q\",end";
  const Collected whole = tokenize(text);
  for (size_t chunk = 1; chunk <= text.size(); ++chunk) {
    const Collected parts = tokenize(text, chunk);
    EXPECT_EQ(parts.rows, whole.rows) << "chunk size " << chunk;
    EXPECT_EQ(parts.lines, whole.lines) << "chunk size " << chunk;
  }
  EXPECT_EQ(whole.rows, (Rows{{"a", "b", "c"},
                              {"x,\"y\"", "2", "multi\nline"},
                              {"3", "", ""},
                              {"last", "q", "end"}}));
  EXPECT_EQ(whole.lines, (std::vector<uint64_t>{1, 2, 5, 6}));
}

TEST(Csv, BlankLinesAreSkippedButCounted) {
  const Collected c = tokenize("\n\r\nh1,h2\n\n1,2\n");
  EXPECT_EQ(c.rows, (Rows{{"h1", "h2"}, {"1", "2"}}));
  EXPECT_EQ(c.lines, (std::vector<uint64_t>{3, 5}));
}

TEST(Csv, TrailingDelimiterGivesAnEmptyLastField) {
  EXPECT_EQ(tokenize("a,b,\n1,2,").rows, (Rows{{"a", "b", ""}, {"1", "2", ""}}));
}

TEST(Csv, UnterminatedQuoteIsReportedWhereItOpensAndDoesNotSwallowTheRest) {
  const std::string text = "h1,h2\n\"broken,1\nok,2\nfine,3\n";
  for (size_t chunk : {size_t{0}, size_t{1}, size_t{4}}) {
    const Collected c = tokenize(text, chunk);
    ASSERT_EQ(c.issues.size(), 1u);
    EXPECT_EQ(c.issues[0].kind, CsvIssueKind::kUnterminatedQuote);
    EXPECT_EQ(c.issues[0].line, 2u);
    EXPECT_EQ(c.rows, (Rows{{"h1", "h2"}, {"ok", "2"}, {"fine", "3"}}));
    EXPECT_EQ(c.lines, (std::vector<uint64_t>{1, 3, 4}));
  }
}

TEST(Csv, OverlongLineIsSkippedToTheNextNewline) {
  CsvOptions options;
  options.max_record_bytes = 64;
  const std::string text = "h\n" + std::string(1000, 'x') + "\nafter\n";
  for (size_t chunk : {size_t{0}, size_t{7}, size_t{100}}) {
    const Collected c = tokenize(text, chunk, options);
    ASSERT_EQ(c.issues.size(), 1u) << chunk;
    EXPECT_EQ(c.issues[0].kind, CsvIssueKind::kRecordTooLong);
    EXPECT_EQ(c.issues[0].line, 2u);
    EXPECT_EQ(c.rows, (Rows{{"h"}, {"after"}})) << chunk;
    EXPECT_EQ(c.lines, (std::vector<uint64_t>{1, 3})) << chunk;
  }
}

// Found by fuzzing: many fields with doubled quotes in one record must not
// invalidate the earlier fields' text.
TEST(Csv, ManyFieldsWithDoubledQuotesInOneRecord) {
  std::string text;
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i) {
    text += (i ? "," : "") + std::string("\"v\"\"") + std::to_string(i) + "\"";
    expected.push_back("v\"" + std::to_string(i));
  }
  const Collected c = tokenize(text + "\n");
  ASSERT_EQ(c.rows.size(), 1u);
  EXPECT_EQ(c.rows[0], expected);
}

TEST(Csv, OtherDelimiters) {
  CsvOptions options;
  options.delimiter = ';';
  EXPECT_EQ(tokenize("a;\"b;c\";1,5\n", 0, options).rows, (Rows{{"a", "b;c", "1,5"}}));
}

// The SIMD scans against their scalar twin: every 64-byte window of a text
// dense in delimiters, line ends, quotes and high bytes, at every alignment.
TEST(Scan, EveryKindThisMachineRunsAgreesWithTheScalarTwin) {
  std::string text;
  uint64_t x = 7;
  const char alphabet[] = {',', ';', '\t', '\n', '\r', '"', 'a', '0', ' ', '\x80', '\xff', '|'};
  for (int i = 0; i < 4096; ++i) {
    x = x * 6364136223846793005ull + 1;
    text.push_back(alphabet[(x >> 33) % sizeof alphabet]);
  }
  int kinds = 0;
  for (const scan::Kind kind : {scan::Kind::kSse2, scan::Kind::kAvx2, scan::Kind::kSimd128}) {
    if (!scan::available(kind)) continue;
    ++kinds;
    const scan::BreaksFn f = scan::breaks(kind);
    for (const char delim : {',', ';', '\t', '|'}) {
      for (size_t at = 0; at + 64 <= text.size(); ++at) {
        ASSERT_EQ(f(text.data() + at, delim), scan::breaks_scalar(text.data() + at, delim))
            << scan::kind_name(kind) << " at " << at << " delimiter " << delim;
      }
    }
  }
#if defined(__x86_64__) || defined(__wasm_simd128__)
  EXPECT_GE(kinds, 1) << "no SIMD scan in this build";
#endif
  // The scalar twin itself, against a plain reading of its contract.
  uint64_t want = 0;
  for (int i = 0; i < 64; ++i) {
    if (text[i] == ',' || text[i] == '\n' || text[i] == '\r') want |= uint64_t{1} << i;
  }
  EXPECT_EQ(scan::breaks_scalar(text.data(), ','), want);
}

TEST(Scan, TheTokenizerReadsTheSameWithTheScalarScan) {
  std::string text = "h1,h2,h3\n";
  for (int i = 0; i < 500; ++i) {
    text += std::string(static_cast<size_t>(i % 97), 'x') + ",\"q,\n" + std::to_string(i) + "\"\"\"," +
            std::to_string(i * 7) + (i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "\n" : "\r");
  }
  CsvOptions scalar;
  scalar.simd = false;
  for (const size_t chunk : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{1000}}) {
    const Collected a = tokenize(text, chunk), b = tokenize(text, chunk, scalar);
    EXPECT_EQ(a.rows, b.rows) << chunk;
    EXPECT_EQ(a.lines, b.lines) << chunk;
    ASSERT_EQ(a.rows.size(), 501u);
    EXPECT_EQ(a.rows[500][1], "q,\n499\"");
  }
}

}  // namespace
}  // namespace glint
