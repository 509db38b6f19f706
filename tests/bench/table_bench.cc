// Funnel on 10 million generated events and the column profile of a
// 1-million-row generated file, through Engine::call as the CLI and wasm use
// it (bytes in, JSON out). Prints figures; asserts nothing.
//
//   glint_table_bench [events] [profile_rows]     (defaults 10000000 1000000)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "glint/engine.h"

namespace {

struct Lcg {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s >> 33);
  }
};

void append_int(std::string& out, uint64_t v, int width = 0) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v > 0);
  while (n < width) buf[n++] = '0';
  while (n > 0) out.push_back(buf[--n]);
}

// Users walk Visit → … → Purchase, dropping out at each step, with other
// events between the steps; timestamps "2026-MM-DD HH:MM:SS".
std::string make_events(uint64_t target, uint64_t& users) {
  static const char* kSteps[] = {"Visit", "View Product", "Add to Cart", "Checkout", "Purchase"};
  static const char* kSources[] = {"google", "meta", "email", "tiktok", "direct", "affiliate"};
  std::string csv = "user_id,event_name,timestamp,source\n";
  csv.reserve(target * 48);
  Lcg r{2026};
  uint64_t rows = 0;
  users = 0;
  while (rows < target) {
    const uint64_t u = users++;
    const char* source = kSources[r.next() % 6];
    int64_t t = static_cast<int64_t>(r.next() % (80 * 86400));  // seconds since 2026-01-01
    const int depth = 1 + static_cast<int>(r.next() % 5);
    for (int k = 0; k < depth && rows < target; ++k) {
      for (int extra = static_cast<int>(r.next() % 3); extra >= 0 && rows < target; --extra) {
        const char* name = extra == 0 ? kSteps[k] : "Scroll";
        t += 1 + r.next() % 7200;
        const int64_t day = t / 86400, sec = t % 86400;
        const int month = static_cast<int>(1 + day / 28), dom = static_cast<int>(1 + day % 28);
        csv += 'u';
        append_int(csv, u);
        csv += ',';
        csv += name;
        csv += ",2026-";
        append_int(csv, static_cast<uint64_t>(month), 2);
        csv += '-';
        append_int(csv, static_cast<uint64_t>(dom), 2);
        csv += ' ';
        append_int(csv, static_cast<uint64_t>(sec / 3600), 2);
        csv += ':';
        append_int(csv, static_cast<uint64_t>(sec / 60 % 60), 2);
        csv += ':';
        append_int(csv, static_cast<uint64_t>(sec % 60), 2);
        csv += ',';
        csv += source;
        csv += '\n';
        ++rows;
      }
    }
  }
  return csv;
}

// An export-like table: id, date, channel, campaign, money, percent, counts, text with gaps.
std::string make_profile_rows(uint64_t rows) {
  static const char* kChannels[] = {"google", "meta", "email", "tiktok", "linkedin"};
  std::string csv =
      "order_id,date,channel,campaign,revenue,discount,clicks,impressions,converted,note\n";
  csv.reserve(rows * 96);
  Lcg r{7};
  for (uint64_t i = 0; i < rows; ++i) {
    csv += "ord-";
    append_int(csv, i);
    csv += ",2026-";
    append_int(csv, 1 + (i / 31) % 12, 2);
    csv += '-';
    append_int(csv, 1 + i % 28, 2);
    csv += ',';
    csv += kChannels[r.next() % 5];
    csv += ",Campaign ";
    append_int(csv, r.next() % 400);
    csv += ',';
    append_int(csv, r.next() % 5000);
    csv += '.';
    append_int(csv, r.next() % 100, 2);
    csv += ',';
    append_int(csv, r.next() % 40);
    csv += '.';
    append_int(csv, r.next() % 10);
    csv += "%,";
    append_int(csv, r.next() % 300);
    csv += ',';
    append_int(csv, 1000 + r.next() % 90000);
    csv += ',';
    csv += r.next() % 4 == 0 ? "yes" : "no";
    csv += ',';
    if (r.next() % 3 != 0) {
      csv += "note ";
      append_int(csv, r.next() % 20000);
    }
    csv += '\n';
  }
  return csv;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

long peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const uint64_t profile_rows = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  glint::Engine engine;

  uint64_t users = 0;
  auto t0 = std::chrono::steady_clock::now();
  const std::string ev = make_events(events, users);
  std::printf("generated %llu events of %llu users (%.0f MB) in %.2f s\n",
              static_cast<unsigned long long>(events), static_cast<unsigned long long>(users),
              static_cast<double>(ev.size()) / 1e6, seconds_since(t0));
  for (const char* order : {"ordered", "strict", "any"}) {
    const nlohmann::json req = {{"name", "events.csv"},
                                {"steps", "Visit,View Product,Add to Cart,Checkout,Purchase"},
                                {"order", order},
                                {"window", "7d"},
                                {"breakdown", "source"}};
    t0 = std::chrono::steady_clock::now();
    const glint::CallResult r =
        engine.call("funnel", req.dump(), std::as_bytes(std::span(ev.data(), ev.size())));
    const double s = seconds_since(t0);
    const auto doc = nlohmann::json::parse(r.body);
    std::printf(
        "funnel %-7s %llu events: %.2f s (%.1f M events/s, %.0f MB/s), overall conversion %s, peak "
        "RSS %ld MiB\n",
        order, static_cast<unsigned long long>(events), s, static_cast<double>(events) / s / 1e6,
        static_cast<double>(ev.size()) / s / 1e6,
        r.ok() ? doc["overallConversion"].dump().c_str() : r.body.c_str(), peak_rss_mib());
  }

  t0 = std::chrono::steady_clock::now();
  const std::string pf = make_profile_rows(profile_rows);
  std::printf("generated %llu rows × 10 columns (%.0f MB) in %.2f s\n",
              static_cast<unsigned long long>(profile_rows), static_cast<double>(pf.size()) / 1e6,
              seconds_since(t0));
  for (bool html : {false, true}) {
    const nlohmann::json req = {{"name", "table.csv"}, {"html", html}};
    t0 = std::chrono::steady_clock::now();
    const glint::CallResult r =
        engine.call("profile", req.dump(), std::as_bytes(std::span(pf.data(), pf.size())));
    const double s = seconds_since(t0);
    const auto doc = nlohmann::json::parse(r.body);
    std::printf(
        "profile%s %llu rows: %.2f s (%.2f M rows/s, %.0f MB/s), %zu alerts, peak RSS %ld MiB\n",
        html ? " --html" : "", static_cast<unsigned long long>(profile_rows), s,
        static_cast<double>(profile_rows) / s / 1e6, static_cast<double>(pf.size()) / s / 1e6,
        r.ok() ? doc["alerts"].size() : 0, peak_rss_mib());
    if (!r.ok()) std::printf("  error: %s\n", r.body.c_str());
  }
  return 0;
}
