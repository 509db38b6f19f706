// Written insights (issue 16): quick insights and their streams, the
// snapshot, bronze follow-ups, async insight tasks, chat and the Metricx
// copilot, and a workspace's own LLM keys. The writing is llm/insights.h;
// here requests are read and answers framed (JSON or SSE).
#include <chrono>

#include "auth/crypto.h"
#include "http/app.h"
#include "llm/insights.h"
#include "vault/credentials.h"

namespace glint::native {

namespace {

using Clock = std::chrono::steady_clock;

// glint's own SSE (platform-apis.md §11, producer rules): whole events,
// JSON-encoded data (never a raw newline), a comment heartbeat while waiting
// — every 250 ms, so a client that went away is noticed (the write fails)
// within a second and the upstream request is aborted.
class SseOut {
 public:
  explicit SseOut(httplib::DataSink& sink) : sink_(sink), last_(Clock::now()) {}
  bool event(const json& data) { return write("data: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n"); }
  bool alive() {
    if (gone_) return false;
    if (Clock::now() - last_ >= std::chrono::milliseconds(250)) return write(": keepalive\n\n");
    return true;
  }
  bool gone() const { return gone_; }

 private:
  bool write(const std::string& s) {
    if (gone_) return false;
    if (!sink_.is_writable() || !sink_.write(s.data(), s.size())) {
      gone_ = true;
      return false;
    }
    last_ = Clock::now();
    return true;
  }
  httplib::DataSink& sink_;
  Clock::time_point last_;
  bool gone_ = false;
};

// Answers with an event stream written by `body` once the headers are out.
void stream(Ctx& c, std::function<void(SseOut&)> body) {
  c.res.set_header("Cache-Control", "no-cache");
  c.res.set_header("X-Accel-Buffering", "no");
  auto fn = std::make_shared<std::function<void(SseOut&)>>(std::move(body));
  c.res.set_chunked_content_provider("text/event-stream", [fn](size_t, httplib::DataSink& sink) {
    SseOut out(sink);
    try {
      (*fn)(out);
    } catch (const HttpError& e) {
      out.event({{"error", {{"code", e.code}, {"detail", e.detail}}}, {"done", true}});
    } catch (const std::exception&) {
      std::fprintf(stderr, "{\"level\":\"error\",\"route\":\"sse\",\"error\":\"exception\"}\n");
      out.event({{"error", {{"code", "internal"}, {"detail", "internal error"}}}, {"done", true}});
    }
    sink.done();
    return true;
  });
}

// The seeds' quick-insight stream: {"chunk", "done": false} … {"chunk": "", "done": true, …}.
llm::Sink chunk_sink(SseOut& out) {
  llm::Sink s;
  s.chunk = [&out](const std::string& text) { return out.event({{"chunk", text}, {"done", false}}); };
  s.restart = [&out](const std::string& why) { return out.event({{"chunk", ""}, {"done", false}, {"restart", true}, {"reason", why}}); };
  s.alive = [&out] { return out.alive(); };
  return s;
}

// Metricx's copilot stream: {"type": "token", "data"} … {"type": "done", "data": {…}}.
llm::Sink token_sink(SseOut& out) {
  llm::Sink s;
  s.chunk = [&out](const std::string& text) { return out.event({{"type", "token"}, {"data", text}}); };
  s.restart = [&out](const std::string& why) { return out.event({{"type", "restart"}, {"data", why}}); };
  s.alive = [&out] { return out.alive(); };
  return s;
}

Insights& service(App& app) {
  if (app.insights == nullptr) throw HttpError{503, "starting", "written insights are not ready yet; try again"};
  return *app.insights;
}
Insights& service(Ctx& c) { return service(c.app); }

std::vector<std::string> platforms_param(const json& b) {
  std::vector<std::string> out;
  auto valid = [](const std::string& p) {
    if (p.empty() || p.size() > 40) return false;
    for (char ch : p) {
      if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) || ch == '_')) return false;
    }
    return true;
  };
  if (!b.is_object() || !b.contains("platforms") || b["platforms"].is_null()) return out;
  const json& p = b["platforms"];
  if (p.is_array()) {
    for (const json& v : p) {
      if (!v.is_string() || !valid(v.get<std::string>())) throw HttpError{422, "invalid_parameter", "'platforms' must list platform names such as google_ads, meta_ads, ga4"};
      out.push_back(v.get<std::string>());
    }
  } else if (p.is_object()) {
    for (const auto& [k, v] : p.items()) {
      if (!v.is_boolean() || !valid(k)) throw HttpError{422, "invalid_parameter", "'platforms' must map platform names to true or false"};
      if (v.get<bool>()) out.push_back(k);
    }
    if (out.empty()) throw HttpError{422, "invalid_parameter", "'platforms' turns every platform off: leave one on"};
  } else {
    throw HttpError{422, "invalid_parameter", "'platforms' must be a list of platform names or an object of toggles"};
  }
  return out;
}

InsightRequest insight_request(Ctx& c, const json& b, const std::string& kind) {
  InsightRequest r;
  r.kind = kind;
  r.days = days_param(c, b);
  r.date_range = std::to_string(r.days) + "_days";
  r.platforms = platforms_param(b);
  if (auto l = c.param(b, "locale")) {
    if (l->size() > 20) throw HttpError{422, "invalid_parameter", "'locale' is a language tag such as en, de or pt-BR"};
    r.locale = *l;
  }
  return r;
}

json elapsed_ms(Clock::time_point start) { return std::chrono::duration<double, std::milli>(Clock::now() - start).count(); }

json done_event(const json& answer, Clock::time_point start) {
  json d = {{"chunk", ""}, {"done", true}, {"total_tokens", answer.value("total_tokens", int64_t{0})}};
  for (const char* k : {"verified", "facts", "unverified_numbers", "provider", "model", "fallback", "note", "cached", "notes",
                        "sources", "data_sources", "attempts", "insight_type", "date_range"}) {
    if (answer.contains(k)) d[k] = answer[k];
  }
  d["response_time_ms"] = elapsed_ms(start);
  return d;
}

json task_json(const InsightTask& t) {
  json out = {{"task_id", t.public_id}, {"status", t.status}, {"insight_type", t.kind}, {"progress", t.progress},
              {"message", t.message}, {"created_at", iso_of(t.created_at)},
              {"started_at", t.started_at ? json(iso_of(*t.started_at)) : json(nullptr)},
              {"completed_at", t.completed_at ? json(iso_of(*t.completed_at)) : json(nullptr)},
              {"attempts", t.attempts}};
  if (t.status == "completed" && t.result) out["result"] = json::parse(*t.result, nullptr, false);
  if (t.status == "failed") out["error"] = t.error.value_or("failed");
  return out;
}

std::string question_param(Ctx& c, const json& b) {
  std::optional<std::string> q = c.param(b, "message");
  if (!q) q = c.param(b, "question");
  if (!q) q = c.param(b, "query");
  if (!q || q->empty()) throw HttpError{422, "missing_parameter", "'message' (the question) is required"};
  if (q->size() > 4000) throw HttpError{422, "invalid_parameter", "'message' is longer than 4,000 characters"};
  return *q;
}

std::string conversation_param(Ctx& c, const json& b) {
  std::optional<std::string> id = c.param(b, "conversation_id");
  if (!id) id = c.param(b, "session_key");
  if (!id || id->empty()) return "conv_" + crypto::random_hex(12);
  if (id->size() > 64) throw HttpError{422, "invalid_parameter", "'conversation_id' is at most 64 characters"};
  return *id;
}

// Runs one chat turn and stores both sides of it.
json chat_turn(App& app, const Tenant& t, const User& u, const std::string& question, const std::string& conversation,
               const std::string& locale, const llm::Sink& sink) {
  json out = service(app).chat(t, u, question, conversation, locale, sink);
  if (out.value("aborted", false)) return out;
  app.store.add_chat_message(u.id, t.id, conversation, "user", question, "{}");
  json meta = {{"verified", out["verified"]}, {"facts", out["facts"]}, {"provider", out["provider"]}, {"model", out["model"]},
               {"tool_calls", out["tool_calls"]}, {"fallback", out["fallback"]}, {"note", out["note"]}};
  const ChatMessage m = app.store.add_chat_message(u.id, t.id, conversation, "assistant", out.value("response", ""),
                                                     meta.dump(-1, ' ', false, json::error_handler_t::replace));
  out["message_id"] = m.public_id;
  return out;
}

const char* const kKeyProviders = "(anthropic|openai)";

json key_status(const std::string& provider, const std::optional<Credential>& cred, App& app) {
  json out = {{"provider", provider}, {"configured", cred.has_value()}};
  if (cred) {
    const json details = json::parse(cred->details, nullptr, false);
    out["model"] = details.is_object() ? details.value("model", "") : "";
    out["key_hint"] = cred->label;
    out["created_at"] = cred->created_at;
  }
  (void)app;
  return out;
}

}  // namespace

void register_insight_routes(Router& r, App& app) {
  (void)app;
  const RouteOptions insights{.auth = true, .rate_group = "insights"};
  const RouteOptions chat{.auth = true, .rate_group = "chat"};

  r.add("POST", "/api/quick-insights/(grow|optimize|protect|summary)", insights, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    const InsightRequest req = insight_request(c, b, c.capture(1));
    json out = service(c).answer(c.current_tenant(), req, {});
    out["response_time_ms"] = elapsed_ms(start);
    c.send(200, out);
  });
  r.add("POST", "/api/quick-insights/(grow|optimize|protect|summary)/stream", insights, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    const InsightRequest req = insight_request(c, b, c.capture(1));
    const Tenant t = c.current_tenant();
    Insights& s = service(c);
    stream(c, [&s, t, req, start](SseOut& out) {
      const json answer = s.answer(t, req, chunk_sink(out));
      if (!out.gone()) out.event(done_event(answer, start));
    });
  });
  r.add("POST", "/api/snapshot/generate", insights, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    json out = service(c).answer(c.current_tenant(), insight_request(c, b, "snapshot"), {});
    out["response_time_ms"] = elapsed_ms(start);
    c.send(200, out);
  });
  r.add("POST", "/api/snapshot/stream", insights, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    const InsightRequest req = insight_request(c, b, "snapshot");
    const Tenant t = c.current_tenant();
    Insights& s = service(c);
    stream(c, [&s, t, req, start](SseOut& out) {
      const json answer = s.answer(t, req, chunk_sink(out));
      if (!out.gone()) out.event(done_event(answer, start));
    });
  });
  r.add("POST", "/comprehensive-insights", insights, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    json out = service(c).answer(c.current_tenant(), insight_request(c, b, "comprehensive"), {});
    out["response_time_ms"] = elapsed_ms(start);
    c.send(200, out);
  });
  r.add("POST", "/api/onboarding/grow-summary/stream", insights, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    const InsightRequest req = insight_request(c, b, "onboarding");
    const Tenant t = c.current_tenant();
    Insights& s = service(c);
    stream(c, [&s, t, req, start](SseOut& out) {
      const json answer = s.answer(t, req, chunk_sink(out));
      if (!out.gone()) out.event(done_event(answer, start));
    });
  });
  r.add("POST", "/api/bronze/followup", insights, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    InsightRequest req = insight_request(c, b, "followup");
    const auto fact = c.param(b, "fact_id");
    if (!fact || fact->empty()) throw HttpError{422, "missing_parameter", "'fact_id' (an id from /api/bronze/highlight) is required"};
    if (fact->size() > 300) throw HttpError{422, "invalid_parameter", "'fact_id' is too long"};
    req.fact_id = *fact;
    req.question = c.param(b, "question").value_or("Why does this matter, and what should I do?");
    if (req.question.size() > 2000) throw HttpError{422, "invalid_parameter", "'question' is longer than 2,000 characters"};
    json out = service(c).answer(c.current_tenant(), req, {});
    out["fact_id"] = req.fact_id;
    out["question"] = req.question;
    out["response_time_ms"] = elapsed_ms(start);
    c.send(200, out);
  });
  r.add("GET", "/api/bronze/prefetch-status", {}, [](Ctx& c) {
    const json b = json::object();
    c.send(200, service(c).prefetch_status(c.current_tenant(), days_param(c, b)));
  });

  r.add("POST", "/api/insights/(grow|optimize|protect)/async", insights, [](Ctx& c) {
    const json b = c.body();
    const InsightRequest req = insight_request(c, b, c.capture(1));
    const InsightTask t = service(c).submit(c.me(), c.current_tenant(), req);
    json out = task_json(t);
    out["success"] = true;
    out["poll_url"] = "/api/insights/task/" + t.public_id;
    c.send(202, out);
  });
  r.add("GET", "/api/insights/task/(task_[0-9a-f]{32})", {}, [](Ctx& c) {
    const auto t = c.app.store.insight_task(c.capture(1), c.me().id);
    if (!t || !c.app.store.tenant_by_id_for(t->tenant_id, c.me().id)) throw HttpError{404, "not_found", "no such task"};
    c.send(200, task_json(*t));
  });
  r.add("DELETE", "/api/insights/task/(task_[0-9a-f]{32})", {}, [](Ctx& c) {
    const auto before = c.app.store.insight_task(c.capture(1), c.me().id);
    if (!before || !c.app.store.tenant_by_id_for(before->tenant_id, c.me().id)) throw HttpError{404, "not_found", "no such task"};
    if (before->status != "pending" && before->status != "processing") {
      throw HttpError{409, "task_finished", "the task has already ended (" + before->status + ")"};
    }
    const auto t = c.app.store.cancel_insight_task(c.capture(1), c.me().id, now_unix());
    service(c).cancelled(t->id);
    c.send(200, task_json(*t));
  });

  r.add("POST", "/api/chat", chat, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    const std::string q = question_param(c, b), conversation = conversation_param(c, b);
    const std::string locale = c.param(b, "locale").value_or("");
    json out = chat_turn(c.app, c.current_tenant(), c.me(), q, conversation, locale, {});
    out["response_time_ms"] = elapsed_ms(start);
    c.send(200, out);
  });
  r.add("POST", "/qa/agent/sync", chat, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    const std::string q = question_param(c, b), conversation = conversation_param(c, b);
    json out = chat_turn(c.app, c.current_tenant(), c.me(), q, conversation, c.param(b, "locale").value_or(""), {});
    out["answer"] = out["response"];
    out["response_time_ms"] = elapsed_ms(start);
    c.send(200, out);
  });
  r.add("POST", "/qa/agent/sse", chat, [](Ctx& c) {
    const auto start = Clock::now();
    const json b = c.body();
    const std::string q = question_param(c, b), conversation = conversation_param(c, b);
    const std::string locale = c.param(b, "locale").value_or("");
    const Tenant t = c.current_tenant();
    const User u = c.me();
    App* a = &c.app;
    stream(c, [a, t, u, q, conversation, locale, start](SseOut& out) {
      json answer = chat_turn(*a, t, u, q, conversation, locale, token_sink(out));
      if (out.gone()) return;
      json data = answer;
      data.erase("response");
      data.erase("success");
      data["response_time_ms"] = elapsed_ms(start);
      out.event({{"type", "done"}, {"data", data}});
    });
  });
  r.add("GET", "/qa/history", {}, [](Ctx& c) {
    const Tenant t = c.current_tenant();
    const std::string conversation = c.req.has_param("conversation_id") ? c.req.get_param_value("conversation_id") : "";
    int limit = 50;
    if (c.req.has_param("limit")) {
      char* end = nullptr;
      const std::string v = c.req.get_param_value("limit");
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 1 || n > 500) throw HttpError{422, "invalid_parameter", "'limit' must be from 1 to 500"};
      limit = static_cast<int>(n);
    }
    json items = json::array();
    for (const ChatMessage& m : c.app.store.chat_messages(c.me().id, t.id, conversation, limit)) {
      json item = {{"message_id", m.public_id}, {"conversation_id", m.conversation_id}, {"role", m.role}, {"content", m.content},
                   {"created_at", iso_of(m.created_at)}};
      const json meta = json::parse(m.meta, nullptr, false);
      if (m.role == "assistant" && meta.is_object()) {
        for (const char* k : {"verified", "facts", "provider", "model", "fallback", "note"}) {
          if (meta.contains(k)) item[k] = meta[k];
        }
      }
      item["feedback"] = m.feedback ? json::parse(*m.feedback, nullptr, false) : json(nullptr);
      items.push_back(std::move(item));
    }
    c.send(200, {{"success", true}, {"messages", items}, {"count", items.size()}});
  });
  r.add("POST", "/qa/feedback", {}, [](Ctx& c) {
    const json b = c.body();
    const auto id = c.param(b, "message_id");
    if (!id || id->empty()) throw HttpError{422, "missing_parameter", "'message_id' (an assistant message from /qa/history) is required"};
    std::string rating;
    if (b.is_object() && b.contains("rating")) {
      const json& v = b["rating"];
      if (v.is_string() && (v == "up" || v == "down")) rating = v.get<std::string>();
      else if (v.is_number_integer() && v.get<int>() >= 1 && v.get<int>() <= 5) rating = std::to_string(v.get<int>());
    }
    if (rating.empty()) throw HttpError{422, "invalid_parameter", "'rating' must be \"up\", \"down\" or 1 to 5"};
    const std::string comment = c.param(b, "comment").value_or("");
    if (comment.size() > 2000) throw HttpError{422, "invalid_parameter", "'comment' is longer than 2,000 characters"};
    const json fb = {{"rating", rating}, {"comment", comment}, {"at", now_iso()}};
    if (!c.app.store.chat_feedback(*id, c.me().id, fb.dump(-1, ' ', false, json::error_handler_t::replace))) {
      throw HttpError{404, "not_found", "no such answer of yours"};
    }
    c.send(200, {{"success", true}, {"message_id", *id}, {"feedback", fb}});
  });

  r.add("GET", "/api/insights/providers", {}, [](Ctx& c) {
    const Tenant t = c.current_tenant();
    json order = json::array();
    for (const auto& p : llm::providers_for(c.app, service(c).settings(), t)) order.push_back({{"provider", p.name}, {"model", p.model}});
    c.send(200, {{"success", true}, {"providers", order}, {"embedded", {{"provider", "glint"}, {"model", llm::kNarrativeModel}}},
                 {"prompt_version", llm::kPromptVersion}});
  });

  // A workspace's own LLM keys: sealed by the vault, owner/admin only; the key
  // is never shown again (a hint of its last four characters is).
  r.add("GET", "/api/tenants/([A-Za-z0-9_-]+)/llm-keys", {}, [](Ctx& c) {
    const Tenant t = c.tenant(1, "admin");
    json items = json::array();
    for (const char* p : {"anthropic", "openai"}) {
      const auto creds = c.app.store.credentials_of("tenant", t.id, std::string("llm:") + p);
      items.push_back(key_status(p, creds.empty() ? std::nullopt : std::optional<Credential>(creds.front()), c.app));
    }
    c.send(200, {{"success", true}, {"keys", items}});
  });
  r.add("PUT", std::string("/api/tenants/([A-Za-z0-9_-]+)/llm-keys/") + kKeyProviders, {.auth = true, .max_body = kSmallBody}, [](Ctx& c) {
    const Tenant t = c.tenant(1, "admin");
    const std::string provider = c.capture(2);
    const json b = c.body();
    const std::string key = c.param(b, "api_key").value_or("");
    if (key.size() < 8 || key.size() > 400) throw HttpError{422, "invalid_parameter", "'api_key' must be the provider's API key"};
    for (char ch : key) {
      if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7f) {
        throw HttpError{422, "invalid_parameter", "'api_key' holds a character no API key has"};
      }
    }
    const std::string model = c.param(b, "model").value_or("");
    if (model.size() > 100) throw HttpError{422, "invalid_parameter", "'model' is at most 100 characters"};
    const std::string name = "llm:" + provider;
    c.app.store.delete_credential("tenant", t.id, name);
    const json secret = {{"api_key", key}, {"model", model}};
    const std::string hint = "…" + key.substr(key.size() - 4);
    const Credential cred = c.app.store.save_credential(
        "tenant", t.id, name, provider, hint, json{{"model", model}}.dump(), c.me().id, std::nullopt, [&](const std::string& public_id) {
          return std::make_pair(static_cast<int64_t>(c.app.vault.current_key_id()),
                                c.app.vault.seal(secret.dump(), credential_aad("tenant", t.id, name, public_id)));
        });
    c.app.store.audit(c.me().public_id, "llm_key.set", t.public_id, provider, client_address(c.req, c.app.config.trusted_proxies));
    c.send(200, json{{"success", true}, {"key", key_status(provider, cred, c.app)}});
  });
  r.add("DELETE", std::string("/api/tenants/([A-Za-z0-9_-]+)/llm-keys/") + kKeyProviders, {}, [](Ctx& c) {
    const Tenant t = c.tenant(1, "admin");
    const std::string provider = c.capture(2);
    if (!c.app.store.delete_credential("tenant", t.id, "llm:" + provider)) throw HttpError{404, "not_found", "no " + provider + " key is stored"};
    c.app.store.audit(c.me().public_id, "llm_key.delete", t.public_id, provider, client_address(c.req, c.app.config.trusted_proxies));
    c.send(200, {{"success", true}, {"key", key_status(provider, std::nullopt, c.app)}});
  });
}

}  // namespace glint::native
