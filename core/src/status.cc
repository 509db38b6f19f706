#include "glint/status.h"

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

}  // namespace glint
