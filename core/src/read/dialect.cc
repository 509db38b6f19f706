#include "glint/dialect.h"

#include <map>

#include "glint/csv.h"

namespace glint {

std::string_view delimiter_name(char d) {
  switch (d) {
    case ',': return "comma";
    case ';': return "semicolon";
    case '\t': return "tab";
    case '|': return "pipe";
  }
  return "comma";
}

namespace {

class FieldCounter final : public CsvSink {
 public:
  std::map<int64_t, int64_t> counts;  // field count → records
  void on_record(const CsvRecord& r) override {
    if (!r.fields.empty() && r.fields[0].starts_with('#')) return;  // comment lines
    ++counts[static_cast<int64_t>(r.fields.size())];
  }
  void on_issue(const CsvIssue&) override {}
};

}  // namespace

Dialect sniff_dialect(std::string_view sample) {
  Dialect d;
  int64_t best = -1;
  for (const char c : {',', ';', '\t', '|'}) {
    FieldCounter counter;
    CsvOptions options;
    options.delimiter = c;
    CsvTokenizer tokenizer(options);
    tokenizer.feed(sample, counter);
    tokenizer.finish(counter);
    DelimiterScore s;
    s.delimiter = c;
    for (const auto& [fields, records] : counter.counts) {
      if (fields < 2) continue;
      // Most records; on a tie the wider layout.
      if (records > s.consistent_records || (records == s.consistent_records && fields > s.fields)) {
        s.consistent_records = records;
        s.fields = fields;
      }
    }
    s.score = s.consistent_records * s.fields;
    d.candidates.push_back(s);
    if (s.score > best) {
      best = s.score;
      d.delimiter = c;
    }
  }
  return d;
}

}  // namespace glint
