// The command-line conventions every subcommand shares, written once:
// --help, flags, options with one value, positional files, one-line usage
// errors (exit 2), input errors (exit 1).
#pragma once

#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace glint::native {

struct CliArgs {
  std::set<std::string> flags;                             // "--json"
  std::vector<std::pair<std::string, std::string>> values;  // in order: ("--days", "7")
  std::vector<std::string> positional;                     // files
  bool has(const std::string& flag) const { return flags.count(flag) != 0; }
};

// Parses `args` of `command`. Returns an exit status when the command should
// stop (0 after printing `help`, 2 after a one-line usage error on stderr),
// or nullopt when it should run with `out`.
std::optional<int> parse_cli(const char* command, const char* help, const std::vector<std::string>& args,
                             std::initializer_list<const char*> flags, std::initializer_list<const char*> options,
                             CliArgs& out);

// A usage error: "glint COMMAND: MESSAGE" on stderr; returns 2.
int usage_error(const char* command, const std::string& message);

// Option values as request members: a whole number in [lo, hi], a number,
// or ROLE=HEADER pairs into request["columns"]; false after a usage error.
bool integer_value(const char* command, const std::string& option, const std::string& v, long lo, long hi, long& out);
bool number_value(const char* command, const std::string& option, const std::string& v, double& out);
bool column_value(const char* command, const std::string& v, nlohmann::json& request);

// Reads FILE (one positional argument), sends it as the payload of `method`
// with `request` (its "name" set to the path) and returns the response text
// exactly as core wrote it; on failure prints the one-line reason and sets
// `exit_status`.
std::optional<std::string> call_on_file(const char* command, const char* method, nlohmann::json request,
                                        const CliArgs& args, int& exit_status);

// The first ten of a table analysis's diagnostics ({"total", "entries"}).
void print_diagnostics(const nlohmann::json& diagnostics);

// Columns a UTF-8 text takes in a terminal: East Asian wide and fullwidth
// characters (and emoji) two, combining marks and zero-width joiners none,
// everything else one. Invalid bytes count one each.
size_t display_width(std::string_view text);

// `text` as a table cell exactly `width` columns wide: padded with spaces by
// display width, or cut at a character boundary with "…" when longer.
std::string text_cell(std::string_view text, size_t width);

// Writes a response exactly as core wrote it, and a newline.
void print_raw(const std::string& text);

// The options analyze and highlight share: --locale TAG and --currency CODE
// (report request), --keep-duplicates (ingest.open: dedupe_rows false) and
// --keep-overlaps (report: dedupe_overlaps false).
#define REPORT_OPTIONS_HELP                                                                        \
  "  --locale TAG    write numbers as TAG does (de-DE, fr, pt-BR…; default: the files' language)\n" \
  "  --currency CODE the currency of files that state none (ISO 4217: EUR, JPY…)\n"               \
  "  --keep-duplicates  count rows that repeat an earlier row (default: once, with a warning)\n"   \
  "  --keep-overlaps    count twice what two files hold for the same campaigns and days\n"
// Also the period and slice options every report command takes: --from,
// --to, --compare, --platform, --account, --campaign (kSliceOptions).
void report_options(const CliArgs& a, nlohmann::json& request, nlohmann::json& open);
// --threads N: how many threads read each file (default: the machine's);
// false after a usage error. The result is the same bytes for every N.
#define GLINT_THREADS_HELP \
  "  --threads N     threads that read each file (default: this machine's cores; 1: none lent)\n"
bool threads_option(const char* command, const CliArgs& a, unsigned& threads);
#define GLINT_SLICE_OPTIONS "--from", "--to", "--compare", "--platform", "--account", "--campaign"
#define GLINT_SLICE_HELP                                                                                      \
  "  --from DATE       first day of the current period (with --to: any range; default: --days before --to)\n" \
  "  --to DATE         last day of the current period (default: the data's last date; same as --anchor)\n"   \
  "  --compare WHAT    previous (the same number of days before, default), year (the same dates a year\n"  \
  "                    earlier), none, or START:END (any window, e.g. 2025-01-01:2025-01-31)\n"            \
  "  --platform NAME   only this platform's rows (google_ads, meta_ads, ga4, …); repeatable\n"             \
  "  --account ID      only this ad account's rows (id or name; 123-456-7890 = 1234567890); repeatable\n" \
  "  --campaign NAME   only this campaign's rows (id or name); repeatable\n"

}  // namespace glint::native
