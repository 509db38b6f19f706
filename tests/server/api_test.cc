// The REST API on the real binary, a real SQLite file and loopback HTTP:
// accounts, sessions, workspaces, roles, invites, data, analysis, limits,
// and the failure paths. Each suite starts its own server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "api_client.h"
#include "raw_client.h"

namespace glint::testing {
namespace {

std::string csv_days(int first_day, int days, int scale, const std::string& account = "123-456-7890") {
  std::string csv = "Day,Customer ID,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n";
  for (int d = first_day; d < first_day + days; ++d) {
    char date[32];
    std::snprintf(date, sizeof date, "2026-%02d-%02d", 1 + d / 28, 1 + d % 28);
    for (int c = 0; c < 3; ++c) {
      csv += std::string(date) + "," + account + ",Campaign " + std::to_string(c) + "," + std::to_string(500 + c) + ",USD," +
             std::to_string(1000 * scale) + "," + std::to_string(50 * scale) + "," + std::to_string(25 * scale) + ".50," +
             std::to_string(2 * scale) + "," + std::to_string(100 * scale) + ".00\n";
    }
  }
  return csv;
}

// Many campaigns × days: an upload that takes the server a while to store.
std::string csv_wide(int campaigns, int days) {
  std::string csv = "Day,Campaign,Campaign ID,Impr.,Clicks,Cost\n";
  csv.reserve(static_cast<size_t>(campaigns) * days * 40);
  for (int d = 0; d < days; ++d) {
    char date[32];
    std::snprintf(date, sizeof date, "2026-%02d-%02d", 1 + d / 28, 1 + d % 28);
    for (int c = 0; c < campaigns; ++c) {
      csv += std::string(date) + ",C" + std::to_string(c) + "," + std::to_string(c) + ",100,5,1.25\n";
    }
  }
  return csv;
}

class Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server({"GLINT_PBKDF2_ITERATIONS=20000", "GLINT_INTERNAL_API_KEY=internal-test-key-0123456789",
                          "GLINT_RATE_INSIGHTS_PER_MIN=1000"});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string unique_email(const std::string& who) {
    static int n = 0;
    return who + std::to_string(++n) + "@example.com";
  }
  // A user with a fresh workspace: (session, tenant id).
  static std::pair<std::string, std::string> owner_with_workspace(const std::string& name = "Acme Marketing") {
    const std::string s = server_->account(unique_email("owner"));
    const Reply t = server_->post("/api/tenants", {{"name", name}}, s);
    return {s, t.body.value("id", "")};
  }
  static Server* server_;
};
Server* Api::server_ = nullptr;

TEST_F(Api, RootAnswersJsonToApiClients) {
  const Reply r = server_->request("GET", "/", nullptr, "", {{"Accept", "application/json"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, json({{"status", "ok"}, {"service", "glint"}}));
}

TEST_F(Api, RegisterLoginMeLogout) {
  const std::string email = unique_email("ann");
  const std::string pass = "correct horse";
  const Reply reg = server_->post("/api/auth/register", {{"email", email}, {"password", pass}, {"name", "Ann"}});
  ASSERT_EQ(reg.status, 202) << reg.text;
  EXPECT_EQ(reg.body.count("session_id"), 0u);  // the address is proved first
  const std::string code = server_->code_for(email);
  ASSERT_EQ(code.size(), 6u);
  EXPECT_EQ(server_->post("/api/auth/verify-email", {{"email", email}, {"code", code == "000000" ? "000001" : "000000"}}).status, 400);
  const Reply verified = server_->post("/api/auth/verify-email", {{"email", email}, {"code", code}});
  ASSERT_EQ(verified.status, 200) << verified.text;
  const std::string sid = verified.body["session_id"];
  EXPECT_EQ(sid.size(), 64u);  // 256 bits
  EXPECT_EQ(verified.body["user"]["email_verified"], true);
  EXPECT_EQ(server_->post("/api/auth/verify-email", {{"email", email}, {"code", code}}).status, 400);  // used once
  EXPECT_EQ(server_->post("/api/auth/register", {{"email", "not-an-email"}, {"password", "long enough pass"}}).status, 422);
  EXPECT_EQ(server_->post("/api/auth/register", {{"email", unique_email("x")}, {"password", "short"}}).status, 422);

  const Reply login = server_->post("/api/auth/login", {{"email", email}, {"password", pass}});
  ASSERT_EQ(login.status, 200);
  const std::string s2 = login.body["session_id"];
  EXPECT_NE(s2, sid);
  EXPECT_EQ(server_->post("/api/auth/login", {{"email", email}, {"password", "wrong"}}).status, 401);

  const Reply me = server_->get("/api/auth/me", s2);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body["user"]["email"], email);
  EXPECT_EQ(me.body["user"].count("password_hash"), 0u);
  // The session is accepted as the seeds' clients send it: header, parameter, body.
  EXPECT_EQ(server_->get("/api/session/validate?session_id=" + s2).status, 200);
  EXPECT_EQ(server_->post("/api/onboarding/advance", {{"session_id", s2}}).status, 200);
  EXPECT_EQ(server_->get("/api/session/validate", s2).body["valid"], true);

  EXPECT_EQ(server_->post("/api/auth/logout", json::object(), s2).status, 200);
  EXPECT_EQ(server_->get("/api/auth/me", s2).status, 401);
  EXPECT_EQ(server_->get("/api/auth/me").status, 401);
  EXPECT_EQ(server_->get("/api/auth/me", std::string(64, 'a')).status, 401);
  EXPECT_EQ(server_->get("/api/auth/platforms", sid).status, 200);
}

TEST_F(Api, SessionIdsAreStoredHashed) {
  const std::string sid = server_->account(unique_email("hash"));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(server_->db().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sessions WHERE id_hash = ?", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, sid.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_step(st);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0);  // the raw id is nowhere
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(Api, WorkspacesCreateListSwitchUpdateDelete) {
  const auto [s, id] = owner_with_workspace("Acme Marketing");
  ASSERT_FALSE(id.empty());
  const Reply second = server_->post("/api/tenants", {{"name", "Acme Marketing"}}, s);
  EXPECT_EQ(second.status, 201);
  EXPECT_NE(second.body["slug"], "acme-marketing");  // slugs stay unique
  EXPECT_EQ(second.body["slug"].get<std::string>().rfind("acme-marketing-", 0), 0u);
  EXPECT_EQ(server_->get("/api/tenants", s).body["total"], 2);
  EXPECT_EQ(server_->post("/api/tenants/" + second.body["id"].get<std::string>() + "/switch", json::object(), s).status, 200);
  EXPECT_EQ(server_->get("/api/tenants/current", s).body["id"], second.body["id"]);
  const Reply renamed = server_->patch("/api/tenants/" + id, {{"name", "Acme & Co"}}, s);
  EXPECT_EQ(renamed.status, 200);
  EXPECT_EQ(server_->get("/api/tenants/" + id, s).body["name"], "Acme & Co");
  EXPECT_EQ(server_->post("/api/tenants", {{"name", ""}}, s).status, 422);
  EXPECT_EQ(server_->del("/api/tenants/" + id, s).status, 200);
  EXPECT_EQ(server_->get("/api/tenants/" + id, s).status, 404);
}

TEST_F(Api, InvitesMembersAndRoles) {
  const auto [owner, id] = owner_with_workspace();
  const std::string bob_email = unique_email("bob");
  const std::string bob = server_->account(bob_email);
  const Reply inv = server_->post("/api/tenants/" + id + "/invites", {{"email", bob_email}, {"role", "member"}}, owner);
  ASSERT_EQ(inv.status, 201) << inv.text;
  const std::string token = inv.body["token"];
  // Public details, then acceptance by the invited address only.
  const Reply details = server_->get("/api/invites/" + token);
  EXPECT_EQ(details.status, 200);
  EXPECT_EQ(details.body["status"], "pending");
  EXPECT_EQ(details.body.count("token"), 0u);
  EXPECT_EQ(server_->get("/api/invites/pending", bob).body["total"], 1);
  const std::string eve = server_->account(unique_email("eve"));
  EXPECT_EQ(server_->post("/api/invites/" + token + "/accept", json::object(), eve).status, 404);
  EXPECT_EQ(server_->post("/api/invites/" + token + "/accept", json::object(), bob).status, 200);
  EXPECT_EQ(server_->post("/api/invites/" + token + "/accept", json::object(), bob).status, 404);  // used once

  const Reply members = server_->get("/api/tenants/" + id + "/members", bob);
  ASSERT_EQ(members.status, 200);
  ASSERT_EQ(members.body["total"], 2);
  std::string owner_id, bob_id;
  for (const json& m : members.body["members"]) (m["role"] == "owner" ? owner_id : bob_id) = m["user_id"];

  // A member manages nothing.
  EXPECT_EQ(server_->post("/api/tenants/" + id + "/invites", {{"email", unique_email("z")}}, bob).status, 403);
  EXPECT_EQ(server_->patch("/api/tenants/" + id, {{"name", "Mine now"}}, bob).status, 403);
  EXPECT_EQ(server_->del("/api/tenants/" + id + "/members/" + owner_id, bob).status, 403);
  EXPECT_EQ(server_->get("/api/tenants/" + id + "/invites", bob).status, 403);
  // An admin manages members but not owners.
  EXPECT_EQ(server_->patch("/api/tenants/" + id + "/members/" + bob_id, {{"role", "admin"}}, owner).status, 200);
  EXPECT_EQ(server_->del("/api/tenants/" + id + "/members/" + owner_id, bob).status, 403);
  EXPECT_EQ(server_->patch("/api/tenants/" + id + "/members/" + owner_id, {{"role", "member"}}, bob).status, 403);
  EXPECT_EQ(server_->patch("/api/tenants/" + id + "/members/" + bob_id, {{"role", "owner"}}, bob).status, 403);
  EXPECT_EQ(server_->del("/api/tenants/" + id, bob).status, 403);
  // The last owner can be neither demoted nor removed.
  EXPECT_EQ(server_->patch("/api/tenants/" + id + "/members/" + owner_id, {{"role", "admin"}}, owner).status, 409);
  EXPECT_EQ(server_->del("/api/tenants/" + id + "/members/" + owner_id, owner).status, 409);
  EXPECT_EQ(server_->patch("/api/tenants/" + id + "/members/" + bob_id, {{"role", "boss"}}, owner).status, 422);
  // Invites: list and revoke.
  const Reply inv2 = server_->post("/api/tenants/" + id + "/invites", {{"email", unique_email("carl")}}, bob);
  ASSERT_EQ(inv2.status, 201);
  EXPECT_EQ(server_->get("/api/tenants/" + id + "/invites", bob).body["total"], 1);
  EXPECT_EQ(server_->del("/api/tenants/" + id + "/invites/" + inv2.body["id"].get<std::string>(), bob).status, 200);
  EXPECT_EQ(server_->get("/api/invites/" + inv2.body["token"].get<std::string>()).body["status"], "revoked");
  // Leaving on one's own is allowed.
  EXPECT_EQ(server_->del("/api/tenants/" + id + "/members/" + bob_id, bob).status, 200);
  EXPECT_EQ(server_->get("/api/tenants/" + id, bob).status, 404);
}

// For every workspace-scoped route: an outsider learns nothing (404).
TEST_F(Api, OutsidersGetNotFoundOnEveryWorkspaceRoute) {
  const auto [owner, id] = owner_with_workspace("Private Co");
  const std::string outsider = server_->account(unique_email("out"));
  server_->post("/api/tenants", {{"name", "Outsider Ltd"}}, outsider);
  const std::string t = "/api/tenants/" + id;
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", t}, {"PUT", t}, {"PATCH", t}, {"DELETE", t}, {"POST", t + "/switch"}, {"GET", t + "/members"},
      {"PATCH", t + "/members/abc"}, {"DELETE", t + "/members/abc"}, {"POST", t + "/invites"}, {"GET", t + "/invites"},
      {"DELETE", t + "/invites/abc"}, {"GET", t + "/integrations"}};
  const json body = {{"name", "x"}, {"role", "admin"}, {"email", "x@example.com"}};
  for (const auto& [m, p] : routes) {
    const Reply r = server_->request(m, p, &body, outsider);
    EXPECT_EQ(r.status, 404) << m << " " << p << ": " << r.text;
    EXPECT_EQ(r.body.value("code", ""), "not_found") << m << " " << p;
  }
  EXPECT_EQ(server_->post("/api/tenants/switch", {{"tenant_id", id}}, outsider).status, 404);
  EXPECT_EQ(server_->get(t, owner).status, 200);
}

TEST_F(Api, DatasetsAreStoredPerWorkspaceAndOverlapsReplaceNotAdd) {
  const auto [s, id] = owner_with_workspace("Data Co");
  const Reply up = server_->upload("/api/datasets", {{"google.csv", csv_days(0, 40, 1)}}, s);
  ASSERT_EQ(up.status, 201) << up.text;
  ASSERT_EQ(up.body["datasets"].size(), 1u);
  EXPECT_EQ(up.body["datasets"][0]["platform"], "google_ads");
  EXPECT_EQ(up.body["datasets"][0]["rows"], 120);
  const std::string dataset_id = up.body["datasets"][0]["id"];

  auto spend = [&]() {
    const Reply a = server_->get("/ad-performance-analysis?date_range=90_days", s);
    EXPECT_EQ(a.status, 200) << a.text;
    return a.body["summary"]["totals"]["spend"].get<double>();
  };
  EXPECT_DOUBLE_EQ(spend(), 40 * 3 * 25.5);
  // Days 20..39 again, at twice the scale: they replace the stored days.
  const Reply again = server_->upload("/api/datasets", {{"google_recent.csv", csv_days(20, 20, 2)}}, s);
  ASSERT_EQ(again.status, 201) << again.text;
  EXPECT_DOUBLE_EQ(spend(), 20 * 3 * 25.5 + 20 * 3 * 50.5);
  const Reply listed = server_->get("/api/datasets", s);
  EXPECT_EQ(listed.body["total"], 2);
  EXPECT_EQ(listed.body["datasets"][0]["rows"], 60);  // what is left of the first

  // Another account of the same platform is not overlap.
  ASSERT_EQ(server_->upload("/api/datasets", {{"other.csv", csv_days(20, 20, 1, "999-999-9999")}}, s).status, 201);
  EXPECT_DOUBLE_EQ(spend(), 20 * 3 * 25.5 + 20 * 3 * 50.5 + 20 * 3 * 25.5);

  // Another workspace sees none of it, and cannot delete it.
  const auto [other, other_id] = owner_with_workspace("Elsewhere");
  EXPECT_EQ(server_->get("/api/datasets", other).body["total"], 0);
  EXPECT_EQ(server_->del("/api/datasets/" + dataset_id, other).status, 404);
  EXPECT_EQ(server_->get("/ad-performance-analysis", other).status, 404);
  const Reply hl = server_->post("/api/bronze/highlight", {{"highlight_type", "summary"}, {"date_range", "30_days"}}, other);
  EXPECT_TRUE(hl.body["facts"].empty());

  const Reply summary = server_->post("/api/bronze/highlight", {{"highlight_type", "summary"}, {"date_range", "7_days"}}, s);
  ASSERT_EQ(summary.status, 200) << summary.text;
  EXPECT_FALSE(summary.body["facts"].empty());
  EXPECT_TRUE(summary.body["response_time_ms"].is_number());
  EXPECT_EQ(summary.body["date_range"]["days"], 7);
  EXPECT_EQ(server_->post("/api/bronze/highlight", {{"highlight_type", "nope"}}, s).status, 400);
  EXPECT_EQ(server_->post("/api/bronze/highlight", {{"date_range", "8_days"}}, s).status, 422);
  for (const char* p : {"/campaign-comparison", "/ad-recommendations", "/performance-trends", "/optimization-action-plan",
                        "/budget-reallocation-plan"}) {
    const Reply r = server_->get(p, s);
    EXPECT_EQ(r.status, 200) << p << ": " << r.text;
    EXPECT_EQ(r.body["success"], true) << p;
  }
  EXPECT_EQ(server_->get("/user-journey-analysis", s).status, 404);  // no GA4 data yet

  EXPECT_EQ(server_->del("/api/datasets/" + dataset_id, s).status, 200);
  EXPECT_EQ(server_->get("/api/datasets", s).body["total"], 2);
}

TEST_F(Api, WebAnalyticsEndpointsReadStoredGa4Data) {
  const auto [s, id] = owner_with_workspace("Web Co");
  std::string ga4 = "# Traffic acquisition\nDate,Session source / medium,Sessions,Engaged sessions,Key events,Total revenue\n";
  for (int d = 1; d <= 28; ++d) {
    const std::string date = "202603" + std::string(d < 10 ? "0" : "") + std::to_string(d);
    ga4 += date + ",google / cpc,100,60,6,120.00\n" + date + ",facebook / paid_social,80,20,1,10.00\n";
  }
  ASSERT_EQ(server_->upload("/api/datasets", {{"ga4.csv", ga4}, {"google.csv", csv_days(28, 28, 1)}}, s).status, 201);
  const Reply journey = server_->get("/user-journey-analysis", s);
  ASSERT_EQ(journey.status, 200) << journey.text;
  // clicks → sessions → engaged → key events, from the sums of both files.
  ASSERT_EQ(journey.body["journey"].size(), 4u);
  EXPECT_EQ(journey.body["journey"][0]["count"], 28 * 3 * 50);
  EXPECT_EQ(journey.body["journey"][1]["count"], 28 * 180);
  EXPECT_EQ(journey.body["journey"][2]["count"], 28 * 80);
  EXPECT_EQ(journey.body["journey"][3]["count"], 28 * 7);
  EXPECT_NEAR(journey.body["overallConversion"].get<double>(), 7.0 / 150.0, 1e-6);  // rounded to 6 decimals
  const Reply drop = server_->get("/drop-off-analysis", s);
  ASSERT_EQ(drop.status, 200);
  EXPECT_EQ(drop.body["worst_sources"][0]["source"], "facebook");
  const Reply quality = server_->post("/traffic-quality-analysis", {{"date_range", "30_days"}}, s);
  ASSERT_EQ(quality.status, 200);
  EXPECT_EQ(quality.body["sources"].size(), 2u);
  EXPECT_EQ(server_->get("/conversion-funnel-optimization", s).status, 200);
}

TEST_F(Api, UploadsOfUnreadableFilesAreClearErrors) {
  const auto [s, id] = owner_with_workspace();
  const Reply empty = server_->upload("/api/datasets", {{"empty.csv", ""}}, s);
  EXPECT_EQ(empty.status, 422);
  EXPECT_EQ(empty.body["code"], "empty_input");
  const Reply binary = server_->upload("/api/datasets", {{"x.xlsx", std::string("PK\x03\x04\x14\0\x06\0", 8)}}, s);
  EXPECT_EQ(binary.status, 422);
  EXPECT_NE(binary.body["detail"].get<std::string>().find("x.xlsx"), std::string::npos);
  const Reply mixed = server_->upload("/api/datasets", {{"ok.csv", csv_days(0, 5, 1)}, {"bad.csv", "foo,bar\n1,2\n"}}, s);
  EXPECT_EQ(mixed.status, 201);
  EXPECT_EQ(mixed.body["errors"].size(), 1u);
  EXPECT_EQ(mixed.body["errors"][0]["file"], "bad.csv");
  const Reply not_multipart = server_->post("/api/datasets", {{"file", "a,b"}}, s);
  EXPECT_EQ(not_multipart.status, 415);
}

TEST_F(Api, FileInsightsAnalysesWithoutStoring) {
  const std::string s = server_->account(unique_email("fi"));
  const Reply r = server_->upload("/file-insights", {{"google.csv", csv_days(0, 30, 1)}}, s, "google_csv");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["success"], true);
  EXPECT_TRUE(r.body.contains("analysis"));
  EXPECT_DOUBLE_EQ(r.body["totals"]["spend"].get<double>(), 30 * 3 * 25.5);
  EXPECT_EQ(server_->upload("/file-insights", {{"x.bin", std::string("\x7f" "ELF\0\1\2\3", 8)}}, s).status, 422);
}

TEST_F(Api, EdaProfilesAFileAndKeepsTheHtmlForItsOwner) {
  const std::string s = server_->account(unique_email("eda"));
  const Reply r = server_->upload("/eda", {{"google.csv", csv_days(0, 10, 1)}}, s);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["profile"]["table"]["rows"], 30);
  EXPECT_EQ(r.body["profile"].count("html"), 0u);
  const std::string url = r.body["report_url"];
  EXPECT_EQ(url.rfind("/eda/reports/", 0), 0u);  // a URL under the server, not a file path
  const Reply page = server_->get(url, s);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.header("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(page.text.find("<html"), std::string::npos);
  EXPECT_EQ(server_->get(url, server_->account(unique_email("other"))).status, 404);
  EXPECT_EQ(server_->get(url).status, 401);
  EXPECT_EQ(server_->upload("/eda", {{"empty.csv", ""}}, s).status, 422);
}

TEST_F(Api, HostileInput) {
  const auto [s, id] = owner_with_workspace();
  // Malformed JSON, wrong content type, unknown routes.
  httplib::Client c("127.0.0.1", server_->port());
  auto bad = c.Post("/api/tenants", {{"X-Session-ID", s}}, "{\"name\":", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["code"], "invalid_json");
  auto xml = c.Post("/api/tenants", {{"X-Session-ID", s}}, "<name>x</name>", "application/xml");
  ASSERT_TRUE(xml);
  EXPECT_EQ(xml->status, 415);
  const Reply wrong_method = server_->del("/api/auth/login");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.header("Allow"), "POST");
  const Reply nf = server_->get("/api/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.body["code"], "not_found");
  // SQL metacharacters are data.
  const std::string evil = "Robert'); DROP TABLE tenants;-- \" OR 1=1";
  const Reply t = server_->post("/api/tenants", {{"name", evil}}, s);
  ASSERT_EQ(t.status, 201);
  EXPECT_EQ(server_->get("/api/tenants/" + t.body["id"].get<std::string>(), s).body["name"], evil);
  EXPECT_EQ(server_->post("/api/auth/login", {{"email", "' OR '1'='1"}, {"password", "' OR '1'='1"}}).status, 401);
  EXPECT_GE(server_->get("/api/tenants", s).body["total"].get<int>(), 2);
  // Ten thousand query parameters.
  std::string path = "/api/tenants?";
  for (int i = 0; i < 10000; ++i) path += "p" + std::to_string(i) + "=" + std::to_string(i) + "&";
  const Reply many = server_->get(path, s);
  EXPECT_TRUE(many.status == 200 || many.status == 414 || many.status == 400) << many.status;
  EXPECT_EQ(server_->get("/health").status, 200);
  // Traversal out of the web root.
  for (const char* p : {"/../data/glint.db", "/%2e%2e/data/glint.db", "/..%2fdata%2fglint.db"}) {
    const Reply r = server_->get(p);
    EXPECT_NE(r.status, 200) << p;
  }
}

TEST_F(Api, OnboardingIsPersistedPerUser) {
  const std::string s = server_->account(unique_email("onb"));
  EXPECT_EQ(server_->get("/api/onboarding/status", s).body["current_step"], "welcome");
  EXPECT_EQ(server_->post("/api/onboarding/update-step", {{"step", "upload_data"}, {"data", {{"goal", "roas"}}}}, s).status, 200);
  EXPECT_EQ(server_->post("/api/onboarding/update-step", {{"step", "nowhere"}}, s).status, 422);
  const Reply adv = server_->post("/api/onboarding/advance", json::object(), s);
  EXPECT_EQ(adv.body["current_step"], "first_insights");
  EXPECT_EQ(adv.body["data"]["goal"], "roas");
  EXPECT_EQ(server_->post("/api/onboarding/complete", json::object(), s).body["completed"], true);
  EXPECT_EQ(server_->get("/api/onboarding/status", s).body["status"], "completed");
  EXPECT_EQ(server_->get("/api/onboarding/available-platforms", s).status, 200);
}

TEST_F(Api, InternalApiNeedsTheKey) {
  server_->account(unique_email("int"));
  EXPECT_EQ(server_->get("/api/internal/clients").status, 401);
  EXPECT_EQ(server_->request("GET", "/api/internal/clients", nullptr, "", {{"X-API-Key", "wrong"}}).status, 401);
  const Reply ok = server_->request("GET", "/api/internal/clients", nullptr, "", {{"X-API-Key", "internal-test-key-0123456789"}});
  ASSERT_EQ(ok.status, 200);
  EXPECT_GE(ok.body["total"].get<int>(), 1);
  EXPECT_EQ(ok.text.find("password"), std::string::npos);
  const Reply ids = server_->request("GET", "/api/internal/clients/ids", nullptr, "", {{"X-API-Key", "internal-test-key-0123456789"}});
  ASSERT_EQ(ids.status, 200);
  const std::string uid = ids.body["client_ids"][0];
  EXPECT_EQ(server_->request("GET", "/api/internal/clients/" + uid + "/accounts", nullptr, "",
                             {{"X-API-Key", "internal-test-key-0123456789"}}).status, 200);
  EXPECT_EQ(server_->request("GET", "/api/internal/health", nullptr, "", {{"X-API-Key", "internal-test-key-0123456789"}}).status, 200);
}

TEST_F(Api, MetricsArePrometheusText) {
  server_->get("/health");
  const Reply m = server_->get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.header("Content-Type").find("text/plain"), std::string::npos);
  for (const char* name : {"glint_http_requests_total{", "glint_http_request_duration_seconds_bucket{", "glint_open_connections ",
                           "glint_database_bytes "}) {
    EXPECT_NE(m.text.find(name), std::string::npos) << name;
  }
}

TEST(ApiLimits, RateLimitsAnswer429WithRetryAfter) {
  Server server({"GLINT_PBKDF2_ITERATIONS=20000", "GLINT_RATE_INSIGHTS_PER_MIN=3"});
  const std::string s = server.account("limit@example.com");
  server.post("/api/tenants", {{"name", "L"}}, s);
  for (int i = 0; i < 3; ++i) {
    const Reply r = server.post("/api/bronze/highlight", {{"highlight_type", "summary"}}, s);
    ASSERT_EQ(r.status, 200) << i << " " << r.text;
    EXPECT_EQ(r.header("X-RateLimit-Limit"), "3");
  }
  const Reply limited = server.post("/api/bronze/highlight", {{"highlight_type", "summary"}}, s);
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.header("Retry-After").empty());
  EXPECT_EQ(limited.header("X-RateLimit-Remaining"), "0");
  EXPECT_EQ(limited.body["code"], "rate_limited");
}

TEST(ApiLimits, LoginIsThrottledPerAccount) {
  Server server({"GLINT_PBKDF2_ITERATIONS=20000", "GLINT_LOGIN_FAILURES=3"});
  server.account("throttle@example.com", "the right password");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(server.post("/api/auth/login", {{"email", "throttle@example.com"}, {"password", "wrong"}}).status, 401);
  }
  const Reply r = server.post("/api/auth/login", {{"email", "throttle@example.com"}, {"password", "the right password"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_FALSE(r.header("Retry-After").empty());
}

TEST(ApiLimits, OversizedBodiesGet413) {
  Server server({"GLINT_PBKDF2_ITERATIONS=20000"}, {"--max-body-mb", "1"});
  const std::string s = server.account("big@example.com");
  const json big = {{"name", std::string(2 << 20, 'x')}};
  const Reply r = server.post("/api/tenants", big, s);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.body["code"], "payload_too_large");
  EXPECT_EQ(server.get("/health").status, 200);
}

TEST(ApiLimits, SlowClientsDoNotHoldTheServer) {
  Server server({"GLINT_READ_TIMEOUT=2", "GLINT_THREADS=4"});
  std::vector<int> socks;
  for (int i = 0; i < 3; ++i) {  // three slow clients trickling header bytes
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(server.port()));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_GT(send(fd, "GET /health HTTP/1.1\r\nX-Slow: ", 30, 0), 0);
    socks.push_back(fd);
  }
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.get("/health").status, 200);  // a fourth worker still answers
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // After the read timeout the slow connections are closed by the server.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  for (int fd : socks) {
    char buf[64];
    const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    EXPECT_GE(n, 0) << "connection still open after the read timeout (recv would block)";
    close(fd);
  }
  EXPECT_EQ(server.get("/health").status, 200);
}


TEST(ApiCrash, KillDuringUploadAndDuringDeletionLeavesAllOrNothing) {
  Server server({"GLINT_PBKDF2_ITERATIONS=20000"});
  const std::string s = server.account("crash@example.com");
  server.post("/api/tenants", {{"name", "Crash Co"}}, s);
  // A large upload, killed while the server is storing it.
  const std::string big = csv_wide(2000, 300);  // 600,000 rows, as many cells
  std::thread uploader([&] { server.upload("/api/datasets", {{"big.csv", big}}, s); });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  server.stop(SIGKILL);
  uploader.join();
  server.start();
  EXPECT_EQ(sql_text(server.db(), "PRAGMA integrity_check"), "ok");
  const int64_t datasets = sql_int(server.db(), "SELECT COUNT(*) FROM datasets");
  const int64_t cells = sql_int(server.db(), "SELECT COUNT(*) FROM dataset_cells");
  EXPECT_TRUE((datasets == 0 && cells == 0) || (datasets == 1 && cells == 600000)) << datasets << " datasets, " << cells << " cells";
  std::printf("upload killed: %lld datasets, %lld cells after restart\n", static_cast<long long>(datasets), static_cast<long long>(cells));

  // A workspace with data, deleted and killed at once.
  ASSERT_EQ(server.upload("/api/datasets", {{"a.csv", csv_wide(1000, 200)}}, s).status, 201);
  const std::string tid = server.get("/api/tenants/current", s).body["id"];
  std::thread deleter([&] { server.del("/api/tenants/" + tid, s); });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server.stop(SIGKILL);
  deleter.join();
  server.start();
  EXPECT_EQ(sql_text(server.db(), "PRAGMA integrity_check"), "ok");
  const int64_t tenants = sql_int(server.db(), "SELECT COUNT(*) FROM tenants");
  const int64_t orphans = sql_int(server.db(),
                                    "SELECT COUNT(*) FROM dataset_cells WHERE dataset_id NOT IN (SELECT id FROM datasets) "
                                    "OR dataset_id IN (SELECT id FROM datasets WHERE tenant_id NOT IN (SELECT id FROM tenants))");
  EXPECT_EQ(orphans, 0);
  std::printf("deletion killed: %lld workspaces left\n", static_cast<long long>(tenants));
  if (tenants == 1) {
    EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM memberships"), 1);  // wholly there
  } else {
    EXPECT_EQ(tenants, 0);
    EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM datasets"), 0);  // wholly gone
  }
}

}  // namespace
}  // namespace glint::testing

namespace glint::testing {
namespace {

// POST /api/report: core's answers over the workspace's stored data for the
// page's views, with the page's options; expected sums from csv_days' own
// figures (3 campaigns × 25.50 a day), never from the server.
TEST_F(Api, ReportRunsCoreOverTheWorkspacesDataWithThePagesOptions) {
  const auto [s, tenant] = owner_with_workspace("Report views");
  ASSERT_EQ(server_->upload("/api/datasets", {{"google.csv", csv_days(0, 40, 1)}}, s).status, 201);
  const json analyze = {{"method", "report.analyze"}, {"request", {{"days", 10}}}};
  EXPECT_EQ(server_->post("/api/report", analyze).status, 401);
  const Reply a = server_->post("/api/report", analyze, s);
  ASSERT_EQ(a.status, 200) << a.text;
  EXPECT_DOUBLE_EQ(a.body["periods"]["current"]["spend"].get<double>(), 10 * 3 * 25.5);
  // csv_days writes 28-day months: the previous ten days, 24 Jan – 2 Feb, hold 7 days of rows (no 29–31 Jan).
  EXPECT_DOUBLE_EQ(a.body["periods"]["previous"]["spend"].get<double>(), 7 * 3 * 25.5);
  EXPECT_TRUE(a.body.contains("data_sources"));
  const Reply none = server_->post("/api/report", {{"method", "report.analyze"}, {"request", {{"days", 7}, {"compare", "none"}}}}, s);
  ASSERT_EQ(none.status, 200) << none.text;
  EXPECT_TRUE(none.body["periods"]["previous"].is_null());
  const Reply one = server_->post("/api/report", {{"method", "report.analyze"}, {"request", {{"days", 10}, {"campaigns", {"Campaign 1"}}}}}, s);
  EXPECT_DOUBLE_EQ(one.body["periods"]["current"]["spend"].get<double>(), 10 * 25.5) << one.text;
  const Reply b = server_->post("/api/report", {{"method", "report.breakdown"}, {"request", {{"level", "campaign"}, {"days", 10}}}, {"tenant_id", tenant}}, s);
  ASSERT_EQ(b.status, 200) << b.text;
  ASSERT_EQ(b.body["rows"].size(), 3u);
  for (const json& r : b.body["rows"]) EXPECT_DOUBLE_EQ(r["current"]["spend"].get<double>(), 10 * 25.5) << r.dump();
  const Reply h = server_->post("/api/report", {{"method", "report.highlight"}, {"request", {{"highlight_type", "summary"}, {"days", 14}}}}, s);
  ASSERT_EQ(h.status, 200) << h.text;
  EXPECT_EQ(h.body["date_range"]["days"], 14);

  // Only the view options; core's own checks name the option.
  EXPECT_EQ(server_->post("/api/report", {{"method", "ingest.import"}}, s).status, 422);
  EXPECT_EQ(server_->post("/api/report", {{"method", "report.analyze"}, {"request", {{"handles", {1}}}}}, s).status, 422);
  EXPECT_EQ(server_->post("/api/report", {{"method", "report.analyze"}, {"request", "days"}}, s).status, 422);
  const Reply bad = server_->post("/api/report", {{"method", "report.analyze"}, {"request", {{"compare", "lastyear"}}}}, s);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.text.find("compare"), std::string::npos) << bad.text;

  // Another user: not their workspace (404), and their own has no data yet (404 no_data).
  const auto [other, other_tenant] = owner_with_workspace("Elsewhere");
  EXPECT_EQ(server_->post("/api/report", {{"method", "report.analyze"}, {"tenant_id", tenant}}, other).status, 404);
  const Reply empty = server_->post("/api/report", analyze, other);
  EXPECT_EQ(empty.status, 404);
  EXPECT_EQ(empty.body.value("code", ""), "no_data") << empty.text;
}

}  // namespace
}  // namespace glint::testing
