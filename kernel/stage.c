/* stage.c - compiled once per stage with STAGE_NUMBER and STAGE_NAME defined by the build. */
#include "stage.h"

const int stage_number = STAGE_NUMBER;
const char stage_name[] = STAGE_NAME;
