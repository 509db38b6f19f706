// The OpenAI Chat Completions client (platform-apis.md §10), also for
// OpenAI-compatible servers (Ollama, llama.cpp, vLLM, LM Studio): the same
// wire, with the token-limit name and the instructions role chosen per
// provider, and tolerance for their quirks (usage chunks with choices null
// or missing, delta.content null, no usage chunk, extra fields).
#include <map>
#include <nlohmann/json.hpp>

#include "http/http_client.h"
#include "llm/stream.h"

namespace glint::connectors::llm::detail {

namespace {

using json = nlohmann::json;

std::string str_of(const json& j, const char* name) {
  if (!j.is_object()) return "";
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

int64_t int_of(const json& j, const char* name, int64_t fallback) {
  if (!j.is_object()) return fallback;
  auto it = j.find(name);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

const json& member(const json& j, const char* name) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(name);
  return it == j.end() ? kNull : *it;
}

class Stream {
 public:
  Stream(Result& out, const Callbacks& cb) : out_(out), cb_(cb) {}
  StreamState state;

  bool on_event(const SseParser::Event& e) {
    std::string_view data = e.data;
    while (!data.empty() && (data.back() == ' ' || data.back() == '\r')) data.remove_suffix(1);
    if (data == "[DONE]") {
      state.saw_end = true;
      return assemble();
    }
    const json d = json::parse(data, nullptr, false);
    if (d.is_discarded() || !d.is_object()) {
      state.malformed = "a chunk that is not JSON";
      return false;
    }
    if (const json& err = member(d, "error"); !err.is_null()) {
      state.stream_error = true;
      if (err.is_object()) {
        state.error_type = str_of(err, "code");
        if (state.error_type.empty()) state.error_type = str_of(err, "type");
        state.error_message = str_of(err, "message");
      } else if (err.is_string()) {
        state.error_message = err.get<std::string>();
      }
      return false;
    }
    if (out_.model.empty()) out_.model = str_of(d, "model");
    if (const json& u = member(d, "usage"); u.is_object()) {
      out_.usage.input_tokens = int_of(u, "prompt_tokens", out_.usage.input_tokens);
      out_.usage.output_tokens = int_of(u, "completion_tokens", out_.usage.output_tokens);
      out_.usage.cache_read_tokens = int_of(member(u, "prompt_tokens_details"), "cached_tokens", out_.usage.cache_read_tokens);
    }
    const json& choices = member(d, "choices");
    if (!choices.is_array()) return true;  // a usage-only chunk (choices [], null or missing)
    for (const json& c : choices) {
      if (int_of(c, "index", 0) != 0) continue;  // n = 1: only the first choice is ours
      if (const std::string f = str_of(c, "finish_reason"); !f.empty()) out_.stop_reason = f;
      const json& delta = member(c, "delta");
      if (const json& calls = member(delta, "tool_calls"); calls.is_array()) {
        for (const json& call : calls) {
          const std::string id = str_of(call, "id");
          int64_t index = int_of(call, "index", -1);
          if (index < 0) {  // no index: a new id starts a new call, else the last one continues
            index = calls_.empty() ? 0 : calls_.rbegin()->first;
            if (!calls_.empty() && !id.empty() && !calls_.rbegin()->second.id.empty() && calls_.rbegin()->second.id != id) ++index;
          }
          ToolCall& t = calls_[index];
          if (!id.empty()) t.id = id;
          const json& fn = member(call, "function");
          if (const std::string name = str_of(fn, "name"); !name.empty()) t.name = name;
          t.input += str_of(fn, "arguments");
        }
      }
      if (!text(str_of(delta, "content"))) return false;
    }
    return true;
  }

  // At [DONE]: the tool calls in index order, their arguments checked.
  bool assemble() {
    for (auto& [index, call] : calls_) {
      if (call.input.empty()) call.input = "{}";
      if (json::parse(call.input, nullptr, false).is_discarded()) {
        state.malformed = "tool arguments that are not JSON";
        return false;
      }
      out_.tool_calls.push_back(std::move(call));
    }
    calls_.clear();
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
  std::map<int64_t, ToolCall> calls_;
};

}  // namespace

std::string openai_body(const Provider& p, const Request& r) {
  const bool openai = p.kind == Kind::kOpenAI;
  const std::string token_param = !p.token_param.empty() ? p.token_param : openai ? "max_completion_tokens" : "max_tokens";
  const std::string system_role = !p.system_role.empty() ? p.system_role : openai ? "developer" : "system";
  const std::string data = r.document.empty() ? "" : "<data>\n" + r.document + "\n</data>\n";
  json messages = json::array();
  if (!r.system.empty()) messages.push_back({{"role", system_role}, {"content", r.system}});
  bool placed = data.empty();
  for (const Turn& t : r.turns) {
    switch (t.role) {
      case Turn::Role::kUser:
        messages.push_back({{"role", "user"}, {"content", placed ? t.text : data + t.text}});
        placed = true;
        break;
      case Turn::Role::kAssistant:
        messages.push_back({{"role", "assistant"}, {"content", t.text}});
        break;
      case Turn::Role::kToolCall: {
        json call = {{"id", t.tool_call_id},
                     {"type", "function"},
                     {"function", {{"name", t.tool_name}, {"arguments", t.tool_input.empty() ? "{}" : t.tool_input}}}};
        // Calls of one turn share one assistant message (with its text, if any).
        if (!messages.empty() && messages.back()["role"] == "assistant") {
          json& m = messages.back();
          if (!m.contains("tool_calls")) m["tool_calls"] = json::array();
          m["tool_calls"].push_back(std::move(call));
        } else {
          messages.push_back({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({std::move(call)})}});
        }
        break;
      }
      case Turn::Role::kToolResult:
        messages.push_back({{"role", "tool"}, {"tool_call_id", t.tool_call_id}, {"content", t.text}});
        break;
    }
  }
  if (!placed) messages.insert(messages.begin() + (r.system.empty() ? 0 : 1), json{{"role", "user"}, {"content", data}});

  json body = {{"model", p.model}, {"messages", std::move(messages)}, {token_param, r.max_tokens}, {"stream", true}};
  if (openai) body["stream_options"] = {{"include_usage", true}};
  if (!r.tools.empty()) {
    json tools = json::array();
    for (const Tool& t : r.tools) {
      json schema = json::parse(t.input_schema, nullptr, false);
      if (schema.is_discarded()) schema = {{"type", "object"}};
      tools.push_back({{"type", "function"},
                       {"function", {{"name", t.name}, {"description", t.description}, {"parameters", std::move(schema)}}}});
    }
    body["tools"] = std::move(tools);
  }
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result openai_chat(const Provider& p, const Request& r, const Callbacks& cb) {
  std::string base = p.base_url.empty() ? upstream_url("https://api.openai.com/v1") : p.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  Exchange x;
  x.url = base + "/chat/completions";
  x.headers = {{"Content-Type", "application/json"}, {"Accept", "text/event-stream"}};
  if (!p.api_key.empty()) x.headers.emplace_back("Authorization", "Bearer " + p.api_key);
  x.body = openai_body(p, r);
  x.connect_timeout_ms = r.connect_timeout_ms;
  x.total_timeout_ms = r.total_timeout_ms;
  x.idle_timeout_ms = r.idle_timeout_ms;
  Result out;
  Stream stream(out, cb);
  const Reply reply = stream_post(x, cb, [&](const SseParser::Event& e) { return stream.on_event(e); });
  out.request_id = reply.header("x-request-id");
  if (out.request_id.empty()) out.request_id = reply.header("request-id");
  finish(out, reply, stream.state, p.api_key, {"length"}, "[DONE]");
  return out;
}

}  // namespace glint::connectors::llm::detail
