/*
 * ubench - figures for `make bench`, timed with rdtsc (allowed in ring 3
 * unless CR4.TSD is set): the round trip of the cheapest system call, and
 * the cost of the first touch of a fresh heap page (the page fault that maps
 * it, on a kernel that maps brk's pages on demand).
 *     ubench [N [PAGES]]     N getpid calls (1..1000000, default 10000);
 *                            PAGES heap pages (1..4096, default 256)
 * Its lines start "bench: " (the bench harness reads NAME VALUE UNIT), and
 * the values are means: cycles over the loop / N, cycles over the touches / PAGES.
 */
#include "ulib.h"

#define PAGE 4096u

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

int main(int argc, char **argv)
{
    if (argc > 3) {
        printf("ubench: usage: ubench [N [PAGES]]\n");
        return 2;
    }
    uint32_t n = arg_u32("ubench", argc, argv, 1, "count", 1, 1000000, 10000);
    uint32_t pages = arg_u32("ubench", argc, argv, 2, "pages", 1, 4096, 256);

    uint64_t start = rdtsc();
    for (uint32_t i = 0; i < n; i++)
        getpid();
    uint64_t syscall_cycles = (rdtsc() - start) / n;

    uintptr_t heap = ((uintptr_t)brk(NULL) + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    uintptr_t end = heap + (uintptr_t)pages * PAGE;
    if ((uintptr_t)brk((void *)end) != end) {
        printf("ubench: brk could not grow by %u pages\n", pages);
        return 1;
    }
    start = rdtsc();
    for (uintptr_t p = heap; p < end; p += PAGE)
        *(volatile uint8_t *)p = 1;
    uint64_t fault_cycles = (rdtsc() - start) / pages;

    printf("bench: getpid round trip %llu cycles\n", (unsigned long long)syscall_cycles);
    printf("bench: page fault (fresh heap page) %llu cycles\n", (unsigned long long)fault_cycles);
    printf("bench: ubench frames touched %u pages\n", pages);
    return 0;
}
