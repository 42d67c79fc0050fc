/* The floor for boot timings: the core boots and the program does nothing. */
#include "stage.h"

void program_main(void)
{
}
