// fake_upstreams — the platforms glint talks to, on loopback, speaking the
// wire formats of ../shared/reference/platform-apis.md. See README.md.
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "fake.h"

namespace fake {

void record(State& st, const httplib::Request& req) {
  json headers = json::object();
  for (const auto& [k, v] : req.headers) {
    if (k != "REMOTE_ADDR" && k != "REMOTE_PORT" && k != "LOCAL_ADDR" && k != "LOCAL_PORT")
      headers[k] = v;
  }
  std::string query;
  if (const size_t q = req.target.find('?'); q != std::string::npos)
    query = req.target.substr(q + 1);
  std::lock_guard<std::mutex> lock(st.mu);
  st.requests.push_back({{"method", req.method},
                         {"path", req.path},
                         {"query", query},
                         {"headers", headers},
                         {"body", req.body}});
}

std::string opaque(State& st, const std::string& prefix) {
  unsigned char raw[12];
  RAND_bytes(raw, sizeof raw);
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out = prefix;
  for (unsigned char c : raw) out.push_back(kAlphabet[c % 62]);
  out += std::to_string(++st.sequence);
  return out;
}

std::string bearer(const httplib::Request& req, const char* scheme) {
  const std::string h = req.get_header_value("Authorization");
  const std::string want = std::string(scheme) + " ";
  if (h.size() <= want.size()) return "";
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(h[i])) !=
        std::tolower(static_cast<unsigned char>(want[i])))
      return "";
  }
  return h.substr(want.size());
}

void send_json(httplib::Response& res, int status, const json& body, const char* type) {
  res.status = status;
  res.set_content(body.dump(), type);
}

}  // namespace fake

int main(int argc, char** argv) {
  fake::State st;
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
      std::fprintf(stderr,
                   "usage: fake_upstreams [--port N] [--scenario NAME]... [--brevo-key KEY]...\n");
      return 2;
    }
  }
  httplib::Server s;
  s.new_task_queue = [] { return new httplib::ThreadPool(32); };  // slow streams hold a thread each
  fake::serve_brevo(s, st);
  fake::serve_google(s, st);
  fake::serve_meta(s, st);
  fake::serve_hubspot(s, st);
  fake::serve_mailchimp(s, st);
  fake::serve_anthropic(s, st);
  fake::serve_openai(s, st);
  s.Get("/_fake/requests", [&st](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(st.mu);
    res.set_content(st.requests.dump(), "application/json");
  });
  s.Post("/_fake/reset", [&st](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(st.mu);
    st.requests = fake::json::array();
    for (const auto& hook : st.reset_hooks) hook();
    res.set_content("{}", "application/json");
  });
  s.Post("/_fake/scenario", [&st](const httplib::Request& req, httplib::Response& res) {
    if (req.has_param("clear_all")) {
      std::lock_guard<std::mutex> lock(st.mu);
      st.scenarios.clear();
      st.counters.clear();
    }
    if (req.has_param("set")) st.set(req.get_param_value("set"), true);
    if (req.has_param("clear")) st.set(req.get_param_value("clear"), false);
    res.set_content("{}", "application/json");
  });
  s.Post("/_fake/clock", [&st](const httplib::Request& req, httplib::Response& res) {
    st.skew += std::atoll(req.get_param_value("advance").c_str());
    res.set_content(fake::json{{"now", st.now()}}.dump(), "application/json");
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
  st.base_url = "http://127.0.0.1:" + std::to_string(port);
  std::printf("fake upstreams listening on http://127.0.0.1:%d/\n", port);
  std::fflush(stdout);
  s.listen_after_bind();
  return 0;
}
