// Connections and the credential vault, on the real binary against the fake
// upstreams (tests/fakes) over loopback: a key is tried before it is kept,
// kept only sealed, shown only as status, bound to its owner; the master key
// is checked at start; rotate-key survives kill -9.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>

#include "api_client.h"
#include "raw_client.h"
#include "store/store.h"
#include "vault/credentials.h"
#include "vault/vault.h"

namespace glint::testing {
namespace {

const std::string kKey = "xkeysib-fake-0123456789abcdef-AbCdEf";

// The fake upstreams on a free loopback port.
class Fakes {
 public:
  explicit Fakes(std::vector<std::string> scenarios = {}) {
    std::vector<std::string> argv = {FAKE_UPSTREAMS};
    for (const std::string& s : scenarios) {
      argv.push_back("--scenario");
      argv.push_back(s);
    }
    proc_ = std::make_unique<Process>(argv);
    port_ = port_from_line(proc_->wait_for_line("listening on", 10000));
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  json requests() const {
    httplib::Client c("127.0.0.1", port_);
    auto r = c.Get("/_fake/requests");
    return r ? json::parse(r->body, nullptr, false) : json();
  }

 private:
  std::unique_ptr<Process> proc_;
  int port_ = -1;
};

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string id_of(const Reply& r) {
  if (r.body.is_object() && r.body.contains("tenant") && r.body["tenant"].is_object()) return r.body["tenant"].value("id", "");
  return r.body.is_object() ? r.body.value("id", "") : "";
}

// Runs the glint binary with extra environment; returns (exit status, output).
std::pair<int, std::string> run_glint(const std::string& args, const std::string& env = "") {
  const std::string cmd = env + " " + std::string(GLINT_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, out};
}

TEST(Connections, BrevoKeyIsTriedThenKeptSealedAndShownOnlyAsStatus) {
  Fakes fakes;
  const std::filesystem::path log = std::filesystem::temp_directory_path() / ("glint_conn_" + std::to_string(getpid()) + ".log");
  Server server({"GLINT_URL_API_BREVO_COM=" + fakes.url(), "GLINT_ACCESS_LOG=" + log.string()});
  const std::string owner = server.account("brevo-owner@example.com");
  const std::string tid = id_of(server.post("/api/tenants", {{"name", "Mail Co"}}, owner));
  // A wrong key is refused with Brevo's reason, and nothing is kept.
  const Reply bad = server.post("/api/oauth/brevo/save-api-key", {{"api_key", "xkeysib-wrong"}}, owner);
  EXPECT_EQ(bad.status, 422) << bad.text;
  EXPECT_EQ(bad.body["code"], "invalid_api_key");
  EXPECT_NE(bad.text.find("Key not found"), std::string::npos);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 0);
  EXPECT_EQ(server.post("/api/oauth/brevo/save-api-key", {{"api_key", "bad key\r\nX-Injected: 1"}}, owner).status, 422);
  // The right key: connected for the workspace, the account shown, no secret.
  const Reply ok = server.post("/api/oauth/brevo/save-api-key", {{"api_key", kKey}}, owner);
  ASSERT_EQ(ok.status, 200) << ok.text;
  EXPECT_EQ(ok.body["connected"], true);
  EXPECT_EQ(ok.body["account"]["email"], "ops@example.com");
  EXPECT_EQ(ok.body["owner"]["id"], tid);
  EXPECT_EQ(ok.text.find(kKey), std::string::npos);
  const Reply status = server.get("/api/brevo/status", owner);
  EXPECT_EQ(status.body["connected"], true);
  EXPECT_EQ(status.body["account"]["company_name"], "Shop A");
  EXPECT_EQ(status.text.find(kKey), std::string::npos);
  EXPECT_EQ(server.get("/api/oauth/brevo/accounts", owner).body["accounts"][0]["id"], "64fa0000fake");
  // What the fake was sent: the key in the api-key header, nothing in the URL.
  const json sent = fakes.requests();
  ASSERT_GE(sent.size(), 2u);
  for (const json& r : sent) {
    EXPECT_EQ(r["path"], "/v3/account");
    EXPECT_EQ(r["query"], "");  // the key travels in a header, never in the URL
    EXPECT_NE(r["headers"].dump().find("api-key"), std::string::npos);
  }
  // The key is nowhere in clear: not in the database (WAL included), not in the log.
  server.stop(SIGTERM);
  for (const char* f : {"glint.db", "glint.db-wal"}) {
    const auto p = server.dir() / "data" / f;
    if (std::filesystem::exists(p)) {
      EXPECT_EQ(file_bytes(p).find(kKey), std::string::npos) << f;
    }
  }
  EXPECT_EQ(file_bytes(log).find(kKey), std::string::npos);
  const std::string sealed = sql_text(server.db(), "SELECT sealed FROM credentials");
  EXPECT_EQ(sealed.rfind("glint:v1:", 0), 0u) << sealed;
  std::filesystem::remove(log);
}

TEST(Connections, MembersSeeOutsidersDoNotAndOnlyAdminsChange) {
  Fakes fakes;
  Server server({"GLINT_URL_API_BREVO_COM=" + fakes.url()});
  const std::string owner = server.account("c-owner@example.com");
  const std::string tid = id_of(server.post("/api/tenants", {{"name", "Roles Co"}}, owner));
  const Reply inv = server.post("/api/tenants/" + tid + "/invites", {{"email", "c-member@example.com"}}, owner);
  const std::string member = server.account("c-member@example.com");
  ASSERT_EQ(server.post("/api/invites/" + inv.body["token"].get<std::string>() + "/accept", json::object(), member).status, 200);
  const std::string outsider = server.account("c-out@example.com");
  ASSERT_EQ(server.post("/api/tenants", {{"name", "Elsewhere"}}, outsider).status, 201);

  EXPECT_EQ(server.post("/api/oauth/brevo/save-api-key", {{"api_key", kKey}, {"tenant_id", tid}}, member).status, 403);
  ASSERT_EQ(server.post("/api/oauth/brevo/save-api-key", {{"api_key", kKey}, {"tenant_id", tid}}, owner).status, 200);
  const Reply seen = server.get("/api/brevo/status?tenant_id=" + tid, member);
  EXPECT_EQ(seen.status, 200);
  EXPECT_EQ(seen.body["connected"], true);
  EXPECT_EQ(server.post("/api/oauth/brevo/disconnect", {{"tenant_id", tid}}, member).status, 403);
  EXPECT_EQ(server.post("/api/brevo/disconnect", {{"tenant_id", tid}}, member).status, 403);
  // An outsider learns nothing of it, by id or through their own workspace.
  EXPECT_EQ(server.get("/api/brevo/status?tenant_id=" + tid, outsider).status, 404);
  EXPECT_EQ(server.post("/api/oauth/brevo/disconnect", {{"tenant_id", tid}}, outsider).status, 404);
  const Reply theirs = server.get("/api/brevo/status", outsider);
  EXPECT_EQ(theirs.body["connected"], false);
  EXPECT_EQ(theirs.text.find("64fa0000fake"), std::string::npos);
  // The owner disconnects; deleting the workspace would have removed it too.
  const Reply gone = server.request("DELETE", "/api/oauth/brevo/disconnect?tenant_id=" + tid, nullptr, owner);
  EXPECT_EQ(gone.status, 200);
  EXPECT_EQ(gone.body["disconnected"], true);
  EXPECT_EQ(server.get("/api/brevo/status?tenant_id=" + tid, member).body["connected"], false);
  ASSERT_EQ(server.post("/api/oauth/brevo/save-api-key", {{"api_key", kKey}, {"tenant_id", tid}}, owner).status, 200);
  ASSERT_EQ(server.del("/api/tenants/" + tid, owner).status, 200);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 0);
}

TEST(Connections, UpstreamTroubleIsRetriedThenNamed) {
  {
    Fakes fakes({"brevo_429_once"});
    Server server({"GLINT_URL_API_BREVO_COM=" + fakes.url()});
    const std::string s = server.account("retry@example.com");
    const Reply r = server.post("/api/brevo/connect", {{"api_key", kKey}}, s);
    EXPECT_EQ(r.status, 200) << r.text;  // after one Retry-After: 1
    EXPECT_EQ(fakes.requests().size(), 2u);
  }
  {
    Fakes fakes({"brevo_malformed"});
    Server server({"GLINT_URL_API_BREVO_COM=" + fakes.url()});
    const std::string s = server.account("malformed@example.com");
    const Reply r = server.post("/api/brevo/connect", {{"api_key", kKey}}, s);
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.body["code"], "upstream_malformed");
    EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM credentials"), 0);
  }
  {
    Server server({"GLINT_URL_API_BREVO_COM=http://127.0.0.1:1"});  // nothing listens there
    const std::string s = server.account("down@example.com");
    const Reply r = server.post("/api/brevo/connect", {{"api_key", kKey}}, s);
    EXPECT_EQ(r.status, 502);
    EXPECT_EQ(r.body["code"], "upstream_unavailable");
    EXPECT_EQ(r.text.find(kKey), std::string::npos);
  }
}

TEST(Connections, SealedValuesAreBoundToTheirRowAndTheKeyIsChecked) {
  Fakes fakes;
  Server server({"GLINT_URL_API_BREVO_COM=" + fakes.url()});
  const std::string a = server.account("bind-a@example.com");
  const std::string b = server.account("bind-b@example.com");
  ASSERT_EQ(server.post("/api/tenants", {{"name", "A"}}, a).status, 201);
  ASSERT_EQ(server.post("/api/tenants", {{"name", "B"}}, b).status, 201);
  ASSERT_EQ(server.post("/api/brevo/connect", {{"api_key", kKey}}, a).status, 200);
  ASSERT_EQ(server.post("/api/brevo/connect", {{"api_key", kKey}}, b).status, 200);
  server.stop(SIGTERM);
  const std::string dir = (server.dir() / "data").string();
  EXPECT_EQ(run_glint("rotate-key --check --data-dir " + dir).first, 0);
  // B's ciphertext copied into A's row does not open there.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(server.db().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE credentials SET sealed = (SELECT sealed FROM credentials ORDER BY id DESC LIMIT 1) "
                             "WHERE id = (SELECT MIN(id) FROM credentials)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const auto [status, out] = run_glint("rotate-key --check --data-dir " + dir);
  EXPECT_EQ(status, 1) << out;
  EXPECT_NE(out.find("does not open"), std::string::npos) << out;
  // Another master key is a clear start-up error, not garbage later.
  const auto [rc, msg] = run_glint("serve --port 0 --data-dir " + dir, "GLINT_MASTER_KEY=" + std::string(43, 'A') + "=");
  EXPECT_EQ(rc, 1) << msg;
  EXPECT_NE(msg.find("is not the one this database"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("serving on"), std::string::npos);
}

TEST(Connections, RotateKeyWhileServingAndKilledMidwayLosesNothing) {
  Fakes fakes;
  Server server({"GLINT_URL_API_BREVO_COM=" + fakes.url()});
  const std::string s = server.account("rotate@example.com");
  ASSERT_EQ(server.post("/api/tenants", {{"name", "Rotate Co"}}, s).status, 201);
  ASSERT_EQ(server.post("/api/brevo/connect", {{"api_key", kKey}}, s).status, 200);
  const std::string dir = (server.dir() / "data").string();
  // Many more credentials, sealed here with the server's own key file
  // under the real binding, so the rotation takes a while.
  {
    auto vault = native::Vault::load({dir, "", "", ""});
    ASSERT_TRUE(vault.ok());
    native::Store store(server.db().string(), 2);
    const int64_t user = sql_int(server.db(), "SELECT MIN(id) FROM users");
    for (int i = 0; i < 4000; ++i) {
      store.save_credential("user", 1000000 + i, "brevo", "acct" + std::to_string(i), "x@example.com", "{}", user, std::nullopt,
                            [&](const std::string& pid) {
                              return std::make_pair(static_cast<int64_t>(vault.value().current_key_id()),
                                                    vault.value().seal("{\"api_key\":\"k" + std::to_string(i) + "\"}",
                                                                       native::credential_aad("user", 1000000 + i, "brevo", pid)));
                            });
    }
  }
  // A rotation killed mid-way: each credential under the old key or the new, all open.
  Process rot({GLINT_BINARY, "rotate-key", "--data-dir", dir});
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  rot.stop(SIGKILL);
  auto [rc, out] = run_glint("rotate-key --check --data-dir " + dir);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("every credential opens"), std::string::npos) << out;
  EXPECT_EQ(sql_text(server.db(), "PRAGMA integrity_check"), "ok");
  // A whole rotation while the server runs: the server reads the new key
  // from the file when it first meets it.
  std::tie(rc, out) = run_glint("rotate-key --data-dir " + dir);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("re-sealed 4001 credential(s)"), std::string::npos) << out;
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(DISTINCT key_id) FROM credentials"), 1);
  const Reply status = server.get("/api/brevo/status", s);
  EXPECT_EQ(status.body["connected"], true);
  EXPECT_EQ(server.post("/api/brevo/connect", {{"api_key", kKey}}, s).status, 200);
  std::tie(rc, out) = run_glint("rotate-key --check --data-dir " + dir);
  EXPECT_EQ(rc, 0) << out;
  // The key file stays private.
  struct stat st {};
  ASSERT_EQ(stat((server.dir() / "data" / "master.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace glint::testing
