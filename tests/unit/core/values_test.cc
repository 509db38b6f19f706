#include "glint/values.h"
#include "glint/format.h"

#include <gtest/gtest.h>

#include <string_view>

namespace glint {
namespace data {
extern const std::string_view k_locales_json;
}

namespace {

const Locale& locale() {
  static const Locale loc = parse_locale(data::k_locales_json);
  return loc;
}

int64_t micros(std::string_view cell, DecimalMark mark = DecimalMark::kUnknown) {
  const NumberCell c = parse_number(cell, locale(), mark);
  EXPECT_EQ(c.status, CellStatus::kValue) << "'" << cell << "'";
  return c.micros;
}

CellStatus status(std::string_view cell) { return parse_number(cell, locale()).status; }

TEST(Values, PlainAndGroupedNumbersInEveryConvention) {
  EXPECT_EQ(micros("1234"), 1234'000000);
  EXPECT_EQ(micros("1234.56"), 1234'560000);
  EXPECT_EQ(micros("1,234.56"), 1234'560000);
  EXPECT_EQ(micros("1.234,56"), 1234'560000);
  EXPECT_EQ(micros("1 234,56"), 1234'560000);
  EXPECT_EQ(micros("1\xC2\xA0" "234,56"), 1234'560000);      // no-break space
  EXPECT_EQ(micros("1\xE2\x80\xAF" "234,56"), 1234'560000);  // narrow no-break space
  EXPECT_EQ(micros("1'234.56"), 1234'560000);
  EXPECT_EQ(micros("1,234,567"), 1234567'000000);
  EXPECT_EQ(micros("1.234.567"), 1234567'000000);
  EXPECT_EQ(micros("1.234.567,8"), 1234567'800000);
  EXPECT_EQ(micros("0,5"), 500000);
  EXPECT_EQ(micros("12,25"), 12'250000);
  EXPECT_EQ(micros("0.123456789"), 123457);  // half away from zero at 6 decimals
  EXPECT_EQ(micros("1e-5"), 10);
  EXPECT_EQ(micros("2.5E+3"), 2500'000000);
}

TEST(Values, CurrencySymbolsAndCodesBeforeOrAfter) {
  EXPECT_EQ(micros("$1,234.56"), 1234'560000);
  EXPECT_EQ(micros("1.234,56 €"), 1234'560000);
  EXPECT_EQ(micros("€ 1.234,56"), 1234'560000);
  EXPECT_EQ(micros("USD 1,234.56"), 1234'560000);
  EXPECT_EQ(micros("1,234.56 USD"), 1234'560000);
  EXPECT_EQ(micros("R$ 1.234,56"), 1234'560000);
  EXPECT_EQ(micros("CHF 1'234.50"), 1234'500000);
  EXPECT_EQ(parse_number("1.234,56 €", locale()).currency, "EUR");
  EXPECT_EQ(parse_number("US$12", locale()).currency, "USD");
  EXPECT_EQ(parse_number("12.00 GBP", locale()).currency, "GBP");
}

TEST(Values, NegativesInAllTheirForms) {
  EXPECT_EQ(micros("-12.50"), -12'500000);
  EXPECT_EQ(micros("(12.50)"), -12'500000);
  EXPECT_EQ(micros("\xE2\x88\x92" "3"), -3'000000);  // U+2212
  EXPECT_EQ(micros("-$1,234.56"), -1234'560000);
  EXPECT_EQ(micros("$-5"), -5'000000);
}

TEST(Values, PercentagesBecomeFractions) {
  const NumberCell c = parse_number("12.5%", locale());
  EXPECT_TRUE(c.percent);
  EXPECT_EQ(c.micros, 125000);
  EXPECT_EQ(micros("3,25 %"), 32500);
}

TEST(Values, NullTokensAreNullsNotErrors) {
  for (std::string_view s : {"", "  ", "--", "-", "N/A", "n/a", " -- ", "null", "—"}) {
    EXPECT_EQ(status(s), CellStatus::kNull) << "'" << s << "'";
  }
}

TEST(Values, WordsAndBrokenNumbersAreErrors) {
  for (std::string_view s : {"twelve", "#DIV/0!", "1.2.3", "12abc", "1,23,4", "--5x", "99999999999999999999",
                             "1.234,56.7"}) {
    const NumberCell c = parse_number(s, locale());
    EXPECT_EQ(c.status, CellStatus::kError) << "'" << s << "'";
    EXPECT_NE(c.error, nullptr);
  }
}

TEST(Values, OneSeparatorBeforeThreeDigitsIsAmbiguousAndTheColumnDecides) {
  const NumberCell c = parse_number("1,234", locale());
  EXPECT_TRUE(c.ambiguous);
  EXPECT_EQ(c.evidence, DecimalMark::kUnknown);
  EXPECT_EQ(micros("1,234", DecimalMark::kPoint), 1234'000000);
  EXPECT_EQ(micros("1,234", DecimalMark::kComma), 1'234000);
  EXPECT_EQ(micros("1.234", DecimalMark::kComma), 1234'000000);
  EXPECT_EQ(micros("1.234", DecimalMark::kPoint), 1'234000);
  // A leading zero is never a thousands group.
  EXPECT_EQ(micros("0,123"), 123000);
}

TEST(Values, ColumnDecimalMarkComesFromAllItsValues) {
  ColumnNumberStats german;
  for (std::string_view v : {"1.234", "12,5", "7,00", "1.000"}) german.add(parse_number(v, locale()));
  EXPECT_EQ(german.decide(DecimalMark::kPoint), DecimalMark::kComma);
  EXPECT_EQ(german.ambiguous, 2);
  ColumnNumberStats us;
  for (std::string_view v : {"1,234", "12.5"}) us.add(parse_number(v, locale()));
  EXPECT_EQ(us.decide(DecimalMark::kComma), DecimalMark::kPoint);
  ColumnNumberStats undecided;
  undecided.add(parse_number("1,234", locale()));
  EXPECT_EQ(undecided.decide(DecimalMark::kComma), DecimalMark::kComma);
}

Day d(int y, int m, int dd) { return *day_from_civil(y, m, dd); }

TEST(Values, DatesInEveryFormat) {
  const Locale& l = locale();
  EXPECT_EQ(parse_date("2026-03-15", DateFormat::kIso, l), d(2026, 3, 15));
  EXPECT_EQ(parse_date("2026-03-15 00:00:00", DateFormat::kIso, l), d(2026, 3, 15));
  EXPECT_EQ(parse_date("20260315", DateFormat::kCompact, l), d(2026, 3, 15));
  EXPECT_EQ(parse_date("2026/03/15", DateFormat::kYmdSlash, l), d(2026, 3, 15));
  EXPECT_EQ(parse_date("03/15/2026", DateFormat::kMdy, l), d(2026, 3, 15));
  EXPECT_EQ(parse_date("3/15/26", DateFormat::kMdy, l), d(2026, 3, 15));
  EXPECT_EQ(parse_date("15/03/2026", DateFormat::kDmy, l), d(2026, 3, 15));
  EXPECT_EQ(parse_date("15-03-2026", DateFormat::kDmy, l), d(2026, 3, 15));
  EXPECT_EQ(parse_date("15.03.2026", DateFormat::kDmyDot, l), d(2026, 3, 15));
  for (std::string_view s : {"Mar 15, 2026", "March 15, 2026", "15 mars 2026", "15. März 2026", "15 de marzo de 2026",
                             "15 de março de 2026", "15 marzo 2026", "Sunday, March 15, 2026", "15-Mar-2026",
                             "dim. 15 mars 2026", "15th March 2026"}) {
    EXPECT_EQ(parse_date(s, DateFormat::kWritten, l), d(2026, 3, 15)) << s;
  }
  EXPECT_EQ(parse_date("1er avril 2026", DateFormat::kWritten, l), d(2026, 4, 1));
}

TEST(Values, ImpossibleDatesAreRejected) {
  const Locale& l = locale();
  EXPECT_FALSE(parse_date("2026-02-30", DateFormat::kIso, l));
  EXPECT_FALSE(parse_date("2025-02-29", DateFormat::kIso, l));
  EXPECT_TRUE(parse_date("2024-02-29", DateFormat::kIso, l));
  EXPECT_FALSE(parse_date("13/13/2026", DateFormat::kMdy, l));
  EXPECT_FALSE(parse_date("Foo 15, 2026", DateFormat::kWritten, l));
  EXPECT_FALSE(parse_date("2026-03-15x", DateFormat::kIso, l));
}

TEST(Values, DateColumnFormatIsDecidedFromAllValues) {
  const Locale& l = locale();
  ColumnDateStats us;
  for (std::string_view v : {"01/02/2026", "01/13/2026", "02/01/2026"}) us.add(v, l);
  bool ambiguous = true;
  EXPECT_EQ(us.decide(true, &ambiguous), DateFormat::kMdy);
  EXPECT_FALSE(ambiguous);
  ColumnDateStats eu;
  for (std::string_view v : {"01/02/2026", "13/01/2026"}) eu.add(v, l);
  EXPECT_EQ(eu.decide(false, &ambiguous), DateFormat::kDmy);
  EXPECT_FALSE(ambiguous);
  ColumnDateStats alone;
  alone.add("01/02/2026", l);
  EXPECT_EQ(alone.decide(false, &ambiguous), DateFormat::kMdy);
  EXPECT_TRUE(ambiguous);  // said so, not silently guessed
  EXPECT_EQ(alone.decide(true, &ambiguous), DateFormat::kDmy);
}

TEST(Dates, CivilRoundTrip) {
  for (Day x = -1000; x < 30000; x += 7) {
    const Civil c = civil_from_day(x);
    EXPECT_EQ(day_from_civil(c.year, c.month, c.day), x);
  }
  EXPECT_EQ(iso_date(d(2026, 11, 23)), "2026-11-23");
  EXPECT_EQ(weekday(d(2026, 11, 23)), 0);  // a Monday
  EXPECT_EQ(parse_iso_date("2026-11-23"), d(2026, 11, 23));
  EXPECT_FALSE(parse_iso_date("2026-11-31"));
}


// ---- issue 12: formats from the data's locale and currency -----------------
// Expected strings are written out by hand from CLDR's conventions: German and
// Spanish group with '.', French with a narrow no-break space; the currency
// follows the number in de/fr/es (after a no-break space) and precedes it in
// Brazilian Portuguese; JPY and IDR have no minor units, EUR and BRL two;
// Spanish does not group four-digit numbers; sums of 1,000 and more drop cents.
TEST(Format, JpyIdrEurBrlInGermanFrenchPortugueseAndSpanish) {
  const std::string nb = "\u00a0", nnb = "\u202f";
  const fmt::NumberFormat de = fmt::number_format(locale(), "de-DE");
  const fmt::NumberFormat fr = fmt::number_format(locale(), "fr_FR");
  const fmt::NumberFormat pt = fmt::number_format(locale(), "pt-BR");
  const fmt::NumberFormat es = fmt::number_format(locale(), "es");
  EXPECT_EQ(fmt::money(1234567.4, "JPY", de), "1.234.567" + nb + "¥");
  EXPECT_EQ(fmt::money(999.4, "JPY", de), "999" + nb + "¥");
  EXPECT_EQ(fmt::money(950.4, "IDR", fr), "950" + nb + "IDR");
  EXPECT_EQ(fmt::money(15000000, "IDR", fr), "15" + nnb + "000" + nnb + "000" + nb + "IDR");
  EXPECT_EQ(fmt::money(12.5, "EUR", fr), "12,50" + nb + "€");
  EXPECT_EQ(fmt::money(12345.4, "EUR", fr), "12" + nnb + "345" + nb + "€");
  EXPECT_EQ(fmt::money(12.3, "BRL", pt), "R$" + nb + "12,30");
  EXPECT_EQ(fmt::money(-4321.2, "BRL", pt), "-R$" + nb + "4.321");
  EXPECT_EQ(fmt::money(1234.4, "EUR", es), "1234" + nb + "€");
  EXPECT_EQ(fmt::money(12345.4, "EUR", es), "12.345" + nb + "€");
  EXPECT_EQ(fmt::money(0.456, "EUR", es), "0,46" + nb + "€");
  EXPECT_EQ(fmt::money(777.7, "JPY", es), "778" + nb + "¥");
  EXPECT_EQ(fmt::money(5.5, "IDR", pt), "IDR" + nb + "6");
  EXPECT_EQ(fmt::money(12.345, "KWD", de), "12,345" + nb + "KWD");
  // Counts, percentages, multiples and changes.
  EXPECT_EQ(fmt::count(9415548, de), "9.415.548");
  EXPECT_EQ(fmt::count(9415548, fr), "9" + nnb + "415" + nnb + "548");
  EXPECT_EQ(fmt::count(1234, es), "1234");
  EXPECT_EQ(fmt::count(12.5, pt), "12,5");
  EXPECT_EQ(fmt::percent(0.0321, de), "3,21" + nb + "%");
  EXPECT_EQ(fmt::percent(0.0321, fr), "3,21" + nnb + "%");
  EXPECT_EQ(fmt::percent(0.0321, pt), "3,21%");
  EXPECT_EQ(fmt::multiple(3.214, es), "3,21x");
  EXPECT_EQ(fmt::change(-0.045, de), "-4,5" + nb + "%");
  EXPECT_EQ(fmt::points(0.005, fr), "+0,5 pts");
  // English stays as it was; an unknown tag falls back to it and says so.
  bool found = true;
  const fmt::NumberFormat xx = fmt::number_format(locale(), "xx-YY", &found);
  EXPECT_FALSE(found);
  EXPECT_EQ(fmt::money(1234567.4, "JPY", xx), "¥1,234,567");
  EXPECT_EQ(fmt::money(12.5, "USD"), "$12.50");
  EXPECT_EQ(fmt::money(12.5, "JPY", fmt::number_format(locale(), "en-US")), "¥13");
  EXPECT_EQ(fmt::money(12.5, "CHF"), "CHF 12.50");
  EXPECT_EQ(fmt::count(9415548), "9,415,548");
}

// ---- issue 12: the period an undated export states above its header --------
TEST(Values, PeriodLinesInEveryLanguageTheAliasTableKnows) {
  struct Case {
    const char* line;
    const char* start;  // nullptr: whole (all time)
    const char* end;
  };
  const Case cases[] = {
      {"January 1, 2026 - March 31, 2026", "2026-01-01", "2026-03-31"},
      {"\"Jan 1, 2026 - Mar 31, 2026\"", "2026-01-01", "2026-03-31"},
      {"Date range: 2026-01-01 - 2026-03-31", "2026-01-01", "2026-03-31"},
      {"1. Januar 2026 - 31. März 2026", "2026-01-01", "2026-03-31"},
      {"01.01.2026 - 31.03.2026", "2026-01-01", "2026-03-31"},
      {"1 janv. 2026 - 31 mars 2026", "2026-01-01", "2026-03-31"},
      {"1 ene 2026 - 31 mar 2026", "2026-01-01", "2026-03-31"},
      {"1 de enero de 2026 - 31 de marzo de 2026", "2026-01-01", "2026-03-31"},
      {"1 de jan. de 2026 - 31 de mar. de 2026", "2026-01-01", "2026-03-31"},
      {"1 gen 2026 - 31 mar 2026", "2026-01-01", "2026-03-31"},
      {"February 1, 2026 to February 28, 2026", "2026-02-01", "2026-02-28"},
      {"All time", nullptr, nullptr},
      {"Todo o período", nullptr, nullptr},
      {"Gesamter Zeitraum", nullptr, nullptr},
      {"Toute la période", nullptr, nullptr},
      {"Todo el período", nullptr, nullptr},
      {"Tutto il periodo", nullptr, nullptr},
  };
  for (const Case& c : cases) {
    const auto p = parse_period_line(c.line, locale());
    ASSERT_TRUE(p.has_value()) << c.line;
    if (c.start == nullptr) {
      EXPECT_TRUE(p->whole) << c.line;
      EXPECT_FALSE(p->start.has_value()) << c.line;
      continue;
    }
    EXPECT_FALSE(p->whole) << c.line;
    ASSERT_TRUE(p->start && p->end) << c.line;
    EXPECT_EQ(iso_date(*p->start), c.start) << c.line;
    EXPECT_EQ(iso_date(*p->end), c.end) << c.line;
  }
  for (const char* none : {"Campaign report", "Kampagnenbericht", "Account: Acme Ltd", "", "Total - 12"}) {
    EXPECT_FALSE(parse_period_line(none, locale()).has_value()) << none;
  }
}

}  // namespace
}  // namespace glint
