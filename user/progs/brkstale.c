/*
 * brkstale - touches a heap page, gives it back with brk, and reads it again
 * at once: the read must kill it with a page fault (not present, user, read).
 * A kernel that frees the page but leaves its TLB entry (no invlpg when brk
 * shrinks) lets the read through to a frame the process no longer owns;
 * reaching the next line is that failure: it says so and exits 1. The read
 * follows the brk call by a few instructions, so no switch of address space
 * (which would flush the TLB and hide the bug) comes between.
 *     brkstale
 */
#include "ulib.h"

#define PAGE 4096u

int main(int argc, char **argv)
{
    if (argc > 1) {
        printf("brkstale: usage: brkstale (no arguments, not '%s')\n", argv[1]);
        return 2;
    }
    uint32_t start = (uint32_t)brk(0);
    /* A page wholly above the break's own page, which the shrink must free. */
    volatile uint32_t *page = (volatile uint32_t *)(((start + PAGE - 1) & ~(PAGE - 1)) + PAGE);

    if ((uint32_t)brk((void *)((uint32_t)page + PAGE)) != (uint32_t)page + PAGE) {
        printf("brkstale: brk could not grow to 0x%08x\n", (uint32_t)page + PAGE);
        return 1;
    }
    *page = 1;
    printf("brkstale: reading 0x%08x after brk gave it back\n", (uint32_t)page);
    brk((void *)start);
    uint32_t v = *page;
    printf("brkstale: read %u and was not killed\n", v);
    return 1;
}
