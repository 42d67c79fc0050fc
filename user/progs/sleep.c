/*
 * sleep - sleeps through nanosleep and says so before and after.
 *     sleep MS [TIMES]    MS 0..60000 milliseconds, TIMES 1..100 (default 1)
 * The program cannot read a clock (stage 8 has no clock call): whoever runs
 * it times the lines.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        printf("sleep: usage: sleep MS [TIMES]\n");
        return 2;
    }
    uint32_t ms = arg_u32("sleep", argc, argv, 1, "ms", 0, 60000, 0);
    uint32_t times = arg_u32("sleep", argc, argv, 2, "times", 1, 100, 1);

    for (uint32_t i = 1; i <= times; i++) {
        printf("sleep: %u: sleeping %u ms\n", i, ms);
        long r = sleep_ms(ms);
        if (r != 0) {
            printf("sleep: %u: nanosleep returned %ld\n", i, r);
            return 1;
        }
        printf("sleep: %u: awake\n", i);
    }
    return 0;
}
