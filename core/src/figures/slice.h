// The slices of the data a person picks on the page: filters by platform,
// account and campaign, the values those filters can take, the breakdown
// levels the inputs offer, and report.breakdown (a level below another,
// current window against the comparison window). Private to core.
#pragma once

#include <deque>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "glint/engine.h"
#include "glint/format.h"
#include "glint/ingest.h"
#include "glint/rollup.h"
#include "glint/status.h"
#include "base/json_out.h"

namespace glint {

// "platforms", "accounts", "campaigns" of a request.
struct SliceFilter {
  std::set<Platform> platforms;
  std::set<std::string, std::less<>> accounts;   // account ids (compared by digits) or names
  std::set<std::string, std::less<>> campaigns;  // campaign ids or names (web: the utm campaign)
  bool any() const { return !platforms.empty() || !accounts.empty() || !campaigns.empty(); }
};

Status read_slice_filter(const json_out::Json& doc, SliceFilter& out);

// Replaces `inputs` by copies holding only the rows the filter keeps (kept in
// `holder`), so every total, comparison and fact reads those rows alone.
// Web rows have no ad account: an account filter leaves them out.
void apply_slice_filter(const SliceFilter& f, std::vector<const Dataset*>& inputs, std::deque<Dataset>& holder);

// {"platforms": [...], "accounts": [...], "campaigns": [...]} as applied.
json_out::Json slice_filter_json(const SliceFilter& f);

// What the inputs hold, for the filter menus: platforms, accounts
// [{platform, id, name}] and campaigns [{platform, account_id, id, name}]
// (at most 5000 of each, by name), with "truncated" when cut.
json_out::Json filter_values_json(std::span<const Dataset* const> inputs);

// The breakdown levels inputs of `kind` have data for, in drill order.
json_out::Json levels_json(std::span<const Dataset* const> inputs, DataKind kind);

// report.breakdown over already filtered inputs.
CallResult breakdown_call(const json_out::Json& request, std::span<const Dataset* const> inputs,
                          const RollupOptions& rollup, const json_out::Json& format);

}  // namespace glint
