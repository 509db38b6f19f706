// Brevo: GET /v3/account with the `api-key` header (platform-apis.md §7).
#include <thread>

#include "fake.h"

namespace fake {

namespace {

bool known_key(State& st, const std::string& key) {
  std::lock_guard<std::mutex> lock(st.mu);
  return st.brevo_keys.count(key) != 0;
}

void brevo_error(httplib::Response& res, int status, const char* code, const char* message) {
  res.status = status;
  res.set_content(json{{"code", code}, {"message", message}}.dump(), "application/json");
}

}  // namespace

void serve_brevo(httplib::Server& s, State& st) {
  s.Get("/v3/account", [&st](const httplib::Request& req, httplib::Response& res) {
    record(st, req);
    if (st.first("brevo_429_once")) {
      res.set_header("x-sib-ratelimit-limit", "10");
      res.set_header("x-sib-ratelimit-remaining", "0");
      res.set_header("x-sib-ratelimit-reset", "1");
      res.set_header("Retry-After", "1");
      brevo_error(res, 429, "too_many_requests", "Too many requests");
      return;
    }
    if (st.first("brevo_5xx_once")) {
      brevo_error(res, 502, "bad_gateway", "Bad gateway");
      return;
    }
    const std::string key = req.get_header_value("api-key");
    if (key.empty() || !known_key(st, key)) {
      brevo_error(res, 401, "unauthorized", "Key not found");
      return;
    }
    if (st.on("brevo_malformed")) {
      res.set_content("{\"email\": \"ops@exa", "application/json");
      return;
    }
    const json account = {
        {"email", "ops@example.com"},
        {"firstName", "Ada"},
        {"lastName", "Lovelace"},
        {"companyName", "Shop A"},
        {"address",
         {{"street", "1 rue Fake"},
          {"city", "Paris"},
          {"zipCode", "75001"},
          {"country", "France"}}},
        {"plan", json::array({{{"type", "free"}, {"credits", 300}, {"creditsType", "sendLimit"}},
                              {{"type", "sms"}, {"credits", 25}, {"creditsType", "sendLimit"}}})},
        {"relay",
         {{"enabled", true},
          {"data",
           {{"userName", "fake@smtp-brevo.com"},
            {"relay", "smtp-relay.brevo.com"},
            {"port", 587}}}}},
        {"marketingAutomation", {{"enabled", false}}},
        {"organization_id", "64fa0000fake"},
        {"user_id", 5100001},
        {"enterprise", false}};
    if (st.on("brevo_slow")) {
      const std::string body = account.dump();
      res.set_chunked_content_provider("application/json",
                                       [body](size_t offset, httplib::DataSink& sink) {
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

}  // namespace fake
