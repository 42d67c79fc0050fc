/* A kernel that panics: the grader must say PANIC and show the message. */
#include "panic.h"
#include "stage.h"

void program_main(void)
{
    panic("selftest: deliberate panic");
}
