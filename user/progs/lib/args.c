/*
 * args.c - numbers from argv, through kernel/parse.c's one checked parser:
 * a bad word is reported with the reason and ends the program (exit 2),
 * never guessed at.
 */
#include "ulib.h"

uint32_t arg_u32(const char *name, int argc, char **argv, int i, const char *what,
                 uint32_t min, uint32_t max, uint32_t dflt)
{
    uint64_t v;
    enum parse_status st;

    if (i >= argc)
        return dflt;
    st = parse_uint(argv[i], min, max, &v);
    if (st != PARSE_OK) {
        printf("%s: bad %s '%s': %s (%u..%u)\n", name, what, argv[i], parse_status_text(st),
               min, max);
        exit(2);
    }
    return (uint32_t)v;
}
