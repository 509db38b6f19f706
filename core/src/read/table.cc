#include "glint/table.h"

#include <algorithm>

#include "base/text.h"

namespace glint {

namespace {

constexpr size_t kHeadBytes = 64 * 1024;  // enough to detect encoding and delimiter
constexpr size_t kHeaderSearchRecords = 64;

bool looks_like_text_label(std::string_view cell) {
  cell = text::trim_spaces(cell);
  if (cell.empty()) return false;
  for (char c : cell) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

bool all_empty(std::span<const std::string_view> fields) {
  for (std::string_view f : fields) {
    if (!text::trim_spaces(f).empty()) return false;
  }
  return true;
}
bool all_empty(const std::vector<std::string>& fields) {
  for (const std::string& f : fields) {
    if (!text::trim_spaces(f).empty()) return false;
  }
  return true;
}

}  // namespace

// A header of a new table further down (GA4's Reports snapshot): after a blank
// or '#' line, at least two cells, every filled one a text label, one of them
// a header glint knows.
// After a '#' block (`after_comment`) a row of labels is a new table even when
// glint knows none of them: it is then reported as a table without metrics.
bool TableReader::looks_like_section_header(std::span<const std::string_view> fields, bool after_comment) const {
  size_t filled = 0;
  for (std::string_view f : fields) {
    if (text::trim_spaces(f).empty()) continue;
    if (!looks_like_text_label(f)) return false;
    ++filled;
  }
  return filled >= 2 && (after_comment || count_known_headers(fields, aliases_) >= 1);
}

// Every record after the header: a blank or comment line opens a gap; the
// first record after a gap may be the header of another table.
void TableReader::route(std::span<const std::string_view> fields, uint64_t line, bool after_gap) {
  const bool comment = !fields.empty() && fields[0].starts_with('#');
  if (comment && fields.size() != info_.header.size()) {
    gap_ = true;
    gap_comment_ = true;
    sink_.on_skipped(line, "comment line");
    return;
  }
  if (all_empty(fields)) {
    gap_ = true;
    sink_.on_row(fields, line);
    return;
  }
  if (gap_ || after_gap) {
    const bool after_comment = gap_comment_ || after_gap;
    gap_ = gap_comment_ = false;
    if (std::equal(fields.begin(), fields.end(), info_.header.begin(), info_.header.end())) {
      sink_.on_skipped(line, "repeated header row");
      return;
    }
    if (looks_like_section_header(fields, after_comment)) {
      info_.header.assign(fields.begin(), fields.end());
      info_.header_row = line;
      ++info_.sections;
      sink_.on_header(info_);
      return;
    }
  }
  if (hint_ != nullptr) {
    sink_.on_hinted_row(fields, line, *hint_);
  } else {
    sink_.on_row(fields, line);
  }
}

class TableReader::Records final : public CsvSink {
 public:
  explicit Records(TableReader& r) : r_(r) {}
  void on_record(const CsvRecord& rec) override {
    const bool comment = !rec.fields.empty() && rec.fields[0].starts_with('#');
    if (!r_.header_found_) {
      if (comment) {
        ++r_.info_.preamble_lines;
        r_.keep_preamble(rec.fields);
        gap_ = true;
        return;
      }
      r_.pending_.push_back({{rec.fields.begin(), rec.fields.end()}, rec.line, gap_});
      gap_ = false;
      if (r_.pending_.size() >= kHeaderSearchRecords) r_.choose_header();
      return;
    }
    r_.hint_ = rec.hint;
    r_.route(rec.fields, rec.line, false);
    r_.hint_ = nullptr;
  }
  void on_issue(const CsvIssue& issue) override {
    const char* reason = issue.kind == CsvIssueKind::kUnterminatedQuote
                             ? "a quoted field opens on this line and never closes; the line is skipped"
                             : "the line is longer than 1 MiB; skipped";
    if (r_.header_found_) {
      r_.sink_.on_skipped(issue.line, reason);
    } else {
      early_.push_back({issue.line, reason});
    }
  }
  struct Early {
    uint64_t line;
    const char* reason;
  };
  std::vector<Early> early_;

 private:
  bool gap_ = false;  // a comment line came since the last pending record
  TableReader& r_;
};

TableReader::TableReader(std::string name, const AliasTable& aliases, TableSink& sink)
    : name_(std::move(name)), aliases_(aliases), sink_(sink) {
  info_.name = name_;
}

TableReader::~TableReader() = default;

void TableReader::set_segments(CsvSegments* segments) {
  segments_ = segments;
  if (tokenizer_) tokenizer_->set_segments(segments);
}

void TableReader::feed(std::span<const std::byte> bytes) {
  info_.bytes += bytes.size();
  if (binary_) return;
  if (!decoder_) {
    raw_head_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (raw_head_.size() >= kHeadBytes) start_decoding(false);
    return;
  }
  push_text(decoder_->decode(bytes), false);
}

void TableReader::start_decoding(bool at_eof) {
  const auto head = std::as_bytes(std::span<const char>(raw_head_.data(), raw_head_.size()));
  const EncodingGuess guess = detect_encoding(head);
  if (guess.binary) {
    binary_ = true;
    return;
  }
  decoder_ = std::make_unique<Decoder>(guess);
  info_.bom = guess.bom_bytes > 0;
  info_.encoding = guess.encoding;
  push_text(decoder_->decode(head), at_eof);
  raw_head_.clear();
  raw_head_.shrink_to_fit();
}

void TableReader::push_text(std::string_view text, bool at_eof) {
  if (binary_) return;
  if (!saw_text_) {
    saw_text_ = text.find_first_not_of(" \t\r\n\f") != std::string_view::npos;
  }
  if (!tokenizer_) {
    text_head_.append(text);
    if (text_head_.size() >= kHeadBytes) start_tokenizing(at_eof);
    return;
  }
  if (segments_ != nullptr) tokenizer_->set_hook(sink_.batch_hook());
  tokenizer_->feed(text, *records_);
}

void TableReader::start_tokenizing(bool at_eof) {
  if (text_head_.find('\0') != std::string::npos) {
    binary_ = true;
    return;
  }
  std::string_view sample(text_head_);
  if (!at_eof && sample.size() > kHeadBytes) sample = sample.substr(0, kHeadBytes);
  if (!at_eof) {
    const size_t nl = sample.rfind('\n');
    if (nl != std::string_view::npos) sample = sample.substr(0, nl + 1);
  }
  info_.dialect = sniff_dialect(sample);
  CsvOptions options;
  options.delimiter = info_.dialect.delimiter;
  tokenizer_ = std::make_unique<CsvTokenizer>(options);
  tokenizer_->set_segments(segments_);
  records_ = std::make_unique<Records>(*this);
  tokenizer_->feed(text_head_, *records_);
  text_head_.clear();
  text_head_.shrink_to_fit();
}

void TableReader::keep_preamble(std::span<const std::string_view> fields) {
  if (info_.preamble.size() >= 16) return;
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line.push_back(info_.dialect.delimiter);
    line.append(fields[i].substr(0, 200));
  }
  while (!line.empty() && line.back() == info_.dialect.delimiter) line.pop_back();  // trailing empty cells
  info_.preamble.push_back(std::move(line));
}

void TableReader::choose_header() {
  if (pending_.empty()) return;
  size_t chosen = pending_.size();
  int best = 0;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const std::vector<std::string_view> cells(pending_[i].fields.begin(), pending_[i].fields.end());
    const int known = count_known_headers(cells, aliases_);
    if (known > best) {
      best = known;
      chosen = i;
    }
  }
  if (chosen == pending_.size()) {
    // No known header: the first row as wide as the table, all of it labels.
    int64_t width = 0;
    for (const DelimiterScore& c : info_.dialect.candidates) {
      if (c.delimiter == info_.dialect.delimiter) width = c.fields;
    }
    for (size_t i = 0; i < pending_.size() && chosen == pending_.size(); ++i) {
      const auto& f = pending_[i].fields;
      if (static_cast<int64_t>(f.size()) == width && std::all_of(f.begin(), f.end(), looks_like_text_label)) {
        chosen = i;
      }
    }
    if (chosen == pending_.size()) chosen = 0;
  }
  // A file of several tables: the first one that opens a block (after a
  // blank or '#' line, or at the top) with a known header and a row under it
  // is the first section; the others follow as sections of their own.
  for (size_t j = 0; j < chosen; ++j) {
    const auto& f = pending_[j].fields;
    const bool block_start = j == 0 || pending_[j].after_gap || all_empty(pending_[j - 1].fields);
    if (!block_start || all_empty(f) || j + 1 >= pending_.size()) continue;
    const auto& next = pending_[j + 1].fields;
    if (next.size() != f.size() || all_empty(next) || pending_[j + 1].after_gap) continue;
    const std::vector<std::string_view> cells(f.begin(), f.end());
    if (looks_like_section_header(cells, false)) {
      chosen = j;
      break;
    }
  }
  for (size_t j = 0; j < chosen; ++j) {
    const std::vector<std::string_view> cells(pending_[j].fields.begin(), pending_[j].fields.end());
    if (!all_empty(pending_[j].fields)) keep_preamble(cells);
  }
  header_found_ = true;
  info_.header_row = pending_[chosen].line;
  info_.preamble_lines += chosen;
  for (const std::string& h : pending_[chosen].fields) info_.header.push_back(h);
  sink_.on_header(info_);
  for (const auto& e : records_->early_) {
    if (e.line > info_.header_row) sink_.on_skipped(e.line, e.reason);
  }
  records_->early_.clear();
  std::vector<std::string_view> views;
  for (size_t i = chosen + 1; i < pending_.size(); ++i) {
    views.assign(pending_[i].fields.begin(), pending_[i].fields.end());
    route(views, pending_[i].line, pending_[i].after_gap);
  }
  pending_.clear();
  pending_.shrink_to_fit();
}

Status TableReader::finish() {
  if (!decoder_ && !binary_) {
    if (raw_head_.empty()) return Status(ErrorCode::kEmptyInput, name_ + ": the file is empty");
    start_decoding(true);
  }
  const auto binary_error = [this]() {
    return Status(ErrorCode::kBinaryInput,
                  name_ + ": this is not a text (CSV) file; export the report as CSV and try again");
  };
  if (binary_) return binary_error();
  push_text(decoder_->finish(), true);
  info_.encoding = decoder_->encoding();  // a provisional UTF-8 may have become Windows-1252
  if (!tokenizer_) {
    if (!saw_text_) return Status(ErrorCode::kEmptyInput, name_ + ": the file is empty");
    start_tokenizing(true);
    if (binary_) return binary_error();
  }
  if (decoder_->nul_chars() > 0 && !header_found_) return binary_error();
  tokenizer_->finish(*records_);
  if (!header_found_) {
    if (pending_.empty()) {
      return Status(ErrorCode::kEmptyInput, name_ + ": the file has no rows");
    }
    choose_header();
  }
  return Status::Ok();
}

}  // namespace glint
