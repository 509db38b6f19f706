// glint/status.h — errors as values.
//
// core never throws across its API. Every fallible function returns a Status
// or a Result<T>; the ErrorCode enum is closed and each code is documented
// here, so callers (CLI, server, wasm) can map codes to exit statuses and
// HTTP statuses without parsing messages.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace glint {

enum class ErrorCode {
  kOk = 0,          // success
  kInvalidRequest,  // the request document is not valid JSON or misses a field
  kUnknownMethod,   // Engine::call got a method name it does not offer
  kEmptyInput,      // the input has no bytes, or no line with content
  kBinaryInput,     // the input is not text in any supported encoding
  kNoHeader,        // no header row with a recognisable column was found
  kNoData,          // a header was found but no data row could be read
  kUnknownHandle,   // a streaming call named an input handle that is not open
  kInternal,        // a bug in glint: please report it
};

// Stable snake_case name of a code ("invalid_request"), used in documents.
std::string_view error_code_name(ErrorCode code);

// A code and a one-line message for a person; ok() when code == kOk.
class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// Either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace glint
