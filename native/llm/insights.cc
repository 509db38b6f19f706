// llm/insights (insights.h): written insights over a workspace's facts.
#include "llm/insights.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "auth/crypto.h"
#include "http/app.h"
#include "sync/sync.h"

namespace glint::native {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kCacheFor = std::chrono::hours(2);
constexpr size_t kCacheEntries = 512;
constexpr int kTaskAttempts = 2;  // a task interrupted twice by a restart fails with the reason

const char* const kTypes[] = {"summary", "grow", "optimize", "protect"};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What each kind asks the model to write (the last user turn; the facts are in the document).
std::string instruction_for(const InsightRequest& r) {
  const std::string period = "the last " + std::to_string(r.days) + " days";
  if (r.kind == "grow") return "Write the growth opportunities in " + period + ": where to put more budget or effort, and why.";
  if (r.kind == "optimize") return "Write what to optimise from " + period + ": what is under-performing and what to change.";
  if (r.kind == "protect") return "Write the risks found in " + period + ": what is getting worse or wasting money, and how to protect results.";
  if (r.kind == "summary") return "Write a short summary of performance in " + period + ".";
  if (r.kind == "onboarding") return "Welcome the marketer to glint and summarise, in three or four sentences, the biggest growth opportunities in " + period + ".";
  if (r.kind == "followup") return "Answer the marketer's question about the one fact in the document. The question: \"" + r.question + "\"";
  return "Write an intelligence snapshot of " + period + ": the summary first, then growth opportunities, what to optimise, and the risks to protect against.";
}

std::vector<std::string> types_for(const std::string& kind) {
  if (kind == "snapshot" || kind == "comprehensive" || kind == "followup") return {"summary", "grow", "optimize", "protect"};
  if (kind == "onboarding") return {"grow"};
  return {kind};
}

// The upload and sync times an answer stands on.
json sources_of(App& app, const Tenant& t, const json& data_sources) {
  json out = json::array();
  for (const DatasetMeta& d : app.store.datasets(t.id)) {
    out.push_back({{"kind", "upload"}, {"name", d.name}, {"platform", d.platform}, {"uploaded_at", d.created_at},
                   {"first_day", d.date_min ? json(*d.date_min) : json(nullptr)},
                   {"last_day", d.date_max ? json(*d.date_max) : json(nullptr)}});
  }
  if (data_sources.is_object() && data_sources.contains("synced")) {
    for (const json& a : data_sources["synced"]) {
      json s = a;
      s["kind"] = "sync";
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::string cache_key(const std::string& tenant, int64_t version, const std::string& what, const std::vector<llm::cl::Provider>& ps) {
  std::string k = tenant + "|" + std::to_string(version) + "|" + what + "|" + llm::kPromptVersion;
  for (const auto& p : ps) k += "|" + p.name + ":" + p.model + ":" + crypto::sha256_hex(p.api_key).substr(0, 8);
  return crypto::sha256_hex(k);
}

// Streams a cached answer's text the way a fresh one is streamed.
bool replay(const std::string& text, const llm::Sink& sink) {
  size_t start = 0;
  while (start < text.size()) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string::npos ? text.size() : nl + 1;
    if (sink.chunk && !sink.chunk(text.substr(start, end - start))) return false;
    start = end;
  }
  return true;
}

// The embedded reading of a chat question: the metrics and period it names.
json question_to_query(const std::string& question) {
  const std::string q = lower(question);
  json metrics = json::array();
  for (const char* m : {"cpc", "ctr", "cpm", "cpa", "roas", "cvr", "spend", "clicks", "impressions", "conversions", "revenue", "sessions"}) {
    if (q.find(m) != std::string::npos) metrics.push_back(m);
  }
  if (q.find("cost per click") != std::string::npos && std::find(metrics.begin(), metrics.end(), "cpc") == metrics.end()) metrics.push_back("cpc");
  if (q.find("return on ad spend") != std::string::npos && std::find(metrics.begin(), metrics.end(), "roas") == metrics.end()) metrics.push_back("roas");
  if (metrics.empty()) metrics = {"spend", "clicks", "conversions", "revenue", "roas"};
  std::string period = "last_30_days";
  if (q.find("this week") != std::string::npos) period = "this_week";
  else if (q.find("last week") != std::string::npos) period = "last_week";
  else if (q.find("this month") != std::string::npos) period = "this_month";
  else if (q.find("last month") != std::string::npos) period = "last_month";
  else if (q.find("week") != std::string::npos || q.find("7 days") != std::string::npos) period = "last_7_days";
  else if (q.find("90 days") != std::string::npos || q.find("quarter") != std::string::npos) period = "last_90_days";
  std::string group = "none";
  if (q.find("platform") != std::string::npos || q.find("channel") != std::string::npos) group = "platform";
  else if (q.find("campaign") != std::string::npos) group = "campaign";
  return {{"metrics", metrics}, {"period", period}, {"group_by", group}};
}

// Sentences from a query_metrics result: only its formatted values.
std::string describe_query(const json& result) {
  if (!result.is_object() || result.contains("error")) {
    const std::string why = result.is_object() && result["error"].is_object() ? result["error"].value("message", "") :
                            result.is_object() && result["error"].is_string() ? result["error"].get<std::string>() : "";
    return "glint could not compute that from this workspace's data" + (why.empty() ? std::string(".") : ": " + why) + "\n";
  }
  std::string out;
  const json& p = result["period"];
  const std::string head = p.is_object() ? "From " + p.value("start", "") + " to " + p.value("end", "") + ", " : "";
  int n = 0;
  for (const json& row : result.value("rows", json::array())) {
    if (++n > 10) break;
    std::string group;
    if (row.contains("group") && row["group"].is_object()) {
      for (const char* k : {"campaign", "platform", "day", "currency"}) {
        if (row["group"].contains(k) && row["group"][k].is_string()) {
          group += (group.empty() ? "" : ", ") + row["group"][k].get<std::string>();
          if (std::string(k) == "campaign") break;
        }
      }
    }
    std::string parts;
    const json metrics = row.value("metrics", json::object());
    for (const auto& [name, m] : metrics.items()) {
      if (!m.is_object() || !m.contains("formatted") || !m["formatted"].is_string()) continue;
      static const std::set<std::string> kAcronyms = {"cpc", "ctr", "cpm", "cpa", "roas", "cvr", "aov"};
      std::string label = name;
      if (kAcronyms.count(name) != 0) {
        for (char& ch : label) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      } else {
        for (char& ch : label) ch = ch == '_' ? ' ' : ch;
      }
      parts += (parts.empty() ? "" : "; ") + label + " " + m["formatted"].get<std::string>();
    }
    if (parts.empty()) continue;
    out += head + (group.empty() ? "" : "\"" + group + "\": ") + parts + ".\n";
  }
  if (out.empty()) out = "There is no data for that period in this workspace.\n";
  return out;
}

}  // namespace

json InsightRequest::to_json() const {
  return {{"kind", kind}, {"days", days}, {"date_range", date_range}, {"platforms", platforms}, {"locale", locale},
          {"fact_id", fact_id}, {"question", question}};
}

InsightRequest InsightRequest::from_json(const json& j) {
  InsightRequest r;
  r.kind = j.value("kind", "summary");
  r.days = j.value("days", 30);
  r.date_range = j.value("date_range", "30_days");
  r.platforms = j.value("platforms", std::vector<std::string>{});
  r.locale = j.value("locale", "");
  r.fact_id = j.value("fact_id", "");
  r.question = j.value("question", "");
  return r;
}

Insights::Insights(App& app) : app_(app), settings_(llm::Settings::from_env()) {
  const auto [requeued, failed] = app_.store.recover_insight_tasks(kTaskAttempts, now_unix());
  if (requeued + failed > 0) {
    std::fprintf(stderr, "{\"level\":\"info\",\"event\":\"insight_tasks_recovered\",\"requeued\":%lld,\"failed\":%lld}\n",
                 static_cast<long long>(requeued), static_cast<long long>(failed));
  }
  for (int i = 0; i < settings_.workers; ++i) workers_.emplace_back([this] { work(); });
  std::string names;
  for (const auto& p : settings_.providers) names += (names.empty() ? "" : ",") + p.name + ":" + p.model;
  std::fprintf(stderr, "{\"level\":\"info\",\"event\":\"llm_providers\",\"order\":\"%s\"}\n",
               names.empty() ? "none (glint's own narrative)" : names.c_str());
}

Insights::~Insights() { stop(); }

void Insights::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

llm::Job Insights::insight_job(const Tenant& t, const InsightRequest& r, json& meta) {
  llm::Job job;
  job.kind = r.kind;
  job.locale = r.locale.empty() ? "en" : r.locale;
  json facts = json::array(), notes = json::array(), highlights = json::array();
  json date_range = nullptr, data_sources = nullptr;
  std::set<std::string> seen;
  for (const std::string& type : types_for(r.kind)) {
    json req = {{"highlight_type", type}, {"days", r.days}};
    if (!r.locale.empty()) req["locale"] = r.locale;
    if (!r.platforms.empty()) req["platforms"] = r.platforms;  // core reads only these platforms' rows
    const std::string key = "highlight|" + type + "|" + std::to_string(r.days) + "|" + r.locale + "|" + json(r.platforms).dump();
    json h = app_.engines.cached(app_.store, t, key, [&](Engine& e, const std::vector<int64_t>& handles) {
      if (handles.empty()) {
        return json{{"success", true}, {"highlight_type", type}, {"date_range", nullptr}, {"facts", json::array()},
                    {"notes", json::array({"no data yet: upload an export with POST /api/datasets or connect a platform"})}};
      }
      req["handles"] = handles;
      return call_core(e, "report.highlight", req);
    });
    if (date_range.is_null() && h.contains("date_range")) date_range = h["date_range"];
    if (h.contains("data_sources")) data_sources = h["data_sources"];
    json kept = json::array();
    for (const json& f : h.value("facts", json::array())) {
      if (r.kind == "followup" && f.value("id", "") != r.fact_id) continue;
      if (seen.insert(f.value("id", "")).second) facts.push_back(f);
      kept.push_back(f);
    }
    for (const json& n : h.value("notes", json::array())) notes.push_back(n);
    if (r.kind == "followup" && kept.empty()) continue;  // the narrative of a follow-up is its one fact
    json hh = h;
    hh["facts"] = kept;
    hh.erase("data_sources");
    highlights.push_back(std::move(hh));
  }
  if (r.kind == "followup" && facts.empty()) {
    throw HttpError{404, "fact_not_found", "no fact '" + r.fact_id + "' in this workspace's current data (ask /api/bronze/highlight for the ids)"};
  }
  if (!r.platforms.empty()) {
    std::string list;
    for (const std::string& p : r.platforms) list += (list.empty() ? "" : ", ") + p;
    notes.push_back("only " + list + " data is read: totals, comparisons and facts leave the other platforms out");
  }
  for (json& f : facts) {
    if (f.contains("entity") && f["entity"].is_object() && f["entity"].contains("name") && f["entity"]["name"].is_string()) {
      job.names.push_back(f["entity"]["name"]);
    }
  }
  job.facts = facts;
  job.date_range = date_range;
  job.document = {{"kind", "glint.facts"}, {"version", 1},
                  {"request", {{"type", r.kind}, {"date_range", date_range}}}, {"facts", facts}, {"notes", notes}};
  job.instruction = instruction_for(r);
  job.narrative = [highlights](llm::Job& j) {
    thread_local Engine engine;
    json req = {{"highlights", highlights}};
    if (!j.locale.empty()) req["locale"] = j.locale;
    const CallResult res = engine.call("narrative.write", req.dump(-1, ' ', false, json::error_handler_t::replace));
    const json out = json::parse(res.body, nullptr, false);
    if (!res.ok() || !out.is_object() || !out.contains("text")) return std::string("glint could not write its summary.");
    return out["text"].get<std::string>();
  };
  meta = {{"date_range_days", date_range}, {"notes", notes}, {"data_sources", data_sources}};
  return job;
}

json Insights::answer(const Tenant& t, const InsightRequest& r, const llm::Sink& sink) {
  const auto providers = llm::providers_for(app_, settings_, t);
  const std::string key = cache_key(t.public_id, app_.store.data_version(t.id), r.to_json().dump(), providers);
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && Clock::now() - it->second.at < kCacheFor) {
      json out = it->second.answer;
      out["cached"] = true;
      if (!replay(out.value("insights", ""), sink)) out["aborted"] = true;
      return out;
    }
  }
  json meta;
  llm::Job job = insight_job(t, r, meta);
  llm::Answer a = llm::write(settings_, providers, job, sink);
  json out = {{"success", true}, {"insight_type", r.kind}, {"date_range", r.date_range}, {"days", r.days},
              {"insights", a.text}, {"period", meta["date_range_days"]}, {"notes", meta["notes"]},
              {"total_tokens", a.input_tokens + a.output_tokens}, {"cached", false},
              {"data_sources", meta["data_sources"]}, {"sources", sources_of(app_, t, meta["data_sources"])}};
  const json meta_of_answer = a.to_json();
  for (const auto& [k, v] : meta_of_answer.items()) out[k] = v;
  if (a.aborted) {
    out["aborted"] = true;
    return out;
  }
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    if (cache_.size() >= kCacheEntries) {
      for (auto it = cache_.begin(); it != cache_.end();) it = Clock::now() - it->second.at >= kCacheFor ? cache_.erase(it) : std::next(it);
      if (cache_.size() >= kCacheEntries) cache_.clear();
    }
    cache_[key] = {out, Clock::now()};
  }
  return out;
}

json Insights::chat(const Tenant& t, const User& u, const std::string& question, const std::string& conversation_id,
                    const std::string& locale, const llm::Sink& sink) {
  const auto providers = llm::providers_for(app_, settings_, t);
  InsightRequest r;
  r.kind = "summary";
  r.locale = locale;
  json meta;
  llm::Job job = insight_job(t, r, meta);
  job.kind = "chat";
  job.instruction = question;
  job.document["request"]["type"] = "chat";
  job.with_tools = true;
  for (const ChatMessage& m : app_.store.chat_messages(u.id, t.id, conversation_id, 10)) {
    job.history.push_back({m.role == "user" ? llm::cl::Turn::Role::kUser : llm::cl::Turn::Role::kAssistant, m.content, "", "", ""});
  }
  // Anthropic needs turns to alternate starting with the user: drop a
  // dangling user turn (a question whose answer was never stored).
  while (!job.history.empty() && job.history.back().role == llm::cl::Turn::Role::kUser) job.history.pop_back();
  while (!job.history.empty() && job.history.front().role != llm::cl::Turn::Role::kUser) job.history.erase(job.history.begin());
  job.run_tool = [this, &t, locale](const json& input) {
    return app_.engines.with(app_.store, t, [&](Engine& e, const std::vector<int64_t>& handles) {
      if (handles.empty()) return json{{"error", "this workspace has no data yet"}};
      json req = input;
      req["handles"] = handles;
      if (!locale.empty()) req["locale"] = locale;
      const CallResult res = e.call("report.query", req.dump(-1, ' ', false, json::error_handler_t::replace));
      json out = json::parse(res.body, nullptr, false);
      return out.is_discarded() ? json{{"error", "the query failed"}} : out;
    });
  };
  job.narrative = [](llm::Job& j) {
    const json input = question_to_query(j.instruction);
    json result = j.run_tool(input);
    result.erase("data_sources");
    llm::add_tool_values(j, result, 0);
    j.tool_log.push_back({{"name", "query_metrics"}, {"input", input}, {"result", result}});
    return describe_query(result);
  };
  llm::Answer a = llm::write(settings_, providers, job, sink);
  for (json& call : a.tool_calls) {
    if (call.contains("result") && call["result"].is_object()) call["result"].erase("data_sources");
  }
  json out = {{"success", true}, {"response", a.text}, {"conversation_id", conversation_id}, {"tool_calls", a.tool_calls},
              {"total_tokens", a.input_tokens + a.output_tokens}, {"data_sources", meta["data_sources"]},
              {"sources", sources_of(app_, t, meta["data_sources"])}};
  const json meta_of_answer = a.to_json();
  for (const auto& [k, v] : meta_of_answer.items()) out[k] = v;
  if (a.aborted) out["aborted"] = true;
  return out;
}

json Insights::prefetch_status(const Tenant& t, int days) {
  json types = json::object();
  bool ready = true;
  for (const char* type : kTypes) {
    // The key insight_job uses for the same facts (no locale, every platform), so this prefetches them.
    const std::string key = "highlight|" + std::string(type) + "|" + std::to_string(days) + "||[]";
    json h = app_.engines.cached(app_.store, t, key, [&](Engine& e, const std::vector<int64_t>& handles) {
      if (handles.empty()) return json{{"facts", json::array()}, {"date_range", nullptr}};
      return call_core(e, "report.highlight", {{"handles", handles}, {"highlight_type", type}, {"days", days}});
    });
    const size_t n = h.value("facts", json::array()).size();
    types[type] = {{"status", "ready"}, {"facts", n}};
    ready = ready && h.contains("facts");
  }
  return {{"success", true}, {"status", ready ? "ready" : "pending"}, {"days", days}, {"types", types},
          {"data_version", app_.store.data_version(t.id)}};
}

InsightTask Insights::submit(const User& u, const Tenant& t, const InsightRequest& r) {
  InsightTask task = app_.store.create_insight_task(u.id, t.id, r.kind, r.to_json().dump());
  cv_.notify_one();
  return task;
}

void Insights::cancelled(int64_t task_id) {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_.insert(task_id);
}

void Insights::work() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    std::optional<InsightTask> task;
    try {
      task = app_.store.claim_insight_task(now_unix());
    } catch (const std::exception&) {
      task.reset();
    }
    if (!task) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; });
      continue;
    }
    run(*task);
  }
}

void Insights::run(InsightTask task) {
  const auto gone = [this, id = task.id] {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_ || cancelled_.count(id) != 0;
  };
  try {
    const auto tenant = app_.store.tenant_by_id_for(task.tenant_id, task.user_id);
    if (!tenant) {
      app_.store.finish_insight_task(task.id, "failed", std::nullopt, "the workspace is gone or you are no longer a member", now_unix());
      return;
    }
    const InsightRequest r = InsightRequest::from_json(json::parse(task.request));
    app_.store.insight_task_progress(task.id, 20, "reading the facts");
    bool writing = false;
    llm::Sink sink;
    sink.chunk = [&](const std::string&) {
      if (!writing) {
        writing = true;
        app_.store.insight_task_progress(task.id, 60, "writing the answer");
      }
      return !gone();
    };
    sink.restart = [&](const std::string& why) {
      app_.store.insight_task_progress(task.id, 40, why);
      return !gone();
    };
    sink.alive = [&] { return !gone(); };
    app_.store.insight_task_progress(task.id, 40, "writing the answer");
    json out = answer(*tenant, r, sink);
    if (out.value("aborted", false)) {
      // Cancelled, or the server is stopping (then the task runs again after the restart).
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_.erase(task.id);
      return;
    }
    app_.store.finish_insight_task(task.id, "completed", out.dump(-1, ' ', false, json::error_handler_t::replace), std::nullopt, now_unix());
  } catch (const HttpError& e) {
    app_.store.finish_insight_task(task.id, "failed", std::nullopt, e.detail, now_unix());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "{\"level\":\"error\",\"event\":\"insight_task\",\"error\":\"exception\"}\n");
    app_.store.finish_insight_task(task.id, "failed", std::nullopt, "internal error while writing the insight", now_unix());
  }
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_.erase(task.id);
}

}  // namespace glint::native
