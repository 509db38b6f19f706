// glint/encoding.h — from the bytes of a file to UTF-8 text, streaming.
//
// Exports arrive as UTF-8 (with or without BOM), UTF-16LE/BE ("CSV for
// Excel" from Google Ads and Microsoft Ads; with a BOM, or recognised by its
// zero bytes), or Windows-1252 (older Excel saves). detect_encoding() decides
// from the first bytes; a Decoder then turns chunks of any size into UTF-8,
// carrying incomplete sequences across chunk boundaries.
//
// Invalid input never stops decoding: an invalid UTF-8 sequence or an
// unpaired UTF-16 surrogate becomes U+FFFD and is counted, with the line of
// the first one. A file detected as UTF-8 only because its first bytes were
// ASCII switches to Windows-1252 if its first non-ASCII byte is not UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace glint {

enum class Encoding : uint8_t { kUtf8, kUtf16le, kUtf16be, kWindows1252 };

// "utf-8", "utf-16le", "utf-16be", "windows-1252".
std::string_view encoding_name(Encoding e);

struct EncodingGuess {
  Encoding encoding = Encoding::kUtf8;
  size_t bom_bytes = 0;  // bytes of byte-order mark at the start (0 when none)
  bool binary = false;   // not text in any supported encoding
  bool ascii_only = false;  // UTF-8 chosen because nothing but ASCII was seen
};

// Looks at the first bytes of a file (64 KiB is plenty).
EncodingGuess detect_encoding(std::span<const std::byte> head);

class Decoder {
 public:
  explicit Decoder(const EncodingGuess& guess);

  // Decodes the next chunk; the returned text is valid until the next call
  // (it may point into `in` itself when no conversion was needed).
  std::string_view decode(std::span<const std::byte> in);
  // Flushes an incomplete trailing sequence (as U+FFFD).
  std::string_view finish();

  Encoding encoding() const { return encoding_; }
  uint64_t replacements() const { return replacements_; }
  // 1-based line of the first replacement (0 when none).
  uint64_t first_replacement_line() const { return first_bad_line_; }
  // NUL characters seen in the decoded text (a sign of binary input).
  uint64_t nul_chars() const { return nuls_; }

 private:
  std::string_view decode_utf8(std::string_view in);
  std::string_view decode_utf16(std::string_view in, bool big_endian);
  std::string_view decode_1252(std::string_view in);
  void note_replacement(std::string_view out_so_far);

  Encoding encoding_;
  bool provisional_utf8_;  // UTF-8 by default only; may become Windows-1252
  size_t bom_left_;        // BOM bytes still to skip
  std::string pending_;    // incomplete sequence carried to the next chunk
  std::string out_;
  uint64_t lines_before_ = 0;  // newlines in the text produced by earlier chunks
  uint64_t replacements_ = 0;
  uint64_t first_bad_line_ = 0;
  uint64_t nuls_ = 0;
};

}  // namespace glint
