// glint rotate-key: re-seal every credential under a new master key.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "store/storage.h"
#include "store/store.h"
#include "vault/credentials.h"
#include "vault/vault.h"

namespace glint::native {

namespace {

constexpr const char* kHelp =
    "usage: glint rotate-key [--data-dir DIR] [--check]\n"
    "\n"
    "Re-seals every stored credential (OAuth tokens, API keys) under a new master key,\n"
    "in one transaction: a crash leaves every credential under the old key or every\n"
    "one under the new, and both keys stay in the key ring, so nothing is lost.\n"
    "\n"
    "With the key file (DATA_DIR/master.key, the default), a new key is made and\n"
    "appended to it first. With GLINT_MASTER_KEY, make the new key yourself, set\n"
    "GLINT_MASTER_KEY to it with a higher GLINT_MASTER_KEY_ID, put the old one in\n"
    "GLINT_MASTER_KEY_PREVIOUS as id:base64, and run this: everything not under the\n"
    "current key is re-sealed. Safe to run while the server runs.\n"
    "\n"
    "  --data-dir DIR   where glint.db and master.key live (default data/, GLINT_DATA_DIR)\n"
    "  --check          open every credential and report, change nothing\n";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

}  // namespace

int run_rotate_key(const std::vector<std::string>& args) {
  std::string dir = env("GLINT_DATA_DIR").empty() ? "data" : env("GLINT_DATA_DIR");
  bool check_only = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kHelp, stdout);
      return 0;
    }
    if (args[i] == "--check") {
      check_only = true;
      continue;
    }
    if (args[i] == "--data-dir" && i + 1 < args.size()) {
      dir = args[++i];
      continue;
    }
    std::fprintf(stderr, "glint rotate-key: unknown option '%s' (see glint rotate-key --help)\n", args[i].c_str());
    return 2;
  }
  const std::string path = (std::filesystem::path(dir) / "glint.db").string();
  if (Result<int> v = migrate_database(path); !v.ok()) {
    std::fprintf(stderr, "glint rotate-key: %s\n", v.status().message().c_str());
    return 1;
  }
  Result<Vault> loaded = Vault::load({dir, env("GLINT_MASTER_KEY"), env("GLINT_MASTER_KEY_ID"), env("GLINT_MASTER_KEY_PREVIOUS")});
  if (!loaded.ok()) {
    std::fprintf(stderr, "glint rotate-key: %s\n", loaded.status().message().c_str());
    return 1;
  }
  Vault vault = std::move(loaded).value();
  try {
    Store store(path, 2);
    // The check value opens with any key of the ring (an earlier rotation may
    // have been cut short); a ring that cannot open it is the wrong one.
    if (Status s = check_master_key(vault, store); !s.ok()) {
      std::fprintf(stderr, "glint rotate-key: %s\n", s.message().c_str());
      return 1;
    }
    // Every credential must open before anything is changed.
    std::map<int64_t, int64_t> by_key;
    int64_t broken = 0;
    for (const Credential& c : store.credentials()) {
      ++by_key[c.key_id];
      if (!open_credential(vault, c).ok()) {
        ++broken;
        std::fprintf(stderr, "glint rotate-key: credential %s (%s) does not open\n", c.public_id.c_str(), c.provider.c_str());
      }
    }
    for (const auto& [k, n] : by_key) std::printf("%lld credential(s) under key v%lld\n", static_cast<long long>(n), static_cast<long long>(k));
    if (broken > 0) {
      std::fprintf(stderr, "glint rotate-key: %lld credential(s) do not open; nothing was changed\n", static_cast<long long>(broken));
      return 1;
    }
    if (check_only) {
      std::puts("every credential opens");
      return 0;
    }
    if (!vault.key_file().empty()) {
      if (Status s = vault.add_key_to_file(); !s.ok()) {
        std::fprintf(stderr, "glint rotate-key: %s\n", s.message().c_str());
        return 1;
      }
    }
    const int64_t n = store.reseal_credentials([&](const Credential& c) {
      Result<std::string> secret = open_credential(vault, c);
      if (!secret.ok()) throw std::runtime_error("credential " + c.public_id + " does not open");
      return std::make_pair(static_cast<int64_t>(vault.current_key_id()), vault.seal(secret.value(), credential_aad(c)));
    });
    record_master_key_check(vault, store);
    std::printf("re-sealed %lld credential(s) under key v%d\n", static_cast<long long>(n), vault.current_key_id());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "glint rotate-key: %s; nothing was changed\n", e.what());
    return 1;
  }
}

}  // namespace glint::native
