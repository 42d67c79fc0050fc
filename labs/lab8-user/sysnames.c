/*
 * sysnames.c - the name of every Linux i386 system call by its number, made
 * from the one list of them (sysnum.h), so that an unknown call is reported as
 * "243 (set_thread_area)", which says what a program ported from Linux needs,
 * rather than as a bare number. Numbers Linux leaves unused have no name.
 * Pure code: tests/test_lab8_sysnames.c checks names against the table.
 */
#include "sysnum.h"
#include "uvm.h"

static const char *const names[SYS_NR_COUNT] = {
#define SYSNUM_NAME(nr, name) [nr] = #name,
    LINUX_SYSCALLS(SYSNUM_NAME)
#undef SYSNUM_NAME
};

const char *linux_syscall_name(uint32_t nr)
{
    return nr < sizeof names / sizeof names[0] ? names[nr] : NULL;
}
