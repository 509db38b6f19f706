// glint/csv.h — a streaming RFC 4180 tokenizer.
//
// Bytes (already UTF-8) go in as chunks of any size; complete records come out
// through a sink, each with the 1-based physical line where it starts. Quoted
// fields may hold delimiters, LF, CRLF and doubled quotes. Blank lines are
// skipped (but counted). Memory is bounded by the longest record, never by the
// input: a record longer than max_record_bytes is reported and skipped.
//
// Problems are reported through the sink, never thrown:
//  - an unterminated quote is reported at the line where it opens; that one
//    line is dropped and parsing resumes on the next line, so a stray quote
//    cannot swallow the rest of the file;
//  - a record over max_record_bytes (a 2 GB line with no newline) is reported
//    and skipped up to the next newline.
//
// Field views handed to the sink are valid only during the callback.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace glint {

// What a reader worked out about a record ahead, on the thread that
// tokenized it (CsvBatchHook): only for the reader that `owner` names.
struct CsvHint {
  static constexpr int kValues = 8;
  const void* owner = nullptr;  // nullptr: no hint
  uint64_t key = 0;             // the owner's row key
  uint32_t parsed = 0;          // bit i: values[i] holds the i-th metric cell's exact value
  int64_t values[kValues] = {};
  const char* blob = nullptr;   // the owner's second key (its bytes, in the batch), or nullptr
  uint32_t blob_at = 0, blob_size = 0;
  uint64_t blob_hash = 0;
};

struct CsvRecord {
  std::span<const std::string_view> fields;
  uint64_t line = 0;  // 1-based physical line where the record starts
  const CsvHint* hint = nullptr;  // from a CsvBatchHook, when there is one
};

enum class CsvIssueKind { kUnterminatedQuote, kRecordTooLong };

struct CsvIssue {
  CsvIssueKind kind;
  uint64_t line = 0;  // 1-based physical line where the bad record starts
};

class CsvSink {
 public:
  virtual ~CsvSink() = default;
  virtual void on_record(const CsvRecord& record) = 0;
  virtual void on_issue(const CsvIssue& issue) = 0;
};

struct CsvOptions {
  char delimiter = ',';
  size_t max_record_bytes = size_t{1} << 20;
  // Field ends are found by a SIMD scan of 64 bytes at a time (SSE2/AVX2,
  // wasm simd128); false uses its scalar twin, for tests that compare them.
  bool simd = true;
};

// Records tokenized apart from the stream — a segment of one chunk's text, on
// any thread — to be spliced back in order (CsvSegments below).
struct CsvBatch {
  struct Item {
    uint32_t first_field = 0, fields = 0;  // into `fields`
    uint64_t line = 0;                     // 1-based, counted from the segment's start
    int issue = -1;                        // a CsvIssueKind instead of a record
    CsvHint hint;                          // filled by a CsvBatchHook
  };
  size_t begin = 0;     // where its first record starts (an offset in the text)
  size_t end = 0;       // where tokenizing stopped
  uint64_t lines = 0;   // physical lines consumed in [begin, end)
  bool waiting = false;   // stopped before its limit: the text ends inside a record
  bool skipping = false;  // ended inside an over-long line that is being skipped
  std::vector<Item> items;
  std::vector<std::string_view> fields;  // into the text, or into `storage`
  std::deque<std::string> storage;       // unescaped fields ("" → ")
  std::string blob;                      // the hints' keys
};

// The first place at or after `offset` where a record can start in `text`
// (its start, or just after a '\n'); text.size() when there is none.
size_t csv_segment_start(std::string_view text, size_t offset);

// The records of `text` that start in [begin, limit), `begin` being a record
// start, into `out` (cleared first). Exactly what CsvTokenizer sees there when
// it reaches `begin` at a record boundary; safe to call from any thread.
void csv_tokenize_segment(std::string_view text, size_t begin, size_t limit, const CsvOptions& options,
                          CsvBatch& out);

// Work on a batch's records that can be done where it was tokenized (the
// reader's pure per-row steps); annotate() runs on a worker thread and may
// read only state that stays unchanged while the chunk is read.
class CsvBatchHook {
 public:
  virtual ~CsvBatchHook() = default;
  virtual void annotate(CsvBatch& batch) const = 0;
};

// Tokenizing ahead on other threads, lent by the caller (core starts none).
// For a chunk's text, segment k holds the records starting in
// [csv_segment_start(text, k * segment_bytes()), the same for k + 1): a guess
// that a segment starts at a record boundary, checked when the batches are
// spliced (a quoted field with line breaks across a segment start makes the
// tokenizer re-read that stretch itself), so the records are the same as a
// single pass gives, whatever the segment size or thread count.
class CsvSegments {
 public:
  virtual ~CsvSegments() = default;
  virtual size_t segment_bytes() const = 0;
  // Starts on `text` (valid until end()); `hook` (may be nullptr) annotates
  // each batch after it is tokenized.
  virtual void begin(std::string_view text, const CsvOptions& options, const CsvBatchHook* hook) = 0;
  // Segment k's batch, computed with csv_tokenize_segment; nullptr past the
  // last one. Asking for k releases the batches before it.
  virtual const CsvBatch* batch(size_t k) = 0;
  virtual void end() = 0;
};

class CsvTokenizer {
 public:
  explicit CsvTokenizer(CsvOptions options);

  // Consumes `chunk`; calls the sink for every record completed by it.
  void feed(std::string_view chunk, CsvSink& sink);
  // Flushes the last record (a file need not end with a newline).
  void finish(CsvSink& sink);

  // Physical lines consumed so far (the last line counts once finished).
  uint64_t lines_seen() const { return line_ - 1; }

  // Lets `segments` tokenize large chunks ahead (not owned; nullptr: none).
  void set_segments(CsvSegments* segments) { segments_ = segments; }
  // The hook the segments run on each batch of the chunks fed from now on.
  void set_hook(const CsvBatchHook* hook) { hook_ = hook; }

 private:
  friend void csv_tokenize_segment(std::string_view, size_t, size_t, const CsvOptions&, CsvBatch&);
  // Parses the complete records of data[0, size) that start in [from, limit);
  // returns where it stopped (below `limit` only when waiting for bytes).
  size_t parse(const char* data, size_t size, bool final, CsvSink& sink, size_t from = 0, size_t limit = SIZE_MAX);
  // parse() over a whole chunk with the records of its segments spliced in.
  size_t parse_segmented(const char* data, size_t size, CsvSink& sink);
  const char* scan_unquoted(const char* p, const char* end);
  CsvOptions options_;
  CsvSegments* segments_ = nullptr;
  const CsvBatchHook* hook_ = nullptr;
  uint64_t (*breaks_)(const char*, char);
  const char* block_ = nullptr;  // the 64 bytes whose breaks are in block_mask_
  uint64_t block_mask_ = 0;
  std::string carry_;            // bytes of an incomplete record between feeds
  uint64_t line_ = 1;            // physical line at the start of unparsed input
  bool skipping_line_ = false;   // inside an over-long line being skipped
  std::vector<std::string_view> fields_;
  // Storage for fields with doubled quotes; a deque so that growing it never
  // moves the strings earlier fields of the same record point into.
  std::deque<std::string> unescaped_;
};

}  // namespace glint
