// hubspot: placeholder until its fake is written (see README.md).
#include "fake.h"

namespace fake {

void serve_hubspot(httplib::Server&, State&) {}

}  // namespace fake
