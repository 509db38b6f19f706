#include "glint/encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace glint {
namespace {

std::span<const std::byte> bytes(const std::string& s) { return std::as_bytes(std::span<const char>(s.data(), s.size())); }

std::string utf16(std::string_view ascii_or_latin1, bool big_endian, bool bom) {
  std::string out;
  if (bom) out += big_endian ? std::string("\xFE\xFF") : std::string("\xFF\xFE");
  for (unsigned char c : ascii_or_latin1) {
    const char hi = 0, lo = static_cast<char>(c);
    if (big_endian) {
      out.push_back(hi);
      out.push_back(lo);
    } else {
      out.push_back(lo);
      out.push_back(hi);
    }
  }
  return out;
}

std::string decode_all(const std::string& input, size_t chunk, Encoding* enc = nullptr, uint64_t* bad = nullptr) {
  Decoder dec(detect_encoding(bytes(input)));
  std::string out;
  for (size_t i = 0; i < input.size(); i += chunk) {
    const std::string part = input.substr(i, chunk);
    out.append(dec.decode(bytes(part)));
  }
  out.append(dec.finish());
  if (enc) *enc = dec.encoding();
  if (bad) *bad = dec.replacements();
  return out;
}

TEST(Encoding, Utf8WithAndWithoutBom) {
  EXPECT_EQ(detect_encoding(bytes("a,b\n1,2\n")).encoding, Encoding::kUtf8);
  const EncodingGuess g = detect_encoding(bytes("\xEF\xBB\xBF" "a,b\n"));
  EXPECT_EQ(g.encoding, Encoding::kUtf8);
  EXPECT_EQ(g.bom_bytes, 3u);
  EXPECT_EQ(decode_all("\xEF\xBB\xBF" "Kampagne;K\xC3\xBC" "che\n", 1), "Kampagne;K\xC3\xBC" "che\n");
}

TEST(Encoding, Utf16LeAndBeWithBomAndWithout) {
  const std::string text = "Campaign\tCost\nBrand\t1,5\n";
  for (bool be : {false, true}) {
    for (bool bom : {false, true}) {
      const std::string in = utf16(text, be, bom);
      const EncodingGuess g = detect_encoding(bytes(in));
      EXPECT_EQ(g.encoding, be ? Encoding::kUtf16be : Encoding::kUtf16le) << be << bom;
      EXPECT_EQ(g.bom_bytes, bom ? 2u : 0u);
      for (size_t chunk : {size_t{1}, size_t{3}, size_t{1000}}) {
        EXPECT_EQ(decode_all(in, chunk), text) << be << bom << chunk;
      }
    }
  }
}

TEST(Encoding, Utf16SurrogatePairsAcrossChunksAndUnpairedOnes) {
  // "a😀b" in UTF-16LE with BOM: 😀 = D83D DE00.
  const std::string in = std::string("\xFF\xFE" "a\0", 4) + std::string("\x3D\xD8\x00\xDE", 4) + std::string("b\0", 2);
  for (size_t chunk = 1; chunk <= in.size(); ++chunk) EXPECT_EQ(decode_all(in, chunk), "a\xF0\x9F\x98\x80" "b");
  const std::string lone = std::string("\xFF\xFE" "a\0", 4) + std::string("\x00\xDC", 2) + std::string("b\0", 2);
  uint64_t bad = 0;
  EXPECT_EQ(decode_all(lone, 2, nullptr, &bad), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(bad, 1u);
}

TEST(Encoding, Windows1252UmlautsAndEuroSign) {
  const std::string in = "Kampagne;Kosten\nM\xFC" "nchen Sommer;12,50 \x80\n";
  const EncodingGuess g = detect_encoding(bytes(in));
  EXPECT_EQ(g.encoding, Encoding::kWindows1252);
  EXPECT_EQ(decode_all(in, 5), "Kampagne;Kosten\nM\xC3\xBC" "nchen Sommer;12,50 \xE2\x82\xAC\n");
}

TEST(Encoding, AsciiHeadThenWindows1252LaterSwitches) {
  std::string in(70000, 'a');
  in += "\nZ\xFCrich\n";
  Encoding enc;
  uint64_t bad = 0;
  const std::string out = decode_all(in.substr(0), 4096, &enc, &bad);
  EXPECT_EQ(enc, Encoding::kWindows1252);
  EXPECT_EQ(bad, 0u);
  EXPECT_NE(out.find("Z\xC3\xBCrich"), std::string::npos);
}

TEST(Encoding, InvalidUtf8IsReplacedCountedAndLocated) {
  const std::string in = "h\xC3\xA9llo\nline2 \xFF bad\nok\n";
  Decoder dec(detect_encoding(bytes(in)));
  std::string out(dec.decode(bytes(in)));
  out.append(dec.finish());
  EXPECT_EQ(dec.encoding(), Encoding::kUtf8);
  EXPECT_EQ(out, "h\xC3\xA9llo\nline2 \xEF\xBF\xBD bad\nok\n");
  EXPECT_EQ(dec.replacements(), 1u);
  EXPECT_EQ(dec.first_replacement_line(), 2u);
}

TEST(Encoding, MultibyteSequenceSplitAcrossChunks) {
  const std::string in = "caf\xC3\xA9,\xE2\x82\xAC,\xF0\x9F\x98\x80\n";
  for (size_t chunk = 1; chunk <= in.size(); ++chunk) {
    uint64_t bad = 1;
    EXPECT_EQ(decode_all(in, chunk, nullptr, &bad), in) << chunk;
    EXPECT_EQ(bad, 0u);
  }
}

TEST(Encoding, BinaryIsRecognised) {
  EXPECT_TRUE(detect_encoding(bytes(std::string("PK\x03\x04\x14\0\x06\0", 8))).binary);
  std::string controls(200, '\x01');
  EXPECT_TRUE(detect_encoding(bytes(controls)).binary);
  EXPECT_FALSE(detect_encoding(bytes("plain,text\n")).binary);
}

}  // namespace
}  // namespace glint
