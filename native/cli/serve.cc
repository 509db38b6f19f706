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
    "  --data-dir DIR     where glint.db and outbox/ live (default data/)    GLINT_DATA_DIR\n"
    "  --web-root DIR     folder of the built page (default: this build's)   GLINT_WEB_ROOT\n"
    "  --threads N        workers, one per connection served (default 128)   GLINT_THREADS\n"
    "  --max-body-mb N    largest upload body in MiB (default 256)           GLINT_MAX_BODY_MB\n"
    "  --demo             seed a demo workspace (90 days of Google Ads, Meta, GA4) and print its login\n"
    "\n"
    "Limits (environment; defaults in brackets):\n"
    "  GLINT_MAX_JSON_KB [1024]            JSON/form bodies of other routes (sign-in routes: 16 KiB)\n"
    "  GLINT_HEADER_TIMEOUT [10]           seconds for the request line and all headers\n"
    "  GLINT_BODY_TIMEOUT [20]             seconds for a body, plus its size at GLINT_BODY_MIN_RATE_KB [32]/s\n"
    "  GLINT_READ_TIMEOUT, GLINT_WRITE_TIMEOUT [15]  seconds for any one read or write\n"
    "  GLINT_KEEP_ALIVE_TIMEOUT [5]        seconds an idle connection is kept\n"
    "  GLINT_CONNECTIONS_PER_ADDRESS [32]  connections open at once from one client address\n"
    "  GLINT_QUEUE [256]                   connections waiting for a worker before 503s\n"
    "  GLINT_TRUSTED_PROXIES               comma-separated proxy addresses whose X-Forwarded-For is believed\n"
    "  GLINT_RATE_INSIGHTS_PER_MIN [10], GLINT_RATE_CHAT_PER_MIN [20]  per user\n"
    "  GLINT_LOGIN_FAILURES [5]            per (account, address) before growing waits (30 s doubling, up to 15 min)\n"
    "  GLINT_LOGIN_FAILURES_PER_ADDRESS [100]  per address across accounts, per 15 min\n"
    "  GLINT_SIGNUPS_PER_HOUR [20]         sign-ups and code requests per address\n"
    "  GLINT_THROTTLE_ENTRIES [50000]      bound of each failed-sign-in table\n"
    "Other: GLINT_SESSION_TTL_HOURS [168], GLINT_PBKDF2_ITERATIONS [600000],\n"
    "GLINT_INTERNAL_API_KEY (enables /api/internal/*, and /metrics off loopback),\n"
    "GLINT_ACCESS_LOG (stderr by default; '-' stdout, 'off', or a file that SIGHUP reopens).\n"
    "Mail (verification codes, notices) is written to DATA_DIR/outbox/ as .eml files.\n";

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
        if (a == "--threads") config.threads = static_cast<int>(std::min(n, 4096L));
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
