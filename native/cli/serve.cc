#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "http/server.h"

namespace glint::native {

namespace {

constexpr const char* kServeHelp =
    "usage: glint serve [options]\n"
    "\n"
    "Runs the glint server: the page at /, the REST API, GET /health and /metrics.\n"
    "Needs no configuration: data goes to data/glint.db (SQLite, created on start).\n"
    "\n"
    "  --port N           port (default 8080; 0 picks a free one)            GLINT_PORT\n"
    "  --host ADDR        address to bind (default 127.0.0.1)                GLINT_HOST\n"
    "  --data-dir DIR     where glint.db lives (default data/)               GLINT_DATA_DIR\n"
    "  --web-root DIR     folder of the built page (default: this build's)   GLINT_WEB_ROOT\n"
    "  --threads N        worker threads (default 8)                         GLINT_THREADS\n"
    "  --max-body-mb N    largest request body in MiB (default 256)          GLINT_MAX_BODY_MB\n"
    "  --demo             seed a demo workspace (90 days of Google Ads, Meta, GA4) and print its login\n"
    "\n"
    "More settings by environment: GLINT_READ_TIMEOUT, GLINT_WRITE_TIMEOUT (seconds),\n"
    "GLINT_SESSION_TTL_HOURS, GLINT_RATE_INSIGHTS_PER_MIN (10), GLINT_RATE_CHAT_PER_MIN (20),\n"
    "GLINT_LOGIN_FAILURES (5 per 15 min), GLINT_PBKDF2_ITERATIONS, and GLINT_INTERNAL_API_KEY\n"
    "(enables /api/internal/*).\n";

bool parse_port(const std::string& s, int& out) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < 0 || v > 65535) return false;
  out = static_cast<int>(v);
  return true;
}

}  // namespace

int run_serve(const std::vector<std::string>& args) {
  ServerConfig config;
  if (const std::string err = config_from_env(config); !err.empty()) {
    std::fprintf(stderr, "glint serve: %s\n", err.c_str());
    return 2;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kServeHelp, stdout);
      return 0;
    }
    if (a == "--demo") {
      config.demo = true;
      continue;
    }
    const bool has_value = i + 1 < args.size();
    if (a == "--port" || a == "--host" || a == "--data-dir" || a == "--web-root" || a == "--threads" || a == "--max-body-mb") {
      if (!has_value) {
        std::fprintf(stderr, "glint serve: %s needs a value\n", a.c_str());
        return 2;
      }
      const std::string& v = args[++i];
      if (a == "--port" && !parse_port(v, config.port)) {
        std::fprintf(stderr, "glint serve: --port '%s' is not a port number (0-65535)\n", v.c_str());
        return 2;
      }
      if (a == "--threads" || a == "--max-body-mb") {
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || n < 1 || n > 65536) {
          std::fprintf(stderr, "glint serve: %s '%s' must be a positive whole number\n", a.c_str(), v.c_str());
          return 2;
        }
        if (a == "--threads") config.threads = static_cast<int>(std::min(n, 256L));
        if (a == "--max-body-mb") config.max_body_bytes = static_cast<size_t>(n) << 20;
      }
      if (a == "--host") config.host = v;
      if (a == "--data-dir") config.data_dir = v;
      if (a == "--web-root") config.web_root = v;
      continue;
    }
    std::fprintf(stderr, "glint serve: unknown option '%s' (see glint serve --help)\n", a.c_str());
    return 2;
  }
  return serve(config);
}

}  // namespace glint::native
