// Regression tests for the security review of `glint serve` (issue 10): one
// test (or more) per finding, each on the real binary over loopback, with
// the exact bytes an attacker would send. Memory bounds are read from the
// server's /proc/PID/status; slow-client tests are bounded in time.
#include <gtest/gtest.h>
#include <signal.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "api_client.h"
#include "raw_client.h"

namespace glint::testing {
namespace {

using Clock = std::chrono::steady_clock;

// The workspace id in a reply, whether bare or wrapped in "tenant".
std::string id_of(const Reply& r) {
  if (r.body.is_object() && r.body.contains("tenant") && r.body["tenant"].is_object()) return r.body["tenant"].value("id", "");
  return r.body.is_object() ? r.body.value("id", "") : "";
}

// A daily Google Ads export: `days` days from 2026-03-01 for each campaign.
std::string ads_csv(const std::vector<std::string>& campaigns, int first_day, int days, int spend_units = 10,
                    const std::string& account = "111-222-3333") {
  std::string csv = "Day,Customer ID,Campaign,Campaign ID,Currency code,Impr.,Clicks,Cost,Conversions,Conv. value\n";
  for (int d = first_day; d < first_day + days; ++d) {
    char date[32];
    std::snprintf(date, sizeof date, "2026-03-%02d", 1 + d);
    for (size_t c = 0; c < campaigns.size(); ++c) {
      csv += std::string(date) + "," + account + "," + campaigns[c] + "," + std::to_string(9000 + c) + ",USD,1000,40," +
             std::to_string(spend_units) + ".00,2,80.00\n";
    }
  }
  return csv;
}

std::string multipart(const std::string& boundary, const std::vector<std::pair<std::string, std::string>>& files) {
  std::string body;
  for (const auto& [name, content] : files) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
            "\"\r\nContent-Type: text/csv\r\n\r\n" + content + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

std::string request(const std::string& method, const std::string& path, const std::string& session,
                    const std::string& extra_headers, const std::string& body, const std::string& type = "application/json") {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!session.empty()) r += "X-Session-ID: " + session + "\r\n";
  if (!type.empty()) r += "Content-Type: " + type + "\r\n";
  r += extra_headers;
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}


// ---------------------------------------------------------------- critical 1

TEST(Hardening, DeletedWorkspacesNeverAnswerForNewOnes) {
  Server server({"GLINT_RATE_INSIGHTS_PER_MIN=100000"});
  const std::string a = server.account("alice@example.com");
  const std::string d = server.account("dave@example.com");
  std::set<int64_t> ids_seen;
  for (int round = 0; round < 6; ++round) {
    const Reply wx = server.post("/api/tenants", {{"name", "WX " + std::to_string(round)}}, a);
    ASSERT_EQ(wx.status, 201) << wx.text;
    const int64_t wx_row = sql_int(server.db(), "SELECT MAX(id) FROM tenants");
    EXPECT_TRUE(ids_seen.insert(wx_row).second) << "row id " << wx_row << " was used before";
    const std::string secret = "Secret Campaign " + std::to_string(round);
    ASSERT_EQ(server.upload("/api/datasets", {{"a.csv", ads_csv({secret}, 0, 10)}}, a).status, 201);
    const Reply seen = server.get("/campaign-comparison", a);
    ASSERT_EQ(seen.status, 200);
    ASSERT_NE(seen.text.find(secret), std::string::npos);  // A's answer is cached now
    ASSERT_EQ(server.get("/api/bronze/highlight?highlight_type=summary", a).status, 405);  // POST only: the cache stays warm
    ASSERT_EQ(server.post("/api/bronze/highlight", {{"highlight_type", "summary"}}, a).status, 200);
    ASSERT_EQ(server.del("/api/tenants/" + id_of(wx), a).status, 200);

    const Reply dw = server.post("/api/tenants", {{"name", "D " + std::to_string(round)}}, d);
    ASSERT_EQ(dw.status, 201);
    const int64_t d_row = sql_int(server.db(), "SELECT MAX(id) FROM tenants");
    EXPECT_TRUE(ids_seen.insert(d_row).second) << "row id " << d_row << " of a deleted workspace was reused";
    ASSERT_EQ(server.post("/api/tenants/" + id_of(dw) + "/switch", json::object(), d).status, 200);
    ASSERT_EQ(server.upload("/api/datasets", {{"d.csv", ads_csv({"Dave Own " + std::to_string(round)}, 0, 3)}}, d).status, 201);
    const Reply mine = server.get("/campaign-comparison", d);
    ASSERT_EQ(mine.status, 200);
    EXPECT_EQ(mine.text.find("Secret"), std::string::npos) << "round " << round << ": " << mine.text.substr(0, 400);
    EXPECT_NE(mine.text.find("Dave Own " + std::to_string(round)), std::string::npos);
    const Reply facts = server.post("/api/bronze/highlight", {{"highlight_type", "summary"}}, d);
    EXPECT_EQ(facts.text.find("Secret"), std::string::npos);
    ASSERT_EQ(server.del("/api/tenants/" + id_of(dw), d).status, 200);
  }
  // Deleted workspaces leave nothing loaded behind.
  const Reply m = server.get("/metrics");
  EXPECT_NE(m.text.find("glint_workspace_engines 0"), std::string::npos) << m.text.substr(m.text.find("glint_workspace_engines"));
}

// ---------------------------------------------------------------- critical 2

TEST(Hardening, DeeplyNestedJsonIsRefusedNotWalked) {
  Server server;
  const std::string s = server.account("deep@example.com");
  const std::string deep = "{\"step\":\"x\",\"data\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  for (const char* path : {"/api/onboarding/update-step", "/api/tenants", "/api/bronze/highlight"}) {
    httplib::Client c("127.0.0.1", server.port());
    auto r = c.Post(path, {{"X-Session-ID", s}}, deep, "application/json");
    ASSERT_TRUE(r) << path << ": the server died";
    EXPECT_EQ(r->status, 400) << path;
    EXPECT_EQ(json::parse(r->body)["code"], "invalid_json") << path;
  }
  // The sign-in routes take a few KB at most: the same body is too large there.
  httplib::Client c("127.0.0.1", server.port());
  auto login = c.Post("/api/auth/login", deep, "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 413);
  // Nesting that real clients use still works.
  EXPECT_EQ(server.post("/api/onboarding/update-step", {{"step", "connect_platforms"}, {"data", {{"a", {{"b", {1, 2, {3}}}}}}}}, s).status, 200);
  EXPECT_EQ(server.get("/health").status, 200);
}

// ---------------------------------------------------------------- high 3–5

TEST(Hardening, CompressedRequestBodiesAreRefusedBeforeInflating) {
  Server server({}, {"--max-body-mb", "1"});
  // 256 MiB of zeros deflate to about 256 KiB.
  std::string zeros(1 << 20, '\0');
  z_stream z{};
  ASSERT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 16 + 15, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string gz;
  char out[1 << 16];
  for (int i = 0; i < 256; ++i) {
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(zeros.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(out);
      z.avail_out = sizeof out;
      deflate(&z, i == 255 ? Z_FINISH : Z_NO_FLUSH);
      gz.append(out, sizeof out - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  ASSERT_LT(gz.size(), 1u << 20);
  const long before = proc_kib(server.process().pid(), "VmHWM");
  RawConn conn(server.port());
  ASSERT_TRUE(conn.send_all(request("POST", "/api/auth/login", "", "Content-Encoding: gzip\r\n", gz)));
  const std::string answer = conn.read_all(5000);
  EXPECT_EQ(status_of(answer), 415) << answer.substr(0, 200);
  const long after = proc_kib(server.process().pid(), "VmHWM");
  EXPECT_LT(after - before, 32 * 1024) << "peak memory grew by " << (after - before) << " KiB";
  EXPECT_EQ(server.get("/health").status, 200);
}

TEST(Hardening, ChunkedBodiesObeyTheLimitAndAreCutWhenTheyCrossIt) {
  Server server({}, {"--max-body-mb", "1"});
  const std::string s = server.account("chunk@example.com");
  const long before = proc_kib(server.process().pid(), "VmHWM");
  RawConn conn(server.port());
  ASSERT_TRUE(conn.send_all("POST /api/tenants HTTP/1.1\r\nHost: x\r\nX-Session-ID: " + s +
                            "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk(64 * 1024, 'x');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
  size_t sent = 0;
  while (sent < (64u << 20) && conn.send_all(size_line + chunk + "\r\n")) sent += chunk.size();
  const std::string answer = conn.read_all(5000);
  EXPECT_EQ(status_of(answer), 413) << answer.substr(0, 200);
  EXPECT_LT(sent, 32u << 20) << "the server kept reading a body far past its limit";
  const long after = proc_kib(server.process().pid(), "VmHWM");
  EXPECT_LT(after - before, 32 * 1024) << "peak memory grew by " << (after - before) << " KiB";
  EXPECT_EQ(server.get("/health").status, 200);
}

TEST(Hardening, OverLimitBodiesAreRefusedFromTheHeaders) {
  Server server({}, {"--max-body-mb", "1"});
  const std::string s = server.account("headers@example.com");
  RawConn conn(server.port());
  const auto start = Clock::now();
  ASSERT_TRUE(conn.send_all("POST /api/datasets HTTP/1.1\r\nHost: x\r\nX-Session-ID: " + s +
                            "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 10737418240\r\n\r\n"));
  const std::string answer = conn.read_head(3000);
  EXPECT_EQ(status_of(answer), 413) << answer;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  // A body with Expect: 100-continue is refused before it is sent.
  RawConn expect(server.port());
  ASSERT_TRUE(expect.send_all("POST /api/tenants HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              "Expect: 100-continue\r\nContent-Length: 5000000\r\n\r\n"));
  EXPECT_EQ(status_of(expect.read_head(3000)), 413);
}

TEST(Hardening, RangesAreOneOnStaticFilesAndIgnoredOnRoutes) {
  Server server;
  const std::string script(1 << 20, 'a');
  { std::ofstream(server.dir() / "web" / "app.js", std::ios::binary) << script; }
  { std::ofstream(server.dir() / "web" / "index.html") << "<!doctype html><title>x</title>"; }
  server.stop(SIGTERM);
  server.restart_with({});  // the page is served when the web root has one
  std::string many = "bytes=0-";
  for (int i = 1; i < 600; ++i) many += ",0-";
  const long before = proc_kib(server.process().pid(), "VmHWM");
  RawConn amplified(server.port());
  ASSERT_TRUE(amplified.send_all("GET /app.js HTTP/1.1\r\nHost: x\r\nRange: " + many + "\r\n\r\n"));
  const std::string a = amplified.read_all(5000, 4u << 20);
  EXPECT_EQ(status_of(a), 416) << a.substr(0, 200);
  EXPECT_LT(a.size(), 4096u);
  EXPECT_LT(proc_kib(server.process().pid(), "VmHWM") - before, 16 * 1024);

  RawConn one(server.port());
  ASSERT_TRUE(one.send_all("GET /app.js HTTP/1.1\r\nHost: x\r\nRange: bytes=10-19\r\nConnection: close\r\n\r\n"));
  const std::string o = one.read_all(5000);
  EXPECT_EQ(status_of(o), 206) << o.substr(0, 200);
  EXPECT_EQ(o.substr(o.find("\r\n\r\n") + 4), "aaaaaaaaaa");

  RawConn dynamic(server.port());
  ASSERT_TRUE(dynamic.send_all("GET /health HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3,5-9\r\nConnection: close\r\n\r\n"));
  const std::string h = dynamic.read_all(5000);
  EXPECT_EQ(status_of(h), 200) << h.substr(0, 200);
  EXPECT_NE(h.find("\"status\":\"healthy\""), std::string::npos);
}

// ---------------------------------------------------------------- high 6

// A client that sends one header byte every 400 ms: the per-read timeout
// never fires, the deadline for the whole head does.
TEST(Hardening, ARequestHeadMustArriveWhole_ByItsDeadline) {
  Server server({"GLINT_HEADER_TIMEOUT=2", "GLINT_READ_TIMEOUT=10"});
  RawConn slow(server.port());
  const std::string head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(100, 'p') + "\r\n\r\n";
  const auto start = Clock::now();
  std::string got;
  for (char ch : head) {
    if (!slow.send_all(std::string(1, ch))) break;
    got = slow.read_all(400);
    if (!got.empty()) break;
  }
  EXPECT_EQ(status_of(got), 408) << got.substr(0, 200);
  const double took = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GT(took, 1.5);
  EXPECT_LT(took, 5.0);
}

TEST(Hardening, ABodyMustKeepAMinimumRate) {
  Server server({"GLINT_BODY_TIMEOUT=2", "GLINT_BODY_MIN_RATE_KB=1", "GLINT_READ_TIMEOUT=10"});
  const std::string s = server.account("trickle@example.com");
  RawConn slow(server.port());
  ASSERT_TRUE(slow.send_all("POST /api/tenants HTTP/1.1\r\nHost: x\r\nX-Session-ID: " + s +
                            "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"name\":\""));
  const auto start = Clock::now();
  std::string got;
  while (Clock::now() - start < std::chrono::seconds(8) && got.empty()) {
    if (!slow.send_all("x")) break;
    got = slow.read_all(300);
  }
  EXPECT_EQ(status_of(got), 408) << got.substr(0, 200);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(6));
}

// 64 slowloris sockets from one address: those over the per-address cap are
// refused at once, the rest are cut at the head deadline, and everyone else
// is served all along.
TEST(Hardening, SlowlorisFromOneAddressDoesNotStopTheServer) {
  Server server({"GLINT_HEADER_TIMEOUT=3", "GLINT_CONNECTIONS_PER_ADDRESS=16", "GLINT_THREADS=32"});
  std::vector<RawConn> slow;
  for (int i = 0; i < 64; ++i) {
    slow.emplace_back(server.port(), "127.0.0.9");
    slow.back().send_all("GET /health HTTP/1.1\r\nHost: x\r\nX-a: ");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int refused = 0;
  for (RawConn& c : slow) refused += status_of(c.read_all(50)) == 503;
  EXPECT_EQ(refused, 64 - 16);
  for (int i = 0; i < 20; ++i) {
    const auto start = Clock::now();
    RawConn other(server.port(), "127.0.0.2");
    ASSERT_TRUE(other.send_all("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    EXPECT_EQ(status_of(other.read_all(2000)), 200);
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));
  }
  // The admitted slow ones are answered 408 and closed by the deadline.
  int timed_out = 0;
  for (RawConn& c : slow) timed_out += status_of(c.read_all(4000)) == 408;
  EXPECT_EQ(timed_out, 16);
}

TEST(Hardening, SixtyFourSlowSocketsLeaveWorkersForEveryoneElse) {
  // The default pool (128 workers) with a per-address cap above the attack.
  Server server({"GLINT_HEADER_TIMEOUT=4", "GLINT_CONNECTIONS_PER_ADDRESS=1000"});
  std::vector<RawConn> slow;
  for (int i = 0; i < 64; ++i) {
    slow.emplace_back(server.port());
    slow.back().send_all("GET /health HTTP/1.1\r\nHost: x\r\nX-a: ");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 20; ++i) {
    const auto start = Clock::now();
    EXPECT_EQ(server.get("/health").status, 200);
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1000));
  }
  for (int i = 0; i < 8; ++i) {  // a trickle keeps no socket past the deadline
    for (RawConn& c : slow) c.send_all("y");
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  int closed = 0;
  for (RawConn& c : slow) closed += c.closed_by_peer(3000);
  EXPECT_EQ(closed, 64);
}

// ---------------------------------------------------------------- high 7

TEST(Hardening, TruncatedUploadsStoreNothingAndReplaceNothing) {
  Server server;
  const std::string s = server.account("cut@example.com");
  ASSERT_EQ(server.post("/api/tenants", {{"name", "Cut Co"}}, s).status, 201);
  ASSERT_EQ(server.upload("/api/datasets", {{"good.csv", ads_csv({"Good"}, 0, 10, 10)}}, s).status, 201);
  const int64_t cells = sql_int(server.db(), "SELECT COUNT(*) FROM dataset_cells");
  const int64_t spend = sql_int(server.db(), "SELECT SUM(m2) FROM dataset_cells");
  ASSERT_GT(cells, 0);

  // 1. The client goes away half-way through an overlapping upload.
  const std::string body = multipart("XyZ", {{"new.csv", ads_csv({"Good"}, 5, 10, 99)}});
  {
    RawConn conn(server.port());
    ASSERT_TRUE(conn.send_all(
        request("POST", "/api/datasets", s, "", body, "multipart/form-data; boundary=XyZ").substr(0, body.size() / 2 + 200)));
    // The head said the whole length; half of it came. Close.
  }
  // 2. A whole body whose closing boundary never comes.
  {
    std::string cut = body.substr(0, body.rfind("--XyZ--"));
    RawConn conn(server.port());
    ASSERT_TRUE(conn.send_all(request("POST", "/api/datasets", s, "Connection: close\r\n", cut, "multipart/form-data; boundary=XyZ")));
    const std::string answer = conn.read_all(5000);
    EXPECT_EQ(status_of(answer), 400) << answer.substr(0, 300);
    EXPECT_NE(answer.find("incomplete_upload"), std::string::npos);
  }
  // 3. Two files, the second cut: all or nothing.
  {
    const std::string two = multipart("QqQ", {{"a.csv", ads_csv({"Other"}, 0, 3, 5)}, {"b.csv", ads_csv({"Good"}, 0, 10, 7)}});
    const std::string cut = two.substr(0, two.size() - 40);
    RawConn conn(server.port());
    ASSERT_TRUE(conn.send_all(request("POST", "/api/datasets", s, "Connection: close\r\n", cut, "multipart/form-data; boundary=QqQ")));
    EXPECT_EQ(status_of(conn.read_all(5000)), 400);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM datasets"), 1);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM dataset_cells"), cells);
  EXPECT_EQ(sql_int(server.db(), "SELECT SUM(m2) FROM dataset_cells"), spend);
  EXPECT_EQ(sql_text(server.db(), "PRAGMA integrity_check"), "ok");
  // And a whole two-file upload is stored whole.
  EXPECT_EQ(server.upload("/api/datasets", {{"a.csv", ads_csv({"Other"}, 0, 3, 5, "999-888-7777")}, {"b.csv", ads_csv({"Third"}, 0, 3, 5, "555-444-3333")}}, s)
                .status,
            201);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM datasets"), 3);
}

TEST(Hardening, KillDuringAnUploadThatReplacesRowsKeepsTheOldRows) {
  Server server;
  const std::string s = server.account("kill@example.com");
  ASSERT_EQ(server.post("/api/tenants", {{"name", "Kill Co"}}, s).status, 201);
  std::vector<std::string> many;
  for (int i = 0; i < 400; ++i) many.push_back("C" + std::to_string(i));
  ASSERT_EQ(server.upload("/api/datasets", {{"old.csv", ads_csv(many, 0, 28, 10)}}, s).status, 201);
  const int64_t cells = sql_int(server.db(), "SELECT COUNT(*) FROM dataset_cells");
  const int64_t spend = sql_int(server.db(), "SELECT SUM(m2) FROM dataset_cells");
  std::thread up([&] { server.upload("/api/datasets", {{"new.csv", ads_csv(many, 0, 28, 50)}}, s); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  server.stop(SIGKILL);
  up.join();
  server.start();
  EXPECT_EQ(sql_text(server.db(), "PRAGMA integrity_check"), "ok");
  const int64_t now_cells = sql_int(server.db(), "SELECT COUNT(*) FROM dataset_cells");
  const int64_t now_spend = sql_int(server.db(), "SELECT SUM(m2) FROM dataset_cells");
  EXPECT_EQ(now_cells, cells);
  EXPECT_TRUE(now_spend == spend || now_spend == spend * 5) << now_spend << " is neither the old nor the new total";
}

// ---------------------------------------------------------------- high 8

TEST(Hardening, InvitesDieWithTheirAuthorsRightToInvite) {
  Server server;
  const std::string owner = server.account("own@example.com");
  const Reply ws = server.post("/api/tenants", {{"name", "Invite Co"}}, owner);
  const std::string tid = id_of(ws);
  // Bob becomes admin through an invite, then invites two friends.
  const Reply bob_inv = server.post("/api/tenants/" + tid + "/invites", {{"email", "bob@example.com"}, {"role", "admin"}}, owner);
  ASSERT_EQ(bob_inv.status, 201) << bob_inv.text;
  const std::string bob = server.account("bob@example.com");
  ASSERT_EQ(server.post("/api/invites/" + bob_inv.body["token"].get<std::string>() + "/accept", json::object(), bob).status, 200);
  const Reply to_mallory = server.post("/api/tenants/" + tid + "/invites", {{"email", "mallory@example.com"}, {"role", "admin"}}, bob);
  const Reply to_trent = server.post("/api/tenants/" + tid + "/invites", {{"email", "trent@example.com"}}, bob);
  ASSERT_EQ(to_mallory.status, 201);
  // Owners see who made each invite.
  const Reply list = server.get("/api/tenants/" + tid + "/invites", owner);
  ASSERT_EQ(list.status, 200);
  int by_bob = 0;
  for (const json& i : list.body.value("invites", json::array())) by_bob += i["created_by"].is_object() && i["created_by"]["email"] == "bob@example.com";
  EXPECT_EQ(by_bob, 2);
  // Bob is demoted: his pending invites are gone.
  std::string bob_id;
  const Reply members = server.get("/api/tenants/" + tid + "/members", owner);
  for (const json& m : members.body["members"]) {
    if (m.value("email", "") == "bob@example.com") bob_id = m.value("user_id", "");
  }
  ASSERT_FALSE(bob_id.empty()) << members.text;
  ASSERT_EQ(server.patch("/api/tenants/" + tid + "/members/" + bob_id, {{"role", "member"}}, owner).status, 200);
  const std::string mallory = server.account("mallory@example.com");
  EXPECT_EQ(server.post("/api/invites/" + to_mallory.body["token"].get<std::string>() + "/accept", json::object(), mallory).status, 404);
  EXPECT_EQ(server.get("/api/tenants/" + tid, mallory).status, 404);
  // A demoted admin cannot invite any more; a removed one loses everything.
  EXPECT_EQ(server.post("/api/tenants/" + tid + "/invites", {{"email", "x@example.com"}}, bob).status, 403);
  ASSERT_EQ(server.patch("/api/tenants/" + tid + "/members/" + bob_id, {{"role", "admin"}}, owner).status, 200);
  const Reply again = server.post("/api/tenants/" + tid + "/invites", {{"email", "trent@example.com"}}, bob);
  ASSERT_EQ(again.status, 201);
  ASSERT_EQ(server.del("/api/tenants/" + tid + "/members/" + bob_id, owner).status, 200);
  const std::string trent = server.account("trent@example.com");
  EXPECT_EQ(server.post("/api/invites/" + again.body["token"].get<std::string>() + "/accept", json::object(), trent).status, 404);
  EXPECT_EQ(server.post("/api/invites/" + to_trent.body["token"].get<std::string>() + "/accept", json::object(), trent).status, 404);
  for (const char* p : {"", "/members", "/invites", "/integrations"}) {
    EXPECT_EQ(server.get("/api/tenants/" + tid + p, bob).status, 404) << p;
    EXPECT_EQ(server.get("/api/tenants/" + tid + p, trent).status, 404) << p;
  }
}

TEST(Hardening, OnlyTheVerifiedOwnerOfTheAddressAcceptsAnInvite) {
  Server server;
  const std::string owner = server.account("boss@example.com");
  const std::string tid = id_of(server.post("/api/tenants", {{"name", "Verified Co"}}, owner));
  const Reply inv = server.post("/api/tenants/" + tid + "/invites", {{"email", "carol@example.com"}}, owner);
  const std::string token = inv.body["token"];
  // Someone signs up as carol@ with their own password but cannot read her mail.
  ASSERT_EQ(server.post("/api/auth/register", {{"email", "carol@example.com"}, {"password", "squatter pass 123"}}).status, 202);
  const Reply squat = server.post("/api/auth/login", {{"email", "carol@example.com"}, {"password", "squatter pass 123"}});
  ASSERT_EQ(squat.status, 200);
  const std::string squatter = squat.body["session_id"];
  const Reply refused = server.post("/api/invites/" + token + "/accept", json::object(), squatter);
  EXPECT_EQ(refused.status, 404);
  EXPECT_NE(refused.text.find("verify"), std::string::npos);
  // Carol signs up for real: her code proves the address, her password wins,
  // and the squatter's session and password are void.
  ASSERT_EQ(server.post("/api/auth/register", {{"email", "carol@example.com"}, {"password", "carol's own pass"}}).status, 202);
  const Reply v = server.post("/api/auth/verify-email", {{"email", "carol@example.com"}, {"code", server.code_for("carol@example.com")}});
  ASSERT_EQ(v.status, 200) << v.text;
  EXPECT_EQ(server.get("/api/auth/me", squatter).status, 401);
  EXPECT_EQ(server.post("/api/auth/login", {{"email", "carol@example.com"}, {"password", "squatter pass 123"}}).status, 401);
  EXPECT_EQ(server.post("/api/invites/" + token + "/accept", json::object(), v.body["session_id"].get<std::string>()).status, 200);
  // Someone else's verified account cannot use it either (and it is spent).
  const std::string dan = server.account("dan@example.com");
  EXPECT_EQ(server.post("/api/invites/" + token + "/accept", json::object(), dan).status, 404);
}

TEST(Hardening, CodesAllowFiveTriesAndSignUpTellsNothing) {
  Server server;
  const std::string s = server.account("known@example.com");
  const Reply taken = server.post("/api/auth/register", {{"email", "known@example.com"}, {"password", "some other pass"}});
  const Reply fresh = server.post("/api/auth/register", {{"email", "fresh@example.com"}, {"password", "some other pass"}});
  EXPECT_EQ(taken.status, 202);
  EXPECT_EQ(taken.status, fresh.status);
  EXPECT_EQ(taken.body, fresh.body);  // the same answer, byte for byte
  EXPECT_NE(server.last_mail_to("known@example.com").find("already has"), std::string::npos);  // a notice, no code
  EXPECT_EQ(server.post("/api/auth/login", {{"email", "known@example.com"}, {"password", "some other pass"}}).status, 401);
  const std::string code = server.code_for("fresh@example.com");
  ASSERT_EQ(code.size(), 6u);
  const std::string wrong = code == "111111" ? "222222" : "111111";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(server.post("/api/auth/verify-email", {{"email", "fresh@example.com"}, {"code", wrong}}).status, 400);
  // Five wrong tries void the code: the right one no longer opens a session
  // (refused as a wrong code, or throttled).
  const int sixth = server.post("/api/auth/verify-email", {{"email", "fresh@example.com"}, {"code", code}}).status;
  EXPECT_TRUE(sixth == 400 || sixth == 429) << sixth;
  ASSERT_EQ(server.post("/api/auth/verify-email/resend", {{"email", "fresh@example.com"}}).status, 202);
  EXPECT_EQ(server.post("/api/auth/verify-email", {{"email", "fresh@example.com"}, {"code", server.code_for("fresh@example.com")}}).status, 200);
  EXPECT_EQ(server.get("/api/auth/me", s).body["user"]["email_verified"], true);
}

// ---------------------------------------------------------------- high 9

TEST(Hardening, NobodyElseCanLockAnAccount) {
  Server server({"GLINT_LOGIN_FAILURES=3", "GLINT_LOGIN_FAILURES_PER_ADDRESS=8"});
  server.account("victim@example.com", "victim's good pass");
  auto login = [&](const std::string& from, const std::string& email, const std::string& pass, const std::string& extra = "") {
    RawConn c(server.port(), from);
    c.send_all(request("POST", "/api/auth/login", "", extra + "Connection: close\r\n",
                       json{{"email", email}, {"password", pass}}.dump()));
    return status_of(c.read_all(10000));
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login("127.0.0.66", "victim@example.com", "guess"), 401);
  EXPECT_EQ(login("127.0.0.66", "victim@example.com", "victim's good pass"), 429);  // the guesser waits
  EXPECT_EQ(login("127.0.0.1", "victim@example.com", "victim's good pass"), 200);   // the victim does not
  // One address spraying many accounts reaches its own ceiling.
  for (int i = 0; i < 8; ++i) EXPECT_EQ(login("127.0.0.77", "user" + std::to_string(i) + "@example.com", "guess"), 401);
  EXPECT_EQ(login("127.0.0.77", "victim@example.com", "victim's good pass"), 429);
  // X-Forwarded-For is not believed from an untrusted peer.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(login("127.0.0.88", "victim@example.com", "guess", "X-Forwarded-For: 203.0.113." + std::to_string(i) + "\r\n"), 401);
  }
  EXPECT_EQ(login("127.0.0.88", "victim@example.com", "victim's good pass", "X-Forwarded-For: 198.51.100.1\r\n"), 429);
}

TEST(Hardening, BehindATrustedProxyTheForwardedAddressCounts) {
  Server server({"GLINT_LOGIN_FAILURES=3", "GLINT_TRUSTED_PROXIES=127.0.0.5"});
  server.account("user@example.com", "the right pass!");
  auto login = [&](const std::string& client, const std::string& pass) {
    RawConn c(server.port(), "127.0.0.5");
    c.send_all(request("POST", "/api/auth/login", "", "X-Forwarded-For: " + client + ", 127.0.0.5\r\nConnection: close\r\n",
                       json{{"email", "user@example.com"}, {"password", pass}}.dump()));
    return status_of(c.read_all(10000));
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login("203.0.113.9", "guess"), 401);
  EXPECT_EQ(login("203.0.113.9", "the right pass!"), 429);
  EXPECT_EQ(login("198.51.100.7", "the right pass!"), 200);  // another client behind the same proxy
}

TEST(Hardening, FailedSignInTablesAreBounded) {
  Server server({"GLINT_THROTTLE_ENTRIES=50", "GLINT_LOGIN_FAILURES_PER_ADDRESS=100000"});
  for (int i = 0; i < 200; ++i) server.post("/api/auth/login", {{"email", "nobody" + std::to_string(i) + "@example.com"}, {"password", "x"}});
  const std::string m = server.get("/metrics").text;
  const size_t at = m.find("glint_login_throttle_entries ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_LE(std::atol(m.c_str() + at + 29), 100);  // two tables of at most 50
}

// ---------------------------------------------------------------- medium, low

TEST(Hardening, UploadPartsAreCountedAndEdaReadsOneFile) {
  Server server;
  const std::string s = server.account("parts@example.com");
  ASSERT_EQ(server.post("/api/tenants", {{"name", "Parts Co"}}, s).status, 201);
  std::string body;
  for (int i = 0; i < 10000; ++i) body += "--B\r\nContent-Disposition: form-data; name=\"f" + std::to_string(i) + "\"\r\n\r\nv\r\n";
  body += "--B--\r\n";
  const long before = proc_kib(server.process().pid(), "VmHWM");
  RawConn conn(server.port());
  ASSERT_TRUE(conn.send_all(request("POST", "/api/datasets", s, "Connection: close\r\n", body, "multipart/form-data; boundary=B")));
  const std::string answer = conn.read_all(5000);
  EXPECT_EQ(status_of(answer), 413) << answer.substr(0, 300);
  EXPECT_NE(answer.find("too_many_parts"), std::string::npos);
  EXPECT_LT(proc_kib(server.process().pid(), "VmHWM") - before, 32 * 1024);
  // /eda profiles the first file; a second file is not appended to it.
  const std::string first = "a,b\n1,2\n3,4\n";
  const Reply eda = server.upload("/eda", {{"one.csv", first}, {"two.csv", "a,b\n5,6\n7,8\n9,10\n"}}, s);
  ASSERT_EQ(eda.status, 200) << eda.text;
  ASSERT_TRUE(eda.body.contains("profile")) << eda.text.substr(0, 300);
  EXPECT_EQ(eda.body["profile"]["table"].value("rows", -1), 2) << eda.text.substr(0, 600);
}

TEST(Hardening, MembersReplaceOnlyTheirOwnRows) {
  Server server;
  const std::string owner = server.account("admin-up@example.com");
  const std::string tid = id_of(server.post("/api/tenants", {{"name", "Overlap Co"}}, owner));
  const Reply inv = server.post("/api/tenants/" + tid + "/invites", {{"email", "member-up@example.com"}}, owner);
  const std::string member = server.account("member-up@example.com");
  ASSERT_EQ(server.post("/api/invites/" + inv.body["token"].get<std::string>() + "/accept", json::object(), member).status, 200);
  ASSERT_EQ(server.upload("/api/datasets", {{"owner.csv", ads_csv({"Brand"}, 0, 20, 10)}}, owner).status, 201);
  const int64_t spend = sql_int(server.db(), "SELECT SUM(m2) FROM dataset_cells");
  const Reply clash = server.upload("/api/datasets", {{"member.csv", ads_csv({"Brand"}, 10, 5, 99)}}, member);
  EXPECT_EQ(clash.status, 409) << clash.text;
  EXPECT_EQ(clash.body["code"], "overlap_needs_admin");
  EXPECT_EQ(sql_int(server.db(), "SELECT SUM(m2) FROM dataset_cells"), spend);
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM datasets"), 1);
  // Their own data, on another account, they may replace.
  const Reply first = server.upload("/api/datasets", {{"m1.csv", ads_csv({"Own"}, 0, 10, 3, "444-555-6666")}}, member);
  ASSERT_EQ(first.status, 201);
  const int64_t first_bytes = first.body["datasets"][0]["bytes"];
  ASSERT_EQ(server.upload("/api/datasets", {{"m2.csv", ads_csv({"Own"}, 5, 10, 4, "444-555-6666")}}, member).status, 201);
  // The replaced dataset now says what it still holds: days 1–5, 5 rows.
  const Reply list = server.get("/api/datasets", member);
  bool found = false;
  for (const json& d : list.body["datasets"]) {
    if (d["name"] != "m1.csv") continue;
    found = true;
    EXPECT_EQ(d["rows"], 5);
    EXPECT_EQ(d["date_min"], "2026-03-01");
    EXPECT_EQ(d["date_max"], "2026-03-05");
    EXPECT_LT(d["bytes"].get<int64_t>(), first_bytes);  // its share of the file's bytes, pro rata of rows
    EXPECT_GT(d["bytes"].get<int64_t>(), first_bytes / 4);
  }
  EXPECT_TRUE(found) << list.text;
  // An admin's upload replaces anyone's rows.
  EXPECT_EQ(server.upload("/api/datasets", {{"fix.csv", ads_csv({"Brand"}, 10, 5, 20)}}, owner).status, 201);
}

TEST(Hardening, HeadersAreCappedInSizeAndCount) {
  Server server;
  const long before = proc_kib(server.process().pid(), "VmHWM");
  RawConn endless(server.port());
  ASSERT_TRUE(endless.send_all("GET /health HTTP/1.1\r\nX-Endless: "));
  const std::string line(1 << 20, 'z');
  for (int i = 0; i < 64 && endless.send_all(line); ++i) {
  }
  EXPECT_EQ(status_of(endless.read_all(3000)), 431);
  std::string many = "GET /health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 500; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
  RawConn counted(server.port());
  ASSERT_TRUE(counted.send_all(many + "\r\n"));
  EXPECT_EQ(status_of(counted.read_all(3000)), 431);
  RawConn uri(server.port());
  uri.send_all("GET /" + std::string(100000, 'u') + " HTTP/1.1\r\n\r\n");
  EXPECT_EQ(status_of(uri.read_all(3000)), 414);
  EXPECT_LT(proc_kib(server.process().pid(), "VmHWM") - before, 16 * 1024);
  EXPECT_EQ(server.get("/health").status, 200);
}

TEST(Hardening, TextIsUtf8WithoutNulEverywhereItEnters) {
  Server server;
  const std::string s = server.account("utf@example.com");
  httplib::Client c("127.0.0.1", server.port());
  auto form = c.Post("/api/tenants", {{"X-Session-ID", s}}, "name=%FF%FE", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 400);
  auto bad_json = c.Post("/api/tenants", {{"X-Session-ID", s}}, std::string("{\"name\":\"\xff\"}"), "application/json");
  ASSERT_TRUE(bad_json);
  EXPECT_EQ(bad_json->status, 400);
  EXPECT_EQ(server.post("/api/auth/login", {{"email", std::string("a\0b@example.com", 15)}, {"password", "whatever pass"}}).status, 400);
  EXPECT_EQ(server.post("/api/auth/register", {{"email", std::string("utf@example.com\0x", 17)}, {"password", "whatever pass!"}}).status, 400);
  EXPECT_EQ(server.post("/api/tenants", {{"name", std::string("Acme\0Evil", 9)}}, s).status, 400);
  // A NUL in a static path, and a file name that is not UTF-8.
  EXPECT_EQ(server.get("/index.html%00.json").status, 400);
  ASSERT_EQ(server.post("/api/tenants", {{"name", "Names Co"}}, s).status, 201);
  const Reply up = server.upload("/api/datasets", {{"caf\xe9.csv", ads_csv({"A"}, 0, 2)}}, s);
  EXPECT_EQ(up.status, 400) << up.text;
  EXPECT_EQ(sql_int(server.db(), "SELECT COUNT(*) FROM datasets"), 0);
}

TEST(Hardening, PasswordsFollowCurrentGuidance) {
  Server server({"GLINT_PBKDF2_ITERATIONS="});  // the built-in default
  for (const char* weak : {"aaaaaaaaaa", "password123", "1234567890", "qwertyuiop", "short"}) {
    const Reply r = server.post("/api/auth/register", {{"email", "pw@example.com"}, {"password", weak}});
    EXPECT_EQ(r.status, 422) << weak;
    EXPECT_EQ(r.body["code"], "weak_password") << weak;
  }
  const std::string s = server.account("pw@example.com", "a long and fine pass");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(sql_text(server.db(), "SELECT password_hash FROM users WHERE email = 'pw@example.com'").rfind("pbkdf2_sha256$600000$", 0), 0u);
}

TEST(Hardening, PasswordsAreRehashedAtSignInWhenParametersChange) {
  Server server({"GLINT_PBKDF2_ITERATIONS=20000"});
  server.account("re@example.com", "the first password");
  const std::string sql = "SELECT password_hash FROM users WHERE email = 're@example.com'";
  EXPECT_EQ(sql_text(server.db(), sql).rfind("pbkdf2_sha256$20000$", 0), 0u);
  server.stop(SIGTERM);
  server.restart_with({"GLINT_PBKDF2_ITERATIONS=30000"});
  EXPECT_EQ(server.post("/api/auth/login", {{"email", "re@example.com"}, {"password", "the first password"}}).status, 200);
  EXPECT_EQ(sql_text(server.db(), sql).rfind("pbkdf2_sha256$30000$", 0), 0u);
  EXPECT_EQ(server.post("/api/auth/login", {{"email", "re@example.com"}, {"password", "the first password"}}).status, 200);
}

TEST(Hardening, SessionsEndOnPasswordChangeAndOnSignOutEverywhere) {
  Server server;
  const std::string a = server.account("sess@example.com", "the first password");
  const std::string b = server.post("/api/auth/login", {{"email", "sess@example.com"}, {"password", "the first password"}}).body["session_id"];
  EXPECT_EQ(server.post("/api/auth/password", {{"current_password", "wrong one here"}, {"new_password", "a second password"}}, a).status, 401);
  EXPECT_EQ(server.post("/api/auth/password", {{"current_password", "the first password"}, {"new_password", "password123"}}, a).status, 422);
  const Reply changed = server.post("/api/auth/password", {{"current_password", "the first password"}, {"new_password", "a second password"}}, a);
  ASSERT_EQ(changed.status, 200) << changed.text;
  EXPECT_EQ(changed.body["signed_out_sessions"], 1);
  EXPECT_EQ(server.get("/api/auth/me", a).status, 200);
  EXPECT_EQ(server.get("/api/auth/me", b).status, 401);
  EXPECT_EQ(server.post("/api/auth/login", {{"email", "sess@example.com"}, {"password", "the first password"}}).status, 401);
  const std::string c = server.post("/api/auth/login", {{"email", "sess@example.com"}, {"password", "a second password"}}).body["session_id"];
  const Reply all = server.post("/api/auth/logout-all", json::object(), c);
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.body["signed_out_sessions"], 2);
  EXPECT_EQ(server.get("/api/auth/me", a).status, 401);
  EXPECT_EQ(server.get("/api/auth/me", c).status, 401);
}

TEST(Hardening, SignUpsAreRateLimitedPerAddress) {
  Server server({"GLINT_SIGNUPS_PER_HOUR=3"});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(server.post("/api/auth/register", {{"email", "n" + std::to_string(i) + "@example.com"}, {"password", "a fine long pass"}}).status, 202);
  }
  const Reply r = server.post("/api/auth/register", {{"email", "n9@example.com"}, {"password", "a fine long pass"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_FALSE(r.header("Retry-After").empty());
}

TEST(Hardening, SecurityHeadersAndRedactedLogs) {
  const std::filesystem::path log = std::filesystem::temp_directory_path() / ("glint_access_" + std::to_string(getpid()) + ".log");
  std::filesystem::remove(log);
  Server server({"GLINT_ACCESS_LOG=" + log.string()});
  { std::ofstream(server.dir() / "web" / "index.html") << "<!doctype html><title>x</title>"; }
  server.stop(SIGTERM);
  server.restart_with({});
  const Reply page = server.request("GET", "/", nullptr, "", {{"Accept", "text/html"}});
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.header("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(page.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page.header("X-Frame-Options"), "DENY");
  EXPECT_EQ(page.header("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(server.get("/health").header("X-Content-Type-Options"), "nosniff");
  const std::string s = server.account("logs@example.com");
  const std::string tid = id_of(server.post("/api/tenants", {{"name", "Log Co"}}, s));
  const std::string token = server.post("/api/tenants/" + tid + "/invites", {{"email", "z@example.com"}}, s).body["token"];
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(server.get("/api/invites/" + token).status, 200);
  const Reply eda = server.upload("/eda", {{"p.csv", "a,b\n1,2\n"}}, s);
  const Reply report = server.get(eda.body["report_url"].get<std::string>(), s);
  EXPECT_EQ(report.header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(report.header("Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  server.stop(SIGTERM);
  std::ifstream in(log);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("/api/invites/:redacted"), std::string::npos) << text.substr(0, 500);
  EXPECT_EQ(text.find(token), std::string::npos);
  EXPECT_EQ(text.find(s), std::string::npos);
  std::filesystem::remove(log);
}

TEST(Hardening, TheAccessLogIsReopenedOnSighup) {
  const std::filesystem::path log = std::filesystem::temp_directory_path() / ("glint_rotate_" + std::to_string(getpid()) + ".log");
  const std::filesystem::path moved = log.string() + ".1";
  std::filesystem::remove(log);
  std::filesystem::remove(moved);
  Server server({"GLINT_ACCESS_LOG=" + log.string()});
  EXPECT_EQ(server.get("/health?before=1").status, 200);
  // The line is written after the answer went out: wait for it first.
  auto logged = [](const std::filesystem::path& p, const std::string& what) {
    std::ifstream in(p);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.find(what) != std::string::npos;
  };
  for (int i = 0; i < 100 && !logged(log, "\"/health\""); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::filesystem::rename(log, moved);  // what logrotate does
  kill(server.process().pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(server.get("/api/nope").status, 404);
  server.stop(SIGTERM);
  std::ifstream a(moved), b(log);
  const std::string old_text((std::istreambuf_iterator<char>(a)), std::istreambuf_iterator<char>());
  const std::string new_text((std::istreambuf_iterator<char>(b)), std::istreambuf_iterator<char>());
  EXPECT_NE(old_text.find("\"/health\""), std::string::npos);
  EXPECT_EQ(old_text.find("/api/nope"), std::string::npos);
  EXPECT_NE(new_text.find("/api/nope"), std::string::npos) << new_text;
  EXPECT_EQ(old_text.find("before=1"), std::string::npos);  // no query strings
  std::filesystem::remove(log);
  std::filesystem::remove(moved);
}

TEST(Hardening, MetricsNeedTheKeyOffLoopback) {
  Server server({"GLINT_INTERNAL_API_KEY=metrics-key-0123456789abcdef"}, {"--host", "0.0.0.0"});
  EXPECT_EQ(server.get("/metrics").status, 401);
  const Reply ok = server.request("GET", "/metrics", nullptr, "", {{"X-API-Key", "metrics-key-0123456789abcdef"}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_NE(ok.text.find("glint_http_requests_total"), std::string::npos);
}

}  // namespace
}  // namespace glint::testing

namespace glint::testing {
namespace {

// The role checks again, after the events that change them: a workspace
// deleted and another made, a member removed, an admin demoted.
TEST(Hardening, AuthorizationHoldsAcrossDeletionRemovalAndDemotion) {
  Server server;
  const std::string owner = server.account("matrix-owner@example.com");
  const std::string tid = id_of(server.post("/api/tenants", {{"name", "Matrix Co"}}, owner));
  auto join = [&](const std::string& email, const std::string& role) {
    const Reply inv = server.post("/api/tenants/" + tid + "/invites", {{"email", email}, {"role", role}}, owner);
    const std::string s = server.account(email);
    EXPECT_EQ(server.post("/api/invites/" + inv.body["token"].get<std::string>() + "/accept", json::object(), s).status, 200);
    return s;
  };
  const std::string admin = join("matrix-admin@example.com", "admin");
  const std::string member = join("matrix-member@example.com", "member");
  ASSERT_EQ(server.upload("/api/datasets", {{"m.csv", ads_csv({"M"}, 0, 3)}}, owner).status, 201);
  const Reply datasets = server.get("/api/datasets", owner);
  const std::string dataset = datasets.body["datasets"][0]["id"];
  auto user_id = [&](const std::string& email) {
    const Reply members = server.get("/api/tenants/" + tid + "/members", owner);
    for (const json& m : members.body["members"]) {
      if (m.value("email", "") == email) return m.value("user_id", "");
    }
    return std::string();
  };
  const std::string admin_id = user_id("matrix-admin@example.com"), member_id = user_id("matrix-member@example.com");
  // What only an admin may do, and what any member may read.
  const std::vector<std::pair<std::string, std::string>> admin_only = {
      {"PATCH", "/api/tenants/" + tid}, {"GET", "/api/tenants/" + tid + "/invites"}, {"POST", "/api/tenants/" + tid + "/invites"},
      {"PATCH", "/api/tenants/" + tid + "/members/" + member_id}};
  const std::vector<std::string> readable = {"/api/tenants/" + tid, "/api/tenants/" + tid + "/members",
                                             "/api/tenants/" + tid + "/integrations"};
  auto call = [&](const std::string& method, const std::string& path, const std::string& s) {
    const json body = {{"name", "Renamed"}, {"email", "nobody@example.com"}, {"role", "member"}};
    return server.request(method, path, method == "GET" ? nullptr : &body, s).status;
  };
  for (const auto& [m, p] : admin_only) EXPECT_EQ(call(m, p, member), 403) << m << " " << p;
  for (const std::string& p : readable) EXPECT_EQ(call("GET", p, member), 200) << p;
  EXPECT_EQ(server.del("/api/datasets/" + dataset, member).status, 403);
  // The admin is demoted: now refused like a member.
  ASSERT_EQ(server.patch("/api/tenants/" + tid + "/members/" + admin_id, {{"role", "member"}}, owner).status, 200);
  for (const auto& [m, p] : admin_only) EXPECT_EQ(call(m, p, admin), 403) << "demoted: " << m << " " << p;
  EXPECT_EQ(server.del("/api/datasets/" + dataset, admin).status, 403);
  // The member is removed: the workspace does not exist for them any more.
  ASSERT_EQ(server.del("/api/tenants/" + tid + "/members/" + member_id, owner).status, 200);
  for (const auto& [m, p] : admin_only) EXPECT_EQ(call(m, p, member), 404) << "removed: " << m << " " << p;
  for (const std::string& p : readable) EXPECT_EQ(call("GET", p, member), 404) << "removed: " << p;
  EXPECT_EQ(server.get("/api/datasets", member).status, 404);
  // Deleted, and another made by the demoted admin: nothing of the old one
  // answers, for anyone.
  ASSERT_EQ(server.del("/api/tenants/" + tid, owner).status, 200);
  const std::string fresh = id_of(server.post("/api/tenants", {{"name", "Fresh Co"}}, admin));
  ASSERT_FALSE(fresh.empty());
  for (const std::string& s : {owner, admin, member}) {
    for (const std::string& p : readable) EXPECT_EQ(call("GET", p, s), 404) << "deleted: " << p;
  }
  EXPECT_EQ(server.get("/api/tenants/" + fresh, owner).status, 404);
  EXPECT_EQ(server.get("/api/tenants/" + fresh + "/members", member).status, 404);
  const Reply mine = server.get("/api/datasets", admin);
  EXPECT_EQ(mine.status, 200);
  EXPECT_EQ(mine.body["datasets"].size(), 0u) << mine.text;
}

}  // namespace
}  // namespace glint::testing
