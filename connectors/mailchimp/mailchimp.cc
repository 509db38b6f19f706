// placeholder until written
#include "mailchimp/mailchimp.h"
