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

struct CsvRecord {
  std::span<const std::string_view> fields;
  uint64_t line = 0;  // 1-based physical line where the record starts
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

 private:
  // Parses complete records of data[0, size); returns the bytes consumed.
  size_t parse(const char* data, size_t size, bool final, CsvSink& sink);
  CsvOptions options_;
  std::string carry_;            // bytes of an incomplete record between feeds
  uint64_t line_ = 1;            // physical line at the start of unparsed input
  bool skipping_line_ = false;   // inside an over-long line being skipped
  std::vector<std::string_view> fields_;
  // Storage for fields with doubled quotes; a deque so that growing it never
  // moves the strings earlier fields of the same record point into.
  std::deque<std::string> unescaped_;
};

}  // namespace glint
