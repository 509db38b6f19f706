// glint/attribution.h — which channels get the credit for conversions.
//
// attribution_report reads touchpoint rows: a journey or user id, a
// timestamp, a channel, and on the converting row a conversion flag (or a
// count) and optionally its value — columns found by name through the alias
// table, never by position. Each id's rows are taken in time order (file
// order on ties); a converting row closes a journey made of the touchpoints
// up to it, and the rows after the id's last conversion form a journey that
// did not convert. A converting row without a channel is a conversion only;
// a conversion with no touchpoint at all is credited to "(none)".
//
// Models: first touch, last touch, linear, time decay (weight halves every
// half-life counted back from the conversion), position based (first and
// last weights, the middle touchpoints share the rest; two touchpoints split
// first:last), and a first-order Markov chain over all journeys (converting
// or not) whose removal effects, normalised, share out the conversions and
// revenue. Rule-based models credit converting journeys only.
//
// Exact totals: credit is kept in int64 micro-units. Rule-based models round
// each journey's shares with the largest-remainder method (floor every share,
// then one micro-unit to each of the largest fractional parts, ties to the
// earlier touchpoint), so every journey — and therefore every total — sums to
// its conversions and revenue exactly; Markov rounds the channel shares of the
// totals the same way (ties to the channel listed first).
//
// Failure: errors are values (kNoHeader naming the missing roles, kNoData,
// TableReader's codes); unparsable timestamps and rows without an id become
// diagnostics with their line. Pure and deterministic; no libm in results.
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

enum class AttributionModel : uint8_t {
  kFirst,
  kLast,
  kLinear,
  kTimeDecay,
  kPositionBased,
  kMarkov
};
// "first", "last", "linear", "time_decay", "position_based", "markov".
std::string_view attribution_model_name(AttributionModel m);
std::optional<AttributionModel> attribution_model_from_name(std::string_view name);

struct AttributionOptions {
  std::vector<AttributionModel> models;  // in output order; empty means all
  double half_life_days = 7.0;           // time decay
  double first_weight = 0.4;             // position based: first touchpoint
  double last_weight = 0.4;              // position based: last touchpoint (middle: the rest)
  std::map<std::string, std::string>
      columns;  // role (user_id, timestamp, channel, conversion, revenue) → header
};

// The shares (summing to 1) a rule-based model gives the touchpoints of one
// converting journey, at `touch_ms` (time order), converting at `conversion_ms`.
std::vector<double> touch_shares(AttributionModel model, std::span<const int64_t> touch_ms,
                                 int64_t conversion_ms, const AttributionOptions& options);

// A first-order Markov chain over channel ids 0..channels-1, built from paths.
class MarkovChain {
 public:
  explicit MarkovChain(size_t channels);
  // One journey: its channels in order, and whether it converted.
  void add_path(std::span<const uint32_t> channels, bool converted);
  // P(conversion) from the start, with the chain as observed.
  double conversion_probability() const;
  // Per channel: 1 − P(conversion without it) / P(conversion); 0 when nothing converts.
  std::vector<double> removal_effects() const;

 private:
  // The linear system (I − Q) x = r over the transient states (channels,
  // then the start), row-major m × m, and its right-hand side.
  void system(std::vector<double>& a, std::vector<double>& r) const;
  size_t n_;  // channels
  // Transition counts: from start (row n_) and each channel to each channel,
  // to conversion (column n_) and to null (column n_ + 1).
  std::vector<std::vector<int64_t>> counts_;
};

// The attribution report (schemas/attribution_report.schema.json) as JSON text.
Result<std::string> attribution_report(std::string_view name, std::span<const std::byte> bytes,
                                       const AttributionOptions& options, const AliasTable& aliases,
                                       const Locale& locale);

}  // namespace glint
