// fake_upstreams — the platforms glint talks to, on loopback, speaking the
// wire formats of ../shared/reference/platform-apis.md. See README.md.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

using nlohmann::json;

namespace {

struct State {
  std::set<std::string> scenarios;
  std::set<std::string> brevo_keys = {"xkeysib-fake-0123456789abcdef-AbCdEf"};
  std::mutex mu;
  json requests = json::array();
  std::atomic<int> brevo_calls{0};
  bool on(const std::string& s) const { return scenarios.count(s) != 0; }
};

void record(State& st, const httplib::Request& req) {
  json names = json::array();
  for (const auto& [k, v] : req.headers) {
    if (k != "REMOTE_ADDR" && k != "REMOTE_PORT" && k != "LOCAL_ADDR" && k != "LOCAL_PORT") names.push_back(k);
  }
  std::lock_guard<std::mutex> lock(st.mu);
  st.requests.push_back({{"method", req.method}, {"path", req.path}, {"query", !req.params.empty()}, {"headers", names}});
}

void brevo_error(httplib::Response& res, int status, const char* code, const char* message) {
  res.status = status;
  res.set_content(json{{"code", code}, {"message", message}}.dump(), "application/json");
}

void serve_brevo(httplib::Server& s, State& st) {
  s.Get("/v3/account", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    const int call = ++st.brevo_calls;
    if (st.on("brevo_429_once") && call == 1) {
      res.set_header("x-sib-ratelimit-limit", "10");
      res.set_header("x-sib-ratelimit-remaining", "0");
      res.set_header("x-sib-ratelimit-reset", "1");
      res.set_header("Retry-After", "1");
      brevo_error(res, 429, "too_many_requests", "Too many requests");
      return;
    }
    if (st.on("brevo_5xx_once") && call == 1) {
      brevo_error(res, 502, "bad_gateway", "Bad gateway");
      return;
    }
    const std::string key = req.get_header_value("api-key");
    if (key.empty() || st.brevo_keys.count(key) == 0) {
      brevo_error(res, 401, "unauthorized", "Key not found");
      return;
    }
    if (st.on("brevo_malformed")) {
      res.set_content("{\"email\": \"ops@exa", "application/json");
      return;
    }
    const json account = {
        {"email", "ops@example.com"}, {"firstName", "Ada"}, {"lastName", "Lovelace"}, {"companyName", "Shop A"},
        {"address", {{"street", "1 rue Fake"}, {"city", "Paris"}, {"zipCode", "75001"}, {"country", "France"}}},
        {"plan", json::array({{{"type", "free"}, {"credits", 300}, {"creditsType", "sendLimit"}},
                              {{"type", "sms"}, {"credits", 25}, {"creditsType", "sendLimit"}}})},
        {"relay", {{"enabled", true}, {"data", {{"userName", "fake@smtp-brevo.com"}, {"relay", "smtp-relay.brevo.com"}, {"port", 587}}}}},
        {"marketingAutomation", {{"enabled", false}}},
        {"organization_id", "64fa0000fake"},
        {"user_id", 5100001},
        {"enterprise", false}};
    if (st.on("brevo_slow")) {
      const std::string body = account.dump();
      res.set_chunked_content_provider("application/json", [body](size_t offset, httplib::DataSink& sink) {
        if (offset >= body.size()) {
          sink.done();
          return true;
        }
        std::this_thread::sleep_for(std::chrono::seconds(2));
        sink.write(body.data() + offset, 1);
        return true;
      });
      return;
    }
    res.set_content(account.dump(), "application/json");
  });
}

}  // namespace

int main(int argc, char** argv) {
  State st;
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--scenario" && i + 1 < argc) {
      st.scenarios.insert(argv[++i]);
    } else if (a == "--brevo-key" && i + 1 < argc) {
      st.brevo_keys.insert(argv[++i]);
    } else if (a == "--port" && i + 1 < argc) {
      port = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: fake_upstreams [--port N] [--scenario NAME]... [--brevo-key KEY]...\n");
      return 2;
    }
  }
  httplib::Server s;
  serve_brevo(s, st);
  s.Get("/_fake/requests", [&st](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(st.mu);
    res.set_content(st.requests.dump(), "application/json");
  });
  if (port == 0) {
    port = s.bind_to_any_port("127.0.0.1");
  } else if (!s.bind_to_port("127.0.0.1", port)) {
    port = -1;
  }
  if (port <= 0) {
    std::fprintf(stderr, "fake_upstreams: cannot listen\n");
    return 1;
  }
  std::printf("fake upstreams listening on http://127.0.0.1:%d/\n", port);
  std::fflush(stdout);
  s.listen_after_bind();
  return 0;
}
