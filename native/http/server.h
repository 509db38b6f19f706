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

namespace glint::native {

struct ServerConfig {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 8080;                 // 0 picks a free port (printed on start)
  std::string data_dir = "data";
  std::string web_root;            // folder of the built page; empty → this build's
  int threads = 8;                 // worker pool size
  size_t max_body_bytes = 256u << 20;  // request bodies beyond this get a 413
  int read_timeout_s = 15;
  int write_timeout_s = 15;
  int keep_alive_max = 1000;
  bool demo = false;               // seed a demo workspace with 90 days of data
  std::string internal_api_key;    // enables /api/internal/* when set
  int session_ttl_hours = 24 * 7;
  int pbkdf2_iterations = 120000;
  int insights_per_minute = 10;    // rate limits per user and route group
  int chat_per_minute = 20;
  int login_failures_allowed = 5;  // per account and per address, per 15 minutes
};

// Reads GLINT_* environment variables into `config` (flags override later).
// Returns an error message for a malformed value, empty when fine.
std::string config_from_env(ServerConfig& config);

// Runs until SIGINT/SIGTERM; returns the process exit status.
int serve(const ServerConfig& config);

}  // namespace glint::native
