// The glint CLI's subcommands. Each returns the process exit status:
// 0 when a report was produced, 1 when the input could not be read at all,
// 2 on a usage error. Errors are one line on stderr.
#pragma once

#include <string>
#include <vector>

namespace glint::native {

int run_analyze(const std::vector<std::string>& args);
int run_serve(const std::vector<std::string>& args);
int run_highlight(const std::vector<std::string>& args);
int run_funnel(const std::vector<std::string>& args);
int run_attribution(const std::vector<std::string>& args);
int run_profile(const std::vector<std::string>& args);
int run_migrate(const std::vector<std::string>& args);
int run_rotate_key(const std::vector<std::string>& args);
int run_call(const std::vector<std::string>& args);

}  // namespace glint::native
