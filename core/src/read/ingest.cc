#include "glint/ingest.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "base/text.h"

namespace glint {

std::string_view data_kind_name(DataKind k) { return k == DataKind::kWeb ? "web" : "ads"; }

namespace {

constexpr size_t kFormatSampleRows = 20'000;
constexpr size_t kExcludedKept = 1000;

struct MetricColumn {
  size_t col;
  Field field;
  size_t slot;               // index into Sums::v
  DecimalMark mark = DecimalMark::kUnknown;
};

bool is_ads_metric(Field f) {
  switch (f) {
    case Field::kImpressions: case Field::kClicks: case Field::kSpend: case Field::kReach:
    case Field::kVideoViews: case Field::kResults: case Field::kClicksAll: case Field::kFrequency:
      return true;
    default:
      return false;
  }
}

// Whole-number metrics: "1,000" impressions can only be a thousand.
bool is_count(Field f) {
  switch (f) {
    case Field::kImpressions: case Field::kClicks: case Field::kReach: case Field::kVideoViews:
    case Field::kClicksAll: case Field::kSessions: case Field::kEngagedSessions: case Field::kUsers:
    case Field::kNewUsers: case Field::kViews:
      return true;
    default:
      return false;
  }
}

bool is_web_metric(Field f) {
  switch (f) {
    case Field::kSessions: case Field::kEngagedSessions: case Field::kUsers: case Field::kNewUsers:
    case Field::kViews: case Field::kKeyEvents: case Field::kRevenue:
      return true;
    default:
      return false;
  }
}

std::optional<size_t> ads_slot(Field f) {
  switch (f) {
    case Field::kImpressions: return static_cast<size_t>(AdMetric::kImpressions);
    case Field::kClicks: return static_cast<size_t>(AdMetric::kClicks);
    case Field::kSpend: return static_cast<size_t>(AdMetric::kSpend);
    case Field::kConversions: return static_cast<size_t>(AdMetric::kConversions);
    case Field::kConversionValue: return static_cast<size_t>(AdMetric::kConversionValue);
    case Field::kReach: return static_cast<size_t>(AdMetric::kReach);
    case Field::kVideoViews: return static_cast<size_t>(AdMetric::kVideoViews);
    default: return std::nullopt;
  }
}

std::optional<size_t> web_slot(Field f) {
  switch (f) {
    case Field::kSessions: return static_cast<size_t>(WebMetric::kSessions);
    case Field::kEngagedSessions: return static_cast<size_t>(WebMetric::kEngagedSessions);
    case Field::kUsers: return static_cast<size_t>(WebMetric::kUsers);
    case Field::kNewUsers: return static_cast<size_t>(WebMetric::kNewUsers);
    case Field::kViews: return static_cast<size_t>(WebMetric::kViews);
    case Field::kKeyEvents: return static_cast<size_t>(WebMetric::kKeyEvents);
    case Field::kRevenue: return static_cast<size_t>(WebMetric::kRevenue);
    default: return std::nullopt;
  }
}

std::optional<size_t> ads_dim(Field f) {
  switch (f) {
    case Field::kAccountId: return static_cast<size_t>(AdDim::kAccountId);
    case Field::kAccountName: return static_cast<size_t>(AdDim::kAccountName);
    case Field::kCampaignId: return static_cast<size_t>(AdDim::kCampaignId);
    case Field::kCampaign: return static_cast<size_t>(AdDim::kCampaign);
    case Field::kAdGroupId: return static_cast<size_t>(AdDim::kAdGroupId);
    case Field::kAdGroup: return static_cast<size_t>(AdDim::kAdGroup);
    case Field::kAdId: return static_cast<size_t>(AdDim::kAdId);
    case Field::kAd: return static_cast<size_t>(AdDim::kAd);
    case Field::kKeyword: return static_cast<size_t>(AdDim::kKeyword);
    case Field::kSearchTerm: return static_cast<size_t>(AdDim::kSearchTerm);
    default: return std::nullopt;
  }
}

std::optional<size_t> web_dim(Field f) {
  switch (f) {
    case Field::kSource: return static_cast<size_t>(WebDim::kSource);
    case Field::kMedium: return static_cast<size_t>(WebDim::kMedium);
    case Field::kCampaign: return static_cast<size_t>(WebDim::kCampaign);
    case Field::kLandingPage: return static_cast<size_t>(WebDim::kLandingPage);
    case Field::kDevice: return static_cast<size_t>(WebDim::kDevice);
    default: return std::nullopt;
  }
}

std::string quote_cell(std::string_view cell) {
  std::string s(cell.substr(0, 60));
  if (cell.size() > 60) s += "…";
  return "'" + s + "'";
}

}  // namespace

class Ingest::Builder final : public TableSink, public CsvBatchHook {
 public:
  Builder(const IngestContext& ctx, const IngestOptions& options)
      : ctx_(ctx),
        options_(options),
        label_first_(first_pairs(ctx.aliases.total_labels)),
        results_first_(first_bytes(ctx.aliases.results_from_patterns)) {}

  void on_header(const TableInfo& info) override {
    header_seen_ = true;
    section_ = info;
    std::vector<std::string_view> cells(info.header.begin(), info.header.end());
    mapping_ = map_columns(cells, ctx_.aliases);
    report_.platform = mapping_.platform;
    width_ = cells.size();
    delimiter_ = info.dialect.delimiter;
    plan_columns();
  }

  void on_row(std::span<const std::string_view> fields, uint64_t line) override {
    if (!decided_) {
      keep_sample(fields, line);
      if (sample_.size() >= kFormatSampleRows) decide_formats();
      return;
    }
    process(fields, line);
  }

  // With threads: the pure steps of each row — is it plainly data (nothing a
  // summary, footer or empty row could be), its row key, its metric cells'
  // exact values — are done where the row was tokenized. Offered only once
  // the columns and formats are decided: nothing annotate() reads changes
  // after that.
  const CsvBatchHook* batch_hook() const override { return decided_ && !metrics_.empty() ? this : nullptr; }

  void annotate(CsvBatch& batch) const override {
    for (CsvBatch::Item& item : batch.items) {
      if (item.issue >= 0) continue;
      std::span<const std::string_view> f(batch.fields.data() + item.first_field, item.fields);
      if (f.size() > width_) {
        bool extra_empty = true;
        for (size_t i = width_; i < f.size(); ++i) extra_empty &= text::trim_spaces(f[i]).empty();
        if (extra_empty) f = f.subspan(0, width_);
      }
      if (f.size() != width_ || !plainly_data(f)) continue;
      CsvHint& h = item.hint;
      h.owner = this;
      h.key = row_key(f);
      h.parsed = 0;
      const Platform platform =
          platform_col_ ? platform_from_label(f[*platform_col_]).value_or(mapping_.platform) : mapping_.platform;
      std::string_view currency;
      std::array<std::string_view, kAdDims> values{};
      entity_values(f, currency, values);
      h.blob_at = static_cast<uint32_t>(batch.blob.size());
      append_key(batch.blob, platform, currency, values);
      h.blob_size = static_cast<uint32_t>(batch.blob.size() - h.blob_at);
      h.blob_hash = key_hash(std::string_view(batch.blob).substr(h.blob_at, h.blob_size));
      for (size_t m = 0; m < metrics_.size() && m < CsvHint::kValues; ++m) {
        int64_t v = 0;
        if (parse_plain_fast(f[metrics_[m].col], v)) {
          h.values[m] = v;
          h.parsed |= 1u << m;
        }
      }
    }
    for (CsvBatch::Item& item : batch.items) {  // the keys stay where they are from here on
      if (item.hint.owner == this) item.hint.blob = batch.blob.data() + item.hint.blob_at;
    }
  }

  void on_hinted_row(std::span<const std::string_view> fields, uint64_t line, const CsvHint& hint) override {
    if (hint.owner != this || !decided_) {
      on_row(fields, line);
      return;
    }
    if (fields.size() > width_) fields = fields.subspan(0, width_);  // annotate() saw only empty cells past it
    count_row(fields, line, &hint);
  }

  // True only when screened_out() would find nothing in a full-width row: it
  // looks for less (any cell that might start a total label, any name that
  // might start "Results from", a possible footer) and leaves every such row
  // to screened_out() itself.
  bool plainly_data(std::span<const std::string_view> fields) const {
    size_t filled = 0;
    for (size_t i = 0; i < fields.size() && filled <= 2; ++i) filled += !text::trim_spaces(fields[i]).empty();
    if (filled <= 2) return false;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i < is_metric_col_.size() && is_metric_col_[i]) continue;
      const std::string_view c = text::trim_spaces(fields[i]);
      if (c.size() >= 2 && maybe_label(c)) return false;
    }
    for (size_t c : name_cols_) {
      const std::string_view raw = text::trim_spaces(fields[c]);
      if (!raw.empty() && results_first_[static_cast<unsigned char>(raw[0])]) return false;
    }
    if (!summary_cols_.empty()) {
      bool all_blank = true;
      for (size_t c : summary_cols_) all_blank &= blank_dim(fields, c);
      if (all_blank) return false;
    }
    return true;
  }

  void on_skipped(uint64_t line, std::string_view reason) override {
    if (reason == "comment line" || reason == "repeated header row") {
      exclude(line, std::string(reason));
      return;
    }
    report_.diagnostics.add({line, "", Severity::kError, std::string(reason)});
  }

  uint64_t rows() const { return report_.rows + sample_.size(); }
  const TableInfo& section() const { return section_; }

  Result<Dataset> finish(const TableReader& reader) {
    if (!decided_) decide_formats();
    resolve_candidates();
    report_.table = reader.info();
    report_.table.header = section_.header;
    report_.table.header_row = section_.header_row;
    report_.table.preamble_lines = section_.preamble_lines;
    if (const uint64_t bad = reader.replacements(); bad > 0) {
      report_.diagnostics.add({reader.first_replacement_line(), "", Severity::kWarning,
                               std::to_string(bad) + " invalid UTF-8 sequence" + (bad == 1 ? "" : "s") +
                                   " replaced by U+FFFD (the first on this line)"});
    }
    if (metrics_.empty()) {
      std::string headers;
      for (const std::string& h : mapping_.headers) headers += (headers.empty() ? "" : ", ") + h;
      return Status(ErrorCode::kNoHeader,
                    report_.table.name + ": no metric column (impressions, clicks, spend, conversions, sessions, …) "
                                         "in the header row (line " + std::to_string(report_.table.header_row) +
                                         ": " + headers + ")");
    }
    if (report_.rows == 0) {
      return Status(ErrorCode::kNoData, report_.table.name + ": a header was found (line " +
                                            std::to_string(report_.table.header_row) +
                                            ") but no data row could be read");
    }
    if (results_col_ && !conversions_col_ && !indicator_col_) {
      report_.diagnostics.add({0, mapping_.headers[*results_col_], Severity::kInfo,
                               "'Results' are not counted as conversions: the export has no 'Result "
                               "indicator' column to tell which results are conversions"});
    }
    std::set<std::string> currencies;
    for (const Entity& e : entities_) {
      if (!e.currency.empty()) currencies.insert(e.currency);
    }
    report_.currencies.assign(currencies.begin(), currencies.end());
    report_.currency = currencies.size() == 1 ? *currencies.begin() : std::string();
    for (const MetricColumn& mc : metrics_) report_.metrics_present |= 1u << mc.slot;
    report_.lang = mapping_.lang;
    declare_period();
    if (report_.duplicates.count > 0) {
      const auto& [line, of] = report_.duplicates.first.front();
      report_.diagnostics.add({line, "", Severity::kWarning,
                               std::to_string(report_.duplicates.count) + " data row" +
                                   (report_.duplicates.count == 1 ? " repeats" : "s repeat") +
                                   " an earlier row cell for cell (the first: line " + std::to_string(line) +
                                   " repeats line " + std::to_string(of) + "); " +
                                   (report_.duplicates.counted_once ? "each is counted once" : "all are counted as written")});
    }
    Dataset d;
    d.report = std::move(report_);
    d.entities = std::move(entities_);
    if (!attributes_.empty()) {
      attributes_.resize(d.entities.size());
      d.attributes = std::move(attributes_);
    }
    d.cells = std::move(cells_);
    return d;
  }

 private:
  // The rows read before the formats are decided, in one buffer (no string
  // per cell): their cells' bytes, and per row where its cells are.
  struct Buffered {
    size_t first = 0, count = 0;  // into sample_cells_
    uint64_t line = 0;
  };
  void keep_sample(std::span<const std::string_view> fields, uint64_t line) {
    sample_.push_back({sample_cells_.size(), fields.size(), line});
    for (const std::string_view f : fields) {
      sample_cells_.emplace_back(sample_text_.size(), f.size());
      sample_text_.append(f);
    }
  }
  // A kept row's cells (valid until the next call).
  std::span<const std::string_view> sample_row(const Buffered& b) {
    sample_views_.clear();
    for (size_t i = b.first; i < b.first + b.count; ++i) {
      sample_views_.emplace_back(sample_text_.data() + sample_cells_[i].first, sample_cells_[i].second);
    }
    return sample_views_;
  }

  void plan_columns() {
    const auto& f = mapping_.fields;
    bool ads = false, web = false, any_conv = false;
    for (Field x : f) {
      ads |= is_ads_metric(x);
      web |= is_web_metric(x);
      any_conv |= x == Field::kConversions || x == Field::kConversionValue;
    }
    kind_ = (!ads && web) ? DataKind::kWeb : DataKind::kAds;
    report_.kind = kind_;
    if (!ads && !web && !any_conv) return;  // finish() reports: no metric column
    dims_.assign(kind_ == DataKind::kAds ? kAdDims : kWebDims, std::nullopt);
    for (size_t i = 0; i < f.size(); ++i) {
      Field field = f[i];
      if (kind_ == DataKind::kWeb) {
        // GA4 calls key events "Conversions" in older exports, revenue "Revenue".
        if (field == Field::kConversions) field = Field::kKeyEvents;
        if (field == Field::kConversionValue) field = Field::kRevenue;
      }
      report_.columns.push_back({mapping_.headers[i], field, ""});
      if (field == Field::kNone) {
        const bool shadowed = std::find(mapping_.shadowed.begin(), mapping_.shadowed.end(), i) != mapping_.shadowed.end();
        report_.unmapped.push_back(mapping_.headers[i]);
        if (shadowed) report_.columns.back().note = "another column of the same meaning takes precedence";
        continue;
      }
      const auto slot = kind_ == DataKind::kAds ? ads_slot(field) : web_slot(field);
      if (slot) metrics_.push_back({i, field, *slot});
      const auto dim = kind_ == DataKind::kAds ? ads_dim(field) : web_dim(field);
      if (dim) dims_[*dim] = i;
      if (kind_ == DataKind::kWeb && field == Field::kChannel) channel_col_ = i;
      switch (field) {
        case Field::kDate: date_col_ = i; break;
        case Field::kDateStart: start_col_ = i; break;
        case Field::kDateEnd: end_col_ = i; break;
        case Field::kPlatform: platform_col_ = i; break;
        case Field::kCurrency: currency_col_ = i; break;
        case Field::kSourceMedium: source_medium_col_ = i; break;
        case Field::kResults: results_col_ = i; break;
        case Field::kResultIndicator: indicator_col_ = i; break;
        case Field::kConversions: conversions_col_ = i; break;
        case Field::kCampaignType: case Field::kCampaignStatus: case Field::kBidStrategy: case Field::kTargetCpa:
        case Field::kTargetRoas: case Field::kBudget: case Field::kLostIsBudget:
          if (kind_ == DataKind::kAds) attr_cols_.emplace_back(field, i);
          break;
        default: break;
      }
    }
    // A channel-group table (GA4's Reports snapshot) has no source column:
    // its channel stands in the source slot, so by_source lists the channels.
    if (channel_col_ && !dims_[static_cast<size_t>(WebDim::kSource)] && !source_medium_col_) {
      dims_[static_cast<size_t>(WebDim::kSource)] = *channel_col_;
    }
    if (kind_ == DataKind::kAds && results_col_ && !conversions_col_) {
      results_mark_index_ = metrics_.size();
      metrics_.push_back({*results_col_, Field::kResults, static_cast<size_t>(AdMetric::kConversions)});
    }
    // Name columns (where Meta writes "Results from …"), and the dimension
    // columns whose blankness marks Meta's account row and GA4's totals row.
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i] == Field::kCampaign || f[i] == Field::kAdGroup || f[i] == Field::kAd) name_cols_.push_back(i);
      if (f[i] == Field::kCampaign || f[i] == Field::kAdGroup || f[i] == Field::kAd || f[i] == Field::kSource ||
          f[i] == Field::kMedium || f[i] == Field::kSourceMedium || f[i] == Field::kLandingPage ||
          f[i] == Field::kDevice || (f[i] == Field::kChannel && kind_ == DataKind::kWeb) ||
          (f[i] == Field::kNone && kind_ == DataKind::kWeb && i == 0)) {
        summary_cols_.push_back(i);
      }
    }
    is_metric_col_.assign(f.size(), false);
    for (const MetricColumn& mc : metrics_) is_metric_col_[mc.col] = true;
    for (size_t i = 0; i < f.size(); ++i) {
      switch (f[i]) {
        case Field::kDate: case Field::kDateStart: case Field::kDateEnd: case Field::kAccountId:
        case Field::kAccountName: case Field::kCampaignId: case Field::kCampaign: case Field::kAdGroupId:
        case Field::kAdGroup: case Field::kAdId: case Field::kAd: case Field::kSource: case Field::kMedium:
        case Field::kSourceMedium: case Field::kLandingPage: case Field::kDevice: case Field::kKeyword:
        case Field::kSearchTerm:
          dim_cols_.push_back(i);
          break;
        default:
          break;
      }
    }
    for (const auto& [col, first] : mapping_.duplicates) {
      report_.columns[col].note = "repeats column " + std::to_string(first + 1) + "; the first is used";
      report_.diagnostics.add({0, mapping_.headers[col], Severity::kWarning,
                               "the header appears twice (columns " + std::to_string(first + 1) + " and " +
                                   std::to_string(col + 1) + "); the first is used, the second ignored"});
    }
    report_.currency = mapping_.currency;
  }

  void decide_formats() {
    decided_ = true;
    // Decimal marks: each column by its own values, else the whole file's.
    std::vector<ColumnNumberStats> stats(metrics_.size());
    std::map<std::string, int64_t> value_currencies;
    for (const Buffered& b : sample_) {
      if (b.count != width_) continue;
      const std::span<const std::string_view> fields = sample_row(b);
      for (size_t m = 0; m < metrics_.size(); ++m) {
        const NumberCell c = parse_number(fields[metrics_[m].col], ctx_.locale);
        stats[m].add(c);
        if (!c.currency.empty()) ++value_currencies[std::string(c.currency)];
      }
    }
    int64_t point = 0, comma = 0;
    for (const auto& s : stats) {
      point += s.point_votes;
      comma += s.comma_votes;
    }
    DecimalMark file_mark = point >= comma ? DecimalMark::kPoint : DecimalMark::kComma;
    if (point == 0 && comma == 0 && delimiter_ == ';') file_mark = DecimalMark::kComma;
    report_.decimal_mark = point + comma > 0 || delimiter_ == ';' ? file_mark : DecimalMark::kUnknown;
    for (size_t m = 0; m < metrics_.size(); ++m) {
      MetricColumn& mc = metrics_[m];
      const bool own_evidence = stats[m].point_votes + stats[m].comma_votes > 0;
      mc.mark = (is_count(mc.field) && !own_evidence) ? DecimalMark::kIntegers : stats[m].decide(file_mark);
      ColumnReport& col = report_.columns[mc.col];
      if (stats[m].conflicting()) {
        report_.diagnostics.add({0, col.header, Severity::kWarning,
                                 "some values use '.' and others ',' as the decimal mark; read as '" +
                                     std::string(mc.mark == DecimalMark::kComma ? "," : ".") +
                                     "' (the majority), values that prove otherwise are read as written"});
      }
      if (stats[m].ambiguous > 0 && !own_evidence && mc.mark != DecimalMark::kIntegers) {
        report_.diagnostics.add(
            {0, col.header, Severity::kInfo,
             "values such as '1,234' or '1.234' could be read two ways; read with '" +
                 std::string(mc.mark == DecimalMark::kComma ? "," : ".") +
                 "' as the decimal mark, as the rest of the file writes numbers"});
      }
      if (stats[m].point_votes + stats[m].comma_votes > 0) {
        col.note = mc.mark == DecimalMark::kComma ? "decimal mark ','" : "decimal mark '.'";
      }
    }
    if (report_.currency.empty() && !value_currencies.empty()) {
      report_.currency = std::max_element(value_currencies.begin(), value_currencies.end(),
                                          [](const auto& a, const auto& b) { return a.second < b.second; })
                             ->first;
    }
    // Date columns: one format each, from all sampled values.
    const bool prefer_dmy = file_mark == DecimalMark::kComma || delimiter_ == ';';
    for (std::optional<size_t> col : {date_col_, start_col_, end_col_}) {
      if (!col) continue;
      ColumnDateStats ds;
      for (const Buffered& b : sample_) {
        if (b.count == width_) ds.add(sample_row(b)[*col], ctx_.locale);
      }
      bool ambiguous = false;
      const DateFormat f = ds.decide(prefer_dmy, &ambiguous);
      if (date_formats_.size() <= *col) date_formats_.resize(*col + 1, DateFormat::kUnknown);
      date_formats_[*col] = f;
      if (col == date_col_ || (!date_col_ && col == start_col_)) report_.date_format = f;
      ColumnReport& cr = report_.columns[*col];
      cr.note = "date format " + std::string(date_format_name(f));
      if (ambiguous) {
        report_.diagnostics.add(
            {0, cr.header, Severity::kWarning,
             "every date here reads as day/month and as month/day (e.g. 01/02/2026); read as " +
                 std::string(date_format_name(f)) +
                 (prefer_dmy ? " because the file writes numbers the European way" : " (the US convention)")});
      }
      if (f == DateFormat::kUnknown && ds.values > 0) {
        report_.diagnostics.add({0, cr.header, Severity::kError,
                                 "no value in this column reads as a date; rows count in totals but not per day"});
      }
    }
    for (const Buffered& b : sample_) {
      const std::span<const std::string_view> row = sample_row(b);
      const std::vector<std::string_view> views(row.begin(), row.end());
      process(views, b.line);
    }
    sample_.clear();
    sample_.shrink_to_fit();
    sample_cells_.clear();
    sample_cells_.shrink_to_fit();
    sample_text_.clear();
    sample_text_.shrink_to_fit();
  }

  void exclude(uint64_t line, std::string reason) {
    ++report_.excluded_total;
    if (report_.excluded_rows.size() < kExcludedKept) report_.excluded_rows.push_back({line, std::move(reason)});
  }

  bool is_null(std::string_view cell) const { return is_null_token(cell, ctx_.locale); }

  // A name or other dimension cell that says nothing: empty, or Google's "--".
  // Not the numeric null tokens: "NA" is North America, "None" may be a name.
  static bool is_blank_name(std::string_view v) { return v.empty() || v == "--"; }

  static uint16_t pair_of(std::string_view s) {
    auto lower = [](unsigned char c) { return static_cast<uint16_t>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
    return static_cast<uint16_t>(lower(static_cast<unsigned char>(s[0])) << 8 | lower(static_cast<unsigned char>(s[1])));
  }
  // The first two bytes of every label, either case (a folded Latin-1
  // capital keeps its first byte, so "RÉSULTATS" still passes), so that
  // only a cell that could be a total label is folded and compared.
  static std::vector<uint64_t> first_pairs(const std::vector<std::string>& labels) {
    std::vector<uint64_t> bits(1024);  // one bit per byte pair: 8 KiB
    for (const std::string& l : labels) {
      if (l.size() < 2) continue;
      const uint16_t p = pair_of(l);
      bits[p >> 6] |= uint64_t{1} << (p & 63);
    }
    return bits;
  }
  bool maybe_label(std::string_view cell) const {
    const uint16_t p = pair_of(cell);
    return (label_first_[p >> 6] >> (p & 63)) & 1;
  }

  // First bytes (either case) of the patterns below, so that a cell is folded
  // and compared only when it could match.
  static std::array<bool, 256> first_bytes(const std::vector<std::string>& patterns) {
    std::array<bool, 256> t{};
    for (const std::string& p : patterns) {
      if (p.empty()) continue;
      const auto c = static_cast<unsigned char>(p[0]);
      t[c] = true;
      if (c >= 'a' && c <= 'z') t[c - 'a' + 'A'] = true;
      if (c == 0xC3) t[c] = true;  // a folded Latin-1 capital starts with the same byte
    }
    return t;
  }

  // A dimension cell that says nothing about which rows it stands for.
  bool blank_dim(std::span<const std::string_view> fields, size_t c) const {
    return is_blank_name(text::trim_spaces(fields[c]));  // not "NA": that is North America
  }

  // The row's one day, read without diagnostics: nullopt for no date, a
  // date that does not read, or a reporting range of several days.
  std::optional<Day> peek_day(std::span<const std::string_view> fields) const {
    auto day_of = [&](std::optional<size_t> col) -> std::optional<Day> {
      if (!col || *col >= date_formats_.size() || date_formats_[*col] == DateFormat::kUnknown) return std::nullopt;
      const std::string_view cell = text::trim_spaces(fields[*col]);
      if (cell.empty() || is_null(cell)) return std::nullopt;
      return parse_date(cell, date_formats_[*col], ctx_.locale);
    };
    if (date_col_) return day_of(date_col_);
    const auto s = day_of(start_col_);
    const auto e = end_col_ ? day_of(end_col_) : s;
    if (s && e && *s == *e) return s;
    return std::nullopt;
  }

  // Every dimension cell but `skip` blank; a date column counts as blank
  // when the row covers more than one day (Meta's whole-range account row).
  bool other_dims_blank(std::span<const std::string_view> fields, size_t skip) const {
    for (size_t c : dim_cols_) {
      if (c == skip || blank_dim(fields, c)) continue;
      const bool date = (date_col_ && c == *date_col_) || (start_col_ && c == *start_col_) || (end_col_ && c == *end_col_);
      if (date && !date_col_ && !peek_day(fields)) continue;
      return false;
    }
    return true;
  }

  // The metric cells of a summary row, read like a data row's but silently.
  void read_metrics(std::span<const std::string_view> fields, Sums& out, uint32_t& mask) const {
    for (size_t m = 0; m < metrics_.size(); ++m) {
      const MetricColumn& mc = metrics_[m];
      int64_t micros = 0;
      if (!parse_plain_fast(fields[mc.col], micros)) {
        const NumberCell n = parse_number(fields[mc.col], ctx_.locale, mc.mark);
        if (n.status != CellStatus::kValue) continue;
        micros = n.micros;
      }
      if (m == results_mark_index_ && !result_is_conversion(fields)) continue;
      out.v[mc.slot] += micros;
      mask |= 1u << mc.slot;
    }
  }

  // A row that may be a summary: its figures, the data rows' running sums
  // where it stands, and (when it is judged at the end) its cells.
  struct Candidate {
    uint64_t line = 0;
    std::string label, reason;
    Sums values;
    uint32_t mask = 0;
    Sums prefix;
    bool deferred = false;
    std::vector<std::string> fields;
  };

  void add_candidate(std::span<const std::string_view> fields, uint64_t line, std::string label, std::string reason,
                     bool deferred) {
    if (deferred && ++deferred_ > kExcludedKept) {
      count_row(fields, line);  // a file with this many of them names its data that way
      return;
    }
    Candidate c;
    c.line = line;
    c.label = std::move(label);
    c.reason = std::move(reason);
    read_metrics(fields, c.values, c.mask);
    c.prefix = running_;
    c.deferred = deferred;
    if (deferred) c.fields.assign(fields.begin(), fields.end());
    if (!deferred) exclude(line, c.reason);
    candidates_.push_back(std::move(c));
  }

  // Empty rows, footers and summary rows: true when the row is not data (or
  // not yet: a row that only might be a summary is judged at the end, by its sums).
  bool screened_out(std::span<const std::string_view>& fields, uint64_t line) {
    size_t first = 0;
    while (first < fields.size() && text::trim_spaces(fields[first]).empty()) ++first;
    if (first == fields.size()) {
      exclude(line, "empty row");
      return true;
    }
    const std::string_view cell = text::trim_spaces(fields[first]);
    // Footers: rows with at most two cells filled.
    size_t filled = 0;
    for (size_t i = first; i < fields.size() && filled <= 2; ++i) filled += !text::trim_spaces(fields[i]).empty();
    if (filled <= 2) {
      const std::string folded = text::fold_case(cell);
      for (const std::string& p : ctx_.aliases.footer_patterns) {
        if (folded.find(p) != std::string::npos) {
          exclude(line, "footer (" + quote_cell(cell) + ")");
          return true;
        }
      }
    }
    // A total label in any text cell (not in a metric column of a full-width row).
    const bool full = fields.size() == width_;
    size_t label_col = SIZE_MAX;
    std::string_view label;
    for (size_t i = 0; i < fields.size() && label_col == SIZE_MAX; ++i) {
      if (full && is_metric_col_[i]) continue;
      const std::string_view c = text::trim_spaces(fields[i]);
      if (c.size() < 2 || !maybe_label(c)) continue;
      if (!ctx_.aliases.summary_label(c).empty()) {
        label_col = i;
        label = c;
      }
    }
    if (label_col != SIZE_MAX && !full) {
      // A ragged total row (GA4's "Grand total" carries one field more, the
      // first one empty): aligned on the header so its figures can be compared.
      aligned_.assign(fields.begin(), fields.end());
      if (fields.size() > width_) {
        const size_t extra = fields.size() - width_;
        bool leading_empty = label_col >= extra;
        for (size_t i = 0; i < extra && leading_empty; ++i) leading_empty = text::trim_spaces(fields[i]).empty();
        if (!leading_empty) {
          exclude(line, "summary row (" + quote_cell(label) + "), its fields do not line up with the header");
          return true;
        }
        aligned_.erase(aligned_.begin(), aligned_.begin() + static_cast<std::ptrdiff_t>(extra));
        label_col -= extra;
      } else {
        aligned_.resize(width_, std::string_view());
      }
      fields = aligned_;
    }
    if (!full && label_col == SIZE_MAX) return false;  // a wrong-width row: reported by the caller
    if (label_col != SIZE_MAX) {
      // Label and structure together; a label on a row with its own names,
      // ids and day ("Total Brand" as a campaign) is judged by its sums.
      add_candidate(fields, line, std::string(label), "summary row (" + quote_cell(label) + ")",
                    !other_dims_blank(fields, label_col));
      return true;
    }
    // Meta's "Results from 12 campaigns": a pattern followed by a number.
    for (size_t c : name_cols_) {
      const std::string_view raw = text::trim_spaces(fields[c]);
      if (raw.empty() || !results_first_[static_cast<unsigned char>(raw[0])]) continue;
      const std::string name = text::fold_case(raw);
      for (const std::string& p : ctx_.aliases.results_from_patterns) {
        if (!name.starts_with(p)) continue;
        const std::string_view rest = text::trim_spaces(std::string_view(name).substr(p.size()));
        if (!rest.empty() && rest[0] >= '0' && rest[0] <= '9') {
          // With names or a day of its own ("Results from 3 Kings") only its sums make it a summary.
          add_candidate(fields, line, std::string(raw), "summary row (" + quote_cell(raw) + ")", !other_dims_blank(fields, c));
          return true;
        }
      }
    }
    // Every name cell blank while metrics are present: Meta's account row,
    // GA4's totals row. Elsewhere a dated row without a name may be real
    // (unattributed) data: it is a summary only when its sums say so.
    if (!summary_cols_.empty()) {
      bool all_blank = true;
      for (size_t c : summary_cols_) all_blank &= blank_dim(fields, c);
      if (all_blank) {
        const bool known_layout = mapping_.platform == Platform::kMetaAds || mapping_.platform == Platform::kGa4;
        const std::string reason = kind_ == DataKind::kAds ? "account summary row (no campaign, ad set or ad name)"
                                                           : "totals row (no dimension value)";
        add_candidate(fields, line, "", reason, !known_layout && peek_day(fields).has_value());
        return true;
      }
    }
    return false;
  }

  // Decimals a micro-unit value shows (12.5 → 1).
  // Whether `micros` shows more than `dec` decimals (constant divisors: no
  // division instruction per cell).
  static bool finer_than(int64_t micros, int dec) {
    switch (dec) {
      case 0: return micros % 1000000 != 0;
      case 1: return micros % 100000 != 0;
      case 2: return micros % 10000 != 0;
      case 3: return micros % 1000 != 0;
      case 4: return micros % 100 != 0;
      case 5: return micros % 10 != 0;
      default: return false;
    }
  }

  static int decimals_of(int64_t micros) {
    int d = 6;
    while (d > 0 && micros % 10 == 0) {
      micros /= 10;
      --d;
    }
    return d;
  }

  // How far an export's own total may be from the sum of its rows and still
  // be the same number: counts exactly; other metrics by the rounding of the
  // total cell and of the rows (independent errors: about √n of them).
  int64_t tolerance(size_t slot, int64_t total, int64_t rows) const {
    const MetricColumn* col = nullptr;
    for (const MetricColumn& mc : metrics_) {
      if (mc.slot == slot) col = &mc;
    }
    if (col == nullptr || is_count(col->field)) return 0;
    auto half_unit = [](int decimals) -> double { return decimals >= 6 ? 0.0 : 5.0 * std::pow(10.0, 5 - decimals); };
    const double rows_err = half_unit(decimals_[slot]) * 2.0 * std::sqrt(static_cast<double>(std::max<int64_t>(rows, 1)));
    return static_cast<int64_t>(half_unit(decimals_of(total)) + rows_err);
  }

  std::string slot_name(size_t slot) const {
    return std::string(kind_ == DataKind::kAds ? metric_name(static_cast<AdMetric>(slot))
                                               : metric_name(static_cast<WebMetric>(slot)));
  }

  // The additive metrics of `c` against `sums`; false when any differs (listed).
  bool same_figures(const Candidate& c, const Sums& sums, std::vector<SummaryCheck::Difference>* diffs) const {
    bool same = true, compared = false, nonzero = false;
    uint32_t seen = 0;
    for (const MetricColumn& mc : metrics_) {
      const auto bit = 1u << mc.slot;
      if ((seen & bit) || !(c.mask & bit) || !ctx_.aliases.additive(mc.field)) continue;
      seen |= bit;
      compared = true;
      const int64_t total = c.values.v[mc.slot], sum = sums.v[mc.slot];
      nonzero |= total != 0;
      if (std::llabs(total - sum) <= tolerance(mc.slot, total, sums.rows)) continue;
      same = false;
      if (diffs != nullptr) diffs->push_back({slot_name(mc.slot), total, sum});
    }
    return same && compared && nonzero && sums.rows > 0;
  }

  static Sums minus(const Sums& a, const Sums& b) {
    Sums s = a;
    for (size_t i = 0; i < s.v.size(); ++i) s.v[i] -= b.v[i];
    s.rows -= b.rows;
    return s;
  }

  // The first scope whose sums `c` equals: all data rows, the rows above it
  // (since the previous summary row) or the rows below it (to the next).
  const char* matching_scope(const Candidate& c, const Sums& all, const Sums& above, const Sums& below,
                             uint64_t& rows) const {
    const std::pair<const char*, const Sums*> scopes[] = {{"all rows", &all}, {"rows above", &above}, {"rows below", &below}};
    for (const auto& [name, sums] : scopes) {
      if (same_figures(c, *sums, nullptr)) {
        rows = static_cast<uint64_t>(sums->rows);
        return name;
      }
    }
    return nullptr;
  }

  // At the end of the input. A deferred candidate (a label or a blank name on
  // a row that has its own day or names) is a summary only when its figures
  // are a sum; otherwise it is data, counted now and added to the sums the
  // rows after it are checked against. Then every summary row gets its check.
  void resolve_candidates() {
    const Sums zero;
    auto neighbours = [&](size_t i, const std::vector<size_t>& order, Sums& above, Sums& below) {
      const Candidate& c = candidates_[order[i]];
      above = minus(c.prefix, i > 0 ? candidates_[order[i - 1]].prefix : zero);
      below = minus(i + 1 < order.size() ? candidates_[order[i + 1]].prefix : running_, c.prefix);
    };
    std::vector<size_t> all_order(candidates_.size());
    for (size_t i = 0; i < all_order.size(); ++i) all_order[i] = i;
    std::vector<bool> summary(candidates_.size(), true);
    for (size_t i = 0; i < candidates_.size(); ++i) {
      if (!candidates_[i].deferred) continue;
      Sums above, below;
      neighbours(i, all_order, above, below);
      uint64_t rows = 0;
      summary[i] = matching_scope(candidates_[i], running_, above, below, rows) != nullptr;
    }
    for (size_t i = 0; i < candidates_.size(); ++i) {
      if (summary[i]) continue;
      Candidate& c = candidates_[i];
      const std::vector<std::string_view> views(c.fields.begin(), c.fields.end());
      count_row(views, c.line);
      Sums row = c.values;
      row.rows = 1;
      for (size_t j = i + 1; j < candidates_.size(); ++j) candidates_[j].prefix.add(row);
    }
    std::vector<size_t> order;
    for (size_t i = 0; i < candidates_.size(); ++i) {
      if (summary[i]) order.push_back(i);
    }
    for (size_t k = 0; k < order.size(); ++k) {
      const Candidate& c = candidates_[order[k]];
      Sums above, below;
      neighbours(k, order, above, below);
      SummaryCheck check;
      check.row = c.line;
      check.label = c.label.empty() ? c.reason : c.label;
      const char* scope = matching_scope(c, running_, above, below, check.rows);
      check.matches = scope != nullptr;
      if (c.deferred) exclude(c.line, c.reason + ": its figures are the sum of the " + std::string(scope));
      if (check.matches) {
        check.scope = scope;
      } else {
        check.scope = "all rows";
        check.rows = static_cast<uint64_t>(running_.rows);
        same_figures(c, running_, &check.differences);
        bool larger = !check.differences.empty(), smaller = larger;
        for (const auto& d : check.differences) {
          larger &= d.total > d.sum;
          smaller &= d.total < d.sum;
        }
        if (larger) check.note = ctx_.aliases.check_note_larger;
        if (smaller) check.note = ctx_.aliases.check_note_smaller;
      }
      if (c.mask != 0 && report_.checks.size() < kExcludedKept) report_.checks.push_back(std::move(check));
    }
    candidates_.clear();
    std::stable_sort(report_.excluded_rows.begin(), report_.excluded_rows.end(),
                     [](const ExcludedRow& a, const ExcludedRow& b) { return a.row < b.row; });
  }

  // Platform named in the row; the few distinct labels a file uses are
  // remembered, so a file alternating "Google Ads" and "Meta" folds no text.
  Platform row_platform(std::string_view label) {
    for (const auto& [known, p] : platform_labels_) {
      if (known == label) return p;
    }
    const Platform p = platform_from_label(label).value_or(mapping_.platform);
    if (platform_labels_.size() < 32) platform_labels_.emplace_back(std::string(label), p);
    return p;
  }

  std::optional<Day> read_date(size_t col, std::string_view cell, uint64_t line, bool& failed) {
    if (is_null(text::trim_spaces(cell))) {
      // No date is as unreadable as a bad one, and said the same way.
      failed = true;
      const DateFormat f = col < date_formats_.size() ? date_formats_[col] : DateFormat::kUnknown;
      report_.diagnostics.add({line, mapping_.headers[col], Severity::kError,
                               quote_cell(text::trim_spaces(cell)) + " is not a valid date (" +
                                   std::string(date_format_name(f)) + "); the row counts in totals but not per day"});
      return std::nullopt;
    }
    if (date_cache_.size() <= col) date_cache_.resize(col + 1);
    DateCache& cache = date_cache_[col];
    if (cache.valid && cache.text == cell) {
      if (!cache.day) failed = true;
      return cache.day;
    }
    const DateFormat f = col < date_formats_.size() ? date_formats_[col] : DateFormat::kUnknown;
    std::optional<Day> d = f == DateFormat::kUnknown ? std::nullopt : parse_date(cell, f, ctx_.locale);
    cache.valid = true;
    cache.text.assign(cell);
    cache.day = d;
    if (!d) {
      failed = true;
      report_.diagnostics.add({line, mapping_.headers[col], Severity::kError,
                               quote_cell(cell) + " is not a valid date (" + std::string(date_format_name(f)) +
                                   "); the row counts in totals but not per day"});
    }
    return d;
  }

  void process(std::span<const std::string_view> fields, uint64_t line) {
    if (metrics_.empty()) return;
    if (fields.size() > width_) {
      // Trailing empty fields (a delimiter at the end of each line) are harmless.
      bool extra_empty = true;
      for (size_t i = width_; i < fields.size(); ++i) extra_empty &= text::trim_spaces(fields[i]).empty();
      if (extra_empty) fields = fields.subspan(0, width_);
    }
    if (screened_out(fields, line)) return;
    if (fields.size() != width_) {
      report_.diagnostics.add({line, "", Severity::kError,
                               "row has " + std::to_string(fields.size()) + " fields, the header has " +
                                   std::to_string(width_) + "; row skipped"});
      return;
    }
    count_row(fields, line);
  }

  // The period of an export without a day per row: the first preamble line
  // that states one, else the span of its reporting start / end columns.
  void declare_period() {
    if (report_.rows_without_date == 0 || report_.rows_without_date < report_.rows) return;
    for (const std::string& l : report_.table.preamble) {
      if (auto p = parse_period_line(l, ctx_.locale)) {
        report_.period = std::move(p);
        return;
      }
    }
    if (range_min_ && range_max_) {
      report_.period = DeclaredPeriod{range_min_, range_max_, false, iso_date(*range_min_) + " – " + iso_date(*range_max_)};
    }
  }

  // The key of a data row for duplicate detection: its cells as written
  // (each cell's bytes and length, so "a,bc" and "ab,c" differ); 0 for rows
  // with neither a name nor a date (a bare column of figures may repeat
  // legitimately) and they are not checked.
  uint64_t row_key(std::span<const std::string_view> fields) const {
    bool named = false;
    for (size_t c : dim_cols_) named = named || (c < fields.size() && !fields[c].empty());
    if (!named) return 0;
    uint64_t h = 0x243F6A8885A308D3ull;
    for (const std::string_view f : fields) h = mix(h, f);
    return h | 1;
  }

  // Whether a row repeats one seen before. A repeat has the same entity and
  // day, so it lands in the same cell: each cell keeps its first row's key
  // beside it (one comparison for most rows, no table to probe), and its
  // other rows in a chain through one append-only pool, so the keys a cell
  // is compared with sit together (a file sorted by day touches only the
  // current days' chains), with a small filter that lets most new rows
  // append without walking it. A cell with more than kChain rows (an hourly
  // export read by day) puts the rest in a flat hash table, so no row walks
  // a long chain.
  bool repeated(uint32_t cell, uint64_t key, uint64_t line) {
    if (cell >= cell_rows_.size()) cell_rows_.resize(static_cast<size_t>(cell) + 1);
    CellRows& head = cell_rows_[cell];
    const uint32_t at_line = static_cast<uint32_t>(std::min<uint64_t>(line, UINT32_MAX));
    uint32_t earlier = 0;
    // Two bits of the key in the cell's 64-bit filter: a key whose bits are
    // not both set is in no row of the chain, so most rows append unwalked.
    const uint64_t bits = (uint64_t{1} << (key >> 58)) | (uint64_t{1} << ((key >> 52) & 63));
    if (head.first.key == 0) {
      head.first = {key, at_line, 0};
      head.filter = bits;
      head.tail = 0;
      head.count = 1;
      return false;
    }
    bool found = false;
    if ((head.filter & bits) == bits) {
      for (const RowSlot* slot = &head.first;; slot = &pool_at(slot->next)) {
        if (slot->key == key) {
          earlier = slot->line;
          found = true;
          break;
        }
        if (slot->next == 0) break;
      }
    }
    if (!found && head.count < kChain) {
      const uint32_t id = pool_push({key, at_line, 0});
      (head.tail == 0 ? head.first : pool_at(head.tail)).next = id;  // the pool never moves a slot
      head.tail = id;
      head.filter |= bits;
      ++head.count;
      return false;
    }
    if (!found) {
      // Open addressing, at most half full, key and line side by side.
      const uint64_t k = (key ^ (static_cast<uint64_t>(cell) * 0x9E3779B97F4A7C15ull)) | 1;
      if (more_count_ * 2 >= more_rows_.size()) grow_table(more_rows_, 1024, [](const RowSlot& r) { return r.key; });
      const size_t mask = more_rows_.size() - 1;
      size_t i = k & mask;
      while (more_rows_[i].key != 0 && more_rows_[i].key != k) i = (i + 1) & mask;
      if (more_rows_[i].key == 0) {
        more_rows_[i] = {k, at_line, 0};
        ++more_count_;
        return false;
      }
      earlier = more_rows_[i].line;
    }
    DuplicateRows& dup = report_.duplicates;
    ++dup.count;
    dup.counted_once = options_.dedupe_rows;
    if (dup.first.size() < 20) dup.first.emplace_back(line, earlier);
    return options_.dedupe_rows;
  }

  // Doubles an open-addressing table (linear probing, key 0 = empty slot).
  template <class Slot, class KeyOf>
  static void grow_table(std::vector<Slot>& table, size_t min_size, KeyOf key_of) {
    std::vector<Slot> grown(std::max(min_size, table.size() * 2));
    for (const Slot& s : table) {
      const uint64_t k = key_of(s);
      if (k == 0) continue;
      size_t i = k & (grown.size() - 1);
      while (key_of(grown[i]) != 0) i = (i + 1) & (grown.size() - 1);
      grown[i] = s;
    }
    table.swap(grown);
  }

  // The chain pool: blocks of 2^16 slots, so growing it never copies.
  static constexpr size_t kChain = 32;
  static constexpr uint32_t kPoolShift = 16;
  struct RowSlot;
  RowSlot& pool_at(uint32_t id) { return pool_[(id - 1) >> kPoolShift][(id - 1) & ((1u << kPoolShift) - 1)]; }
  uint32_t pool_push(const RowSlot& s);

  void read_attributes(std::span<const std::string_view> fields, uint32_t entity) {
    if (attributes_.size() <= entity) attributes_.resize(static_cast<size_t>(entity) + 1);
    CampaignAttributes& a = attributes_[entity];
    for (const auto& [field, col] : attr_cols_) {
      std::string_view cell = text::trim_spaces(fields[col]);
      if (cell.empty() || is_null(cell)) continue;
      switch (field) {
        case Field::kCampaignType: a.type = std::string(cell); break;
        case Field::kCampaignStatus: a.status = std::string(cell); break;
        case Field::kBidStrategy: a.bid_strategy = std::string(cell); break;
        default: {
          // "< 10%" and "> 90%": Google's bounds for shares it does not state exactly.
          while (!cell.empty() && (cell.front() == '<' || cell.front() == '>' || cell.front() == ' ')) cell.remove_prefix(1);
          const NumberCell n = parse_number(cell, ctx_.locale, report_.decimal_mark);
          if (n.status != CellStatus::kValue) break;
          if (field == Field::kTargetCpa) a.target_cpa = n.micros;
          if (field == Field::kBudget) a.budget = n.micros;
          if (field == Field::kTargetRoas) a.target_roas = n.micros;
          if (field == Field::kLostIsBudget) a.lost_is_budget = n.percent || n.micros <= kMicros ? n.micros : n.micros / 100;
        }
      }
    }
  }

  // One data row into its entity's sums for its day (and the running sums
  // that summary rows are checked against).
  void count_row(std::span<const std::string_view> fields, uint64_t line, const CsvHint* hint = nullptr) {
    const uint64_t key = hint != nullptr ? hint->key : row_key(fields);
    // Entity: platform, currency and the dimension cells (one key, copied
    // only when the entity is new); with threads the key was built ahead.
    size_t slot = 0;
    uint32_t entity = UINT32_MAX;
    if (hint != nullptr && hint->blob != nullptr) {
      entity = find_entity(std::string_view(hint->blob, hint->blob_size), hint->blob_hash, slot);
    }
    if (entity == UINT32_MAX) {
      const Platform platform = platform_col_ ? row_platform(fields[*platform_col_]) : mapping_.platform;
      std::string_view currency;
      std::array<std::string_view, kAdDims> values{};
      entity_values(fields, currency, values);
      entity = entity_for(platform, currency, values, slot);
    }
    if (!attr_cols_.empty()) read_attributes(fields, entity);

    // Day: the date column, or a one-day reporting range.
    Day day = kNoDay;
    bool date_failed = false;
    if (date_col_) {
      if (auto d = read_date(*date_col_, fields[*date_col_], line, date_failed)) day = *d;
    } else if (start_col_) {
      const auto s = read_date(*start_col_, fields[*start_col_], line, date_failed);
      std::optional<Day> e = s;
      if (end_col_) e = read_date(*end_col_, fields[*end_col_], line, date_failed);
      if (s && e && *s == *e) day = *s;
      if (s && (!range_min_ || *s < *range_min_)) range_min_ = s;
      if (e && (!range_max_ || *e > *range_max_)) range_max_ = e;
    }
    const uint32_t at = cell_index(entity, day, slot);
    if (key != 0 && repeated(at, key, line)) return;
    if (day == kNoDay) {
      ++report_.rows_without_date;
    } else {
      if (!report_.date_min || day < *report_.date_min) report_.date_min = day;
      if (!report_.date_max || day > *report_.date_max) report_.date_max = day;
    }

    // Metrics: a bad cell is missing, the rest of the row counts.
    Sums& sums = cells_[at].sums;
    ++sums.rows;
    for (size_t m = 0; m < metrics_.size(); ++m) {
      const MetricColumn& mc = metrics_[m];
      const std::string_view cell = fields[mc.col];
      int64_t micros = 0;
      if (hint != nullptr && m < CsvHint::kValues && ((hint->parsed >> m) & 1) != 0) {
        micros = hint->values[m];
      } else if (!parse_plain_fast(cell, micros)) {
        const NumberCell n = parse_number(cell, ctx_.locale, mc.mark);
        if (n.status == CellStatus::kNull) continue;
        if (n.status == CellStatus::kError) {
          report_.diagnostics.add({line, mapping_.headers[mc.col], Severity::kError,
                                   quote_cell(text::trim_spaces(cell)) + " is not a number (" + n.error +
                                       "); this cell is left out, the rest of the row counts"});
          continue;
        }
        micros = n.micros;
      }
      if (m == results_mark_index_ && !result_is_conversion(fields)) continue;
      sums.v[mc.slot] += micros;
      running_.v[mc.slot] += micros;
      int& dec = decimals_[mc.slot];
      if (dec < 6 && finer_than(micros, dec)) dec = decimals_of(micros);
    }
    ++running_.rows;
    ++report_.rows;
  }

  bool result_is_conversion(std::span<const std::string_view> fields) const {
    if (!indicator_col_) return false;
    const std::string ind = text::fold_case(fields[*indicator_col_]);
    for (const std::string& p : ctx_.aliases.conversion_indicators) {
      if (ind.find(p) != std::string::npos) return true;
    }
    return false;
  }

  static uint64_t mix(uint64_t h, std::string_view s) {
    // 8 bytes at a time, the last 1-7 in one word; only a lookup key, never
    // written out.
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * kMul;
      h ^= h >> 29;
    }
    uint64_t tail = s.size();
    if (i < s.size()) {
      uint64_t w = 0;
      std::memcpy(&w, s.data() + i, s.size() - i);
      tail ^= w << 8;
    }
    h = (h ^ tail) * kMul;
    return h ^ (h >> 32);
  }

  // The row's currency and dimension values (pure: annotate() runs it too).
  void entity_values(std::span<const std::string_view> fields, std::string_view& currency,
                     std::array<std::string_view, kAdDims>& values) const {
    currency = report_.currency;
    if (currency_col_) {
      const std::string_view c = text::trim_spaces(fields[*currency_col_]);
      if (!c.empty() && !is_null(c)) currency = c;
    }
    std::string_view source_medium[2];
    if (source_medium_col_) {
      const std::string_view sm = text::trim_spaces(fields[*source_medium_col_]);
      const size_t slash = sm.find(" / ");
      source_medium[0] = slash == std::string_view::npos ? sm : sm.substr(0, slash);
      source_medium[1] = slash == std::string_view::npos ? std::string_view() : sm.substr(slash + 3);
    }
    for (size_t d = 0; d < dims_.size(); ++d) {
      if (dims_[d]) {
        std::string_view v = text::trim_spaces(fields[*dims_[d]]);
        if (is_blank_name(v)) v = {};
        values[d] = v;
      } else if (kind_ == DataKind::kWeb && d < 2) {
        values[d] = source_medium[d];
      }
    }
  }

  // The entity key of a row in one buffer: platform, then currency and each
  // dimension as 4-byte length + bytes, so that it is hashed in one pass and
  // an entity is recognised by one comparison with its stored key.
  void append_key(std::string& out, Platform platform, std::string_view currency,
                  const std::array<std::string_view, kAdDims>& values) const {
    out.push_back(static_cast<char>(platform));
    auto put = [&](std::string_view v) {
      const auto n = static_cast<uint32_t>(v.size());
      char len[4];
      std::memcpy(len, &n, 4);
      out.append(len, 4);
      out.append(v);
    };
    put(currency);
    for (size_t d = 0; d < dims_.size(); ++d) put(values[d]);
  }
  static uint64_t key_hash(std::string_view key) { return mix(0x9E3779B97F4A7C15ull, key) | 1; }  // 0: empty slot

  // The entity with this key, and through `slot` its place in the table (or
  // where it would go: UINT32_MAX then). A slot caches its entity's last
  // cell: a file sorted by day or by entity finds its cell without looking.
  uint32_t find_entity(std::string_view key, uint64_t h, size_t& slot) {
    if (last_slot_ != SIZE_MAX && h == last_hash_ && key == last_key_) {
      slot = last_slot_;
      return entity_slots_[slot].id;
    }
    // Open addressing over (hash, key), at most half full: entities with the
    // same hash sit in later slots and are told apart by their keys.
    if (entity_count_ * 2 >= entity_slots_.size()) {
      grow_table(entity_slots_, 256, [](const EntitySlot& e) { return e.hash; });
      last_slot_ = SIZE_MAX;
    }
    const size_t mask = entity_slots_.size() - 1;
    size_t i = h & mask;
    for (; entity_slots_[i].hash != 0; i = (i + 1) & mask) {
      const EntitySlot& e = entity_slots_[i];
      if (e.hash == h && e.key_size == key.size() && std::memcmp(arena_.data() + e.key_at, key.data(), key.size()) == 0) {
        last_hash_ = h;
        last_key_.assign(key);
        last_slot_ = slot = i;
        return e.id;
      }
    }
    slot = i;
    return UINT32_MAX;
  }

  uint32_t entity_for(Platform platform, std::string_view currency, const std::array<std::string_view, kAdDims>& values,
                      size_t& slot) {
    key_.clear();
    append_key(key_, platform, currency, values);
    const uint64_t h = key_hash(key_);
    const uint32_t found = find_entity(key_, h, slot);
    if (found != UINT32_MAX) return found;
    const auto id = static_cast<uint32_t>(entities_.size());
    Entity e;
    e.platform = platform;
    e.currency = std::string(currency);
    for (size_t d = 0; d < dims_.size(); ++d) e.dims.emplace_back(values[d]);
    entities_.push_back(std::move(e));
    slots_.emplace_back();
    entity_slots_[slot] = {h, id, arena_.size(), static_cast<uint32_t>(key_.size())};
    arena_.append(key_);
    ++entity_count_;
    last_hash_ = h;
    last_key_.assign(key_);
    last_slot_ = slot;
    return id;
  }

  // Cells of one entity by day: a dense window of days, grown as needed.
  struct DaySlots {
    Day first = 0;
    std::vector<uint32_t> cells;  // UINT32_MAX: no cell yet
    uint32_t no_day = UINT32_MAX;
  };

  uint32_t cell_index(uint32_t entity, Day day, size_t slot) {
    EntitySlot& es = entity_slots_[slot];
    if (es.last_cell != UINT32_MAX && es.last_day == day) return es.last_cell;
    const uint32_t c = find_cell(entity, day);
    es.last_day = day;
    es.last_cell = c;
    return c;
  }

  uint32_t find_cell(uint32_t entity, Day day) {
    DaySlots& s = slots_[entity];
    uint32_t* slot;
    if (day == kNoDay) {
      slot = &s.no_day;
    } else {
      if (s.cells.empty()) {
        s.first = day;
      } else if (day < s.first) {
        s.cells.insert(s.cells.begin(), static_cast<size_t>(s.first - day), UINT32_MAX);
        s.first = day;
      }
      const size_t i = static_cast<size_t>(day - s.first);
      if (i >= s.cells.size()) s.cells.resize(i + 1, UINT32_MAX);
      slot = &s.cells[i];
    }
    if (*slot == UINT32_MAX) {
      *slot = static_cast<uint32_t>(cells_.size());
      cells_.push_back({entity, day, {}});
    }
    return *slot;
  }

  struct DateCache {
    bool valid = false;
    std::string text;
    std::optional<Day> day;
  };

  const IngestContext& ctx_;
  IngestOptions options_;
  std::vector<std::pair<Field, size_t>> attr_cols_;  // campaign attributes: (field, column)
  std::vector<CampaignAttributes> attributes_;        // per entity, when attr_cols_ is not empty
  std::optional<Day> range_min_, range_max_;          // reporting start / end columns, over all rows
  struct RowSlot {
    uint64_t key = 0;   // key of a data row (0: none yet)
    uint32_t line = 0;  // …its line
    uint32_t next = 0;  // the cell's next row in the pool (1-based; 0: none)
  };
  struct CellRows {
    RowSlot first;        // the cell's first row
    uint64_t filter = 0;  // two bits of each chained row's key
    uint32_t tail = 0;    // the chain's last row in the pool (0: first)
    uint32_t count = 0;   // rows in the chain
  };
  std::vector<CellRows> cell_rows_;                   // per cell
  std::vector<std::unique_ptr<RowSlot[]>> pool_;      // the cells' further rows, chained
  uint32_t pool_size_ = 0;
  std::vector<RowSlot> more_rows_;                    // rows beyond a cell's chain: (key, cell) → line
  size_t more_count_ = 0;
  TableInfo section_;  // this table's header and where it starts
  const std::vector<uint64_t> label_first_;  // first two bytes of the total labels, ASCII-lowercased
  const std::array<bool, 256> results_first_;
  Sums running_;                            // every data row so far
  std::array<int, kMetricSlots> decimals_{};  // most decimals a data row's value shows, per slot
  std::vector<Candidate> candidates_;       // possible summary rows, in file order
  size_t deferred_ = 0;                     // candidates judged only at the end
  std::vector<std::string_view> aligned_;   // a ragged summary row, aligned on the header
  std::vector<bool> is_metric_col_;
  std::vector<size_t> dim_cols_;            // dates and every dimension: blank in a summary row
  std::vector<std::pair<std::string, Platform>> platform_labels_;
  InputReport report_;
  ColumnMapping mapping_;
  DataKind kind_ = DataKind::kAds;
  size_t width_ = 0;
  char delimiter_ = ',';
  bool header_seen_ = false;
  bool decided_ = false;
  std::vector<Buffered> sample_;
  std::vector<std::pair<size_t, size_t>> sample_cells_;  // (offset, size) in sample_text_
  std::string sample_text_;
  std::vector<std::string_view> sample_views_;
  std::vector<MetricColumn> metrics_;
  size_t results_mark_index_ = SIZE_MAX;
  std::vector<std::optional<size_t>> dims_;
  std::vector<size_t> name_cols_;
  std::vector<size_t> summary_cols_;
  std::optional<size_t> date_col_, start_col_, end_col_, platform_col_, currency_col_, source_medium_col_,
      results_col_, indicator_col_, conversions_col_, channel_col_;
  std::vector<DateFormat> date_formats_;  // per column
  std::vector<DateCache> date_cache_;     // per column
  uint64_t last_hash_ = 0;
  struct EntitySlot {
    uint64_t hash = 0;  // 0: empty
    uint32_t id = 0;
    size_t key_at = 0;  // its key in arena_
    uint32_t key_size = 0;
    Day last_day = kNoDay;  // the cell a row of it last went to
    uint32_t last_cell = UINT32_MAX;
  };
  std::string key_, last_key_;  // this row's entity key, the previous row's
  std::string arena_;           // every entity's key
  size_t last_slot_ = SIZE_MAX;
  std::vector<EntitySlot> entity_slots_;  // hash → entity, open addressing
  size_t entity_count_ = 0;
  std::vector<Entity> entities_;
  std::vector<DaySlots> slots_;
  std::deque<Cell> cells_;
};

uint32_t Ingest::Builder::pool_push(const RowSlot& s) {
  const uint32_t i = pool_size_++;
  if ((i >> kPoolShift) >= pool_.size()) pool_.push_back(std::make_unique<RowSlot[]>(size_t{1} << kPoolShift));
  pool_[i >> kPoolShift][i & ((1u << kPoolShift) - 1)] = s;
  return i + 1;
}

// The tables of one file: each section its own Builder; at the end the one
// whose columns say most about the data is used, and the others are listed.
class Ingest::Sections final : public TableSink {
 public:
  Sections(const IngestContext& ctx, const IngestOptions& options) : ctx_(ctx), options_(options) {}

  void on_header(const TableInfo& info) override {
    builders_.push_back(std::make_unique<Builder>(ctx_, options_));
    builders_.back()->on_header(info);
  }
  void on_row(std::span<const std::string_view> fields, uint64_t line) override { builders_.back()->on_row(fields, line); }
  void on_hinted_row(std::span<const std::string_view> fields, uint64_t line, const CsvHint& hint) override {
    builders_.back()->on_hinted_row(fields, line, hint);
  }
  const CsvBatchHook* batch_hook() const override { return builders_.empty() ? nullptr : builders_.back()->batch_hook(); }
  void on_skipped(uint64_t line, std::string_view reason) override {
    if (!builders_.empty()) builders_.back()->on_skipped(line, reason);
  }

  uint64_t rows() const {
    uint64_t n = 0;
    for (const auto& b : builders_) n += b->rows();
    return n;
  }

  Result<Dataset> finish(const TableReader& reader) {
    if (builders_.size() == 1) return builders_[0]->finish(reader);
    std::vector<Result<Dataset>> results;
    std::vector<SectionReport> sections;
    for (const auto& b : builders_) {
      const TableInfo info = b->section();
      const uint64_t seen = b->rows();
      results.push_back(b->finish(reader));
      const uint64_t rows = results.back().ok() ? results.back().value().report.rows : seen;
      sections.push_back({info.header_row, info.header, rows, false});
    }
    size_t best = results.size();
    int best_score = -1;
    for (size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok()) continue;
      const int sc = score(results[i].value().report);
      if (sc > best_score || (sc == best_score && results[i].value().report.rows > results[best].value().report.rows)) {
        best = i;
        best_score = sc;
      }
    }
    if (best == results.size()) {
      std::string list;
      for (const SectionReport& sec : sections) {
        std::string header;
        for (const std::string& h : sec.header) header += (header.empty() ? "" : ", ") + h;
        list += (list.empty() ? "" : "; ") + std::string("line ") + std::to_string(sec.header_row) + " (" + header + ")";
      }
      return Status(ErrorCode::kNoHeader, reader.info().name + ": none of the " + std::to_string(sections.size()) +
                                              " tables in this file has a metric column glint knows (impressions, "
                                              "clicks, spend, conversions, sessions, …) with rows under it: " + list);
    }
    sections[best].used = true;
    Dataset d = std::move(results[best]).value();
    d.report.sections = std::move(sections);
    d.report.diagnostics.add({0, "", Severity::kInfo,
                              "the file holds " + std::to_string(d.report.sections.size()) +
                                  " tables; the one at line " + std::to_string(d.report.table.header_row) +
                                  " is read, the others are listed under sections"});
    return d;
  }

 private:
  // Additive metrics count most (sessions over a chart of active users),
  // then known dimensions (a channel or source table over a page table).
  int score(const InputReport& r) const {
    int sc = 0;
    for (const ColumnReport& c : r.columns) {
      if (c.field == Field::kNone) continue;
      if (is_ads_metric(c.field) || is_web_metric(c.field) || c.field == Field::kConversions ||
          c.field == Field::kConversionValue) {
        sc += ctx_.aliases.additive(c.field) ? 10 : 1;
      } else if (ads_dim(c.field) || web_dim(c.field) || c.field == Field::kSourceMedium || c.field == Field::kChannel) {
        sc += 5;
      }
    }
    return sc;
  }

  const IngestContext& ctx_;
  IngestOptions options_;
  std::vector<std::unique_ptr<Builder>> builders_;
};

Ingest::Ingest(std::string name, const IngestContext& context, IngestOptions options)
    : sections_(std::make_unique<Sections>(context, options)),
      reader_(std::make_unique<TableReader>(std::move(name), context.aliases, *sections_)) {}

Ingest::~Ingest() = default;

void Ingest::use_segments(std::unique_ptr<CsvSegments> segments) {
  segments_ = std::move(segments);
  reader_->set_segments(segments_.get());
}

void Ingest::feed(std::span<const std::byte> bytes) { reader_->feed(bytes); }
uint64_t Ingest::bytes_fed() const { return reader_->info().bytes; }
uint64_t Ingest::rows() const { return sections_->rows(); }

Result<Dataset> Ingest::finish() {
  if (Status s = reader_->finish(); !s.ok()) return s;
  return sections_->finish(*reader_);
}

}  // namespace glint
