// libFuzzer target: arbitrary bytes through core's one call, as a file to
// analyze (whole, and fed in odd-sized chunks) and as a request document.
// Core must answer every input with a document (a report or an error) and
// never crash, hang or leak. Run long by hand:
//   build/fuzz/tests/fuzz/glint_fuzz_ingest -max_total_time=3600 tests/fuzz/corpus tests/data
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "glint/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  // One engine for the whole session (parsing the schemas per input would
  // spend the fuzzing time there); every input drops what it opened.
  static glint::Engine engine;
  const uint8_t mode = data[0] % 6;
  if (mode == 0) {
    const auto r = engine.call("analyze", R"({"name":"fuzz.csv","days":7})", {bytes + 1, size - 1});
    if (r.body.empty() || r.body[0] != '{') std::abort();
  } else if (mode == 1) {
    // Chunked: the chunk size comes from the input, so boundaries land everywhere.
    const size_t chunk = 1 + (size > 1 ? data[1] % 61 : 0);
    const auto open = engine.call("ingest.open", R"({"name":"fuzz.csv"})");
    if (!open.ok()) std::abort();
    const std::string handle = "{\"handle\":" + std::to_string(nlohmann::json::parse(open.body)["handle"].get<int64_t>()) + "}";
    for (size_t i = 1; i < size; i += chunk) {
      const size_t n = std::min(chunk, size - i);
      engine.call("ingest.feed", handle, {bytes + i, n});
    }
    if (engine.call("ingest.close", handle).ok()) {
      const std::string h = handle.substr(10, handle.size() - 11);
      engine.call("report.analyze", "{\"handles\":[" + h + "],\"days\":3}");
    }
    engine.call("ingest.drop", handle);
  } else if (mode >= 3) {
    // The table analyses read the same bytes their own way.
    static const char* const kCalls[][2] = {
        {"funnel", R"({"name":"f.csv","steps":["Visit","View","Buy"],"window":"7d","order":"ordered"})"},
        {"attribution", R"({"name":"a.csv","model":"all"})"},
        {"profile", R"({"name":"p.csv","html":true})"}};
    const auto& call = kCalls[mode - 3];
    const auto r = engine.call(call[0], call[1], {bytes + 1, size - 1});
    if (r.body.empty() || r.body[0] != '{') std::abort();
  } else {
    // The request document itself is the fuzzed input.
    const std::string request(reinterpret_cast<const char*>(data + 1), size - 1);
    for (const char* method : {"analyze", "ingest.open", "ingest.feed", "report.analyze", "report.highlight", "ingest.import",
                               "funnel", "attribution", "profile", "nope"}) {
      const auto r = engine.call(method, request, {});
      if (r.body.empty()) std::abort();
    }
  }
  return 0;
}
