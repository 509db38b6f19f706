// store — everything the server keeps, behind one narrow interface.
//
// Callers see domain values (User, Tenant, Invite …), never SQL; every
// multi-step write runs in one BEGIN IMMEDIATE transaction inside the store,
// so a crash leaves an operation wholly done or wholly absent. SQLite is the
// implementation today; a server database can replace it behind these calls.
// Thread-safe: each call borrows its own connection from a pool.
#pragma once

#include <cstdint>
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"
#include "glint/status.h"

namespace glint::native {

struct User {
  int64_t id = 0;
  std::string public_id, email, name, created_at;
  bool email_verified = false;
};

struct Session {
  int64_t user_id = 0;
  std::optional<int64_t> current_tenant_id;
  int64_t expires_at = 0;
};

struct Tenant {
  int64_t id = 0;
  std::string public_id, name, slug, created_at;
  std::string role;  // the caller's role in it
  int64_t members = 0;
};

struct Member {
  std::string user_id, email, name, role, joined_at;
};

struct Invite {
  int64_t id = 0;
  std::string public_id, email, role, created_at;
  int64_t expires_at = 0;
  int64_t tenant_id = 0;
  std::string tenant_public_id, tenant_name;
  std::optional<std::string> accepted_at, revoked_at;
  std::string created_by_id, created_by_email, created_by_name;  // empty when that account is gone
};

struct Onboarding {
  std::string step, status, data, updated_at;
};

struct DatasetMeta {
  int64_t id = 0;
  std::string public_id, name, platform, kind, created_at;
  int64_t bytes = 0, rows = 0;
  std::optional<std::string> date_min, date_max;
  std::string report;  // JSON
};

// A platform connection. `sealed` is the vault's ciphertext of the secret
// document (tokens, keys); everything else here is safe to show.
struct Credential {
  int64_t id = 0;
  std::string public_id, owner_kind, provider, account_id, label, details, sealed, status, created_at, updated_at;
  int64_t owner_id = 0, key_id = 0;
  std::optional<int64_t> expires_at;
  bool is_primary = true;
  std::string status_note;  // why it needs reconnecting, for a person
};

// A one-time OAuth authorization state (the value itself is never stored).
struct OAuthState {
  int64_t id = 0;
  std::string provider, session_hash, owner_kind, redirect_uri, return_to, verifier_sealed;
  int64_t user_id = 0, owner_id = 0, created_at = 0, expires_at = 0;
  std::optional<int64_t> consumed_at;  // set when it had been used before this consumption
};

// Something a connection reaches: an ad account, a GA4 property, a page.
struct PlatformAccount {
  int64_t id = 0, credential_id = 0;
  std::string public_id, kind, external_id, name, details, status, discovered_at, updated_at;
  bool linked = false, selected = false;
};

struct FoundAccount {
  std::string kind, external_id, name, details;
};

// A sync task (durable; see schemas/sql/008_sync.sql).
struct SyncRun {
  int64_t id = 0, credential_id = 0, slices_total = 0, slices_done = 0, rows_written = 0, created_at = 0;
  std::string public_id, status, trigger, done_units, failures, message;
  std::optional<int64_t> started_at, finished_at;
};

// One synced row: a day of one entity at one level, in core's metric slots.
struct SyncedRow {
  std::string platform, kind, account_id, level, currency, dims, attrs;
  int32_t day = 0;
  std::array<int64_t, 7> m{};
};

struct SyncedAccount {
  int64_t credential_id = 0;
  std::string account_id, platform, name, currency, time_zone, last_error;
  std::optional<int64_t> last_success;
  std::optional<int32_t> newest_day;
};

// An async insight task (schemas/sql/010_insights.sql).
struct InsightTask {
  int64_t id = 0, user_id = 0, tenant_id = 0, progress = 0, attempts = 0, created_at = 0;
  std::string public_id, kind, request, status, message;
  std::optional<std::string> result, error;
  std::optional<int64_t> started_at, completed_at;
};

// One message of the copilot's history.
struct ChatMessage {
  int64_t id = 0, user_id = 0, tenant_id = 0, created_at = 0;
  std::string public_id, conversation_id, role, content, meta;
  std::optional<std::string> feedback;
};

// One stored dataset in the shape core's ingest.import reads.
struct StoredDataset {
  DatasetMeta meta;
  std::string import_json;
};

class Store {
 public:
  Store(std::string path, size_t connections);

  // Accounts and sessions.
  Result<User> create_user(const std::string& email, const std::string& name, const std::string& password_hash);
  std::optional<std::pair<User, std::string>> user_by_email(const std::string& email);  // user, password hash
  std::optional<User> user_by_id(int64_t id);
  // A new password ends every session but `keep_session_hash` (if given).
  void set_password(int64_t user_id, const std::string& password_hash, const std::string& keep_session_hash = "");
  // The same hash under new parameters (rehash on login): sessions stay.
  void rehash_password(int64_t user_id, const std::string& password_hash);
  // Ends every session of the user but `keep_session_hash`; returns how many.
  int64_t delete_sessions_of(int64_t user_id, const std::string& keep_session_hash = "");

  void mark_email_verified(int64_t user_id);  // for accounts made by the operator (demo)
  // One-time e-mail codes (stored hashed, five tries, then void). A pending
  // password waits with the code and is applied when the code is given; a
  // new code without one keeps the pending password.
  void save_email_code(int64_t user_id, const std::string& code_hash, std::optional<std::string> new_password_hash,
                       int64_t expires_at);
  // The user whose live code `code_hash_of(user)` matches, now verified
  // (and with its pending password); kNoData otherwise (also: no such user).
  Result<User> verify_email_code(const std::string& email, const std::function<std::string(const User&)>& code_hash_of, int64_t now);
  void create_session(const std::string& id_hash, int64_t user_id, int64_t now, int64_t expires_at);
  std::optional<Session> session(const std::string& id_hash, int64_t now);
  void delete_session(const std::string& id_hash);
  void set_session_tenant(const std::string& id_hash, std::optional<int64_t> tenant_id);
  int64_t purge_expired_sessions(int64_t now);

  // Workspaces.
  Tenant create_tenant(int64_t user_id, const std::string& name);
  std::vector<Tenant> tenants_of(int64_t user_id);
  // The tenant if the user is a member of it (else nullopt: callers answer 404).
  std::optional<Tenant> tenant_for(const std::string& public_id, int64_t user_id);
  std::optional<Tenant> tenant_by_id_for(int64_t tenant_id, int64_t user_id);
  void rename_tenant(int64_t tenant_id, const std::string& name);
  void delete_tenant(int64_t tenant_id);
  std::vector<Member> members(int64_t tenant_id);
  // kNoData: not a member; kInvalidRequest: would leave the workspace without an owner.
  Status set_role(int64_t tenant_id, const std::string& user_public_id, const std::string& role);
  Status remove_member(int64_t tenant_id, const std::string& user_public_id);

  // Invites (tokens are stored hashed).
  Invite create_invite(int64_t tenant_id, const std::string& email, const std::string& role,
                       const std::string& token_hash, int64_t expires_at, int64_t by_user);
  std::vector<Invite> invites(int64_t tenant_id);
  bool revoke_invite(int64_t tenant_id, const std::string& invite_public_id);
  std::optional<Invite> invite_by_token_hash(const std::string& token_hash);
  // Joins the user to the invite's workspace; kNoData when not usable
  // (expired, revoked, used, for another e-mail address, or that address is
  // not verified). Members who lose the right to invite (removed, or made a
  // plain member) lose their pending invites in the same transaction.
  Result<Tenant> accept_invite(const std::string& token_hash, const User& user, int64_t now);
  std::vector<Invite> pending_invites_for(const std::string& email, int64_t now);

  // Onboarding.
  Onboarding onboarding(int64_t user_id);
  void save_onboarding(int64_t user_id, const Onboarding& o);

  // Datasets: rows replace the overlapping rows of earlier uploads (same
  // platform and account, dates inside the new upload's range). All files of
  // one upload are stored in one transaction, or none. Without
  // `may_replace_others` (plain members) an overlap with rows someone else
  // uploaded is refused (kInvalidRequest naming them), never double counted.
  struct NewDataset {
    DatasetMeta meta;
    std::string export_json;
  };
  Result<std::vector<DatasetMeta>> insert_datasets(int64_t tenant_id, int64_t user_id, bool may_replace_others,
                                                   const std::vector<NewDataset>& sets);
  std::vector<DatasetMeta> datasets(int64_t tenant_id);
  bool delete_dataset(int64_t tenant_id, const std::string& public_id);
  std::vector<StoredDataset> tenant_data(int64_t tenant_id);
  int64_t data_version(int64_t tenant_id);  // changes whenever its datasets change

  // Connections. One per owner and provider: saving again replaces it. The
  // secret is sealed by `seal(public_id)` so it can bind the row's new id.
  Credential save_credential(const std::string& owner_kind, int64_t owner_id, const std::string& provider,
                             const std::string& account_id, const std::string& label, const std::string& details,
                             int64_t created_by, std::optional<int64_t> expires_at,
                             const std::function<std::pair<int64_t, std::string>(const std::string& public_id)>& seal);
  std::optional<Credential> credential(const std::string& owner_kind, int64_t owner_id, const std::string& provider);
  bool delete_credential(const std::string& owner_kind, int64_t owner_id, const std::string& provider);
  std::vector<Credential> credentials();
  // Saves the connection to (owner, provider, account_id): an existing one is
  // updated in place (same ids, so what was linked stays linked); with
  // `only_one`, the owner's other connections to that provider go. The new
  // one becomes primary when the owner has no other primary.
  Credential upsert_credential(const std::string& owner_kind, int64_t owner_id, const std::string& provider,
                               const std::string& account_id, const std::string& label, const std::string& details,
                               int64_t created_by, std::optional<int64_t> expires_at, bool only_one,
                               const std::function<std::pair<int64_t, std::string>(const std::string& public_id)>& seal);
  // The owner's connections to `provider` ("" = all), primary first.
  std::vector<Credential> credentials_of(const std::string& owner_kind, int64_t owner_id, const std::string& provider);
  std::optional<Credential> credential_by_id(int64_t id);
  // Replaces the sealed secret only if it is still `expected_sealed` (so two
  // writers never lose each other's rotation); true when it was replaced.
  bool replace_credential_secret(int64_t id, const std::string& expected_sealed, int64_t key_id, const std::string& sealed,
                                 std::optional<int64_t> expires_at);
  void set_credential_status(int64_t id, const std::string& status, const std::string& note);
  void set_credential_details(int64_t id, const std::string& details);
  void set_primary_credential(int64_t id);
  bool delete_credential_by_id(int64_t id);

  // OAuth states: saved at authorize, consumed once by the callback.
  void save_oauth_state(const std::string& state_hash, const OAuthState& s);
  // The state with this hash, marked consumed in the same step; a state used
  // before comes back with `consumed_at` set (and is refused by the caller).
  std::optional<OAuthState> consume_oauth_state(const std::string& state_hash, int64_t now);
  int64_t purge_oauth_states(int64_t now);

  // Discovery: every `found` account is recorded (new ones unlinked); those
  // of `kinds` that were known and are not found any more become 'vanished'
  // (their links kept, so the user sees what disappeared). Returns how many
  // vanished in this call.
  int64_t record_accounts(int64_t credential_id, const std::vector<std::string>& kinds, const std::vector<FoundAccount>& found);
  std::vector<PlatformAccount> platform_accounts(int64_t credential_id, const std::string& kind);
  // Sets `linked` on these external ids of `kind` (and, with `exclusive`,
  // clears it on the others); returns the ids that were not known.
  std::vector<std::string> link_accounts(int64_t credential_id, const std::string& kind, const std::vector<std::string>& external_ids,
                                         bool exclusive);
  // Makes one account of `kind` the selected one (and links it); false when unknown.
  bool select_account(int64_t credential_id, const std::string& kind, const std::string& external_id);

  std::optional<std::string> platform_preferences(int64_t user_id);
  void set_platform_preferences(int64_t user_id, const std::string& data);
  void audit(const std::string& actor, const std::string& action, const std::string& target, const std::string& detail,
             const std::string& address);
  int64_t audit_count(const std::string& action);

  // Sync tasks. Enqueuing returns the connection's queued or running task
  // when there is one (two syncs of a connection never run at once) and
  // false as second; else a new queued task and true.
  std::pair<SyncRun, bool> enqueue_sync(int64_t credential_id, const std::string& trigger);
  // Claims the oldest queued task (it becomes running).
  std::optional<SyncRun> claim_sync(int64_t now);
  // At start: tasks left running by a stopped server are queued again.
  int64_t requeue_running_syncs();
  void save_sync_progress(const SyncRun& run);
  void finish_sync(int64_t run_id, const std::string& status, const std::string& message, const std::string& failures, int64_t now);
  std::optional<SyncRun> sync_run(const std::string& public_id);
  std::vector<SyncRun> sync_runs_of(int64_t credential_id, int limit);
  // Replaces every slice (credential, account, level, day) for day in
  // [first, last] with `rows` (all inside that range), in one transaction;
  // days >= provisional_from are marked provisional. Bumps the owning
  // workspace's data version. Returns the rows written.
  int64_t replace_slices(int64_t credential_id, const std::string& account_id, const std::string& level, int32_t first, int32_t last,
                         const std::vector<SyncedRow>& rows, int32_t provisional_from, int64_t now);
  std::vector<SyncedRow> synced_rows(int64_t credential_id, const std::string& account_id, const std::string& level, int32_t first,
                                     int32_t last);
  // Every row of `level` synced for this workspace's connections (for core).
  std::vector<SyncedRow> tenant_synced_rows(int64_t tenant_id, const std::string& level);
  std::optional<int32_t> first_provisional_day(int64_t credential_id, const std::string& account_id, const std::string& level);
  void save_synced_account(const SyncedAccount& a);
  std::vector<SyncedAccount> synced_accounts(int64_t credential_id);
  // Every synced account of the workspace's own connections.
  std::vector<SyncedAccount> tenant_synced_accounts(int64_t tenant_id);

  // Insight tasks. Claiming takes the oldest pending task (it becomes
  // processing, attempts + 1); at start, processing tasks left by a stopped
  // server go back to pending when they have attempts left, else fail with
  // the reason (returns how many of each).
  InsightTask create_insight_task(int64_t user_id, int64_t tenant_id, const std::string& kind, const std::string& request);
  std::optional<InsightTask> claim_insight_task(int64_t now);
  std::pair<int64_t, int64_t> recover_insight_tasks(int max_attempts, int64_t now);
  void insight_task_progress(int64_t id, int progress, const std::string& message);
  // Ends a task unless it was cancelled meanwhile (false then).
  bool finish_insight_task(int64_t id, const std::string& status, const std::optional<std::string>& result,
                           const std::optional<std::string>& error, int64_t now);
  // The task if it is `user_id`'s.
  std::optional<InsightTask> insight_task(const std::string& public_id, int64_t user_id);
  // Cancels a pending or processing task of `user_id`'s; the task after it.
  std::optional<InsightTask> cancel_insight_task(const std::string& public_id, int64_t user_id, int64_t now);

  // The copilot's history, per user and workspace.
  ChatMessage add_chat_message(int64_t user_id, int64_t tenant_id, const std::string& conversation_id, const std::string& role,
                               const std::string& content, const std::string& meta);
  // Newest last; `conversation_id` empty = every conversation.
  std::vector<ChatMessage> chat_messages(int64_t user_id, int64_t tenant_id, const std::string& conversation_id, int limit);
  // Records feedback on an assistant message of this user's; false when not theirs.
  bool chat_feedback(const std::string& message_public_id, int64_t user_id, const std::string& feedback);

  // Re-seals every credential in one transaction: `reseal` returns the new
  // (key id, sealed) or throws to abort with nothing changed.
  int64_t reseal_credentials(const std::function<std::pair<int64_t, std::string>(const Credential&)>& reseal);

  // Server settings (small values, e.g. the vault's check value).
  std::optional<std::string> setting(const std::string& key);
  void set_setting(const std::string& key, const std::string& value);

  // EDA reports, readable by their owner only.
  void save_eda(const std::string& id, int64_t user_id, const std::string& name, const std::string& html);
  std::optional<std::string> eda_html(const std::string& id, int64_t user_id);

  // Internal API.
  std::vector<User> users();
  std::vector<Tenant> all_tenants_of(int64_t user_id) { return tenants_of(user_id); }

  // Health: a round-trip and the database size in bytes.
  int64_t database_bytes();
  const std::string& path() const { return pool_.path(); }

 private:
  db::Pool pool_;
};

// "2026-12-01T10:00:00Z".
std::string iso_of(int64_t unix_seconds);
std::string now_iso();
int64_t now_unix();

}  // namespace glint::native
