#include "auth/mailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "auth/crypto.h"

namespace glint::native {

bool Mailer::send(const std::string& to, const std::string& subject, const std::string& body) {
  std::lock_guard<std::mutex> lock(mu_);
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  ::chmod(dir_.c_str(), 0700);
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[64], stamp[32], seq[48];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  // Names sort in the order the mail was written: time, then a sequence.
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::snprintf(seq, sizeof seq, ".%06lldZ-%08llu-", static_cast<long long>(micros), static_cast<unsigned long long>(++sequence_));
  const std::string name = std::string(stamp) + seq + crypto::random_hex(4) + ".eml";
  const std::string path = (std::filesystem::path(dir_) / name).string();
  const std::string text = "From: glint <glint@localhost>\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nDate: " + date +
                           "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ok = (::close(fd) == 0) && ok;
  std::printf("mail: %s \"%s\" %s %s\n", ok ? "wrote" : "could not write", subject.c_str(), ok ? "to the outbox for" : "for",
              to.c_str());
  std::fflush(stdout);
  return ok;
}

}  // namespace glint::native
