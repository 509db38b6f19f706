#include "glint/analyze.h"

#include <algorithm>
#include <array>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "glint/csv.h"
#include "text.h"

namespace glint {
namespace data {
extern const std::string_view k_columns_json;
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "warning";
}

namespace {

enum class Field { kCampaign, kImpressions, kClicks, kSpend, kConversions, kConversionValue };
constexpr std::array<std::pair<std::string_view, Field>, 6> kFieldNames{{
    {"campaign", Field::kCampaign},
    {"impressions", Field::kImpressions},
    {"clicks", Field::kClicks},
    {"spend", Field::kSpend},
    {"conversions", Field::kConversions},
    {"conversion_value", Field::kConversionValue},
}};

AdMetric metric_of(Field f) {
  switch (f) {
    case Field::kImpressions: return AdMetric::kImpressions;
    case Field::kClicks: return AdMetric::kClicks;
    case Field::kSpend: return AdMetric::kSpend;
    case Field::kConversions: return AdMetric::kConversions;
    case Field::kConversionValue: return AdMetric::kConversionValue;
    case Field::kCampaign: break;
  }
  return AdMetric::kImpressions;
}

// Header (lowercased) → canonical field, from the alias table in schemas/.
std::map<std::string, Field, std::less<>> load_aliases() {
  std::map<std::string, Field, std::less<>> out;
  const auto doc = nlohmann::json::parse(data::k_columns_json, nullptr, false);
  if (!doc.is_object() || !doc.contains("fields")) return out;
  for (const auto& [field_name, field] : kFieldNames) {
    const auto it = doc["fields"].find(std::string(field_name));
    if (it == doc["fields"].end() || !it->is_array()) continue;
    for (const auto& alias : *it) {
      if (alias.is_string()) out.emplace(alias.get<std::string>(), field);
    }
  }
  return out;
}

class CampaignAggregator final : public CsvSink {
 public:
  explicit CampaignAggregator(InputReport& input)
      : input_(input), aliases_(load_aliases()) {}

  void on_record(const CsvRecord& record) override {
    if (!header_found_) {
      try_header(record);
      return;
    }
    if (record.fields.size() != headers_.size()) {
      input_.diagnostics.push_back({record.line, "", Severity::kError,
                                    "row has " + std::to_string(record.fields.size()) +
                                        " fields, the header has " +
                                        std::to_string(headers_.size()) + "; row skipped"});
      return;
    }
    AdSums row;
    row.rows = 1;
    std::string_view campaign;
    for (size_t i = 0; i < record.fields.size(); ++i) {
      const std::optional<Field> f = fields_[i];
      if (!f) continue;
      const std::string_view cell = text::trim(record.fields[i]);
      if (*f == Field::kCampaign) {
        campaign = cell;
        continue;
      }
      if (cell.empty() || cell == "--") continue;
      const auto micros = text::parse_plain_micros(cell);
      if (!micros) {
        input_.diagnostics.push_back({record.line, headers_[i], Severity::kError,
                                      "'" + std::string(cell) + "' is not a number"});
        continue;
      }
      row[metric_of(*f)] += *micros;
    }
    campaigns_[std::string(campaign)].add(row);
    ++input_.rows;
  }

  void on_issue(const CsvIssue& issue) override {
    input_.diagnostics.push_back(
        {issue.line, "", Severity::kError,
         issue.kind == CsvIssueKind::kUnterminatedQuote
             ? "a quoted field opens here and never closes; line skipped"
             : "record longer than the 1 MiB limit; skipped"});
  }

  bool header_found() const { return header_found_; }
  bool has_campaign() const { return has_campaign_; }
  std::map<std::string, AdSums>& campaigns() { return campaigns_; }

 private:
  void try_header(const CsvRecord& record) {
    std::vector<std::optional<Field>> fields;
    bool any = false;
    for (const std::string_view cell : record.fields) {
      const auto it = aliases_.find(text::ascii_lower(text::trim(cell)));
      if (it != aliases_.end()) {
        fields.emplace_back(it->second);
        any = true;
        if (it->second == Field::kCampaign) has_campaign_ = true;
      } else {
        fields.emplace_back(std::nullopt);
      }
    }
    if (!any) return;
    header_found_ = true;
    fields_ = std::move(fields);
    for (const std::string_view cell : record.fields) headers_.emplace_back(text::trim(cell));
  }

  InputReport& input_;
  std::map<std::string, Field, std::less<>> aliases_;
  bool header_found_ = false;
  bool has_campaign_ = false;
  std::vector<std::optional<Field>> fields_;
  std::vector<std::string> headers_;
  std::map<std::string, AdSums> campaigns_;
};

bool looks_binary(std::span<const std::byte> bytes) {
  const size_t n = std::min<size_t>(bytes.size(), 8192);
  for (size_t i = 0; i < n; ++i) {
    if (bytes[i] == std::byte{0}) return true;
  }
  return false;
}

}  // namespace

Result<AnalyzeReport> analyze_csv(std::string_view name, std::span<const std::byte> bytes) {
  AnalyzeReport report;
  InputReport input;
  input.name = std::string(name);
  input.bytes = bytes.size();
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text::trim(text).find_first_not_of("\r\n") == std::string_view::npos) {
    return Status(ErrorCode::kEmptyInput, input.name + ": the file is empty");
  }
  if (looks_binary(bytes)) {
    return Status(ErrorCode::kBinaryInput, input.name + ": this is not a text (CSV) file");
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  CampaignAggregator agg(input);
  CsvTokenizer tokenizer(CsvOptions{});
  tokenizer.feed(text, agg);
  tokenizer.finish(agg);
  if (!agg.header_found()) {
    return Status(ErrorCode::kNoHeader,
                  input.name + ": no header row with a known column (campaign, impressions, "
                               "clicks, spend, ...) was found");
  }
  if (input.rows == 0) {
    return Status(ErrorCode::kNoData, input.name + ": a header was found but no data row");
  }
  for (auto& [campaign, sums] : agg.campaigns()) {
    report.totals.add(sums);
    report.by_campaign.push_back({campaign, sums});
  }
  report.inputs.push_back(std::move(input));
  return report;
}

}  // namespace glint
