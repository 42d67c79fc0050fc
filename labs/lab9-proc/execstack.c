/*
 * execstack.c - the stack execve(2) leaves a program, as Linux lays it out
 * for i386 (System V ABI i386 supplement, Figure 3-31; fs/binfmt_elf.c's
 * create_elf_tables):
 *
 *     esp ->  argc
 *             argv[0] ... argv[argc-1], NULL
 *             envp[0] ... envp[envc-1], NULL
 *             auxv: (AT_PAGESZ, 4096), (AT_ENTRY, entry), (AT_RANDOM, its bytes), (AT_NULL, 0)
 *             ... padding ...
 *             16 bytes for AT_RANDOM (glibc's stack guard: getauxval(3)), zero
 *             here: the kernel fills them (linux_fork.c)
 *             the strings: argv's, then envp's, up to USER_TOP
 *
 * esp is 16-byte aligned. Everything fits in the stack's top page, as lab 8's
 * ustack.c (argv only) does; E2BIG otherwise. Pure code: tests/test_lab9_exec.c.
 */
#include "kstring.h"
#include "kproc.h"

#define AUX_WORDS 8
#define AT_RANDOM 25
#define RANDOM_BYTES 16

int exec_stack_build(uint8_t page[PAGE_SIZE], const struct exec_args *a, uint32_t entry,
                     uint32_t *esp)
{
    const uint32_t page_va = USER_TOP - PAGE_SIZE;
    uint32_t nstr = a->argc + a->envc;
    uint32_t words = 1 + a->argc + 1 + a->envc + 1 + AUX_WORDS;

    if (a->bytes + words * 4 + 16 + RANDOM_BYTES > PAGE_SIZE)
        return -E2BIG;
    memset(page, 0, PAGE_SIZE);
    uint32_t top = PAGE_SIZE - a->bytes;
    memcpy(page + top, a->strings, a->bytes);
    uint32_t rnd = top - RANDOM_BYTES;
    uint32_t sp = (rnd - words * 4) & ~15u;
    uint32_t *w = (uint32_t *)(page + sp);
    const char *s = a->strings;
    *w++ = a->argc;
    if (a->argc == 0)
        *w++ = 0;                       /* an empty argv's NULL */
    for (uint32_t i = 0; i < nstr; i++) {
        *w++ = page_va + top + (uint32_t)(s - a->strings);
        if (i + 1 == a->argc)
            *w++ = 0;                   /* argv's NULL */
        s += strlen(s) + 1;
    }
    *w++ = 0;                           /* envp's NULL */
    *w++ = AT_PAGESZ;
    *w++ = PAGE_SIZE;
    *w++ = AT_ENTRY;
    *w++ = entry;
    *w++ = AT_RANDOM;
    *w++ = page_va + rnd;
    *w++ = AT_NULL;
    *w++ = 0;
    *esp = page_va + sp;
    return 0;
}
