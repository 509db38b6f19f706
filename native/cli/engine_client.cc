#include "cli/engine_client.h"

#include "ingest/segments.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace glint::native {

namespace {

constexpr size_t kChunk = 4 << 20;
constexpr size_t kSegment = 512 << 10;

ErrorCode code_from_name(const std::string& name) {
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInternal); ++c) {
    if (error_code_name(static_cast<ErrorCode>(c)) == name) return static_cast<ErrorCode>(c);
  }
  return ErrorCode::kInternal;
}

}  // namespace

Result<std::string> EngineClient::call(std::string_view method, const nlohmann::json& request,
                                       std::span<const std::byte> payload) {
  CallResult r = engine_.call(method, request.dump(), payload);
  if (r.ok()) return std::move(r.body);
  const auto doc = nlohmann::json::parse(r.body, nullptr, false);
  std::string message = r.body;
  if (!doc.is_discarded() && doc.contains("error") && doc["error"].contains("message")) {
    message = doc["error"]["message"].get<std::string>();
    return Status(code_from_name(doc["error"].value("code", "internal")), message);
  }
  return Status(r.code, message);
}

void EngineClient::use_threads(unsigned threads) {
  if (threads <= 1) {
    engine_.set_segments(nullptr);
    return;
  }
  engine_.set_segments([threads] { return std::make_unique<ThreadSegments>(threads, kSegment); });
}

Result<int64_t> EngineClient::ingest_file(const std::string& path, bool show_progress, const nlohmann::json& open) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status(ErrorCode::kInvalidRequest, path + ": " + std::strerror(errno));
  struct stat st {};
  const bool have_stat = fstat(fileno(f), &st) == 0;
  if (have_stat && S_ISDIR(st.st_mode)) {
    if (f != stdin) std::fclose(f);
    return Status(ErrorCode::kInvalidRequest, path + ": is a directory");
  }
  const double total = have_stat && S_ISREG(st.st_mode) ? static_cast<double>(st.st_size) : 0.0;
  nlohmann::json request = open;
  request["name"] = path;
  Result<std::string> opened = call("ingest.open", request);
  if (!opened.ok()) {
    if (f != stdin) std::fclose(f);
    return opened.status();
  }
  const int64_t handle = nlohmann::json::parse(opened.value())["handle"].get<int64_t>();
  // The same chunks with or without threads: a record over 1 MiB is judged
  // where a chunk ends, so the chunks must not depend on the thread count.
  std::vector<char> buf(kChunk);
  double done = 0;
  int last_pct = -1;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    Result<std::string> fed = call("ingest.feed", {{"handle", handle}},
                                   std::as_bytes(std::span<const char>(buf.data(), n)));
    if (!fed.ok()) {
      if (f != stdin) std::fclose(f);
      return fed.status();
    }
    done += static_cast<double>(n);
    if (show_progress && total > 64.0 * kChunk) {
      const int pct = static_cast<int>(100.0 * done / total);
      if (pct != last_pct) std::fprintf(stderr, "\rreading %s: %d%%", path.c_str(), last_pct = pct);
    }
  }
  if (show_progress && last_pct >= 0) std::fprintf(stderr, "\r\033[K");
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  if (f != stdin) std::fclose(f);
  if (failed) return Status(ErrorCode::kInvalidRequest, path + ": " + std::strerror(err));
  Result<std::string> closed = call("ingest.close", {{"handle", handle}});
  if (!closed.ok()) return closed.status();
  return handle;
}

}  // namespace glint::native
