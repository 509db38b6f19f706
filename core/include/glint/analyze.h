// glint/analyze.h — from the bytes of an ad export to per-campaign sums.
//
// analyze_csv reads one CSV export (comma-separated, RFC 4180 quoting, the
// first row with a known column is the header) and sums the base metrics per
// campaign. Derived metrics are computed from the sums by derive_rates().
// Rows it cannot use are reported as diagnostics with their line numbers; the
// good rows still count. It fails only when nothing could be read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "glint/metrics.h"
#include "glint/status.h"

namespace glint {

enum class Severity { kInfo, kWarning, kError };
std::string_view severity_name(Severity s);

// Something about the input a person should know, tied to where it happened.
struct Diagnostic {
  uint64_t row = 0;    // 1-based physical line; 0 when about the whole input
  std::string column;  // header of the cell concerned; empty for a whole row
  Severity severity = Severity::kWarning;
  std::string message;
};

struct CampaignSums {
  std::string campaign;
  AdSums sums;
};

struct InputReport {
  std::string name;
  uint64_t bytes = 0;
  uint64_t rows = 0;  // data rows that counted
  std::vector<Diagnostic> diagnostics;
};

struct AnalyzeReport {
  std::vector<InputReport> inputs;
  AdSums totals;
  std::vector<CampaignSums> by_campaign;  // sorted by campaign name
};

Result<AnalyzeReport> analyze_csv(std::string_view name, std::span<const std::byte> bytes);

}  // namespace glint
