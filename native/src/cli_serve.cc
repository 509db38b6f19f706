#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli.h"
#include "server.h"

namespace glint::native {

namespace {

constexpr const char* kServeHelp =
    "usage: glint serve [--port N] [--host ADDR] [--data-dir DIR] [--web-root DIR]\n"
    "\n"
    "Runs the glint server: the page at /, GET /health, and the API.\n"
    "\n"
    "  --port N        port to listen on (default 8080, env GLINT_PORT; 0 picks a free one)\n"
    "  --host ADDR     address to bind (default 127.0.0.1, env GLINT_HOST)\n"
    "  --data-dir DIR  where the SQLite database lives (default data/, env GLINT_DATA_DIR)\n"
    "  --web-root DIR  folder of the built page (default: this build's, env GLINT_WEB_ROOT)\n";

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
  if (const char* v = std::getenv("GLINT_HOST"); v != nullptr && *v != '\0') config.host = v;
  if (const char* v = std::getenv("GLINT_DATA_DIR"); v != nullptr && *v != '\0') config.data_dir = v;
  if (const char* v = std::getenv("GLINT_PORT"); v != nullptr && *v != '\0') {
    if (!parse_port(v, config.port)) {
      std::fprintf(stderr, "glint serve: GLINT_PORT='%s' is not a port number\n", v);
      return 2;
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kServeHelp, stdout);
      return 0;
    }
    const bool has_value = i + 1 < args.size();
    if (a == "--port" || a == "--host" || a == "--data-dir" || a == "--web-root") {
      if (!has_value) {
        std::fprintf(stderr, "glint serve: %s needs a value\n", a.c_str());
        return 2;
      }
      const std::string& v = args[++i];
      if (a == "--port" && !parse_port(v, config.port)) {
        std::fprintf(stderr, "glint serve: --port '%s' is not a port number (0-65535)\n", v.c_str());
        return 2;
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
