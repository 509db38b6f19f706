// openai (llm.h)
#include "llm/llm.h"
