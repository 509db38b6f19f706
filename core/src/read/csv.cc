#include "glint/csv.h"

#include "base/text.h"
#include "read/scan.h"

#include <algorithm>
#include <cstring>

namespace glint {

namespace {

uint64_t count_newlines(const char* p, const char* end) {
  return text::count_newlines(std::string_view(p, static_cast<size_t>(end - p)));
}

// The first delimiter, LF or CR in [p, end), byte by byte (the last bytes
// of a chunk, fewer than a scan block).
inline const char* scan_tail(const char* p, const char* end, char delim) {
  while (p < end && *p != delim && *p != '\n' && *p != '\r') ++p;
  return p;
}

// Collects a segment's records into its batch; views that point into the
// tokenizer's own storage (unescaped fields) are copied into the batch's.
class Collector final : public CsvSink {
 public:
  Collector(std::string_view text, CsvBatch& out) : text_(text), out_(out) {}
  void on_record(const CsvRecord& record) override {
    CsvBatch::Item item;
    item.first_field = static_cast<uint32_t>(out_.fields.size());
    item.fields = static_cast<uint32_t>(record.fields.size());
    item.line = record.line;
    for (const std::string_view f : record.fields) {
      if (f.data() >= text_.data() && f.data() + f.size() <= text_.data() + text_.size()) {
        out_.fields.push_back(f);
      } else {
        out_.fields.emplace_back(out_.storage.emplace_back(f));
      }
    }
    out_.items.push_back(item);
  }
  void on_issue(const CsvIssue& issue) override {
    CsvBatch::Item item;
    item.line = issue.line;
    item.issue = static_cast<int>(issue.kind);
    out_.items.push_back(item);
  }

 private:
  std::string_view text_;
  CsvBatch& out_;
};

}  // namespace

CsvTokenizer::CsvTokenizer(CsvOptions options)
    : options_(options), breaks_(scan::breaks(options.simd ? scan::best() : scan::Kind::kScalar)) {}

// The first delimiter, LF or CR in [p, end): from the break mask of a
// 64-byte block, computed once and used for every field that ends in it.
const char* CsvTokenizer::scan_unquoted(const char* p, const char* end) {
  while (true) {
    if (block_ != nullptr && p >= block_ && p < block_ + 64) {
      const uint64_t m = block_mask_ >> (p - block_);
      if (m != 0) return p + __builtin_ctzll(m);
      p = block_ + 64;
    }
    if (end - p < 64) return scan_tail(p, end, options_.delimiter);
    block_ = p;
    block_mask_ = breaks_(p, options_.delimiter);
  }
}

size_t csv_segment_start(std::string_view text, size_t offset) {
  if (offset == 0) return 0;
  if (offset > text.size()) return text.size();
  const void* nl = std::memchr(text.data() + offset - 1, '\n', text.size() - (offset - 1));
  return nl == nullptr ? text.size() : static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
}

void csv_tokenize_segment(std::string_view text, size_t begin, size_t limit, const CsvOptions& options,
                          CsvBatch& out) {
  out.items.clear();
  out.fields.clear();
  out.storage.clear();
  out.blob.clear();
  out.begin = begin;
  CsvTokenizer t(options);
  Collector sink(text, out);
  out.end = t.parse(text.data(), text.size(), false, sink, begin, limit);
  out.lines = t.line_ - 1;
  out.skipping = t.skipping_line_;
  out.waiting = out.end < limit;
}

size_t CsvTokenizer::parse_segmented(const char* data, size_t size, CsvSink& sink) {
  segments_->begin(std::string_view(data, size), options_, hook_);
  size_t pos = 0;
  bool stopped = false;
  for (size_t k = 0; !stopped; ++k) {
    const CsvBatch* b = segments_->batch(k);
    if (b == nullptr) break;
    if (b->begin < pos) continue;  // inside a record that an earlier segment finished
    if (b->begin > pos) {
      // The guess was wrong before this segment: read up to it here.
      pos = parse(data, size, false, sink, pos, b->begin);
      if (pos < b->begin || skipping_line_) {
        stopped = true;
        break;
      }
      if (pos != b->begin) continue;
    }
    for (const CsvBatch::Item& item : b->items) {
      const uint64_t line = line_ + item.line - 1;
      if (item.issue >= 0) {
        sink.on_issue({static_cast<CsvIssueKind>(item.issue), line});
      } else {
        CsvRecord record;
        record.fields = std::span<const std::string_view>(b->fields.data() + item.first_field, item.fields);
        record.line = line;
        record.hint = item.hint.owner != nullptr ? &item.hint : nullptr;
        sink.on_record(record);
      }
    }
    line_ += b->lines;
    pos = b->end;
    if (b->waiting || b->skipping) {
      skipping_line_ = b->skipping;
      stopped = true;
    }
  }
  segments_->end();
  if (!stopped && pos < size) pos = parse(data, size, false, sink, pos);
  return pos;
}

void CsvTokenizer::feed(std::string_view chunk, CsvSink& sink) {
  if (skipping_line_) {
    const void* nl = std::memchr(chunk.data(), '\n', chunk.size());
    if (nl == nullptr) return;
    const size_t skip = static_cast<size_t>(static_cast<const char*>(nl) - chunk.data()) + 1;
    chunk.remove_prefix(skip);
    ++line_;
    skipping_line_ = false;
  }
  const auto run = [&](const char* data, size_t size) {
    if (segments_ != nullptr && size >= 2 * segments_->segment_bytes()) return parse_segmented(data, size, sink);
    return parse(data, size, false, sink);
  };
  if (carry_.empty()) {
    const size_t used = run(chunk.data(), chunk.size());
    carry_.assign(chunk.data() + used, chunk.size() - used);
  } else {
    carry_.append(chunk);
    const size_t used = run(carry_.data(), carry_.size());
    carry_.erase(0, used);
  }
}

void CsvTokenizer::finish(CsvSink& sink) {
  if (!skipping_line_ && !carry_.empty()) {
    const size_t used = parse(carry_.data(), carry_.size(), true, sink);
    carry_.erase(0, used);
  }
  carry_.clear();
  skipping_line_ = false;
}

size_t CsvTokenizer::parse(const char* data, size_t size, bool final, CsvSink& sink, size_t from, size_t limit) {
  const char delim = options_.delimiter;
  const char* const end = data + size;
  block_ = nullptr;  // a mask of another buffer
  size_t consumed = from;
  while (consumed < size && consumed < limit) {
    const char* p = data + consumed;
    // Blank lines separate nothing; count and skip them.
    if (*p == '\n') {
      ++line_;
      ++consumed;
      continue;
    }
    if (*p == '\r' && p + 1 < end && p[1] == '\n') {
      ++line_;
      consumed += 2;
      continue;
    }
    if (*p == '\r' && p + 1 == end && !final) break;

    fields_.clear();
    size_t escaped_used = 0;
    uint64_t newlines = 0;
    bool complete = false;
    bool open_quote = false;
    while (true) {
      if (p < end && *p == '"') {
        // Quoted field: runs to the closing quote; "" is a literal quote.
        const char* q = p + 1;
        const char* seg = q;
        std::string* out = nullptr;
        while (true) {
          const char* close = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
          if (close == nullptr) {
            open_quote = true;
            break;
          }
          if (close + 1 < end && close[1] == '"') {
            if (out == nullptr) {
              if (unescaped_.size() <= escaped_used) unescaped_.emplace_back();
              out = &unescaped_[escaped_used++];
              out->clear();
            }
            out->append(seg, close + 1);  // keep one quote
            q = seg = close + 2;
            continue;
          }
          if (close + 1 == end && !final) {
            open_quote = true;  // cannot tell "" from " yet: wait for more bytes
            break;
          }
          newlines += count_newlines(p, close);
          std::string_view value;
          if (out != nullptr) {
            out->append(seg, close);
            value = *out;
          } else {
            value = std::string_view(seg, static_cast<size_t>(close - seg));
          }
          p = close + 1;
          // Text after the closing quote (`"a"b`) is kept, as spreadsheets do.
          if (p < end && *p != delim && *p != '\n' && *p != '\r') {
            if (out == nullptr) {
              if (unescaped_.size() <= escaped_used) unescaped_.emplace_back();
              out = &unescaped_[escaped_used++];
              out->assign(value);
            }
            while (p < end && *p != delim && *p != '\n' && *p != '\r') out->push_back(*p++);
            value = *out;
          }
          fields_.push_back(value);
          break;
        }
        if (open_quote) break;
      } else {
        const char* f = p;
        p = scan_unquoted(p, end);
        fields_.emplace_back(f, static_cast<size_t>(p - f));
      }
      // After a field: delimiter, line end, or end of data.
      if (p == end) {
        complete = final;
        break;
      }
      if (*p == delim) {
        ++p;
        if (p == end && final) {
          fields_.emplace_back();
          complete = true;
          break;
        }
        continue;
      }
      if (*p == '\r') {
        if (p + 1 == end) {
          complete = final;
          if (final) ++p;
          break;
        }
        if (p[1] == '\n') {
          p += 2;
          ++newlines;
          complete = true;
          break;
        }
        // A lone CR ends a record too (old Mac exports).
        ++p;
        ++newlines;
        complete = true;
        break;
      }
      // '\n'
      ++p;
      ++newlines;
      complete = true;
      break;
    }
    if (!complete) {
      // The record cannot complete: an open quote or an over-long line.
      const size_t pending = size - consumed;
      if (!final && pending <= options_.max_record_bytes) break;  // wait for more bytes
      const char* rec = data + consumed;
      const char* nl = static_cast<const char*>(std::memchr(rec, '\n', pending));
      sink.on_issue({open_quote ? CsvIssueKind::kUnterminatedQuote : CsvIssueKind::kRecordTooLong,
                     line_});
      if (nl != nullptr) {
        // Drop the line where the record starts and go on from the next one,
        // so one stray quote cannot swallow the rest of the file.
        ++line_;
        consumed = static_cast<size_t>(nl - data) + 1;
        continue;
      }
      if (!final) skipping_line_ = true;
      consumed = size;
      break;
    }
    if (static_cast<size_t>(p - (data + consumed)) > options_.max_record_bytes) {
      sink.on_issue({CsvIssueKind::kRecordTooLong, line_});
      line_ += newlines;
      consumed = static_cast<size_t>(p - data);
      continue;
    }
    CsvRecord record;
    record.fields = fields_;
    record.line = line_;
    sink.on_record(record);
    line_ += newlines;
    consumed = static_cast<size_t>(p - data);
  }
  return consumed;
}

}  // namespace glint
