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
// 90; Meta 28 days; GA4 3 days) and days inside it are provisional. A cut
// stream is retried with half the range (down to a day); a rate limit is
// waited out (bounded); one failing account is reported on that account and
// the others go on; an expired token is refreshed mid-sync. A schedule
// queues a sync of every connection once a day (GLINT_SYNC_EVERY_HOURS).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
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
nlohmann::json synced_import_doc(const std::vector<SyncedRow>& rows, const std::string& name, uint32_t metrics_present);

// The data a provider connection syncs: "google_ads" + "ga4" for google, …
bool syncs_data(const std::string& provider);

}  // namespace glint::native
