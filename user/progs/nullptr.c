/*
 * nullptr - reads the word at address 0 (a NULL dereference), which must kill
 * it with a page fault (not present, user, read). Reaching the next line is
 * the failure: it says so and exits 1.
 *     nullptr
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc > 1) {
        printf("nullptr: usage: nullptr (no arguments, not '%s')\n", argv[1]);
        return 2;
    }
    volatile uint32_t *null = NULL;

    printf("nullptr: reading address 0x00000000\n");
    uint32_t v = *null;
    printf("nullptr: read 0x%08x and was not killed\n", v);
    return 1;
}
