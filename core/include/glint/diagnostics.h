// glint/diagnostics.h — what core tells a person about their input.
//
// Nothing is dropped silently: every rejected row, unreadable cell or guess
// becomes a Diagnostic tied to the physical line (and column) concerned.
// A DiagnosticLog keeps the first `limit` entries and counts them all, so a
// file with a million bad cells neither hides them nor exhausts memory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace glint {

enum class Severity : uint8_t { kInfo, kWarning, kError };
std::string_view severity_name(Severity s);

struct Diagnostic {
  uint64_t row = 0;    // 1-based physical line; 0 when about the whole input
  std::string column;  // header of the cell concerned; empty for a whole row
  Severity severity = Severity::kWarning;
  std::string message;
};

class DiagnosticLog {
 public:
  explicit DiagnosticLog(size_t limit = 1000) : limit_(limit) {}
  void add(Diagnostic d) {
    ++total_;
    if (entries_.size() < limit_) entries_.push_back(std::move(d));
  }
  const std::vector<Diagnostic>& entries() const { return entries_; }
  uint64_t total() const { return total_; }

 private:
  size_t limit_;
  uint64_t total_ = 0;
  std::vector<Diagnostic> entries_;
};

}  // namespace glint
