// The LLM clients (connectors/llm) against the fake Anthropic, OpenAI and
// OpenAI-compatible servers (tests/fakes/anthropic.cc, openai.cc; their
// answers are deterministic from the request, spec §3 of issue 16).
#include "llm/llm.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "connectors/fake_process.h"

namespace glint::connectors::llm {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using testing::FakeUpstreams;

const char* kAnthropicKey = "sk-ant-fake-h44-0123456789abcdef";
const char* kOpenAIKey = "sk-fake-h44-0123456789abcdef";

const char* kSchema = R"({"type":"object","properties":{
  "metrics":{"type":"array","items":{"type":"string"}},
  "period":{"type":"string"},
  "group_by":{"type":"string","enum":["none","platform","campaign","day"]}},
  "required":["metrics","period"]})";

Turn turn(Turn::Role role, std::string text, std::string id = "", std::string name = "", std::string input = "") {
  Turn t;
  t.role = role;
  t.text = std::move(text);
  t.tool_call_id = std::move(id);
  t.tool_name = std::move(name);
  t.tool_input = std::move(input);
  return t;
}

std::string document() {
  const json fact = {{"id", "f1"},
                     {"type", "metric_change"},
                     {"metric", "roas"},
                     {"value", "8.08x"},
                     {"raw_value", 8.08},
                     {"change", "+23%"},
                     {"period", "vs previous 30 days"},
                     {"entity", {{"level", "campaign"}, {"id", "101"}, {"name", "Brand Search"}, {"platform", "google_ads"}}},
                     {"impact", "$14,923"},
                     {"sentence", "Brand Search ROAS rose 23% to 8.08x."}};
  return json{{"kind", "glint.facts"},
              {"version", 1},
              {"request", {{"type", "grow"}, {"date_range", {{"days", 30}, {"start", "2026-09-10"}, {"end", "2026-10-09"}}}}},
              {"facts", json::array({fact})},
              {"notes", json::array()}}
      .dump();
}

Request insights() {
  Request r;
  r.system = "You are glint's marketing analyst. Use only the numbers in the data.";
  r.document = document();
  r.turns.push_back(turn(Turn::Role::kUser, "Write the insights for this period."));
  r.max_tokens = 800;
  r.total_timeout_ms = 20000;
  return r;
}

Request tool_question() {
  Request r;
  r.system = "You are glint's marketing analyst.";
  r.turns.push_back(turn(Turn::Role::kUser, "What was the cpc by platform last week?"));
  r.tools.push_back({"query_metrics", "Query glint's metrics for a period.", kSchema});
  r.total_timeout_ms = 20000;
  return r;
}

const char* kToolResult = R"({"period":{"start":"2026-10-03","end":"2026-10-09","days":7},"group_by":"platform",
 "rows":[{"group":{"platform":"google_ads"},"metrics":{"cpc":{"value":1.2345,"formatted":"$1.23","currency":"USD","unit":"money"}}},
         {"group":{"platform":"meta"},"metrics":{"cpc":{"value":0.5,"formatted":"$0.50","currency":"USD","unit":"money"}}}],
 "notes":[]})";

class Llm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fake_ = new FakeUpstreams(); }
  static void TearDownTestSuite() {
    delete fake_;
    fake_ = nullptr;
  }
  void SetUp() override {
    post("/_fake/scenario?clear_all=1");
    post("/_fake/reset");
  }

  static void post(const std::string& path) {
    httplib::Client c("127.0.0.1", fake_->port());
    c.Post(path);
  }
  static json get(const std::string& path) {
    httplib::Client c("127.0.0.1", fake_->port());
    auto r = c.Get(path);
    return r ? json::parse(r->body, nullptr, false) : json();
  }
  static void scenario(const std::string& name) { post("/_fake/scenario?set=" + name); }

  static Provider anthropic() { return {Kind::kAnthropic, "anthropic", fake_->url(), kAnthropicKey, "claude-sonnet-4-6", "", ""}; }
  static Provider openai() { return {Kind::kOpenAI, "openai", fake_->url() + "/v1", kOpenAIKey, "gpt-5-mini", "", ""}; }
  static Provider compat() { return {Kind::kCompatible, "llama.cpp", fake_->url() + "/compat/v1", "", "qwen3-8b", "", ""}; }

  // The recorded LLM requests (chat paths only), oldest first.
  static std::vector<json> chat_requests() {
    std::vector<json> out;
    for (const json& r : get("/_fake/requests"))
      if (r.value("method", "") == "POST" && r.value("path", "").find("/_fake") == std::string::npos) out.push_back(r);
    return out;
  }
  static std::string header(const json& rec, std::string name) {
    for (auto it = rec["headers"].begin(); it != rec["headers"].end(); ++it) {
      std::string k = it.key();
      std::transform(k.begin(), k.end(), k.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (k == name) return it.value().get<std::string>();
    }
    return "";
  }

  // Waits up to `ms` for the newest stream in /_fake/llm/streams to satisfy `pred`.
  template <class Pred>
  static json newest_stream_when(Pred pred, int ms = 1000) {
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    json last;
    do {
      const json all = get("/_fake/llm/streams");
      if (all.is_array() && !all.empty()) {
        last = all.back();
        if (pred(last)) return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (Clock::now() < until);
    return last;
  }

  static FakeUpstreams* fake_;
};

FakeUpstreams* Llm::fake_ = nullptr;

struct Seen {
  std::vector<std::string> deltas;
  Callbacks callbacks() {
    Callbacks cb;
    cb.on_text = [this](std::string_view t) {
      deltas.emplace_back(t);
      return true;
    };
    return cb;
  }
  std::string joined() const {
    std::string s;
    for (const auto& d : deltas) s += d;
    return s;
  }
};

void expect_insights_text(const Result& r) {
  EXPECT_NE(r.text.find("Brand Search \xE2\x80\x94 roas at 8.08x"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("+23% vs previous 30 days"), std::string::npos) << r.text;
}

TEST_F(Llm, AnthropicStreamsTextAsItArrives) {
  Seen seen;
  const Result r = chat(anthropic(), insights(), seen.callbacks());
  ASSERT_TRUE(r.complete) << r.failure << " " << r.message;
  EXPECT_EQ(r.failure, "");
  EXPECT_EQ(r.stop_reason, "end_turn");
  EXPECT_GE(seen.deltas.size(), 3u);
  EXPECT_EQ(seen.joined(), r.text);
  expect_insights_text(r);
  EXPECT_TRUE(r.tool_calls.empty());
  EXPECT_GT(r.usage.input_tokens, 0);
  EXPECT_GT(r.usage.output_tokens, 1);  // the cumulative message_delta figure, not message_start's
  EXPECT_EQ(r.model.rfind("claude-", 0), 0u) << r.model;
  EXPECT_EQ(r.request_id.rfind("req_", 0), 0u) << r.request_id;
  EXPECT_EQ(r.status, 200);
}

TEST_F(Llm, OpenAIStreamsTextAsItArrives) {
  Seen seen;
  const Result r = chat(openai(), insights(), seen.callbacks());
  ASSERT_TRUE(r.complete) << r.failure << " " << r.message;
  EXPECT_EQ(r.stop_reason, "stop");
  EXPECT_GE(seen.deltas.size(), 3u);
  EXPECT_EQ(seen.joined(), r.text);
  expect_insights_text(r);
  EXPECT_GT(r.usage.input_tokens, 0);  // from the include_usage chunk
  EXPECT_GT(r.usage.output_tokens, 0);
  EXPECT_FALSE(r.request_id.empty());
}

TEST_F(Llm, WithoutDataOrToolsTheFakeSaysSo) {
  Request q;
  q.turns.push_back(turn(Turn::Role::kUser, "Hello"));
  for (const Provider& p : {anthropic(), openai(), compat()}) {
    const Result r = chat(p, q);
    EXPECT_TRUE(r.complete) << p.name << ": " << r.failure << " " << r.message;
    EXPECT_EQ(r.text, "I have no data to describe.") << p.name;
  }
}

void tool_round_trip(const Provider& p, const std::string& tool_stop) {
  Request q = tool_question();
  const Result first = chat(p, q);
  ASSERT_TRUE(first.complete) << p.name << ": " << first.failure << " " << first.message;
  EXPECT_EQ(first.stop_reason, tool_stop);
  ASSERT_EQ(first.tool_calls.size(), 1u) << first.text;
  const ToolCall& call = first.tool_calls[0];
  EXPECT_EQ(call.name, "query_metrics");
  EXPECT_FALSE(call.id.empty());
  const json input = json::parse(call.input, nullptr, false);
  ASSERT_FALSE(input.is_discarded()) << call.input;
  EXPECT_EQ(input["metrics"], json::array({"cpc"})) << call.input;
  EXPECT_EQ(input["period"], "last_7_days");
  EXPECT_EQ(input["group_by"], "platform");

  if (!first.text.empty()) q.turns.push_back(turn(Turn::Role::kAssistant, first.text));
  q.turns.push_back(turn(Turn::Role::kToolCall, "", call.id, call.name, call.input));
  q.turns.push_back(turn(Turn::Role::kToolResult, kToolResult, call.id));
  Seen seen;
  const Result second = chat(p, q, seen.callbacks());
  ASSERT_TRUE(second.complete) << p.name << ": " << second.failure << " " << second.message;
  EXPECT_TRUE(second.tool_calls.empty());
  EXPECT_EQ(second.text.rfind("From 2026-10-03 to 2026-10-09, ", 0), 0u) << second.text;
  EXPECT_NE(second.text.find("$1.23"), std::string::npos) << second.text;
  EXPECT_NE(second.text.find("$0.50"), std::string::npos) << second.text;
  EXPECT_EQ(seen.joined(), second.text);
}

TEST_F(Llm, AnthropicToolUseRoundTrip) {
  tool_round_trip(anthropic(), "tool_use");
  // The second request carried the tool_use and its tool_result.
  const auto reqs = chat_requests();
  ASSERT_EQ(reqs.size(), 2u);
  const json body = json::parse(reqs[1]["body"].get<std::string>());
  const json& msgs = body["messages"];
  ASSERT_EQ(msgs.size(), 3u) << msgs.dump();
  EXPECT_EQ(msgs[1]["role"], "assistant");
  EXPECT_EQ(msgs[1]["content"].back()["type"], "tool_use");
  EXPECT_TRUE(msgs[1]["content"].back()["input"].is_object());
  EXPECT_EQ(msgs[2]["role"], "user");
  EXPECT_EQ(msgs[2]["content"][0]["type"], "tool_result");
  EXPECT_EQ(msgs[2]["content"][0]["tool_use_id"], msgs[1]["content"].back()["id"]);
  EXPECT_EQ(body["tools"][0]["cache_control"]["type"], "ephemeral");
  EXPECT_EQ(body["tools"][0]["input_schema"]["type"], "object");
}

TEST_F(Llm, OpenAIToolUseRoundTrip) {
  tool_round_trip(openai(), "tool_calls");
  const auto reqs = chat_requests();
  ASSERT_EQ(reqs.size(), 2u);
  const json body = json::parse(reqs[1]["body"].get<std::string>());
  const json& msgs = body["messages"];
  const json& call_msg = msgs[msgs.size() - 2];
  EXPECT_EQ(call_msg["role"], "assistant");
  EXPECT_EQ(call_msg["tool_calls"][0]["type"], "function");
  EXPECT_EQ(call_msg["tool_calls"][0]["function"]["name"], "query_metrics");
  EXPECT_TRUE(call_msg["tool_calls"][0]["function"]["arguments"].is_string());
  EXPECT_EQ(msgs.back()["role"], "tool");
  EXPECT_EQ(msgs.back()["tool_call_id"], call_msg["tool_calls"][0]["id"]);
  EXPECT_EQ(body["tools"][0]["type"], "function");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"]["type"], "object");
}

TEST_F(Llm, CompatibleServerToolUseRoundTrip) { tool_round_trip(compat(), "tool_calls"); }

TEST_F(Llm, RateLimitedWithRetryAfter) {
  scenario("anthropic_429");
  const Result a = chat(anthropic(), insights());
  EXPECT_FALSE(a.complete);
  EXPECT_EQ(a.failure, "http");
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.error_type, "rate_limit_error");
  EXPECT_EQ(a.retry_after_s, 1);
  EXPECT_TRUE(a.retryable);
  EXPECT_EQ(a.request_id.rfind("req_", 0), 0u);
  EXPECT_TRUE(a.text.empty());

  scenario("openai_429");
  const Result o = chat(openai(), insights());
  EXPECT_EQ(o.failure, "http");
  EXPECT_EQ(o.status, 429);
  EXPECT_EQ(o.retry_after_s, 1);
  EXPECT_TRUE(o.retryable);
  EXPECT_FALSE(o.error_type.empty());
  EXPECT_NE(o.error_type, "insufficient_quota");
}

TEST_F(Llm, RateLimitedOnceThenAnswers) {
  scenario("anthropic_429_once");
  EXPECT_EQ(chat(anthropic(), insights()).status, 429);
  EXPECT_TRUE(chat(anthropic(), insights()).complete);  // retrying is the caller's
}

TEST_F(Llm, OverloadedIsRetryable) {
  scenario("anthropic_529");
  const Result a = chat(anthropic(), insights());
  EXPECT_EQ(a.failure, "http");
  EXPECT_EQ(a.status, 529);
  EXPECT_EQ(a.error_type, "overloaded_error");
  EXPECT_EQ(a.retry_after_s, 1);
  EXPECT_TRUE(a.retryable);

  scenario("openai_529");
  const Result o = chat(openai(), insights());
  EXPECT_EQ(o.failure, "http");
  EXPECT_EQ(o.status, 503);
  EXPECT_TRUE(o.retryable);
}

TEST_F(Llm, SpendLimitIsNotRetryable) {
  scenario("anthropic_spend_limit");
  const Result a = chat(anthropic(), insights());
  EXPECT_EQ(a.failure, "http");
  EXPECT_EQ(a.status, 429);
  EXPECT_EQ(a.error_type, "enforced_spend_limit_reached");
  EXPECT_FALSE(a.retryable);
  EXPECT_NE(a.message.find("usage limits"), std::string::npos) << a.message;

  scenario("openai_spend_limit");
  const Result o = chat(openai(), insights());
  EXPECT_EQ(o.status, 429);
  EXPECT_EQ(o.error_type, "insufficient_quota");
  EXPECT_FALSE(o.retryable);
}

TEST_F(Llm, OverloadedMidStreamIsAnIncompleteStreamError) {
  for (const auto& [p, name] : {std::pair{anthropic(), "anthropic_overloaded_midstream"}, std::pair{openai(), "openai_overloaded_midstream"}}) {
    scenario(name);
    Seen seen;
    const Result r = chat(p, insights(), seen.callbacks());
    EXPECT_FALSE(r.complete) << p.name;
    EXPECT_EQ(r.failure, "stream_error") << p.name << " " << r.message;
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.retryable) << p.name << " " << r.error_type;
    EXPECT_FALSE(seen.deltas.empty()) << p.name;  // some deltas came first
    EXPECT_EQ(seen.joined(), r.text);
    if (p.kind == Kind::kAnthropic) {
      EXPECT_EQ(r.error_type, "overloaded_error");
    }
  }
}

TEST_F(Llm, CutStreamIsIncomplete) {
  for (const auto& [p, name] : {std::pair{anthropic(), "anthropic_cut"}, std::pair{openai(), "openai_cut"}, std::pair{compat(), "openai_cut"}}) {
    scenario(name);
    const Result r = chat(p, insights());
    EXPECT_FALSE(r.complete) << p.name;
    EXPECT_EQ(r.failure, "cut") << p.name << " " << r.message;
    EXPECT_TRUE(r.retryable);
    EXPECT_FALSE(r.text.empty()) << p.name;
  }
}

TEST_F(Llm, TokenLimitStopIsIncomplete) {
  scenario("anthropic_max_tokens");
  const Result a = chat(anthropic(), insights());
  EXPECT_FALSE(a.complete);
  EXPECT_EQ(a.failure, "length");
  EXPECT_EQ(a.stop_reason, "max_tokens");
  EXPECT_FALSE(a.text.empty());
  EXPECT_FALSE(a.retryable);

  scenario("openai_max_tokens");
  const Result o = chat(openai(), insights());
  EXPECT_FALSE(o.complete);
  EXPECT_EQ(o.failure, "length");
  EXPECT_EQ(o.stop_reason, "length");
  EXPECT_FALSE(o.text.empty());
}

TEST_F(Llm, FragmentedAndPingedStreamsGiveTheSameAnswer) {
  for (const Provider& p : {anthropic(), openai(), compat()}) {
    const std::string prefix = p.kind == Kind::kAnthropic ? "anthropic_" : "openai_";
    post("/_fake/scenario?clear_all=1");
    const Result plain = chat(p, insights());
    ASSERT_TRUE(plain.complete) << p.name;
    for (const char* s : {"fragmented", "ping"}) {
      post("/_fake/scenario?clear_all=1");
      scenario(prefix + s);
      Seen seen;
      const Result r = chat(p, insights(), seen.callbacks());
      EXPECT_TRUE(r.complete) << p.name << " " << s << ": " << r.failure << " " << r.message;
      EXPECT_EQ(r.text, plain.text) << p.name << " " << s;
      EXPECT_EQ(seen.joined(), r.text);
      EXPECT_EQ(r.stop_reason, plain.stop_reason);
    }
    post("/_fake/scenario?clear_all=1");
    scenario(prefix + "fragmented");
    const Result tool = chat(p, tool_question());
    ASSERT_EQ(tool.tool_calls.size(), 1u) << p.name;
    EXPECT_EQ(json::parse(tool.tool_calls[0].input)["group_by"], "platform");
  }
}

TEST_F(Llm, AbortFromOnTextStopsTheStream) {
  for (const Provider& p : {anthropic(), openai()}) {
    scenario(p.kind == Kind::kAnthropic ? "anthropic_slow" : "openai_slow");
    int calls = 0;
    Callbacks cb;
    cb.on_text = [&](std::string_view) { return ++calls < 2; };
    const auto start = Clock::now();
    const Result r = chat(p, insights(), cb);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    EXPECT_EQ(calls, 2) << p.name;
    EXPECT_FALSE(r.complete);
    EXPECT_EQ(r.failure, "aborted") << p.name;
    EXPECT_FALSE(r.retryable);
    EXPECT_LT(took, 3000) << p.name;  // 24 deltas at 250 ms would take 6 s
    const json s = newest_stream_when([](const json& x) { return x.value("aborted", false); });
    EXPECT_TRUE(s.value("aborted", false)) << p.name << " " << s.dump();
    EXPECT_FALSE(s.value("finished", true)) << s.dump();
  }
}

TEST_F(Llm, AbortFromKeepGoingStopsWithinAFewHundredMs) {
  for (const Provider& p : {anthropic(), openai()}) {
    scenario(p.kind == Kind::kAnthropic ? "anthropic_slow" : "openai_slow");
    const auto start = Clock::now();
    std::atomic<bool> go{true};
    Callbacks cb;
    cb.keep_going = [&] { return go.load(); };
    int texts = 0;
    cb.on_text = [&](std::string_view) {
      ++texts;
      return true;
    };
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
      go = false;
    });
    const Result r = chat(p, insights(), cb);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    stopper.join();
    EXPECT_EQ(r.failure, "aborted") << p.name << " " << r.message;
    EXPECT_GE(took, 600);
    EXPECT_LT(took, 600 + 250) << p.name;  // polled every 50 ms, bytes or not
    EXPECT_GE(texts, 1);
    const json s = newest_stream_when([](const json& x) { return x.value("aborted", false); });
    EXPECT_TRUE(s.value("aborted", false)) << p.name << " " << s.dump();
  }
}

TEST_F(Llm, IdleTimeoutCutsAStalledStream) {
  scenario("anthropic_slow");
  Request q = insights();
  q.idle_timeout_ms = 120;  // the slow fake waits 250 ms between deltas
  const auto start = Clock::now();
  const Result r = chat(anthropic(), q);
  EXPECT_EQ(r.failure, "timeout") << r.message;
  EXPECT_TRUE(r.retryable);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count(), 2000);
}

TEST_F(Llm, TotalTimeout) {
  scenario("openai_slow");
  Request q = insights();
  q.total_timeout_ms = 700;
  const Result r = chat(openai(), q);
  EXPECT_EQ(r.failure, "timeout") << r.message;
  EXPECT_TRUE(r.retryable);
}

TEST_F(Llm, WrongKeyIsRejectedWithoutEchoingIt) {
  Provider a = anthropic();
  a.api_key = "sk-ant-wrong-SECRET123456789";
  const Result ra = chat(a, insights());
  EXPECT_EQ(ra.failure, "http");
  EXPECT_EQ(ra.status, 401);
  EXPECT_FALSE(ra.retryable);
  EXPECT_EQ(ra.error_type, "authentication_error");
  EXPECT_EQ(ra.message.find("SECRET123456789"), std::string::npos) << ra.message;

  Provider o = openai();
  o.api_key = "sk-wrong-SECRET123456789";
  const Result ro = chat(o, insights());
  EXPECT_EQ(ro.status, 401);
  EXPECT_FALSE(ro.retryable);
  EXPECT_FALSE(ro.message.empty());
  EXPECT_EQ(ro.message.find("SECRET"), std::string::npos) << ro.message;
  EXPECT_EQ(ro.message.find("6789"), std::string::npos) << ro.message;  // not even the masked tail
}

TEST_F(Llm, CompatibleServerGetsMaxTokensAndSystemRole) {
  Seen seen;
  const Result r = chat(compat(), insights(), seen.callbacks());
  ASSERT_TRUE(r.complete) << r.failure << " " << r.message;
  expect_insights_text(r);
  EXPECT_EQ(seen.joined(), r.text);
  EXPECT_EQ(r.usage.input_tokens, 0);  // no usage chunk: tolerated
  const auto reqs = chat_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["path"], "/compat/v1/chat/completions");
  EXPECT_EQ(header(reqs[0], "authorization"), "");  // no key configured: none sent
  const json body = json::parse(reqs[0]["body"].get<std::string>());
  EXPECT_EQ(body["max_tokens"], 800);
  EXPECT_FALSE(body.contains("max_completion_tokens"));
  EXPECT_FALSE(body.contains("stream_options"));
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["stream"], true);
}

TEST_F(Llm, ProviderOverridesOfTokenParamAndRole) {
  Provider c = compat();
  c.system_role = "developer";  // a server that does not know it: non-OpenAI-shaped 400
  const Result rc = chat(c, insights());
  EXPECT_EQ(rc.failure, "http");
  EXPECT_EQ(rc.status, 400);
  EXPECT_FALSE(rc.retryable);
  EXPECT_NE(rc.message.find("unknown role developer"), std::string::npos) << rc.message;

  Provider o = openai();
  o.token_param = "max_tokens";  // OpenAI rejects it for newer models
  const Result ro = chat(o, insights());
  EXPECT_EQ(ro.status, 400);
  EXPECT_FALSE(ro.retryable);
  EXPECT_NE(ro.message.find("max_completion_tokens"), std::string::npos) << ro.message;

  Provider s = openai();
  s.system_role = "system";
  EXPECT_TRUE(chat(s, insights()).complete);
  EXPECT_EQ(json::parse(chat_requests().back()["body"].get<std::string>())["messages"][0]["role"], "system");
}

TEST_F(Llm, NoServerIsATransportFailure) {
  Provider p = anthropic();
  p.base_url = "http://127.0.0.1:9";  // discard port: nothing listens
  const Result r = chat(p, insights());
  EXPECT_EQ(r.failure, "transport");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.retryable);
  EXPECT_EQ(r.message.find(kAnthropicKey), std::string::npos);
}

TEST_F(Llm, AnthropicRequestAsRecorded) {
  ASSERT_TRUE(chat(anthropic(), insights()).complete);
  const auto reqs = chat_requests();
  ASSERT_EQ(reqs.size(), 1u);
  const json& rec = reqs[0];
  EXPECT_EQ(rec["path"], "/v1/messages");
  EXPECT_EQ(rec["query"], "");
  EXPECT_EQ(header(rec, "x-api-key"), kAnthropicKey);
  EXPECT_EQ(header(rec, "anthropic-version"), "2023-06-01");
  EXPECT_EQ(header(rec, "content-type"), "application/json");
  EXPECT_EQ(header(rec, "authorization"), "");
  const std::string raw = rec["body"].get<std::string>();
  EXPECT_EQ(raw.find(kAnthropicKey), std::string::npos);
  const json body = json::parse(raw);
  EXPECT_EQ(body["model"], "claude-sonnet-4-6");
  EXPECT_EQ(body["max_tokens"], 800);
  EXPECT_EQ(body["stream"], true);
  ASSERT_TRUE(body["system"].is_array());
  EXPECT_EQ(body["system"][0]["type"], "text");
  EXPECT_EQ(body["system"][0]["cache_control"]["type"], "ephemeral");
  const json& first = body["messages"][0];
  EXPECT_EQ(first["role"], "user");
  ASSERT_EQ(first["content"].size(), 2u);
  EXPECT_EQ(first["content"][0]["type"], "document");
  EXPECT_EQ(first["content"][0]["source"]["type"], "text");
  EXPECT_EQ(first["content"][0]["source"]["media_type"], "text/plain");
  EXPECT_EQ(first["content"][0]["source"]["data"], document());
  EXPECT_EQ(first["content"][0]["title"], "glint facts");
  EXPECT_EQ(first["content"][0]["cache_control"]["type"], "ephemeral");
  EXPECT_EQ(first["content"][1]["type"], "text");
  EXPECT_FALSE(body.contains("tools"));
}

TEST_F(Llm, OpenAIRequestAsRecorded) {
  ASSERT_TRUE(chat(openai(), insights()).complete);
  const auto reqs = chat_requests();
  ASSERT_EQ(reqs.size(), 1u);
  const json& rec = reqs[0];
  EXPECT_EQ(rec["path"], "/v1/chat/completions");
  EXPECT_EQ(rec["query"], "");
  EXPECT_EQ(header(rec, "authorization"), std::string("Bearer ") + kOpenAIKey);
  const std::string raw = rec["body"].get<std::string>();
  EXPECT_EQ(raw.find(kOpenAIKey), std::string::npos);
  const json body = json::parse(raw);
  EXPECT_EQ(body["max_completion_tokens"], 800);
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(body["messages"][0]["role"], "developer");
  EXPECT_EQ(body["messages"][1]["role"], "user");
  EXPECT_EQ(body["messages"][1]["content"], "<data>\n" + document() + "\n</data>\nWrite the insights for this period.");
}

TEST_F(Llm, PromptCachingIsReported) {
  Request q = insights();
  q.system = std::string(6000, 'x') + " Be precise.";  // over the 1024-token minimum
  const Result first = chat(anthropic(), q);
  ASSERT_TRUE(first.complete);
  EXPECT_GT(first.usage.cache_creation_tokens, 0);
  const Result second = chat(anthropic(), q);
  EXPECT_GT(second.usage.cache_read_tokens, 0);

  const Result o1 = chat(openai(), q);
  ASSERT_TRUE(o1.complete);
  const Result o2 = chat(openai(), q);
  EXPECT_GT(o2.usage.cache_read_tokens, 0);
}

}  // namespace
}  // namespace glint::connectors::llm
