// The part the fake Anthropic (anthropic.cc) and OpenAI (openai.cc) servers
// share: the fake model (what it answers, from the request alone), the log
// of streams (GET /_fake/llm/streams), prompt-cache bookkeeping and the SSE
// writer. The answer rules are the contract of /tmp/i16/spec.md §3 and are
// written out in README.md ("LLM providers"); each provider turns its own
// request shape into a Conversation and the Answer back into its own wire
// format, so the two fakes answer the same question with the same words.
//
// Everything here is header-only (inline): fake_upstreams lists its .cc files
// explicitly and this module is small. The stream log and the caches are
// process-wide (one fake server per process); POST /_fake/reset clears them.
#pragma once

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fake.h"

namespace fake::llm {

using ordered_json = nlohmann::ordered_json;

inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- The stream log ------------------------------------------------------------------------

struct StreamEntry {
  int n = 0;
  std::string provider, path, model;
  int64_t started_ms = 0, ended_ms = -1;
  bool finished = false;  // the fake wrote all it meant to and closed the body properly
  bool aborted = false;   // the client went away before that
  std::string end;        // "message_stop" | "[DONE]" | "error" | "cut" | "aborted" | "" (running)
};

struct StreamLog {
  std::mutex mu;
  std::vector<StreamEntry> entries;
  int next = 0;

  int begin(const std::string& provider, const std::string& path, const std::string& model) {
    std::lock_guard<std::mutex> lock(mu);
    StreamEntry e;
    e.n = ++next;
    e.provider = provider;
    e.path = path;
    e.model = model;
    e.started_ms = now_ms();
    entries.push_back(e);
    return e.n;
  }
  // Closes entry n once; later calls (e.g. the releaser after a cut) change nothing.
  void end(int n, const std::string& how, bool finished, bool aborted) {
    std::lock_guard<std::mutex> lock(mu);
    for (StreamEntry& e : entries) {
      if (e.n != n || e.ended_ms >= 0) continue;
      e.ended_ms = now_ms();
      e.end = how;
      e.finished = finished;
      e.aborted = aborted;
    }
  }
  json dump() {
    std::lock_guard<std::mutex> lock(mu);
    json out = json::array();
    for (const StreamEntry& e : entries) {
      out.push_back({{"n", e.n},
                     {"provider", e.provider},
                     {"path", e.path},
                     {"model", e.model},
                     {"started_ms", e.started_ms},
                     {"ended_ms", e.ended_ms >= 0 ? json(e.ended_ms) : json(nullptr)},
                     {"finished", e.finished},
                     {"aborted", e.aborted},
                     {"end", e.end}});
    }
    return out;
  }
};

inline StreamLog& stream_log() {
  static StreamLog log;
  return log;
}

// ---- Prompt caches -------------------------------------------------------------------------

struct PromptCaches {
  std::mutex mu;
  std::set<std::string> anthropic;  // model + '\x1f' + the serialized prefix up to a breakpoint
  std::vector<std::string> openai;  // model + '\x1f' + the whole serialized prompt, oldest first
};

inline PromptCaches& caches() {
  static PromptCaches c;
  return c;
}

inline void reset_all() {
  {
    StreamLog& log = stream_log();
    std::lock_guard<std::mutex> lock(log.mu);
    log.entries.clear();
    log.next = 0;
  }
  PromptCaches& c = caches();
  std::lock_guard<std::mutex> lock(c.mu);
  c.anthropic.clear();
  c.openai.clear();
}

// About four characters a token, as both providers' rules of thumb say.
inline int64_t tokens_of(size_t chars) { return std::max<int64_t>(1, (static_cast<int64_t>(chars) + 3) / 4); }

constexpr int64_t kMinCacheTokens = 1024;

// ---- UTF-8 helpers -------------------------------------------------------------------------

inline bool utf8_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The longest prefix of s of at most `bytes` bytes that does not end inside a code point.
inline std::string utf8_prefix(const std::string& s, size_t bytes) {
  if (bytes >= s.size()) return s;
  while (bytes > 0 && utf8_continuation(static_cast<unsigned char>(s[bytes]))) --bytes;
  return s.substr(0, bytes);
}

// Byte offsets where a code point starts (plus s.size()).
inline std::vector<size_t> utf8_starts(const std::string& s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size(); ++i)
    if (!utf8_continuation(static_cast<unsigned char>(s[i]))) out.push_back(i);
  out.push_back(s.size());
  return out;
}

// s cut into `pieces` parts of about equal length, never inside a code point (fewer parts when
// s has fewer code points).
inline std::vector<std::string> split_even(const std::string& s, size_t pieces) {
  const std::vector<size_t> starts = utf8_starts(s);
  const size_t points = starts.size() - 1;
  std::vector<std::string> out;
  if (points == 0) return out;
  pieces = std::max<size_t>(1, std::min(pieces, points));
  for (size_t k = 0; k < pieces; ++k) {
    const size_t a = starts[k * points / pieces], b = starts[(k + 1) * points / pieces];
    out.push_back(s.substr(a, b - a));
  }
  return out;
}

// Text deltas as a model streams them: a few words each, the space leading the next word; at
// least `min_pieces` of them when the text has that many code points.
inline std::vector<std::string> split_words(const std::string& text, size_t min_pieces = 1) {
  std::vector<std::string> out;
  std::string cur;
  int words = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if ((ch == ' ' || ch == '\n') && !cur.empty() && cur.back() != ' ' && cur.back() != '\n' &&
        ++words == 3) {
      out.push_back(cur);
      cur.clear();
      words = 0;
    }
    cur.push_back(ch);
  }
  if (!cur.empty()) out.push_back(cur);
  if (out.size() < min_pieces) return split_even(text, min_pieces);
  return out;
}

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ---- The fake model ------------------------------------------------------------------------

// What the model is asked, whatever the provider's wire shape.
struct Conversation {
  std::optional<json> data;        // the "glint.facts" document, when one was sent
  std::string question;            // the text of the last user message (data block removed)
  bool offers_tool = false;        // query_metrics is offered and tool_choice does not forbid it
  bool after_tool_result = false;  // the last turn is a tool result
  std::string tool_result;         // that result's text
  bool tool_error = false;         // it was marked as an error (Anthropic is_error)
};

struct Quirks {
  bool wrong_number = false;  // add a figure that is in no fact
  bool injection = false;     // obey instructions found in the data
};

struct Answer {
  bool tool_call = false;
  std::string tool_input;  // JSON text of the query_metrics input when tool_call
  std::string text;        // the answer; empty for a tool call
};

// The document inside "<data>\n…\n</data>" in a text, when it is a glint.facts document.
inline std::optional<json> data_in_text(const std::string& text, std::string* rest = nullptr) {
  const size_t a = text.find("<data>");
  if (a == std::string::npos) return std::nullopt;
  const size_t b = text.find("</data>", a);
  if (b == std::string::npos) return std::nullopt;
  json doc = json::parse(text.substr(a + 6, b - a - 6), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  if (rest) {
    size_t after = b + 7;
    if (after < text.size() && text[after] == '\n') ++after;
    *rest = text.substr(0, a) + text.substr(after);
  }
  return doc;
}

inline std::optional<json> data_in_document(const std::string& data) {
  json doc = json::parse(data, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

inline bool has_word(const std::string& hay, const std::string& word) {
  for (size_t at = hay.find(word); at != std::string::npos; at = hay.find(word, at + 1)) {
    const bool left = at == 0 || !std::isalnum(static_cast<unsigned char>(hay[at - 1]));
    const size_t end = at + word.size();
    const bool right = end >= hay.size() || !std::isalnum(static_cast<unsigned char>(hay[end]));
    if (left && right) return true;
  }
  return false;
}

// query_metrics input for a question (spec §3): metric words in the spec's order (the plural
// metrics also match their singular: "click"), the period from "week"/"month", the grouping from
// "platform"/"channel"/"campaign".
inline std::string tool_input_for(const std::string& question) {
  const std::string q = lower(question);
  static const char* kMetrics[] = {"cpc",    "ctr",         "cpm",         "cpa",     "roas", "spend",
                                   "clicks", "impressions", "conversions", "revenue", "cvr"};
  json metrics = json::array();
  for (const char* m : kMetrics) {
    std::string word = m;
    const bool plural = word == "clicks" || word == "impressions" || word == "conversions";
    if (has_word(q, word) || (plural && has_word(q, word.substr(0, word.size() - 1))))
      metrics.push_back(word);
  }
  if (metrics.empty()) metrics.push_back("spend");
  std::string period = "last_30_days";
  if (q.find("week") != std::string::npos) {
    period = "last_7_days";
  } else if (q.find("month") != std::string::npos) {
    period = "last_30_days";
  }
  std::string group = "none";
  if (q.find("platform") != std::string::npos || q.find("channel") != std::string::npos) {
    group = "platform";
  } else if (q.find("campaign") != std::string::npos) {
    group = "campaign";
  }
  ordered_json input = ordered_json::object();
  input["metrics"] = metrics;
  input["period"] = period;
  input["group_by"] = group;
  return input.dump();
}

inline std::string as_text(const ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

inline std::string as_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// "From <start> to <end>, <group words> <metric>: <formatted>. …" over at most 5 rows.
inline std::string text_from_tool_result(const std::string& result, bool is_error) {
  const ordered_json r = ordered_json::parse(result, nullptr, false);
  if (is_error || r.is_discarded() || !r.is_object() || r.contains("error")) {
    std::string why;
    if (!r.is_discarded() && r.is_object() && r.contains("error")) {
      const ordered_json& e = r["error"];
      why = e.is_object() && e.contains("message") ? as_text(e["message"]) : as_text(e);
    } else if (is_error) {
      why = result;
    }
    return "I could not get those numbers" + (why.empty() ? std::string(".") : ": " + why);
  }
  std::string prefix;
  if (r.contains("period") && r["period"].is_object() && r["period"].contains("start") &&
      r["period"].contains("end"))
    prefix = "From " + as_text(r["period"]["start"]) + " to " + as_text(r["period"]["end"]) + ", ";
  std::vector<std::string> sentences;
  if (r.contains("rows") && r["rows"].is_array()) {
    size_t used = 0;
    for (const ordered_json& row : r["rows"]) {
      if (used++ == 5) break;
      std::string words;
      if (row.contains("group") && row["group"].is_object()) {
        for (const auto& [k, v] : row["group"].items()) {
          if (k == "id") continue;
          const std::string w = as_text(v);
          if (w.empty()) continue;
          words += (words.empty() ? "" : " ") + w;
        }
      }
      if (!row.contains("metrics") || !row["metrics"].is_object()) continue;
      for (const auto& [name, m] : row["metrics"].items()) {
        if (!m.is_object() || !m.contains("formatted") || m["formatted"].is_null()) continue;
        sentences.push_back((words.empty() ? "" : words + " ") + name + ": " +
                            as_text(m["formatted"]) + ".");
      }
    }
  }
  if (sentences.empty()) return prefix + "there is no data for that question.";
  std::string out = prefix;
  for (size_t i = 0; i < sentences.size(); ++i) out += (i ? " " : "") + sentences[i];
  return out;
}

inline std::string heading_for(const json& doc) {
  std::string type;
  if (doc.contains("request") && doc["request"].is_object() && doc["request"].contains("type"))
    type = as_text(doc["request"]["type"]);
  if (type == "grow") return "Where you can grow:";
  if (type == "optimize") return "What to optimize:";
  if (type == "protect") return "What to protect:";
  if (type == "summary" || type == "snapshot") return "Summary of the period:";
  return "Here is what stands out:";
}

// A heading with no digits, then for each of the first 3 facts
// "<entity.name> — <metric> at <value>[, <change> <period>][; <impact> at stake]."
inline std::string text_from_facts(const json& doc) {
  std::string out = heading_for(doc);
  int used = 0;
  if (doc.contains("facts") && doc["facts"].is_array()) {
    for (const json& f : doc["facts"]) {
      if (!f.is_object() || used == 3) continue;
      ++used;
      std::string name;
      if (f.contains("entity") && f["entity"].is_object()) {
        const json& e = f["entity"];
        name = e.contains("name") ? as_text(e["name"]) : "";
        if (name.empty() && e.contains("id")) name = as_text(e["id"]);
      }
      if (name.empty()) name = "Overall";
      std::string line = name + " — " + (f.contains("metric") ? as_text(f["metric"]) : "") +
                         " at " + (f.contains("value") ? as_text(f["value"]) : "");
      if (f.contains("change") && !f["change"].is_null()) {
        line += ", " + as_text(f["change"]);
        if (f.contains("period") && !f["period"].is_null()) line += " " + as_text(f["period"]);
      }
      if (f.contains("impact") && !f["impact"].is_null()) line += "; " + as_text(f["impact"]) + " at stake";
      out += "\n" + line + ".";
    }
  }
  if (used == 0) out += "\nNothing stands out in this data.";
  return out;
}

// The first string in v containing "ignore previous instructions" (any case).
inline std::optional<std::string> find_injection(const json& v) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (lower(s).find("ignore previous instructions") != std::string::npos) return s;
    return std::nullopt;
  }
  if (v.is_array() || v.is_object()) {
    for (const json& item : v) {
      if (auto hit = find_injection(item)) return hit;
    }
  }
  return std::nullopt;
}

// What an injected instruction makes the model say: the text after "and say " to the end of
// the string, and a script tag.
inline std::string obey(const std::string& s) {
  const size_t at = lower(s).find("and say ");
  const std::string said = at == std::string::npos ? "" : s.substr(at + 8);
  return said + (said.empty() ? "" : " ") + "<script>alert(1)</script>";
}

inline Answer think(const Conversation& c, const Quirks& q) {
  Answer a;
  if (c.offers_tool && !c.after_tool_result) {
    a.tool_call = true;
    a.tool_input = tool_input_for(c.question);
    return a;
  }
  if (c.after_tool_result) {
    a.text = text_from_tool_result(c.tool_result, c.tool_error);
  } else if (c.data) {
    a.text = text_from_facts(*c.data);
  } else {
    a.text = "I have no data to describe.";
  }
  if (q.wrong_number) a.text += "\nOverall, revenue grew 317% this period.";
  if (q.injection) {
    std::optional<std::string> hit;
    if (c.data) hit = find_injection(*c.data);
    if (!hit && c.after_tool_result) {
      const json r = json::parse(c.tool_result, nullptr, false);
      if (!r.is_discarded()) hit = find_injection(r);
    }
    if (hit) a.text += "\n" + obey(*hit);
  }
  return a;
}

// ---- Writing a stream ----------------------------------------------------------------------

struct Event {
  std::string bytes;   // one whole SSE event (or comment), LF line endings, blank line included
  bool delta = false;  // a content delta: paced in the slow scenario
};

struct StreamPlan {
  std::vector<Event> events;
  std::string end;          // what the last event is: "message_stop", "[DONE]", "error", "cut"
  bool cut = false;         // drop the connection after the events (no terminating chunk)
  bool fragmented = false;  // CRLF line endings, written 3 bytes at a time
  int delta_pause_ms = 0;   // sleep before each delta
};

// Writes bytes through the sink; false when the client is gone.
inline bool write_bytes(httplib::DataSink& sink, const std::string& bytes, bool fragmented) {
  if (!fragmented) return sink.is_writable() && sink.write(bytes.data(), bytes.size());
  std::string crlf;
  for (char ch : bytes) {
    if (ch == '\n') crlf.push_back('\r');
    crlf.push_back(ch);
  }
  for (size_t at = 0; at < crlf.size(); at += 3) {
    if (!sink.is_writable() || !sink.write(crlf.data() + at, std::min<size_t>(3, crlf.size() - at)))
      return false;
  }
  return true;
}

// Serves the plan as a chunked text/event-stream body and logs it as stream `n`. The content
// type is exactly "text/event-stream": cpp-httplib never gzips that type, so every write
// reaches the socket at once.
inline void send_stream(httplib::Response& res, StreamPlan plan, int n) {
  auto shared = std::make_shared<StreamPlan>(std::move(plan));
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream",
      [shared, n](size_t, httplib::DataSink& sink) {
        for (const Event& ev : shared->events) {
          if (ev.delta && shared->delta_pause_ms > 0) {
            for (int slept = 0; slept < shared->delta_pause_ms; slept += 10) {
              std::this_thread::sleep_for(std::chrono::milliseconds(10));
              if (!sink.is_writable()) {
                stream_log().end(n, "aborted", false, true);
                return false;
              }
            }
          }
          if (!write_bytes(sink, ev.bytes, shared->fragmented)) {
            stream_log().end(n, "aborted", false, true);
            return false;
          }
        }
        if (shared->cut) {
          stream_log().end(n, "cut", false, false);
          return false;  // cpp-httplib closes the socket without the last chunk
        }
        sink.done();
        stream_log().end(n, shared->end, true, false);
        return true;
      },
      [n](bool success) {
        // The client left before the provider ran, or mid-write.
        if (!success) stream_log().end(n, "aborted", false, true);
      });
}

// Defined in anthropic.cc / openai.cc: their answers to GET /v1/models (one path, two APIs).
void anthropic_models(State& st, const httplib::Request& req, httplib::Response& res);
void openai_models(State& st, const httplib::Request& req, httplib::Response& res, bool compat);

}  // namespace fake::llm
