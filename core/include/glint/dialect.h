// glint/dialect.h — which delimiter a CSV uses, decided from many lines.
//
// Every candidate (`,` `;` tab `|`) tokenizes the same sample; the winner is
// the one under which the most records share one field count, weighted by
// that count — so a German file that uses `;` between fields and `,` inside
// numbers is read by `;`, and a title line above the header cannot decide.
// The candidates and their scores are reported, so a person can see why.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace glint {

struct DelimiterScore {
  char delimiter = ',';
  int64_t consistent_records = 0;  // records with the modal field count
  int64_t fields = 0;              // the modal field count (>= 2 to count)
  int64_t score = 0;               // consistent_records × fields
};

struct Dialect {
  char delimiter = ',';
  std::vector<DelimiterScore> candidates;  // in the order tried
};

// Decides from `sample`, decoded text holding whole lines.
Dialect sniff_dialect(std::string_view sample);

// "comma", "semicolon", "tab", "pipe".
std::string_view delimiter_name(char d);

}  // namespace glint
