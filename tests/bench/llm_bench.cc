// llm_bench — the figures issue 16 asks for, printed, never asserted on time:
// time to first chunk and glint's own overhead per written-insight request.
//
// A real `glint serve` talks to tests/fakes' fake Anthropic
// (GLINT_URL_API_ANTHROPIC_COM, key sk-ant-fake-bench, GLINT_LLM_PROVIDERS=
// anthropic); a second one has no provider and answers with core's embedded
// narrative. Each gets fresh workspaces holding one generated export (90 days,
// Google Ads + Meta, 5 campaigns, ending yesterday). Then, per scenario,
// --requests POSTs to /api/quick-insights/grow/stream, one at a time, each
// with its own date_range/days and platform choice so glint's 2-hour answer
// cache never answers (except in "cached replay", which repeats the normal
// scenario's requests on purpose and checks that `cached` is true):
//
//   first chunk  request sent → the first `data:` event with a non-empty chunk
//   done         request sent → the `"done": true` event
//   upstream     the fake's own stream duration (GET /_fake/llm/streams,
//                ended_ms − started_ms, summed when glint retried)
//   overhead     done − upstream: what glint adds (core's facts, the prompt,
//                the grounding checks, SSE framing, loopback HTTP both ways)
//   before / after  request sent → upstream started; upstream ended → done
//                   (Unix ms on one machine: the fake logs in whole ms)
//
// and median / p90 (nearest rank) / max of each. Part 2 times core's
// "grounding.check" in process (glint::Engine) on a ~2 KB answer built from
// 20 of the server's real facts (their own sentences), median of 1000 calls.
//
// Exit status 0 unless setup fails (no timed assertion anywhere); answers of
// an unexpected provider or cache state are counted and printed.
//
// usage: glint_llm_bench [--requests N] [--grounding-calls N]
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "connectors/fake_process.h"
#include "glint/dates.h"
#include "glint/engine.h"
#include "server/api_client.h"

namespace {

using glint::testing::FakeUpstreams;
using glint::testing::Reply;
using glint::testing::Server;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: glint_llm_bench [options]\n"
    "\n"
    "Prints (asserts nothing on time) time to first chunk, time to done and glint's own\n"
    "overhead per POST /api/quick-insights/grow/stream over the fake Anthropic (normal and\n"
    "anthropic_slow), the embedded narrative (no provider) and cached replays; then the\n"
    "cost of core's grounding.check on a ~2 KB answer against 20 facts.\n"
    "\n"
    "  --requests N         requests per scenario (default 30)\n"
    "  --grounding-calls N  grounding.check calls timed (default 1000)\n"
    "  --help               this text\n"
    "\n"
    "Runs the binaries of its own build: " GLINT_BINARY " and " FAKE_UPSTREAMS "\n";

// Problems the test client reports (a response outside the contract, …).
int g_problems = 0;
class ProblemPrinter : public ::testing::EmptyTestEventListener {
  void OnTestPartResult(const ::testing::TestPartResult& r) override {
    ++g_problems;
    std::fprintf(stderr, "problem: %s\n", r.message());
  }
};

struct Options {
  int requests = 30, grounding_calls = 1000;
};

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
double p90(std::vector<double> v) {  // nearest rank
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(std::ceil(0.9 * static_cast<double>(v.size())));
  return v[std::max<size_t>(rank, 1) - 1];
}
double max_of(const std::vector<double>& v) { return v.empty() ? NAN : *std::max_element(v.begin(), v.end()); }

// ---- the export ----

uint64_t mix(uint64_t a, uint64_t b) {  // splitmix64 of a pair
  uint64_t z = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
double unit(uint64_t h) { return static_cast<double>(h >> 11) * 0x1p-53; }

// 90 days ending yesterday (UTC), two platforms, five campaigns with trends
// the highlights pick up (a scaling brand, CPC inflation, a display campaign
// that stopped converting, a declining retargeting), in the columns of
// tests/data/daily_two_platforms.csv.
std::string export_csv() {
  struct C {
    const char* platform;
    int id;
    const char* name;
    double impressions, ctr, cpc, cvr, aov;
    double ctr_trend, cpc_trend, cvr_trend;  // change over the 90 days, as a fraction
  };
  const C cs[] = {{"google_ads", 101, "Brand Search", 20000, 0.048, 0.58, 0.075, 62, 0.10, 0.00, 0.35},
                  {"google_ads", 102, "\"Generic, Broad\"", 30000, 0.021, 1.05, 0.030, 52, 0.00, 0.45, -0.10},
                  {"google_ads", 103, "Display Awareness", 42000, 0.004, 0.48, 0.004, 40, -0.20, 0.10, -0.95},
                  {"meta_ads", 201, "\"Prospecting \"\"Video\"\"\"", 48000, 0.010, 0.67, 0.018, 70, 0.00, 0.05, 0.10},
                  {"meta_ads", 202, "Retargeting", 15000, 0.015, 0.90, 0.065, 76, -0.15, 0.20, -0.40}};
  const glint::Day last = static_cast<glint::Day>(unix_ms() / 86'400'000) - 1, first = last - 89;
  std::string out = "date,platform,campaign_id,campaign_name,impressions,clicks,spend,conversions,conversion_value,currency\n";
  char line[320];
  for (glint::Day d = first; d <= last; ++d) {
    const double t = static_cast<double>(d - first) / 89.0;
    const double week = glint::weekday(d) >= 5 ? 0.8 : 1.0;
    for (const C& c : cs) {
      const uint64_t h = mix(static_cast<uint64_t>(c.id), static_cast<uint64_t>(d));
      const long impressions = std::lround(c.impressions * week * (0.85 + 0.3 * unit(mix(h, 1))));
      const long clicks = std::lround(static_cast<double>(impressions) * c.ctr * (1 + c.ctr_trend * t) * (0.9 + 0.2 * unit(mix(h, 2))));
      const double spend = static_cast<double>(clicks) * c.cpc * (1 + c.cpc_trend * t) * (0.9 + 0.2 * unit(mix(h, 3)));
      const long conversions = std::lround(static_cast<double>(clicks) * c.cvr * std::max(0.0, 1 + c.cvr_trend * t) * (0.7 + 0.6 * unit(mix(h, 4))));
      const double value = static_cast<double>(conversions) * c.aov * (0.8 + 0.4 * unit(mix(h, 5)));
      std::snprintf(line, sizeof line, "%s,%s,%d,%s,%ld,%ld,%.2f,%ld,%.2f,USD\n", glint::iso_date(d).c_str(), c.platform, c.id, c.name,
                    impressions, clicks, spend, conversions, value);
      out += line;
    }
  }
  return out;
}

// ---- sign-up, as the page does it ----

struct Workspace {
  std::string session, tenant;
};

Workspace workspace(const Server& s, const std::string& who, const std::string& csv) {
  Workspace w;
  w.session = s.account(who + "@example.com");
  const Reply r = s.post("/api/tenants", {{"name", who + " Co"}}, w.session);
  if (r.status == 201 && r.body.is_object()) {
    w.tenant = r.body.contains("tenant") && r.body["tenant"].is_object() ? r.body["tenant"].value("id", "") : r.body.value("id", "");
  }
  if (w.session.empty() || w.tenant.empty()) {
    std::fprintf(stderr, "sign-up or workspace failed: %d %s\n", r.status, r.text.c_str());
    return {};
  }
  const Reply up = s.upload("/api/datasets", {{"bench.csv", csv}}, w.session);
  if (up.status != 201) {
    std::fprintf(stderr, "upload failed: %d %s\n", up.status, up.text.substr(0, 500).c_str());
    return {};
  }
  return w;
}

// ---- one streamed request ----

struct Sample {
  bool ok = false;
  double first_ms = -1, done_ms = -1;  // steady clock, from just before the request was sent
  int64_t sent_unix_ms = 0, done_unix_ms = 0;
  size_t bytes = 0;
  int chunks = 0;
  json done;  // the done event
  std::string error;
  // From the fake's stream log (no upstream: streams 0).
  int streams = 0;
  double upstream_ms = 0, before_ms = NAN, after_ms = NAN;
};

Sample stream_once(const Server& s, const std::string& session, const json& body) {
  Sample out;
  httplib::Client c("127.0.0.1", s.port());
  c.set_connection_timeout(10);
  c.set_read_timeout(180);
  httplib::Request req;
  req.method = "POST";
  req.path = "/api/quick-insights/grow/stream";
  req.headers = {{"Accept", "text/event-stream"}, {"Content-Type", "application/json"}, {"X-Session-ID", session}};
  req.body = body.dump();
  int status = 0;
  std::string buf;
  Clock::time_point t0 = Clock::now();
  req.response_handler = [&](const httplib::Response& r) {
    status = r.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    out.bytes += n;
    buf.append(data, n);
    for (size_t end; (end = buf.find("\n\n")) != std::string::npos;) {
      const std::string event = buf.substr(0, end);
      buf.erase(0, end + 2);
      if (event.rfind("data: ", 0) != 0) continue;  // ": keepalive" comments
      const json e = json::parse(event.substr(6), nullptr, false);
      if (!e.is_object()) continue;
      if (e.contains("chunk") && e["chunk"].is_string() && !e["chunk"].get<std::string>().empty()) {
        ++out.chunks;
        if (out.first_ms < 0) out.first_ms = ms_since(t0);
      }
      if (e.value("done", false)) {
        out.done_ms = ms_since(t0);
        out.done_unix_ms = unix_ms();
        out.done = e;
      }
    }
    return true;
  };
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  out.sent_unix_ms = unix_ms();
  t0 = Clock::now();
  const bool sent = c.send(req, res, err);
  if (!sent) out.error = "request failed: " + httplib::to_string(err);
  else if (status != 200) out.error = "status " + std::to_string(status) + " " + res.body.substr(0, 300);
  else if (out.done_ms < 0) out.error = "no done event";
  else if (out.done.contains("error")) out.error = "error event " + out.done.dump().substr(0, 300);
  out.ok = out.error.empty();
  return out;
}

// The streams the fake served since the last call.
json new_streams(const FakeUpstreams& f, int& seen) {
  httplib::Client c("127.0.0.1", f.port());
  const auto r = c.Get("/_fake/llm/streams");
  const json all = r && r->status == 200 ? json::parse(r->body, nullptr, false) : json::array();
  json out = json::array();
  if (!all.is_array()) return out;
  for (const json& e : all) {
    if (e.value("n", 0) > seen) out.push_back(e);
  }
  for (const json& e : out) seen = std::max(seen, e.value("n", 0));
  return out;
}

void add_upstream(Sample& s, const json& streams) {
  int64_t first_start = INT64_MAX, last_end = INT64_MIN;
  for (const json& e : streams) {
    if (!e["started_ms"].is_number() || !e["ended_ms"].is_number()) continue;
    const int64_t a = e["started_ms"].get<int64_t>(), b = e["ended_ms"].get<int64_t>();
    ++s.streams;
    s.upstream_ms += static_cast<double>(b - a);
    first_start = std::min(first_start, a);
    last_end = std::max(last_end, b);
  }
  if (s.streams > 0) {
    s.before_ms = static_cast<double>(first_start - s.sent_unix_ms);
    s.after_ms = static_cast<double>(s.done_unix_ms - last_end);
  }
}

// Request i's parameters: the 12 date_range × platform choices first, then
// `days` values (the route's other spelling of the period).
json request_body(int i) {
  static const char* kRanges[] = {"7_days", "14_days", "30_days", "90_days"};
  const json platforms[] = {nullptr, json::array({"google_ads"}), json::array({"meta_ads"})};
  json b = json::object();
  if (i < 12) {
    b["date_range"] = kRanges[i / 3];
  } else {
    static const int kSkip[] = {7, 14, 30, 90};
    int d = 2 + (i - 12);
    for (int k : kSkip) d += d >= k ? 1 : 0;  // never one of the named ranges' days again
    b["days"] = d;
  }
  if (!platforms[i % 3].is_null()) b["platforms"] = platforms[i % 3];
  return b;
}

struct Scenario {
  std::string label;
  std::vector<Sample> samples;
  int unexpected = 0;  // answers of another provider or cache state than the scenario's
  std::map<std::string, int> notes;
};

Scenario run(const std::string& label, const Server& s, const Workspace& w, FakeUpstreams* fake, int n,
             const std::function<std::string(const Sample&)>& expect) {
  Scenario sc;
  sc.label = label;
  int seen = 0;
  if (fake != nullptr) new_streams(*fake, seen);
  for (int i = 0; i < n; ++i) {
    Sample x = stream_once(s, w.session, request_body(i));
    if (fake != nullptr) add_upstream(x, new_streams(*fake, seen));
    if (!x.ok) {
      ++sc.unexpected;
      ++sc.notes["failed: " + x.error];
    } else if (const std::string why = expect(x); !why.empty()) {
      ++sc.unexpected;
      ++sc.notes[why];
    }
    sc.samples.push_back(std::move(x));
  }
  return sc;
}

std::string expect_provider(const Sample& x, const std::string& provider, bool cached, bool upstream) {
  const std::string got = x.done.value("provider", "");
  if (got != provider) return "provider " + got + (x.done.value("fallback", false) ? " (fallback)" : "");
  if (x.done.value("cached", !cached) != cached) return cached ? "not cached" : "cached";
  if (upstream && x.streams != 1) return std::to_string(x.streams) + " upstream streams";
  if (!upstream && x.streams != 0) return "an upstream stream";
  if (!x.done.value("verified", false)) return "unverified";
  return "";
}

void print_table(const std::vector<Scenario>& all) {
  std::printf("  %-24s %3s | %-20s | %-20s | %8s | %-20s | %7s %7s | %7s %6s\n", "scenario", "n", "first chunk ms", "done ms",
              "upstream", "glint overhead ms", "before", "after", "bytes", "chunks");
  std::printf("  %-24s %3s | %-20s | %-20s | %8s | %-20s | %7s %7s | %7s %6s\n", "", "", "  med    p90    max", "  med    p90    max",
              "ms med", "  med    p90    max", "ms med", "ms med", "med", "med");
  for (const Scenario& sc : all) {
    std::vector<double> first, done, up, over, before, after, bytes, chunks;
    for (const Sample& x : sc.samples) {
      if (!x.ok) continue;
      if (x.first_ms >= 0) first.push_back(x.first_ms);
      done.push_back(x.done_ms);
      over.push_back(x.done_ms - x.upstream_ms);
      if (x.streams > 0) {
        up.push_back(x.upstream_ms);
        before.push_back(x.before_ms);
        after.push_back(x.after_ms);
      }
      bytes.push_back(static_cast<double>(x.bytes));
      chunks.push_back(x.chunks);
    }
    auto three = [](const std::vector<double>& v) {
      char b[64];
      if (v.empty()) return std::string("      -      -      -");
      std::snprintf(b, sizeof b, "%6.1f %6.1f %6.1f", median(v), p90(v), max_of(v));
      return std::string(b);
    };
    auto one = [](const std::vector<double>& v, int w) {
      char b[32];
      if (v.empty()) std::snprintf(b, sizeof b, "%*s", w, "-");
      else std::snprintf(b, sizeof b, "%*.1f", w, median(v));
      return std::string(b);
    };
    std::printf("  %-24s %3zu | %s | %s | %s | %s | %s %s | %7.0f %6.0f\n", sc.label.c_str(), done.size(), three(first).c_str(),
                three(done).c_str(), one(up, 8).c_str(), three(over).c_str(), one(before, 7).c_str(), one(after, 7).c_str(), median(bytes),
                median(chunks));
  }
  for (const Scenario& sc : all) {
    for (const auto& [why, count] : sc.notes) std::printf("  ! %s: %d answer(s): %s\n", sc.label.c_str(), count, why.c_str());
  }
}

// glint's own response_time_ms (its clock, from the route's start to the done event).
void print_own_view(const std::vector<Scenario>& all) {
  std::printf("  glint's own response_time_ms (route start → done event), median: ");
  for (const Scenario& sc : all) {
    std::vector<double> v;
    for (const Sample& x : sc.samples) {
      if (x.ok && x.done.contains("response_time_ms") && x.done["response_time_ms"].is_number()) v.push_back(x.done["response_time_ms"].get<double>());
    }
    std::printf("%s %.1f%s", sc.label.c_str(), median(v), &sc == &all.back() ? "\n" : "; ");
  }
}

// ---- part 2: grounding.check in process ----

void bench_grounding(const Server& s, const Workspace& w, int calls) {
  std::printf("\nPart 2: core's grounding.check in process (glint::Engine), %d calls\n", calls);
  json facts = json::array(), date_range = nullptr;
  for (const char* type : {"summary", "grow", "optimize", "protect"}) {
    for (const char* range : {"90_days", "30_days"}) {
      const Reply h = s.post("/api/bronze/highlight", {{"highlight_type", type}, {"date_range", range}}, w.session);
      if (h.status != 200 || !h.body.is_object()) continue;
      if (date_range.is_null() && h.body.contains("date_range")) date_range = h.body["date_range"];
      for (const json& f : h.body.value("facts", json::array())) {
        if (facts.size() >= 20) break;
        bool dup = false;
        for (const json& g : facts) dup = dup || g.value("id", "") == f.value("id", "");
        if (!dup && f.value("sentence", "") != "") facts.push_back(f);
      }
    }
  }
  const size_t real = facts.size();
  if (real == 0) {
    std::printf("  no facts with sentences from /api/bronze/highlight: skipped\n");
    return;
  }
  // Fewer than 20 distinct facts: the rest are copies under new ids (same
  // values), so the checker still searches 20 facts.
  for (size_t i = 0; facts.size() < 20; ++i) {
    json f = facts[i % real];
    f["id"] = f.value("id", "") + "#copy" + std::to_string(i);
    facts.push_back(f);
  }
  std::string text;
  for (size_t i = 0; text.size() < 2048; ++i) {
    const json& f = facts[i % real];
    text += (i % 4 == 0 ? "- " : "") + f.value("sentence", "") + (i % 4 == 3 ? "\n" : " ");
  }
  const json req = {{"text", text}, {"facts", facts}, {"date_range", date_range}, {"locale", "en"}};
  const std::string body = req.dump();
  glint::Engine engine;
  const glint::CallResult first = engine.call("grounding.check", body);
  const json verdict = json::parse(first.body, nullptr, false);
  if (!first.ok() || !verdict.is_object()) {
    std::printf("  grounding.check failed: %s\n", first.body.substr(0, 300).c_str());
    return;
  }
  std::vector<double> us;
  us.reserve(static_cast<size_t>(calls));
  for (int i = 0; i < calls; ++i) {
    const Clock::time_point t = Clock::now();
    const glint::CallResult r = engine.call("grounding.check", body);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
    if (!r.ok()) std::printf("  call %d failed\n", i);
  }
  std::printf("  answer %zu bytes (%zu real facts' own sentences), %zu facts (%zu real), request %zu bytes\n", text.size(), real,
              facts.size(), real, body.size());
  std::printf("  verdict: verified %s, %zu numbers read, %zu unverified, %zu facts used\n", verdict.value("verified", false) ? "true" : "false",
              verdict.value("numbers", json::array()).size(), verdict.value("unverified_numbers", json::array()).size(),
              verdict.value("facts_used", json::array()).size());
  std::printf("  per call: median %.1f µs, p90 %.1f µs, max %.1f µs (JSON parse of the request and the answer's dump included)\n",
              median(us), p90(us), max_of(us));
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i], v;
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (const size_t eq = a.find('='); eq != std::string::npos) {
      v = a.substr(eq + 1);
      a = a.substr(0, eq);
    } else if (i + 1 < argc) {
      v = argv[++i];
    }
    auto number = [&](int lo, int hi, int& out) {
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < lo || n > hi) {
        std::fprintf(stderr, "glint_llm_bench: %s wants a whole number from %d to %d\n", a.c_str(), lo, hi);
        return false;
      }
      out = static_cast<int>(n);
      return true;
    };
    if (a == "--requests") {
      if (!number(1, 1000, o.requests)) return false;
    } else if (a == "--grounding-calls") {
      if (!number(1, 1000000, o.grounding_calls)) return false;
    } else {
      std::fprintf(stderr, "glint_llm_bench: unknown option %s\n%s", argv[i], kUsage);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) return 2;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  ::testing::UnitTest::GetInstance()->listeners().Append(new ProblemPrinter);
  std::printf("glint_llm_bench: %s, fakes %s\n", GLINT_BINARY, FAKE_UPSTREAMS);
  const std::string csv = export_csv();
  std::printf("export: 90 days x 5 campaigns (Google Ads 3, Meta 2), %zu bytes; %d requests per scenario,\n"
              "POST /api/quick-insights/grow/stream, sequential, a new connection each\n\n",
              csv.size(), o.requests);

  const std::vector<std::string> common = {"GLINT_ACCESS_LOG=off", "GLINT_RATE_INSIGHTS_PER_MIN=100000", "GLINT_SYNC_SCHEDULE=off"};
  auto fake = std::make_unique<FakeUpstreams>();
  std::vector<std::string> env = fake->env();
  env.insert(env.end(), common.begin(), common.end());
  for (const std::string& kv : {"GLINT_URL_API_ANTHROPIC_COM=" + fake->url(), std::string("GLINT_ANTHROPIC_API_KEY=sk-ant-fake-bench"),
                                std::string("GLINT_LLM_PROVIDERS=anthropic"), std::string("GLINT_OPENAI_API_KEY="),
                                std::string("GLINT_OPENAI_BASE_URL=")}) {
    env.push_back(kv);
  }
  std::vector<std::string> embedded_env = common;
  for (const char* kv : {"GLINT_ANTHROPIC_API_KEY=", "GLINT_OPENAI_API_KEY=", "GLINT_OPENAI_BASE_URL=", "GLINT_LLM_PROVIDERS="}) {
    embedded_env.push_back(kv);
  }
  Server llm(env, {}, "llm_bench");
  Server embedded(embedded_env, {}, "llm_bench_embedded");

  const Workspace normal_ws = workspace(llm, "bench-normal", csv), slow_ws = workspace(llm, "bench-slow", csv),
                  embedded_ws = workspace(embedded, "bench-embedded", csv);
  if (normal_ws.tenant.empty() || slow_ws.tenant.empty() || embedded_ws.tenant.empty()) return 1;

  // One untimed request per workspace kind first: the engine loads the export
  // on its first use (its own figure, printed below, not in the table).
  std::printf("Part 1: written insights over SSE\n");
  {
    const json warm = {{"date_range", "30_days"}, {"platforms", json::array({"google_ads", "meta_ads"})}};
    int seen = 0;
    new_streams(*fake, seen);
    Sample a = stream_once(llm, normal_ws.session, warm);
    add_upstream(a, new_streams(*fake, seen));
    Sample b = stream_once(llm, slow_ws.session, warm);
    add_upstream(b, new_streams(*fake, seen));
    const Sample c = stream_once(embedded, embedded_ws.session, warm);
    std::printf("  first request of a workspace (untimed warm-up, export loaded into core): done %.1f / %.1f ms (fake Anthropic,\n"
                "  overhead %.1f / %.1f ms), %.1f ms (embedded)%s\n",
                a.done_ms, b.done_ms, a.done_ms - a.upstream_ms, b.done_ms - b.upstream_ms, c.done_ms,
                a.ok && b.ok && c.ok ? "" : "  [a warm-up request failed]");
  }

  std::vector<Scenario> all;
  auto fresh_anthropic = [](const Sample& x) { return expect_provider(x, "anthropic", false, true); };
  all.push_back(run("fake Anthropic, normal", llm, normal_ws, fake.get(), o.requests, fresh_anthropic));
  fake->scenario("anthropic_slow");
  all.push_back(run("fake Anthropic, slow", llm, slow_ws, fake.get(), o.requests, fresh_anthropic));
  fake->scenario("anthropic_slow", false);
  all.push_back(run("embedded narrative", embedded, embedded_ws, nullptr, o.requests,
                    [](const Sample& x) { return expect_provider(x, "glint", false, false); }));
  all.push_back(run("cached replay (Anthropic)", llm, normal_ws, fake.get(), o.requests,
                    [](const Sample& x) { return expect_provider(x, "anthropic", true, false); }));
  all.push_back(run("cached replay (embedded)", embedded, embedded_ws, nullptr, o.requests,
                    [](const Sample& x) { return expect_provider(x, "glint", true, false); }));
  print_table(all);
  print_own_view(all);
  std::printf("  (first chunk: request sent → first data event with a non-empty chunk; done: → the done event;\n"
              "   upstream: the fake's ended_ms − started_ms; overhead = done − upstream (all of done without one);\n"
              "   before: request sent → upstream started; after: upstream ended → done event; the fake logs whole ms;\n"
              "   nearest-rank p90; bytes: the SSE body; glint, the fake and this client share this machine)\n");

  bench_grounding(llm, normal_ws, o.grounding_calls);
  if (g_problems > 0) std::printf("\n%d problem(s) reported by the test client (see stderr)\n", g_problems);
  return 0;
}
