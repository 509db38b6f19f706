// The Anthropic Messages client (platform-apis.md §9): the request body with
// its cache breakpoints, and the stream's events turned into a Result as
// they arrive.
#include <map>
#include <nlohmann/json.hpp>

#include "http/http_client.h"
#include "llm/stream.h"

namespace glint::connectors::llm::detail {

namespace {

using json = nlohmann::json;

json ephemeral() { return {{"type", "ephemeral"}}; }

json parsed_or(const std::string& text, json fallback) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

int64_t int_of(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : -1;
}

std::string str_of(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// Usage fields present in `u` replace the ones we have (message_delta's are cumulative).
void take_usage(Usage& usage, const json& u) {
  if (!u.is_object()) return;
  if (const int64_t v = int_of(u, "input_tokens"); v >= 0) usage.input_tokens = v;
  if (const int64_t v = int_of(u, "output_tokens"); v >= 0) usage.output_tokens = v;
  if (const int64_t v = int_of(u, "cache_read_input_tokens"); v >= 0) usage.cache_read_tokens = v;
  if (const int64_t v = int_of(u, "cache_creation_input_tokens"); v >= 0) usage.cache_creation_tokens = v;
}

struct Block {
  std::string type, id, name, partial_json;
  std::string start_input;  // content_block.input when a server sends it whole (no deltas)
};

class Stream {
 public:
  Stream(Result& out, const Callbacks& cb) : out_(out), cb_(cb) {}
  StreamState state;

  bool on_event(const SseParser::Event& e) {
    const json d = json::parse(e.data, nullptr, false);
    if (d.is_discarded() || !d.is_object()) {
      if (e.type == "ping") return true;
      state.malformed = "an event that is not JSON (" + e.type + ")";
      return false;
    }
    std::string type = str_of(d, "type");
    if (type.empty()) type = e.type;
    if (type == "message_start") {
      const json& m = d.contains("message") ? d["message"] : json::object();
      if (m.is_object()) {
        out_.model = str_of(m, "model");
        if (m.contains("usage")) take_usage(out_.usage, m["usage"]);
      }
    } else if (type == "content_block_start") {
      const int64_t index = int_of(d, "index");
      const json& cb = d.contains("content_block") ? d["content_block"] : json::object();
      Block& b = blocks_[index];
      b.type = str_of(cb, "type");
      b.id = str_of(cb, "id");
      b.name = str_of(cb, "name");
      if (auto in = cb.find("input"); in != cb.end() && in->is_object() && !in->empty()) b.start_input = in->dump();
      if (b.type == "text") return text(str_of(cb, "text"));
    } else if (type == "content_block_delta") {
      const json& delta = d.contains("delta") ? d["delta"] : json::object();
      const std::string kind = str_of(delta, "type");
      if (kind == "text_delta") return text(str_of(delta, "text"));
      if (kind == "input_json_delta") blocks_[int_of(d, "index")].partial_json += str_of(delta, "partial_json");
      // thinking_delta, signature_delta, citations_delta: not part of the answer text.
    } else if (type == "content_block_stop") {
      auto it = blocks_.find(int_of(d, "index"));
      if (it != blocks_.end() && it->second.type == "tool_use") {
        Block& b = it->second;
        if (b.partial_json.empty()) b.partial_json = b.start_input.empty() ? "{}" : b.start_input;
        if (json::parse(b.partial_json, nullptr, false).is_discarded()) {
          state.malformed = "tool input that is not JSON";
          return false;
        }
        out_.tool_calls.push_back({b.id, b.name, b.partial_json});
      }
      if (it != blocks_.end()) blocks_.erase(it);
    } else if (type == "message_delta") {
      if (d.contains("delta") && d["delta"].is_object()) {
        if (const std::string s = str_of(d["delta"], "stop_reason"); !s.empty()) out_.stop_reason = s;
      }
      if (d.contains("usage")) take_usage(out_.usage, d["usage"]);
    } else if (type == "message_stop") {
      state.saw_end = true;
    } else if (type == "error") {
      const json& err = d.contains("error") ? d["error"] : json::object();
      state.stream_error = true;
      state.error_type = err.is_object() ? str_of(err, "type") : "";
      state.error_message = err.is_object() ? str_of(err, "message") : "";
      return false;
    }
    // ping and event types added later: ignored.
    return true;
  }

 private:
  bool text(const std::string& t) {
    if (t.empty()) return true;
    out_.text += t;
    if (cb_.on_text && !cb_.on_text(t)) {
      state.aborted = true;
      return false;
    }
    return true;
  }

  Result& out_;
  const Callbacks& cb_;
  std::map<int64_t, Block> blocks_;
};

}  // namespace

std::string anthropic_body(const Provider& p, const Request& r) {
  json messages = json::array();
  // Consecutive turns of one role become one message (the API wants them
  // alternating): a tool call joins the assistant's text, tool results
  // share one user message.
  auto add = [&](const char* role, json block) {
    if (!messages.empty() && messages.back()["role"] == role) {
      messages.back()["content"].push_back(std::move(block));
    } else {
      messages.push_back({{"role", role}, {"content", json::array({std::move(block)})}});
    }
  };
  json document;
  if (!r.document.empty()) {
    document = {{"type", "document"},
                {"source", {{"type", "text"}, {"media_type", "text/plain"}, {"data", r.document}}},
                {"title", "glint facts"},
                {"cache_control", ephemeral()}};
  }
  bool placed = document.is_null();
  for (const Turn& t : r.turns) {
    switch (t.role) {
      case Turn::Role::kUser:
        if (!placed) {
          add("user", document);
          placed = true;
        }
        if (!t.text.empty()) add("user", {{"type", "text"}, {"text", t.text}});
        break;
      case Turn::Role::kAssistant:
        if (!t.text.empty()) add("assistant", {{"type", "text"}, {"text", t.text}});
        break;
      case Turn::Role::kToolCall:
        add("assistant", {{"type", "tool_use"},
                          {"id", t.tool_call_id},
                          {"name", t.tool_name},
                          {"input", parsed_or(t.tool_input, json::object())}});
        break;
      case Turn::Role::kToolResult:
        add("user", {{"type", "tool_result"}, {"tool_use_id", t.tool_call_id}, {"content", t.text}});
        break;
    }
  }
  if (!placed) messages.insert(messages.begin(), json{{"role", "user"}, {"content", json::array({document})}});

  json body = {{"model", p.model}, {"max_tokens", r.max_tokens}};
  if (!r.system.empty())
    body["system"] = json::array({{{"type", "text"}, {"text", r.system}, {"cache_control", ephemeral()}}});
  body["messages"] = std::move(messages);
  if (!r.tools.empty()) {
    json tools = json::array();
    for (const Tool& t : r.tools)
      tools.push_back({{"name", t.name},
                       {"description", t.description},
                       {"input_schema", parsed_or(t.input_schema, json{{"type", "object"}})}});
    tools.back()["cache_control"] = ephemeral();
    body["tools"] = std::move(tools);
  }
  body["stream"] = true;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result anthropic_chat(const Provider& p, const Request& r, const Callbacks& cb) {
  std::string base = p.base_url.empty() ? upstream_url("https://api.anthropic.com") : p.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  Exchange x;
  x.url = base + "/v1/messages";
  x.headers = {{"x-api-key", p.api_key},
               {"anthropic-version", "2023-06-01"},
               {"content-type", "application/json"},
               {"accept", "text/event-stream"}};
  x.body = anthropic_body(p, r);
  x.connect_timeout_ms = r.connect_timeout_ms;
  x.total_timeout_ms = r.total_timeout_ms;
  x.idle_timeout_ms = r.idle_timeout_ms;
  Result out;
  Stream stream(out, cb);
  const Reply reply = stream_post(x, cb, [&](const SseParser::Event& e) { return stream.on_event(e); });
  out.request_id = reply.header("request-id");
  finish(out, reply, stream.state, p.api_key, {"max_tokens"}, "message_stop");
  return out;
}

}  // namespace glint::connectors::llm::detail
