/*
 * lab9_names.h - lab 9's enums by name, for the host tests' failure lines: a
 * check that fails says "cow_fault(...) == COW_COPIED, expected COW_REUSED",
 * not "== 2, expected 1", so a student reads the mistake without kproc.h open.
 */
#ifndef CAIRN_TESTS_LAB9_NAMES_H
#define CAIRN_TESTS_LAB9_NAMES_H

#include <stdio.h>
#include "kproc.h"

static __attribute__((unused)) const char *cow_result_name(long long r)
{
    static const char *const names[] = { "COW_NONE", "COW_REUSED", "COW_COPIED", "COW_NOMEM" };
    return r >= 0 && r < 4 ? names[r] : "(not a cow_result)";
}

static __attribute__((unused)) const char *proc_state_name(long long s)
{
    return s == PS_ALIVE ? "PS_ALIVE" : s == PS_ZOMBIE ? "PS_ZOMBIE" : "(not a proc_state)";
}

static __attribute__((unused)) const char *ldisc_event_name(long long e)
{
    static const char *const names[] = { "LD_NONE", "LD_LINE", "LD_INTR" };
    return e >= 0 && e < 3 ? names[e] : "(not an ldisc_event)";
}

/* A PTE's W and COW bits as "W", "COW", "W|COW" or "none" (two buffers: both sides of a check). */
static __attribute__((unused)) const char *pte_bits_name(long long bits)
{
    static char buf[2][16];
    static int which;
    char *b = buf[which ^= 1];

    snprintf(b, sizeof buf[0], "%s%s%s", bits & PTE_W ? "W" : "",
             (bits & PTE_W) && (bits & PTE_COW) ? "|" : "", bits & PTE_COW ? "COW" : "");
    return b[0] ? b : "none";
}

/* A sleep's or a call's result: 0, or the errno lab 9 returns, by name. */
static __attribute__((unused)) const char *errno_name(long long e)
{
    switch (e) {
    case 0: return "0";
    case 1: return "(not returned: still asleep)";
    case -EINTR: return "-EINTR";
    case -EBADF: return "-EBADF";
    case -ECHILD: return "-ECHILD";
    case -EAGAIN: return "-EAGAIN";
    case -ENOMEM: return "-ENOMEM";
    case -EMFILE: return "-EMFILE";
    case -E2BIG: return "-E2BIG";
    case -ENOENT: return "-ENOENT";
    case -ENAMETOOLONG: return "-ENAMETOOLONG";
    default: return "(another number)";
    }
}

/* CHECK_EQ that names both sides with name(): enum values, errnos. */
#define CHECK_NAMED(actual, expected, name)                                    \
    do {                                                                       \
        long long a_ = (long long)(actual), e_ = (long long)(expected);        \
        if (a_ != e_) {                                                        \
            printf("  %s:%d: %s == %s (%lld), expected %s (%lld)\n", __FILE__, \
                   __LINE__, #actual, name(a_), a_, name(e_), e_);             \
            host_current_failed = 1;                                           \
        }                                                                      \
    } while (0)

#endif
