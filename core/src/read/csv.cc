#include "glint/csv.h"

#include "base/text.h"

#include <algorithm>
#include <cstring>

namespace glint {

namespace {

uint64_t count_newlines(const char* p, const char* end) {
  return text::count_newlines(std::string_view(p, static_cast<size_t>(end - p)));
}

// Bytes of `x` equal to the byte repeated in `pattern` get their high bit set
// (exact for the lowest match, which is all the scan below uses).
inline uint64_t match_bytes(uint64_t x, uint64_t pattern) {
  const uint64_t y = x ^ pattern;
  return (y - 0x0101010101010101ull) & ~y & 0x8080808080808080ull;
}

// The first delimiter, LF or CR in [p, end): eight bytes at a time (SWAR, the
// same code for native and wasm), then byte by byte.
inline const char* scan_unquoted(const char* p, const char* end, char delim) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  const uint64_t d = kOnes * static_cast<uint8_t>(delim);
  while (end - p >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    const uint64_t m = match_bytes(w, d) | match_bytes(w, kOnes * '\n') | match_bytes(w, kOnes * '\r');
    if (m != 0) return p + (__builtin_ctzll(m) >> 3);  // little-endian: lowest address first
    p += 8;
  }
  while (p < end && *p != delim && *p != '\n' && *p != '\r') ++p;
  return p;
}

}  // namespace

CsvTokenizer::CsvTokenizer(CsvOptions options) : options_(options) {}

void CsvTokenizer::feed(std::string_view chunk, CsvSink& sink) {
  if (skipping_line_) {
    const void* nl = std::memchr(chunk.data(), '\n', chunk.size());
    if (nl == nullptr) return;
    const size_t skip = static_cast<size_t>(static_cast<const char*>(nl) - chunk.data()) + 1;
    chunk.remove_prefix(skip);
    ++line_;
    skipping_line_ = false;
  }
  if (carry_.empty()) {
    const size_t used = parse(chunk.data(), chunk.size(), false, sink);
    carry_.assign(chunk.data() + used, chunk.size() - used);
  } else {
    carry_.append(chunk);
    const size_t used = parse(carry_.data(), carry_.size(), false, sink);
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

size_t CsvTokenizer::parse(const char* data, size_t size, bool final, CsvSink& sink) {
  const char delim = options_.delimiter;
  const char* const end = data + size;
  size_t consumed = 0;
  while (consumed < size) {
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
        p = scan_unquoted(p, end, delim);
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
