/*
 * kill - sends a signal (default SIGTERM) to each PID (kill(2); kill(1)'s
 * arguments). SIG is a number or a name, with or without "SIG": -9, -KILL,
 * -SIGKILL. A PID that cannot be signalled is reported as procps's kill
 * reports it; the exit code is then 1.
 *     kill [-SIG] PID...
 */
#include "ulib.h"

static int usage(void)
{
    dprintf(2, "kill: usage: kill [-SIG] PID...\n");
    return 2;
}

int main(int argc, char **argv)
{
    int i = 1, sig = SIGTERM, status = 0;

    if (i < argc && argv[i][0] == '-') {
        if ((sig = signal_number(argv[i] + 1)) == 0) {
            dprintf(2, "kill: unknown signal '%s'\n", argv[i] + 1);
            return 2;
        }
        i++;
    }
    if (i == argc)
        return usage();
    for (; i < argc; i++) {
        uint64_t pid;
        long r;
        if (parse_uint(argv[i], 1, 0x7fffffff, &pid) != PARSE_OK) {
            dprintf(2, "kill: bad pid '%s' (1..2147483647)\n", argv[i]);
            return 2;
        }
        if ((r = kill((long)pid, sig)) < 0) {
            dprintf(2, "kill: (%s) - %s\n", argv[i], errstr(r));
            status = 1;
        }
    }
    return status;
}
