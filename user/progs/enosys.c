/*
 * enosys - system calls that do not exist must return -ENOSYS (-38), and
 * the program goes on to exit normally.
 *     enosys [NR...]   the numbers to try (default: 1000 0x7fffffff 0xffffffff)
 * Exit code 0 when every call returned -38, else 1.
 */
#include "ulib.h"

static int calls;

static int try(uint32_t nr)
{
    long r = syscall((long)nr, 0, 0, 0, 0, 0);

    calls++;
    printf("enosys: syscall %u (0x%08x) = %ld\n", nr, nr, r);
    return r != -ENOSYS;
}

int main(int argc, char **argv)
{
    int failures = 0;

    if (argc == 1) {
        failures += try(1000);
        failures += try(0x7fffffff);
        failures += try(0xffffffff);
    }
    for (int i = 1; i < argc; i++)
        failures += try(arg_u32("enosys", argc, argv, i, "number", 0, UINT32_MAX, 0));
    printf("enosys: still running; %d of %d calls did not return -38\n", failures, calls);
    return failures ? 1 : 0;
}
