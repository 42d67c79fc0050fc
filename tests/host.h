/*
 * host.h - a tiny unit-test harness for kernel code compiled on the host
 * (native x86-64, ASan + UBSan). A test program is a list of TEST()s and a
 * main that calls RUN() for each, then returns host_summary():
 *
 *     TEST(pushes_and_pops) { CHECK_EQ(ring_count(&r), 0); }
 *     int main(void) { RUN(pushes_and_pops); return host_summary("ring"); }
 *
 * The last line is "ring: N passed, N failed", as tools/run-host-tests.sh expects.
 */
#ifndef CAIRN_TESTS_HOST_H
#define CAIRN_TESTS_HOST_H

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif

/*
 * The kernel's strlcpy (kstring.h, kernel/string.c), which glibc 2.36 lacks.
 * Weak, so a test that builds kernel/string.c itself keeps the kernel's.
 */
__attribute__((weak, unused)) size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

/*
 * stdout unbuffered from before main. Piped (under make, run-host-tests.sh and
 * the grader) it would be fully buffered, and ASan and UBSan end a program with
 * _exit, never flushing stdio: the failed check's own line (its values, "crash
 * after K of N writes") would die in the buffer and leave only the sanitizer's
 * report. test_harness_crash.c shows the line survives.
 */
/*
 * The test running now (RUN sets it). A program that dies inside a test (an
 * assert, a sanitizer's report, a panic no test expected) says which one, so
 * its last lines name the test, not only the fault. Weak: one variable
 * however many files of the program include this header.
 */
__attribute__((weak)) const char *host_current_test;

/* From SIGABRT's handler too: stdout is unbuffered, so this is one write(2)
   (no <unistd.h> here: its names, pause() and others, would clash with tests'). */
__attribute__((unused)) static void host_say_death(void)
{
    if (host_current_test)
        fprintf(stdout, "  (the program died in test %s)\n", host_current_test);
}

__attribute__((unused)) static void host_on_abort(int sig)
{
    host_say_death();
    signal(sig, SIG_DFL);
    raise(sig);
}

__attribute__((constructor, unused)) static void host_unbuffered(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGABRT, host_on_abort);
#ifdef __SANITIZE_ADDRESS__
    __sanitizer_set_death_callback(host_say_death);
#endif
}

/* tests/host_panic.c: where panic() jumps when a test expects one (else exit 2). */
extern jmp_buf *host_panic_catcher;

static int host_passed, host_failed, host_current_failed __attribute__((unused));

#define TEST(name) static void name(void)

#define RUN(name)                                                           \
    do {                                                                    \
        host_current_failed = 0;                                            \
        host_current_test = #name;                                          \
        name();                                                             \
        host_current_test = NULL;                                           \
        if (host_current_failed) {                                          \
            host_failed++;                                                  \
            printf("  FAIL %s\n", #name);                                   \
        } else {                                                            \
            host_passed++;                                                  \
        }                                                                   \
    } while (0)

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            host_current_failed = 1;                                        \
        }                                                                   \
    } while (0)

#define CHECK_EQ(actual, expected)                                          \
    do {                                                                    \
        long long a_ = (long long)(actual), e_ = (long long)(expected);     \
        if (a_ != e_) {                                                     \
            printf("  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, \
                   #actual, a_, e_);                                        \
            host_current_failed = 1;                                        \
        }                                                                   \
    } while (0)

#define CHECK_STR(actual, expected)                                         \
    do {                                                                    \
        const char *a_ = (actual), *e_ = (expected);                        \
        if (!a_ || strcmp(a_, e_) != 0) {                                   \
            printf("  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,    \
                   __LINE__, #actual, a_ ? a_ : "(null)", e_);              \
            host_current_failed = 1;                                        \
        }                                                                   \
    } while (0)

/* A test whose code panics (a handout stub) fails alone; the others still run. */
#define RUN_GUARDED(name)                                                   \
    do {                                                                    \
        jmp_buf jb_;                                                        \
        host_panic_catcher = &jb_;                                          \
        if (setjmp(jb_) == 0) {                                             \
            RUN(name);                                                      \
        } else {                                                            \
            host_failed++;                                                  \
            printf("  FAIL %s (it panicked)\n", #name);                     \
        }                                                                   \
        host_panic_catcher = NULL;                                          \
    } while (0)

/* xorshift64 (Marsaglia, 2003): a reproducible stream for the fuzz tests. */
static uint64_t host_rng_state __attribute__((unused)) = 0x9E3779B97F4A7C15ull;

static inline uint32_t host_rng(void)
{
    host_rng_state ^= host_rng_state << 13;
    host_rng_state ^= host_rng_state >> 7;
    host_rng_state ^= host_rng_state << 17;
    return (uint32_t)host_rng_state;
}

/* Seed from $CAIRN_FUZZ_SEED (decimal or 0x hex), else `fallback`; say which, to replay it. */
static inline void host_rng_seed(uint64_t fallback)
{
    const char *seed = getenv("CAIRN_FUZZ_SEED");
    host_rng_state = seed ? strtoull(seed, NULL, 0) : fallback;
    if (host_rng_state == 0)
        host_rng_state = 1;                 /* xorshift's one stuck state */
    printf("  fuzz seed 0x%llx\n", (unsigned long long)host_rng_state);
}

static inline int host_summary(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, host_passed, host_failed);
    return host_failed ? 1 : 0;
}

#endif
