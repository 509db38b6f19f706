// passwords — what a password must be, and how it is stored.
//
// The policy follows NIST SP 800-63B and OWASP's guidance: at least 10
// characters (up to 1024), never one of the commonly used passwords (the
// bundled list schemas/common_passwords.txt), not one character repeated or a
// plain run of the keyboard or alphabet, and not the account's own e-mail
// address. Stored with PBKDF2-HMAC-SHA256 at the configured iterations
// (default 600,000, OWASP 2023); a hash made with other parameters is
// re-made at the next sign-in. Thread-safe; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace glint::native::passwords {

inline constexpr size_t kMinLength = 10;
inline constexpr size_t kMaxLength = 1024;

// Why `password` is refused for the account `email`, or nullopt when fine.
std::optional<std::string> weakness(std::string_view password, std::string_view email);

// True when `stored` was made with other parameters than `iterations`.
bool needs_rehash(std::string_view stored, int iterations);

}  // namespace glint::native::passwords
