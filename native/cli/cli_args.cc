#include "cli/cli_args.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/engine_client.h"
#include "cli/files.h"

namespace glint::native {

int usage_error(const char* command, const std::string& message) {
  std::fprintf(stderr, "glint %s: %s\n", command, message.c_str());
  return 2;
}

std::optional<int> parse_cli(const char* command, const char* help, const std::vector<std::string>& args,
                             std::initializer_list<const char*> flags, std::initializer_list<const char*> options,
                             CliArgs& out) {
  const auto listed = [](std::initializer_list<const char*> list, const std::string& a) {
    return std::any_of(list.begin(), list.end(), [&a](const char* x) { return a == x; });
  };
  const std::string see = std::string(" (see glint ") + command + " --help)";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(help, stdout);
      return 0;
    }
    if (listed(flags, a)) {
      out.flags.insert(a);
    } else if (listed(options, a)) {
      if (i + 1 >= args.size()) return usage_error(command, a + " needs a value" + see);
      out.values.emplace_back(a, args[++i]);
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error(command, "unknown option '" + a + "'" + see);
    } else {
      out.positional.push_back(a);
    }
  }
  return std::nullopt;
}

bool integer_value(const char* command, const std::string& option, const std::string& v, long lo, long hi, long& out) {
  char* end = nullptr;
  const long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n < lo || n > hi) {
    usage_error(command, option + " '" + v + "' must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return false;
  }
  out = n;
  return true;
}

bool number_value(const char* command, const std::string& option, const std::string& v, double& out) {
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (v.empty() || *end != '\0') {
    usage_error(command, option + " '" + v + "' is not a number");
    return false;
  }
  out = x;
  return true;
}

bool column_value(const char* command, const std::string& v, nlohmann::json& request) {
  const size_t eq = v.find('=');
  if (eq == std::string::npos || eq == 0) {
    usage_error(command, "--column needs ROLE=HEADER (got '" + v + "')");
    return false;
  }
  request["columns"][v.substr(0, eq)] = v.substr(eq + 1);
  return true;
}

std::optional<std::string> call_on_file(const char* command, const char* method, nlohmann::json request,
                                        const CliArgs& args, int& exit_status) {
  if (args.positional.size() != 1) {
    exit_status = usage_error(command, args.positional.empty()
                                           ? std::string("expected a FILE (see glint ") + command + " --help)"
                                           : "one FILE only (got '" + args.positional[0] + "' and '" + args.positional[1] + "')");
    return std::nullopt;
  }
  const std::string& file = args.positional[0];
  Result<std::string> bytes = read_file(file);
  if (!bytes.ok()) {
    std::fprintf(stderr, "glint %s: %s\n", command, bytes.status().message().c_str());
    exit_status = 1;
    return std::nullopt;
  }
  request["name"] = file;
  EngineClient client;
  Result<std::string> r = client.call(method, request, std::as_bytes(std::span(bytes.value())));
  if (!r.ok()) {
    std::fprintf(stderr, "glint %s: %s\n", command, r.status().message().c_str());
    exit_status = r.status().code() == ErrorCode::kInvalidRequest ? 2 : 1;
    return std::nullopt;
  }
  exit_status = 0;
  return std::move(r.value());
}

void print_diagnostics(const nlohmann::json& d) {
  if (!d.is_object() || d.value("total", int64_t{0}) <= 0) return;
  std::printf("\n%lld diagnostic(s):\n", static_cast<long long>(d["total"].get<int64_t>()));
  size_t shown = 0;
  for (const auto& e : d["entries"]) {
    if (shown++ == 10) break;
    std::printf("  line %lld %s: %s\n", static_cast<long long>(e["row"].get<int64_t>()),
                e["column"].get<std::string>().c_str(), e["message"].get<std::string>().c_str());
  }
}

void print_raw(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace glint::native
