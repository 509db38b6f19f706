// Private to connectors/llm: the streamed POST both clients share, and the
// parts of a Result that do not depend on the provider (HTTP error
// classification, how a stream ended).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "llm/llm.h"

namespace glint::connectors::llm::detail {

struct Exchange {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // the key's header among them: never copied elsewhere
  std::string body;
  int connect_timeout_ms = 5000, total_timeout_ms = 60000, idle_timeout_ms = 20000;
};

struct Reply {
  enum class End {
    kDone,       // the server ended the body
    kStopped,    // the event handler asked to stop (it knows why)
    kAborted,    // keep_going() said no
    kTimeout,    // total or idle timeout
    kTooLarge,   // one SSE event over the parser's limit
    kTransport,  // libcurl failed (before or after the status line)
  };
  End end = End::kDone;
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string error_body;                      // a non-2xx body, the first 64 KB
  std::string transport_error;                 // libcurl's words, without the URL's query
  std::string where;                           // host and path, for messages
  int64_t events = 0;                          // SSE events parsed from a 2xx body
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// POSTs `x` and reads the answer as it arrives: a 2xx body goes through an
// SseParser to `on_event` (false stops the transfer), any other body is kept
// (bounded) for classification. keep_going is polled every 50 ms.
Reply stream_post(const Exchange& x, const Callbacks& cb, const std::function<bool(const SseParser::Event&)>& on_event);

// What a provider's event handler saw, in provider-neutral terms.
struct StreamState {
  bool saw_end = false;         // message_stop / [DONE]
  bool aborted = false;         // on_text returned false
  bool stream_error = false;    // an error event after HTTP 200
  std::string error_type, error_message;
  std::string malformed;        // why the body could not be read (empty: it could)
};

// Fills the failure fields of `out` (or sets complete) from how the call
// ended. `length_stops` are the provider's truncation stop reasons.
void finish(Result& out, const Reply& reply, const StreamState& st, const std::string& api_key,
            const std::vector<std::string>& length_stops, const std::string& end_marker);

// A provider message made safe to show: the key (and anything shaped like a
// key) masked, one line, at most 300 characters.
std::string scrub(std::string message, const std::string& api_key);

// Whether an error type seen in a stream after HTTP 200 is worth a retry.
bool retryable_stream_error(const std::string& type);

// The clients (anthropic.cc, openai.cc) and their request bodies (for tests
// of the wire shape through the fake).
Result anthropic_chat(const Provider& p, const Request& r, const Callbacks& cb);
Result openai_chat(const Provider& p, const Request& r, const Callbacks& cb);
std::string anthropic_body(const Provider& p, const Request& r);
std::string openai_body(const Provider& p, const Request& r);

}  // namespace glint::connectors::llm::detail
