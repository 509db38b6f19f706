#include "vault/credentials.h"

namespace glint::native {

namespace {
constexpr const char* kCheckSetting = "vault_check";
constexpr const char* kCheckAad = "glint-vault-check";
constexpr const char* kCheckText = "glint vault check value";
}  // namespace

std::string credential_aad(const std::string& owner_kind, int64_t owner_id, const std::string& provider, const std::string& public_id) {
  return "glint-credential|" + owner_kind + ":" + std::to_string(owner_id) + "|" + provider + "|" + public_id;
}

Result<std::string> open_credential(const Vault& vault, const Credential& c) { return vault.open(c.sealed, credential_aad(c)); }

void record_master_key_check(const Vault& vault, Store& store) { store.set_setting(kCheckSetting, vault.seal(kCheckText, kCheckAad)); }

Status check_master_key(const Vault& vault, Store& store) {
  const auto check = store.setting(kCheckSetting);
  if (!check) {
    record_master_key_check(vault, store);
    return Status::Ok();
  }
  Result<std::string> opened = vault.open(*check, kCheckAad);
  if (!opened.ok() || opened.value() != kCheckText) {
    const std::string where = vault.key_file().empty() ? "GLINT_MASTER_KEY (and GLINT_MASTER_KEY_PREVIOUS)" : vault.key_file();
    return Status(ErrorCode::kInvalidRequest, "the master key in " + where + " is not the one this database's credentials were sealed with (" +
                                                  opened.status().message() + ")");
  }
  return Status::Ok();
}

}  // namespace glint::native
