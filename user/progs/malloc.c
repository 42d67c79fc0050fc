/*
 * malloc - malloc and free on brk, with seeded sizes, every byte checked.
 *     malloc SEED [COUNT [MAX]]     COUNT blocks (1..4096, default 64) of
 *                                   1..MAX bytes (1..1048576, default 4096)
 * Sizes come from the seeded xorshift32 (ulib.h) in order: block i gets
 * 1 + next() % MAX; then every odd block is freed and, in increasing order,
 * allocated again with the next sizes. Block i's byte j is (i * 131 + j) mod
 * 256, so an overlap or a lost write shows as a wrong byte. Last, everything
 * is freed and one block almost as large as the heap must fit without brk.
 */
#include "ulib.h"

#define MAX_BLOCKS 4096

static uint8_t *blocks[MAX_BLOCKS];
static uint32_t sizes[MAX_BLOCKS];

static uint8_t expected(uint32_t i, uint32_t j)
{
    return (uint8_t)(i * 131 + j);
}

static void allocate(uint32_t i, uint32_t size)
{
    blocks[i] = malloc(size);
    if (blocks[i] == NULL) {
        printf("malloc: out of memory at block %u (%u bytes)\n", i, size);
        exit(1);
    }
    sizes[i] = size;
    for (uint32_t j = 0; j < size; j++)
        blocks[i][j] = expected(i, j);
}

/* Blocks first, first + step, ... below count. */
static void check(uint32_t first, uint32_t step, uint32_t count)
{
    for (uint32_t i = first; i < count; i += step)
        for (uint32_t j = 0; j < sizes[i]; j++)
            if (blocks[i][j] != expected(i, j)) {
                printf("malloc: block %u byte %u is 0x%02x, not 0x%02x\n", i, j, blocks[i][j],
                       expected(i, j));
                exit(1);
            }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        printf("malloc: usage: malloc SEED [COUNT [MAX]]\n");
        return 2;
    }
    uint32_t seed = arg_u32("malloc", argc, argv, 1, "seed", 0, UINT32_MAX, 0);
    uint32_t count = arg_u32("malloc", argc, argv, 2, "count", 1, MAX_BLOCKS, 64);
    uint32_t max = arg_u32("malloc", argc, argv, 3, "max", 1, 1u << 20, 4096);
    uint32_t rng = xorshift_seed(seed), total = 0;

    printf("malloc: seed %u, %u blocks of 1..%u bytes\n", seed, count, max);
    for (uint32_t i = 0; i < count; i++) {
        allocate(i, 1 + xorshift_next(&rng) % max);
        total += sizes[i];
    }
    check(0, 1, count);
    printf("malloc: allocated %u blocks, %u bytes\n", count, total);

    uint32_t again = 0;
    for (uint32_t i = 1; i < count; i += 2)
        free(blocks[i]);
    check(0, 2, count);         /* freeing (and merging) touched no live block */
    for (uint32_t i = 1; i < count; i += 2, again++) {
        total -= sizes[i];
        allocate(i, 1 + xorshift_next(&rng) % max);
        total += sizes[i];
    }
    check(0, 1, count);
    printf("malloc: freed %u odd blocks and allocated them again: %u bytes\n", again, total);

    for (uint32_t i = 0; i < count; i++)
        free(blocks[i]);
    size_t heap = heap_bytes();
    void *big = malloc(heap - 16);
    if (big == NULL || heap_bytes() != heap) {
        printf("malloc: freed blocks did not merge: %u bytes did not fit in a heap of %u\n",
               (uint32_t)(heap - 16), (uint32_t)heap);
        return 1;
    }
    free(big);
    printf("malloc: all freed, and they merged again\n");
    return 0;
}
