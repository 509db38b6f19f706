// google: placeholder until its fake is written (see README.md).
#include "fake.h"

namespace fake {

void serve_google(httplib::Server&, State&) {}

}  // namespace fake
