// mailer — mail a person must receive (verification codes, notices).
//
// The embedded default has no mail server: each message is written as an
// RFC 5322 text file, mode 0600, into <data dir>/outbox/, and a line on
// stdout says that one was written and to whom (never its content: codes
// are secrets). An operator reads the outbox or points a delivery agent at
// it. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

namespace glint::native {

class Mailer {
 public:
  explicit Mailer(std::string outbox_dir) : dir_(std::move(outbox_dir)) {}
  // Returns false when the message could not be written (logged).
  bool send(const std::string& to, const std::string& subject, const std::string& body);

 private:
  std::string dir_;
  std::mutex mu_;
  uint64_t sequence_ = 0;
};

}  // namespace glint::native
