// meta: placeholder until its fake is written (see README.md).
#include "fake.h"

namespace fake {

void serve_meta(httplib::Server&, State&) {}

}  // namespace fake
