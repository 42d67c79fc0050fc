/*
 * rm - removes each FILE (unlink(2)); with -d an empty directory too
 * (rmdir(2), when unlink says it is one: EISDIR on Linux); with -f a FILE
 * that does not exist is no error (rm(1)). Errors are reported in GNU rm's
 * words; the exit code is then 1.
 *     rm [-d] [-f] FILE...
 */
#include "ulib.h"

static int usage(void)
{
    dprintf(2, "rm: usage: rm [-d] [-f] FILE...\n");
    return 2;
}

int main(int argc, char **argv)
{
    int i = 1, dirs = 0, force = 0, status = 0;

    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *o = argv[i] + 1; *o != '\0'; o++) {
            if (*o != 'd' && *o != 'f')
                return usage();
            dirs |= *o == 'd', force |= *o == 'f';
        }
    }
    if (i == argc && !force)
        return usage();
    for (; i < argc; i++) {
        long r = unlink(argv[i]);
        if (dirs && (r == -EISDIR || r == -EPERM))  /* EPERM: what POSIX lets unlink say */
            r = rmdir(argv[i]);
        if (r < 0 && !(force && r == -ENOENT)) {
            dprintf(2, "rm: cannot remove '%s': %s\n", argv[i], errstr(r));
            status = 1;
        }
    }
    return status;
}
