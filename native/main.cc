// glint — one binary: the CLI's analysis subcommands and the server.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "glint/engine.h"

namespace {

constexpr const char* kHelp =
    "glint — marketing analytics you can trust\n"
    "\n"
    "usage: glint <command> [options]\n"
    "\n"
    "commands:\n"
    "  analyze FILE     per-campaign sums and derived metrics of an ad export\n"
    "  highlight FILE   bronze facts: what changed and what to do (grow, optimize, protect, summary)\n"
    "  funnel FILE      step counts, conversion and time to convert (events, step totals or GA4 sessions)\n"
    "  attribution FILE channel credit: first, last, linear, time decay, position based, Markov\n"
    "  profile FILE     column profile: types, missing, distinct, quantiles, correlations, alerts (--html)\n"
    "  migrate          create or upgrade the database (data/glint.db)\n"
    "  rotate-key       re-seal every stored credential under a new master key\n"
    "  serve            run the HTTP server and the page (default http://127.0.0.1:8080/)\n"
    "  call METHOD      run one of core's methods on a JSON request (and files): report.query, grounding.check, …\n"
    "\n"
    "options:\n"
    "  --version        print the version\n"
    "  --help           this text; `glint <command> --help` for a command's options\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kHelp, stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::printf("glint %s\n", std::string(glint::version()).c_str());
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "analyze") return glint::native::run_analyze(args);
  if (command == "serve") return glint::native::run_serve(args);
  if (command == "highlight") return glint::native::run_highlight(args);
  if (command == "funnel") return glint::native::run_funnel(args);
  if (command == "attribution") return glint::native::run_attribution(args);
  if (command == "profile") return glint::native::run_profile(args);
  if (command == "migrate") return glint::native::run_migrate(args);
  if (command == "rotate-key") return glint::native::run_rotate_key(args);
  if (command == "call") return glint::native::run_call(args);
  std::fprintf(stderr, "glint: unknown command '%s' (see glint --help)\n", command.c_str());
  return 2;
}
