// glint call — any core method, as the page and the server call it.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/engine_client.h"

namespace glint::native {

namespace {

constexpr const char* kCallHelp =
    "usage: glint call METHOD [--request JSON] [FILE...]\n"
    "\n"
    "Runs one of core's methods (the same Engine::call the page's wasm build and\n"
    "the server make) and prints its JSON response. Each FILE is read into an\n"
    "input first and the request gets their handles as \"handles\". Examples:\n"
    "\n"
    "  glint call report.query --request '{\"metrics\":[\"cpc\"],\"period\":\"last_7_days\"}' export.csv\n"
    "  glint call grounding.check --request '{\"text\":\"ROAS was 3.2x\",\"values\":[{\"id\":\"r\",\"value\":3.21,\"unit\":\"multiple\"}]}'\n"
    "  glint call narrative.write --request \"{\\\"highlights\\\": [$(glint highlight --json export.csv)]}\"\n"
    "\n"
    "  --request JSON  the request document (default {}); @PATH reads it from a file\n"
    "\n"
    "Exit 0 with the response, 1 when core answers with an error (printed as JSON\n"
    "on stdout too), 2 on a usage error.\n";

}  // namespace

int run_call(const std::vector<std::string>& args) {
  CliArgs a;
  if (auto stop = parse_cli("call", kCallHelp, args, {}, {"--request"}, a)) return *stop;
  if (a.positional.empty()) return usage_error("call", "name the method (e.g. report.query); see glint call --help");
  const std::string method = a.positional.front();
  std::string text = "{}";
  for (const auto& [option, v] : a.values) {
    if (option == "--request") text = v;
  }
  if (!text.empty() && text[0] == '@') {
    std::FILE* f = std::fopen(text.c_str() + 1, "rb");
    if (f == nullptr) return usage_error("call", "cannot read the request file " + text.substr(1));
    std::string body;
    char buf[65536];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) body.append(buf, n);
    std::fclose(f);
    text = body;
  }
  nlohmann::json request = nlohmann::json::parse(text, nullptr, false);
  if (!request.is_object()) return usage_error("call", "--request must be a JSON object");
  EngineClient client;
  if (a.positional.size() > 1) {
    nlohmann::json handles = nlohmann::json::array();
    for (size_t i = 1; i < a.positional.size(); ++i) {
      Result<int64_t> h = client.ingest_file(a.positional[i], false);
      if (!h.ok()) {
        std::fprintf(stderr, "glint call: %s\n", h.status().message().c_str());
        return 1;
      }
      handles.push_back(h.value());
    }
    request["handles"] = handles;
  }
  const CallResult r = client.engine().call(method, request.dump());
  std::fwrite(r.body.data(), 1, r.body.size(), stdout);
  std::fputc('\n', stdout);
  return r.ok() ? 0 : 1;
}

}  // namespace glint::native
