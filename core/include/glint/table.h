// glint/table.h — any CSV/TSV export → its header and rows, streaming.
//
// TableReader is the front half of every analysis: bytes in (chunks of any
// size), then encoding detection and transcoding (encoding.h), delimiter
// sniffing (dialect.h), RFC 4180 records (csv.h), and the header row found
// after any preamble (report titles, date-range lines, quoted metadata,
// `#` comment blocks, blank lines): the record with the most known headers
// (alias table) among the first 64, else the first full-width row of text.
// Lines starting with `#` after the header are comments and are reported.
//
// A file may hold several tables (GA4's Reports snapshot): after a blank or
// `#` line, a row of text labels with a known header opens a new section,
// and the sink sees on_header again; a repeat of the current header is
// skipped as "repeated header row".
//
// The sink sees the header of each section, then every data record with its
// physical line. Results do not depend on how the input was cut into chunks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glint/columns.h"
#include "glint/csv.h"
#include "glint/diagnostics.h"
#include "glint/dialect.h"
#include "glint/encoding.h"
#include "glint/status.h"

namespace glint {

// What was detected about an input, for the report.
struct TableInfo {
  std::string name;
  uint64_t bytes = 0;
  Encoding encoding = Encoding::kUtf8;
  bool bom = false;
  Dialect dialect;
  uint64_t header_row = 0;  // 1-based line of the header (0 before it is found)
  std::vector<std::string> header;
  uint64_t preamble_lines = 0;  // non-blank lines above the header
  std::vector<std::string> preamble;  // the text of the first 16 of them, fields joined by the delimiter
  uint32_t sections = 1;        // tables in the file so far: a new header after a blank or '#' line opens one
};

class TableSink {
 public:
  virtual ~TableSink() = default;
  virtual void on_header(const TableInfo& info) = 0;
  virtual void on_row(std::span<const std::string_view> fields, uint64_t line) = 0;
  // A row with what a CsvBatchHook of this sink worked out ahead (threads).
  virtual void on_hinted_row(std::span<const std::string_view> fields, uint64_t line, const CsvHint& hint) {
    (void)hint;
    on_row(fields, line);
  }
  // The hook for the chunks about to be read (asked before each one).
  virtual const CsvBatchHook* batch_hook() const { return nullptr; }
  // A line that is not a row: an unterminated quote, an over-long line or a
  // comment; already worded for a person.
  virtual void on_skipped(uint64_t line, std::string_view reason) = 0;
};

class TableReader {
 public:
  TableReader(std::string name, const AliasTable& aliases, TableSink& sink);
  ~TableReader();
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

  void feed(std::span<const std::byte> bytes);
  // Ends the input. Fails when there was nothing to read: no bytes, binary
  // data, or no header row.
  Status finish();

  const TableInfo& info() const { return info_; }
  // Lends the tokenizer threads for large chunks (csv.h; not owned).
  void set_segments(CsvSegments* segments);
  uint64_t replacements() const { return decoder_ ? decoder_->replacements() : 0; }
  uint64_t first_replacement_line() const { return decoder_ ? decoder_->first_replacement_line() : 0; }

 private:
  class Records;  // CsvSink that routes records through the header search
  void start_decoding(bool at_eof);
  void push_text(std::string_view text, bool at_eof);
  void start_tokenizing(bool at_eof);
  void choose_header();
  void keep_preamble(std::span<const std::string_view> fields);
  void route(std::span<const std::string_view> fields, uint64_t line, bool after_gap);
  bool looks_like_section_header(std::span<const std::string_view> fields, bool after_comment) const;

  std::string name_;
  const AliasTable& aliases_;
  TableSink& sink_;
  TableInfo info_;
  std::string raw_head_;   // bytes kept until the encoding is known
  std::string text_head_;  // text kept until the delimiter is known
  std::unique_ptr<Decoder> decoder_;
  std::unique_ptr<CsvTokenizer> tokenizer_;
  CsvSegments* segments_ = nullptr;
  const CsvHint* hint_ = nullptr;  // of the record being routed
  std::unique_ptr<Records> records_;
  bool binary_ = false;
  bool header_found_ = false;
  bool saw_text_ = false;
  bool gap_ = false;          // a blank or comment line since the last record
  bool gap_comment_ = false;  // …and a comment line among them
  // Records kept while the header is searched for.
  struct Pending {
    std::vector<std::string> fields;
    uint64_t line;
    bool after_gap = false;  // a '#' line came just before it
  };
  std::vector<Pending> pending_;
};

}  // namespace glint
