// llm/writer — written insights that cannot lie (issue 16).
//
// A Job is what to write about: core's facts as a data document, the task in
// words, and (for chat) the query_metrics tool. write() asks the providers in
// order and streams the answer to a Sink a sentence at a time, each sentence
// only after core's grounding checker has matched every number in it to a
// value core computed. So a reader never sees an unverified number:
//
//   - a sentence with a number the checker cannot match stops the answer: the
//     upstream request is aborted, the model is asked once more with the
//     numbers it got wrong named, and if that fails too the answer is core's
//     own narrative (Answer::fallback, with a note saying so);
//   - 429, 529/overloaded, 5xx, timeouts and cut or truncated streams are
//     retried a bounded number of times (honouring retry-after up to a cap),
//     then the next provider is asked; what was already shown is withdrawn
//     (Sink::restart) before another answer is streamed;
//   - with no provider configured, the narrative is the answer (provider
//     "glint"), streamed the same way.
//
// Bounds: every call has max_tokens and a timeout; the whole job has a
// deadline and an output-token budget; Sink::alive() false (the client went
// away) aborts the upstream request at once.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "llm/llm.h"

namespace glint::native {
struct App;
struct Tenant;
}  // namespace glint::native

namespace glint::native::llm {

namespace cl = glint::connectors::llm;
using nlohmann::json;

inline constexpr const char* kPromptVersion = "glint-insights-3";
inline constexpr const char* kNarrativeModel = "glint-narrative-1";

struct Settings {
  std::vector<cl::Provider> providers;  // the server's order (GLINT_LLM_PROVIDERS)
  int max_tokens = 1024;                // per call (GLINT_LLM_MAX_TOKENS)
  int call_timeout_ms = 60000;          // per call (GLINT_LLM_TIMEOUT_S)
  int job_timeout_ms = 120000;          // the whole answer, all calls (GLINT_LLM_JOB_TIMEOUT_S)
  int idle_timeout_ms = 20000;          // no byte for this long cuts a call
  int retries = 1;                      // extra tries of one provider on a retryable failure (GLINT_LLM_RETRIES)
  int max_retry_after_s = 5;            // a longer retry-after moves on to the next provider at once
  int output_budget = 4096;             // output tokens over all calls of one answer
  int workers = 2;                      // async insight tasks at once (GLINT_INSIGHT_WORKERS, 1–16)
  // From the environment: keys GLINT_ANTHROPIC_API_KEY / GLINT_OPENAI_API_KEY,
  // GLINT_OPENAI_BASE_URL (an OpenAI-compatible server), models
  // GLINT_ANTHROPIC_MODEL / GLINT_OPENAI_MODEL, hosts through GLINT_URL_*.
  static Settings from_env();
};

// The order for one workspace: the server's, with the workspace's own keys
// (stored in the vault) used for their providers — added when the server has
// no key for that provider.
std::vector<cl::Provider> providers_for(App& app, const Settings& s, const Tenant& t);

// A Provider for a workspace key of `provider` ("anthropic" | "openai").
cl::Provider workspace_provider(const Settings& s, const std::string& provider, const std::string& api_key, const std::string& model);

struct Job {
  std::string kind;         // grow | optimize | protect | summary | snapshot | followup | onboarding | comprehensive | chat
  std::string instruction;  // the task or the user's question (the last user turn)
  json document;            // the data document (kind glint.facts)
  // What the checker matches numbers against.
  json facts = json::array();
  json values = json::array();  // extra values (tool results are added here)
  json names = json::array();   // entity names whose digits are not numbers
  json date_range;              // may be null
  std::string locale = "en";
  std::vector<cl::Turn> history;  // chat: earlier turns
  bool with_tools = false;
  // Runs query_metrics: the tool's input → core's result (or {"error":…}).
  std::function<json(const json& input)> run_tool;
  // The embedded answer (core's narrative, or for chat glint's own reading of
  // the question through the tool); checked like any other.
  std::function<std::string(Job& job)> narrative;
  json tool_log = json::array();  // tool calls the narrative ran ({name, input, result})
};

struct Sink {
  std::function<bool(const std::string& chunk)> chunk;     // verified text; false: the client is gone
  std::function<bool(const std::string& reason)> restart;  // withdraws what was sent
  std::function<bool()> alive;                             // polled while waiting; false: the client is gone
};

struct Answer {
  std::string text;
  bool verified = true;
  json facts_used = json::array();       // [{id, metric, value, raw_value, …}]
  json unverified_numbers = json::array();  // numbers of a rejected answer, with the provider that wrote them
  std::string provider = "glint", model = kNarrativeModel;
  bool fallback = false;  // the narrative stands in for a model answer
  std::string note;       // why, in words (empty when the model answered)
  json attempts = json::array();  // each call: provider, model, outcome, status, error type, ms, tokens
  json tool_calls = json::array();
  int64_t input_tokens = 0, output_tokens = 0, cache_read_tokens = 0;
  bool aborted = false;  // the client went away
  json to_json() const;  // the "how was this calculated" members every answer carries
};

Answer write(const Settings& s, const std::vector<cl::Provider>& providers, Job& job, const Sink& sink);

// Core's checker over `text` with the job's facts and values.
json check(const Job& job, const std::string& text);

// The values a query_metrics result lets an answer state (for Job::values)
// and the names in it (Job::names).
void add_tool_values(Job& job, const json& result, int call_index);

// Splits streamed text into pieces that end at a sentence or line end, so
// each can be checked whole before it is shown (decimals "8.08x" and
// abbreviations do not end a sentence).
class SentenceGate {
 public:
  // Appends text; returns the pieces completed by it (possibly none).
  std::vector<std::string> feed(std::string_view text);
  // What is left at the end.
  std::string rest();

 private:
  std::string buf_;
};

}  // namespace glint::native::llm
