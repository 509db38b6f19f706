#include "cli/files.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace glint::native {

Result<std::string> read_file(const std::string& path) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return Status(ErrorCode::kInvalidRequest, path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    if (f != stdin) std::fclose(f);
    return Status(ErrorCode::kInvalidRequest, path + ": is a directory");
  }
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  if (f != stdin) std::fclose(f);
  if (failed) return Status(ErrorCode::kInvalidRequest, path + ": " + std::strerror(err));
  return out;
}

}  // namespace glint::native
