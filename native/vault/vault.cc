#include "vault/vault.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace glint::native {

namespace {

constexpr size_t kKeyBytes = 32, kNonceBytes = 12, kTagBytes = 16;
constexpr std::string_view kPrefix = "glint:v";

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
  return out;
}

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

bool parse_id(std::string_view s, int& out) {
  if (s.empty() || s.size() > 6) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v <= 0) return false;
  out = v;
  return true;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  if (text.size() % 4 != 0) return false;
  for (char c : text) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=')) return false;
  }
  out.assign(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return true;
}

Vault::Vault(std::map<int, std::string> keys) : keys_(std::move(keys)) {
  current_ = keys_.empty() ? 0 : keys_.rbegin()->first;
}

Result<Vault> Vault::load(const KeySource& src) {
  Vault v;
  auto add = [&v](int id, std::string_view b64, const std::string& where) -> Status {
    std::string raw;
    if (!base64_decode(b64, raw) || raw.size() != kKeyBytes) {
      return Status(ErrorCode::kInvalidRequest, where + " is not the base64 of 32 bytes (make one with: openssl rand -base64 32)");
    }
    v.keys_[id] = raw;
    return Status::Ok();
  };
  if (!src.env_key.empty()) {
    int id = 1;
    if (!src.env_key_id.empty() && !parse_id(src.env_key_id, id)) {
      return Status(ErrorCode::kInvalidRequest, "GLINT_MASTER_KEY_ID must be a whole number from 1");
    }
    if (Status s = add(id, src.env_key, "GLINT_MASTER_KEY"); !s.ok()) return s;
    std::stringstream prev(src.env_previous);
    std::string item;
    while (std::getline(prev, item, ',')) {
      const size_t colon = item.find(':');
      int pid = 0;
      if (colon == std::string::npos || !parse_id(item.substr(0, colon), pid) || pid == id) {
        return Status(ErrorCode::kInvalidRequest, "GLINT_MASTER_KEY_PREVIOUS must be id:base64 pairs, each id other than the current one");
      }
      if (Status s = add(pid, item.substr(colon + 1), "GLINT_MASTER_KEY_PREVIOUS key " + std::to_string(pid)); !s.ok()) return s;
    }
    v.current_ = id;
    return v;
  }
  v.key_file_ = (std::filesystem::path(src.data_dir) / "master.key").string();
  std::error_code ec;
  std::filesystem::create_directories(src.data_dir, ec);
  if (!std::filesystem::exists(v.key_file_)) {
    const int fd = ::open(v.key_file_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Status(ErrorCode::kInternal, "cannot create the key file " + v.key_file_);
    const std::string line = "1 " + base64_encode(random_bytes(kKeyBytes)) + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return Status(ErrorCode::kInternal, "cannot write the key file " + v.key_file_);
  }
  struct stat st {};
  if (::stat(v.key_file_.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Status(ErrorCode::kInvalidRequest, v.key_file_ + " may be read by others: chmod 600 it");
  }
  if (Status s = v.read_key_file(); !s.ok()) return s;
  return v;
}

Status Vault::read_key_file() const {
  std::map<int, std::string> keys;
  std::ifstream in(key_file_);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const size_t sp = line.find(' ');
    int id = 0;
    std::string raw;
    if (sp == std::string::npos || !parse_id(line.substr(0, sp), id)) {
      return Status(ErrorCode::kInvalidRequest, key_file_ + " line " + std::to_string(n) + " is not '<id> <base64 key>'");
    }
    if (!base64_decode(line.substr(sp + 1), raw) || raw.size() != kKeyBytes) {
      return Status(ErrorCode::kInvalidRequest, key_file_ + " line " + std::to_string(n) + " is not the base64 of 32 bytes");
    }
    keys[id] = raw;
  }
  if (keys.empty()) return Status(ErrorCode::kInvalidRequest, key_file_ + " holds no key");
  std::unique_lock lock(mu_);
  for (auto& [id, k] : keys) keys_[id] = k;  // keys only ever join the ring
  current_ = std::max(current_, keys_.rbegin()->first);
  return Status::Ok();
}

Status Vault::add_key_to_file() {
  if (key_file_.empty()) return Status(ErrorCode::kInvalidRequest, "the master key comes from GLINT_MASTER_KEY, not a file");
  if (Status s = read_key_file(); !s.ok()) return s;  // another rotation may have added one
  const int id = current_key_id() + 1;
  const std::string key = random_bytes(kKeyBytes);
  const int fd = ::open(key_file_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return Status(ErrorCode::kInternal, "cannot open " + key_file_);
  const std::string line = std::to_string(id) + " " + base64_encode(key) + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status(ErrorCode::kInternal, "cannot write " + key_file_);
  std::unique_lock lock(mu_);
  keys_[id] = key;
  current_ = id;
  return Status::Ok();
}

std::string Vault::seal(std::string_view plaintext, std::string_view aad) const {
  std::string key;
  int key_id = 0;
  {
    std::shared_lock lock(mu_);
    key = keys_.at(current_);
    key_id = current_;
  }
  const std::string nonce = random_bytes(kNonceBytes);
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(plaintext.size() + kTagBytes, '\0');
  int len = 0, total = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()), static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &len, reinterpret_cast<const unsigned char*>(plaintext.data()), static_cast<int>(plaintext.size())) != 1) {
    throw std::runtime_error("AES-256-GCM encryption failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), o + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), o + total + len) != 1) {
    throw std::runtime_error("AES-256-GCM encryption failed");
  }
  return std::string(kPrefix) + std::to_string(key_id) + ":" + base64_encode(nonce) + ":" + base64_encode(out);
}

int Vault::key_id_of(std::string_view sealed) {
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return 0;
  const size_t colon = sealed.find(':', kPrefix.size());
  int id = 0;
  if (colon == std::string_view::npos || !parse_id(sealed.substr(kPrefix.size(), colon - kPrefix.size()), id)) return 0;
  return id;
}

Result<std::string> Vault::open(std::string_view sealed, std::string_view aad) const {
  const int id = key_id_of(sealed);
  if (id == 0) return Status(ErrorCode::kInvalidRequest, "not a sealed value");
  std::string key;
  for (int pass = 0; pass < 2 && key.empty(); ++pass) {
    {
      std::shared_lock lock(mu_);
      if (auto it = keys_.find(id); it != keys_.end()) key = it->second;
    }
    if (key.empty() && pass == 0 && !key_file_.empty()) (void)read_key_file();
  }
  if (key.empty()) return Status(ErrorCode::kInvalidRequest, "sealed under key v" + std::to_string(id) + ", which this key ring lacks");
  const size_t a = sealed.find(':', kPrefix.size());
  const size_t b = sealed.find(':', a + 1);
  std::string nonce, data;
  if (b == std::string_view::npos || !base64_decode(sealed.substr(a + 1, b - a - 1), nonce) || nonce.size() != kNonceBytes ||
      !base64_decode(sealed.substr(b + 1), data) || data.size() < kTagBytes) {
    return Status(ErrorCode::kInvalidRequest, "a malformed sealed value");
  }
  const size_t n = data.size() - kTagBytes;
  std::string out(n, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  auto* d = reinterpret_cast<unsigned char*>(data.data());
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, d, static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes), d + n) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) == 1;
  if (!ok) return Status(ErrorCode::kInvalidRequest, "the sealed value does not open with key v" + std::to_string(id) + " for this owner");
  return out;
}

}  // namespace glint::native
