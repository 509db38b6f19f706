// placeholder until written
#include "hubspot/hubspot.h"
