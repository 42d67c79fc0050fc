/*
 * true - does nothing, successfully (POSIX true(1)): exit code 0, for the
 * shell's && and || to test with.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    return 0;
}
