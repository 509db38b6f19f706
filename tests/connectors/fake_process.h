// The fake upstreams as a child process for connector tests: every host the
// connectors know is pointed at it through GLINT_URL_<HOST> (in this
// process's environment, which the connectors read).
#pragma once

#include <httplib.h>
#include <stdlib.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/process.h"

namespace glint::testing {

class FakeUpstreams {
 public:
  explicit FakeUpstreams(const std::vector<std::string>& args = {}) {
    std::vector<std::string> argv = {FAKE_UPSTREAMS};
    argv.insert(argv.end(), args.begin(), args.end());
    proc_ = std::make_unique<Process>(argv);
    port_ = port_from_line(proc_->wait_for_line("listening on"));
    for (const char* host : kHosts) ::setenv(host, url().c_str(), 1);
  }
  ~FakeUpstreams() {
    for (const char* host : kHosts) ::unsetenv(host);
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Every GLINT_URL_<HOST>=<fake> setting (for a server child process).
  std::vector<std::string> env() const {
    std::vector<std::string> out;
    for (const char* host : kHosts) out.push_back(std::string(host) + "=" + url());
    return out;
  }
  void scenario(const std::string& name, bool on = true) {
    httplib::Client c("127.0.0.1", port_);
    c.Post(std::string("/_fake/scenario?") + (on ? "set=" : "clear=") + name);
  }
  void advance_clock(int seconds) {
    httplib::Client c("127.0.0.1", port_);
    c.Post("/_fake/clock?advance=" + std::to_string(seconds));
  }
  nlohmann::json requests() {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get("/_fake/requests");
    return r ? nlohmann::json::parse(r->body, nullptr, false) : nlohmann::json::array();
  }
  void reset_log() {
    httplib::Client c("127.0.0.1", port_);
    c.Post("/_fake/reset");
  }

  static constexpr const char* kHosts[] = {"GLINT_URL_ACCOUNTS_GOOGLE_COM",
                                           "GLINT_URL_OAUTH2_GOOGLEAPIS_COM",
                                           "GLINT_URL_OPENIDCONNECT_GOOGLEAPIS_COM",
                                           "GLINT_URL_GOOGLEADS_GOOGLEAPIS_COM",
                                           "GLINT_URL_ANALYTICSADMIN_GOOGLEAPIS_COM",
                                           "GLINT_URL_ANALYTICSDATA_GOOGLEAPIS_COM",
                                           "GLINT_URL_WWW_FACEBOOK_COM",
                                           "GLINT_URL_GRAPH_FACEBOOK_COM",
                                           "GLINT_URL_APP_HUBSPOT_COM",
                                           "GLINT_URL_API_HUBAPI_COM",
                                           "GLINT_URL_LOGIN_MAILCHIMP_COM",
                                           "GLINT_URL_API_BREVO_COM"};

 private:
  std::unique_ptr<Process> proc_;
  int port_ = -1;
};

}  // namespace glint::testing
