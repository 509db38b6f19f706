// Fake openai (platform-apis.md §9–11).
#include "fake.h"

namespace fake {
void serve_openai(httplib::Server&, State&) {}
}  // namespace fake
