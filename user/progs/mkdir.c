/*
 * mkdir - makes each DIR (mkdir(2), mode 0777 as mkdir(1) asks). A DIR that
 * cannot be made is reported in GNU mkdir's words; the exit code is then 1.
 *     mkdir DIR...
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    int status = 0;

    if (argc < 2) {
        dprintf(2, "mkdir: usage: mkdir DIR...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        long r = mkdir(argv[i], 0777);
        if (r < 0) {
            dprintf(2, "mkdir: cannot create directory '%s': %s\n", argv[i], errstr(r));
            status = 1;
        }
    }
    return status;
}
