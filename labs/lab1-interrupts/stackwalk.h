/*
 * stackwalk.h - walking the saved-ebp chain of a stopped kernel stack
 * (stackwalk.c). Lab 1's inside; pure, built on the host too.
 */
#ifndef CAIRN_LAB1_STACKWALK_H
#define CAIRN_LAB1_STACKWALK_H

#include <stdbool.h>
#include <stdint.h>

#define BACKTRACE_MAX    8              /* frames a report shows */
#define BACKTRACE_WINDOW 0x10000u       /* how far above esp a frame may be */

/* How the walk reads the stopped stack, and recognises a return address. */
struct stack_reader {
    uint32_t (*read32)(uint32_t addr);  /* a 32-bit word of the stack */
    bool (*is_code)(uint32_t addr);     /* inside a known function */
};

/*
 * The return addresses of the frames above a stopped function, innermost
 * first, at most `max` of them into ret[]; returns how many. `ebp` is the
 * stopped function's frame pointer and `esp` its stack pointer. The walk
 * stops at the first frame pointer that is 0, not 4-byte aligned, below the
 * frame before it (or below esp) or more than BACKTRACE_WINDOW above esp, and
 * at the first return address that is not code: it never reads a word
 * outside [esp, esp + BACKTRACE_WINDOW + 8).
 */
int backtrace_walk(uint32_t ebp, uint32_t esp, const struct stack_reader *rd,
                   uint32_t *ret, int max);

#endif
