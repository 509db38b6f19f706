// glint/funnel.h — how many people get from the first step to the last.
//
// funnel_report reads one table (a CSV/TSV export as bytes) in one of three
// shapes, recognised from its columns through the alias table:
//   - event rows: a user (or session) id, an event name and a timestamp, with
//     any other columns as properties. A user counts at step k only if they
//     did steps 1..k within the conversion window measured from their step 1:
//       ordered  steps in order, other events allowed between them;
//       strict   steps in order with no other event between them;
//       any      order ignored (every step 1..k inside one window).
//     Events with equal timestamps are taken in funnel order, so a tie never
//     loses a conversion. A user's best attempt counts: the deepest, and
//     among equally deep ones the earliest; its step times give the median and
//     p90 time from the previous step (linear between closest ranks).
//   - step totals: a step column and a count column (a GA4 funnel export).
//   - GA4 sessions: sessions, engaged sessions and key events (and ad clicks
//     when present) by traffic source: the ads-to-conversion journey and the
//     sources with the worst drop-off.
// The response follows schemas/funnel_report.schema.json. Ratios are
// fractions; a ratio over 0 is null.
//
// Failure: errors are values — unreadable input (TableReader's codes),
// kNoHeader when the columns fit no shape, kNoData when no row could be used,
// kInvalidRequest naming the option (unknown step names are listed with the
// names the data has). Bad rows (unparsable timestamp, missing id) become
// diagnostics with their line; nothing throws. Pure and deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glint/columns.h"
#include "glint/status.h"
#include "glint/values.h"

namespace glint {

enum class FunnelOrder : uint8_t { kStrict, kOrdered, kAny };
std::string_view funnel_order_name(FunnelOrder o);  // "strict", "ordered", "any"
std::optional<FunnelOrder> funnel_order_from_name(std::string_view name);

struct FunnelOptions {
  std::vector<std::string> steps;        // event names in funnel order
  int64_t window_ms = 7 * 86'400'000LL;  // INT64_MAX: no window
  FunnelOrder order = FunnelOrder::kOrdered;
  std::string breakdown;             // a column (header or field name); empty: none
  size_t max_breakdown_values = 20;  // the rest are reported together as "(other)"
  std::map<std::string, std::string>
      columns;  // role (user_id, event, timestamp, step, count) → header
};

// One event of one user, in time order; step is the funnel step's index, or
// -1 for an event that is no step of the funnel.
struct FunnelEvent {
  int64_t time_ms = 0;
  int32_t step = -1;
};

// The attempt that counts for one user: how many steps it reached and when.
struct FunnelPath {
  int depth = 0;
  std::vector<int64_t> times_ms;  // time of steps 1..depth (empty for `any`)
};

// Matches one user's time-sorted events against a funnel of `steps` steps.
FunnelPath match_funnel(std::span<const FunnelEvent> events, int steps, FunnelOrder order,
                        int64_t window_ms);

// The funnel report of the table in `bytes` as JSON text.
Result<std::string> funnel_report(std::string_view name, std::span<const std::byte> bytes,
                                  const FunnelOptions& options, const AliasTable& aliases,
                                  const Locale& locale);

}  // namespace glint
