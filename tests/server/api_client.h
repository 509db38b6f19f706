// Test helpers: a glint server process on a free loopback port, and a small
// JSON client that speaks to it like the page or a seeds client would.
//
// Every response the client receives is checked against the API contract
// (the server's own /openapi.json, i.e. schemas/openapi.json): a response
// the document does not describe fails the test that received it.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/openapi.h"
#include "support/process.h"

namespace glint::testing {

using nlohmann::json;

struct Reply {
  int status = 0;
  json body;
  std::string text;
  httplib::Headers headers;
  std::string header(const std::string& k) const {
    auto it = headers.find(k);
    return it == headers.end() ? "" : it->second;
  }
};

class Server {
 public:
  explicit Server(std::vector<std::string> env = {}, std::vector<std::string> args = {}, const std::string& tag = "api") {
    dir_ = std::filesystem::temp_directory_path() / ("glint_" + tag + "_" + std::to_string(getpid()) + "_" + std::to_string(counter()++));
    std::filesystem::remove_all(dir_);
    std::vector<std::string> argv = {GLINT_BINARY, "serve", "--port", "0", "--data-dir", (dir_ / "data").string(), "--web-root",
                                     (dir_ / "web").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::filesystem::create_directories(dir_ / "web");
    // Test defaults first (a test's own settings come later and win): cheap
    // password hashing, sign-ups unthrottled and no scheduled syncs (a test
    // starts its own), unless a test asks.
    env_ = {"GLINT_PBKDF2_ITERATIONS=20000", "GLINT_SIGNUPS_PER_HOUR=100000", "GLINT_SYNC_SCHEDULE=off"};
    env_.insert(env_.end(), env.begin(), env.end());
    argv_ = argv;
    start();
  }
  ~Server() {
    proc_.reset();
    std::filesystem::remove_all(dir_);
  }
  void start() {
    proc_ = std::make_unique<Process>(argv_, env_);
    const std::string line = proc_->wait_for_line("serving on", 30000);
    port_ = port_from_line(line);
    load_contract();
  }
  // The contract this server serves (loaded at start).
  const OpenApi& contract() const { return *contract_; }
  // Fails the current test when the document does not describe `r`.
  void expect_documented(const std::string& method, const std::string& path, const Reply& r) const {
    if (r.status == 0 || !contract_) return;
    const std::vector<std::pair<std::string, std::string>> headers(r.headers.begin(), r.headers.end());
    for (const std::string& p : contract_->check(method, path, r.status, headers, r.text)) ADD_FAILURE() << "contract: " << p;
  }
  int stop(int sig) { return proc_->stop(sig); }
  // Starts again on the same data with more settings (later ones win).
  void restart_with(const std::vector<std::string>& env) {
    env_.insert(env_.end(), env.begin(), env.end());
    start();
  }
  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path db() const { return dir_ / "data" / "glint.db"; }
  Process& process() { return *proc_; }

  Reply request(const std::string& method, const std::string& path, const json* body = nullptr, const std::string& session = "",
                httplib::Headers extra = {}) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(10);
    c.set_read_timeout(60);
    httplib::Headers h = extra;
    if (!session.empty()) h.emplace("X-Session-ID", session);
    const std::string payload = body ? body->dump() : "";
    auto send = [&]() {
      if (method == "DELETE") return c.Delete(path, h);
      if (method == "POST") return c.Post(path, h, payload, "application/json");
      if (method == "PUT") return c.Put(path, h, payload, "application/json");
      if (method == "PATCH") return c.Patch(path, h, payload, "application/json");
      return c.Get(path, h);
    };
    httplib::Result r = send();
    Reply out;
    if (!r) return out;
    out.status = r->status;
    out.text = r->body;
    out.headers = r->headers;
    out.body = json::parse(r->body, nullptr, false);
    expect_documented(method, path, out);
    return out;
  }
  Reply get(const std::string& p, const std::string& s = "") const { return request("GET", p, nullptr, s); }
  Reply del(const std::string& p, const std::string& s = "") const { return request("DELETE", p, nullptr, s); }
  Reply post(const std::string& p, const json& b, const std::string& s = "") const { return request("POST", p, &b, s); }
  Reply patch(const std::string& p, const json& b, const std::string& s = "") const { return request("PATCH", p, &b, s); }
  Reply put(const std::string& p, const json& b, const std::string& s = "") const { return request("PUT", p, &b, s); }

  Reply upload(const std::string& path, const std::vector<std::pair<std::string, std::string>>& files, const std::string& session,
               const std::string& field = "file") const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(120);
    httplib::MultipartFormDataItems items;
    for (const auto& [name, content] : files) items.push_back({field, content, name, "text/csv"});
    const httplib::Headers h = {{"X-Session-ID", session}};
    auto r = c.Post(path, h, items);
    Reply out;
    if (!r) return out;
    out.status = r->status;
    out.text = r->body;
    out.headers = r->headers;
    out.body = json::parse(r->body, nullptr, false);
    expect_documented("POST", path, out);
    return out;
  }

  // The newest message in the server's outbox to `to` (the embedded
  // default's mail), or "".
  std::string last_mail_to(const std::string& to) const {
    std::string best_name, best;
    const std::filesystem::path outbox = dir_ / "data" / "outbox";
    if (!std::filesystem::exists(outbox)) return "";
    for (const auto& f : std::filesystem::directory_iterator(outbox)) {
      std::ifstream in(f.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find("\r\nTo: " + to + "\r\n") == std::string::npos) continue;
      if (f.path().filename().string() > best_name) {
        best_name = f.path().filename().string();
        best = text;
      }
    }
    return best;
  }
  // The six-digit code in the newest mail to `to`, or "".
  std::string code_for(const std::string& to) const {
    static const std::regex re("code is ([0-9]{6})");
    std::smatch m;
    const std::string mail = last_mail_to(to);
    return std::regex_search(mail, m, re) ? m[1].str() : std::string();
  }

  // Registers a new account, confirms its address with the mailed code and
  // signs in; returns its session id ("" when any step failed).
  std::string account(const std::string& email, const std::string& password = "correct horse battery") const {
    const Reply r = post("/api/auth/register", {{"email", email}, {"password", password}, {"name", email.substr(0, email.find('@'))}});
    if (r.status != 202) return "";
    const Reply v = post("/api/auth/verify-email", {{"email", email}, {"code", code_for(email)}});
    return v.status == 200 ? v.body["session_id"].get<std::string>() : std::string();
  }

 private:
  void load_contract() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30);
    auto r = c.Get("/openapi.json");
    json doc = r && r->status == 200 ? json::parse(r->body, nullptr, false) : json();
    if (!doc.is_object() || !doc.contains("paths")) {
      ADD_FAILURE() << "contract: the server serves no OpenAPI document at /openapi.json";
      return;
    }
    contract_ = std::make_shared<OpenApi>(std::move(doc));
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path dir_;
  std::vector<std::string> env_, argv_;
  std::unique_ptr<Process> proc_;
  std::shared_ptr<const OpenApi> contract_;
  int port_ = -1;
};

}  // namespace glint::testing
