#include "glint/funnel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "tables/table_util.h"
#include "base/text.h"

namespace glint {

using table::Json;

std::string_view funnel_order_name(FunnelOrder o) {
  switch (o) {
    case FunnelOrder::kStrict:
      return "strict";
    case FunnelOrder::kAny:
      return "any";
    case FunnelOrder::kOrdered:
      break;
  }
  return "ordered";
}

std::optional<FunnelOrder> funnel_order_from_name(std::string_view name) {
  if (name == "strict") return FunnelOrder::kStrict;
  if (name == "ordered") return FunnelOrder::kOrdered;
  if (name == "any") return FunnelOrder::kAny;
  return std::nullopt;
}

namespace {

bool within(int64_t start, int64_t t, int64_t window) { return t - start <= window; }

// Ordered: from each step-1 event (earliest first), the earliest occurrence of
// each next step after the previous one; the deepest attempt wins.
FunnelPath match_ordered(std::span<const FunnelEvent> ev, int steps, int64_t window) {
  std::vector<std::vector<size_t>> at(static_cast<size_t>(steps));
  for (size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].step >= 0 && ev[i].step < steps) at[static_cast<size_t>(ev[i].step)].push_back(i);
  }
  FunnelPath best;
  std::vector<int64_t> times(static_cast<size_t>(steps));
  for (size_t start : at[0]) {
    const int64_t t0 = ev[start].time_ms;
    times[0] = t0;
    int depth = 1;
    size_t cur = start;
    for (int j = 1; j < steps; ++j) {
      const auto& pos = at[static_cast<size_t>(j)];
      const auto it = std::upper_bound(pos.begin(), pos.end(), cur);
      if (it == pos.end() || !within(t0, ev[*it].time_ms, window)) break;
      cur = *it;
      times[static_cast<size_t>(j)] = ev[cur].time_ms;
      ++depth;
    }
    if (depth > best.depth) {
      best.depth = depth;
      best.times_ms.assign(times.begin(), times.begin() + depth);
      if (depth == steps) break;
    }
  }
  return best;
}

// Strict: the steps must be consecutive events of the user's sequence.
FunnelPath match_strict(std::span<const FunnelEvent> ev, int steps, int64_t window) {
  FunnelPath best;
  for (size_t i = 0; i < ev.size() && best.depth < steps; ++i) {
    if (ev[i].step != 0) continue;
    const int64_t t0 = ev[i].time_ms;
    int depth = 1;
    size_t k = i + 1;
    while (depth < steps && k < ev.size() && ev[k].step == depth &&
           within(t0, ev[k].time_ms, window)) {
      ++depth;
      ++k;
    }
    if (depth > best.depth) {
      best.depth = depth;
      best.times_ms.clear();
      for (size_t j = i; j < i + static_cast<size_t>(depth); ++j)
        best.times_ms.push_back(ev[j].time_ms);
    }
  }
  return best;
}

// Any order: the largest k such that one window holds an event of each of
// steps 1..k (sliding window over the events of those steps).
FunnelPath match_any(std::span<const FunnelEvent> ev, int steps, int64_t window) {
  FunnelPath best;
  std::vector<int> in_window(static_cast<size_t>(steps));
  for (int k = 1; k <= steps; ++k) {
    std::fill(in_window.begin(), in_window.end(), 0);
    int covered = 0;
    bool found = false;
    size_t left = 0;
    for (size_t right = 0; right < ev.size() && !found; ++right) {
      const int s = ev[right].step;
      if (s < 0 || s >= k) continue;
      if (in_window[static_cast<size_t>(s)]++ == 0) ++covered;
      while (covered == k) {
        if (ev[left].step >= 0 && ev[left].step < k) {
          if (within(ev[left].time_ms, ev[right].time_ms, window)) {
            found = true;
            break;
          }
          if (--in_window[static_cast<size_t>(ev[left].step)] == 0) --covered;
        }
        ++left;
      }
    }
    if (!found) break;
    best.depth = k;
  }
  return best;
}

// ------------------------------------------------------------------ figures

struct StepFigures {
  std::vector<int64_t> count_micros;               // per step
  std::vector<std::vector<int64_t>> durations_ms;  // per step (from the previous one)
  std::vector<int64_t> total_ms;                   // step 1 → last, for the completers
};

// The p-quantile of durations in seconds, linear between closest ranks (as
// quantile_sorted), by selection rather than a full sort; reorders `ms`.
Json seconds_quantiles(std::vector<int64_t>& ms, double p) {
  if (ms.empty()) return nullptr;
  const double pos = p * static_cast<double>(ms.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const double frac = pos - static_cast<double>(lo);
  std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(lo), ms.end());
  const double a = static_cast<double>(ms[lo]) / 1000.0;
  double b = a;
  if (lo + 1 < ms.size()) {
    b = static_cast<double>(
            *std::min_element(ms.begin() + static_cast<std::ptrdiff_t>(lo) + 1, ms.end())) /
        1000.0;
  }
  return table::rounded(a + (b - a) * frac, 3);
}

Json ratio(int64_t num, int64_t den) {
  if (den == 0) return nullptr;
  return table::rounded(static_cast<double>(num) / static_cast<double>(den));
}

Json steps_json(const std::vector<std::string>& names, StepFigures& f, bool times) {
  Json steps = Json::array();
  for (size_t k = 0; k < names.size(); ++k) {
    const int64_t count = f.count_micros[k];
    Json s;
    s["name"] = names[k];
    s["count"] = json_out::micros(count);
    s["percentage"] = ratio(count, f.count_micros[0]);
    if (k == 0) {
      s["conversion_from_previous"] = nullptr;
      s["dropoff"] = nullptr;
      s["dropoff_count"] = nullptr;
    } else {
      const int64_t prev = f.count_micros[k - 1];
      s["conversion_from_previous"] = ratio(count, prev);
      s["dropoff"] = ratio(prev - count, prev);
      s["dropoff_count"] = json_out::micros(prev - count);
    }
    if (times && k > 0) {
      s["median_seconds_from_previous"] = seconds_quantiles(f.durations_ms[k], 0.5);
      s["p90_seconds_from_previous"] = seconds_quantiles(f.durations_ms[k], 0.9);
    } else {
      s["median_seconds_from_previous"] = nullptr;
      s["p90_seconds_from_previous"] = nullptr;
    }
    steps.push_back(std::move(s));
  }
  return steps;
}

Json overall(const StepFigures& f) {
  if (f.count_micros.empty()) return nullptr;
  return ratio(f.count_micros.back(), f.count_micros.front());
}

// Names as a person wrote them and as the data does: exact, else case-folded and trimmed.
std::string match_key(std::string_view s) { return text::fold_case(text::trim_spaces(s)); }

// "a (120), b (80), …" — the most frequent names, for messages.
std::string names_seen(const table::Interner& names, const std::vector<uint64_t>& counts,
                       size_t limit = 12) {
  std::vector<uint32_t> ids(names.size());
  std::iota(ids.begin(), ids.end(), 0u);
  std::stable_sort(ids.begin(), ids.end(),
                   [&](uint32_t a, uint32_t b) { return counts[a] > counts[b]; });
  std::string out;
  for (size_t i = 0; i < ids.size() && i < limit; ++i) {
    out += (out.empty() ? "'" : ", '") + std::string(names.str(ids[i])) + "' (" +
           std::to_string(counts[ids[i]]) + ")";
  }
  if (ids.size() > limit) out += ", … " + std::to_string(ids.size() - limit) + " more";
  return out.empty() ? "none" : out;
}

enum class Shape { kUnknown, kEvents, kStepTotals, kSessions };

const char* shape_name(Shape s) {
  switch (s) {
    case Shape::kEvents:
      return "events";
    case Shape::kStepTotals:
      return "step_totals";
    case Shape::kSessions:
      return "sessions";
    case Shape::kUnknown:
      break;
  }
  return "unknown";
}

class FunnelSink final : public table::SampledSink {
 public:
  FunnelSink(const FunnelOptions& o, const AliasTable& aliases, const Locale& locale)
      : o_(o), aliases_(aliases), locale_(locale), steps_(static_cast<int>(o.steps.size())) {}

  Status status() const { return status_; }

  Result<Json> report(const TableInfo& info);

 protected:
  void begin(const TableInfo& info) override;
  void decide(std::span<const table::HeldRow> sample) override;
  void row(std::span<const std::string_view> fields, uint64_t line) override;

 private:
  Result<std::optional<size_t>> role(const table::Roles& r, const char* name,
                                     std::initializer_list<Field> f) {
    return table::resolve_role(r, o_.columns, name, f);
  }
  void event_row(std::span<const std::string_view> fields, uint64_t line);
  void totals_row(std::span<const std::string_view> fields, uint64_t line);
  void sessions_row(std::span<const std::string_view> fields, uint64_t line);
  int32_t step_of(uint32_t name_id);
  Result<Json> events_report();
  Result<Json> totals_report();
  Result<Json> sessions_report();
  std::string header(std::optional<size_t> col) const {
    return col ? header()[*col] : std::string();
  }
  using SampledSink::header;

  const FunnelOptions& o_;
  const AliasTable& aliases_;
  const Locale& locale_;
  const int steps_;
  Status status_;
  Shape shape_ = Shape::kUnknown;
  std::optional<size_t> user_col_, event_col_, time_col_, group_col_, medium_col_;
  std::optional<size_t> count_col_, sessions_col_, engaged_col_, key_col_, clicks_col_;
  table::TimestampColumn time_;
  DecimalMark count_mark_ = DecimalMark::kIntegers, sessions_mark_ = DecimalMark::kIntegers,
              engaged_mark_ = DecimalMark::kIntegers, key_mark_ = DecimalMark::kPoint,
              clicks_mark_ = DecimalMark::kIntegers;
  uint64_t rows_used_ = 0;

  // events
  table::Interner users_, names_, groups_;
  std::vector<uint64_t> name_counts_;
  std::vector<int32_t> name_step_;  // name id → step (-1: none; -2: not yet matched)
  std::vector<std::string> step_keys_;
  std::vector<int64_t> ev_time_;
  std::vector<uint32_t> ev_user_;
  std::vector<int32_t> ev_step_;
  std::vector<uint32_t> user_group_;  // UINT32_MAX: no value yet
  std::vector<int64_t> user_group_time_;

  // step totals and sessions: sums per group (row-major: group × slot)
  table::Interner step_names_;
  std::vector<std::vector<int64_t>> sums_;  // group → per step (totals) or per metric (sessions)
  std::vector<uint32_t> group_order_;
};

void FunnelSink::begin(const TableInfo&) {
  const table::Roles r(header(), aliases_);
  auto take = [&](Result<std::optional<size_t>> x, std::optional<size_t>& out) {
    if (!x.ok()) {
      if (status_.ok()) status_ = x.status();
      return;
    }
    out = x.value();
  };
  take(role(r, "user_id", {Field::kUserId, Field::kSessionId}), user_col_);
  take(role(r, "event", {Field::kEventName, Field::kStep}), event_col_);
  take(role(r, "timestamp", {Field::kTimestamp, Field::kDate}), time_col_);
  if (!o_.breakdown.empty()) {
    group_col_ = r.by_name(o_.breakdown);
    if (!group_col_ && status_.ok()) {
      status_ = Status(ErrorCode::kInvalidRequest, "'breakdown': no column named '" + o_.breakdown +
                                                       "' (columns: " + r.header_list() + ")");
    }
  }
  if (!status_.ok()) return;
  if (user_col_ && event_col_ && time_col_) {
    shape_ = Shape::kEvents;
    return;
  }
  std::optional<size_t> step_col;
  take(role(r, "step", {Field::kStep, Field::kEventName}), step_col);
  take(role(r, "count",
            {Field::kStepCount, Field::kUsers, Field::kSessions, Field::kViews, Field::kKeyEvents,
             Field::kConversions}),
       count_col_);
  if (!status_.ok()) return;
  if (step_col && count_col_) {
    shape_ = Shape::kStepTotals;
    event_col_ = step_col;
    return;
  }
  sessions_col_ = r.find({Field::kSessions});
  engaged_col_ = r.find({Field::kEngagedSessions});
  key_col_ = r.find({Field::kKeyEvents, Field::kConversions});
  clicks_col_ = r.find({Field::kClicks});
  if (sessions_col_ && (engaged_col_ || key_col_)) {
    shape_ = Shape::kSessions;
    if (!group_col_) {
      group_col_ = r.find({Field::kSourceMedium, Field::kSource, Field::kChannel});
      if (group_col_ && r.field(*group_col_) == Field::kSource)
        medium_col_ = r.find({Field::kMedium});
    }
    return;
  }
  status_ =
      Status(ErrorCode::kNoHeader,
             "the columns (" + r.header_list() +
                 ") fit no funnel input: event rows need a user id (user_id, session_id, "
                 "client_id…), an event "
                 "name (event, event_name) and a timestamp (timestamp, time, date); step totals "
                 "need a step "
                 "and a count column; GA4 data needs sessions with engaged sessions or key events");
}

void FunnelSink::decide(std::span<const table::HeldRow> sample) {
  if (!status_.ok()) return;
  if (shape_ == Shape::kEvents) {
    for (const table::HeldRow& h : sample) {
      if (*time_col_ < h.fields.size()) time_.observe(h.fields[*time_col_], locale_);
    }
    time_.decide(delimiter() == ';');
    if (time_.ambiguous()) {
      diagnostics().add({0, header(time_col_), Severity::kWarning,
                         "every date here reads as day/month and as month/day; read as " +
                             std::string(date_format_name(time_.date_format()))});
    }
    step_keys_.reserve(o_.steps.size());
    for (const std::string& s : o_.steps) step_keys_.push_back(match_key(s));
  } else if (shape_ == Shape::kStepTotals) {
    count_mark_ = table::decide_mark(sample, *count_col_, locale_, delimiter(), true);
  } else if (shape_ == Shape::kSessions) {
    auto mark = [&](std::optional<size_t> c, bool count) {
      return c ? table::decide_mark(sample, *c, locale_, delimiter(), count) : DecimalMark::kPoint;
    };
    sessions_mark_ = mark(sessions_col_, true);
    engaged_mark_ = mark(engaged_col_, true);
    key_mark_ = mark(key_col_, false);
    clicks_mark_ = mark(clicks_col_, true);
  }
}

void FunnelSink::row(std::span<const std::string_view> fields, uint64_t line) {
  if (!status_.ok() || !fit_width(fields, line)) return;
  switch (shape_) {
    case Shape::kEvents:
      event_row(fields, line);
      break;
    case Shape::kStepTotals:
      totals_row(fields, line);
      break;
    case Shape::kSessions:
      sessions_row(fields, line);
      break;
    case Shape::kUnknown:
      break;
  }
}

int32_t FunnelSink::step_of(uint32_t id) {
  if (id >= name_step_.size()) name_step_.resize(id + 1, -2);
  if (name_step_[id] != -2) return name_step_[id];
  const std::string_view name = names_.str(id);
  int32_t step = -1;
  for (size_t k = 0; k < o_.steps.size() && step < 0; ++k) {
    if (o_.steps[k] == name) step = static_cast<int32_t>(k);
  }
  const std::string key = match_key(name);
  for (size_t k = 0; k < step_keys_.size() && step < 0; ++k) {
    if (step_keys_[k] == key) step = static_cast<int32_t>(k);
  }
  return name_step_[id] = step;
}

void FunnelSink::event_row(std::span<const std::string_view> fields, uint64_t line) {
  const std::string_view user = text::trim_spaces(fields[*user_col_]);
  const std::string_view event = text::trim_spaces(fields[*event_col_]);
  if (user.empty() || is_null_token(user, locale_)) {
    diagnostics().add({line, header(user_col_), Severity::kWarning, "no user id; row skipped"});
    return;
  }
  if (event.empty()) {
    diagnostics().add({line, header(event_col_), Severity::kWarning, "no event name; row skipped"});
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
  const uint32_t u = users_.intern_repeated(user);
  if (u >= user_group_.size()) {
    user_group_.push_back(UINT32_MAX);
    user_group_time_.push_back(0);
  }
  const uint32_t name = names_.intern_repeated(event);
  if (name >= name_counts_.size()) name_counts_.push_back(0);
  ++name_counts_[name];
  const int32_t step = step_of(name);
  ++rows_used_;
  if (group_col_) {
    // A user belongs to the value on their earliest event that carries one.
    const std::string_view g = text::trim_spaces(fields[*group_col_]);
    if (!g.empty() && (user_group_[u] == UINT32_MAX || *t < user_group_time_[u])) {
      user_group_[u] = groups_.intern_repeated(g);
      user_group_time_[u] = *t;
    }
  }
  if (step < 0 && o_.order != FunnelOrder::kStrict) return;
  ev_time_.push_back(*t);
  ev_user_.push_back(u);
  ev_step_.push_back(step);
}

void FunnelSink::totals_row(std::span<const std::string_view> fields, uint64_t line) {
  const std::string_view step = text::trim_spaces(fields[*event_col_]);
  if (step.empty()) {
    diagnostics().add(
        {line, header(event_col_), Severity::kInfo, "no step name (a totals row?); row skipped"});
    return;
  }
  const std::string_view cell = text::trim_spaces(fields[*count_col_]);
  const auto v = table::read_micros(cell, locale_, count_mark_);
  if (!v) {
    if (!cell.empty() && !is_null_token(cell, locale_)) {
      diagnostics().add({line, header(count_col_), Severity::kError,
                         table::quote_cell(cell) + " is not a number; row skipped"});
    }
    return;
  }
  uint32_t g = 0;
  if (group_col_) {
    const std::string_view gv = text::trim_spaces(fields[*group_col_]);
    g = groups_.intern(gv.empty() ? "(none)" : gv);
  }
  const uint32_t s = step_names_.intern(step);
  if (g >= sums_.size()) sums_.resize(g + 1);
  if (s >= sums_[g].size()) sums_[g].resize(s + 1, 0);
  sums_[g][s] += *v;
  ++rows_used_;
}

void FunnelSink::sessions_row(std::span<const std::string_view> fields, uint64_t line) {
  uint32_t g = 0;
  if (group_col_) {
    std::string label(text::trim_spaces(fields[*group_col_]));
    if (medium_col_) label += " / " + std::string(text::trim_spaces(fields[*medium_col_]));
    if (text::trim_spaces(fields[*group_col_]).empty()) {
      diagnostics().add(
          {line, header(group_col_), Severity::kInfo, "totals row (no dimension value); excluded"});
      return;
    }
    g = groups_.intern(label);
  }
  if (g >= sums_.size()) sums_.resize(g + 1, std::vector<int64_t>(4, 0));
  const std::optional<size_t> cols[4] = {clicks_col_, sessions_col_, engaged_col_, key_col_};
  const DecimalMark marks[4] = {clicks_mark_, sessions_mark_, engaged_mark_, key_mark_};
  for (size_t m = 0; m < 4; ++m) {
    if (!cols[m]) continue;
    const std::string_view cell = text::trim_spaces(fields[*cols[m]]);
    const auto v = table::read_micros(cell, locale_, marks[m]);
    if (!v) {
      if (!cell.empty() && !is_null_token(cell, locale_)) {
        diagnostics().add({line, header(cols[m]), Severity::kError,
                           table::quote_cell(cell) + " is not a number; this cell is left out"});
      }
      continue;
    }
    sums_[g][m] += *v;
  }
  ++rows_used_;
}

Result<Json> FunnelSink::report(const TableInfo& info) {
  if (!status_.ok()) return status_;
  if (shape_ == Shape::kUnknown) return Status(ErrorCode::kNoHeader, info.name + ": no header row");
  if (rows_used_ == 0) {
    return Status(ErrorCode::kNoData,
                  info.name + ": a header was found (line " + std::to_string(info.header_row) +
                      ") but no row could be used" +
                      (diagnostics().entries().empty()
                           ? std::string()
                           : " (line " + std::to_string(diagnostics().entries()[0].row) + ": " +
                                 diagnostics().entries()[0].message + ")"));
  }
  Result<Json> body = shape_ == Shape::kEvents       ? events_report()
                      : shape_ == Shape::kStepTotals ? totals_report()
                                                     : sessions_report();
  if (!body.ok()) return body.status();
  Json doc;
  doc["kind"] = "funnel";
  doc["mode"] = shape_name(shape_);
  Json in = table::input_json(info);
  in["rows"] = rows_read();
  in["rows_used"] = rows_used_;
  Json roles;
  roles["user_id"] =
      user_col_ && shape_ == Shape::kEvents ? Json(header(user_col_)) : Json(nullptr);
  roles["event"] = event_col_ ? Json(header(event_col_)) : Json(nullptr);
  roles["timestamp"] =
      time_col_ && shape_ == Shape::kEvents ? Json(header(time_col_)) : Json(nullptr);
  roles["count"] =
      count_col_ && shape_ == Shape::kStepTotals ? Json(header(count_col_)) : Json(nullptr);
  roles["breakdown"] =
      group_col_ ? Json(header(group_col_) + (medium_col_ ? " / " + header(medium_col_) : ""))
                 : Json(nullptr);
  in["roles"] = std::move(roles);
  in["timestamp_date_format"] =
      shape_ == Shape::kEvents && time_.date_format() != DateFormat::kUnknown
          ? Json(std::string(date_format_name(time_.date_format())))
          : Json(nullptr);
  doc["input"] = std::move(in);
  doc["options"] = {
      {"steps", o_.steps},
      {"order", std::string(funnel_order_name(o_.order))},
      {"window_seconds", o_.window_ms == std::numeric_limits<int64_t>::max()
                             ? Json(nullptr)
                             : table::rounded(static_cast<double>(o_.window_ms) / 1000.0, 3)},
      {"breakdown", o_.breakdown.empty() ? Json(nullptr) : Json(o_.breakdown)}};
  for (auto& [k, v] : body.value().items()) doc[k] = std::move(v);
  doc["diagnostics"] = table::diagnostics_json(diagnostics());
  return doc;
}

Result<Json> FunnelSink::events_report() {
  if (steps_ == 0) {
    return Status(ErrorCode::kInvalidRequest,
                  "'steps' is required for event rows: name the events in funnel order (event "
                  "names in the data: " +
                      names_seen(names_, name_counts_) + ")");
  }
  if (steps_ > 64) return Status(ErrorCode::kInvalidRequest, "'steps' lists more than 64 steps");
  for (size_t a = 0; a < step_keys_.size(); ++a) {
    for (size_t b = a + 1; b < step_keys_.size(); ++b) {
      if (step_keys_[a] == step_keys_[b]) {
        return Status(ErrorCode::kInvalidRequest, "'steps' names '" + o_.steps[b] + "' twice");
      }
    }
  }
  std::vector<bool> present(o_.steps.size(), false);
  for (uint32_t id = 0; id < names_.size(); ++id) {
    if (const int32_t s = step_of(id); s >= 0) present[static_cast<size_t>(s)] = true;
  }
  Json missing = Json::array();
  for (size_t k = 0; k < present.size(); ++k) {
    if (!present[k]) missing.push_back(o_.steps[k]);
  }
  if (!present[0]) {
    const std::string what = missing.size() == present.size()
                                 ? "none of the steps occurs"
                                 : "the first step '" + o_.steps[0] + "' does not occur";
    return Status(ErrorCode::kInvalidRequest,
                  "'steps': " + what + " in column '" + header(event_col_) +
                      "' (event names in the data: " + names_seen(names_, name_counts_) + ")");
  }
  for (const Json& m : missing) {
    diagnostics().add({0, header(event_col_), Severity::kWarning,
                       "step '" + m.get<std::string>() +
                           "' does not occur in the data; it and the steps after it "
                           "count 0 (event names in the data: " +
                           names_seen(names_, name_counts_) + ")"});
  }

  // Groups: the most common values, the rest as "(other)"; users without one as "(none)".
  const size_t users = users_.size();
  std::vector<uint32_t> user_slot(users, 0);
  std::vector<std::string> group_names;
  if (group_col_) {
    std::vector<uint64_t> per_value(groups_.size() + 1, 0);  // last: no value
    for (uint32_t g : user_group_) ++per_value[g == UINT32_MAX ? groups_.size() : g];
    std::vector<uint32_t> ids(per_value.size());
    std::iota(ids.begin(), ids.end(), 0u);
    auto label = [&](uint32_t id) {
      return id == groups_.size() ? std::string("(none)") : std::string(groups_.str(id));
    };
    std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
      if (per_value[a] != per_value[b]) return per_value[a] > per_value[b];
      return label(a) < label(b);
    });
    std::vector<uint32_t> slot_of(per_value.size(), UINT32_MAX);
    for (uint32_t id : ids) {
      if (per_value[id] == 0) continue;
      if (group_names.size() < o_.max_breakdown_values) {
        slot_of[id] = static_cast<uint32_t>(group_names.size());
        group_names.push_back(label(id));
      }
    }
    const bool other = std::any_of(ids.begin(), ids.end(), [&](uint32_t id) {
      return per_value[id] > 0 && slot_of[id] == UINT32_MAX;
    });
    if (other) group_names.push_back("(other)");
    for (size_t u = 0; u < users; ++u) {
      const uint32_t g =
          user_group_[u] == UINT32_MAX ? static_cast<uint32_t>(groups_.size()) : user_group_[u];
      user_slot[u] =
          slot_of[g] == UINT32_MAX ? static_cast<uint32_t>(group_names.size() - 1) : slot_of[g];
    }
  }
  const size_t k_steps = o_.steps.size();
  auto fresh = [&]() {
    StepFigures f;
    f.count_micros.assign(k_steps, 0);
    f.durations_ms.assign(k_steps, {});
    return f;
  };
  StepFigures all = fresh();
  std::vector<StepFigures> per_group(group_names.size());
  for (auto& g : per_group) g = fresh();
  std::vector<uint64_t> group_users(group_names.size(), 0);

  // Events by user (a stable counting sort), then each user's in time order.
  std::vector<uint32_t> start(users + 1, 0);
  for (uint32_t u : ev_user_) ++start[u + 1];
  for (size_t u = 0; u < users; ++u) start[u + 1] += start[u];
  std::vector<uint32_t> order(ev_user_.size());
  {
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (uint32_t i = 0; i < ev_user_.size(); ++i) order[fill[ev_user_[i]]++] = i;
  }
  const auto key = [&](uint32_t i) { return ev_step_[i] >= 0 ? ev_step_[i] : steps_; };
  std::vector<FunnelEvent> events;
  const bool timed = o_.order != FunnelOrder::kAny;
  for (size_t u = 0; u < users; ++u) {
    if (group_col_) ++group_users[user_slot[u]];
    const auto first = order.begin() + start[u], last = order.begin() + start[u + 1];
    if (first == last) continue;
    std::sort(first, last, [&](uint32_t a, uint32_t b) {
      if (ev_time_[a] != ev_time_[b]) return ev_time_[a] < ev_time_[b];
      if (key(a) != key(b)) return key(a) < key(b);
      return a < b;
    });
    events.clear();
    for (auto it = first; it != last; ++it) events.push_back({ev_time_[*it], ev_step_[*it]});
    const FunnelPath p = match_funnel(events, steps_, o_.order, o_.window_ms);
    if (p.depth == 0) continue;
    for (StepFigures* f : {&all, group_col_ ? &per_group[user_slot[u]] : nullptr}) {
      if (f == nullptr) continue;
      for (int k = 0; k < p.depth; ++k) {
        f->count_micros[static_cast<size_t>(k)] += kMicros;
        if (timed && k > 0) {
          f->durations_ms[static_cast<size_t>(k)].push_back(p.times_ms[static_cast<size_t>(k)] -
                                                            p.times_ms[static_cast<size_t>(k - 1)]);
        }
      }
      if (timed && p.depth == steps_) f->total_ms.push_back(p.times_ms.back() - p.times_ms.front());
    }
  }

  Json out;
  out["steps"] = steps_json(o_.steps, all, timed);
  out["overallConversion"] = overall(all);
  out["time_to_convert"] = {
      {"median_seconds", timed ? seconds_quantiles(all.total_ms, 0.5) : Json(nullptr)},
      {"p90_seconds", timed ? seconds_quantiles(all.total_ms, 0.9) : Json(nullptr)}};
  out["users"] = users;
  out["events"] = rows_used_;
  out["missing_steps"] = std::move(missing);
  if (group_col_) {
    Json values = Json::array();
    for (size_t g = 0; g < group_names.size(); ++g) {
      values.push_back({{"value", group_names[g]},
                        {"users", group_users[g]},
                        {"steps", steps_json(o_.steps, per_group[g], timed)},
                        {"overallConversion", overall(per_group[g])}});
    }
    out["breakdown"] = {
        {"column", header(group_col_)},
        {"assignment", "a user belongs to the value on their earliest event that carries one"},
        {"values", std::move(values)}};
  } else {
    out["breakdown"] = nullptr;
  }
  out["worst_sources"] = nullptr;
  return out;
}

Result<Json> FunnelSink::totals_report() {
  // Step order: as requested, else as the file lists them.
  std::vector<std::string> names;
  std::vector<uint32_t> ids;
  if (!o_.steps.empty()) {
    std::vector<std::string> missing;
    for (const std::string& s : o_.steps) {
      std::optional<uint32_t> id = step_names_.find(s);
      for (uint32_t i = 0; i < step_names_.size() && !id; ++i) {
        if (match_key(step_names_.str(i)) == match_key(s)) id = i;
      }
      if (!id) {
        missing.push_back(s);
        continue;
      }
      names.push_back(s);
      ids.push_back(*id);
    }
    if (!missing.empty()) {
      std::string list, seen;
      for (const std::string& m : missing) list += (list.empty() ? "'" : ", '") + m + "'";
      for (uint32_t i = 0; i < step_names_.size(); ++i)
        seen += (seen.empty() ? "'" : ", '") + std::string(step_names_.str(i)) + "'";
      return Status(ErrorCode::kInvalidRequest, "'steps': " + list + " not in column '" +
                                                    header(event_col_) +
                                                    "' (steps in the data: " + seen + ")");
    }
  } else {
    for (uint32_t i = 0; i < step_names_.size(); ++i) {
      names.emplace_back(step_names_.str(i));
      ids.push_back(i);
    }
  }
  auto figures = [&](const std::vector<int64_t>& sums) {
    StepFigures f;
    for (uint32_t id : ids) f.count_micros.push_back(id < sums.size() ? sums[id] : 0);
    f.durations_ms.assign(ids.size(), {});
    return f;
  };
  std::vector<int64_t> total(step_names_.size(), 0);
  for (const auto& g : sums_) {
    for (size_t s = 0; s < g.size(); ++s) total[s] += g[s];
  }
  StepFigures all = figures(total);
  Json out;
  out["steps"] = steps_json(names, all, false);
  out["overallConversion"] = overall(all);
  out["time_to_convert"] = {{"median_seconds", nullptr}, {"p90_seconds", nullptr}};
  out["users"] = nullptr;
  out["events"] = nullptr;
  out["missing_steps"] = Json::array();
  if (group_col_) {
    Json values = Json::array();
    std::vector<uint32_t> order(groups_.size());
    std::iota(order.begin(), order.end(), 0u);
    std::vector<StepFigures> figs;
    for (uint32_t g = 0; g < groups_.size(); ++g)
      figs.push_back(figures(g < sums_.size() ? sums_[g] : std::vector<int64_t>{}));
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return figs[a].count_micros.front() > figs[b].count_micros.front();
    });
    for (uint32_t g : order) {
      values.push_back({{"value", std::string(groups_.str(g))},
                        {"users", nullptr},
                        {"steps", steps_json(names, figs[g], false)},
                        {"overallConversion", overall(figs[g])}});
    }
    out["breakdown"] = {{"column", header(group_col_)},
                        {"assignment", "rows are summed per value"},
                        {"values", std::move(values)}};
  } else {
    out["breakdown"] = nullptr;
  }
  out["worst_sources"] = nullptr;
  return out;
}

Result<Json> FunnelSink::sessions_report() {
  // Slots: 0 clicks, 1 sessions, 2 engaged sessions, 3 key events.
  std::vector<std::string> names;
  std::vector<size_t> slots;
  if (clicks_col_) {
    names.emplace_back("Ad clicks");
    slots.push_back(0);
  }
  names.emplace_back("Sessions");
  slots.push_back(1);
  if (engaged_col_) {
    names.emplace_back("Engaged sessions");
    slots.push_back(2);
  }
  if (key_col_) {
    names.emplace_back("Key events");
    slots.push_back(3);
  }
  auto figures = [&](const std::vector<int64_t>& sums) {
    StepFigures f;
    for (size_t s : slots) f.count_micros.push_back(sums[s]);
    f.durations_ms.assign(slots.size(), {});
    return f;
  };
  std::vector<int64_t> total(4, 0);
  for (const auto& g : sums_) {
    for (size_t m = 0; m < 4; ++m) total[m] += g[m];
  }
  StepFigures all = figures(total);
  Json out;
  out["steps"] = steps_json(names, all, false);
  out["overallConversion"] = overall(all);
  out["time_to_convert"] = {{"median_seconds", nullptr}, {"p90_seconds", nullptr}};
  out["users"] = nullptr;
  out["events"] = nullptr;
  out["missing_steps"] = Json::array();
  if (!group_col_) {
    out["breakdown"] = nullptr;
    out["worst_sources"] = Json::array();
    return out;
  }
  std::vector<uint32_t> order(groups_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return sums_[a][1] > sums_[b][1]; });
  Json values = Json::array();
  std::vector<std::pair<double, Json>> ranked;
  for (uint32_t g : order) {
    StepFigures f = figures(sums_[g]);
    const int64_t sessions = sums_[g][1];
    Json v = {{"value", std::string(groups_.str(g))},
              {"users", nullptr},
              {"steps", steps_json(names, f, false)},
              {"overallConversion", overall(f)}};
    if (sessions > 0) {
      const double dropoff = 1.0 - static_cast<double>(sums_[g][3]) / static_cast<double>(sessions);
      Json w = {{"value", std::string(groups_.str(g))},
                {"sessions", json_out::micros(sessions)},
                {"engaged_sessions", engaged_col_ ? json_out::micros(sums_[g][2]) : Json(nullptr)},
                {"key_events", key_col_ ? json_out::micros(sums_[g][3]) : Json(nullptr)},
                {"engagement_rate", engaged_col_ ? ratio(sums_[g][2], sessions) : Json(nullptr)},
                {"dropoff", key_col_ ? table::rounded(dropoff) : Json(nullptr)},
                {"session_share", ratio(sessions, total[1])}};
      // Sources with at least 1% of sessions compete for "worst".
      if (key_col_ && sessions * 100 >= total[1]) ranked.emplace_back(dropoff, w);
    }
    values.push_back(std::move(v));
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  Json worst = Json::array();
  for (size_t i = 0; i < ranked.size() && i < 5; ++i) worst.push_back(ranked[i].second);
  out["breakdown"] = {
      {"column", header(group_col_) + (medium_col_ ? " / " + header(medium_col_) : "")},
      {"assignment", "rows are summed per value"},
      {"values", std::move(values)}};
  out["worst_sources"] = std::move(worst);
  return out;
}

}  // namespace

FunnelPath match_funnel(std::span<const FunnelEvent> events, int steps, FunnelOrder order,
                        int64_t window_ms) {
  if (steps <= 0 || events.empty()) return {};
  switch (order) {
    case FunnelOrder::kStrict:
      return match_strict(events, steps, window_ms);
    case FunnelOrder::kAny:
      return match_any(events, steps, window_ms);
    case FunnelOrder::kOrdered:
      break;
  }
  return match_ordered(events, steps, window_ms);
}

Result<std::string> funnel_report(std::string_view name, std::span<const std::byte> bytes,
                                  const FunnelOptions& options, const AliasTable& aliases,
                                  const Locale& locale) {
  FunnelSink sink(options, aliases, locale);
  TableInfo info;
  if (Status s = table::read_table(name, bytes, aliases, sink, &info); !s.ok()) return s;
  Result<Json> doc = sink.report(info);
  if (!doc.ok()) return doc.status();
  return json_out::dump(doc.value());
}

}  // namespace glint
