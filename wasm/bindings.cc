// The wasm binding: core's one message call, and version(). Nothing else is
// bound; new capabilities are new methods behind call(), not new bindings.
//
// call(method, request, ptr, len): the payload bytes sit in the module's heap
// at [ptr, ptr+len), put there by the JS wrapper (glint.mjs), which owns and
// frees them. The response is a JSON document (see glint/engine.h).
#include <emscripten/bind.h>

#include <cstdint>
#include <string>

#include "glint/engine.h"

namespace {

class WasmEngine {
 public:
  std::string call(const std::string& method, const std::string& request, uintptr_t ptr,
                   size_t len) {
    const auto* bytes = reinterpret_cast<const std::byte*>(ptr);
    return engine_.call(method, request, std::span<const std::byte>(bytes, len)).body;
  }

 private:
  glint::Engine engine_;
};

std::string version() { return std::string(glint::version()); }

}  // namespace

EMSCRIPTEN_BINDINGS(glint) {
  emscripten::class_<WasmEngine>("Engine")
      .constructor<>()
      .function("call", &WasmEngine::call);
  emscripten::function("version", &version);
}
