/*
 * hello.c - the smallest glibc program: `gcc -m32 -static`, unmodified. Its
 * start-up alone needs set_thread_area, set_tid_address, set_robust_list,
 * brk, readlink("/proc/self/exe"), getrandom and fstat64 (handouts/linux.md).
 */
#include <stdio.h>

int main(void)
{
    printf("hello, world\n");
    return 0;
}
