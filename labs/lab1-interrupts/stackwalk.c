/*
 * stackwalk.c - the chain of frames above a faulting function. The kernel is
 * built with frame pointers (-fno-omit-frame-pointer): every function starts
 * with `push %ebp; mov %esp, %ebp`, so [ebp] holds the caller's ebp and
 * [ebp + 4] the return address into the caller (System V i386 ABI, 2.2.2
 * "The Stack Frame", Figure 2-4).
 *
 * The stack being walked belongs to code that just faulted: any word of it
 * may be garbage. So every frame pointer is checked before it is followed:
 * a wild one would fault inside the report (with paging on), and a frame
 * that points at itself or below would loop.
 * Pure: no port I/O, the stack read through a callback; built on the host too.
 */
#include "stackwalk.h"
#include "panic.h"

/* Exercise 11. */
int backtrace_walk(uint32_t ebp, uint32_t esp, const struct stack_reader *rd,
                   uint32_t *ret, int max)
{
    int n = 0;

    /* LAB 1: BEGIN SOLUTION */
    uint32_t floor = esp;               /* the lowest address the next frame may use */

    while (n < max) {
        if (ebp == 0 || ebp & 3 || ebp < floor || ebp - esp > BACKTRACE_WINDOW)
            break;
        uint32_t addr = rd->read32(ebp + 4);
        if (!rd->is_code(addr))
            break;
        ret[n++] = addr;
        floor = ebp + 8;                /* the caller's frame lies above this one */
        ebp = rd->read32(ebp);
    }
    /* LAB 1: STUB
    (void)ebp; (void)esp; (void)rd; (void)ret; (void)max;
    panic("lab1: backtrace_walk() not implemented");
    LAB 1: END SOLUTION */
    return n;
}
