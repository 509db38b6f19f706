// The REST contract: schemas/openapi.json against the router, the seeds'
// shapes (as issue 13 quotes them) against the document and the live server,
// the sign-in aliases, pagination, and the checker itself. Every response
// these tests receive is also checked against the document (api_client.h).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "api_client.h"

namespace glint::testing {
namespace {

constexpr const char* kKey = "internal-contract-key-0123456789";

json source_document() {
  std::ifstream in(std::string(GLINT_SOURCE_DIR) + "/schemas/openapi.json");
  return json::parse(in, nullptr, false);
}

std::string csv_days(int days) {
  std::string csv = "Day,Customer ID,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n";
  for (int d = 0; d < days; ++d) {
    char date[32];
    std::snprintf(date, sizeof date, "2026-%02d-%02d", 1 + d / 28, 1 + d % 28);
    for (int c = 0; c < 3; ++c) {
      csv += std::string(date) + ",123-456-7890,Campaign " + std::to_string(c) + "," + std::to_string(500 + c) + ",USD,1000,50," +
             std::to_string(20 + 5 * c) + ".50," + std::to_string(1 + c) + "," + std::to_string(60 + 30 * c) + ".00\n";
    }
  }
  return csv;
}

class Contract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server({std::string("GLINT_INTERNAL_API_KEY=") + kKey, "GLINT_RATE_INSIGHTS_PER_MIN=1000"}, {}, "contract");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string email(const std::string& who) {
    static int n = 0;
    return who + std::to_string(++n) + "@example.com";
  }
  static Reply internal(const std::string& path) {
    return server_->request("GET", path, nullptr, "", {{"X-API-Key", kKey}});
  }
  static Server* server_;
};
Server* Contract::server_ = nullptr;

void collect_refs(const json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) {
      if (k == "$ref" && v.is_string()) {
        out.push_back(v.get<std::string>());
      } else {
        collect_refs(v, out);
      }
    }
  } else if (node.is_array()) {
    for (const json& v : node) collect_refs(v, out);
  }
}

TEST_F(Contract, ServedDocumentIsTheSourceWithEveryReferenceResolved) {
  const json source = source_document();
  ASSERT_TRUE(source.is_object()) << "schemas/openapi.json is not JSON";
  const json& served = server_->contract().doc();
  EXPECT_EQ(served["openapi"], "3.1.0");
  EXPECT_EQ(served["paths"].size(), source["paths"].size());
  for (const auto& [path, item] : source["paths"].items()) EXPECT_TRUE(served["paths"].contains(path)) << path;
  for (const char* scheme : {"SessionHeader", "SessionQuery", "BearerToken", "InternalKey"}) {
    EXPECT_TRUE(served["components"]["securitySchemes"].contains(scheme)) << scheme;
  }
  EXPECT_EQ(served["components"]["securitySchemes"]["SessionHeader"]["name"], "X-Session-ID");
  EXPECT_EQ(served["components"]["securitySchemes"]["SessionQuery"]["name"], "session_id");
  EXPECT_EQ(served["components"]["securitySchemes"]["InternalKey"]["name"], "X-API-Key");
  EXPECT_EQ(served["components"]["securitySchemes"]["BearerToken"]["scheme"], "bearer");
  // The report schemas of schemas/ are reused, not copied: the source refers
  // to the files, the served document carries them once each.
  std::vector<std::string> source_refs, served_refs;
  collect_refs(source, source_refs);
  collect_refs(served, served_refs);
  std::set<std::string> files;
  for (const std::string& r : source_refs) {
    if (r.rfind("#", 0) != 0) files.insert(r.substr(0, r.find('#')));
  }
  for (const char* f : {"analyze_report.schema.json", "performance_analysis.schema.json", "highlight_response.schema.json",
                        "profile_report.schema.json"}) {
    EXPECT_EQ(files.count(f), 1u) << f << " is not referred to";
  }
  for (const std::string& r : served_refs) {
    EXPECT_EQ(r.rfind("#/", 0), 0u) << r << " is not bundled";
    EXPECT_NE(server_->contract().schema().resolve(r), nullptr) << r << " does not resolve";
  }
}

TEST_F(Contract, RouterAndDocumentListTheSameRoutes) {
  const Reply routes = internal("/api/internal/routes");
  ASSERT_EQ(routes.status, 200) << routes.text;
  std::set<std::string> router, document;
  for (const json& r : routes.body["routes"]) router.insert(r["method"].get<std::string>() + " " + normalized_route(r["pattern"]));
  for (const auto& [method, tpl] : server_->contract().operations()) {
    if (server_->contract().doc()["paths"][tpl].value("x-glint-not-routed", false)) continue;
    document.insert(method + " " + normalized_route(tpl));
  }
  std::vector<std::string> only_router, only_document;
  std::set_difference(router.begin(), router.end(), document.begin(), document.end(), std::back_inserter(only_router));
  std::set_difference(document.begin(), document.end(), router.begin(), router.end(), std::back_inserter(only_document));
  EXPECT_TRUE(only_router.empty()) << "routes the document lacks: " << json(only_router).dump();
  EXPECT_TRUE(only_document.empty()) << "documented operations no route serves: " << json(only_document).dump();
  EXPECT_GE(router.size(), 80u);
}

TEST_F(Contract, TheCheckerRejectsWhatTheDocumentDoesNotSay) {
  const OpenApi& api = server_->contract();
  const std::vector<std::pair<std::string, std::string>> json_type = {{"Content-Type", "application/json"}};
  // glint's old list shape, without the seeds' `workspaces`.
  EXPECT_FALSE(api.check("GET", "/api/tenants", 200, json_type, R"({"tenants":[],"total":0})").empty());
  // A renamed error member.
  EXPECT_FALSE(api.check("GET", "/api/tenants", 401, json_type, R"({"message":"x","code":"y"})").empty());
  // An undocumented path that answers 200, and a missing rate-limit header.
  EXPECT_FALSE(api.check("GET", "/api/unknown", 200, json_type, "{}").empty());
  const std::string trends = R"({"success":true,"by_currency":[]})";
  EXPECT_FALSE(api.check("GET", "/performance-trends", 200, json_type, trends).empty());
  EXPECT_TRUE(api.check("GET", "/performance-trends", 200,
                        {{"Content-Type", "application/json"}, {"X-RateLimit-Limit", "1"}, {"X-RateLimit-Remaining", "0"},
                         {"X-RateLimit-Reset", "1"}},
                        trends)
                  .empty());
  // A keyword the validator does not implement is a problem, not a pass.
  const json unknown = {{"type", "object"}, {"dependentSchemas", json::object()}};
  EXPECT_FALSE(api.schema().problems(json::object(), unknown).empty());
  EXPECT_EQ(normalized_route("/api/invites/([0-9a-f]{64})/accept"), normalized_route("/api/invites/{token}/accept"));
}

// The response shapes issue 13 quotes from the seeds: each field must be
// required by the document (so it cannot drift away) — checked here — and
// present in the live answers (the seed client below).
struct SeedShape {
  const char* method;
  const char* path;
  int status;
  std::vector<std::string> fields;  // dotted paths
};
const std::vector<SeedShape>& seed_shapes() {
  static const std::vector<SeedShape> k = {
      {"GET", "/api/tenants", 200, {"workspaces"}},
      {"POST", "/api/tenants", 201, {"success", "tenant", "tenant.id", "tenant.name", "tenant.owner_id"}},
      {"GET", "/api/tenants/current", 200, {"tenant", "tenant.id", "tenant.name"}},
      {"GET", "/api/tenants/{tenant_id}", 200, {"id", "name", "connected_platforms"}},
      {"GET", "/api/tenants/{tenant_id}/integrations", 200, {"integrations"}},
      {"GET", "/api/session/validate", 200, {"valid", "session_id", "user", "selected_account", "user_authenticated", "platforms"}},
      {"GET", "/api/onboarding/status", 200, {"completed_steps", "pending_steps", "progress_percentage", "can_skip"}},
      {"GET", "/api/tenants/invites/{invite_id}/details", 200, {"email", "role", "tenant_id", "status"}},
      {"POST", "/api/tenants/invites/{invite_id}/accept", 200, {"success", "tenant"}},
      {"GET", "/api/tenants/invites/pending", 200, {"invites"}},
      {"PUT", "/api/tenants/{tenant_id}/members/{user_id}/role", 200, {"success", "user_id", "role"}},
      {"POST", "/eda", 200, {"eda_report_path"}},
      {"POST", "/api/v1/auth/login", 200, {"access_token", "refresh_token", "expires_in"}},
      {"POST", "/api/v1/auth/refresh", 200, {"access_token", "refresh_token", "expires_in"}},
      {"POST", "/auth/login", 200, {"access_token", "refresh_token", "expires_in"}},
      {"GET", "/api/v1/auth/me", 200, {"user"}},
      {"GET", "/api/tenants/{tenant_id}/members", 200, {"items", "total", "page", "limit", "pages", "has_next", "has_prev"}},
      {"POST", "/api/auth/register", 202, {"success", "verification_required", "detail"}},
      {"POST", "/api/auth/verify-email", 200, {"session_id", "expires_at", "user", "user.email_verified"}},
      {"POST", "/api/auth/password", 200, {"success", "signed_out_sessions"}},
      {"POST", "/api/auth/logout-all", 200, {"success", "signed_out_sessions"}},
      {"GET", "/api/tenants/{tenant_id}/invites", 200, {"invites"}},
  };
  return k;
}

// Whether `schema` (refs and allOf followed) requires the dotted `field`.
bool requires_field(const OpenApi& api, const json& schema, const std::string& field) {
  const json& s = api.follow(schema);
  const size_t dot = field.find('.');
  const std::string head = field.substr(0, dot);
  if (s.contains("allOf")) {
    for (const json& sub : s["allOf"]) {
      if (requires_field(api, sub, field)) return true;
    }
  }
  bool required = false;
  for (const json& r : s.value("required", json::array())) required |= r == head;
  if (!required || !s.contains("properties") || !s["properties"].contains(head)) return false;
  return dot == std::string::npos || requires_field(api, s["properties"][head], field.substr(dot + 1));
}

TEST_F(Contract, TheDocumentRequiresEverySeedField) {
  const OpenApi& api = server_->contract();
  for (const SeedShape& shape : seed_shapes()) {
    const json* resp = api.response(shape.method, shape.path, shape.status);
    ASSERT_NE(resp, nullptr) << shape.method << " " << shape.path << " " << shape.status << " is not documented";
    const json& schema = (*resp)["content"]["application/json"]["schema"];
    for (const std::string& f : shape.fields) {
      EXPECT_TRUE(requires_field(api, schema, f)) << shape.method << " " << shape.path << ": '" << f << "' is not required";
    }
  }
  // Invite objects carry their author for admins.
  const json* list = api.response("GET", "/api/tenants/{tenant_id}/invites", 200);
  ASSERT_NE(list, nullptr);
  const json& invites = api.follow(api.follow((*list)["content"]["application/json"]["schema"])["properties"]["invites"]);
  EXPECT_TRUE(requires_field(api, invites["items"], "created_by"));
}

// Walks a reply along a dotted path; null when absent.
json at(const json& doc, const std::string& field) {
  const json* n = &doc;
  size_t i = 0;
  while (i <= field.size()) {
    const size_t j = std::min(field.find('.', i), field.size());
    const std::string key = field.substr(i, j - i);
    if (!n->is_object() || !n->contains(key)) return json();
    n = &(*n)[key];
    i = j + 1;
  }
  return *n;
}

void expect_fields(const Reply& r, const char* method, const char* path, int status) {
  for (const SeedShape& s : seed_shapes()) {
    if (std::string(s.method) != method || std::string(s.path) != path) continue;
    EXPECT_EQ(r.status, s.status) << method << " " << path << ": " << r.text;
    for (const std::string& f : s.fields) {
      EXPECT_TRUE(r.body.is_object() && (f.find('.') == std::string::npos ? r.body.contains(f) : !at(r.body, f).is_null()))
          << method << " " << path << ": '" << f << "' missing in " << r.text.substr(0, 300);
    }
    return;
  }
  EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.text;
}

// A client written from the seed shapes alone: accounts, sessions,
// workspaces, members, invites, onboarding, datasets, bronze highlight and
// the analysis endpoints.
TEST_F(Contract, SeedClientWorksEndToEnd) {
  const std::string owner_email = email("seedowner");
  const std::string owner = server_->account(owner_email);
  ASSERT_FALSE(owner.empty());

  const Reply created = server_->post("/api/tenants", {{"name", "Seed Agency"}}, owner);
  expect_fields(created, "POST", "/api/tenants", 201);
  EXPECT_EQ(created.body["success"], true);
  const std::string tid = created.body["tenant"]["id"];
  EXPECT_EQ(created.body["tenant"]["name"], "Seed Agency");

  const Reply list = server_->get("/api/tenants", owner);
  expect_fields(list, "GET", "/api/tenants", 200);
  ASSERT_EQ(list.body["workspaces"].size(), 1u);
  EXPECT_EQ(list.body["workspaces"][0]["id"], tid);
  const Reply current = server_->get("/api/tenants/current", owner);
  expect_fields(current, "GET", "/api/tenants/current", 200);
  EXPECT_EQ(current.body["tenant"]["id"], tid);
  const Reply one = server_->get("/api/tenants/" + tid, owner);
  expect_fields(one, "GET", "/api/tenants/{tenant_id}", 200);
  EXPECT_TRUE(one.body["connected_platforms"].is_array());
  expect_fields(server_->get("/api/tenants/" + tid + "/integrations", owner), "GET", "/api/tenants/{tenant_id}/integrations", 200);

  const Reply valid = server_->get("/api/session/validate", owner);
  expect_fields(valid, "GET", "/api/session/validate", 200);
  EXPECT_EQ(valid.body["session_id"], owner);
  EXPECT_EQ(valid.body["user"]["email"], owner_email);
  EXPECT_EQ(valid.body["selected_account"]["id"], tid);
  EXPECT_EQ(server_->get("/api/session/validate?session_id=" + owner).body["valid"], true);

  // Invites, by the seeds' paths.
  const std::string guest_email = email("seedguest");
  const std::string guest = server_->account(guest_email);
  const Reply inv = server_->post("/api/tenants/" + tid + "/invites", {{"email", guest_email}, {"role", "member"}}, owner);
  ASSERT_EQ(inv.status, 201) << inv.text;
  const std::string invite_id = inv.body["token"];
  EXPECT_EQ(inv.body["created_by"]["email"], owner_email);
  const Reply details = server_->get("/api/tenants/invites/" + invite_id + "/details");
  expect_fields(details, "GET", "/api/tenants/invites/{invite_id}/details", 200);
  EXPECT_EQ(details.body["status"], "pending");
  const Reply pending = server_->get("/api/tenants/invites/pending", guest);
  expect_fields(pending, "GET", "/api/tenants/invites/pending", 200);
  EXPECT_EQ(pending.body["invites"].size(), 1u);
  const Reply accepted = server_->post("/api/tenants/invites/" + invite_id + "/accept", json::object(), guest);
  expect_fields(accepted, "POST", "/api/tenants/invites/{invite_id}/accept", 200);
  EXPECT_EQ(accepted.body["tenant"]["id"], tid);
  EXPECT_EQ(server_->get("/api/invites/" + invite_id).body["status"], "accepted");  // glint's alias

  // Members and the seeds' role route.
  const Reply members = server_->get("/api/tenants/" + tid + "/members", owner);
  expect_fields(members, "GET", "/api/tenants/{tenant_id}/members", 200);
  std::string guest_id;
  for (const json& m : members.body["members"]) {
    if (m["email"] == guest_email) guest_id = m["user_id"];
  }
  ASSERT_FALSE(guest_id.empty());
  const Reply role = server_->put("/api/tenants/" + tid + "/members/" + guest_id + "/role", {{"role", "admin"}}, owner);
  expect_fields(role, "PUT", "/api/tenants/{tenant_id}/members/{user_id}/role", 200);
  EXPECT_EQ(role.body["role"], "admin");
  EXPECT_EQ(server_->put("/api/tenants/" + tid + "/members/" + guest_id + "/role", {{"role", "owner"}}, guest).status, 403);
  const Reply invites = server_->get("/api/tenants/" + tid + "/invites", guest);
  expect_fields(invites, "GET", "/api/tenants/{tenant_id}/invites", 200);

  // Onboarding.
  const Reply status = server_->get("/api/onboarding/status", owner);
  expect_fields(status, "GET", "/api/onboarding/status", 200);
  EXPECT_EQ(status.body["progress_percentage"], 0);
  EXPECT_EQ(status.body["can_skip"], true);
  server_->post("/api/onboarding/update-step", {{"step", "upload_data"}}, owner);
  const Reply later = server_->get("/api/onboarding/status", owner);
  EXPECT_EQ(later.body["completed_steps"], json({"welcome", "workspace", "connect_platforms"}));
  EXPECT_EQ(later.body["pending_steps"], json({"upload_data", "first_insights"}));
  EXPECT_EQ(later.body["progress_percentage"], 60);
  server_->post("/api/onboarding/complete", json::object(), owner);
  const Reply done = server_->get("/api/onboarding/status", owner);
  EXPECT_EQ(done.body["progress_percentage"], 100);
  EXPECT_EQ(done.body["pending_steps"], json::array());
  EXPECT_EQ(done.body["can_skip"], false);

  // Datasets, bronze highlight, the analysis endpoints, /eda.
  const Reply up = server_->upload("/api/datasets", {{"google.csv", csv_days(35)}}, owner);
  ASSERT_EQ(up.status, 201) << up.text;
  const Reply hl = server_->post("/api/bronze/highlight", {{"highlight_type", "summary"}, {"date_range", "7_days"}}, owner);
  ASSERT_EQ(hl.status, 200) << hl.text;
  EXPECT_FALSE(hl.body["facts"].empty());
  for (const char* p : {"/ad-performance-analysis", "/campaign-comparison", "/ad-recommendations", "/performance-trends",
                        "/optimization-action-plan", "/budget-reallocation-plan"}) {
    EXPECT_EQ(server_->get(std::string(p) + "?date_range=30_days", owner).status, 200) << p;
    EXPECT_EQ(server_->post(p, {{"date_range", "7_days"}}, owner).status, 200) << p;
  }
  const Reply eda = server_->upload("/eda", {{"google.csv", csv_days(5)}}, owner);
  expect_fields(eda, "POST", "/eda", 200);
  EXPECT_EQ(server_->get(eda.body["eda_report_path"], owner).status, 200);  // it names the report
  EXPECT_EQ(server_->get("/api/datasets?limit=1", owner).body["datasets"].size(), 1u);
}

TEST_F(Contract, ListsArePagedTheStratumWay) {
  const std::string s = server_->account(email("pager"));
  for (const char* n : {"One", "Two", "Three"}) ASSERT_EQ(server_->post("/api/tenants", {{"name", n}}, s).status, 201);
  const Reply all = server_->get("/api/tenants", s);
  EXPECT_EQ(all.body["total"], 3);
  EXPECT_EQ(all.body["pages"], 1);
  EXPECT_EQ(all.body["has_next"], false);
  const Reply second = server_->get("/api/tenants?page=2&limit=1", s);
  ASSERT_EQ(second.status, 200) << second.text;
  EXPECT_EQ(second.body["items"].size(), 1u);
  EXPECT_EQ(second.body["workspaces"], second.body["items"]);
  EXPECT_EQ(second.body["items"][0]["id"], all.body["items"][1]["id"]);
  EXPECT_EQ(second.body["total"], 3);
  EXPECT_EQ(second.body["page"], 2);
  EXPECT_EQ(second.body["limit"], 1);
  EXPECT_EQ(second.body["pages"], 3);
  EXPECT_EQ(second.body["has_next"], true);
  EXPECT_EQ(second.body["has_prev"], true);
  EXPECT_EQ(server_->get("/api/tenants?page=4&limit=1", s).body["items"].size(), 0u);
  EXPECT_EQ(server_->get("/api/tenants?limit=0", s).status, 422);
  EXPECT_EQ(server_->get("/api/tenants?limit=501", s).status, 422);
  EXPECT_EQ(server_->get("/api/tenants?page=x", s).status, 422);
}

TEST_F(Contract, StratumAndMetricxSignInOverTheSameSessions) {
  const std::string mail = email("stratum");
  const std::string password = "correct horse battery";
  ASSERT_FALSE(server_->account(mail, password).empty());
  for (const std::string prefix : {"/api/v1/auth", "/auth"}) {
    const Reply login = server_->post(prefix + "/login", {{"email", mail}, {"password", password}});
    expect_fields(login, "POST", prefix == "/auth" ? "/auth/login" : "/api/v1/auth/login", 200);
    const std::string access = login.body["access_token"], refresh = login.body["refresh_token"];
    EXPECT_GT(login.body["expires_in"].get<int>(), 0);
    EXPECT_LE(login.body["expires_in"].get<int>(), 3600);
    // The access token is a session everywhere, as Bearer or X-Session-ID.
    const Reply me = server_->request("GET", prefix + "/me", nullptr, "", {{"Authorization", "Bearer " + access}});
    ASSERT_EQ(me.status, 200) << me.text;
    EXPECT_EQ(me.body["user"]["email"], mail);
    EXPECT_EQ(server_->get("/api/auth/me", access).status, 200);
    // The refresh token is not an access token, and is used up by a refresh.
    EXPECT_EQ(server_->get("/api/auth/me", refresh).status, 401);
    const Reply renewed = server_->post(prefix + "/refresh", {{"refresh_token", refresh}});
    expect_fields(renewed, "POST", "/api/v1/auth/refresh", 200);
    EXPECT_NE(renewed.body["refresh_token"], refresh);
    const Reply reused = server_->post(prefix + "/refresh", {{"refresh_token", refresh}});
    EXPECT_EQ(reused.status, 401);
    EXPECT_EQ(reused.body["success"], false);
    EXPECT_EQ(reused.body["code"], "invalid_refresh_token");
    EXPECT_TRUE(reused.body["error"].is_string());
    EXPECT_TRUE(reused.body.contains("details"));
    // Logout ends the access token and the refresh token given with it.
    const std::string access2 = renewed.body["access_token"], refresh2 = renewed.body["refresh_token"];
    EXPECT_EQ(server_->post(prefix + "/logout", {{"refresh_token", refresh2}}, access2).status, 200);
    EXPECT_EQ(server_->get("/api/auth/me", access2).status, 401);
    EXPECT_EQ(server_->post(prefix + "/refresh", {{"refresh_token", refresh2}}).status, 401);
    const Reply anonymous = server_->get(prefix + "/me");
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.body["success"], false);  // Stratum's error shape, from the router too
  }
  // Metricx's OAuth2 password form names the address `username`.
  httplib::Client c("127.0.0.1", server_->port());
  auto form = c.Post("/auth/login", "username=" + mail + "&password=correct+horse+battery", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200) << form->body;
  // Signing out everywhere ends refresh tokens too.
  const Reply login = server_->post("/api/v1/auth/login", {{"email", mail}, {"password", password}});
  EXPECT_EQ(server_->post("/api/auth/logout-all", json::object(), login.body["access_token"]).status, 200);
  EXPECT_EQ(server_->post("/api/v1/auth/refresh", {{"refresh_token", login.body["refresh_token"]}}).status, 401);
}

TEST(ContractThrottle, AliasSignInIsThrottledWithTheSameCounters) {
  Server server({"GLINT_LOGIN_FAILURES=3"}, {}, "contract_throttle");
  server.account("alias@example.com", "the right password");
  // Failures on the seeds' route count for the aliases, and the other way.
  EXPECT_EQ(server.post("/api/auth/login", {{"email", "alias@example.com"}, {"password", "wrong"}}).status, 401);
  EXPECT_EQ(server.post("/api/v1/auth/login", {{"email", "alias@example.com"}, {"password", "wrong"}}).status, 401);
  EXPECT_EQ(server.post("/auth/login", {{"email", "alias@example.com"}, {"password", "wrong"}}).status, 401);
  const Reply r = server.post("/api/v1/auth/login", {{"email", "alias@example.com"}, {"password", "the right password"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body["success"], false);
  EXPECT_FALSE(r.header("Retry-After").empty());
  EXPECT_EQ(server.post("/api/auth/login", {{"email", "alias@example.com"}, {"password", "the right password"}}).status, 429);
}

TEST_F(Contract, DocsAndDocumentAreServed) {
  const Reply docs = server_->get("/docs");
  EXPECT_EQ(docs.status, 302);
  EXPECT_EQ(docs.header("Location"), "/docs/");
  const Reply doc = server_->get("/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body["info"]["title"], "glint REST API");
}

}  // namespace
}  // namespace glint::testing
