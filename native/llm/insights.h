// llm/insights — the written-insights service behind routes/insights.cc:
// jobs built from a workspace's facts, the answer cache, and the durable
// async tasks (schemas/sql/010_insights.sql) on a bounded worker pool.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "llm/writer.h"
#include "store/store.h"

namespace glint::native {

struct App;
using nlohmann::json;

// What an insight request asks for.
struct InsightRequest {
  std::string kind;       // grow | optimize | protect | summary | snapshot | comprehensive | onboarding | followup
  int days = 30;
  std::string date_range = "30_days";
  std::vector<std::string> platforms;  // empty: every platform
  std::string locale;
  std::string fact_id, question;  // followup
  json to_json() const;
  static InsightRequest from_json(const json& j);
};

class Insights {
 public:
  explicit Insights(App& app);
  ~Insights();
  Insights(const Insights&) = delete;
  Insights& operator=(const Insights&) = delete;

  const llm::Settings& settings() const { return settings_; }

  // Writes the answer to `r` for workspace `t` (streaming it to `sink` when
  // given), from the cache when the same question of the same data was
  // answered in the last two hours. The response document of the
  // non-streaming routes (without response_time_ms).
  json answer(const Tenant& t, const InsightRequest& r, const llm::Sink& sink);
  // A chat turn: the question, with the conversation's earlier turns.
  json chat(const Tenant& t, const User& u, const std::string& question, const std::string& conversation_id,
            const std::string& locale, const llm::Sink& sink);
  // Which bronze types are ready (computed and cached) for the data as it is.
  json prefetch_status(const Tenant& t, int days);

  // Async tasks.
  InsightTask submit(const User& u, const Tenant& t, const InsightRequest& r);
  void cancelled(int64_t task_id);
  void stop();

 private:
  llm::Job insight_job(const Tenant& t, const InsightRequest& r, json& meta);
  void work();
  void run(InsightTask task);
  App& app_;
  llm::Settings settings_;

  struct Cached {
    json answer;
    std::chrono::steady_clock::time_point at;
  };
  std::mutex cache_mu_;
  std::map<std::string, Cached> cache_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::set<int64_t> cancelled_;
  std::vector<std::thread> workers_;
};

}  // namespace glint::native
