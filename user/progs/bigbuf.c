/*
 * bigbuf - system calls on a heap of 2688 MiB that the program never
 * touched. Checking a pointer must make no page, and a read must make only
 * the pages it writes: a kernel that pages in a whole buffer to check it
 * hands one program every frame of the machine.
 *     bigbuf PATH OUT    PATH: a file to read into the heap; OUT: a file to create
 * Exit code 0 when every call returned what README.md says, else 1.
 */
#include "ulib.h"

#define HEAP_MIB   2688u                /* the break ends near 0xB0000000 */
#define MIB        (1u << 20)
#define ZEROS      5000u                /* untouched heap bytes written to OUT */
#define TOUCHES    256u                 /* fresh pages written after it all */

static int failures;

static void expect(long got, long want)
{
    if (got != want)
        failures++;
}

/* Untouched heap bytes written to OUT read back as zeros. */
static void untouched_to_file(const char *out, const uint8_t *untouched)
{
    uint8_t back[ZEROS];
    long fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644), wrote = -1, got = -1;
    uint32_t zeros = 0;

    if (fd >= 0) {
        wrote = write((int)fd, untouched, ZEROS);
        close((int)fd);
        fd = open(out, O_RDONLY, 0);
    }
    if (fd >= 0) {
        got = read((int)fd, back, sizeof back);
        close((int)fd);
    }
    for (long i = 0; i < got; i++)
        zeros += back[i] == 0;
    printf("bigbuf: %s: wrote %ld untouched bytes, read back %ld, %u of them zero\n", out, wrote,
           got, zeros);
    expect(zeros, ZEROS);
}

/* The word on page i of the TOUCHES, spread over the heap above what the read wrote. */
static volatile uint32_t *touched(uint8_t *heap, uint32_t i)
{
    return (volatile uint32_t *)(heap + 64 * MIB + (HEAP_MIB - 1) / TOUCHES * MIB * i);
}

/* The whole heap to write() and read(): neither may take a frame to check it. */
static void whole_heap_calls(uint8_t *heap, const char *path)
{
    long got = write(1, heap, (HEAP_MIB + 4) * MIB);
    printf("bigbuf: write(1, heap, %u MiB), 4 MiB past the break = %ld\n", HEAP_MIB + 4, got);
    expect(got, -EFAULT);
    long fd = open(path, O_RDONLY, 0);
    got = fd < 0 ? fd : read((int)fd, heap, HEAP_MIB * MIB);
    printf("bigbuf: read(%s, heap, %u MiB) = %ld, crc32 0x%08x\n", path, HEAP_MIB, got,
           got > 0 ? crc32(heap, (size_t)got) : 0);
    if (fd >= 0)
        close((int)fd);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        printf("bigbuf: usage: bigbuf PATH OUT\n");
        return 2;
    }
    uint8_t *heap = (uint8_t *)(uintptr_t)brk(0);
    if ((uint8_t *)(uintptr_t)brk(heap + HEAP_MIB * MIB) != heap + HEAP_MIB * MIB) {
        printf("bigbuf: brk could not grow by %u MiB\n", HEAP_MIB);
        return 1;
    }
    printf("bigbuf: heap of %u MiB at 0x%08x\n", HEAP_MIB, (uint32_t)(uintptr_t)heap);
    whole_heap_calls(heap, argv[1]);
    untouched_to_file(argv[2], heap + HEAP_MIB / 2 * MIB);
    for (uint32_t i = 0; i < TOUCHES; i++) {
        *touched(heap, i) = i;
        expect(*touched(heap, i), i);
    }
    printf("bigbuf: touched %u fresh pages; %d calls went wrong\n", TOUCHES, failures);
    /* Shrunk to nothing and grown again, the page that held 1 must be a fresh one. */
    long low = brk(heap), high = brk(heap + 128 * MIB);
    uint32_t now = high == (long)(uintptr_t)(heap + 128 * MIB) ? *touched(heap, 1) : 0xFFFFFFFFu;
    printf("bigbuf: brk down to the start and up by 128 MiB: the page that held 1 holds %u\n",
           now);
    expect(low, (long)(uintptr_t)heap);
    expect(now, 0);
    return failures ? 1 : 0;
}
