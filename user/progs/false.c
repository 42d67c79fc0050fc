/*
 * false - does nothing, unsuccessfully (POSIX false(1)): exit code 1, for
 * the shell's && and || to test with.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 1;
}
