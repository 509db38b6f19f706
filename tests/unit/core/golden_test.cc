// Golden tests are data: every tests/data/<case>.csv with a
// <case>.expected.json beside it runs through Engine::call("analyze") and must
// match the hand-computed expectation (a subset: only the members it names).
// The same goldens run through the wasm build in tests/wasm/parity.test.mjs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "glint/engine.h"
#include "test_util.h"

namespace glint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void expect_subset(const json& actual, const json& expected, const std::string& where) {
  if (expected.is_number()) {
    ASSERT_TRUE(actual.is_number()) << where << ": got " << actual.dump();
    const double e = expected.get<double>(), a = actual.get<double>();
    EXPECT_LE(std::fabs(a - e), 1e-9 * std::max(1.0, std::fabs(e))) << where;
  } else if (expected.is_array()) {
    ASSERT_TRUE(actual.is_array()) << where;
    ASSERT_EQ(actual.size(), expected.size()) << where;
    for (size_t i = 0; i < expected.size(); ++i) {
      expect_subset(actual[i], expected[i], where + "[" + std::to_string(i) + "]");
    }
  } else if (expected.is_object()) {
    ASSERT_TRUE(actual.is_object()) << where;
    for (const auto& [k, v] : expected.items()) {
      if (k == "$comment") continue;
      ASSERT_TRUE(actual.contains(k)) << where << "." << k << " missing";
      expect_subset(actual[k], v, where + "." + k);
    }
  } else {
    EXPECT_EQ(actual, expected) << where;
  }
}

using testing::slurp;

TEST(Golden, EveryFixtureMatchesItsHandComputedExpectation) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(GLINT_TEST_DATA)) {
    const fs::path golden = entry.path();
    const std::string name = golden.filename().string();
    if (!name.ends_with(".expected.json")) continue;
    const std::string stem = name.substr(0, name.size() - std::string(".expected.json").size());
    fs::path input;
    for (const char* ext : {".csv", ".tsv", ".txt"}) {
      if (fs::exists(golden.parent_path() / (stem + ext))) input = golden.parent_path() / (stem + ext);
    }
    ASSERT_FALSE(input.empty()) << "no input beside " << name;
    const std::string bytes = slurp(input);
    Engine engine;
    const CallResult r = engine.call(
        "analyze", json{{"name", input.filename().string()}}.dump(),
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
    SCOPED_TRACE(stem);
    expect_subset(json::parse(r.body), json::parse(slurp(golden)), "$");
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace glint
