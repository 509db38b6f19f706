#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "store/storage.h"

namespace glint::native {

int run_migrate(const std::vector<std::string>& args) {
  std::string dir = "data";
  if (const char* v = std::getenv("GLINT_DATA_DIR"); v != nullptr && *v != '\0') dir = v;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::puts("usage: glint migrate [--data-dir DIR]\n\nCreates DIR/glint.db if needed and applies the pending schema "
                "migrations\n(the server also does this when it starts). Prints the schema version.");
      return 0;
    }
    if (args[i] == "--data-dir" && i + 1 < args.size()) {
      dir = args[++i];
      continue;
    }
    std::fprintf(stderr, "glint migrate: unknown option '%s' (see glint migrate --help)\n", args[i].c_str());
    return 2;
  }
  const std::string path = (std::filesystem::path(dir) / "glint.db").string();
  Result<int> v = migrate_database(path);
  if (!v.ok()) {
    std::fprintf(stderr, "glint migrate: %s\n", v.status().message().c_str());
    return 1;
  }
  std::printf("%s: schema version %d (latest %d)\n", path.c_str(), v.value(), latest_schema_version());
  return 0;
}

}  // namespace glint::native
