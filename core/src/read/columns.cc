#include "glint/columns.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "base/text.h"

namespace glint {

namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Field::kCount)> kFieldNames = {
    "", "date", "date_start", "date_end",
    "platform", "account_id", "account_name", "campaign_id", "campaign", "ad_group_id", "ad_group",
    "ad_id", "ad", "currency",
    "impressions", "clicks", "spend", "conversions", "conversion_value", "reach", "video_views",
    "frequency", "result_indicator", "results", "clicks_all",
    "source", "medium", "source_medium", "landing_page", "device",
    "sessions", "engaged_sessions", "users", "new_users", "views", "key_events", "revenue",
    "user_id", "session_id", "event_name", "timestamp", "channel", "converted", "value", "step", "count",
    "campaign_type", "campaign_status", "bid_strategy", "target_cpa", "target_roas", "budget", "lost_is_budget",
    "keyword", "search_term"};

constexpr std::array<std::string_view, static_cast<size_t>(Platform::kCount)> kPlatformNames = {
    "google_ads", "meta_ads", "ga4", "tiktok_ads", "linkedin_ads", "microsoft_ads", "generic"};

bool is_upper_ascii(std::string_view s) {
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// ISO 4217 codes of currencies ad accounts are billed in: "(UTC)" after a
// header is a time zone, not a currency, so only these count.
bool is_currency_code(std::string_view s) {
  static constexpr std::string_view kCodes[] = {
      "AED", "ARS", "AUD", "BGN", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP", "EUR",
      "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "JPY", "KES", "KRW", "KWD", "MAD", "MXN", "MYR", "NGN",
      "NOK", "NZD", "PEN", "PHP", "PKR", "PLN", "QAR", "RON", "RUB", "SAR", "SEK", "SGD", "THB", "TRY",
      "TWD", "UAH", "USD", "VND", "ZAR"};
  return s.size() == 3 && is_upper_ascii(s) && std::find(std::begin(kCodes), std::end(kCodes), s) != std::end(kCodes);
}

// Currency symbols that may close a header: "Kosten (€)".
std::string currency_of_symbol(std::string_view s) {
  if (s == "€") return "EUR";
  if (s == "$") return "USD";
  if (s == "£") return "GBP";
  if (s == "¥") return "JPY";
  if (s == "R$") return "BRL";
  if (s == "₹") return "INR";
  return "";
}

}  // namespace

std::string_view field_name(Field f) { return kFieldNames[static_cast<size_t>(f)]; }

std::string_view platform_display_name(Platform p) {
  switch (p) {
    case Platform::kGoogleAds: return "Google Ads";
    case Platform::kMetaAds: return "Meta Ads";
    case Platform::kGa4: return "GA4";
    case Platform::kTiktokAds: return "TikTok Ads";
    case Platform::kLinkedinAds: return "LinkedIn Ads";
    case Platform::kMicrosoftAds: return "Microsoft Ads";
    default: return "";
  }
}

std::optional<Field> field_from_name(std::string_view name) {
  for (size_t i = 1; i < kFieldNames.size(); ++i) {
    if (kFieldNames[i] == name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

std::string_view platform_name(Platform p) { return kPlatformNames[static_cast<size_t>(p)]; }

std::optional<Platform> platform_from_name(std::string_view name) {
  for (size_t i = 0; i < kPlatformNames.size(); ++i) {
    if (kPlatformNames[i] == name) return static_cast<Platform>(i);
  }
  return std::nullopt;
}

std::optional<Platform> platform_from_label(std::string_view label) {
  const std::string s = text::fold_case(text::trim_spaces(label));
  if (auto p = platform_from_name(s)) return p;
  auto has = [&s](std::string_view w) { return s.find(w) != std::string::npos; };
  if (has("google") && !has("analytics")) return Platform::kGoogleAds;
  if (has("adwords")) return Platform::kGoogleAds;
  if (has("meta") || has("facebook") || has("instagram")) return Platform::kMetaAds;
  if (has("ga4") || has("analytics")) return Platform::kGa4;
  if (has("tiktok")) return Platform::kTiktokAds;
  if (has("linkedin")) return Platform::kLinkedinAds;
  if (has("microsoft") || has("bing")) return Platform::kMicrosoftAds;
  return std::nullopt;
}

NormalisedHeader normalise_header(std::string_view header) {
  NormalisedHeader out;
  std::string_view h = text::trim_spaces(header);
  // A trailing currency: "Cost (EUR)", "Kosten (€)", "Spend in USD".
  if (h.size() > 4 && h.back() == ')') {
    const size_t open = h.rfind('(');
    if (open != std::string_view::npos) {
      const std::string_view inner = text::trim_spaces(h.substr(open + 1, h.size() - open - 2));
      std::string code;
      if (is_currency_code(inner)) code = std::string(inner);
      if (code.empty()) code = currency_of_symbol(inner);
      if (!code.empty()) {
        out.currency = code;
        h = text::trim_spaces(h.substr(0, open));
      }
    }
  }
  if (out.currency.empty() && h.size() > 7) {
    const std::string_view tail = h.substr(h.size() - 7);
    if ((tail.starts_with(" in ") || tail.starts_with(" en ")) && is_currency_code(tail.substr(4))) {
      out.currency = std::string(tail.substr(4));
      h = h.substr(0, h.size() - 7);
    }
  }
  // Fold case and collapse runs of spaces.
  const std::string folded = text::fold_case(h);
  out.key.reserve(folded.size());
  bool space = false;
  for (size_t i = 0; i < folded.size();) {
    if (const size_t n = text::space_prefix(std::string_view(folded).substr(i)); n > 0) {
      space = true;
      i += n;
      continue;
    }
    if (space && !out.key.empty()) out.key.push_back(' ');
    space = false;
    out.key.push_back(folded[i++]);
  }
  return out;
}

AliasTable parse_alias_table(std::string_view json_text) {
  AliasTable t;
  t.markers.resize(static_cast<size_t>(Platform::kCount));
  const auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (!doc.is_object()) return t;
  auto string_list = [](const nlohmann::json& arr, std::vector<std::string>& out) {
    if (!arr.is_array()) return;
    for (const auto& v : arr) {
      if (v.is_string()) out.push_back(text::fold_case(v.get<std::string>()));
    }
  };
  if (const auto fields = doc.find("fields"); fields != doc.end() && fields->is_object()) {
    for (const auto& [name, spec] : fields->items()) {
      const auto field = field_from_name(name);
      if (!field || !spec.is_object()) continue;
      if (const auto add = spec.find("additive"); add != spec.end() && add->is_boolean() && !add->get<bool>()) {
        t.non_additive |= uint64_t{1} << static_cast<unsigned>(*field);
      }
      const auto aliases = spec.find("aliases");
      if (aliases == spec.end() || !aliases->is_array()) continue;
      int priority = 0;
      for (const auto& a : *aliases) {
        std::string header;
        uint32_t mask = 0;
        uint8_t lang = 0;
        if (a.is_string()) {
          header = a.get<std::string>();
          mask = 1u << static_cast<unsigned>(Platform::kGeneric);
        } else if (a.is_object() && a.contains("header") && a["header"].is_string()) {
          header = a["header"].get<std::string>();
          if (const auto l = a.find("lang"); l != a.end() && l->is_string()) {
            const auto at = std::find(t.languages.begin(), t.languages.end(), l->get<std::string>());
            lang = static_cast<uint8_t>(at - t.languages.begin());
            if (at == t.languages.end()) t.languages.push_back(l->get<std::string>());
          }
          if (const auto ps = a.find("platforms"); ps != a.end() && ps->is_array()) {
            for (const auto& p : *ps) {
              if (!p.is_string()) continue;
              if (const auto id = platform_from_name(p.get<std::string>())) {
                mask |= 1u << static_cast<unsigned>(*id);
              }
            }
          }
        } else {
          continue;
        }
        const std::string key = normalise_header(header).key;
        auto [it, inserted] = t.by_header.emplace(key, AliasTable::Alias{*field, mask, priority, lang});
        if (!inserted && it->second.field == *field) it->second.platforms |= mask;
        ++priority;
      }
    }
  }
  if (const auto markers = doc.find("platform_markers"); markers != doc.end() && markers->is_object()) {
    for (const auto& [name, list] : markers->items()) {
      const auto id = platform_from_name(name);
      if (!id || !list.is_array()) continue;
      for (const auto& m : list) {
        if (m.is_string()) t.markers[static_cast<size_t>(*id)].push_back(normalise_header(m.get<std::string>()).key);
      }
    }
  }
  if (const auto rows = doc.find("summary_rows"); rows != doc.end() && rows->is_object()) {
    if (rows->contains("total_labels")) string_list((*rows)["total_labels"], t.total_labels);
    if (rows->contains("results_from_patterns")) string_list((*rows)["results_from_patterns"], t.results_from_patterns);
    if (rows->contains("footer_patterns")) string_list((*rows)["footer_patterns"], t.footer_patterns);
    if (const auto seps = rows->find("label_separators"); seps != rows->end() && seps->is_array()) {
      for (const auto& x : *seps) {
        if (x.is_string()) t.label_separators.push_back(x.get<std::string>());  // not trimmed: " -" differs from "-"
      }
    }
    if (const auto notes = rows->find("check_notes"); notes != rows->end() && notes->is_object()) {
      t.check_note_larger = notes->value("larger", "");
      t.check_note_smaller = notes->value("smaller", "");
    }
  }
  if (doc.contains("meta_conversion_indicators")) {
    string_list(doc["meta_conversion_indicators"], t.conversion_indicators);
  }
  return t;
}

std::string AliasTable::summary_label(std::string_view cell) const {
  cell = text::trim_spaces(cell);
  if (cell.empty() || cell.size() > 80) return {};
  // Only the head can match: fold no more of a long campaign name than the
  // longest label and separator need (every row's name cells come here).
  size_t longest_label = 0, longest_sep = 0;
  for (const std::string& label : total_labels) longest_label = std::max(longest_label, label.size());
  for (const std::string& sep : label_separators) longest_sep = std::max(longest_sep, sep.size());
  const size_t head = longest_label + longest_sep + 4;
  // Folding keeps byte lengths (ASCII and Latin-1 capitals), so an empty rest
  // means the whole cell was the label.
  const std::string folded = text::fold_case(cell.substr(0, std::min(cell.size(), head)));
  for (const std::string& label : total_labels) {
    if (!std::string_view(folded).starts_with(label)) continue;
    const std::string_view rest = std::string_view(folded).substr(label.size());
    if (rest.empty()) return folded;
    for (const std::string& sep : label_separators) {
      if (rest.starts_with(sep)) return text::fold_case(cell);
    }
  }
  return {};
}

int count_known_headers(std::span<const std::string_view> cells, const AliasTable& table) {
  int known = 0;
  for (const std::string_view c : cells) {
    if (table.by_header.count(normalise_header(c).key) != 0) ++known;
  }
  return known;
}

ColumnMapping map_columns(std::span<const std::string_view> cells, const AliasTable& table) {
  ColumnMapping m;
  std::vector<NormalisedHeader> norm;
  norm.reserve(cells.size());
  for (const std::string_view c : cells) {
    norm.push_back(normalise_header(c));
    m.headers.emplace_back(text::trim_spaces(c));
  }
  // Platform: markers count three, platform-specific aliases one.
  std::array<int, static_cast<size_t>(Platform::kCount)> score{};
  for (const NormalisedHeader& h : norm) {
    for (size_t p = 0; p < table.markers.size(); ++p) {
      for (const std::string& marker : table.markers[p]) {
        if (marker == h.key) score[p] += 3;
      }
    }
    const auto it = table.by_header.find(h.key);
    if (it == table.by_header.end()) continue;
    // Headers any tool writes ("Clicks", "Date") say nothing about the platform.
    if (it->second.platforms & (1u << static_cast<unsigned>(Platform::kGeneric))) continue;
    for (size_t p = 0; p + 1 < score.size(); ++p) {
      if (it->second.platforms & (1u << p)) ++score[p];
    }
  }
  int best = 0;
  for (size_t p = 0; p + 1 < score.size(); ++p) {
    if (score[p] > best) {
      best = score[p];
      m.platform = static_cast<Platform>(p);
    }
  }
  if (best < 2) m.platform = Platform::kGeneric;  // one shared alias proves nothing

  // Fields: on a clash the alias listed first in its field wins.
  m.fields.assign(cells.size(), Field::kNone);
  // The UI language: the one most mapped headers are written in. Headers
  // several languages share ("Clicks") are listed under the first, English,
  // so any other language with a vote wins over it.
  std::vector<int> lang_votes(table.languages.size(), 0);
  std::vector<int> owner(static_cast<size_t>(Field::kCount), -1);
  for (size_t i = 0; i < norm.size(); ++i) {
    if (!norm[i].key.empty()) {
      for (size_t j = 0; j < i; ++j) {
        if (norm[j].key == norm[i].key && m.headers[j] == m.headers[i]) {
          m.duplicates.emplace_back(i, j);
          break;
        }
      }
      if (!m.duplicates.empty() && m.duplicates.back().first == i) continue;
    }
    const auto it = table.by_header.find(norm[i].key);
    if (it == table.by_header.end()) continue;
    const Field f = it->second.field;
    const int current = owner[static_cast<size_t>(f)];
    if (current >= 0) {
      const auto& other = table.by_header.at(norm[static_cast<size_t>(current)].key);
      if (other.priority <= it->second.priority) {
        m.shadowed.push_back(i);
        continue;
      }
      m.fields[static_cast<size_t>(current)] = Field::kNone;
      m.shadowed.push_back(static_cast<size_t>(current));
      --m.known;
    }
    owner[static_cast<size_t>(f)] = static_cast<int>(i);
    m.fields[i] = f;
    ++m.known;
    if (it->second.lang < lang_votes.size()) ++lang_votes[it->second.lang];
    if (!norm[i].currency.empty() && m.currency.empty() &&
        (f == Field::kSpend || f == Field::kConversionValue || f == Field::kRevenue)) {
      m.currency = norm[i].currency;
    }
  }
  int best_lang = 0;
  for (size_t l = 0; l < lang_votes.size(); ++l) {
    const bool english = table.languages[l] == "en";
    if (lang_votes[l] > 0 && !english && lang_votes[l] > best_lang) {
      best_lang = lang_votes[l];
      m.lang = table.languages[l];
    }
  }
  if (m.lang.empty() && m.known > 0) m.lang = "en";
  return m;
}

}  // namespace glint
