// vault — credentials encrypted at rest.
//
// Every secret (OAuth tokens, API keys) is sealed with AES-256-GCM under the
// current master key: a fresh 96-bit nonce per value, and associated data
// that names what the value belongs to (owner, provider, credential id), so a
// ciphertext copied to another row does not open. A sealed value carries the
// id of the key that made it (`glint:v3:<nonce>:<ciphertext+tag>`, base64),
// so rotation re-wraps without guessing and a key ring may hold old keys.
//
// Keys come from GLINT_MASTER_KEY (base64 of 32 bytes; its id from
// GLINT_MASTER_KEY_ID, default 1; older keys in GLINT_MASTER_KEY_PREVIOUS as
// "id:base64,…"), or else from DATA_DIR/master.key, created with mode 0600 on
// first start ("<id> <base64>" a line; the highest id is current). A wrong key
// is found at start by the check value the database keeps, never as garbage
// later. Thread-safe after load; nothing here logs a secret.
#pragma once

#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "glint/status.h"

namespace glint::native {

class Vault {
 public:
  struct KeySource {
    std::string data_dir;      // where master.key lives (or is made)
    std::string env_key;       // GLINT_MASTER_KEY
    std::string env_key_id;    // GLINT_MASTER_KEY_ID
    std::string env_previous;  // GLINT_MASTER_KEY_PREVIOUS
  };
  // The key ring from the environment or the key file (made when absent).
  static Result<Vault> load(const KeySource& source);
  // A ring of exactly these keys (tests, rotation).
  explicit Vault(std::map<int, std::string> keys);
  Vault(Vault&& o) noexcept : keys_(std::move(o.keys_)), current_(o.current_), key_file_(std::move(o.key_file_)) {}

  int current_key_id() const {
    std::shared_lock lock(mu_);
    return current_;
  }
  const std::string& key_file() const { return key_file_; }  // "" when the key came from the environment

  // Seals `plaintext` under the current key, bound to `aad`.
  std::string seal(std::string_view plaintext, std::string_view aad) const;
  // Opens a sealed value made for `aad`; an error (never garbage) when the
  // key is unknown, the value was altered or belongs elsewhere. A key id the
  // ring lacks makes it re-read the key file once (a rotation by
  // `glint rotate-key` while the server runs adds keys there).
  Result<std::string> open(std::string_view sealed, std::string_view aad) const;
  // The key id a sealed value names, or 0 when it is not a sealed value.
  static int key_id_of(std::string_view sealed);

  // Adds a new random key to the key file (fsynced before returning) and
  // makes it current. Only for a key ring that came from the file.
  Status add_key_to_file();

 private:
  Vault() = default;
  Status read_key_file() const;  // keys only ever join the ring
  mutable std::shared_mutex mu_;
  mutable std::map<int, std::string> keys_;  // id → 32 raw bytes
  mutable int current_ = 0;
  std::string key_file_;
};

// Base64 (RFC 4648, with padding) both ways; decode fails on anything else.
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);

}  // namespace glint::native
