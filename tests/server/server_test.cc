// The real glint binary on a free loopback port.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/process.h"

namespace glint::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("glint_server_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "web");
    std::ofstream(dir_ / "web" / "index.html") << "<!doctype html><title>glint test page</title>";
    std::ofstream(dir_ / "secret.txt") << "outside the web root";
    server_ = std::make_unique<Process>(std::vector<std::string>{
        GLINT_BINARY, "serve", "--port", "0", "--data-dir", (dir_ / "data").string(),
        "--web-root", (dir_ / "web").string()});
    const std::string line = server_->wait_for_line("serving on");
    port_ = port_from_line(line);
    ASSERT_GT(port_, 0) << "server did not report its port: '" << line << "'";
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(5);
    return c;
  }

  fs::path dir_;
  std::unique_ptr<Process> server_;
  int port_ = -1;
};

TEST_F(ServerTest, HealthReportsHealthyWithAnIsoUtcTimestamp) {
  auto res = client().Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  const json body = json::parse(res->body);
  EXPECT_EQ(body["status"], "healthy");
  EXPECT_TRUE(std::regex_match(body["timestamp"].get<std::string>(),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")))
      << body.dump();
}

TEST_F(ServerTest, ServesThePageAtRoot) {
  auto res = client().Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("glint test page"), std::string::npos);
}

TEST_F(ServerTest, UnknownRoutesAreJson404s) {
  auto res = client().Get("/no/such/route");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  const json body = json::parse(res->body);
  EXPECT_EQ(body["code"], "not_found");
  EXPECT_TRUE(body["detail"].is_string());
}

TEST_F(ServerTest, StaticFilesCannotEscapeTheWebRoot) {
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"}) {
    auto res = client().Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_NE(res->status, 200) << path;
    EXPECT_EQ(res->body.find("outside the web root"), std::string::npos) << path;
  }
}

TEST_F(ServerTest, CreatesAMigratedDatabaseAndStopsCleanlyOnSigterm) {
  ASSERT_TRUE(client().Get("/health"));
  EXPECT_EQ(server_->stop(SIGTERM), 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "data" / "glint.db").string().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "ok");
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_GE(sqlite3_column_int(stmt, 0), 1);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace glint::testing
