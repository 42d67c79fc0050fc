/* A kernel that prints forever: the grader must stop it at the log cap. */
#include "kprintf.h"
#include "stage.h"

void program_main(void)
{
    for (unsigned i = 0;; i++)
        kprintf("selftest: flood line %u ......................................\n", i);
}
