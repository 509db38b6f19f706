// The reporting calls of google.h: Google Ads searchStream (daily rows per
// level, the customer's currency, zone and conversion window) and the GA4
// Data API (runReport by source / medium and by page, period totals,
// realtime; all runReport calls share one paging loop). Payloads are mapped
// to the structs as sent; nothing here adds metrics up.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "google/google.h"
#include "http/fields.h"

namespace glint::connectors::google {

namespace {

using fields::text;

using nlohmann::json;
using Kind = UpstreamError::Kind;

constexpr const char* kGa4Base = "https://analyticsdata.googleapis.com/v1beta/properties/";
constexpr int kGa4PageRows = 10000;  // the API's default page
constexpr int kMaxPages = 1000;
constexpr int kMaxWaitS = 10;  // longer advertised delays go back to the caller
constexpr int kAttempts = 3;

// proto3 int64 is a JSON string; a bare number is tolerated. Missing → 0.
int64_t int64_of(const json& o, const char* name) {
  if (!o.is_object()) return 0;
  auto it = o.find(name);
  if (it == o.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number()) return static_cast<int64_t>(it->get<double>());
  if (it->is_string()) return std::atoll(it->get<std::string>().c_str());
  return 0;
}

double double_of(const json& o, const char* name) {
  if (!o.is_object()) return 0;
  auto it = o.find(name);
  if (it == o.end()) return 0;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) return std::strtod(it->get<std::string>().c_str(), nullptr);
  return 0;
}

const json& object_at(const json& o, const char* name) {
  static const json kEmpty = json::object();
  if (!o.is_object()) return kEmpty;
  auto it = o.find(name);
  return it != o.end() && it->is_object() ? *it : kEmpty;
}

bool digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "YYYY-MM-DD", checked before it goes into a query.
bool iso_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

UpstreamError invalid(const std::string& m) { return {Kind::kInvalidRequest, m}; }

UpstreamError stream_cut(const std::string& what, const std::string& detail) {
  UpstreamError e{Kind::kUnavailable, what + " was cut off mid-stream (" + detail +
                                          "); retry with a shorter date range"};
  e.upstream_code = "STREAM_CUT";
  return e;
}

// A transport failure that happened before any answer (nothing to halve).
bool never_connected(const std::string& message) {
  for (const char* m : {"Couldn't connect", "Could not resolve", "Couldn't resolve"}) {
    if (message.find(m) != std::string::npos) return true;
  }
  return false;
}

// How long to wait before another attempt at `e`, or -1 for none.
int wait_ms_for(const UpstreamError& e, int attempt) {
  if (e.kind == Kind::kRateLimited && e.retry_after_s <= kMaxWaitS)
    return std::max(1, e.retry_after_s) * 1000;
  if (e.kind == Kind::kUnavailable) return 250 << (attempt - 1);
  return -1;
}

// A whole searchStream answer: the batches of one JSON array.
Upstream<std::vector<json>> stream(const Config& cfg, const std::string& access_token,
                                   const std::string& customer_id,
                                   const std::string& login_customer_id, const std::string& query,
                                   const std::string& what) {
  HttpRequest req =
      detail::ads_request(cfg, "POST", "/customers/" + customer_id + "/googleAds:searchStream",
                          access_token, login_customer_id);
  req.body = json{{"query", query}}.dump();
  // The whole result set is one answer: a long total, while the HTTP
  // client's floor (a body stalled 10 s is cut off) is the idle timeout.
  req.total_timeout_ms = 600000;
  req.max_response_bytes = 256u << 20;  // larger: a cut, which a shorter range avoids
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> r = send(req);
    if (!r.ok()) {
      const std::string m = r.status().message();
      if (!never_connected(m)) return {std::nullopt, stream_cut(what, m)};
      if (attempt >= 2) return {std::nullopt, UpstreamError{Kind::kUnavailable, m}};
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      continue;
    }
    const HttpResponse& resp = r.value();
    if (resp.status == 200) {
      json body = json::parse(resp.body, nullptr, false);
      if (body.is_discarded() || !body.is_array())
        return {std::nullopt, stream_cut(what, "the answer is not a whole JSON array")};
      std::vector<json> batches;
      for (json& batch : body) {
        if (!batch.is_object()) return {std::nullopt, stream_cut(what, "a batch is not an object")};
        // An error after some batches: the answer is already 200, so the
        // status comes from the error itself.
        if (auto err = batch.find("error"); err != batch.end() && err->is_object()) {
          HttpResponse failed = resp;
          failed.status = static_cast<int>(int64_of(*err, "code"));
          if (failed.status == 200 || failed.status == 0) failed.status = 500;
          failed.body = batch.dump();
          return {std::nullopt, error_of(failed, what)};
        }
        batches.push_back(std::move(batch));
      }
      return {std::move(batches), std::nullopt};
    }
    UpstreamError e = error_of(resp, what);
    const int wait_ms = wait_ms_for(e, attempt);
    if (wait_ms < 0 || attempt >= kAttempts) return {std::nullopt, std::move(e)};
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
}

// A GA4 Data API POST answering one JSON object; retries like google.cc.
Upstream<json> ga4_call(const std::string& access_token, const std::string& url, const json& body,
                        const std::string& what) {
  HttpRequest req = detail::api_request("POST", upstream_url(url), access_token);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = body.dump();
  req.total_timeout_ms = 120000;
  req.max_response_bytes = 64u << 20;
  int transport_failures = 0;
  for (int attempt = 1;; ++attempt) {
    Result<HttpResponse> r = send(req);
    if (!r.ok()) {
      if (++transport_failures >= 2 || attempt >= kAttempts)
        return {std::nullopt, UpstreamError{Kind::kUnavailable, r.status().message()}};
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      continue;
    }
    const HttpResponse& resp = r.value();
    if (resp.status == 200) {
      json answer = json::parse(resp.body, nullptr, false);
      if (!answer.is_object()) return {std::nullopt, error_of(resp, what)};
      return {std::move(answer), std::nullopt};
    }
    UpstreamError e = error_of(resp, what);
    const int wait_ms = wait_ms_for(e, attempt);
    if (wait_ms < 0 || attempt >= kAttempts) return {std::nullopt, std::move(e)};
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
}

// The GAQL of one reporting level. Fields are the ones AdsRow holds.
std::string report_query(const std::string& level, const std::string& start,
                         const std::string& end) {
  std::string fields =
      "campaign.id, campaign.name, campaign.status, campaign.advertising_channel_type";
  std::string from = "campaign";
  if (level == "ad_group" || level == "ad") {
    fields += ", ad_group.id, ad_group.name";
    from = "ad_group";
  }
  if (level == "ad") {
    fields += ", ad_group_ad.ad.id, ad_group_ad.ad.name";
    from = "ad_group_ad";
  }
  return "SELECT " + fields +
         ", segments.date, metrics.impressions, metrics.clicks, metrics.cost_micros, "
         "metrics.conversions, metrics.conversions_value FROM " +
         from + " WHERE segments.date BETWEEN '" + start + "' AND '" + end + "'";
}

AdsRow ads_row_of(const json& r, const std::string& level, const std::string& customer_id) {
  AdsRow row;
  row.level = level;
  row.customer_id = customer_id;
  row.date = text(object_at(r, "segments"), "date");
  const json& campaign = object_at(r, "campaign");
  row.campaign_id = text(campaign, "id");
  row.campaign_name = text(campaign, "name");
  row.campaign_status = text(campaign, "status");
  row.campaign_type = text(campaign, "advertisingChannelType");
  const json& group = object_at(r, "adGroup");
  row.ad_group_id = text(group, "id");
  row.ad_group_name = text(group, "name");
  const json& ad = object_at(object_at(r, "adGroupAd"), "ad");
  row.ad_id = text(ad, "id");
  row.ad_name = text(ad, "name");
  const json& m = object_at(r, "metrics");
  row.impressions = int64_of(m, "impressions");
  row.clicks = int64_of(m, "clicks");
  row.cost_micros = int64_of(m, "costMicros");
  row.conversions = double_of(m, "conversions");
  row.conversions_value = double_of(m, "conversionsValue");
  return row;
}

// "20260901" → "2026-09-01"; anything else as given.
std::string iso_of_ga4_date(const std::string& d) {
  if (d.size() != 8 || !digits(d)) return d;
  return d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2);
}

const char* const kGa4Dimensions[] = {"date", "sessionSource", "sessionMedium",
                                      "sessionDefaultChannelGroup"};
const char* const kGa4Metrics[] = {"sessions",       "engagedSessions", "totalUsers",
                                   "newUsers",       "screenPageViews", "keyEvents",
                                   "purchaseRevenue"};
const char* const kGa4PageDimensions[] = {"date", "pagePath", "pageTitle"};
const char* const kGa4PageMetrics[] = {"screenPageViews", "sessions", "keyEvents"};

json names(const char* const* first, const char* const* last) {
  json out = json::array();
  for (const char* const* n = first; n != last; ++n) out.push_back({{"name", *n}});
  return out;
}

// Reads one answer's rows by its headers (the order we asked is not
// assumed): `dimension(row, name, value)` and `metric(row, name, value
// object)` fill a Row per answer row.
template <class Row, class Dimension, class Metric>
bool add_ga4_rows(const json& answer, std::vector<Row>* out, Dimension dimension, Metric metric) {
  std::vector<std::string> dims, mets;
  for (const char* key : {"dimensionHeaders", "metricHeaders"}) {
    auto it = answer.find(key);
    if (it == answer.end()) continue;
    if (!it->is_array()) return false;
    for (const json& h : *it) (key[0] == 'd' ? dims : mets).push_back(text(h, "name"));
  }
  auto rows = answer.find("rows");
  if (rows == answer.end()) return true;  // no data: proto3 omits the empty list
  if (!rows->is_array()) return false;
  for (const json& r : *rows) {
    Row row;
    const json dv = r.value("dimensionValues", json::array());
    const json mv = r.value("metricValues", json::array());
    if (!dv.is_array() || !mv.is_array() || dv.size() != dims.size() || mv.size() != mets.size())
      return false;
    for (size_t i = 0; i < dims.size(); ++i) dimension(row, dims[i], text(dv[i], "value"));
    for (size_t i = 0; i < mets.size(); ++i) metric(row, mets[i], mv[i]);
    out->push_back(std::move(row));
  }
  return true;
}

// Rows by source / medium (runReport) or none (totals, realtime).
bool add_ga4_rows(const json& answer, std::vector<Ga4Row>* out) {
  return add_ga4_rows(
      answer, out,
      [](Ga4Row& row, const std::string& n, const std::string& v) {
        if (n == "date") row.date = iso_of_ga4_date(v);
        if (n == "sessionSource") row.source = v;
        if (n == "sessionMedium") row.medium = v;
        if (n == "sessionDefaultChannelGroup") row.channel_group = v;
      },
      [](Ga4Row& row, const std::string& n, const json& v) {
        if (n == "sessions") row.sessions = int64_of(v, "value");
        if (n == "engagedSessions") row.engaged_sessions = int64_of(v, "value");
        if (n == "totalUsers" || n == "activeUsers") row.total_users = int64_of(v, "value");
        if (n == "newUsers") row.new_users = int64_of(v, "value");
        if (n == "screenPageViews") row.screen_page_views = int64_of(v, "value");
        if (n == "keyEvents") row.key_events = double_of(v, "value");
        if (n == "purchaseRevenue") row.purchase_revenue = double_of(v, "value");
      });
}

// Rows by page.
bool add_ga4_rows(const json& answer, std::vector<Ga4PageRow>* out) {
  return add_ga4_rows(
      answer, out,
      [](Ga4PageRow& row, const std::string& n, const std::string& v) {
        if (n == "date") row.date = iso_of_ga4_date(v);
        if (n == "pagePath") row.page_path = v;
        if (n == "pageTitle") row.page_title = v;
      },
      [](Ga4PageRow& row, const std::string& n, const json& v) {
        if (n == "screenPageViews") row.screen_page_views = int64_of(v, "value");
        if (n == "sessions") row.sessions = int64_of(v, "value");
        if (n == "keyEvents") row.key_events = double_of(v, "value");
      });
}

// Metadata and quota of one answer into `rep` (flags from any page stay).
// Report is Ga4Report or Ga4PageReport: the same metadata fields.
template <class Report>
void add_ga4_metadata(const json& answer, Report* rep) {
  const json& md = object_at(answer, "metadata");
  rep->subject_to_thresholding |= md.value("subjectToThresholding", false);
  rep->data_loss_from_other_row |= md.value("dataLossFromOtherRow", false);
  if (auto s = md.find("samplingMetadatas"); s != md.end() && s->is_array() && !s->empty())
    rep->sampled = true;
  if (const std::string r = text(md, "emptyReason"); !r.empty()) rep->empty_reason = r;
  if (const std::string z = text(md, "timeZone"); !z.empty()) rep->time_zone = z;
  if (const std::string c = text(md, "currencyCode"); !c.empty()) rep->currency = c;
  if (auto q = answer.find("propertyQuota"); q != answer.end() && q->is_object()) {
    if (q->contains("tokensPerHour"))
      rep->tokens_per_hour_remaining = int64_of(object_at(*q, "tokensPerHour"), "remaining");
    if (q->contains("tokensPerDay"))
      rep->tokens_per_day_remaining = int64_of(object_at(*q, "tokensPerDay"), "remaining");
  }
}

UpstreamError unreadable(const std::string& what) {
  return {Kind::kMalformed, "Google's answer to " + what + " could not be read"};
}

// runReport over every page, the one loop behind every GA4 report: the
// checks, the body (dimensions may be empty), retries and errors
// (ga4_call), offset advancing by the rows received (a server may send
// fewer than the limit) until rowCount, metadata and quota kept.
template <class Report>
Upstream<Report> run_report(const std::string& access_token, const std::string& property_id,
                            const std::string& start, const std::string& end,
                            const json& dimensions, const json& metrics, const std::string& what) {
  if (!digits(property_id)) return {std::nullopt, invalid("a GA4 property id is digits only")};
  if (!iso_date(start) || !iso_date(end) || end < start)
    return {std::nullopt, invalid("a GA4 report needs YYYY-MM-DD dates, start before end")};
  Report rep;
  json body = {{"dateRanges", json::array({{{"startDate", start}, {"endDate", end}}})},
               {"metrics", metrics},
               {"keepEmptyRows", false},
               {"returnPropertyQuota", true},
               {"limit", std::to_string(kGa4PageRows)}};
  if (!dimensions.empty()) body["dimensions"] = dimensions;
  int64_t offset = 0;
  for (int page = 0; page < kMaxPages; ++page) {
    body["offset"] = std::to_string(offset);
    Upstream<json> r = ga4_call(access_token, kGa4Base + property_id + ":runReport", body, what);
    if (!r.ok()) return {std::nullopt, r.error};
    const size_t before = rep.rows.size();
    if (!add_ga4_rows(*r.value, &rep.rows)) return {std::nullopt, unreadable(what)};
    add_ga4_metadata(*r.value, &rep);
    rep.row_count = int64_of(*r.value, "rowCount");
    const size_t got = rep.rows.size() - before;
    offset += static_cast<int64_t>(got);
    if (got == 0 || offset >= rep.row_count) return {std::move(rep), std::nullopt};
  }
  return {std::nullopt, UpstreamError{Kind::kMalformed, what + " did not end after " +
                                                            std::to_string(kMaxPages) + " pages"}};
}

// The source / medium report (with_dims) or the period's totals.
Upstream<Ga4Report> run_report(const std::string& access_token, const std::string& property_id,
                               const std::string& start, const std::string& end, bool with_dims) {
  return run_report<Ga4Report>(
      access_token, property_id, start, end,
      with_dims ? names(std::begin(kGa4Dimensions), std::end(kGa4Dimensions)) : json::array(),
      names(std::begin(kGa4Metrics), std::end(kGa4Metrics)),
      "the Google Analytics report of property " + property_id);
}

}  // namespace

Upstream<CustomerInfo> customer_info(const Config& cfg, const std::string& access_token,
                                     const std::string& customer_id,
                                     const std::string& login_customer_id) {
  const std::string what = "the Google Ads settings of customer " + customer_id;
  if (!digits(customer_id) || (!login_customer_id.empty() && !digits(login_customer_id)))
    return {std::nullopt, invalid("a Google Ads customer id is digits only")};
  Upstream<std::vector<json>> customer =
      stream(cfg, access_token, customer_id, login_customer_id,
             "SELECT customer.id, customer.currency_code, customer.time_zone FROM customer", what);
  if (!customer.ok()) return {std::nullopt, customer.error};
  CustomerInfo info;
  for (const json& batch : *customer.value) {
    for (const json& r : batch.value("results", json::array())) {
      const json& c = object_at(r, "customer");
      info.id = text(c, "id");
      info.currency = text(c, "currencyCode");
      info.time_zone = text(c, "timeZone");
    }
  }
  if (info.currency.empty() || info.time_zone.empty())
    return {std::nullopt, UpstreamError{Kind::kMalformed, what + " came without currency or zone"}};
  if (info.id.empty()) info.id = customer_id;
  Upstream<std::vector<json>> actions =
      stream(cfg, access_token, customer_id, login_customer_id,
             "SELECT conversion_action.id, conversion_action.status, "
             "conversion_action.click_through_lookback_window_days FROM conversion_action "
             "WHERE conversion_action.status = 'ENABLED'",
             what);
  if (!actions.ok()) return {std::nullopt, actions.error};
  int window = 0;
  for (const json& batch : *actions.value) {
    for (const json& r : batch.value("results", json::array())) {
      const json& a = object_at(r, "conversionAction");
      if (text(a, "status") != "ENABLED") continue;
      window =
          std::max<int>(window, static_cast<int>(int64_of(a, "clickThroughLookbackWindowDays")));
    }
  }
  info.conversion_window_days = window == 0 ? 30 : std::clamp(window, 1, 90);
  return {std::move(info), std::nullopt};
}

Upstream<std::vector<AdsRow>> report(const Config& cfg, const std::string& access_token,
                                     const std::string& customer_id,
                                     const std::string& login_customer_id, const std::string& level,
                                     const std::string& start_date, const std::string& end_date) {
  if (level != "campaign" && level != "ad_group" && level != "ad")
    return {std::nullopt, invalid("a Google Ads report level is campaign, ad_group or ad")};
  if (!digits(customer_id) || (!login_customer_id.empty() && !digits(login_customer_id)))
    return {std::nullopt, invalid("a Google Ads customer id is digits only")};
  if (!iso_date(start_date) || !iso_date(end_date) || end_date < start_date)
    return {std::nullopt, invalid("a Google Ads report needs YYYY-MM-DD dates, start before end")};
  const std::string what = "the Google Ads " + level + " report of customer " + customer_id;
  Upstream<std::vector<json>> batches = stream(cfg, access_token, customer_id, login_customer_id,
                                               report_query(level, start_date, end_date), what);
  if (!batches.ok()) return {std::nullopt, batches.error};
  std::vector<AdsRow> rows;
  for (const json& batch : *batches.value) {
    auto results = batch.find("results");
    if (results == batch.end()) continue;  // a batch with no rows
    if (!results->is_array()) return {std::nullopt, unreadable(what)};
    for (const json& r : *results) {
      AdsRow row = ads_row_of(r, level, customer_id);
      if (row.date.empty() || row.campaign_id.empty()) return {std::nullopt, unreadable(what)};
      rows.push_back(std::move(row));
    }
  }
  return {std::move(rows), std::nullopt};
}

Upstream<Ga4Report> ga4_report(const std::string& access_token, const std::string& property_id,
                               const std::string& start_date, const std::string& end_date) {
  return run_report(access_token, property_id, start_date, end_date, true);
}

Upstream<Ga4PageReport> ga4_pages_report(const std::string& access_token,
                                         const std::string& property_id,
                                         const std::string& start_date,
                                         const std::string& end_date) {
  return run_report<Ga4PageReport>(
      access_token, property_id, start_date, end_date,
      names(std::begin(kGa4PageDimensions), std::end(kGa4PageDimensions)),
      names(std::begin(kGa4PageMetrics), std::end(kGa4PageMetrics)),
      "the Google Analytics page report of property " + property_id);
}

Upstream<Ga4Totals> ga4_totals(const std::string& access_token, const std::string& property_id,
                               const std::string& start_date, const std::string& end_date) {
  Upstream<Ga4Report> r = run_report(access_token, property_id, start_date, end_date, false);
  if (!r.ok()) return {std::nullopt, r.error};
  Ga4Totals t;
  if (r.value->rows.size() > 1)
    return {std::nullopt, unreadable("the Google Analytics totals of property " + property_id)};
  if (!r.value->rows.empty()) {  // none: no data in the range
    const Ga4Row& row = r.value->rows.front();
    t.sessions = row.sessions;
    t.total_users = row.total_users;
    t.new_users = row.new_users;
    t.key_events = row.key_events;
    t.purchase_revenue = row.purchase_revenue;
  }
  return {t, std::nullopt};
}

Upstream<Ga4Report> ga4_realtime(const std::string& access_token, const std::string& property_id) {
  const std::string what = "the Google Analytics realtime report of property " + property_id;
  if (!digits(property_id)) return {std::nullopt, invalid("a GA4 property id is digits only")};
  const json body = {
      {"minuteRanges", json::array({{{"startMinutesAgo", 29}, {"endMinutesAgo", 0}}})},
      {"metrics", json::array({{{"name", "activeUsers"}}})},
      {"returnPropertyQuota", true}};
  Upstream<json> r =
      ga4_call(access_token, kGa4Base + property_id + ":runRealtimeReport", body, what);
  if (!r.ok()) return {std::nullopt, r.error};
  Ga4Report rep;
  if (!add_ga4_rows(*r.value, &rep.rows)) return {std::nullopt, unreadable(what)};
  add_ga4_metadata(*r.value, &rep);
  rep.row_count = int64_of(*r.value, "rowCount");
  return {std::move(rep), std::nullopt};
}

}  // namespace glint::connectors::google
