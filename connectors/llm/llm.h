// llm — streaming clients of the LLM providers (platform-apis.md §9–11):
// Anthropic Messages, OpenAI Chat Completions, and any OpenAI-compatible
// server by base URL (Ollama, llama.cpp server, vLLM, LM Studio).
//
// One call = one HTTP request, streamed: the SSE body is parsed event by
// event as it arrives (never buffered whole), each text delta is handed to
// `on_text` at once, and tool calls are assembled from their fragments.
// Retries and the provider order are the caller's (native/llm); this layer
// reports what happened precisely enough to decide: the HTTP status, the
// provider's error type, retry-after, and whether the answer was complete.
//
// Complete means: the stream reached its end marker (Anthropic message_stop,
// OpenAI [DONE]) with no error event, and the stop reason was not a length
// stop (max_tokens / length). Anything else is incomplete and says why.
//
// Secrets: the key travels in its header only; nothing here logs, and error
// messages never hold the key, a header or the prompt.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glint::connectors::llm {

enum class Kind { kAnthropic, kOpenAI, kCompatible };

struct Provider {
  Kind kind = Kind::kAnthropic;
  std::string name;      // "anthropic", "openai", "ollama"… (what answers carry as "provider")
  std::string base_url;  // "https://api.anthropic.com" / "https://api.openai.com/v1" / "http://127.0.0.1:11434/v1"
                         // (already through upstream_url(); the client appends /v1/messages or /chat/completions)
  std::string api_key;   // may be empty for local servers
  std::string model;
  // OpenAI-style only: the token-limit parameter and the instructions role.
  // Defaults: OpenAI max_completion_tokens + developer; compatible max_tokens + system.
  std::string token_param;
  std::string system_role;
};

// A tool the model may call (Anthropic tools[] / OpenAI tools[].function).
struct Tool {
  std::string name, description;
  std::string input_schema;  // JSON Schema text
};

// One turn of the conversation, provider-neutral.
struct Turn {
  enum class Role { kUser, kAssistant, kToolCall, kToolResult } role = Role::kUser;
  std::string text;          // user / assistant text; tool result content (JSON text)
  std::string tool_call_id;  // kToolCall / kToolResult
  std::string tool_name;     // kToolCall
  std::string tool_input;    // kToolCall: the arguments as JSON text
};

struct Request {
  std::string system;    // stable instructions (first, cached)
  std::string document;  // the facts as JSON text: an Anthropic document block / an OpenAI <data> block,
                         // after the system prompt and before the turns (cached prefix)
  std::vector<Turn> turns;
  std::vector<Tool> tools;
  int max_tokens = 1024;
  int connect_timeout_ms = 5000;
  int total_timeout_ms = 60000;
  int idle_timeout_ms = 20000;  // no byte for this long: cut (a timeout)
};

struct ToolCall {
  std::string id, name, input;  // input: JSON text as assembled
};

struct Usage {
  int64_t input_tokens = 0, output_tokens = 0;
  int64_t cache_read_tokens = 0, cache_creation_tokens = 0;  // Anthropic cache_read/creation; OpenAI cached_tokens
};

struct Result {
  bool complete = false;
  std::string text;         // everything streamed (also what on_text saw)
  std::string stop_reason;  // provider's: end_turn, tool_use, max_tokens, stop, length, tool_calls…
  std::vector<ToolCall> tool_calls;
  Usage usage;
  std::string model;        // as the provider named it
  std::string request_id;   // request-id / x-request-id

  // Why not complete (empty when complete):
  //   "http"       — an HTTP error status before any stream (status, error_type set)
  //   "stream_error" — an error event after HTTP 200 (error_type: overloaded_error…)
  //   "cut"        — the stream ended before its end marker
  //   "length"     — a max_tokens / length stop
  //   "timeout"    — total or idle timeout
  //   "transport"  — no HTTP answer at all
  //   "aborted"    — the caller's on_text / keep_going asked to stop
  //   "malformed"  — a 200 whose body could not be read
  std::string failure;
  int status = 0;           // HTTP status (0 when none)
  std::string error_type;   // provider's error type/code: rate_limit_error, overloaded_error, insufficient_quota…
  std::string message;      // for a person; never holds the key
  int retry_after_s = -1;   // from retry-after / retry-after-ms (rounded up), -1 when absent
  // Whether trying again (here or elsewhere) can help: 429 (not a spend/quota
  // limit), 408, 409, 5xx, 529, overloaded stream errors, cuts, timeouts, transport.
  bool retryable = false;
};

struct Callbacks {
  // Each text delta as it arrives; return false to abort the request (the
  // client went away): the transfer stops at once.
  std::function<bool(std::string_view text)> on_text;
  // Polled while waiting for bytes (at least every 100 ms); false aborts.
  std::function<bool()> keep_going;
};

// Sends `r` to `p` with stream=true and reads the stream to its end.
Result chat(const Provider& p, const Request& r, const Callbacks& cb = {});

// Incremental SSE parser (platform-apis.md §11): feed bytes as they come,
// get whole events. Accepts CRLF, LF and lone CR (a CRLF split across
// feeds counts once), drops a leading BOM, comments, `retry`; no line limit
// other than `max_event_bytes` (an event over it is an error).
class SseParser {
 public:
  struct Event {
    std::string type;  // "message" when no event: field
    std::string data;  // data lines joined with \n
    std::string id;
    bool operator==(const Event&) const = default;
  };
  explicit SseParser(size_t max_event_bytes = 8u << 20) : max_(max_event_bytes) {}
  // Appends `bytes`; calls `on_event` for each event completed. Returns false
  // when an event grew past the limit (the parser is then unusable).
  bool feed(std::string_view bytes, const std::function<void(const Event&)>& on_event);
  // Bytes after the last blank line (an incomplete event) are discarded.
  bool pending() const { return !line_.empty() || !data_.empty(); }

 private:
  void line(std::string_view l, const std::function<void(const Event&)>& on_event);
  bool fail();
  size_t max_;
  std::string line_, data_, type_, last_id_;
  bool started_ = false, after_cr_ = false, failed_ = false;
};

}  // namespace glint::connectors::llm
