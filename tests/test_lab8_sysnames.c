/*
 * test_lab8_sysnames.c - lab 8's names of Linux i386 system calls
 * (labs/lab8-user/sysnames.c) against the host's own copy of Linux's i386
 * numbers (<asm/unistd_32.h>, generated from arch/x86/entry/syscalls/
 * syscall_32.tbl): every name below must sit at Linux's number, the numbers
 * Linux leaves unused have none, and nothing past the table is read.
 *
 * grade: given code only, no points (the file it tests has no stub).
 */
#include <asm/unistd_32.h>
#include "host.h"
#include "sysnum.h"
#include "uvm.h"

#define LINUX(name) { __NR_##name, #name }

static const struct { uint32_t nr; const char *name; } linux_calls[] = {
    LINUX(restart_syscall), LINUX(exit), LINUX(fork), LINUX(read), LINUX(write), LINUX(open),
    LINUX(close), LINUX(break), LINUX(lseek), LINUX(getpid), LINUX(brk), LINUX(ioctl),
    LINUX(mmap), LINUX(munmap), LINUX(clone), LINUX(getdents), LINUX(nanosleep), LINUX(mmap2),
    LINUX(stat64), LINUX(fcntl64), LINUX(set_thread_area), LINUX(exit_group),
    LINUX(set_tid_address), LINUX(clock_gettime), LINUX(openat), LINUX(statx),
    LINUX(clock_gettime64), LINUX(rseq), LINUX(clone3), LINUX(futex_waitv),
    LINUX(set_mempolicy_home_node),
};

TEST(names_sit_at_linux_numbers)
{
    for (size_t i = 0; i < sizeof linux_calls / sizeof linux_calls[0]; i++) {
        const char *got = linux_syscall_name(linux_calls[i].nr);
        if (!got || strcmp(got, linux_calls[i].name) != 0) {
            printf("  %u: \"%s\", Linux says \"%s\"\n", linux_calls[i].nr, got ? got : "(none)",
                   linux_calls[i].name);
            CHECK(0);
        }
    }
}

/* Every entry of the kernel's one list (sysnum.h) at Linux's own number, and
   its name the one the table gives: a number typed wrong fails here. */
TEST(every_number_in_sysnum_h_is_linux_s)
{
#define SAME_AS_LINUX(nr, name)                                                   \
    if ((nr) != __NR_##name || SYS_##name != (nr) ||                              \
        strcmp(linux_syscall_name(nr) ? linux_syscall_name(nr) : "", #name) != 0) { \
        printf("  sysnum.h: %s is %d, Linux says %d\n", #name, (nr), __NR_##name);  \
        CHECK(0);                                                                 \
    }
    LINUX_SYSCALLS(SAME_AS_LINUX)
#undef SAME_AS_LINUX
}

TEST(unused_numbers_have_no_name)
{
    static const uint32_t unused[] = { 222, 223, 251, 285, 387, 392, 415 };

    for (size_t i = 0; i < sizeof unused / sizeof unused[0]; i++)
        CHECK(linux_syscall_name(unused[i]) == NULL);
    CHECK(linux_syscall_name(__NR_set_mempolicy_home_node + 1) == NULL);
    CHECK(linux_syscall_name(0x7FFFFFFFu) == NULL);
    CHECK(linux_syscall_name(0xFFFFFFFFu) == NULL);
}

int main(void)
{
    RUN(names_sit_at_linux_numbers);
    RUN(every_number_in_sysnum_h_is_linux_s);
    RUN(unused_numbers_have_no_name);
    return host_summary("lab8-sysnames");
}
