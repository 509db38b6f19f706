#include "glint/encoding.h"

#include "base/text.h"

#include <algorithm>
#include <cstring>

namespace glint {

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::kUtf8: return "utf-8";
    case Encoding::kUtf16le: return "utf-16le";
    case Encoding::kUtf16be: return "utf-16be";
    case Encoding::kWindows1252: return "windows-1252";
  }
  return "utf-8";
}

namespace {

// Length of the valid UTF-8 sequence at s[i] (1..4), 0 if invalid, -1 if it
// is cut off by the end of s (could still be valid with more bytes).
int utf8_sequence(const unsigned char* s, size_t n, size_t i) {
  const unsigned char c = s[i];
  if (c < 0x80) return 1;
  int len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (int k = 1; k < len; ++k) {
    if (i + static_cast<size_t>(k) >= n) return -1;
    const unsigned char d = s[i + static_cast<size_t>(k)];
    if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xBF)) return 0;
  }
  return len;
}

void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

constexpr char kReplacement[] = "\xEF\xBF\xBD";

// Windows-1252 0x80..0x9F; the rest of the upper half is Latin-1.
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

uint64_t newlines(std::string_view s) { return text::count_newlines(s); }

}  // namespace

EncodingGuess detect_encoding(std::span<const std::byte> head) {
  EncodingGuess g;
  const auto* b = reinterpret_cast<const unsigned char*>(head.data());
  const size_t n = std::min<size_t>(head.size(), 64 * 1024);  // the head is enough
  // Well-known binary formats people pick by mistake: xlsx/zip, xls, pdf, images, gzip.
  const std::string_view start(reinterpret_cast<const char*>(b), std::min<size_t>(n, 8));
  for (std::string_view magic : {std::string_view("PK\x03\x04"), std::string_view("\xD0\xCF\x11\xE0"),
                                 std::string_view("%PDF"), std::string_view("\x89PNG"), std::string_view("GIF8"),
                                 std::string_view("\xFF\xD8\xFF"), std::string_view("\x1F\x8B")}) {
    if (start.starts_with(magic)) {
      g.binary = true;
      return g;
    }
  }
  if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
    g.encoding = Encoding::kUtf8;
    g.bom_bytes = 3;
  } else if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
    g.encoding = Encoding::kUtf16le;
    g.bom_bytes = 2;
    return g;
  } else if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
    g.encoding = Encoding::kUtf16be;
    g.bom_bytes = 2;
    return g;
  }
  // UTF-16 without a BOM: text is mostly ASCII, so every other byte is zero.
  if (g.bom_bytes == 0 && n >= 4) {
    const size_t pairs = std::min<size_t>(n, 4096) / 2;
    size_t zero_even = 0, zero_odd = 0, control_le = 0, control_be = 0;
    auto control = [](unsigned char c) { return c < 0x20 && c != '\t' && c != '\n' && c != '\r'; };
    for (size_t i = 0; i < pairs; ++i) {
      zero_even += b[2 * i] == 0;
      zero_odd += b[2 * i + 1] == 0;
      control_le += b[2 * i + 1] == 0 && control(b[2 * i]);
      control_be += b[2 * i] == 0 && control(b[2 * i + 1]);
    }
    // Mostly ASCII text: every other byte zero, and the others printable.
    if (zero_odd * 10 >= pairs * 4 && zero_even * 20 <= pairs && control_le * 20 <= zero_odd) {
      g.encoding = Encoding::kUtf16le;
      return g;
    }
    if (zero_even * 10 >= pairs * 4 && zero_odd * 20 <= pairs && control_be * 20 <= zero_even) {
      g.encoding = Encoding::kUtf16be;
      return g;
    }
  }
  // Binary: NUL bytes, or many control characters, in what remains.
  size_t controls = 0, high = 0, invalid_utf8 = 0;
  bool valid_multibyte = false;
  for (size_t i = g.bom_bytes; i < n;) {
    const unsigned char c = b[i];
    if (c == 0) {
      g.binary = true;
      return g;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ++controls;
    if (c < 0x80) {
      ++i;
      continue;
    }
    ++high;
    const int len = utf8_sequence(b, n, i);
    if (len > 1) {
      valid_multibyte = true;
      i += static_cast<size_t>(len);
    } else if (len < 0) {
      break;  // cut off by the end of the sample
    } else {
      ++invalid_utf8;
      ++i;
    }
  }
  const size_t text_bytes = n - g.bom_bytes;
  if (text_bytes > 0 && controls * 20 > text_bytes) {
    g.binary = true;
    return g;
  }
  if (invalid_utf8 > 0 && g.bom_bytes == 0 && (!valid_multibyte || invalid_utf8 * 2 > high)) {
    g.encoding = Encoding::kWindows1252;
    return g;
  }
  g.encoding = Encoding::kUtf8;
  g.ascii_only = high == 0 && g.bom_bytes == 0;
  return g;
}

Decoder::Decoder(const EncodingGuess& guess)
    : encoding_(guess.encoding), provisional_utf8_(guess.ascii_only), bom_left_(guess.bom_bytes) {}

void Decoder::note_replacement(std::string_view out_so_far) {
  if (replacements_++ == 0) first_bad_line_ = lines_before_ + newlines(out_so_far) + 1;
}

std::string_view Decoder::decode(std::span<const std::byte> in_bytes) {
  std::string_view in(reinterpret_cast<const char*>(in_bytes.data()), in_bytes.size());
  const size_t skip = std::min(bom_left_, in.size());
  in.remove_prefix(skip);
  bom_left_ -= skip;
  std::string_view out;
  switch (encoding_) {
    case Encoding::kUtf8: out = decode_utf8(in); break;
    case Encoding::kUtf16le: out = decode_utf16(in, false); break;
    case Encoding::kUtf16be: out = decode_utf16(in, true); break;
    case Encoding::kWindows1252: out = decode_1252(in); break;
  }
  const uint64_t nl = newlines(out);
  lines_before_ += nl;
  if (encoding_ != Encoding::kUtf8 && out.find('\0') != std::string_view::npos) {
    nuls_ += static_cast<uint64_t>(std::count(out.begin(), out.end(), '\0'));
  }
  return out;
}

std::string_view Decoder::finish() {
  out_.clear();
  if (!pending_.empty()) {
    note_replacement(out_);
    out_.append(kReplacement);
    pending_.clear();
  }
  return out_;
}

std::string_view Decoder::decode_utf8(std::string_view in) {
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  // Fast path: nothing pending and the chunk is valid up to a possibly cut
  // sequence at its end: hand the input back untouched.
  if (pending_.empty()) {
    size_t i = 0;
    bool clean = true;
    while (i < n) {
      // 8 ASCII bytes at a time.
      if (i + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, s + i, 8);
        if ((w & 0x8080808080808080ull) == 0) {
          i += 8;
          continue;
        }
      }
      if (s[i] < 0x80) {
        ++i;
        continue;
      }
      const int len = utf8_sequence(s, n, i);
      if (len > 0) {
        provisional_utf8_ = false;
        i += static_cast<size_t>(len);
        continue;
      }
      if (len < 0) {
        // Cut off at the end: keep it for the next chunk.
        pending_.assign(in.substr(i));
        return in.substr(0, i);
      }
      clean = false;
      break;
    }
    if (clean) return in;
    if (provisional_utf8_) {
      // Only ASCII so far and now a byte that is not UTF-8: Windows-1252.
      encoding_ = Encoding::kWindows1252;
      return decode_1252(in);
    }
  }
  // Slow path: copy, replacing invalid sequences.
  out_.clear();
  std::string joined;
  if (!pending_.empty()) {
    joined = pending_;
    joined.append(in);
    pending_.clear();
    in = joined;
  }
  const auto* t = reinterpret_cast<const unsigned char*>(in.data());
  const size_t m = in.size();
  size_t i = 0;
  while (i < m) {
    if (t[i] < 0x80) {
      out_.push_back(static_cast<char>(t[i++]));
      continue;
    }
    const int len = utf8_sequence(t, m, i);
    if (len > 0) {
      provisional_utf8_ = false;
      out_.append(in.substr(i, static_cast<size_t>(len)));
      i += static_cast<size_t>(len);
    } else if (len < 0) {
      pending_.assign(in.substr(i));
      break;
    } else {
      if (provisional_utf8_) {
        encoding_ = Encoding::kWindows1252;
        std::string rest = out_;
        const std::string_view tail = decode_1252(in.substr(i));
        rest.append(tail);
        out_ = std::move(rest);
        return out_;
      }
      note_replacement(out_);
      out_.append(kReplacement);
      ++i;
    }
  }
  return out_;
}

std::string_view Decoder::decode_utf16(std::string_view in, bool big_endian) {
  out_.clear();
  std::string joined;
  if (!pending_.empty()) {
    joined = pending_;
    joined.append(in);
    pending_.clear();
    in = joined;
  }
  out_.reserve(in.size() / 2 + 8);
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  size_t i = 0;
  auto unit = [&](size_t at) -> uint32_t {
    return big_endian ? (static_cast<uint32_t>(s[at]) << 8) | s[at + 1]
                      : (static_cast<uint32_t>(s[at + 1]) << 8) | s[at];
  };
  while (i + 1 < n) {
    const uint32_t u = unit(i);
    if (u < 0x80) {
      out_.push_back(static_cast<char>(u));
      i += 2;
    } else if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 3 >= n) break;  // the low surrogate is in the next chunk
      const uint32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        put_utf8(out_, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        i += 4;
      } else {
        note_replacement(out_);
        out_.append(kReplacement);
        i += 2;
      }
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      note_replacement(out_);
      out_.append(kReplacement);
      i += 2;
    } else {
      put_utf8(out_, u);
      i += 2;
    }
  }
  if (i < n) pending_.assign(in.substr(i));
  return out_;
}

std::string_view Decoder::decode_1252(std::string_view in) {
  out_.clear();
  out_.reserve(in.size() + in.size() / 8);
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out_.push_back(ch);
    } else if (c < 0xA0) {
      put_utf8(out_, kCp1252High[c - 0x80]);
    } else {
      put_utf8(out_, c);
    }
  }
  return out_;
}

}  // namespace glint
