#include "cli/cli_args.h"

#include <algorithm>
#include <cstdint>
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

namespace {

// Next code point of `s` at `i` (advanced past it); an invalid byte is itself.
uint32_t next_code_point(std::string_view s, size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return b;
  }
  uint32_t cp = len == 1 ? b : b & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c >> 6) != 0x2) {
      ++i;
      return b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += len;
  return cp;
}

int code_point_width(uint32_t cp) {
  // Combining marks, zero-width joiner/space, variation selectors: no column.
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
      (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
      cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || (cp >= 0xE0100 && cp <= 0xE01EF)) {
    return 0;
  }
  // East Asian Wide and Fullwidth, and emoji presentation blocks: two.
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
      (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
      (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x1F680 && cp <= 0x1F6FF) || (cp >= 0x20000 && cp <= 0x3FFFD)) {
    return 2;
  }
  return 1;
}

}  // namespace

size_t display_width(std::string_view text) {
  size_t w = 0;
  for (size_t i = 0; i < text.size();) w += static_cast<size_t>(code_point_width(next_code_point(text, i)));
  return w;
}

std::string text_cell(std::string_view text, size_t width) {
  std::string out;
  if (width == 0) return out;
  if (display_width(text) <= width) {
    out.assign(text);
  } else {
    // Whole characters up to width - 1 columns, then "…" (one column).
    size_t w = 0;
    for (size_t i = 0; i < text.size();) {
      const size_t start = i;
      const int cw = code_point_width(next_code_point(text, i));
      if (w + static_cast<size_t>(cw) > width - 1) break;
      w += static_cast<size_t>(cw);
      out.append(text.substr(start, i - start));
    }
    // A mark after a kept character has no width, so it stays with it.
    out += "\u2026";
  }
  const size_t shown = display_width(out);
  if (shown < width) out.append(width - shown, ' ');
  return out;
}

bool threads_option(const char* command, const CliArgs& a, unsigned& threads) {
  for (const auto& [option, v] : a.values) {
    if (option != "--threads") continue;
    long n = 0;
    if (!integer_value(command, option, v, 1, 256, n)) return false;
    threads = static_cast<unsigned>(n);
  }
  return true;
}

void report_options(const CliArgs& a, nlohmann::json& request, nlohmann::json& open) {
  for (const auto& [option, v] : a.values) {
    if (option == "--locale") request["locale"] = v;
    if (option == "--currency") request["currency"] = v;
    if (option == "--from") request["start"] = v;
    if (option == "--to") request["end"] = v;
    if (option == "--platform") request["platforms"].push_back(v);
    if (option == "--account") request["accounts"].push_back(v);
    if (option == "--campaign") request["campaigns"].push_back(v);
    if (option == "--compare") {
      // previous | year | none | START:END (core checks the dates and says which is wrong)
      const size_t colon = v.find(':');
      if (colon == std::string::npos) {
        request["compare"] = v;
      } else {
        request["compare"] = {{"start", v.substr(0, colon)}, {"end", v.substr(colon + 1)}};
      }
    }
  }
  if (a.has("--keep-duplicates")) open["dedupe_rows"] = false;
  if (a.has("--keep-overlaps")) request["dedupe_overlaps"] = false;
}

}  // namespace glint::native
