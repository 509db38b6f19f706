// crypto — the few primitives the server needs, all from OpenSSL.
//
// Random ids from RAND_bytes; SHA-256 for storing session ids and tokens
// (a leaked database does not yield a usable session); PBKDF2-HMAC-SHA256 for
// passwords; HMAC-SHA256; comparisons in constant time. Nothing here logs.
#pragma once

#include <string>
#include <string_view>

namespace glint::native::crypto {

// `bytes` random bytes as lowercase hex (32 → a 256-bit id, 64 hex digits).
std::string random_hex(size_t bytes);
// SHA-256 of s, lowercase hex.
std::string sha256_hex(std::string_view s);
// HMAC-SHA256(key, message), lowercase hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
// Equal in time independent of where they differ (lengths may leak).
bool constant_time_equal(std::string_view a, std::string_view b);

// "pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>".
std::string hash_password(std::string_view password, int iterations);
bool verify_password(std::string_view password, std::string_view stored);

}  // namespace glint::native::crypto
