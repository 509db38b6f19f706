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

}  // namespace

class TableReader::Records final : public CsvSink {
 public:
  explicit Records(TableReader& r) : r_(r) {}
  void on_record(const CsvRecord& rec) override {
    const bool comment = !rec.fields.empty() && rec.fields[0].starts_with('#');
    if (!r_.header_found_) {
      if (comment) {
        ++r_.info_.preamble_lines;
        return;
      }
      r_.pending_.push_back({{rec.fields.begin(), rec.fields.end()}, rec.line});
      if (r_.pending_.size() >= kHeaderSearchRecords) r_.choose_header();
      return;
    }
    if (comment && rec.fields.size() != r_.info_.header.size()) {
      r_.sink_.on_skipped(rec.line, "comment line");
      return;
    }
    r_.sink_.on_row(rec.fields, rec.line);
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
  TableReader& r_;
};

TableReader::TableReader(std::string name, const AliasTable& aliases, TableSink& sink)
    : name_(std::move(name)), aliases_(aliases), sink_(sink) {
  info_.name = name_;
}

TableReader::~TableReader() = default;

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
  records_ = std::make_unique<Records>(*this);
  tokenizer_->feed(text_head_, *records_);
  text_head_.clear();
  text_head_.shrink_to_fit();
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
    const bool comment = !views.empty() && views[0].starts_with('#') && views.size() != info_.header.size();
    if (comment) {
      sink_.on_skipped(pending_[i].line, "comment line");
    } else {
      sink_.on_row(views, pending_[i].line);
    }
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
