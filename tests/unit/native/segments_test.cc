// Reading with threads gives the same records, and the same report bytes, as
// one thread: every thread count, every segment size down to one byte, on
// text built to put quoted line breaks, doubled quotes, blank lines, CR-only
// and CRLF endings, an unterminated quote and over-long records across
// segment starts. The reference is the single-pass tokenizer (scalar scan).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "glint/csv.h"
#include "glint/engine.h"
#include "ingest/segments.h"

namespace glint::native {
namespace {

struct Seen final : CsvSink {
  std::vector<std::string> out;
  void on_record(const CsvRecord& r) override {
    std::string s = "R" + std::to_string(r.line) + ":";
    for (const std::string_view f : r.fields) s += "[" + std::string(f) + "]";
    out.push_back(std::move(s));
  }
  void on_issue(const CsvIssue& i) override {
    out.push_back("I" + std::to_string(static_cast<int>(i.kind)) + "@" + std::to_string(i.line));
  }
};

uint64_t rng_state = 0;
uint32_t rnd(uint32_t n) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<uint32_t>((rng_state >> 33) % n);
}

// A text of `records` records whose fields are drawn from every shape the
// tokenizer treats apart.
std::string tricky_text(uint64_t seed, int records) {
  rng_state = seed;
  std::string t;
  for (int r = 0; r < records; ++r) {
    const int fields = 1 + static_cast<int>(rnd(5));
    for (int f = 0; f < fields; ++f) {
      if (f > 0) t += ',';
      switch (rnd(10)) {
        case 0: t += "\"multi\nline, with comma\""; break;
        case 1: t += "\"crlf\r\ninside\""; break;
        case 2: t += "\"say \"\"hi\"\"\""; break;
        case 3: t += "\"quoted\"tail"; break;
        case 4: break;  // empty
        case 5: t += std::string(1 + rnd(70), 'x'); break;  // crosses 64-byte blocks
        default: t += "v" + std::to_string(rnd(1000));
      }
    }
    switch (rnd(8)) {
      case 0: t += "\r\n"; break;
      case 1: t += "\r"; break;  // old Mac
      case 2: t += "\n\n"; break;  // a blank line
      case 3: t += "\r\n\r\n"; break;
      default: t += "\n";
    }
  }
  return t;
}

std::vector<std::string> reference(const std::string& text, const CsvOptions& options, size_t chunk = SIZE_MAX) {
  CsvOptions scalar = options;
  scalar.simd = false;
  CsvTokenizer t(scalar);
  Seen seen;
  for (size_t i = 0; i < text.size(); i += chunk) t.feed(std::string_view(text).substr(i, chunk), seen);
  t.finish(seen);
  return seen.out;
}

std::vector<std::string> threaded(const std::string& text, const CsvOptions& options, unsigned threads,
                                  size_t segment, size_t chunk) {
  ThreadSegments segments(threads, segment);
  CsvTokenizer t(options);
  t.set_segments(&segments);
  Seen seen;
  for (size_t i = 0; i < text.size(); i += chunk) t.feed(std::string_view(text).substr(i, chunk), seen);
  t.finish(seen);
  return seen.out;
}

TEST(Segments, EveryThreadCountAndSegmentSizeGivesTheSingleThreadRecords) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::string text = tricky_text(seed, 120);
    if (seed == 3) text += "late,\"never closed\nand more\nlines";  // unterminated at the end
    if (seed == 4) text.insert(text.size() / 2, "\"opens here, closes never\n");
    CsvOptions options;
    options.max_record_bytes = seed == 5 ? 64 : size_t{1} << 20;  // seed 5: over-long records skipped
    const std::vector<std::string> want = reference(text, options);
    ASSERT_GT(want.size(), 60u);
    for (const unsigned threads : {1u, 2u, 3u, 7u}) {
      for (const size_t segment : {size_t{1}, size_t{2}, size_t{3}, size_t{7}, size_t{64}, size_t{997}}) {
        for (const size_t chunk : {text.size(), size_t{4096}}) {
          // The same chunks as the single pass: a record longer than
          // max_record_bytes is judged where a chunk ends (csv.h).
          EXPECT_EQ(threaded(text, options, threads, segment, chunk), chunk == text.size() ? want : reference(text, options, chunk))
              << "seed " << seed << ", " << threads << " threads, segments of " << segment << " bytes, chunks of "
              << chunk;
        }
      }
    }
  }
}

TEST(Segments, ALineWithNoEndAcrossEverySegmentIsSkippedOnce) {
  // A 30 KB line with no newline (bounded to 4 KB records) between two good ones.
  std::string text = "a,b\n" + std::string(30000, 'z') + "\nc,d\n";
  CsvOptions options;
  options.max_record_bytes = 4096;
  const std::vector<std::string> want = reference(text, options);
  ASSERT_EQ(want.size(), 3u);
  for (const unsigned threads : {1u, 2u, 7u}) {
    for (const size_t segment : {size_t{1}, size_t{100}, size_t{5000}}) {
      EXPECT_EQ(threaded(text, options, threads, segment, text.size()), want) << threads << " threads, " << segment;
      EXPECT_EQ(threaded(text, options, threads, segment, 777), want) << threads << " threads, " << segment << ", chunked";
    }
  }
}

// A generated ads export of 60,000 rows (past the 20,000 a reader samples
// before it decides its formats, after which the threads also screen rows,
// key them and read their figures) with quoted names holding line breaks and
// commas, exact repeats, and from row 30,000 on everything the screen must
// leave to the reader: total rows, a campaign named "Total Brand", Meta's
// "Results from" rows, rows without names, footers, ragged rows and bad cells.
std::string ads_export(int rows) {
  rng_state = 99;
  std::string t = "Day,Campaign,Ad group,Impressions,Clicks,Cost\n";
  for (int i = 0; i < rows; ++i) {
    const int c = static_cast<int>(rnd(40));
    std::string campaign = c % 7 == 0 ? "\"Brand, \"\"EU\"\"\nline two " + std::to_string(c) + "\"" : "Campaign " + std::to_string(c);
    const std::string day = "2026-0" + std::to_string(1 + i * 3 / rows) + "-" + std::to_string(10 + rnd(18));
    std::string row = day + "," + campaign + ",Group " + std::to_string(rnd(5)) + "," + std::to_string(rnd(9000)) + "," +
                      std::to_string(rnd(300)) + "," + std::to_string(rnd(500)) + "." + std::to_string(rnd(100)) + "\n";
    t += row;
    if (i % 97 == 0) t += row;  // an exact repeat
    if (i > rows / 2 && i % 1013 == 0) {
      t += "Total,,,123,4,5.60\n";
      t += day + ",Total Brand,Group 1,10,1,0.50\n";
      t += day + ",Results from 3 campaigns,,10,1,0.50\n";
      t += day + ",,,10,1,0.50\n";
      t += day + ",--,--,7,1,0.25\n";
      t += "Copyright 2026,\n";
      t += day + ",Campaign 1,Group 1,not a number,1,0.25\n";
      t += day + ",Campaign 1,Group 1,5,1\n";                 // a field short
      t += day + ",Campaign 2,Group 2,5,1,0.25,,\n";          // trailing empty fields
      t += "  " + day + " ,  Campaign 3 ,Group 3,5,1,\"1,234.50\"\n";  // spaces, a grouped figure
    }
  }
  t += "Total,,,,,\n";
  t += "Report generated by the fuzz team\n";
  return t;
}

std::string report(Engine& engine, const std::string& text, size_t chunk) {
  const CallResult open = engine.call("ingest.open", R"({"name":"ads.csv"})");
  EXPECT_TRUE(open.ok()) << open.body;
  const std::string handle = open.body.substr(open.body.find(':') + 1, open.body.find('}') - open.body.find(':') - 1);
  for (size_t i = 0; i < text.size(); i += chunk) {
    const std::string_view piece = std::string_view(text).substr(i, chunk);
    engine.call("ingest.feed", "{\"handle\":" + handle + "}", std::as_bytes(std::span<const char>(piece.data(), piece.size())));
  }
  const CallResult closed = engine.call("ingest.close", "{\"handle\":" + handle + "}");
  EXPECT_TRUE(closed.ok()) << closed.body;
  return closed.body + engine.call("report.analyze", "{\"handles\":[" + handle + "],\"full\":true}").body;
}

TEST(Segments, TheReportIsTheSameBytesWhateverTheThreads) {
  const std::string text = ads_export(60000);
  for (const size_t chunk : {size_t{1} << 20, size_t{200000}}) {
    Engine plain;
    const std::string want = report(plain, text, chunk);
    ASSERT_NE(want.find("\"duplicates\""), std::string::npos);
    ASSERT_NE(want.find("Total Brand"), std::string::npos);
    for (const unsigned threads : {2u, 3u, 7u}) {
      for (const size_t segment : {size_t{97}, size_t{65536}}) {  // 1-byte segments: the records test above
        Engine engine;
        engine.set_segments([=] { return std::make_unique<ThreadSegments>(threads, segment); });
        EXPECT_EQ(report(engine, text, chunk), want) << threads << " threads, segments of " << segment << ", chunks of " << chunk;
      }
    }
  }
}

}  // namespace
}  // namespace glint::native
