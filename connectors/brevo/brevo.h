// brevo — the Brevo (ex-Sendinblue) API with an API key (platform-apis.md §7).
//
// `api-key: KEY` on every call, base https://api.brevo.com/v3 (GLINT_URL_API_BREVO_COM).
// account() is the connection test glint runs before a key is stored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_client.h"

namespace glint::connectors::brevo {

struct Account {
  std::string email, first_name, last_name, company_name, organization_id;
  int64_t user_id = 0;
  std::vector<std::string> plans;  // plan[].type
};

// GET /v3/account.
Upstream<Account> account(std::string_view api_key);

// ---- Email campaign statistics (campaigns.cc; platform-apis.md §7.2-7.3).

// globalStats of one sent campaign, in Brevo's names. unique_views are the
// unique opens glint reports; they include opens made by Apple Mail Privacy
// Protection's prefetching, which trackable_views leaves out, so open
// figures are an upper bound. unique_clicks counts clickers and clickers
// counts clicks (Brevo's naming). A campaign whose statistics are empty has
// zeros.
struct CampaignStats {
  std::string id, name;
  std::string sent_date;  // YYYY-MM-DD of sentDate in UTC
  int64_t sent = 0, delivered = 0, unique_views = 0, trackable_views = 0, unique_clicks = 0,
          clickers = 0, hard_bounces = 0, soft_bounces = 0, unsubscriptions = 0;
};

// Sent email campaigns whose sentDate falls on start_date..end_date
// (YYYY-MM-DD, UTC, inclusive): GET /v3/emailCampaigns?status=sent&
// statistics=globalStats&limit&offset&startDate&endDate, every page, until
// offset + n >= count. `page_size` is `limit` (Brevo's maximum is 100).
Upstream<std::vector<CampaignStats>> email_campaigns(std::string_view api_key,
                                                     const std::string& start_date,
                                                     const std::string& end_date,
                                                     int page_size = 50);

}  // namespace glint::connectors::brevo
