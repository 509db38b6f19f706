// SseParser against the framing rules of platform-apis.md §11 (the WHATWG
// event-stream interpretation) and the pitfalls listed there. The expected
// events are written out by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "llm/llm.h"

namespace glint::connectors::llm {

// For gtest's messages (found by ADL, so outside the anonymous namespace).
void PrintTo(const SseParser::Event& e, std::ostream* os) {
  *os << "{type=" << e.type << " data=" << ::testing::PrintToString(e.data) << " id=" << e.id << "}";
}

namespace {

using Event = SseParser::Event;

// Feeds `parts` in order and returns every event.
std::vector<Event> parse(const std::vector<std::string>& parts, SseParser* keep = nullptr) {
  SseParser local;
  SseParser& p = keep != nullptr ? *keep : local;
  std::vector<Event> out;
  for (const std::string& part : parts) EXPECT_TRUE(p.feed(part, [&](const Event& e) { out.push_back(e); }));
  return out;
}

std::vector<Event> parse(const std::string& whole) { return parse(std::vector<std::string>{whole}); }

// An Anthropic-like stream with CRLF endings, a comment, a ping, a
// multi-line payload and multi-byte UTF-8 (é, —, 📈).
const std::string kStream =
    "event: message_start\r\n"
    "data: {\"type\":\"message_start\"}\r\n"
    "\r\n"
    ": keepalive\r\n"
    "\r\n"
    "event: content_block_delta\r\n"
    "data: {\"text\":\"Caf\xC3\xA9 \xE2\x80\x94 ROAS \xF0\x9F\x93\x88\"}\r\n"
    "\r\n"
    "event: ping\r\n"
    "data: {\"type\":\"ping\"}\r\n"
    "\r\n"
    "id: 7\r\n"
    "data: line one\r\n"
    "data: line two\r\n"
    "\r\n";

const std::vector<Event> kExpected = {
    {"message_start", "{\"type\":\"message_start\"}", ""},
    {"content_block_delta", "{\"text\":\"Caf\xC3\xA9 \xE2\x80\x94 ROAS \xF0\x9F\x93\x88\"}", ""},
    {"ping", "{\"type\":\"ping\"}", ""},
    {"message", "line one\nline two", "7"},
};

TEST(SseParser, ParsesAWholeStream) { EXPECT_EQ(parse(kStream), kExpected); }

TEST(SseParser, SameEventsWhenSplitAtEveryBytePosition) {
  // Every split point falls somewhere: mid-field, mid-UTF-8 sequence, between
  // the CR and the LF of a CRLF, between two events.
  for (size_t i = 0; i <= kStream.size(); ++i) {
    EXPECT_EQ(parse(std::vector<std::string>{kStream.substr(0, i), kStream.substr(i)}), kExpected) << "split at " << i;
  }
  for (size_t i = 1; i < kStream.size(); i += 7) {
    for (size_t j = i; j <= kStream.size(); j += 5) {
      EXPECT_EQ(parse(std::vector<std::string>{kStream.substr(0, i), kStream.substr(i, j - i), kStream.substr(j)}), kExpected)
          << "split at " << i << " and " << j;
    }
  }
}

TEST(SseParser, SameEventsFedOneByteAtATime) {
  std::vector<std::string> bytes;
  for (char c : kStream) bytes.emplace_back(1, c);
  EXPECT_EQ(parse(bytes), kExpected);
}

TEST(SseParser, AcceptsLfCrLfAndLoneCrLineEndings) {
  const std::vector<Event> two = {{"a", "x", ""}, {"message", "y", ""}};
  EXPECT_EQ(parse("event: a\ndata: x\n\ndata: y\n\n"), two);
  EXPECT_EQ(parse("event: a\r\ndata: x\r\n\r\ndata: y\r\n\r\n"), two);
  EXPECT_EQ(parse("event: a\rdata: x\r\rdata: y\r\r"), two);
  EXPECT_EQ(parse("event: a\r\ndata: x\n\rdata: y\r\r\n"), two);  // mixed
}

TEST(SseParser, CrLfSplitAcrossFeedsCountsOnce) {
  // Were the LF a second terminator, "a" would be dispatched alone.
  EXPECT_EQ(parse(std::vector<std::string>{"data: a\r", "\ndata: b\r", "\n\r", "\n"}), (std::vector<Event>{{"message", "a\nb", ""}}));
  // A CR ending one feed and a CR starting the next are two line ends.
  EXPECT_EQ(parse(std::vector<std::string>{"data: a\r", "\rdata: b\r\r"}), (std::vector<Event>{{"message", "a", ""}, {"message", "b", ""}}));
  // An empty feed between the CR and the LF changes nothing.
  EXPECT_EQ(parse(std::vector<std::string>{"data: a\r", "", "\n\r\n"}), (std::vector<Event>{{"message", "a", ""}}));
}

TEST(SseParser, TwoEventsInOneRead) {
  EXPECT_EQ(parse("data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n"),
            (std::vector<Event>{{"message", "{\"n\":1}", ""}, {"message", "{\"n\":2}", ""}, {"message", "[DONE]", ""}}));
}

TEST(SseParser, IgnoresComments) {
  EXPECT_EQ(parse(": hello\n\n:\ndata: a\n: inside an event\ndata: b\n\n: keepalive\n\n"),
            (std::vector<Event>{{"message", "a\nb", ""}}));
}

TEST(SseParser, JoinsMultiLineDataWithNewlines) {
  EXPECT_EQ(parse("data: a\ndata:\ndata: b\n\n"), (std::vector<Event>{{"message", "a\n\nb", ""}}));
  EXPECT_EQ(parse("data: a\ndata: \n\n"), (std::vector<Event>{{"message", "a\n", ""}}));  // one trailing \n stripped only
}

TEST(SseParser, DropsOneLeadingSpaceOnly) {
  EXPECT_EQ(parse("data:x\n\ndata: x\n\ndata:  x\n\ndata:\tx\n\n"),
            (std::vector<Event>{{"message", "x", ""}, {"message", "x", ""}, {"message", " x", ""}, {"message", "\tx", ""}}));
  EXPECT_EQ(parse("data: a:b: c\n\n"), (std::vector<Event>{{"message", "a:b: c", ""}}));  // only the first colon splits
}

TEST(SseParser, FieldWithoutColonHasAnEmptyValue) {
  // "data" alone appends an empty line: an event with empty data.
  EXPECT_EQ(parse("data\n\n"), (std::vector<Event>{{"message", "", ""}}));
  // "event" alone clears the type back to "message".
  EXPECT_EQ(parse("event: a\nevent\ndata: x\n\n"), (std::vector<Event>{{"message", "x", ""}}));
}

TEST(SseParser, SpaceBeforeTheColonIsAnUnknownField) {
  EXPECT_EQ(parse("data :x\n\n"), std::vector<Event>{});
  EXPECT_EQ(parse("data :x\ndata: y\n\n"), (std::vector<Event>{{"message", "y", ""}}));
  EXPECT_EQ(parse("Data: x\nfoo: bar\n\n"), std::vector<Event>{});  // names are case-sensitive
}

TEST(SseParser, EventOnlyBlockIsDropped) {
  // The type does not leak into the next event either.
  EXPECT_EQ(parse("event: ping\n\ndata: x\n\n"), (std::vector<Event>{{"message", "x", ""}}));
  EXPECT_EQ(parse("event: a\nid: 3\n\n"), std::vector<Event>{});
}

TEST(SseParser, IdPersistsAcrossEvents) {
  EXPECT_EQ(parse("id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 2\n\ndata: d\n\n"),
            (std::vector<Event>{{"message", "a", "1"}, {"message", "b", "1"}, {"message", "c", ""}, {"message", "d", "2"}}));
  // An id holding NUL is ignored.
  EXPECT_EQ(parse(std::string("id: 5\ndata: a\n\nid: 6\0x\ndata: b\n\n", 32)),
            (std::vector<Event>{{"message", "a", "5"}, {"message", "b", "5"}}));
}

TEST(SseParser, RetryIsIgnored) {
  EXPECT_EQ(parse("retry: 1000\ndata: a\n\nretry: soon\ndata: b\n\nretry: 5\n\n"),
            (std::vector<Event>{{"message", "a", ""}, {"message", "b", ""}}));
}

TEST(SseParser, DropsALeadingBomOnly) {
  const std::vector<Event> x = {{"message", "x", ""}};
  EXPECT_EQ(parse("\xEF\xBB\xBF" "data: x\n\n"), x);
  EXPECT_EQ(parse(std::vector<std::string>{"\xEF", "\xBB", "\xBF" "da", "ta: x\n\n"}), x);  // split BOM
  EXPECT_EQ(parse(std::vector<std::string>{"\xEF\xBB", "\xBF\n", "data: x\n\n"}), x);
  // A second BOM is text: the field name "\xEF\xBB\xBF" "data" is unknown.
  EXPECT_EQ(parse("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\n"), std::vector<Event>{});
  // Bytes that only start like a BOM are kept.
  EXPECT_EQ(parse(std::vector<std::string>{"\xEF", "\n", "data: x\n\n"}), x);
  EXPECT_EQ(parse("data: \xEF\xBB\xBF" "x\n\n"), (std::vector<Event>{{"message", "\xEF\xBB\xBF" "x", ""}}));
  // Short first feeds that are plain text.
  EXPECT_EQ(parse(std::vector<std::string>{"d", "a", "ta: x\n\n"}), x);
  EXPECT_EQ(parse(std::vector<std::string>{"\n", "data: x\n\n"}), x);
}

TEST(SseParser, DiscardsTheTrailingIncompleteEvent) {
  SseParser p;
  EXPECT_EQ(parse(std::vector<std::string>{"data: a\n\ndata: b\n"}, &p), (std::vector<Event>{{"message", "a", ""}}));
  EXPECT_TRUE(p.pending());
  SseParser q;
  EXPECT_EQ(parse(std::vector<std::string>{"data: a\n\ndata: b"}, &q), (std::vector<Event>{{"message", "a", ""}}));
  EXPECT_TRUE(q.pending());
  SseParser r;
  EXPECT_EQ(parse(std::vector<std::string>{"data: a\n\n"}, &r), (std::vector<Event>{{"message", "a", ""}}));
  EXPECT_FALSE(r.pending());
}

TEST(SseParser, LinesLongerThan64KiB) {
  std::string big;
  for (int i = 0; big.size() < 300000; ++i) big += "{\"k\":" + std::to_string(i) + "},";
  const std::string stream = "event: content_block_delta\r\ndata: " + big + "\r\ndata: " + big + "\r\n\r\n";
  std::vector<std::string> parts;
  for (size_t i = 0; i < stream.size(); i += 4093) parts.push_back(stream.substr(i, 4093));
  EXPECT_EQ(parse(parts), (std::vector<Event>{{"content_block_delta", big + "\n" + big, ""}}));
  EXPECT_EQ(parse(stream), (std::vector<Event>{{"content_block_delta", big + "\n" + big, ""}}));
}

TEST(SseParser, AnEventOverTheLimitIsAnError) {
  SseParser p(1000);
  std::vector<Event> got;
  auto sink = [&](const Event& e) { got.push_back(e); };
  EXPECT_TRUE(p.feed("data: " + std::string(900, 'a') + "\n\n", sink));  // under the limit
  EXPECT_EQ(got.size(), 1u);
  EXPECT_FALSE(p.feed("data: " + std::string(600, 'b') + "\ndata: " + std::string(600, 'c'), sink));  // one event, two lines
  EXPECT_FALSE(p.feed("\n\ndata: d\n\n", sink));  // unusable afterwards
  EXPECT_EQ(got.size(), 1u);
  SseParser q(1000);
  EXPECT_FALSE(q.feed("data: " + std::string(2000, 'x'), sink));  // one line, no terminator yet
}

}  // namespace
}  // namespace glint::connectors::llm
