// placeholder until written
#include "google/google.h"
