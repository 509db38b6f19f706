// placeholder until written
#include "meta/meta.h"
