// Fake anthropic (platform-apis.md §9–11).
#include "fake.h"

namespace fake {
void serve_anthropic(httplib::Server&, State&) {}
}  // namespace fake
