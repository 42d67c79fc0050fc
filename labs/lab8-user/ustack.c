/*
 * ustack.c - the stack a program finds at its first instruction, as Linux
 * lays it out for i386 (System V ABI i386 supplement, "Process Stack and
 * Registers", Figure 3-31; Linux's fs/binfmt_elf.c does the same):
 *
 *     esp ->  argc
 *             argv[0] ... argv[argc-1], NULL
 *             envp: NULL (an empty environment)
 *             auxv: (AT_PAGESZ, 4096), (AT_ENTRY, entry), (AT_NULL, 0)
 *             ... padding ...
 *             the argument strings, up to USER_TOP
 *
 * esp is 16-byte aligned, as gcc's code expects at _start. Everything fits in
 * the top page. Pure code: tests/test_lab8_elf.c reads it back.
 */
#include "kstring.h"
#include "panic.h"
#include "uvm.h"

/*
 * Exercise 3a: lay out the stack above in `page`, the stack's top page (its
 * byte PAGE_SIZE is USER_TOP), and set *esp to where argc is. The pointers
 * are the program's addresses (page_va + offset), not the kernel's. -1 if the
 * strings, the words and 16 bytes of alignment do not fit in the page.
 */
int ustack_build(uint8_t page[PAGE_SIZE], int argc, const char *const argv[], uint32_t entry,
                 uint32_t *esp)
{
    if (argc < 0 || argc > PROC_ARGS_MAX)
        return -1;
    /* LAB 8: BEGIN SOLUTION */
    uint32_t strings = 0, ptrs[PROC_ARGS_MAX];
    const uint32_t page_va = USER_TOP - PAGE_SIZE;

    for (int i = 0; i < argc; i++)
        strings += (uint32_t)strlen(argv[i]) + 1;
    uint32_t words = 1 + (uint32_t)argc + 1 + 1 + 2 * 3;
    if (strings + words * 4 + 16 > PAGE_SIZE)
        return -1;
    memset(page, 0, PAGE_SIZE);
    uint32_t top = PAGE_SIZE;
    for (int i = argc - 1; i >= 0; i--) {       /* argv[0]'s string ends up lowest */
        uint32_t n = (uint32_t)strlen(argv[i]) + 1;
        top -= n;
        memcpy(page + top, argv[i], n);
        ptrs[i] = page_va + top;
    }
    uint32_t sp = (top - words * 4) & ~15u;
    uint32_t *w = (uint32_t *)(page + sp);
    *w++ = (uint32_t)argc;
    for (int i = 0; i < argc; i++)
        *w++ = ptrs[i];
    *w++ = 0;                                   /* argv's NULL */
    *w++ = 0;                                   /* envp's NULL */
    *w++ = AT_PAGESZ;
    *w++ = PAGE_SIZE;
    *w++ = AT_ENTRY;
    *w++ = entry;
    *w++ = AT_NULL;
    *w++ = 0;
    *esp = page_va + sp;
    return 0;
    /* LAB 8: STUB
    (void)page;
    (void)argv;
    (void)entry;
    (void)esp;
    panic("lab8: ustack_build not implemented");
    LAB 8: END SOLUTION */
}
