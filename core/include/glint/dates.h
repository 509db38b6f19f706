// glint/dates.h — civil dates as day numbers, no time zones, no clock.
//
// A Day is the number of days since 1970-01-01 in the proleptic Gregorian
// calendar. Exports carry calendar dates in the account's own time zone, so
// dates are kept as dates: no time zone is ever applied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace glint {

using Day = int32_t;

// Days since 1970-01-01 of a valid y-m-d; nullopt for impossible dates.
std::optional<Day> day_from_civil(int year, int month, int day);
// The y-m-d of a day number.
struct Civil {
  int year, month, day;
};
Civil civil_from_day(Day d);
// 0 = Monday … 6 = Sunday.
int weekday(Day d);
// "2026-03-15".
std::string iso_date(Day d);
// Parses exactly "YYYY-MM-DD"; nullopt otherwise.
std::optional<Day> parse_iso_date(std::string_view s);

}  // namespace glint
