/*
 * pipebuf.c - a pipe's bytes: a ring of PIPE_SIZE bytes (one page, as
 * Linux's pipe buffers are pages; pipe(7) "Pipe capacity"). Put takes what
 * fits and get gives what is there; pipe.c decides who waits.
 * Pure code: tests/test_lab9_pipe.c runs it on the host.
 */
#include "panic.h"
#include "kproc.h"

/*
 * Exercise 6a: copy up to len bytes of src in after the last byte (wrapping
 * at PIPE_SIZE), as many as there is room for; how many.
 */
uint32_t pipebuf_put(struct pipebuf *b, const uint8_t *src, uint32_t len)
{
    /* LAB 9: BEGIN SOLUTION */
    uint32_t n = 0;

    while (n < len && b->count < PIPE_SIZE) {
        b->data[(b->head + b->count) % PIPE_SIZE] = src[n++];
        b->count++;
    }
    return n;
    /* LAB 9: STUB
    (void)b;
    (void)src;
    (void)len;
    panic("lab9: pipebuf_put not implemented");
    LAB 9: END SOLUTION */
}

/* Exercise 6b: copy out up to len bytes from the first; how many. */
uint32_t pipebuf_get(struct pipebuf *b, uint8_t *dst, uint32_t len)
{
    /* LAB 9: BEGIN SOLUTION */
    uint32_t n = 0;

    while (n < len && b->count > 0) {
        dst[n++] = b->data[b->head];
        b->head = (b->head + 1) % PIPE_SIZE;
        b->count--;
    }
    return n;
    /* LAB 9: STUB
    (void)b;
    (void)dst;
    (void)len;
    panic("lab9: pipebuf_get not implemented");
    LAB 9: END SOLUTION */
}
