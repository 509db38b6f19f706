#include "auth/passwords.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace glint::native {
namespace data {
extern const std::string_view k_common_passwords_txt;
}  // namespace data

namespace passwords {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const std::set<std::string, std::less<>>& common() {
  static const std::set<std::string, std::less<>> words = [] {
    std::set<std::string, std::less<>> out;
    std::string_view text = data::k_common_passwords_txt;
    while (!text.empty()) {
      const size_t nl = std::min(text.find('\n'), text.size());
      std::string_view line = text.substr(0, nl);
      text.remove_prefix(std::min(nl + 1, text.size()));
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty() && line[0] != '#') out.insert(lower(line));
    }
    return out;
  }();
  return words;
}

// "aaaaaaaaaa", "1234567890", "abcdefghij", "qwertyuiop", "9876543210": every
// step the same (0 or ±1) along the alphabet, the digits or a keyboard row.
bool is_run(const std::string& p) {
  if (p.size() < 2) return true;
  const int step = p[1] - p[0];
  if (step >= -1 && step <= 1) {
    bool same = true;
    for (size_t i = 1; i < p.size(); ++i) same &= (p[i] - p[i - 1]) == step;
    if (same) return true;
  }
  for (const std::string_view row : {"qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890", "azertyuiop", "qwertzuiop"}) {
    if (p.size() <= row.size() && row.find(p) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> weakness(std::string_view password, std::string_view email) {
  if (password.size() < kMinLength) return "the password needs at least " + std::to_string(kMinLength) + " characters";
  if (password.size() > kMaxLength) return "the password is longer than " + std::to_string(kMaxLength) + " characters";
  const std::string p = lower(password);
  if (common().count(p) != 0) return "this password is among the most commonly used ones; choose another";
  if (is_run(p)) return "the password is one character repeated or a plain run of keys; choose another";
  const std::string e = lower(email);
  const std::string local = e.substr(0, e.find('@'));
  if (p == e || (local.size() >= 4 && p.find(local) != std::string::npos && p.size() < local.size() + 4)) {
    return "the password must not be your e-mail address";
  }
  return std::nullopt;
}

bool needs_rehash(std::string_view stored, int iterations) {
  const std::string want = "pbkdf2_sha256$" + std::to_string(iterations) + "$";
  return stored.substr(0, want.size()) != want;
}

}  // namespace passwords
}  // namespace glint::native
