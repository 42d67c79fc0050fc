/*
 * int3 - a breakpoint instruction in ring 3 (Intel SDM Vol. 3A, 6.15 "#BP").
 * Linux delivers it as SIGTRAP, whose default action ends the program; the
 * kernel must do the same: kill it with the report every user fault gets,
 * never treat it as one of its own breakpoints and carry on.
 *     int3
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc > 1) {
        printf("int3: usage: int3 (no arguments, not '%s')\n", argv[1]);
        return 2;
    }
    printf("int3: executing int3\n");
    __asm__ volatile("int3");
    printf("int3: still running after int3\n");
    return 1;
}
