#include "glint/attribution.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "glint/mathx.h"
#include "tables/table_util.h"
#include "base/text.h"

namespace glint {

using table::Json;

namespace {

constexpr AttributionModel kAllModels[] = {
    AttributionModel::kFirst,     AttributionModel::kLast,          AttributionModel::kLinear,
    AttributionModel::kTimeDecay, AttributionModel::kPositionBased, AttributionModel::kMarkov};
constexpr double kLn2 = 0.693147180559945309417232121458176568;
constexpr double kMsPerDay = 86'400'000.0;
// Beyond this many channels the Markov chain merges the rarest into one state.
constexpr size_t kMarkovChannels = 500;
constexpr const char* kNone = "(none)";
constexpr const char* kOtherChannels = "(other channels)";

}  // namespace

std::string_view attribution_model_name(AttributionModel m) {
  switch (m) {
    case AttributionModel::kFirst:
      return "first";
    case AttributionModel::kLast:
      return "last";
    case AttributionModel::kLinear:
      return "linear";
    case AttributionModel::kTimeDecay:
      return "time_decay";
    case AttributionModel::kPositionBased:
      return "position_based";
    case AttributionModel::kMarkov:
      break;
  }
  return "markov";
}

std::optional<AttributionModel> attribution_model_from_name(std::string_view name) {
  for (AttributionModel m : kAllModels) {
    if (attribution_model_name(m) == name) return m;
  }
  if (name == "first_touch") return AttributionModel::kFirst;
  if (name == "last_touch") return AttributionModel::kLast;
  if (name == "time-decay" || name == "timedecay") return AttributionModel::kTimeDecay;
  if (name == "position-based" || name == "position" || name == "u_shaped")
    return AttributionModel::kPositionBased;
  if (name == "data_driven") return AttributionModel::kMarkov;
  return std::nullopt;
}

std::vector<double> touch_shares(AttributionModel model, std::span<const int64_t> touch_ms,
                                 int64_t conversion_ms, const AttributionOptions& o) {
  const size_t n = touch_ms.size();
  std::vector<double> w(n, 0.0);
  if (n == 0) return w;
  switch (model) {
    case AttributionModel::kFirst:
      w.front() = 1.0;
      break;
    case AttributionModel::kLast:
    case AttributionModel::kMarkov:
      w.back() = 1.0;
      break;
    case AttributionModel::kLinear:
      std::fill(w.begin(), w.end(), 1.0 / static_cast<double>(n));
      break;
    case AttributionModel::kTimeDecay: {
      // 2^(-age / half-life), relative to the youngest touchpoint so nothing underflows.
      int64_t youngest = std::numeric_limits<int64_t>::max();
      for (int64_t t : touch_ms)
        youngest = std::min(youngest, std::max<int64_t>(0, conversion_ms - t));
      double sum = 0;
      for (size_t i = 0; i < n; ++i) {
        const double age_days =
            static_cast<double>(std::max<int64_t>(0, conversion_ms - touch_ms[i]) - youngest) /
            kMsPerDay;
        w[i] = mathx::exp(-kLn2 * age_days / o.half_life_days);
        sum += w[i];
      }
      for (double& x : w) x /= sum;
      break;
    }
    case AttributionModel::kPositionBased: {
      const double f = o.first_weight, l = o.last_weight;
      if (n == 1) {
        w[0] = 1.0;
      } else if (n == 2) {
        const double fl = f + l;
        w[0] = fl > 0 ? f / fl : 0.5;
        w[1] = fl > 0 ? l / fl : 0.5;
      } else {
        const double middle = (1.0 - f - l) / static_cast<double>(n - 2);
        for (size_t i = 1; i + 1 < n; ++i) w[i] = middle;
        w.front() = f;
        w.back() = l;
        if (f + l <= 0) std::fill(w.begin() + 1, w.end() - 1, 1.0 / static_cast<double>(n - 2));
      }
      break;
    }
  }
  return w;
}

// ------------------------------------------------------------------- Markov

MarkovChain::MarkovChain(size_t channels)
    : n_(channels), counts_(channels + 1, std::vector<int64_t>(channels + 2, 0)) {}

void MarkovChain::add_path(std::span<const uint32_t> channels, bool converted) {
  size_t from = n_;  // start
  for (uint32_t c : channels) {
    if (c >= n_) continue;
    ++counts_[from][c];
    from = c;
  }
  if (from == n_ && channels.empty() && !converted)
    return;  // an empty, unconverted path says nothing
  ++counts_[from][converted ? n_ : n_ + 1];
}

void MarkovChain::system(std::vector<double>& a, std::vector<double>& r) const {
  const size_t m = n_ + 1;
  a.assign(m * m, 0.0);
  r.assign(m, 0.0);
  for (size_t i = 0; i < m; ++i) {
    a[i * m + i] = 1.0;
    int64_t total = 0;
    for (int64_t c : counts_[i]) total += c;
    if (total == 0) continue;
    const double t = static_cast<double>(total);
    for (size_t j = 0; j < n_; ++j) {
      if (counts_[i][j] != 0) a[i * m + j] -= static_cast<double>(counts_[i][j]) / t;
    }
    r[i] = static_cast<double>(counts_[i][n_]) / t;
  }
}

namespace {

// The inverse of the m × m row-major matrix `a` (Gauss–Jordan, partial
// pivoting; the first largest pivot wins, so the result is reproducible).
std::vector<double> inverse(std::vector<double> a, size_t m) {
  std::vector<double> inv(m * m, 0.0);
  for (size_t i = 0; i < m; ++i) inv[i * m + i] = 1.0;
  for (size_t col = 0; col < m; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < m; ++r) {
      if (std::fabs(a[r * m + col]) > std::fabs(a[pivot * m + col])) pivot = r;
    }
    if (a[pivot * m + col] == 0.0) continue;
    if (pivot != col) {
      for (size_t k = 0; k < m; ++k) {
        std::swap(a[pivot * m + k], a[col * m + k]);
        std::swap(inv[pivot * m + k], inv[col * m + k]);
      }
    }
    const double p = a[col * m + col];
    for (size_t k = 0; k < m; ++k) {
      a[col * m + k] /= p;
      inv[col * m + k] /= p;
    }
    for (size_t r = 0; r < m; ++r) {
      const double f = a[r * m + col];
      if (r == col || f == 0.0) continue;
      for (size_t k = 0; k < m; ++k) {
        a[r * m + k] -= f * a[col * m + k];
        inv[r * m + k] -= f * inv[col * m + k];
      }
    }
  }
  return inv;
}

}  // namespace

double MarkovChain::conversion_probability() const {
  const size_t m = n_ + 1;
  std::vector<double> a, r;
  system(a, r);
  const std::vector<double> inv = inverse(a, m);
  double x = 0;
  for (size_t k = 0; k < m; ++k) x += inv[n_ * m + k] * r[k];
  return std::clamp(x, 0.0, 1.0);
}

// Removing channel c makes it a dead end (x_c = 0): row c of the system
// becomes e_c and r_c becomes 0, a rank-one change, so each removal costs
// O(m) with Sherman–Morrison on the one inverse instead of a new solve.
std::vector<double> MarkovChain::removal_effects() const {
  const size_t m = n_ + 1;
  std::vector<double> out(n_, 0.0);
  std::vector<double> a, r;
  system(a, r);
  const std::vector<double> inv = inverse(a, m);
  std::vector<double> x(m, 0.0);
  for (size_t i = 0; i < m; ++i) {
    for (size_t k = 0; k < m; ++k) x[i] += inv[i * m + k] * r[k];
  }
  const double p = x[n_];
  if (!(p > 0)) return out;
  std::vector<double> y(m);
  for (size_t c = 0; c < n_; ++c) {
    // y = A⁻¹ r' = x − r_c · col_c(A⁻¹); col = col_c(A⁻¹); v = e_c − row_c(A).
    for (size_t i = 0; i < m; ++i) y[i] = x[i] - r[c] * inv[i * m + c];
    double vy = y[c], vcol = inv[c * m + c];
    for (size_t k = 0; k < m; ++k) {
      const double a_ck = a[c * m + k];
      if (a_ck == 0.0) continue;
      vy -= a_ck * y[k];
      vcol -= a_ck * inv[k * m + c];
    }
    const double denom = 1.0 + vcol;
    const double without = denom == 0.0 ? 0.0 : y[n_] - inv[n_ * m + c] * vy / denom;
    out[c] = std::clamp(1.0 - without / p, 0.0, 1.0);
  }
  return out;
}

// ------------------------------------------------------------------- report

namespace {

struct Journey {
  uint32_t first_touch;  // index into touches
  uint32_t touch_count;
  int64_t conversion_ms;
  int64_t conversions;  // micro-units; 0: did not convert
  int64_t revenue;      // micro-units
};

class AttributionSink final : public table::SampledSink {
 public:
  AttributionSink(const AttributionOptions& o, const AliasTable& aliases, const Locale& locale)
      : o_(o), aliases_(aliases), locale_(locale) {}

  Result<Json> report(const TableInfo& info);

 protected:
  void begin(const TableInfo& info) override;
  void decide(std::span<const table::HeldRow> sample) override;
  void row(std::span<const std::string_view> fields, uint64_t line) override;

 private:
  std::string header(std::optional<size_t> col) const {
    return col ? header()[*col] : std::string();
  }
  using SampledSink::header;

  const AttributionOptions& o_;
  const AliasTable& aliases_;
  const Locale& locale_;
  Status status_;
  std::optional<size_t> user_col_, time_col_, channel_col_, conv_col_, value_col_;
  table::TimestampColumn time_;
  DecimalMark value_mark_ = DecimalMark::kPoint;
  table::Interner users_, channels_;
  std::vector<int64_t> time_ms_, conv_, value_;
  std::vector<uint32_t> user_, channel_;
  uint64_t value_without_conversion_ = 0;
};

void AttributionSink::begin(const TableInfo&) {
  const table::Roles r(header(), aliases_);
  auto take = [&](const char* role, std::initializer_list<Field> f, std::optional<size_t>& out) {
    auto x = table::resolve_role(r, o_.columns, role, f);
    if (!x.ok()) {
      if (status_.ok()) status_ = x.status();
      return;
    }
    out = x.value();
  };
  take("user_id", {Field::kUserId, Field::kSessionId}, user_col_);
  take("timestamp", {Field::kTimestamp, Field::kDate}, time_col_);
  take("channel",
       {Field::kChannel, Field::kPlatform, Field::kSource, Field::kSourceMedium, Field::kMedium,
        Field::kCampaign},
       channel_col_);
  take("conversion", {Field::kConverted, Field::kConversions, Field::kKeyEvents}, conv_col_);
  take("revenue", {Field::kValue, Field::kConversionValue, Field::kRevenue}, value_col_);
  if (!status_.ok()) return;
  std::string missing;
  auto need = [&](bool ok, const char* what) {
    if (!ok) missing += (missing.empty() ? "" : "; ") + std::string(what);
  };
  need(user_col_.has_value(), "a journey or user id (user_id, journey_id, visitor_id, client_id)");
  need(time_col_.has_value(), "a timestamp (timestamp, time, event_time, date)");
  need(channel_col_.has_value(), "a channel (channel, source, utm_source, medium)");
  need(conv_col_.has_value() || value_col_.has_value(),
       "a conversion flag (conversion, converted, is_conversion) or value (revenue, value, "
       "conversion_value)");
  if (!missing.empty()) {
    status_ = Status(ErrorCode::kNoHeader,
                     "attribution needs " + missing + "; the columns are: " + r.header_list());
  }
}

void AttributionSink::decide(std::span<const table::HeldRow> sample) {
  if (!status_.ok()) return;
  for (const table::HeldRow& h : sample) {
    if (*time_col_ < h.fields.size()) time_.observe(h.fields[*time_col_], locale_);
  }
  time_.decide(delimiter() == ';');
  if (value_col_)
    value_mark_ = table::decide_mark(sample, *value_col_, locale_, delimiter(), false);
}

void AttributionSink::row(std::span<const std::string_view> fields, uint64_t line) {
  if (!status_.ok() || !fit_width(fields, line)) return;
  const std::string_view user = text::trim_spaces(fields[*user_col_]);
  if (user.empty() || is_null_token(user, locale_)) {
    diagnostics().add(
        {line, header(user_col_), Severity::kWarning, "no journey or user id; row skipped"});
    return;
  }
  const std::string_view ts = fields[*time_col_];
  const auto t = time_.parse(ts, locale_);
  if (!t) {
    diagnostics().add(
        {line, header(time_col_), Severity::kError,
         table::quote_cell(text::trim_spaces(ts)) +
             " is not a timestamp (YYYY-MM-DD HH:MM:SS, ISO 8601 with an offset, a date, or epoch "
             "seconds/milliseconds); row skipped"});
    return;
  }
  int64_t value = 0;
  if (value_col_) {
    const std::string_view cell = text::trim_spaces(fields[*value_col_]);
    if (!cell.empty() && !is_null_token(cell, locale_)) {
      const auto v = table::read_micros(cell, locale_, value_mark_);
      if (v) {
        value = *v;
      } else {
        diagnostics().add({line, header(value_col_), Severity::kError,
                           table::quote_cell(cell) + " is not a number; the value is left out"});
      }
    }
  }
  int64_t conv = 0;
  if (conv_col_) {
    const std::string_view cell = text::trim_spaces(fields[*conv_col_]);
    const auto c = table::read_flag_micros(cell, locale_);
    if (!c || *c < 0) {
      diagnostics().add(
          {line, header(conv_col_), Severity::kError,
           table::quote_cell(cell) + " is not a conversion flag or count; read as no conversion"});
    } else {
      conv = *c;
    }
  } else if (value > 0) {
    conv = kMicros;  // no conversion column: a row with a value is a conversion
  }
  if (conv == 0 && value != 0) {
    ++value_without_conversion_;
    value = 0;
  }
  const std::string_view ch = text::trim_spaces(fields[*channel_col_]);
  user_.push_back(users_.intern_repeated(user));
  time_ms_.push_back(*t);
  channel_.push_back(ch.empty() || is_null_token(ch, locale_) ? UINT32_MAX
                                                              : channels_.intern_repeated(ch));
  conv_.push_back(conv);
  value_.push_back(value);
}

Result<Json> AttributionSink::report(const TableInfo& info) {
  if (!status_.ok()) return status_;
  if (time_ms_.empty()) {
    std::string first;
    if (!diagnostics().entries().empty()) {
      first = " (line " + std::to_string(diagnostics().entries()[0].row) + ": " +
              diagnostics().entries()[0].message + ")";
    }
    return Status(ErrorCode::kNoData, info.name + ": a header was found (line " +
                                          std::to_string(info.header_row) +
                                          ") but no touchpoint row could be used" + first);
  }
  if (value_without_conversion_ > 0) {
    diagnostics().add({0, header(value_col_), Severity::kWarning,
                       std::to_string(value_without_conversion_) +
                           " row(s) carry a value but no conversion; their value is not counted"});
  }

  // Rows by id (stable counting sort), then each id's rows in time order.
  const size_t users = users_.size();
  const size_t rows = time_ms_.size();
  std::vector<uint32_t> start(users + 1, 0);
  for (uint32_t u : user_) ++start[u + 1];
  for (size_t u = 0; u < users; ++u) start[u + 1] += start[u];
  std::vector<uint32_t> order(rows);
  {
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (uint32_t i = 0; i < rows; ++i) order[fill[user_[i]]++] = i;
  }
  std::optional<uint32_t> none_channel;
  std::vector<uint32_t> touch_channel;
  std::vector<int64_t> touch_time;
  std::vector<Journey> journeys;
  for (size_t u = 0; u < users; ++u) {
    const auto first = order.begin() + start[u], last = order.begin() + start[u + 1];
    std::sort(first, last, [&](uint32_t a, uint32_t b) {
      return time_ms_[a] != time_ms_[b] ? time_ms_[a] < time_ms_[b] : a < b;
    });
    auto open = static_cast<uint32_t>(touch_channel.size());
    for (auto it = first; it != last; ++it) {
      const uint32_t i = *it;
      if (channel_[i] != UINT32_MAX) {
        touch_channel.push_back(channel_[i]);
        touch_time.push_back(time_ms_[i]);
      }
      if (conv_[i] > 0) {
        if (touch_channel.size() == open) {
          if (!none_channel) none_channel = channels_.intern(kNone);
          touch_channel.push_back(*none_channel);
          touch_time.push_back(time_ms_[i]);
        }
        journeys.push_back({open, static_cast<uint32_t>(touch_channel.size()) - open, time_ms_[i],
                            conv_[i], value_[i]});
        open = static_cast<uint32_t>(touch_channel.size());
      }
    }
    if (touch_channel.size() > open) {
      journeys.push_back({open, static_cast<uint32_t>(touch_channel.size()) - open, 0, 0, 0});
    }
  }

  const size_t n = channels_.size();
  std::vector<int64_t> touchpoints(n, 0), converting_touchpoints(n, 0);
  int64_t total_conv = 0, total_value = 0;
  uint64_t converting = 0;
  for (const Journey& j : journeys) {
    for (uint32_t k = 0; k < j.touch_count; ++k) {
      ++touchpoints[touch_channel[j.first_touch + k]];
      if (j.conversions > 0) ++converting_touchpoints[touch_channel[j.first_touch + k]];
    }
    total_conv += j.conversions;
    total_value += j.revenue;
    converting += j.conversions > 0;
  }

  // Channel order: most touchpoints first, then by name.
  std::vector<uint32_t> by_touch(n);
  std::iota(by_touch.begin(), by_touch.end(), 0u);
  std::sort(by_touch.begin(), by_touch.end(), [&](uint32_t a, uint32_t b) {
    if (touchpoints[a] != touchpoints[b]) return touchpoints[a] > touchpoints[b];
    return channels_.str(a) < channels_.str(b);
  });

  const std::vector<AttributionModel> models =
      o_.models.empty()
          ? std::vector<AttributionModel>(std::begin(kAllModels), std::end(kAllModels))
          : o_.models;
  Json model_docs = Json::array();
  for (AttributionModel m : models) {
    std::vector<int64_t> conv(n, 0), value(n, 0);
    std::vector<double> removal;
    double probability = 0;
    std::vector<std::string> extra_rows;
    std::vector<uint32_t> markov_state(n);
    size_t states = n;
    if (m != AttributionModel::kMarkov) {
      std::vector<int64_t> part_c, part_v;
      for (const Journey& j : journeys) {
        if (j.conversions == 0) continue;
        const std::span<const int64_t> times(touch_time.data() + j.first_touch, j.touch_count);
        const std::vector<double> shares = touch_shares(m, times, j.conversion_ms, o_);
        part_c.assign(j.touch_count, 0);
        part_v.assign(j.touch_count, 0);
        table::largest_remainder(shares, j.conversions, part_c);
        table::largest_remainder(shares, j.revenue, part_v);
        for (uint32_t k = 0; k < j.touch_count; ++k) {
          conv[touch_channel[j.first_touch + k]] += part_c[k];
          value[touch_channel[j.first_touch + k]] += part_v[k];
        }
      }
    } else {
      // States: the kMarkovChannels − 1 channels with most touchpoints, the rest merged.
      std::iota(markov_state.begin(), markov_state.end(), 0u);
      if (n > kMarkovChannels) {
        states = kMarkovChannels;
        // A kept channel's state is its rank; the rest share the last state.
        for (size_t r = 0; r < n; ++r) {
          markov_state[by_touch[r]] = static_cast<uint32_t>(std::min(r, kMarkovChannels - 1));
        }
      }
      MarkovChain chain(states);
      std::vector<uint32_t> path;
      for (const Journey& j : journeys) {
        path.clear();
        for (uint32_t k = 0; k < j.touch_count; ++k)
          path.push_back(markov_state[touch_channel[j.first_touch + k]]);
        chain.add_path(path, j.conversions > 0);
      }
      probability = chain.conversion_probability();
      removal = chain.removal_effects();
      std::vector<int64_t> state_c(states, 0), state_v(states, 0);
      if (states == n) {
        // Shares in listed order, so rounding ties go to the channel listed first.
        std::vector<double> listed(n);
        for (size_t r = 0; r < n; ++r) listed[r] = removal[by_touch[r]];
        table::largest_remainder(listed, total_conv, state_c);
        table::largest_remainder(listed, total_value, state_v);
        for (size_t r = 0; r < n; ++r) {
          conv[by_touch[r]] = state_c[r];
          value[by_touch[r]] = state_v[r];
        }
      } else {
        table::largest_remainder(removal, total_conv, state_c);
        table::largest_remainder(removal, total_value, state_v);
        for (size_t r = 0; r + 1 < states; ++r) {
          conv[by_touch[r]] = state_c[r];
          value[by_touch[r]] = state_v[r];
        }
        extra_rows.emplace_back(kOtherChannels);
        conv.push_back(state_c[states - 1]);
        value.push_back(state_v[states - 1]);
      }
    }
    Json rows_doc = Json::array();
    int64_t sum_c = 0, sum_v = 0;
    auto put = [&](const std::string& name, size_t idx, Json tp, Json ctp, Json re) {
      Json c;
      c["channel"] = name;
      c["touchpoints"] = std::move(tp);
      c["converting_touchpoints"] = std::move(ctp);
      c["conversions"] = json_out::micros(conv[idx]);
      c["revenue"] = json_out::micros(value[idx]);
      c["weight"] =
          total_conv > 0
              ? table::rounded(static_cast<double>(conv[idx]) / static_cast<double>(total_conv))
              : Json(nullptr);
      if (m == AttributionModel::kMarkov) c["removal_effect"] = std::move(re);
      sum_c += conv[idx];
      sum_v += value[idx];
      rows_doc.push_back(std::move(c));
    };
    for (size_t r = 0; r < n; ++r) {
      const uint32_t ch = by_touch[r];
      Json re = nullptr;
      if (m == AttributionModel::kMarkov && (states == n || r + 1 < states)) {
        re = table::rounded(removal[states == n ? ch : r]);
      }
      put(std::string(channels_.str(ch)), ch, touchpoints[ch], converting_touchpoints[ch], re);
    }
    for (size_t e = 0; e < extra_rows.size(); ++e) {
      int64_t tp = 0, ctp = 0;
      for (size_t r = states - 1; r < n; ++r) {
        tp += touchpoints[by_touch[r]];
        ctp += converting_touchpoints[by_touch[r]];
      }
      put(extra_rows[e], n + e, tp, ctp, table::rounded(removal[states - 1]));
    }
    Json md;
    md["model"] = std::string(attribution_model_name(m));
    md["conversions"] = json_out::micros(sum_c);
    md["revenue"] = json_out::micros(sum_v);
    if (m == AttributionModel::kMarkov) {
      md["conversion_probability"] = table::rounded(probability);
      md["merged_channels"] = states == n ? 0 : n - (states - 1);
    }
    md["channels"] = std::move(rows_doc);
    model_docs.push_back(std::move(md));
  }

  Json doc;
  doc["kind"] = "attribution";
  Json in = table::input_json(info);
  in["rows"] = rows_read();
  in["rows_used"] = rows;
  in["roles"] = {{"user_id", header(user_col_)},
                 {"timestamp", header(time_col_)},
                 {"channel", header(channel_col_)},
                 {"conversion", conv_col_ ? Json(header(conv_col_)) : Json(nullptr)},
                 {"revenue", value_col_ ? Json(header(value_col_)) : Json(nullptr)}};
  doc["input"] = std::move(in);
  Json names = Json::array();
  for (AttributionModel m : models) names.push_back(std::string(attribution_model_name(m)));
  doc["options"] = {{"models", std::move(names)},
                    {"half_life_days", o_.half_life_days},
                    {"position_based",
                     {{"first", o_.first_weight},
                      {"middle", table::rounded(1.0 - o_.first_weight - o_.last_weight)},
                      {"last", o_.last_weight}}}};
  doc["totals"] = {
      {"ids", users},
      {"journeys", journeys.size()},
      {"converting_journeys", converting},
      {"touchpoints", std::accumulate(touchpoints.begin(), touchpoints.end(), int64_t{0})},
      {"conversions", json_out::micros(total_conv)},
      {"revenue", json_out::micros(total_value)},
      {"channels", n}};
  doc["rounding"] =
      "credit is kept in micro-units (1e-6); rule-based models split each journey's conversions "
      "and revenue with "
      "largest-remainder rounding (floor every share, then one micro-unit to each largest "
      "fractional part, ties to "
      "the earlier touchpoint), Markov splits the totals the same way across channels (ties to the "
      "channel listed "
      "first), so every model's totals equal the observed conversions and revenue exactly";
  doc["models"] = std::move(model_docs);
  doc["diagnostics"] = table::diagnostics_json(diagnostics());
  return doc;
}

}  // namespace

Result<std::string> attribution_report(std::string_view name, std::span<const std::byte> bytes,
                                       const AttributionOptions& options, const AliasTable& aliases,
                                       const Locale& locale) {
  AttributionSink sink(options, aliases, locale);
  TableInfo info;
  if (Status s = table::read_table(name, bytes, aliases, sink, &info); !s.ok()) return s;
  Result<Json> doc = sink.report(info);
  if (!doc.ok()) return doc.status();
  return json_out::dump(doc.value());
}

}  // namespace glint
