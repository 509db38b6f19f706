#include "glint/status.h"

#include "glint/diagnostics.h"

namespace glint {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidRequest: return "invalid_request";
    case ErrorCode::kUnknownMethod: return "unknown_method";
    case ErrorCode::kEmptyInput: return "empty_input";
    case ErrorCode::kBinaryInput: return "binary_input";
    case ErrorCode::kNoHeader: return "no_header";
    case ErrorCode::kNoData: return "no_data";
    case ErrorCode::kUnknownHandle: return "unknown_handle";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "warning";
}

}  // namespace glint
