/*
 * kaddr - writes to a kernel address, which must kill it with a page fault
 * (protection: the page is supervisor-only).
 *     kaddr [ADDR]     default 0x00100000, where the kernel is loaded (1 MiB)
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc > 2) {
        printf("kaddr: usage: kaddr [ADDR]\n");
        return 2;
    }
    uint32_t addr = arg_u32("kaddr", argc, argv, 1, "address", 0, UINT32_MAX - 3, 0x00100000);
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)addr;

    printf("kaddr: writing to 0x%08x\n", addr);
    *p = 0xDEADBEEF;
    printf("kaddr: wrote to 0x%08x and was not killed\n", addr);
    return 1;
}
