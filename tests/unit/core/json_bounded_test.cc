// Bounded JSON: depth measured without recursion, deep documents refused
// before anything walks them (a 100,000-deep array once crashed the server).
#include "glint/json_bounded.h"

#include <gtest/gtest.h>

#include <string>

#include "glint/engine.h"

namespace glint {
namespace {

TEST(JsonBounded, DepthCountsArraysAndObjectsNotBracketsInStrings) {
  EXPECT_EQ(json_nesting_depth("1"), 0);
  EXPECT_EQ(json_nesting_depth("[]"), 1);
  EXPECT_EQ(json_nesting_depth(R"({"a":[{"b":[1]}]})"), 4);
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[{{{{"})"), 1);
  EXPECT_EQ(json_nesting_depth(R"({"a":"\"[[[["})"), 1);       // an escaped quote does not end the string
  EXPECT_EQ(json_nesting_depth(R"(["\\", [[1]]])"), 3);        // an escaped backslash does
  EXPECT_EQ(json_nesting_depth("[[][][]]"), 2);
}

TEST(JsonBounded, StopsCountingPastTheLimit) {
  const std::string deep(1'000'000, '[');
  EXPECT_EQ(json_nesting_depth(deep, 64), 65);
}

TEST(JsonBounded, ParsesShallowRefusesDeep) {
  bool too_deep = true;
  const auto ok = parse_json_bounded(R"({"a":[1,2,{"b":null}]})", kMaxJsonDepth, &too_deep);
  EXPECT_FALSE(too_deep);
  ASSERT_FALSE(ok.is_discarded());
  EXPECT_EQ(ok["a"][2].contains("b"), true);
  const std::string at_limit = std::string(64, '[') + std::string(64, ']');
  EXPECT_FALSE(parse_json_bounded(at_limit).is_discarded());
  const std::string over = std::string(65, '[') + std::string(65, ']');
  EXPECT_TRUE(parse_json_bounded(over, kMaxJsonDepth, &too_deep).is_discarded());
  EXPECT_TRUE(too_deep);
  EXPECT_TRUE(parse_json_bounded("{nope", kMaxJsonDepth, &too_deep).is_discarded());
  EXPECT_FALSE(too_deep);
}

TEST(JsonBounded, CoreRefusesDeepRequestDocuments) {
  Engine e;
  const std::string deep = "{\"name\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const CallResult r = e.call("analyze", deep);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.code, ErrorCode::kInvalidRequest);
  EXPECT_NE(r.body.find("deeper than 64"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace glint
