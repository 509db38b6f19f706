// glint/engine.h — the one message call across core's boundary.
//
// Every capability of core is a method reached through Engine::call: a method
// name and a request document (JSON) in, a response document (JSON) out, plus
// optional raw bytes (a CSV export) beside the request. The wasm binding, the
// CLI and the server all go through this call, so the same input gives the
// same bytes everywhere. Response shapes are the JSON Schemas in schemas/.
//
// Failure: a failed call returns a document whose only member is "error":
//   {"error":{"code":"no_header","message":"..."}}
// and no successful response ever starts with an "error" member, so callers
// can tell the two apart without a second channel. call() never throws.
//
// Ownership and threads: an Engine owns the state of the inputs streamed into
// it (see the ingest.* methods); one Engine is used by one thread at a time.
// Separate Engines share nothing.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "glint/status.h"

namespace glint {
class CsvSegments;
}

namespace glint {

// The outcome of a call: the code (kOk on success) and the response document.
struct CallResult {
  ErrorCode code = ErrorCode::kOk;
  std::string body;
  bool ok() const { return code == ErrorCode::kOk; }
};

class Engine {
 public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs `method` on `request` (a JSON object; empty means {}) and `payload`.
  CallResult call(std::string_view method, std::string_view request,
                  std::span<const std::byte> payload = {});

  // Native callers may lend core threads: every input opened after this
  // tokenizes its large chunks through a CsvSegments from `make` (csv.h).
  // Core itself starts no thread; the results are the same bytes.
  void set_segments(std::function<std::unique_ptr<CsvSegments>()> make);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// glint's version string ("0.1.0").
std::string_view version();

}  // namespace glint
