// server — `glint serve`: the HTTP face of glint.
//
// Routes are thin: parse, call a service, serialise. Errors are JSON
// {"detail": "...", "code": "..."}; unknown routes are JSON 404s. The page
// (the web build) is served at /. SIGINT/SIGTERM stop accepting, let
// in-flight requests finish, then close the database.
#pragma once

#include <string>

namespace glint::native {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port (printed on start)
  std::string data_dir = "data";
  std::string web_root;  // folder of the built page; empty → the build's default
};

// Runs until SIGINT/SIGTERM; returns the process exit status.
int serve(const ServerConfig& config);

}  // namespace glint::native
