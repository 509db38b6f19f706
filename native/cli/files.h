// Reading whole files for the CLI, with errors a person can act on.
#pragma once

#include <string>

#include "glint/status.h"

namespace glint::native {

// The bytes of `path` ("-" reads standard input); a clear error otherwise.
Result<std::string> read_file(const std::string& path);

}  // namespace glint::native
