// sse (llm.h)
#include "llm/llm.h"
