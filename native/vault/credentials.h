// credentials — the vault applied to stored connections.
//
// A credential's secret document (JSON: tokens, keys) is sealed bound to
// "glint-credential|<owner kind>:<owner row id>|<provider>|<public id>" (row
// ids are never reused), so a ciphertext moved to another row does not open.
// The database keeps a check value sealed under the current key: a server
// started with another key stops with a clear message instead of failing on
// the first credential it reads.
#pragma once

#include <string>

#include "glint/status.h"
#include "store/store.h"
#include "vault/vault.h"

namespace glint::native {

std::string credential_aad(const std::string& owner_kind, int64_t owner_id, const std::string& provider, const std::string& public_id);
inline std::string credential_aad(const Credential& c) { return credential_aad(c.owner_kind, c.owner_id, c.provider, c.public_id); }

// The secret document of `c`, opened.
Result<std::string> open_credential(const Vault& vault, const Credential& c);

// Records the check value on first use; afterwards, a key ring that cannot
// open it is refused with a message naming the setting to fix.
Status check_master_key(const Vault& vault, Store& store);
// Re-seals the check value under the current key (after a rotation).
void record_master_key_check(const Vault& vault, Store& store);

}  // namespace glint::native
