/*
 * rotext - writes over its own code, which is mapped read-only (the ELF's
 * text segment has no PF_W), so it must be killed with a page fault
 * (protection, user, write).
 *     rotext
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    if (argc > 1) {
        printf("rotext: usage: rotext (no arguments, not '%s')\n", argv[1]);
        return 2;
    }
    volatile uint8_t *text = (volatile uint8_t *)(uintptr_t)main;

    printf("rotext: writing to my own text at 0x%08x\n", (uint32_t)(uintptr_t)text);
    *text = 0xCC;
    printf("rotext: wrote to my text and was not killed\n");
    return 1;
}
