/*
 * exit - ends with a chosen exit code, through a chosen path.
 *     exit CODE [HOW]     CODE 0..255; HOW: group (exit_group, the default),
 *                         exit (SYS_exit) or return (return from main)
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        printf("exit: usage: exit CODE [group|exit|return]\n");
        return 2;
    }
    int code = (int)arg_u32("exit", argc, argv, 1, "code", 0, 255, 0);
    const char *how = argc > 2 ? argv[2] : "group";

    printf("exit: exiting with %d through %s\n", code, how);
    if (strcmp(how, "group") == 0)
        exit(code);
    if (strcmp(how, "exit") == 0)
        _exit(code);
    if (strcmp(how, "return") == 0)
        return code;
    printf("exit: bad how '%s': not group, exit or return\n", how);
    return 2;
}
