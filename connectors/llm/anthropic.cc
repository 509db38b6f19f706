// anthropic (llm.h)
#include "llm/llm.h"
