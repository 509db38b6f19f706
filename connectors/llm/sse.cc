// SseParser (platform-apis.md §11, the WHATWG event-stream interpretation).
//
// Bytes are split into lines as they come; only the current line and the
// event being built are kept, so a line may be any length up to the event
// limit. A CR at the end of one feed may be the first half of a CRLF: the
// parser remembers it and drops an LF that starts the next feed.
#include "llm/llm.h"

namespace glint::connectors::llm {

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";
}  // namespace

bool SseParser::feed(std::string_view bytes, const std::function<void(const Event&)>& on_event) {
  if (failed_) return false;
  if (!started_) {
    // The BOM may itself arrive split: hold the first bytes until they
    // either are the BOM (dropped) or cannot be (parsed as text).
    const size_t take = std::min(bytes.size(), kBom.size() - line_.size());
    line_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (line_.size() < kBom.size() && kBom.substr(0, line_.size()) == line_) return true;
    started_ = true;
    std::string head;
    head.swap(line_);
    if (head != kBom && !feed(head, on_event)) return false;
  }
  size_t i = 0;
  if (after_cr_ && !bytes.empty()) {
    after_cr_ = false;
    if (bytes[0] == '\n') i = 1;
  }
  while (i < bytes.size()) {
    const size_t end = bytes.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      line_.append(bytes.substr(i));
      if (line_.size() + data_.size() > max_) return fail();
      break;
    }
    line_.append(bytes.substr(i, end - i));
    if (line_.size() + data_.size() > max_) return fail();
    line(line_, on_event);
    line_.clear();
    if (failed_) return false;
    if (bytes[end] == '\r') {
      if (end + 1 == bytes.size()) {
        after_cr_ = true;
      } else if (bytes[end + 1] == '\n') {
        i = end + 2;
        continue;
      }
    }
    i = end + 1;
  }
  return true;
}

bool SseParser::fail() {
  failed_ = true;
  line_.clear();
  data_.clear();
  return false;
}

void SseParser::line(std::string_view l, const std::function<void(const Event&)>& on_event) {
  if (l.empty()) {
    // Dispatch: nothing when no data line came (an event:-only block).
    if (!data_.empty()) {
      data_.pop_back();  // the \n after the last data line
      Event e{type_.empty() ? "message" : type_, std::move(data_), last_id_};
      data_.clear();
      type_.clear();
      on_event(e);
    } else {
      type_.clear();
    }
    return;
  }
  if (l.front() == ':') return;  // a comment (keep-alive)
  std::string_view name = l, value;
  if (const size_t colon = l.find(':'); colon != std::string_view::npos) {
    name = l.substr(0, colon);
    value = l.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    data_.append(value);
    data_.push_back('\n');
    if (data_.size() > max_) fail();
  } else if (name == "event") {
    type_.assign(value);
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  }
  // retry (reconnection delay) means nothing to a one-shot client; anything
  // else, including "data " with a space before the colon, is unknown.
}

}  // namespace glint::connectors::llm
