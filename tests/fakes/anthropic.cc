// Anthropic Messages API (platform-apis.md §9 and §11, and the corrections section's LLM
// bullet): POST /v1/messages as JSON or SSE, GET /v1/models, the error envelope with
// request-id, anthropic-ratelimit-* headers, prompt caching by cache_control breakpoints, and
// the scenarios of tests/fakes/README.md ("LLM providers"). The answer itself comes from
// llm_model.h, shared with the OpenAI fake.
#include <ctime>
#include <string>
#include <vector>

#include "fake.h"
#include "llm_model.h"

namespace fake {

namespace {

using llm::Answer;
using llm::Conversation;
using llm::Event;
using llm::StreamPlan;
using ojson = nlohmann::ordered_json;

const char* kKeyPrefix = "sk-ant-fake-";
constexpr int64_t kMaxOutputTokens = 64000;

std::string sc(const char* name) { return std::string("anthropic_") + name; }

std::string rfc3339(int64_t t) {
  const time_t secs = static_cast<time_t>(t);
  tm parts{};
  gmtime_r(&secs, &parts);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buf;
}

void rate_headers(State& st, httplib::Response& res, bool exhausted) {
  const std::string reset = rfc3339(st.now() + 1);
  struct Limit {
    const char* name;
    int64_t limit;
  };
  for (const Limit& l : {Limit{"requests", 4000}, Limit{"tokens", 2000000},
                         Limit{"input-tokens", 2000000}, Limit{"output-tokens", 400000}}) {
    const std::string base = std::string("anthropic-ratelimit-") + l.name;
    // Token "remaining" is rounded to the nearest thousand, as Anthropic does.
    const int64_t remaining = exhausted ? 0 : (std::string(l.name) == "requests" ? l.limit - 1 : l.limit - 1000);
    res.set_header(base + "-limit", std::to_string(l.limit));
    res.set_header(base + "-remaining", std::to_string(remaining));
    res.set_header(base + "-reset", reset);
  }
}

void error(httplib::Response& res, const std::string& request_id, int status, const char* type,
           const std::string& message, const json& details = nullptr) {
  ojson err = {{"type", type}, {"message", message}};
  if (!details.is_null()) err["details"] = details;
  const ojson body = {{"type", "error"}, {"error", err}, {"request_id", request_id}};
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

// 401 / 400 for the headers every Anthropic endpoint wants; "" when they are fine.
bool headers_ok(const httplib::Request& req, httplib::Response& res, const std::string& rid) {
  const std::string key = req.get_header_value("x-api-key");
  if (key.empty()) {
    error(res, rid, 401, "authentication_error", "x-api-key header is required");
    return false;
  }
  if (key.rfind(kKeyPrefix, 0) != 0) {
    error(res, rid, 401, "authentication_error", "invalid x-api-key");
    return false;
  }
  const std::string version = req.get_header_value("anthropic-version");
  if (version.empty()) {
    error(res, rid, 400, "invalid_request_error", "anthropic-version: header is required");
    return false;
  }
  if (version != "2023-06-01") {
    error(res, rid, 400, "invalid_request_error",
          "anthropic-version: invalid version '" + version + "'. Supported: 2023-06-01");
    return false;
  }
  return true;
}

json without_cache_control(json block) {
  if (block.is_object()) block.erase("cache_control");
  return block;
}

bool has_cache_control(const json& block) {
  return block.is_object() && block.contains("cache_control") && !block["cache_control"].is_null();
}

// Request validation as the Messages API does it; the message of the 400, or "".
std::string validate(const json& body) {
  static const std::set<std::string> kFields = {
      "model",    "messages",       "max_tokens", "system",      "stream",   "temperature",
      "top_p",    "top_k",          "stop_sequences", "metadata", "tools",    "tool_choice",
      "thinking", "service_tier",   "container",  "mcp_servers", "context_management"};
  for (const auto& [k, v] : body.items()) {
    if (kFields.count(k) == 0) return k + ": Extra inputs are not permitted";
  }
  if (!body.contains("model")) return "model: Field required";
  if (!body["model"].is_string()) return "model: Input should be a valid string";
  if (!body.contains("max_tokens")) return "max_tokens: Field required";
  if (!body["max_tokens"].is_number_integer()) return "max_tokens: Input should be a valid integer";
  const int64_t max_tokens = body["max_tokens"].get<int64_t>();
  if (max_tokens < 1) return "max_tokens: Input should be greater than or equal to 1";
  if (max_tokens > kMaxOutputTokens)
    return "max_tokens: " + std::to_string(max_tokens) + " > " + std::to_string(kMaxOutputTokens) +
           ", which is the maximum allowed number of output tokens for " +
           body["model"].get<std::string>();
  if (!body.contains("messages")) return "messages: Field required";
  if (!body["messages"].is_array()) return "messages: Input should be a valid list";
  if (body.contains("stream") && !body["stream"].is_boolean())
    return "stream: Input should be a valid boolean";
  if (body.contains("temperature") &&
      (!body["temperature"].is_number() || body["temperature"].get<double>() < 0 ||
       body["temperature"].get<double>() > 1))
    return "temperature: range: 0..1";
  int cache_points = 0;
  if (body.contains("system")) {
    const json& sys = body["system"];
    if (sys.is_array()) {
      for (size_t i = 0; i < sys.size(); ++i) {
        if (!sys[i].is_object() || sys[i].value("type", "") != "text" || !sys[i].contains("text") ||
            !sys[i]["text"].is_string())
          return "system." + std::to_string(i) + ": Input should be a valid dictionary or object to extract fields from";
        if (sys[i]["text"].get<std::string>().empty())
          return "system: text content blocks must be non-empty";
        cache_points += has_cache_control(sys[i]);
      }
    } else if (!sys.is_string()) {
      return "system: Input should be a valid string";
    }
  }
  std::set<std::string> tool_names;
  if (body.contains("tools")) {
    if (!body["tools"].is_array()) return "tools: Input should be a valid list";
    for (size_t i = 0; i < body["tools"].size(); ++i) {
      const json& t = body["tools"][i];
      const std::string at = "tools." + std::to_string(i);
      if (!t.is_object() || !t.contains("name") || !t["name"].is_string())
        return at + ".name: Field required";
      const std::string name = t["name"].get<std::string>();
      if (name.empty() || name.size() > 64 ||
          name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
              std::string::npos)
        return at + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'";
      if (!t.contains("input_schema")) return at + ".custom.input_schema: Field required";
      if (!t["input_schema"].is_object() || t["input_schema"].value("type", "") != "object")
        return at + ".custom.input_schema.type: Input should be 'object'";
      if (!tool_names.insert(name).second) return "tools: Tool names must be unique.";
      cache_points += has_cache_control(t);
    }
  }
  if (body.contains("tool_choice")) {
    const json& tc = body["tool_choice"];
    const std::string type = tc.is_object() ? tc.value("type", "") : "";
    if (type != "auto" && type != "any" && type != "tool" && type != "none")
      return "tool_choice: Input tag '" + type +
             "' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
    if (type == "tool" && (!tc.contains("name") || !tc["name"].is_string() ||
                           tool_names.count(tc["name"].get<std::string>()) == 0))
      return "tool_choice.tool.name: the tool is not in tools";
  }
  const json& msgs = body["messages"];
  if (msgs.empty()) return "messages: at least one message is required";
  std::vector<std::string> pending_tool_use;  // ids of the previous assistant message's tool_use
  for (size_t i = 0; i < msgs.size(); ++i) {
    const json& m = msgs[i];
    const std::string at = "messages." + std::to_string(i);
    if (!m.is_object()) return at + ": Input should be a valid dictionary";
    if (!m.contains("role")) return at + ".role: Field required";
    const std::string role = m["role"].is_string() ? m["role"].get<std::string>() : "";
    if (role == "system")
      return "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` "
             "parameter, not \"system\" as an input message role.";
    if (role != "user" && role != "assistant") return at + ".role: Input should be 'user' or 'assistant'";
    if (i == 0 && role != "user") return "messages: first message must use the \"user\" role";
    if (i > 0 && msgs[i - 1].value("role", "") == role)
      return "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"" +
             role + "\" roles in a row";
    if (!m.contains("content")) return at + ".content: Field required";
    const json& content = m["content"];
    const bool final_assistant = role == "assistant" && i + 1 == msgs.size();
    std::vector<std::string> tool_uses, tool_results;
    if (content.is_string()) {
      if (content.get<std::string>().empty() && !final_assistant)
        return at + ": all messages must have non-empty content except for the optional final assistant message";
    } else if (content.is_array()) {
      if (content.empty() && !final_assistant)
        return at + ": all messages must have non-empty content except for the optional final assistant message";
      bool seen_other = false;
      for (size_t j = 0; j < content.size(); ++j) {
        const json& b = content[j];
        const std::string bat = at + ".content." + std::to_string(j);
        const std::string type = b.is_object() ? b.value("type", "") : "";
        cache_points += has_cache_control(b);
        if (type == "text") {
          if (!b.contains("text") || !b["text"].is_string()) return bat + ".text.text: Field required";
          if (b["text"].get<std::string>().empty()) return "messages: text content blocks must be non-empty";
          seen_other = true;
        } else if (type == "document") {
          if (role != "user") return bat + ": document blocks are only allowed in user messages";
          const json src = b.value("source", json());
          const std::string st = src.is_object() ? src.value("type", "") : "";
          if (st == "text") {
            if (src.value("media_type", "") != "text/plain")
              return bat + ".document.source.text.media_type: Input should be 'text/plain'";
            if (!src.contains("data") || !src["data"].is_string())
              return bat + ".document.source.text.data: Field required";
          } else if (st != "base64" && st != "content" && st != "url" && st != "file") {
            return bat + ".document.source: Input tag '" + st +
                   "' found using 'type' does not match any of the expected tags: 'base64', 'content', 'text', 'url', 'file'";
          }
          seen_other = true;
        } else if (type == "image") {
          seen_other = true;
        } else if (type == "tool_use") {
          if (role != "assistant") return bat + ": tool_use blocks are only allowed in assistant messages";
          if (!b.contains("id") || !b["id"].is_string()) return bat + ".tool_use.id: Field required";
          if (!b.contains("name") || !b["name"].is_string()) return bat + ".tool_use.name: Field required";
          if (!b.contains("input") || !b["input"].is_object())
            return bat + ".tool_use.input: Input should be a valid dictionary";
          tool_uses.push_back(b["id"].get<std::string>());
        } else if (type == "tool_result") {
          if (role != "user") return bat + ": tool_result blocks are only allowed in user messages";
          if (!b.contains("tool_use_id") || !b["tool_use_id"].is_string())
            return bat + ".tool_result.tool_use_id: Field required";
          if (seen_other)
            return at + ": tool_result blocks must come first in the content array, before any other content";
          tool_results.push_back(b["tool_use_id"].get<std::string>());
        } else if (type == "thinking" || type == "redacted_thinking") {
          if (role != "assistant") return bat + ": thinking blocks are only allowed in assistant messages";
        } else {
          return bat + ": Input tag '" + type +
                 "' found using 'type' does not match any of the expected tags: 'text', 'image', "
                 "'document', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'";
        }
      }
    } else {
      return at + ".content: Input should be a valid string or list";
    }
    // tool_result ids must answer the previous message's tool_use ids, all of them.
    for (size_t j = 0; j < tool_results.size(); ++j) {
      if (std::find(pending_tool_use.begin(), pending_tool_use.end(), tool_results[j]) ==
          pending_tool_use.end())
        return at + ".content." + std::to_string(j) +
               ": unexpected `tool_use_id` found in `tool_result` blocks: " + tool_results[j] +
               ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
    }
    std::string missing;
    for (const std::string& id : pending_tool_use) {
      if (std::find(tool_results.begin(), tool_results.end(), id) == tool_results.end())
        missing += (missing.empty() ? "" : ", ") + id;
    }
    if (!missing.empty())
      return "messages." + std::to_string(i - 1) +
             ": `tool_use` ids were found without `tool_result` blocks immediately after: " + missing +
             ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.";
    pending_tool_use = tool_uses;
  }
  if (!pending_tool_use.empty()) {
    std::string ids;
    for (const std::string& id : pending_tool_use) ids += (ids.empty() ? "" : ", ") + id;
    return "messages." + std::to_string(msgs.size() - 1) +
           ": `tool_use` ids were found without `tool_result` blocks immediately after: " + ids +
           ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.";
  }
  if (cache_points > 4)
    return "A maximum of 4 blocks with cache_control may be provided. Found " +
           std::to_string(cache_points) + ".";
  return "";
}

std::string block_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (!content.is_array()) return out;
  for (const json& b : content) {
    if (b.value("type", "") == "text") out += (out.empty() ? "" : "\n") + b.value("text", "");
  }
  return out;
}

Conversation read_conversation(const json& body) {
  Conversation c;
  bool tool_offered = false;
  for (const json& t : body.value("tools", json::array())) tool_offered |= t.value("name", "") == "query_metrics";
  const json tc = body.value("tool_choice", json::object());
  c.offers_tool = tool_offered && tc.value("type", "auto") != "none";
  const json& msgs = body["messages"];
  for (const json& m : msgs) {
    if (m.value("role", "") != "user") continue;
    const json& content = m["content"];
    if (content.is_string()) {
      std::string rest;
      if (!c.data) c.data = llm::data_in_text(content.get<std::string>(), &rest);
      continue;
    }
    for (const json& b : content) {
      if (c.data) break;
      if (b.value("type", "") == "document" && b["source"].value("type", "") == "text") {
        c.data = llm::data_in_document(b["source"]["data"].get<std::string>());
      } else if (b.value("type", "") == "text") {
        c.data = llm::data_in_text(b["text"].get<std::string>());
      }
    }
  }
  // The last user message: a tool result turn, or the question.
  for (size_t i = msgs.size(); i-- > 0;) {
    const json& m = msgs[i];
    if (m.value("role", "") != "user") continue;
    const json& content = m["content"];
    if (content.is_array() && !content.empty() && content[0].value("type", "") == "tool_result") {
      c.after_tool_result = true;
      const json& r = content[0];
      c.tool_result = r.contains("content") ? block_text(r["content"]) : "";
      c.tool_error = r.value("is_error", false);
    } else {
      std::string question;
      if (content.is_string()) {
        question = content.get<std::string>();
        llm::data_in_text(question, &question);
      } else {
        for (const json& b : content) {
          if (b.value("type", "") != "text") continue;
          std::string t = b["text"].get<std::string>();
          llm::data_in_text(t, &t);
          question += (question.empty() ? "" : "\n") + t;
        }
      }
      c.question = question;
    }
    break;
  }
  return c;
}

struct Usage {
  int64_t input = 0, cache_creation = 0, cache_read = 0;
};

// The prompt in the order Anthropic caches it (tools → system → messages), each block a
// segment; a block with cache_control ends a cacheable prefix.
Usage prompt_usage(const json& body) {
  std::string all;
  std::vector<size_t> breakpoints;
  auto add = [&](const std::string& text, bool mark) {
    all += text;
    all.push_back('\x1e');
    if (mark) breakpoints.push_back(all.size());
  };
  for (const json& t : body.value("tools", json::array())) add(without_cache_control(t).dump(), has_cache_control(t));
  if (body.contains("system")) {
    if (body["system"].is_string()) {
      add(body["system"].get<std::string>(), false);
    } else {
      for (const json& b : body["system"]) add(b.value("text", ""), has_cache_control(b));
    }
  }
  for (const json& m : body["messages"]) {
    const std::string role = m.value("role", "") + ":";
    if (m["content"].is_string()) {
      add(role + m["content"].get<std::string>(), false);
      continue;
    }
    for (const json& b : m["content"]) add(role + without_cache_control(b).dump(), has_cache_control(b));
  }
  Usage u;
  const int64_t total = llm::tokens_of(all.size());
  const std::string model = body["model"].get<std::string>() + '\x1f';
  llm::PromptCaches& caches = llm::caches();
  std::lock_guard<std::mutex> lock(caches.mu);
  for (size_t k = breakpoints.size(); k-- > 0;) {
    const int64_t tokens = llm::tokens_of(breakpoints[k]);
    if (tokens >= llm::kMinCacheTokens && caches.anthropic.count(model + all.substr(0, breakpoints[k]))) {
      u.cache_read = tokens;
      break;
    }
  }
  if (!breakpoints.empty()) {
    const int64_t last = llm::tokens_of(breakpoints.back());
    if (last >= llm::kMinCacheTokens && last > u.cache_read) u.cache_creation = last - u.cache_read;
    for (size_t b : breakpoints) {
      if (llm::tokens_of(b) >= llm::kMinCacheTokens) caches.anthropic.insert(model + all.substr(0, b));
    }
  }
  u.input = std::max<int64_t>(1, total - u.cache_read - u.cache_creation);
  return u;
}

ojson usage_json(const Usage& u, int64_t output, bool with_tier) {
  ojson out = {{"input_tokens", u.input},
              {"cache_creation_input_tokens", u.cache_creation},
              {"cache_read_input_tokens", u.cache_read},
              {"output_tokens", output}};
  if (with_tier) {
    out["cache_creation"] = {{"ephemeral_5m_input_tokens", u.cache_creation}, {"ephemeral_1h_input_tokens", 0}};
    out["service_tier"] = "standard";
  }
  return out;
}

std::string sse(const ojson& data) {
  return "event: " + data["type"].get<std::string>() + "\ndata: " + data.dump() + "\n\n";
}

// The answer as Anthropic would give it: the text (cut to the token budget), or a short text
// block then the tool_use block.
struct Reply {
  std::string text;        // block 0
  bool tool = false;       // block 1 is a tool_use
  std::string tool_id, tool_input;
  std::string stop_reason = "end_turn";
  int64_t output_tokens = 0;
};

Reply reply_for(State& st, const json& body) {
  const Conversation conv = read_conversation(body);
  llm::Quirks q;
  q.injection = st.on(sc("injection"));
  if (!conv.offers_tool || conv.after_tool_result)  // a text answer: the once-scenario is spent
    q.wrong_number = st.on(sc("wrong_number")) || st.first(sc("wrong_number_once"));
  const Answer a = llm::think(conv, q);
  Reply r;
  const int64_t budget = body["max_tokens"].get<int64_t>();
  if (a.tool_call) {
    r.text = "I’ll look that up.";
    r.tool = true;
    r.tool_id = opaque(st, "toolu_01");
    r.tool_input = a.tool_input;
    r.stop_reason = "tool_use";
    r.output_tokens = llm::tokens_of(r.text.size()) + llm::tokens_of(r.tool_input.size()) + 20;
    return r;
  }
  r.text = a.text;
  if (st.on(sc("max_tokens"))) {
    r.text = llm::utf8_prefix(r.text, r.text.size() / 2);
    r.stop_reason = "max_tokens";
  } else if (llm::tokens_of(r.text.size()) > budget) {
    r.text = llm::utf8_prefix(r.text, static_cast<size_t>(budget) * 4);
    r.stop_reason = "max_tokens";
  }
  r.output_tokens = llm::tokens_of(r.text.size());
  return r;
}

ojson message_json(const std::string& id, const std::string& model, const Reply& r, const Usage& u) {
  ojson content = ojson::array();
  if (!r.text.empty()) content.push_back({{"type", "text"}, {"text", r.text}});
  if (r.tool)
    content.push_back({{"type", "tool_use"},
                       {"id", r.tool_id},
                       {"name", "query_metrics"},
                       {"input", ojson::parse(r.tool_input)}});
  return {{"id", id},
          {"type", "message"},
          {"role", "assistant"},
          {"model", model},
          {"content", content},
          {"stop_reason", r.stop_reason},
          {"stop_sequence", nullptr},
          {"usage", usage_json(u, r.output_tokens, true)}};
}

StreamPlan stream_plan(State& st, const std::string& id, const std::string& model, const Reply& r,
                       const Usage& u) {
  StreamPlan plan;
  const bool slow = st.on(sc("slow"));
  const size_t min_pieces = slow ? 24 : 1;
  plan.delta_pause_ms = slow ? 250 : 0;
  plan.fragmented = st.on(sc("fragmented"));
  std::vector<Event>& ev = plan.events;
  ojson start_usage = usage_json(u, 1, true);
  ev.push_back({sse({{"type", "message_start"},
                     {"message",
                      {{"id", id},
                       {"type", "message"},
                       {"role", "assistant"},
                       {"model", model},
                       {"content", ojson::array()},
                       {"stop_reason", nullptr},
                       {"stop_sequence", nullptr},
                       {"usage", start_usage}}}}),
                false});
  int index = 0;
  if (!r.text.empty()) {
    ev.push_back({sse({{"type", "content_block_start"},
                       {"index", index},
                       {"content_block", {{"type", "text"}, {"text", ""}}}}),
                  false});
    ev.push_back({sse({{"type", "ping"}}), false});
    // With a tool call the short preface is streamed in pieces too; the slow scenario paces
    // the tool input instead (its 24 pieces).
    for (const std::string& piece : llm::split_words(r.text, r.tool ? 1 : min_pieces)) {
      ev.push_back({sse({{"type", "content_block_delta"},
                         {"index", index},
                         {"delta", {{"type", "text_delta"}, {"text", piece}}}}),
                    true});
    }
    ev.push_back({sse({{"type", "content_block_stop"}, {"index", index}}), false});
    ++index;
  }
  if (r.tool) {
    ev.push_back({sse({{"type", "content_block_start"},
                       {"index", index},
                       {"content_block",
                        {{"type", "tool_use"}, {"id", r.tool_id}, {"name", "query_metrics"}, {"input", ojson::object()}}}}),
                  false});
    std::vector<std::string> pieces = llm::split_even(r.tool_input, slow ? 24 : 5);
    pieces.insert(pieces.begin(), "");  // Anthropic opens with an empty partial_json
    for (const std::string& piece : pieces) {
      ev.push_back({sse({{"type", "content_block_delta"},
                         {"index", index},
                         {"delta", {{"type", "input_json_delta"}, {"partial_json", piece}}}}),
                    true});
    }
    ev.push_back({sse({{"type", "content_block_stop"}, {"index", index}}), false});
  }
  ev.push_back({sse({{"type", "message_delta"},
                     {"delta", {{"stop_reason", r.stop_reason}, {"stop_sequence", nullptr}}},
                     {"usage", usage_json(u, r.output_tokens, false)}}),
                false});
  ev.push_back({sse({{"type", "message_stop"}}), false});
  plan.end = "message_stop";

  const bool midstream = st.on(sc("overloaded_midstream")), cut = st.on(sc("cut"));
  if (midstream || cut) {
    // Keep the events up to about half of the deltas (at least one), then fail.
    size_t deltas = 0, kept = 0;
    for (const Event& e : ev) deltas += e.delta;
    const size_t keep = std::max<size_t>(1, deltas / 2);
    size_t seen = 0;
    for (; kept < ev.size(); ++kept) {
      if (ev[kept].delta && ++seen > keep) break;
    }
    ev.resize(kept);
    if (midstream) {
      ev.push_back({sse({{"type", "error"}, {"error", {{"type", "overloaded_error"}, {"message", "Overloaded"}}}}),
                    false});
      plan.end = "error";
    } else {
      plan.cut = true;
      plan.end = "cut";
    }
  }
  if (st.on(sc("ping"))) {
    std::vector<Event> with;
    for (size_t i = 0; i < ev.size(); ++i) {
      if (i > 0) with.push_back({sse({{"type", "ping"}}), false});
      with.push_back(ev[i]);
    }
    ev = with;
  }
  return plan;
}

void messages(State& st, const httplib::Request& req, httplib::Response& res) {
  record(st, req);
  const std::string rid = opaque(st, "req_011C");
  res.set_header("request-id", rid);
  if (!headers_ok(req, res, rid)) return;
  const json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    error(res, rid, 400, "invalid_request_error",
          body.is_discarded() ? "Error parsing JSON body" : "Input should be a valid dictionary");
    return;
  }
  if (const std::string why = validate(body); !why.empty()) {
    error(res, rid, 400, "invalid_request_error", why);
    return;
  }
  const std::string model = body["model"].get<std::string>();
  if (model.rfind("claude-", 0) != 0) {
    error(res, rid, 404, "not_found_error", "model: " + model);
    return;
  }
  if (st.on(sc("spend_limit"))) {
    res.set_header("x-should-retry", "false");
    error(res, rid, 429, "rate_limit_error",
          "You have reached your specified API usage limits. You will regain access on " +
              rfc3339(st.now() + 30 * 86400).substr(0, 10) + " at 00:00 UTC.",
          {{"error_code", "enforced_spend_limit_reached"}});
    return;
  }
  if (st.on(sc("429")) || st.first(sc("429_once"))) {
    rate_headers(st, res, true);
    res.set_header("retry-after", "1");
    error(res, rid, 429, "rate_limit_error",
          "This request would exceed the rate limit for your organization of 4,000 requests per "
          "minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see "
          "the response headers for current usage.");
    return;
  }
  if (st.on(sc("529")) || st.first(sc("529_once"))) {
    res.set_header("retry-after", "1");
    error(res, rid, 529, "overloaded_error", "Overloaded");
    return;
  }
  rate_headers(st, res, false);
  const Usage usage = prompt_usage(body);
  const Reply reply = reply_for(st, body);
  const std::string id = opaque(st, "msg_01");
  if (!body.value("stream", false)) {
    res.set_content(message_json(id, model, reply, usage).dump(), "application/json");
    return;
  }
  const int n = llm::stream_log().begin("anthropic", req.path, model);
  llm::send_stream(res, stream_plan(st, id, model, reply, usage), n);
}

}  // namespace

namespace llm {

void anthropic_models(State& st, const httplib::Request& req, httplib::Response& res) {
  const std::string rid = opaque(st, "req_011C");
  res.set_header("request-id", rid);
  if (!headers_ok(req, res, rid)) return;
  struct Model {
    const char *id, *name, *created;
  };
  static const Model kModels[] = {
      {"claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-02-17T00:00:00Z"},
      {"claude-opus-4-6", "Claude Opus 4.6", "2026-02-04T00:00:00Z"},
      {"claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15T00:00:00Z"},
      {"claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29T00:00:00Z"},
      {"claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05T00:00:00Z"}};
  const int64_t limit = req.has_param("limit") ? std::atoll(req.get_param_value("limit").c_str()) : 20;
  if (limit < 1 || limit > 1000) {
    error(res, rid, 400, "invalid_request_error", "limit: Input should be less than or equal to 1000");
    return;
  }
  const std::string after = req.get_param_value("after_id"), before = req.get_param_value("before_id");
  std::vector<const Model*> list;
  bool passed = after.empty();
  for (const Model& m : kModels) {
    if (!before.empty() && before == m.id) break;
    if (passed) list.push_back(&m);
    if (!passed && after == m.id) passed = true;
  }
  const bool more = static_cast<int64_t>(list.size()) > limit;
  if (more) list.resize(static_cast<size_t>(limit));
  ojson data = ojson::array();
  for (const Model* m : list)
    data.push_back({{"type", "model"}, {"id", m->id}, {"display_name", m->name}, {"created_at", m->created}});
  const ojson out = {{"data", data},
                     {"has_more", more},
                     {"first_id", list.empty() ? ojson(nullptr) : ojson(list.front()->id)},
                     {"last_id", list.empty() ? ojson(nullptr) : ojson(list.back()->id)}};
  res.set_content(out.dump(), "application/json");
}

}  // namespace llm

void serve_anthropic(httplib::Server& s, State& st) {
  s.Post("/v1/messages", [&st](const httplib::Request& req, httplib::Response& res) {
    try {
      messages(st, req, res);
    } catch (const std::exception& e) {  // a field of an unexpected type deep in the body
      error(res, res.get_header_value("request-id"), 400, "invalid_request_error", e.what());
    }
  });

  // One path, two APIs: an Anthropic client sends x-api-key or anthropic-version, an OpenAI one
  // a Bearer token.
  s.Get("/v1/models", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (req.has_header("x-api-key") || req.has_header("anthropic-version")) {
      llm::anthropic_models(st, req, res);
    } else {
      llm::openai_models(st, req, res, false);
    }
  });

  // The streams both LLM fakes served (never logged as requests).
  s.Get("/_fake/llm/streams", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, llm::stream_log().dump());
  });
  st.reset_hooks.push_back([] { llm::reset_all(); });
}

}  // namespace fake
