// OpenAI Chat Completions (platform-apis.md §10 and §11, and the corrections section's LLM
// bullet) under /v1/…, and an OpenAI-compatible local server (llama.cpp / Ollama-like) under
// /compat/v1/…: POST chat/completions as JSON or SSE, GET models, OpenAI's error envelope and
// x-request-id / x-ratelimit-* headers (the compatible server has neither), automatic prompt
// caching, and the scenarios of tests/fakes/README.md ("LLM providers"). The answer itself
// comes from llm_model.h, shared with the Anthropic fake.
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

const char* kKeyPrefix = "sk-fake-";

std::string sc(const char* name) { return std::string("openai_") + name; }

// Either API's error: OpenAI's envelope, or the compatible server's bare {"error": "…"}.
struct Failure {
  int status = 0;
  std::string message, type = "invalid_request_error";
  json param = nullptr, code = nullptr;
};

void send_failure(httplib::Response& res, const Failure& f, bool compat) {
  if (compat) {
    send_json(res, f.status, {{"error", f.message}});
    return;
  }
  ojson err = ojson::object();
  err["message"] = f.message;
  err["type"] = f.type;
  err["param"] = f.param;
  err["code"] = f.code;
  ojson body = ojson::object();
  body["error"] = err;
  res.status = f.status;
  res.set_content(body.dump(), "application/json");
}

Failure fail(int status, std::string message, json param = nullptr, json code = nullptr,
             std::string type = "invalid_request_error") {
  Failure f;
  f.status = status;
  f.message = std::move(message);
  f.param = std::move(param);
  f.code = std::move(code);
  f.type = std::move(type);
  return f;
}

// OpenAI's response headers; called again with exhausted=true for a 429, replacing the
// rate-limit ones.
void openai_headers(State& st, httplib::Response& res, bool exhausted) {
  if (!res.has_header("x-request-id")) {
    res.set_header("x-request-id", opaque(st, "req_"));
    res.set_header("openai-processing-ms", "42");
    res.set_header("openai-version", "2020-10-01");
    res.set_header("openai-organization", "org-fake");
  }
  const std::pair<const char*, const char*> rate[] = {
      {"x-ratelimit-limit-requests", "5000"},
      {"x-ratelimit-limit-tokens", "800000"},
      {"x-ratelimit-remaining-requests", exhausted ? "0" : "4999"},
      {"x-ratelimit-remaining-tokens", exhausted ? "0" : "799000"},
      {"x-ratelimit-reset-requests", exhausted ? "1s" : "12ms"},
      {"x-ratelimit-reset-tokens", exhausted ? "1s" : "75ms"}};
  for (const auto& [name, value] : rate) {
    res.headers.erase(name);
    res.set_header(name, value);
  }
}

// The key, masked as OpenAI echoes it: "sk-wro*********1234".
std::string masked(const std::string& key) {
  if (key.size() <= 10) return "sk-***";
  return key.substr(0, 6) + std::string(key.size() - 10, '*') + key.substr(key.size() - 4);
}

std::optional<Failure> check_key(const httplib::Request& req) {
  const std::string key = bearer(req);
  if (key.empty())
    return fail(401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or "
                "as the password field (with blank username) if you're accessing the API from your "
                "browser and are prompted for a username. You can obtain an API key from "
                "https://platform.openai.com/account/api-keys.");
  if (key.rfind(kKeyPrefix, 0) != 0)
    return fail(401,
                "Incorrect API key provided: " + masked(key) +
                    ". You can find your API key at https://platform.openai.com/account/api-keys.",
                nullptr, "invalid_api_key");
  return std::nullopt;
}

std::string content_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (!content.is_array()) return out;
  for (const json& p : content) {
    if (p.is_object() && p.value("type", "") == "text" && p.contains("text") && p["text"].is_string())
      out += (out.empty() ? "" : "\n") + p["text"].get<std::string>();
  }
  return out;
}

// The request checks, OpenAI's or the compatible server's.
std::optional<Failure> validate(const json& body, bool compat) {
  if (!compat) {
    static const std::set<std::string> kFields = {
        "model", "messages", "max_completion_tokens", "max_tokens", "stream", "stream_options",
        "tools", "tool_choice", "temperature", "top_p", "n", "stop", "presence_penalty",
        "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "user", "seed",
        "response_format", "parallel_tool_calls", "store", "metadata", "reasoning_effort",
        "service_tier", "modalities", "audio", "prediction", "prompt_cache_key",
        "safety_identifier", "verbosity", "web_search_options", "functions", "function_call"};
    for (const auto& [k, v] : body.items()) {
      if (kFields.count(k) == 0) return fail(400, "Unrecognized request argument supplied: " + k);
    }
    if (!body.contains("model") || !body["model"].is_string() || body["model"].get<std::string>().empty())
      return fail(400, "you must provide a model parameter");
    if (body.contains("max_tokens"))
      return fail(400,
                  "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                  "'max_completion_tokens' instead.",
                  "max_tokens", "unsupported_parameter");
    if (body.contains("max_completion_tokens") &&
        (!body["max_completion_tokens"].is_number_integer() || body["max_completion_tokens"].get<int64_t>() < 1))
      return fail(400,
                  "Invalid 'max_completion_tokens': integer below minimum value. Expected a value "
                  ">= 1.",
                  "max_completion_tokens", "integer_below_min_value");
    if (body.contains("stream_options") && !body.value("stream", false))
      return fail(400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                  "stream_options");
  }
  if (!body.contains("messages"))
    return compat ? fail(400, "'messages' is required")
                  : fail(400, "Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  const json& msgs = body["messages"];
  if (!msgs.is_array())
    return fail(400, "Invalid type for 'messages': expected an array of objects, but got " +
                         std::string(msgs.type_name()) + " instead.",
                "messages", "invalid_type");
  if (msgs.empty())
    return compat ? fail(400, "'messages' must not be empty")
                  : fail(400,
                         "Invalid 'messages': empty array. Expected an array with minimum length 1, "
                         "but got an empty array instead.",
                         "messages", "empty_array");
  std::set<std::string> tool_names;
  if (body.contains("tools")) {
    if (!body["tools"].is_array()) return fail(400, "Invalid type for 'tools': expected an array.", "tools", "invalid_type");
    for (size_t i = 0; i < body["tools"].size(); ++i) {
      const json& t = body["tools"][i];
      const std::string at = "tools[" + std::to_string(i) + "]";
      if (!t.is_object() || t.value("type", "") != "function")
        return fail(400, "Invalid value for '" + at + ".type': expected 'function'.", at + ".type", "invalid_value");
      if (!t.contains("function") || !t["function"].is_object())
        return fail(400, "Missing required parameter: '" + at + ".function'.", at + ".function",
                    "missing_required_parameter");
      if (!t["function"].contains("name") || !t["function"]["name"].is_string())
        return fail(400, "Missing required parameter: '" + at + ".function.name'.", at + ".function.name",
                    "missing_required_parameter");
      tool_names.insert(t["function"]["name"].get<std::string>());
    }
  }
  std::vector<std::string> pending;  // tool_call ids of the last assistant message not yet answered
  for (size_t i = 0; i < msgs.size(); ++i) {
    const json& m = msgs[i];
    const std::string at = "messages[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("role"))
      return fail(400, "Missing required parameter: '" + at + ".role'.", at + ".role", "missing_required_parameter");
    const std::string role = m["role"].is_string() ? m["role"].get<std::string>() : "";
    if (compat && role != "system" && role != "user" && role != "assistant" && role != "tool")
      return fail(400, "unknown role " + role);
    if (!compat && role != "system" && role != "developer" && role != "user" && role != "assistant" &&
        role != "tool" && role != "function")
      return fail(400,
                  "Invalid value: '" + role +
                      "'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
                  at + ".role", "invalid_value");
    const bool has_calls = role == "assistant" && m.contains("tool_calls") && m["tool_calls"].is_array() &&
                           !m["tool_calls"].empty();
    if (!m.contains("content") || m["content"].is_null()) {
      if (!has_calls && role != "assistant")
        return fail(400, "Missing required parameter: '" + at + ".content'.", at + ".content",
                    "missing_required_parameter");
    } else if (!m["content"].is_string() && !m["content"].is_array()) {
      return fail(400, "Invalid type for '" + at + ".content': expected one of a string or array of objects.",
                  at + ".content", "invalid_type");
    }
    if (role == "tool") {
      if (!m.contains("tool_call_id") || !m["tool_call_id"].is_string())
        return fail(400, "Missing required parameter: '" + at + ".tool_call_id'.", at + ".tool_call_id",
                    "missing_required_parameter");
      const std::string id = m["tool_call_id"].get<std::string>();
      if (pending.empty())
        return fail(400,
                    "Invalid parameter: messages with role 'tool' must be a response to a preceeding "
                    "message with 'tool_calls'.",
                    "messages.[" + std::to_string(i) + "].role");
      auto it = std::find(pending.begin(), pending.end(), id);
      if (it == pending.end())
        return fail(400, "Invalid parameter: 'tool_call_id' of '" + id + "' not found in 'tool_calls' of previous message.",
                    "messages.[" + std::to_string(i) + "].tool_call_id");
      pending.erase(it);
      continue;
    }
    if (!pending.empty()) {
      std::string ids;
      for (const std::string& id : pending) ids += (ids.empty() ? "" : ", ") + id;
      return fail(400,
                  "An assistant message with 'tool_calls' must be followed by tool messages "
                  "responding to each 'tool_call_id'. The following tool_call_ids did not have "
                  "response messages: " + ids,
                  "messages.[" + std::to_string(i) + "].role");
    }
    if (has_calls) {
      for (size_t j = 0; j < m["tool_calls"].size(); ++j) {
        const json& c = m["tool_calls"][j];
        const std::string cat = at + ".tool_calls[" + std::to_string(j) + "]";
        if (!c.is_object() || !c.contains("id") || !c["id"].is_string())
          return fail(400, "Missing required parameter: '" + cat + ".id'.", cat + ".id", "missing_required_parameter");
        if (!c.contains("function") || !c["function"].is_object() || !c["function"].contains("name") ||
            !c["function"].contains("arguments") || !c["function"]["arguments"].is_string())
          return fail(400, "Missing required parameter: '" + cat + ".function'.", cat + ".function",
                      "missing_required_parameter");
        pending.push_back(c["id"].get<std::string>());
      }
    }
  }
  if (!pending.empty()) {
    std::string ids;
    for (const std::string& id : pending) ids += (ids.empty() ? "" : ", ") + id;
    return fail(400,
                "An assistant message with 'tool_calls' must be followed by tool messages "
                "responding to each 'tool_call_id'. The following tool_call_ids did not have "
                "response messages: " + ids,
                "messages.[" + std::to_string(msgs.size() - 1) + "].role");
  }
  return std::nullopt;
}

Conversation read_conversation(const json& body) {
  Conversation c;
  bool offered = false;
  for (const json& t : body.value("tools", json::array()))
    offered |= t["function"].value("name", "") == "query_metrics";
  const json choice = body.value("tool_choice", json("auto"));
  c.offers_tool = offered && !(choice.is_string() && choice.get<std::string>() == "none");
  const json& msgs = body["messages"];
  for (const json& m : msgs) {
    if (m.value("role", "") != "user" || c.data) continue;
    if (m.contains("content")) c.data = llm::data_in_text(content_text(m["content"]));
  }
  for (size_t i = msgs.size(); i-- > 0;) {
    const json& m = msgs[i];
    const std::string role = m.value("role", "");
    if (role == "tool") {
      c.after_tool_result = true;
      c.tool_result = m.contains("content") ? content_text(m["content"]) : "";
      break;
    }
    if (role != "user") continue;
    std::string question = m.contains("content") ? content_text(m["content"]) : "";
    llm::data_in_text(question, &question);
    c.question = question;
    break;
  }
  return c;
}

struct Usage {
  int64_t prompt = 0, cached = 0, completion = 0;
};

// Prompt tokens, and what OpenAI's automatic caching would have served: the longest prefix
// shared with an earlier prompt to the same model, when it is 1024 tokens or more, in steps
// of 128 tokens.
Usage prompt_usage(const json& body, const std::string& model, bool compat) {
  std::string all;
  for (const json& t : body.value("tools", json::array())) all += t.dump() + '\x1e';
  for (const json& m : body["messages"]) all += m.dump() + '\x1e';
  Usage u;
  u.prompt = llm::tokens_of(all.size());
  if (compat) return u;
  const std::string key = model + '\x1f' + all;
  llm::PromptCaches& caches = llm::caches();
  std::lock_guard<std::mutex> lock(caches.mu);
  size_t best = 0;
  for (const std::string& seen : caches.openai) {
    const size_t n = std::min(seen.size(), key.size());
    size_t k = 0;
    while (k < n && seen[k] == key[k]) ++k;
    best = std::max(best, k);
  }
  const size_t model_len = model.size() + 1;
  const int64_t shared = best > model_len ? static_cast<int64_t>(best - model_len) / 4 : 0;
  if (shared >= llm::kMinCacheTokens)
    u.cached = std::min(u.prompt, llm::kMinCacheTokens + (shared - llm::kMinCacheTokens) / 128 * 128);
  caches.openai.push_back(key);
  if (caches.openai.size() > 256) caches.openai.erase(caches.openai.begin());
  return u;
}

ojson usage_json(const Usage& u, bool compat) {
  ojson out = ojson::object();
  out["prompt_tokens"] = u.prompt;
  out["completion_tokens"] = u.completion;
  out["total_tokens"] = u.prompt + u.completion;
  if (!compat) {
    out["prompt_tokens_details"] = {{"cached_tokens", u.cached}, {"audio_tokens", 0}};
    out["completion_tokens_details"] = {{"reasoning_tokens", 0},
                                        {"audio_tokens", 0},
                                        {"accepted_prediction_tokens", 0},
                                        {"rejected_prediction_tokens", 0}};
  }
  return out;
}

struct Reply {
  std::string text;  // empty for a tool call
  bool tool = false;
  std::string call_id, arguments;
  std::string finish = "stop";
};

Reply reply_for(State& st, const json& body, bool compat, Usage& usage) {
  const Conversation conv = read_conversation(body);
  llm::Quirks q;
  q.injection = st.on(sc("injection"));
  if (!conv.offers_tool || conv.after_tool_result)
    q.wrong_number = st.on(sc("wrong_number")) || st.first(sc("wrong_number_once"));
  const Answer a = llm::think(conv, q);
  Reply r;
  if (a.tool_call) {
    r.tool = true;
    r.call_id = opaque(st, "call_");
    r.arguments = a.tool_input;
    r.finish = "tool_calls";
    usage.completion = llm::tokens_of(r.arguments.size()) + 12;
    return r;
  }
  r.text = a.text;
  // The token limit each server honours: OpenAI max_completion_tokens, the compatible server
  // max_tokens (it ignores max_completion_tokens, as llama.cpp's does).
  const char* limit_name = compat ? "max_tokens" : "max_completion_tokens";
  const int64_t limit = body.contains(limit_name) && body[limit_name].is_number_integer()
                            ? body[limit_name].get<int64_t>()
                            : 0;
  if (st.on(sc("max_tokens"))) {
    r.text = llm::utf8_prefix(r.text, r.text.size() / 2);
    r.finish = "length";
  } else if (limit > 0 && llm::tokens_of(r.text.size()) > limit) {
    r.text = llm::utf8_prefix(r.text, static_cast<size_t>(limit) * 4);
    r.finish = "length";
  }
  usage.completion = llm::tokens_of(r.text.size());
  return r;
}

struct Chunker {
  std::string id, model;
  int64_t created = 0;
  bool compat = false, include_usage = false;

  ojson base() const {
    ojson c = ojson::object();
    c["id"] = id;
    c["object"] = "chat.completion.chunk";
    c["created"] = created;
    c["model"] = model;
    if (!compat) c["service_tier"] = "default";
    c["system_fingerprint"] = compat ? "b6000-fake" : "fp_fake0001";
    return c;
  }
  ojson chunk(const ojson& delta, const char* finish = nullptr) const {
    ojson c = base();
    ojson choice = ojson::object();
    choice["index"] = 0;
    choice["delta"] = delta;
    choice["logprobs"] = nullptr;
    choice["finish_reason"] = finish ? ojson(finish) : ojson(nullptr);
    c["choices"] = ojson::array({choice});
    if (include_usage) c["usage"] = nullptr;
    return c;
  }
};

std::string data_line(const ojson& v) { return "data: " + v.dump() + "\n\n"; }

StreamPlan stream_plan(State& st, const Chunker& ch, const Reply& r, const Usage& u) {
  StreamPlan plan;
  const bool slow = st.on(sc("slow"));
  plan.delta_pause_ms = slow ? 250 : 0;
  plan.fragmented = st.on(sc("fragmented"));
  std::vector<Event>& ev = plan.events;
  if (r.tool) {
    ojson call = ojson::object();
    call["index"] = 0;
    call["id"] = r.call_id;
    call["type"] = "function";
    call["function"] = {{"name", "query_metrics"}, {"arguments", ""}};
    ojson delta = ojson::object();
    delta["role"] = "assistant";
    delta["content"] = nullptr;
    delta["tool_calls"] = ojson::array({call});
    if (!ch.compat) delta["refusal"] = nullptr;
    ev.push_back({data_line(ch.chunk(delta)), false});
    for (const std::string& piece : llm::split_even(r.arguments, slow ? 24 : 6)) {
      ojson frag = ojson::object();
      frag["index"] = 0;
      frag["function"] = {{"arguments", piece}};
      ojson d = ojson::object();
      d["tool_calls"] = ojson::array({frag});
      ev.push_back({data_line(ch.chunk(d)), true});
    }
  } else {
    ojson delta = ojson::object();
    delta["role"] = "assistant";
    delta["content"] = ch.compat ? ojson(nullptr) : ojson("");
    if (!ch.compat) delta["refusal"] = nullptr;
    ev.push_back({data_line(ch.chunk(delta)), false});
    for (const std::string& piece : llm::split_words(r.text, slow ? 24 : 1)) {
      ojson d = ojson::object();
      d["content"] = piece;
      ev.push_back({data_line(ch.chunk(d)), true});
    }
  }
  ojson last = ch.chunk(ojson::object(), r.finish.c_str());
  if (ch.compat) {
    // llama.cpp's server reports its timings on the last chunk.
    ojson t = ojson::object();
    t["prompt_n"] = u.prompt;
    t["prompt_ms"] = 12.5;
    t["prompt_per_token_ms"] = 12.5 / static_cast<double>(u.prompt);
    t["prompt_per_second"] = static_cast<double>(u.prompt) / 0.0125;
    t["predicted_n"] = u.completion;
    t["predicted_ms"] = 40.0;
    t["predicted_per_token_ms"] = 40.0 / static_cast<double>(u.completion);
    t["predicted_per_second"] = static_cast<double>(u.completion) / 0.04;
    last["timings"] = t;
  }
  ev.push_back({data_line(last), false});
  if (ch.include_usage && !ch.compat) {
    ojson c = ch.base();
    c["choices"] = ojson::array();
    c["usage"] = usage_json(u, false);
    ev.push_back({data_line(c), false});
  }
  ev.push_back({"data: [DONE]\n\n", false});
  plan.end = "[DONE]";

  const bool midstream = st.on(sc("overloaded_midstream")), cut = st.on(sc("cut"));
  if (midstream || cut) {
    size_t deltas = 0, kept = 0, seen = 0;
    for (const Event& e : ev) deltas += e.delta;
    const size_t keep = std::max<size_t>(1, deltas / 2);
    for (; kept < ev.size(); ++kept) {
      if (ev[kept].delta && ++seen > keep) break;
    }
    ev.resize(kept);
    if (midstream) {
      if (ch.compat) {
        ev.push_back({"data: {\"error\":\"server overloaded\"}\n\n", false});
      } else {
        ojson err = ojson::object();
        err["message"] = "The server is overloaded or not ready yet.";
        err["type"] = "server_error";
        err["param"] = nullptr;
        err["code"] = nullptr;
        ojson body = ojson::object();
        body["error"] = err;
        ev.push_back({data_line(body), false});
      }
      plan.end = "error";
    } else {
      plan.cut = true;
      plan.end = "cut";
    }
  }
  if (st.on(sc("ping"))) {
    std::vector<Event> with;
    for (size_t i = 0; i < ev.size(); ++i) {
      if (i > 0) with.push_back({": keepalive\n\n", false});
      with.push_back(ev[i]);
    }
    ev = with;
  }
  return plan;
}

ojson completion_json(const Chunker& ch, const Reply& r, const Usage& u) {
  ojson message = ojson::object();
  message["role"] = "assistant";
  message["content"] = r.tool ? ojson(nullptr) : ojson(r.text);
  if (r.tool) {
    ojson call = ojson::object();
    call["id"] = r.call_id;
    call["type"] = "function";
    call["function"] = {{"name", "query_metrics"}, {"arguments", r.arguments}};
    message["tool_calls"] = ojson::array({call});
  }
  if (!ch.compat) {
    message["refusal"] = nullptr;
    message["annotations"] = ojson::array();
  }
  ojson choice = ojson::object();
  choice["index"] = 0;
  choice["message"] = message;
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = r.finish;
  ojson out = ojson::object();
  out["id"] = ch.id;
  out["object"] = "chat.completion";
  out["created"] = ch.created;
  out["model"] = ch.model;
  out["choices"] = ojson::array({choice});
  out["usage"] = usage_json(u, ch.compat);
  if (!ch.compat) out["service_tier"] = "default";
  out["system_fingerprint"] = ch.compat ? "b6000-fake" : "fp_fake0001";
  return out;
}

bool known_model(const std::string& m) {
  for (const char* p : {"gpt-", "o1", "o3", "o4", "chatgpt-"}) {
    if (m.rfind(p, 0) == 0) return true;
  }
  return false;
}

void completions(State& st, const httplib::Request& req, httplib::Response& res, bool compat) {
  record(st, req);
  if (!compat) {
    openai_headers(st, res, false);
    if (auto f = check_key(req)) return send_failure(res, *f, false);
  }
  const json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return send_failure(res,
                        fail(400,
                             compat ? "Failed to parse the request body as JSON"
                                    : "We could not parse the JSON body of your request. (HINT: This "
                                      "likely means you aren't using your HTTP library correctly. The "
                                      "OpenAI API expects a JSON payload, but what was sent was not "
                                      "valid JSON. If you have trouble figuring out how to fix this, "
                                      "please contact us through our help center at help.openai.com.)"),
                        compat);
  }
  if (auto f = validate(body, compat)) return send_failure(res, *f, compat);
  const std::string model = body.contains("model") && body["model"].is_string() ? body["model"].get<std::string>()
                                                                                 : "local-model";
  if (!compat && !known_model(model))
    return send_failure(res,
                        fail(404, "The model `" + model + "` does not exist or you do not have access to it.",
                             nullptr, "model_not_found"),
                        false);
  if (st.on(sc("spend_limit"))) {
    return send_failure(res,
                        fail(429,
                             "You exceeded your current quota, please check your plan and billing "
                             "details. For more information on this error, read the docs: "
                             "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                             nullptr, "insufficient_quota", "insufficient_quota"),
                        compat);
  }
  if (st.on(sc("429")) || st.first(sc("429_once"))) {
    if (!compat) openai_headers(st, res, true);
    res.set_header("retry-after", "1");
    return send_failure(res,
                        fail(429,
                             compat ? std::string("too many requests, try again later") :
                             "Rate limit reached for " + model +
                                 " in organization org-fake on requests per min (RPM): Limit 5000, Used "
                                 "5000, Requested 1. Please try again in 1s. Visit "
                                 "https://platform.openai.com/account/rate-limits to learn more.",
                             nullptr, "rate_limit_exceeded", "requests"),
                        compat);
  }
  if (st.on(sc("529")) || st.first(sc("529_once"))) {
    return send_failure(res,
                        fail(503, compat ? "Loading model" : "The server is overloaded or not ready yet.",
                             nullptr, nullptr, "server_error"),
                        compat);
  }
  Usage usage = prompt_usage(body, model, compat);
  const Reply reply = reply_for(st, body, compat, usage);
  Chunker ch;
  ch.id = opaque(st, "chatcmpl-");
  ch.model = model;
  ch.created = st.now();
  ch.compat = compat;
  const bool stream = body.contains("stream") && body["stream"].is_boolean() && body["stream"].get<bool>();
  ch.include_usage = !compat && body.contains("stream_options") && body["stream_options"].is_object() &&
                     body["stream_options"].value("include_usage", false);
  if (!stream) {
    res.set_content(completion_json(ch, reply, usage).dump(), "application/json");
    return;
  }
  const int n = llm::stream_log().begin(compat ? "compat" : "openai", req.path, model);
  llm::send_stream(res, stream_plan(st, ch, reply, usage), n);
}

}  // namespace

namespace llm {

void openai_models(State& st, const httplib::Request& req, httplib::Response& res, bool compat) {
  ojson data = ojson::array();
  if (compat) {
    ojson m = ojson::object();
    m["id"] = "local-model";
    m["object"] = "model";
    m["created"] = st.now();
    m["owned_by"] = "llamacpp";
    data.push_back(m);
  } else {
    openai_headers(st, res, false);
    if (auto f = check_key(req)) return send_failure(res, *f, false);
    struct Model {
      const char* id;
      int64_t created;
    };
    for (const Model& x : {Model{"gpt-5", 1754425777}, Model{"gpt-5-mini", 1754425928},
                           Model{"gpt-4.1", 1744316542}, Model{"gpt-4.1-mini", 1744318173},
                           Model{"gpt-4o", 1715367049}, Model{"gpt-4o-mini", 1721172741}}) {
      ojson m = ojson::object();
      m["id"] = x.id;
      m["object"] = "model";
      m["created"] = x.created;
      m["owned_by"] = "system";
      data.push_back(m);
    }
  }
  ojson out = ojson::object();
  out["object"] = "list";
  out["data"] = data;
  res.set_content(out.dump(), "application/json");
}

}  // namespace llm

void serve_openai(httplib::Server& s, State& st) {
  // GET /v1/models is shared with Anthropic and registered by serve_anthropic.
  for (const bool compat : {false, true}) {
    s.Post(compat ? "/compat/v1/chat/completions" : "/v1/chat/completions",
           [&st, compat](const httplib::Request& req, httplib::Response& res) {
             try {
               completions(st, req, res, compat);
             } catch (const std::exception& e) {  // a field of an unexpected type deep in the body
               send_failure(res, fail(400, e.what()), compat);
             }
           });
  }
  s.Get("/compat/v1/models", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    llm::openai_models(st, req, res, true);
  });
}

}  // namespace fake
