// EngineClient — native/'s way into core: Engine::call with JSON in and out,
// plus streaming a file into an input handle in chunks (a file never has to
// sit in memory whole). Errors come back as Status with core's message.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "glint/engine.h"
#include "glint/status.h"

namespace glint::native {

class EngineClient {
 public:
  // The response document, or core's error as a Status.
  Result<std::string> call(std::string_view method, const nlohmann::json& request,
                           std::span<const std::byte> payload = {});
  // Streams `path` ("-" = stdin) through ingest.open/feed/close; the handle.
  // `open` adds ingest.open options (dedupe_rows).
  Result<int64_t> ingest_file(const std::string& path, bool show_progress,
                              const nlohmann::json& open = nlohmann::json::object());

  // Lends core `threads` in all (the caller's included) to tokenize each
  // file's chunks; 1 lends none. Same bytes out either way.
  void use_threads(unsigned threads);

  Engine& engine() { return engine_; }

 private:
  Engine engine_;
};

}  // namespace glint::native
