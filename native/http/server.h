// server — `glint serve`: the HTTP face of glint.
//
// cpp-httplib over one SQLite file (WAL), no configuration needed to start.
// Routes are thin (parse → service → serialise) and live in routes/;
// errors are JSON {"detail": "...", "code": "..."} with the right status;
// unknown routes are JSON 404s. SIGINT/SIGTERM stop accepting, let in-flight
// requests finish, then close the database.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace glint::native {

struct ServerConfig {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0 picks a free port (printed on start)
  std::string data_dir = "data";
  std::string web_root;            // folder of the built page; empty → this build's
  int threads = 128;               // workers: one a connection being served, idle keep-alive included
  size_t max_body_bytes = 256u << 20;  // upload bodies beyond this get a 413
  size_t max_json_bytes = 1u << 20;    // JSON/form bodies of other routes (auth routes: 16 KiB)
  int read_timeout_s = 15;         // for any one read or write
  int write_timeout_s = 15;
  int header_timeout_s = 10;       // for the request line and all headers together
  int body_timeout_s = 20;         // for a body, plus its size at body_min_rate_kib
  int body_min_rate_kib = 32;
  int connections_per_address = 32;  // open at once from one client address
  int queue = 256;                 // connections waiting for a worker before 503s
  int keep_alive_max = 1000;
  int keep_alive_timeout_s = 5;
  std::vector<std::string> trusted_proxies;  // addresses whose X-Forwarded-For is believed
  bool demo = false;               // seed a demo workspace with 90 days of data
  std::string internal_api_key;    // enables /api/internal/* when set
  std::string access_log;          // "" stderr, "-" stdout, "off", or a file (SIGHUP reopens it)
  int session_ttl_hours = 24 * 7;
  int pbkdf2_iterations = 600000;  // PBKDF2-HMAC-SHA256, OWASP 2023
  int insights_per_minute = 10;    // rate limits per user and route group
  int chat_per_minute = 20;
  int login_failures_allowed = 5;     // per (account, address), then growing waits
  int login_failures_per_address = 100;  // per address across accounts, per 15 minutes
  int signups_per_hour = 20;          // per address
  int throttle_entries = 50000;       // bound of each failed-sign-in table
};

// Reads GLINT_* environment variables into `config` (flags override later).
// Returns an error message for a malformed value, empty when fine.
std::string config_from_env(ServerConfig& config);

// Runs until SIGINT/SIGTERM; returns the process exit status.
int serve(const ServerConfig& config);

}  // namespace glint::native
