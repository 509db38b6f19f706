// mailchimp: placeholder until its fake is written (see README.md).
#include "fake.h"

namespace fake {

void serve_mailchimp(httplib::Server&, State&) {}

}  // namespace fake
