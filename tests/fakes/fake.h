// The shared machinery of fake_upstreams: scenario switches, the request
// log, one-shot counters and the fake's clock. Each provider lives in its
// own file (google.cc, meta.cc, hubspot.cc, mailchimp.cc, brevo.cc) and
// registers its real paths on the one server; all hosts share one port
// (their paths do not collide), so a test points every GLINT_URL_<HOST> at it.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace fake {

using nlohmann::json;

struct State {
  std::string base_url;  // "http://127.0.0.1:PORT" (for answers that name the fake itself, e.g.
                         // Mailchimp api_endpoint)

  // Scenario switches: from --scenario NAME at start, or at run time with
  // POST /_fake/scenario?set=NAME / ?clear=NAME / ?clear_all=1.
  bool on(const std::string& s) {
    std::lock_guard<std::mutex> lock(mu);
    return scenarios.count(s) != 0;
  }
  void set(const std::string& s, bool v) {
    std::lock_guard<std::mutex> lock(mu);
    if (v) {
      scenarios.insert(s);
    } else {
      scenarios.erase(s);
    }
    counters.erase(s);
  }
  // True the first `n` times it is asked for `key` while scenario `key` is
  // on (for "once"/"twice" faults); counts reset when the scenario is set.
  bool first(const std::string& key, int n = 1) {
    std::lock_guard<std::mutex> lock(mu);
    if (scenarios.count(key) == 0) return false;
    return ++counters[key] <= n;
  }

  // The fake's clock: real time plus whatever POST /_fake/clock?advance=S added.
  int64_t now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count() +
           skew.load();
  }

  std::mutex mu;  // guards everything below and any provider table that says so
  std::set<std::string> scenarios;
  std::map<std::string, int> counters;
  std::atomic<int64_t> skew{0};
  json requests = json::array();
  std::atomic<int64_t> sequence{0};
  std::set<std::string> brevo_keys = {"xkeysib-fake-0123456789abcdef-AbCdEf"};
  // Run by POST /_fake/reset after the request log is cleared (providers' own logs, e.g. the
  // LLM stream log); registered at start, before the server runs.
  std::vector<std::function<void()>> reset_hooks;
};

// Logs a request: method, path, raw query string, headers (names and
// values), form/JSON body. GET /_fake/requests returns the log; tests assert
// on what glint sent (headers it must send, no token in a query string).
void record(State& st, const httplib::Request& req);

// A fresh opaque value ("<prefix><random>"), never a counter.
std::string opaque(State& st, const std::string& prefix);

// "Authorization: Bearer X" → X ("" when absent or another scheme).
std::string bearer(const httplib::Request& req, const char* scheme = "Bearer");

void send_json(httplib::Response& res, int status, const json& body,
               const char* type = "application/json");

void serve_brevo(httplib::Server& s, State& st);
void serve_google(httplib::Server& s, State& st);
void serve_meta(httplib::Server& s, State& st);
void serve_hubspot(httplib::Server& s, State& st);
void serve_mailchimp(httplib::Server& s, State& st);
void serve_anthropic(httplib::Server& s, State& st);
void serve_openai(httplib::Server& s, State& st);

}  // namespace fake
