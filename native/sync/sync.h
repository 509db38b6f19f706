// sync — the platforms' data into the workspace, exactly once.
//
// A sync is a durable task in SQLite (sync_runs): queued, running with
// progress, done or failed with the reason; at most one per connection. A
// bounded pool of workers runs them; a restart queues the running ones again
// and they resume after the last unit done (a unit is one account × level ×
// date range). Every unit replaces whole slices — (connection, account,
// level, day in the account's zone) — in one transaction, so a re-sync never
// double counts and a row that fell to zero disappears.
//
// Windows: the first sync reads GLINT_SYNC_INITIAL_DAYS (default 90) back
// from today in the account's zone; later ones re-read the restatement
// window (Google Ads: the account's conversion window, 30 by default, up to
// 90; Meta 28 days; GA4 3 days; email 30 days after send) and days inside
// it are provisional. Meta units up to 93 days run as async report jobs. A
// cut stream or a failed async job is retried with half the range (down to
// a day); a rate limit is
// waited out (bounded); one failing account is reported on that account and
// the others go on; an expired token is refreshed mid-sync. A schedule
// queues a sync of every connection once a day (GLINT_SYNC_EVERY_HOURS),
// looking every GLINT_SYNC_SCHEDULE_CHECK_S (60) seconds; a connection that
// never synced is queued at the first look. GLINT_SYNC_SCHEDULE=off turns
// the schedule off (on-demand syncs only).
#pragma once

#include <atomic>
#include <condition_variable>
#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace glint::native {

struct App;

// Today's date (days since 1970-01-01) in the IANA zone `zone` at unix time
// `now` ("" or unknown zones: UTC).
int32_t today_in_zone(const std::string& zone, int64_t now);

class Syncer {
 public:
  explicit Syncer(App& app);
  ~Syncer();
  Syncer(const Syncer&) = delete;
  Syncer& operator=(const Syncer&) = delete;

  // Queues a sync of the connection (or returns the one already queued or
  // running, with false).
  std::pair<SyncRun, bool> request(const Credential& cred, const std::string& trigger);
  void stop();

 private:
  void work();
  void schedule();
  void run(SyncRun r);
  App& app_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::thread scheduler_;
};

// Synced rows (one kind, one platform) as the document core's ingest.import
// reads: an entity per distinct dimensions and currency, a cell per row.
std::string synced_import_doc(const std::vector<SyncedRow>& rows, const std::string& name, uint32_t metrics_present);

// An account's freshness: last successful sync, newest complete day, and
// `stale` when it has not synced for 48 hours (kStaleAfter).
inline constexpr int64_t kStaleAfter = 48 * 3600;
nlohmann::json freshness_json(const SyncedAccount& a, int64_t now);

// What a workspace's answers stand on, fresh at `now`: each synced account's
// freshness, the uploads the sync superseded (`superseded`, from
// SyncedCoverage) and plain-language notes (a stale source, the sync winning).
nlohmann::json data_sources(Store& store, int64_t tenant_id, const nlohmann::json& superseded, int64_t now);

// What synced data covers, to keep an uploaded export of the same accounts
// and days from counting twice: the sync wins.
class SyncedCoverage {
 public:
  void add(const SyncedRow& r);
  // Removes from an uploaded dataset's import document (ingest.import shape)
  // the cells synced rows cover: an ads entity whose account id (digits
  // only: "123-456-7890" = "1234567890", "act_42" = "42") — or, when the
  // export has no account id, whose campaign name — is synced on the same
  // platform, on a day inside that account's synced days; a GA4 row on a day
  // the synced properties cover. Returns what was left out (rows, days), or
  // null when nothing was.
  nlohmann::json supersede(nlohmann::json& doc) const;

 private:
  struct Span {
    int32_t first = INT32_MAX, last = INT32_MIN;
    void add(int32_t d) {
      first = std::min(first, d);
      last = std::max(last, d);
    }
  };
  std::map<std::pair<std::string, std::string>, Span> accounts_;           // (platform, account digits)
  std::map<std::pair<std::string, std::string>, std::string> campaigns_;  // (platform, campaign name) → account digits
  Span web_;
};

// The data a provider connection syncs: "google_ads" + "ga4" for google, …
bool syncs_data(const std::string& provider);

}  // namespace glint::native
