// Filters, filter values, breakdown levels and report.breakdown (slice.h).
//
// A breakdown row is every entity sharing the row's dimensions down to the
// level asked for (platform, currency, account, campaign, ad group, …), so
// two ad groups named alike in two campaigns are two rows. Its figures come
// from the roll-up (overlaps of two inputs counted once, as in every report),
// its ratios from its sums and its changes from its two windows' sums.
#include "figures/slice.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "glint/columns.h"
#include "glint/dates.h"
#include "insights/report_json.h"

namespace glint {

namespace {

using json_out::Json;

constexpr size_t kMaxFilterValues = 5000;
constexpr size_t kMaxFilterEntries = 1000;
constexpr int64_t kDefaultLimit = 500, kMaxLimit = 5000;

CallResult invalid(const std::string& message) {
  Json doc;
  doc["error"]["code"] = std::string(error_code_name(ErrorCode::kInvalidRequest));
  doc["error"]["message"] = message;
  return {ErrorCode::kInvalidRequest, json_out::dump(doc)};
}

const std::string& dim(const Entity& e, size_t slot) {
  static const std::string kEmpty;
  return slot < e.dims.size() ? e.dims[slot] : kEmpty;
}
constexpr size_t slot(AdDim d) { return static_cast<size_t>(d); }
constexpr size_t slot(WebDim d) { return static_cast<size_t>(d); }

// An account id as its digits when it is digits with dashes, spaces or
// Meta's "act_" ("123-456-7890" = "1234567890", "act_42" = "42").
std::string account_key(std::string_view id) {
  if (id.substr(0, 4) == "act_") id.remove_prefix(4);
  std::string digits;
  for (char c : id) {
    if (c >= '0' && c <= '9') digits.push_back(c);
    else if (c != '-' && c != ' ') return std::string(id);
  }
  return digits.empty() ? std::string(id) : digits;
}

Status read_names(const Json& doc, const char* key, size_t max_len, std::set<std::string, std::less<>>& out) {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return Status::Ok();
  const std::string what = std::string("'") + key + "' must be a non-empty array of at most " +
                           std::to_string(kMaxFilterEntries) + " non-empty strings";
  if (!it->is_array() || it->empty() || it->size() > kMaxFilterEntries) return Status(ErrorCode::kInvalidRequest, what);
  for (const Json& v : *it) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>().size() > max_len) {
      return Status(ErrorCode::kInvalidRequest, what + " (of at most " + std::to_string(max_len) + " bytes)");
    }
    out.insert(v.get<std::string>());
  }
  return Status::Ok();
}

// ------------------------------------------------------------------ levels

// A breakdown level: its name, the dimension slots naming it (id, then name),
// and the levels a row of it drills into.
struct Level {
  std::string_view name;
  DataKind kind;
  int id_slot, name_slot;  // -1: none (platform)
  std::vector<std::string_view> children;
};

const std::vector<Level>& levels() {
  static const std::vector<Level> kLevels = {
      {"platform", DataKind::kAds, -1, -1, {"account", "campaign"}},
      {"account", DataKind::kAds, int(slot(AdDim::kAccountId)), int(slot(AdDim::kAccountName)), {"campaign"}},
      {"campaign", DataKind::kAds, int(slot(AdDim::kCampaignId)), int(slot(AdDim::kCampaign)),
       {"ad_group", "ad", "keyword", "search_term"}},
      {"ad_group", DataKind::kAds, int(slot(AdDim::kAdGroupId)), int(slot(AdDim::kAdGroup)), {"ad", "keyword", "search_term"}},
      {"ad", DataKind::kAds, int(slot(AdDim::kAdId)), int(slot(AdDim::kAd)), {}},
      {"keyword", DataKind::kAds, -1, int(slot(AdDim::kKeyword)), {"search_term"}},
      {"search_term", DataKind::kAds, -1, int(slot(AdDim::kSearchTerm)), {}},
      {"platform", DataKind::kWeb, -1, -1, {"source_medium"}},
      {"source_medium", DataKind::kWeb, int(slot(WebDim::kSource)), int(slot(WebDim::kMedium)),
       {"landing_page", "campaign", "device"}},
      {"campaign", DataKind::kWeb, -1, int(slot(WebDim::kCampaign)), {"landing_page", "device"}},
      {"landing_page", DataKind::kWeb, -1, int(slot(WebDim::kLandingPage)), {"device"}},
      {"device", DataKind::kWeb, -1, int(slot(WebDim::kDevice)), {}},
  };
  return kLevels;
}

const Level* find_level(std::string_view name, DataKind kind) {
  for (const Level& l : levels()) {
    if (l.name == name && l.kind == kind) return &l;
  }
  return nullptr;
}

bool has_level(const Level& l, uint32_t present) {
  if (l.id_slot < 0 && l.name_slot < 0) return true;
  return (l.id_slot >= 0 && ((present >> l.id_slot) & 1u)) || (l.name_slot >= 0 && ((present >> l.name_slot) & 1u));
}

uint32_t present_dims(std::span<const Dataset* const> inputs, DataKind kind) {
  uint32_t present = 0;
  for (const Dataset* d : inputs) {
    if (d->report.kind != kind) continue;
    for (const Entity& e : d->entities) {
      for (size_t s = 0; s < e.dims.size() && s < 32; ++s) {
        if (!e.dims[s].empty()) present |= 1u << s;
      }
    }
  }
  return present;
}

// The ancestors a row's key includes: the levels above `l` on the way from
// the platform (ads: account, campaign, ad group; web: source / medium).
std::vector<const Level*> key_path(const Level& l) {
  std::vector<const Level*> path;
  const auto add = [&](std::string_view name) { path.push_back(find_level(name, l.kind)); };
  if (l.kind == DataKind::kAds) {
    if (l.name != "platform") add("account");
    if (l.name != "platform" && l.name != "account") add("campaign");
    if (l.name == "ad" || l.name == "keyword" || l.name == "search_term") add("ad_group");
    if (l.name == "search_term") add("keyword");
  } else if (l.name != "platform" && l.name != "source_medium") {
    add("source_medium");
  }
  if (std::find(path.begin(), path.end(), &l) == path.end() && l.name != "platform") path.push_back(&l);
  return path;
}

// The dimension names a key writes for a level ("campaign_id", "campaign"…).
std::pair<std::string, std::string> key_names(const Level& l) {
  if (l.kind == DataKind::kWeb && l.name == "source_medium") return {"source", "medium"};
  if (l.id_slot >= 0) return {std::string(l.name) + "_id", std::string(l.name == "account" ? "account_name" : l.name)};
  return {"", std::string(l.name)};
}

}  // namespace

// ------------------------------------------------------------------ filters

Status read_slice_filter(const Json& doc, SliceFilter& out) {
  if (const auto it = doc.find("platforms"); it != doc.end() && !it->is_null()) {
    if (!it->is_array() || it->empty() || it->size() > 64) {
      return Status(ErrorCode::kInvalidRequest, "'platforms' must be a non-empty array of platform names");
    }
    for (const Json& name : *it) {
      const auto p = name.is_string() ? platform_from_name(name.get<std::string>()) : std::nullopt;
      if (!p) {
        return Status(ErrorCode::kInvalidRequest, "'platforms' names an unknown platform " + name.dump() +
                                                      " (google_ads, meta_ads, ga4, tiktok_ads, linkedin_ads, microsoft_ads, generic)");
      }
      out.platforms.insert(*p);
    }
  }
  if (Status s = read_names(doc, "accounts", 256, out.accounts); !s.ok()) return s;
  return read_names(doc, "campaigns", 1024, out.campaigns);
}

void apply_slice_filter(const SliceFilter& f, std::vector<const Dataset*>& inputs, std::deque<Dataset>& holder) {
  if (!f.any()) return;
  std::set<std::string, std::less<>> accounts;
  for (const std::string& a : f.accounts) {
    accounts.insert(a);
    accounts.insert(account_key(a));
  }
  const auto keep = [&](const Dataset& d, const Entity& e) {
    if (!f.platforms.empty() && f.platforms.count(e.platform) == 0) return false;
    if (d.report.kind == DataKind::kAds) {
      if (!f.accounts.empty()) {
        const std::string& id = dim(e, slot(AdDim::kAccountId));
        const std::string& name = dim(e, slot(AdDim::kAccountName));
        const bool hit = (!id.empty() && (accounts.count(id) > 0 || accounts.count(account_key(id)) > 0)) ||
                         (!name.empty() && accounts.count(name) > 0);
        if (!hit) return false;
      }
      if (!f.campaigns.empty()) {
        const std::string& id = dim(e, slot(AdDim::kCampaignId));
        const std::string& name = dim(e, slot(AdDim::kCampaign));
        if (!((!id.empty() && f.campaigns.count(id) > 0) || (!name.empty() && f.campaigns.count(name) > 0))) return false;
      }
      return true;
    }
    if (!f.accounts.empty()) return false;
    if (!f.campaigns.empty() && f.campaigns.count(dim(e, slot(WebDim::kCampaign))) == 0) return false;
    return true;
  };
  std::vector<const Dataset*> kept;
  for (const Dataset* d : inputs) {
    Dataset& out = holder.emplace_back();
    out.report = d->report;
    std::vector<uint32_t> index(d->entities.size(), UINT32_MAX);
    for (size_t i = 0; i < d->entities.size(); ++i) {
      if (!keep(*d, d->entities[i])) continue;
      index[i] = static_cast<uint32_t>(out.entities.size());
      out.entities.push_back(d->entities[i]);
      if (!d->attributes.empty()) out.attributes.push_back(d->attributes[i]);
    }
    for (const Cell& c : d->cells) {
      if (index[c.entity] == UINT32_MAX) continue;
      Cell k = c;
      k.entity = index[c.entity];
      out.cells.push_back(k);
    }
    // An input the filter empties is left out (its coverage would read as a
    // source without days); when every one is emptied, one empty stays.
    if (!out.cells.empty() || (kept.empty() && d == inputs.back())) kept.push_back(&out);
  }
  inputs = std::move(kept);
}

Json slice_filter_json(const SliceFilter& f) {
  Json platforms = Json::array(), accounts = Json::array(), campaigns = Json::array();
  for (Platform p : f.platforms) platforms.push_back(std::string(platform_name(p)));
  for (const std::string& a : f.accounts) accounts.push_back(a);
  for (const std::string& c : f.campaigns) campaigns.push_back(c);
  return {{"platforms", std::move(platforms)}, {"accounts", std::move(accounts)}, {"campaigns", std::move(campaigns)}};
}

Json filter_values_json(std::span<const Dataset* const> inputs) {
  std::set<Platform> platforms;
  std::map<std::tuple<std::string, int, std::string>, std::string> accounts;  // (name, platform, id) → id
  std::map<std::tuple<std::string, int, std::string, std::string>, bool> campaigns;  // (name, platform, account, id)
  for (const Dataset* d : inputs) {
    for (const Entity& e : d->entities) {
      platforms.insert(e.platform);
      if (d->report.kind == DataKind::kAds) {
        const std::string& id = dim(e, slot(AdDim::kAccountId));
        const std::string& name = dim(e, slot(AdDim::kAccountName));
        if (!id.empty() || !name.empty()) accounts[{name, static_cast<int>(e.platform), id}] = id;
        const std::string& cid = dim(e, slot(AdDim::kCampaignId));
        const std::string& cname = dim(e, slot(AdDim::kCampaign));
        if (!cid.empty() || !cname.empty()) campaigns[{cname, static_cast<int>(e.platform), id, cid}] = true;
      } else if (const std::string& utm = dim(e, slot(WebDim::kCampaign)); !utm.empty()) {
        campaigns[{utm, static_cast<int>(e.platform), "", ""}] = true;
      }
    }
  }
  Json p = Json::array(), a = Json::array(), c = Json::array();
  for (Platform x : platforms) p.push_back(std::string(platform_name(x)));
  for (const auto& [k, id] : accounts) {
    if (a.size() >= kMaxFilterValues) break;
    a.push_back({{"platform", std::string(platform_name(static_cast<Platform>(std::get<1>(k))))},
                 {"id", id},
                 {"name", std::get<0>(k)}});
  }
  for (const auto& [k, unused] : campaigns) {
    if (c.size() >= kMaxFilterValues) break;
    c.push_back({{"platform", std::string(platform_name(static_cast<Platform>(std::get<1>(k))))},
                 {"account_id", std::get<2>(k)},
                 {"id", std::get<3>(k)},
                 {"name", std::get<0>(k)}});
  }
  return {{"platforms", std::move(p)},
          {"accounts", std::move(a)},
          {"campaigns", std::move(c)},
          {"truncated", accounts.size() > kMaxFilterValues || campaigns.size() > kMaxFilterValues}};
}

Json levels_json(std::span<const Dataset* const> inputs, DataKind kind) {
  const uint32_t present = present_dims(inputs, kind);
  Json out = Json::array();
  if (std::none_of(inputs.begin(), inputs.end(), [kind](const Dataset* d) { return d->report.kind == kind; })) return out;
  for (const Level& l : levels()) {
    if (l.kind == kind && has_level(l, present)) out.push_back(std::string(l.name));
  }
  return out;
}

// ------------------------------------------------------------------ breakdown

CallResult breakdown_call(const Json& request, std::span<const Dataset* const> inputs, const RollupOptions& rollup,
                          const Json& format) {
  // Which kind: the level names it where both kinds know it ("campaign",
  // "platform"), else the inputs (ads when there are any).
  bool any_ads = false, any_web = false;
  for (const Dataset* d : inputs) (d->report.kind == DataKind::kAds ? any_ads : any_web) = true;
  std::string level_name = "campaign", kind_name;
  if (const auto it = request.find("level"); it != request.end() && !it->is_null()) {
    if (!it->is_string()) return invalid("'level' must be a level name");
    level_name = it->get<std::string>();
  }
  if (const auto it = request.find("kind"); it != request.end() && !it->is_null()) {
    if (!it->is_string() || (it->get_ref<const std::string&>() != "ads" && it->get_ref<const std::string&>() != "web")) {
      return invalid("'kind' must be ads or web");
    }
    kind_name = it->get<std::string>();
  }
  DataKind kind = any_ads ? DataKind::kAds : DataKind::kWeb;
  if (!kind_name.empty()) kind = kind_name == "web" ? DataKind::kWeb : DataKind::kAds;
  else if (!find_level(level_name, kind)) kind = kind == DataKind::kAds ? DataKind::kWeb : DataKind::kAds;
  const Level* level = find_level(level_name, kind);
  if (level == nullptr) {
    return invalid("'level' must be one of platform, account, campaign, ad_group, ad, keyword, search_term (ads) or "
                   "platform, source_medium, campaign, landing_page, device (web); got '" + level_name + "'");
  }
  const uint32_t present = present_dims(inputs, kind);
  if (!has_level(*level, present)) {
    std::string have;
    for (const Level& l : levels()) {
      if (l.kind == kind && has_level(l, present)) have += (have.empty() ? "" : ", ") + std::string(l.name);
    }
    return invalid("the inputs have no " + level_name + " column: the levels they offer are " + have);
  }
  int64_t limit = kDefaultLimit;
  if (const auto it = request.find("limit"); it != request.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > kMaxLimit) {
      return invalid("'limit' must be an integer from 1 to " + std::to_string(kMaxLimit));
    }
    limit = it->get<int64_t>();
  }

  // The parent: dimension names and the values an entity must have.
  struct Match {
    std::string name;
    std::string value;
  };
  std::vector<Match> parent;
  Json parent_json = Json::object();
  if (const auto it = request.find("parent"); it != request.end() && !it->is_null()) {
    if (!it->is_object() || it->size() > 16) return invalid("'parent' must be an object of dimension names and values");
    static const std::set<std::string, std::less<>> kAdsNames = {
        "platform", "account_id", "account_name", "campaign_id", "campaign", "ad_group_id", "ad_group",
        "ad_id", "ad", "keyword", "search_term", "currency"};
    static const std::set<std::string, std::less<>> kWebNames = {"platform", "source", "medium", "source_medium",
                                                                 "campaign", "landing_page", "device", "currency"};
    const auto& names = kind == DataKind::kAds ? kAdsNames : kWebNames;
    for (const auto& [k, v] : it->items()) {
      if (names.count(k) == 0) {
        std::string list;
        for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
        return invalid("'parent' names an unknown dimension '" + k + "' (" + list + ")");
      }
      if (v.is_null()) continue;
      if (!v.is_string() || v.get_ref<const std::string&>().size() > 1024) {
        return invalid("'parent." + k + "' must be a string of at most 1024 bytes");
      }
      parent.push_back({k, v.get<std::string>()});
      parent_json[k] = v;
    }
  }
  const auto value_of = [kind](const Entity& e, std::string_view name) -> std::string {
    if (name == "platform") return std::string(platform_name(e.platform));
    if (name == "currency") return e.currency;
    if (kind == DataKind::kWeb) {
      if (name == "source") return dim(e, slot(WebDim::kSource));
      if (name == "medium") return dim(e, slot(WebDim::kMedium));
      if (name == "source_medium") {
        const std::string& m = dim(e, slot(WebDim::kMedium));
        return m.empty() ? dim(e, slot(WebDim::kSource)) : dim(e, slot(WebDim::kSource)) + " / " + m;
      }
      if (name == "campaign") return dim(e, slot(WebDim::kCampaign));
      if (name == "landing_page") return dim(e, slot(WebDim::kLandingPage));
      return dim(e, slot(WebDim::kDevice));
    }
    static const std::map<std::string_view, AdDim> kSlots = {
        {"account_id", AdDim::kAccountId}, {"account_name", AdDim::kAccountName}, {"campaign_id", AdDim::kCampaignId},
        {"campaign", AdDim::kCampaign},    {"ad_group_id", AdDim::kAdGroupId},    {"ad_group", AdDim::kAdGroup},
        {"ad_id", AdDim::kAdId},           {"ad", AdDim::kAd},                    {"keyword", AdDim::kKeyword},
        {"search_term", AdDim::kSearchTerm}};
    return dim(e, slot(kSlots.at(name)));
  };

  // The row key: platform, currency and the path's identities (an id when the
  // export has one, else the name).
  const std::vector<const Level*> path = key_path(*level);
  const auto identity = [](const Entity& e, const Level& l) -> std::string {
    if (l.kind == DataKind::kWeb && l.name == "source_medium") {
      return dim(e, size_t(l.id_slot)) + "\x1f" + dim(e, size_t(l.name_slot));
    }
    if (l.id_slot >= 0 && !dim(e, size_t(l.id_slot)).empty()) {
      return "id:" + (l.name == "account" ? account_key(dim(e, size_t(l.id_slot))) : dim(e, size_t(l.id_slot)));
    }
    return "name:" + dim(e, size_t(l.name_slot));
  };
  RollupOptions o = rollup;
  o.breakdown_key = [&](const Entity& e) -> std::optional<std::string> {
    for (const Match& m : parent) {
      const std::string v = value_of(e, m.name);
      if (m.name == "account_id" ? account_key(v) != account_key(m.value) : v != m.value) return std::nullopt;
    }
    std::string key = std::string(platform_name(e.platform)) + "\x1e" + e.currency;
    for (const Level* l : path) key += "\x1e" + identity(e, *l);
    return key;
  };
  const Rollup r = roll_up(inputs, kind, o);

  Json rows = Json::array();
  std::vector<const BreakdownRow*> order;
  for (const BreakdownRow& row : r.breakdown) {
    if (row.total.rows > 0) order.push_back(&row);
  }
  const auto weight = [kind](const Sums& s) {
    return kind == DataKind::kAds ? s[AdMetric::kSpend] : s[WebMetric::kSessions];
  };
  const auto label_of = [&](const BreakdownRow& row) -> std::string {
    Entity e;
    e.platform = row.platform;
    e.currency = row.currency;
    e.dims = row.dims;
    if (level->name == "platform") return std::string(platform_display_name(row.platform));
    if (level->kind == DataKind::kWeb && level->name == "source_medium") return value_of(e, "source_medium");
    if (level->name_slot >= 0 && !dim(e, size_t(level->name_slot)).empty()) return dim(e, size_t(level->name_slot));
    if (level->id_slot >= 0 && !dim(e, size_t(level->id_slot)).empty()) return dim(e, size_t(level->id_slot));
    return "";
  };
  std::vector<std::string> labels(r.breakdown.size());
  for (const BreakdownRow* row : order) labels[static_cast<size_t>(row - r.breakdown.data())] = label_of(*row);
  const bool periods = r.periods.has_value();
  std::stable_sort(order.begin(), order.end(), [&](const BreakdownRow* a, const BreakdownRow* b) {
    const int64_t wa = weight(periods ? a->current : a->total), wb = weight(periods ? b->current : b->total);
    if (wa != wb) return wa > wb;
    if (weight(a->total) != weight(b->total)) return weight(a->total) > weight(b->total);
    return labels[static_cast<size_t>(a - r.breakdown.data())] < labels[static_cast<size_t>(b - r.breakdown.data())];
  });
  const bool none = periods && r.periods->compare == CompareMode::kNone;
  int64_t uncompared = 0;
  for (const BreakdownRow* row : order) {
    if (static_cast<int64_t>(rows.size()) >= limit) break;
    Entity e;
    e.platform = row->platform;
    e.currency = row->currency;
    e.dims = row->dims;
    Json key = Json::object();
    key["platform"] = std::string(platform_name(row->platform));
    for (const Level* l : path) {
      const auto [id_name, name_name] = key_names(*l);
      if (!id_name.empty()) key[id_name] = value_of(e, id_name);
      key[name_name] = value_of(e, name_name);
    }
    Json j;
    j["key"] = std::move(key);
    j["label"] = labels[static_cast<size_t>(row - r.breakdown.data())];
    j["platform"] = std::string(platform_name(row->platform));
    j["currency"] = row->currency.empty() ? Json(nullptr) : Json(row->currency);
    if (periods) {
      put_metrics(j["current"], row->current, kind, r.metrics_present);
      const bool comparable = !none && row->compared;
      uncompared += !none && !row->compared;
      if (none) {
        j["previous"] = nullptr;
      } else {
        put_metrics(j["previous"], row->previous, kind, r.metrics_present);
      }
      j["change"] = comparable ? change_json(row->current, row->previous, kind, r.metrics_present, false, true) : Json(nullptr);
    } else {
      put_metrics(j["current"], row->total, kind, r.metrics_present);
      j["previous"] = nullptr;
      j["change"] = nullptr;
    }
    put_metrics(j["total"], row->total, kind, r.metrics_present);
    Json children = Json::array();
    for (std::string_view c : level->children) {
      const Level* cl = find_level(c, kind);
      if (cl != nullptr && cl != level && has_level(*cl, row->dims_present)) children.push_back(std::string(c));
    }
    j["children"] = std::move(children);
    rows.push_back(std::move(j));
  }

  Json notes = Json::array();
  if (!periods) notes.push_back("The inputs have no day per row: the rows show their totals over the export's period.");
  if (uncompared > 0) {
    notes.push_back(std::to_string(uncompared) +
                    " rows come from inputs that do not cover both windows: their changes are not given.");
  }
  if (order.empty()) notes.push_back("No rows match the parent and filters.");
  Json doc;
  doc["level"] = std::string(level->name);
  doc["kind"] = kind == DataKind::kAds ? "ads" : "web";
  doc["parent"] = std::move(parent_json);
  if (periods) {
    const Periods& p = *r.periods;
    Json compare = {{"mode", std::string(compare_mode_name(p.compare))}};
    doc["period"] = {{"current", {{"start", iso_date(p.current.start)}, {"end", iso_date(p.current.end)}, {"days", p.days}}},
                     {"previous", none ? Json(nullptr)
                                       : Json{{"start", iso_date(p.previous.start)},
                                              {"end", iso_date(p.previous.end)},
                                              {"days", p.previous_days_length}}},
                     {"compare", std::move(compare)}};
  } else {
    doc["period"] = nullptr;
  }
  doc["rows"] = std::move(rows);
  doc["total_rows"] = order.size();
  doc["truncated"] = static_cast<int64_t>(order.size()) > limit;
  doc["notes"] = std::move(notes);
  doc["format"] = format;
  return {ErrorCode::kOk, json_out::dump(doc)};
}

}  // namespace glint
