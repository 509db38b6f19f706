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

}  // namespace glint::connectors::brevo
