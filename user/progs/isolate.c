/*
 * isolate - writes a pattern of its own over its heap, its stack and its
 * data, sleeps so that other programs run, and checks every word. Two copies
 * with different IDs run at once: each must find only its own pattern, though
 * both use the same virtual addresses.
 *     isolate ID [HEAP_KIB [STACK_KIB [ROUNDS]]]
 *         ID 0..255; HEAP_KIB 1..4096 (default 256) taken from brk;
 *         STACK_KIB 1..512 (default 16) of stack below main's frame;
 *         ROUNDS 1..100 (default 4); the 16 KiB data array always
 * Its lines start "isolate ID:", so two copies' lines can be told apart.
 */
#include "ulib.h"

static uint32_t data_area[4096];    /* .bss: 16 KiB */

/* The word at address a in round r of copy id: differs between copies, rounds and words. */
static uint32_t word(uint32_t id, uint32_t r, const volatile uint32_t *a)
{
    return ((uint32_t)(uintptr_t)a * 2654435761u) ^ (id << 24) ^ (r << 16) ^ 0x5A5A5A5Au;
}

static void fill(volatile uint32_t *p, uint32_t words, uint32_t id, uint32_t r)
{
    for (uint32_t i = 0; i < words; i++)
        p[i] = word(id, r, p + i);
}

/* 0 when every word is ours; otherwise reports the first foreign word. */
static int verify(const char *what, volatile uint32_t *p, uint32_t words, uint32_t id, uint32_t r)
{
    for (uint32_t i = 0; i < words; i++)
        if (p[i] != word(id, r, p + i)) {
            printf("isolate %u: round %u: %s word at 0x%08x is 0x%08x, not 0x%08x\n", id, r, what,
                   (uint32_t)(uintptr_t)(p + i), p[i], word(id, r, p + i));
            return 1;
        }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 5) {
        printf("isolate: usage: isolate ID [HEAP_KIB [STACK_KIB [ROUNDS]]]\n");
        return 2;
    }
    uint32_t id = arg_u32("isolate", argc, argv, 1, "id", 0, 255, 0);
    uint32_t heap_kib = arg_u32("isolate", argc, argv, 2, "heap KiB", 1, 4096, 256);
    uint32_t stack_kib = arg_u32("isolate", argc, argv, 3, "stack KiB", 1, 512, 16);
    uint32_t rounds = arg_u32("isolate", argc, argv, 4, "rounds", 1, 100, 4);
    uint32_t heap_words = heap_kib * 256, stack_words = stack_kib * 256;
    volatile uint32_t *heap = (volatile uint32_t *)((brk(NULL) + 3) & ~3L);
    volatile uint32_t *stack = __builtin_alloca(stack_words * 4);

    if (brk((void *)(heap + heap_words)) != (long)(heap + heap_words)) {
        printf("isolate %u: brk could not grow by %u KiB\n", id, heap_kib);
        return 1;
    }
    printf("isolate %u: heap %u KiB at 0x%08x, stack %u KiB, data 16 KiB\n", id, heap_kib,
           (uint32_t)(uintptr_t)heap, stack_kib);
    for (uint32_t r = 1; r <= rounds; r++) {
        fill(heap, heap_words, id, r);
        fill(stack, stack_words, id, r);
        fill(data_area, 4096, id, r);
        long slept = sleep_ms(10);  /* let the other copy write over the same addresses */
        if (slept != 0) {
            printf("isolate %u: round %u: nanosleep returned %ld\n", id, r, slept);
            return 1;
        }
        if (verify("heap", heap, heap_words, id, r) || verify("stack", stack, stack_words, id, r) ||
            verify("data", data_area, 4096, id, r))
            return 1;
        printf("isolate %u: round %u ok\n", id, r);
    }
    return 0;
}
