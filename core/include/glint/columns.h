// glint/columns.h — which platform wrote an export, and what its columns mean.
//
// Headers are mapped to canonical fields through the alias table in
// schemas/columns.json (data, not code): Google Ads, Meta, GA4, TikTok,
// LinkedIn, Microsoft Ads and generic layouts, in six languages. Matching
// ignores case, surrounding spaces and a currency written after the name
// ("Amount spent (USD)" → spend, currency USD). The platform is the one whose
// distinctive headers ("markers") and aliases the header row matches best.
// Unknown columns are kept and reported as unmapped, never dropped silently.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace glint {

enum class Field : uint8_t {
  kNone = 0,
  // dates
  kDate, kDateStart, kDateEnd,
  // ads dimensions
  kPlatform, kAccountId, kAccountName, kCampaignId, kCampaign, kAdGroupId, kAdGroup, kAdId, kAd,
  kCurrency,
  // ads metrics
  kImpressions, kClicks, kSpend, kConversions, kConversionValue, kReach, kVideoViews,
  // Meta specifics
  kFrequency, kResultIndicator, kResults, kClicksAll,
  // web analytics dimensions
  kSource, kMedium, kSourceMedium, kLandingPage, kDevice,
  // web analytics metrics
  kSessions, kEngagedSessions, kUsers, kNewUsers, kViews, kKeyEvents, kRevenue,
  // event-level rows and touchpoints (funnel, attribution); appended, never reordered
  kUserId, kSessionId, kEventName, kTimestamp, kChannel, kConverted, kValue, kStep, kStepCount,
  // campaign attributes (read per campaign, never summed); appended, never reordered
  kCampaignType, kCampaignStatus, kBidStrategy, kTargetCpa, kTargetRoas, kBudget, kLostIsBudget,
  // ads dimensions below the ad group (drill-down); appended, never reordered
  kKeyword, kSearchTerm,
  kCount
};

// Canonical snake_case name ("conversion_value"); "" for kNone.
std::string_view field_name(Field f);
std::optional<Field> field_from_name(std::string_view name);

enum class Platform : uint8_t {
  kGoogleAds = 0, kMetaAds, kGa4, kTiktokAds, kLinkedinAds, kMicrosoftAds, kGeneric,
  kCount
};

// "google_ads", "meta_ads", "ga4", "tiktok_ads", "linkedin_ads", "microsoft_ads", "generic".
std::string_view platform_name(Platform p);
std::optional<Platform> platform_from_name(std::string_view name);
// "Google Ads", "Meta Ads", "GA4", …; "" for generic.
std::string_view platform_display_name(Platform p);
// A platform named in a cell ("Google Ads", "facebook", "Meta") → its id.
std::optional<Platform> platform_from_label(std::string_view label);

// The alias table, parsed once from schemas/columns.json.
struct AliasTable {
  struct Alias {
    Field field = Field::kNone;
    uint32_t platforms = 0;  // bit per Platform
    int priority = 0;        // position within its field's list: lower wins
    uint8_t lang = 0;        // index into `languages`: the UI language that writes it
  };
  std::vector<std::string> languages;                // "en", "de", … in order of first appearance
  std::unordered_map<std::string, Alias> by_header;  // normalised header → alias
  std::vector<std::vector<std::string>> markers;     // per Platform, normalised
  std::vector<std::string> total_labels;             // "total", "grand total", "gesamt" (folded)
  std::vector<std::string> label_separators;         // what may follow a label: ":", " -", " ("
  std::vector<std::string> results_from_patterns;    // "results from" + a number (folded)
  std::vector<std::string> footer_patterns;          // "©", "copyright" (folded)
  std::vector<std::string> conversion_indicators;    // Meta result indicators that are conversions
  std::string check_note_larger, check_note_smaller; // a total that differs from its rows' sum
  uint64_t non_additive = 0;                         // bit per Field: never summed into a check (reach, users)

  // The label a cell carries when it names a summary row ("Total: Account",
  // "Grand total"), folded; "" when it does not. A name that only begins with
  // the word ("Total Fitness", "Totalmente") is not a label.
  std::string summary_label(std::string_view cell) const;
  bool additive(Field f) const { return ((non_additive >> static_cast<unsigned>(f)) & 1u) == 0; }
};

AliasTable parse_alias_table(std::string_view json_text);

// A header cell in matching form: case folded, spaces collapsed, and a trailing
// "(USD)" / "(€)" / "in EUR" removed; the currency code it named, if any.
struct NormalisedHeader {
  std::string key;
  std::string currency;
};
NormalisedHeader normalise_header(std::string_view header);

struct ColumnMapping {
  Platform platform = Platform::kGeneric;
  std::vector<Field> fields;        // per column; kNone when unmapped
  std::vector<std::string> headers; // as written, trimmed
  std::string currency;             // from a money column's header, if any
  std::string lang;                 // UI language most mapped headers are written in ("de"); "" when none
  int known = 0;                    // columns mapped
  // Columns whose field was already taken by a higher-priority header.
  std::vector<size_t> shadowed;
  // Columns whose header repeats an earlier one (column, the earlier column):
  // the first is used, the repeat never.
  std::vector<std::pair<size_t, size_t>> duplicates;
};

// How many cells of a candidate header row are known headers.
int count_known_headers(std::span<const std::string_view> cells, const AliasTable& table);

// Maps a header row; the platform comes from markers and aliases.
ColumnMapping map_columns(std::span<const std::string_view> cells, const AliasTable& table);

}  // namespace glint
