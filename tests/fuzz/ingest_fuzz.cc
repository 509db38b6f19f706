// libFuzzer target: arbitrary bytes through core's one call, as a file to
// analyze (whole, and fed in odd-sized chunks) and as a request document.
// Core must answer every input with a document (a report or an error) and
// never crash, hang or leak. Mode 6: the tokenizer read three ways — SIMD
// scan, scalar scan, and segments spliced back (segment size and chunking
// from the input) — must give the same records, and every SIMD break mask
// must equal the scalar one. Run long by hand:
//   build/fuzz/tests/fuzz/glint_fuzz_ingest -max_total_time=3600 tests/fuzz/corpus tests/data
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "glint/csv.h"
#include "glint/engine.h"
#include "read/scan.h"

namespace {

struct Seen final : glint::CsvSink {
  std::string out;
  void on_record(const glint::CsvRecord& r) override {
    out += "R" + std::to_string(r.line);
    for (const std::string_view f : r.fields) out += "|" + std::to_string(f.size()) + ":" + std::string(f);
    out += "\n";
  }
  void on_issue(const glint::CsvIssue& i) override {
    out += "I" + std::to_string(static_cast<int>(i.kind)) + "@" + std::to_string(i.line) + "\n";
  }
};

// Segments computed on demand on this thread: the splice logic of the
// threaded reader without the threads (tests/unit/native covers those).
class InlineSegments final : public glint::CsvSegments {
 public:
  explicit InlineSegments(size_t bytes) : bytes_(bytes) {}
  size_t segment_bytes() const override { return bytes_; }
  void begin(std::string_view text, const glint::CsvOptions& options, const glint::CsvBatchHook*) override {
    text_ = text;
    options_ = options;
  }
  const glint::CsvBatch* batch(size_t k) override {
    if (k * bytes_ >= text_.size()) return nullptr;
    glint::csv_tokenize_segment(text_, glint::csv_segment_start(text_, k * bytes_),
                                glint::csv_segment_start(text_, (k + 1) * bytes_), options_, batch_);
    return &batch_;
  }
  void end() override { text_ = {}; }

 private:
  size_t bytes_;
  std::string_view text_;
  glint::CsvOptions options_;
  glint::CsvBatch batch_;
};

std::string tokenize(std::string_view text, size_t chunk, glint::CsvOptions options, glint::CsvSegments* segments) {
  glint::CsvTokenizer t(options);
  t.set_segments(segments);
  Seen seen;
  for (size_t i = 0; i < text.size(); i += chunk) t.feed(text.substr(i, chunk), seen);
  t.finish(seen);
  return seen.out;
}

void tokenizer_agreement(const uint8_t* data, size_t size) {
  if (size < 3) return;
  glint::CsvOptions options;
  options.delimiter = ",;\t|"[data[0] % 4];
  options.max_record_bytes = data[1] % 2 ? 64 : size_t{1} << 20;
  const size_t chunk = data[2] % 3 == 0 ? SIZE_MAX : 1 + data[2] % 97;
  const size_t segment = 1 + data[1] % 50;
  const std::string_view text(reinterpret_cast<const char*>(data + 3), size - 3);
  glint::CsvOptions scalar = options;
  scalar.simd = false;
  const std::string want = tokenize(text, chunk, scalar, nullptr);
  if (tokenize(text, chunk, options, nullptr) != want) std::abort();  // SIMD vs scalar
  InlineSegments segments(segment);
  if (tokenize(text, chunk, options, &segments) != want) std::abort();  // spliced vs one pass
  for (const glint::scan::Kind kind :
       {glint::scan::Kind::kSse2, glint::scan::Kind::kAvx2, glint::scan::Kind::kSimd128}) {
    if (!glint::scan::available(kind)) continue;
    const glint::scan::BreaksFn f = glint::scan::breaks(kind);
    for (size_t at = 0; at + 64 <= text.size(); at += 7) {
      if (f(text.data() + at, options.delimiter) != glint::scan::breaks_scalar(text.data() + at, options.delimiter)) {
        std::abort();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  // One engine for the whole session (parsing the schemas per input would
  // spend the fuzzing time there); every input drops what it opened.
  static glint::Engine engine;
  const uint8_t mode = data[0] % 7;
  if (mode == 6) {
    tokenizer_agreement(data + 1, size - 1);
  } else if (mode == 0) {
    const auto r = engine.call("analyze", R"({"name":"fuzz.csv","days":7})", {bytes + 1, size - 1});
    if (r.body.empty() || r.body[0] != '{') std::abort();
  } else if (mode == 1) {
    // Chunked: the chunk size comes from the input, so boundaries land everywhere.
    const size_t chunk = 1 + (size > 1 ? data[1] % 61 : 0);
    const auto open = engine.call("ingest.open", R"({"name":"fuzz.csv"})");
    if (!open.ok()) std::abort();
    const std::string handle = "{\"handle\":" + std::to_string(nlohmann::json::parse(open.body)["handle"].get<int64_t>()) + "}";
    for (size_t i = 1; i < size; i += chunk) {
      const size_t n = std::min(chunk, size - i);
      engine.call("ingest.feed", handle, {bytes + i, n});
    }
    if (engine.call("ingest.close", handle).ok()) {
      const std::string h = handle.substr(10, handle.size() - 11);
      engine.call("report.analyze", "{\"handles\":[" + h + "],\"days\":3}");
    }
    engine.call("ingest.drop", handle);
  } else if (mode >= 3 && mode <= 5) {
    // The table analyses read the same bytes their own way.
    static const char* const kCalls[][2] = {
        {"funnel", R"({"name":"f.csv","steps":["Visit","View","Buy"],"window":"7d","order":"ordered"})"},
        {"attribution", R"({"name":"a.csv","model":"all"})"},
        {"profile", R"({"name":"p.csv","html":true})"}};
    const auto& call = kCalls[mode - 3];
    const auto r = engine.call(call[0], call[1], {bytes + 1, size - 1});
    if (r.body.empty() || r.body[0] != '{') std::abort();
  } else {
    // The request document itself is the fuzzed input.
    const std::string request(reinterpret_cast<const char*>(data + 1), size - 1);
    for (const char* method : {"analyze", "ingest.open", "ingest.feed", "report.analyze", "report.highlight", "ingest.import",
                               "funnel", "attribution", "profile", "nope"}) {
      const auto r = engine.call(method, request, {});
      if (r.body.empty()) std::abort();
    }
  }
  return 0;
}
