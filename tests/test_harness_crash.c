/*
 * test_harness_crash.c - tests/host.h itself: a check that fails just before
 * the sanitizer ends the program has its line out already. Each case runs in a
 * child whose stdout and stderr are a pipe, as under make and the grader, and
 * fails a check, then crashes: a heap overflow under the sanitizers (which _exit
 * without flushing stdio), else abort(). The parent reads what came out.
 *
 * Not a graded test: grade/hosttests.py grades test_core_* and test_labN_*;
 * this one runs with `make host-tests`.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "host.h"

static volatile int measured = 7, overrun = 8;

static void crash(void)
{
#ifdef __SANITIZE_ADDRESS__
    volatile char *p = malloc(8);
    p[overrun] = 1;                     /* one past the end: ASan reports and _exits */
    free((void *)p);
#endif
    abort();
}

static void failed_check_then_crash(void)
{
    CHECK_EQ(measured, 42);
    crash();
}

static void partial_line_then_crash(void)
{
    printf("  crash after %d of %d writes: ", 3, 9);   /* no newline yet */
    crash();
}

/* Runs body in a child; its output (stdout and stderr, in order) into out. */
static int run_child(void (*body)(void), char *out, size_t size)
{
    int fd[2], status;
    size_t n = 0;
    ssize_t got;

    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        close(fd[0]);
        body();
        _exit(0);
    }
    close(fd[1]);
    while (n + 1 < size && (got = read(fd[0], out + n, size - n - 1)) > 0)
        n += (size_t)got;
    out[n] = '\0';
    close(fd[0]);
    waitpid(pid, &status, 0);
    return status;
}

/* Where the sanitizer's report starts (UBSan's object-size check may see the
 * overflow before ASan does), or NULL. */
static const char *report(const char *out)
{
    const char *asan = strstr(out, "Sanitizer"), *ubsan = strstr(out, "runtime error");
    return !asan ? ubsan : !ubsan ? asan : asan < ubsan ? asan : ubsan;
}

/* The child failed, and `line` came out before any sanitizer report. */
static void check_child(void (*body)(void), const char *line)
{
    static char out[65536];
    int status = run_child(body, out, sizeof out);
    const char *at = strstr(out, line), *rep = report(out);

    CHECK(status != 0);
    CHECK(at != NULL);
    CHECK(!rep || (at && at < rep));
    if (host_current_failed)
        printf("  the child's output:\n%s\n", out);
}

TEST(a_failed_check_is_out_before_the_crash)
{
    check_child(failed_check_then_crash, "measured == 7, expected 42\n");
}

TEST(a_line_not_yet_ended_is_out_too)
{
    check_child(partial_line_then_crash, "  crash after 3 of 9 writes: ");
}

static void use_after_free(void)
{
#ifdef __SANITIZE_ADDRESS__
    char *p = malloc(8);
    volatile char *volatile stale = p;  /* hidden from the compiler's own warning */
    free(p);
    stale[0] = 1;                       /* ASan's report (UBSan sees nothing wrong) */
#endif
    abort();
}

/*
 * A child forked inside a test dies "in" it, and says so after its fault:
 * from abort's signal, and from ASan's death callback. (UBSan takes no
 * callback: its report names it in its stack, with UBSAN_OPTIONS=print_stacktrace=1
 * as the grader and tools/run-host-tests.sh set it.)
 */
static void check_dies_naming(void (*body)(void), const char *test)
{
    static char out[65536];
    char line[160];
    int status = run_child(body, out, sizeof out);

    snprintf(line, sizeof line, "(the program died in test %s)\n", test);
    CHECK(status != 0);
    CHECK(strstr(out, line) != NULL);
    if (host_current_failed)
        printf("  the child's output:\n%s\n", out);
}

TEST(an_abort_names_its_test)
{
    check_dies_naming(abort, "an_abort_names_its_test");
}

TEST(a_sanitizer_report_names_its_test)
{
    check_dies_naming(use_after_free, "a_sanitizer_report_names_its_test");
}

static void overflow_then_die(void)
{
    crash();
}

TEST(an_undefined_behaviour_report_names_its_test_in_its_stack)
{
    static char out[65536];
    int status = run_child(overflow_then_die, out, sizeof out);
    const char *ub = strstr(out, "runtime error"), *opts = getenv("UBSAN_OPTIONS");
    bool stacks = opts && strstr(opts, "print_stacktrace=1");

    CHECK(status != 0);
    CHECK(!ub || !stacks || strstr(ub, "in an_undefined_behaviour_report_names_its_test_in_its_stack"));
    if (host_current_failed)
        printf("  the child's output:\n%s\n", out);
}

int main(void)
{
    RUN(a_failed_check_is_out_before_the_crash);
    RUN(a_line_not_yet_ended_is_out_too);
    RUN(an_abort_names_its_test);
    RUN(a_sanitizer_report_names_its_test);
    RUN(an_undefined_behaviour_report_names_its_test_in_its_stack);
    return host_summary("harness crash");
}
