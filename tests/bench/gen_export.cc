// gen_export ROWS OUT.csv — the deterministic ad export the ingest benchmark
// reads: date, platform, campaign_id, campaign_name, ad_group, ad,
// impressions, clicks, spend, conversions, conversion_value; 90 days, 200
// campaigns, 5,000 ads; about 5% of names quoted (with commas and doubled
// quotes); about 124 bytes a row. The same ROWS always give the same bytes.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

uint64_t state = 0x9E3779B97F4A7C15ull;
uint64_t next() {  // splitmix64
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: gen_export ROWS OUT.csv\n");
    return 2;
  }
  const long long rows = std::atoll(argv[1]);
  std::FILE* out = std::fopen(argv[2], "wb");
  if (out == nullptr || rows <= 0) {
    std::fprintf(stderr, "gen_export: cannot write %s\n", argv[2]);
    return 1;
  }
  const char* platforms[] = {"google_ads", "meta_ads", "tiktok_ads", "linkedin_ads"};
  std::vector<std::string> campaigns, groups, ads;
  for (int c = 0; c < 200; ++c) {
    std::string name = "Campaign " + std::to_string(c) + " Evergreen Prospecting";
    if (c % 20 == 3) name = "Brand, \"Search\" " + std::to_string(c) + " EU";  // 5%: comma and quotes
    campaigns.push_back(csv_field(name));
  }
  for (int g = 0; g < 1000; ++g) groups.push_back(csv_field("Ad group " + std::to_string(g) + (g % 20 == 7 ? ", broad" : " exact")));
  for (int a = 0; a < 5000; ++a) ads.push_back(csv_field("Ad " + std::to_string(a) + (a % 20 == 11 ? " \"v2\", video" : " static img")));
  std::fputs("date,platform,campaign_id,campaign_name,ad_group,ad,impressions,clicks,spend,conversions,conversion_value\n", out);
  std::string line;
  for (long long i = 0; i < rows; ++i) {
    const int day = static_cast<int>(i * 90 / rows);  // sorted by date, 90 days
    const int ad = static_cast<int>(next() % 5000);
    const int group = ad / 5, campaign = ad / 25;
    const uint64_t r = next();
    const int impressions = 100 + static_cast<int>(r % 9900);
    const int clicks = static_cast<int>((r >> 16) % (impressions / 20 + 1));
    const int spend_cents = clicks * (20 + static_cast<int>((r >> 32) % 180));
    const int conv_tenths = static_cast<int>((r >> 40) % (clicks / 4 + 1)) * 5;
    const int value_cents = conv_tenths * (500 + static_cast<int>((r >> 48) % 4000));
    // 2026-01-01 plus `day` days (2026 is not a leap year).
    static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int month = 0, dom = day;
    while (dom >= kMonthDays[month]) dom -= kMonthDays[month++];
    char date[32];
    std::snprintf(date, sizeof date, "2026-%02d-%02d", month + 1, dom + 1);
    char nums[160];
    std::snprintf(nums, sizeof nums, "%d,%d,%d.%02d,%d.%d,%d.%02d", impressions, clicks, spend_cents / 100,
                  spend_cents % 100, conv_tenths / 10, conv_tenths % 10, value_cents / 100, value_cents % 100);
    line.clear();
    line += date;
    line += ',';
    line += platforms[campaign % 4];
    line += ",1" + std::to_string(100000000 + campaign);
    line += ',';
    line += campaigns[static_cast<size_t>(campaign)];
    line += ',';
    line += groups[static_cast<size_t>(group)];
    line += ',';
    line += ads[static_cast<size_t>(ad)];
    line += ',';
    line += nums;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out);
  }
  return std::fclose(out) == 0 ? 0 : 1;
}
