/*
 * test_core_format.c - kernel/format.c (ksnprintf and the format engine)
 * against the host's snprintf wherever the two agree (C11 7.21.6.1): the
 * conversions %c %s %d %i %u %x %X %%, the '-' and '0' flags, widths and '*',
 * and the l / ll modifiers. %p differs on purpose (always 0x and every hex
 * digit of a pointer), so it is checked against its own rule.
 *
 * Many formats here are built at run time, so gcc's format checking does not
 * see them: that is how the unknown-conversion cases get through -Werror.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "format.h"
#include "host.h"

/* A small deterministic generator (xorshift64*): the same cases every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static unsigned rng_below(unsigned n)
{
    return (unsigned)(rng() % n);
}

/* Values near the edges are where number conversion goes wrong. */
static uint64_t interesting_u64(void)
{
    static const uint64_t edges[] = {
        0, 1, 9, 10, 15, 16, 99, 100, 255, 256, 0x7F, 0x80, 0xFFFF, 0x10000,
        0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu, 0x100000000ull, 999999999,
        1000000000, 4294967295u, 0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull,
        0xFFFFFFFFFFFFFFFFull, 10000000000000000000ull,
    };
    switch (rng_below(4)) {
    case 0:
        return edges[rng_below(sizeof edges / sizeof edges[0])];
    case 1:
        return rng() >> rng_below(64);          /* any magnitude */
    case 2:
        return rng_below(1000);
    default:
        return rng();
    }
}

/* Formats with both engines and compares text and return value. */
static int compared, mismatches;

static void compare(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void compare(const char *fmt, ...)
{
    char want[256], got[256];
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int want_n = vsnprintf(want, sizeof want, fmt, ap);
    int got_n = kvsnprintf(got, sizeof got, fmt, ap2);
    va_end(ap2);
    va_end(ap);
    compared++;
    if (want_n != got_n || strcmp(want, got) != 0) {
        if (mismatches++ < 10)
            printf("  format \"%s\": got \"%s\" (%d), host \"%s\" (%d)\n",
                   fmt, got, got_n, want, want_n);
        host_current_failed = 1;
    }
}

/* ksnprintf into a fresh buffer, for fixed expectations. */
static char out[256];

static const char *kfmt(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static const char *kfmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    memset(out, 'Z', sizeof out);
    kvsnprintf(out, sizeof out, fmt, ap);
    va_end(ap);
    return out;
}

TEST(plain_text_and_percent)
{
    CHECK_STR(kfmt("hello"), "hello");
    CHECK_STR(kfmt("%%"), "%");
    CHECK_STR(kfmt("a%%b%%%%c"), "a%b%%c");
    CHECK_STR(kfmt("%s", ""), "");
    CHECK_EQ(ksnprintf(out, sizeof out, "%s", ""), 0);
    CHECK_STR(kfmt("%c%c%c", 'a', 'b', 'c'), "abc");
}

TEST(integers_basic)
{
    CHECK_STR(kfmt("%d", 0), "0");
    CHECK_STR(kfmt("%d", -1), "-1");
    CHECK_STR(kfmt("%i", 12345), "12345");
    CHECK_STR(kfmt("%u", 4294967295u), "4294967295");
    CHECK_STR(kfmt("%x", 0xdeadbeefu), "deadbeef");
    CHECK_STR(kfmt("%X", 0xdeadbeefu), "DEADBEEF");
    CHECK_STR(kfmt("%x", 0u), "0");
    CHECK_STR(kfmt("%u", 0u), "0");
}

TEST(integer_extremes)
{
    char want[64];
    snprintf(want, sizeof want, "%d", INT_MIN);
    CHECK_STR(kfmt("%d", INT_MIN), want);
    CHECK_STR(kfmt("%d", INT_MIN), "-2147483648");
    CHECK_STR(kfmt("%d", INT_MAX), "2147483647");
    CHECK_STR(kfmt("%ld", LONG_MIN), "-9223372036854775808");
    CHECK_STR(kfmt("%lld", LLONG_MIN), "-9223372036854775808");
    CHECK_STR(kfmt("%lld", LLONG_MAX), "9223372036854775807");
    CHECK_STR(kfmt("%llu", ULLONG_MAX), "18446744073709551615");
    CHECK_STR(kfmt("%llx", ULLONG_MAX), "ffffffffffffffff");
    CHECK_STR(kfmt("%lX", ULONG_MAX), "FFFFFFFFFFFFFFFF");
    CHECK_STR(kfmt("%5d|%-5d|%05d", INT_MIN, INT_MIN, INT_MIN),
              "-2147483648|-2147483648|-2147483648");
    CHECK_STR(kfmt("%022lld", LLONG_MIN), "-009223372036854775808");
    /* Without l, only the int is read: the upper half must not leak in. */
    CHECK_STR(kfmt("%x %d", 0xFFFFFFFFu, -5), "ffffffff -5");
}

TEST(width_and_flags)
{
    CHECK_STR(kfmt("[%5d]", 42), "[   42]");
    CHECK_STR(kfmt("[%-5d]", 42), "[42   ]");
    CHECK_STR(kfmt("[%05d]", 42), "[00042]");
    CHECK_STR(kfmt("[%05d]", -42), "[-0042]");
    const char *volatile left_zero = "[%-05d]";     /* gcc warns: '-' wins */
    CHECK_STR(kfmt(left_zero, -42), "[-42  ]");
    CHECK_STR(kfmt("[%08x]", 0xbeefu), "[0000beef]");
    CHECK_STR(kfmt("[%2d]", 12345), "[12345]");            /* never truncates */
    CHECK_STR(kfmt("[%6s]", "ab"), "[    ab]");
    CHECK_STR(kfmt("[%-6s]", "ab"), "[ab    ]");
    CHECK_STR(kfmt("[%3c]", 'x'), "[  x]");
    CHECK_STR(kfmt("[%-3c]", 'x'), "[x  ]");
    CHECK_STR(kfmt("[%*d]", 6, 7), "[     7]");
    CHECK_STR(kfmt("[%*d]", -6, 7), "[7     ]");          /* negative '*': '-' */
    CHECK_STR(kfmt("[%-*s]", 4, "a"), "[a   ]");
    CHECK_STR(kfmt("[%0*d]", 4, 7), "[0007]");
    CHECK_STR(kfmt("[%*s|%*s]", 3, "a", -3, "b"), "[  a|b  ]");
}

TEST(string_null_and_width)
{
    const char *volatile nul = NULL;        /* hidden from -Wformat-overflow */
    char want[64];
    snprintf(want, sizeof want, "[%s]", nul);
    CHECK_STR(kfmt("[%s]", nul), want);
    CHECK_STR(kfmt("[%s]", nul), "[(null)]");
    CHECK_STR(kfmt("[%8s]", nul), "[  (null)]");
}

TEST(char_zero_is_emitted)
{
    char buf[8];
    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(ksnprintf(buf, sizeof buf, "a%cb", 0), 3);
    CHECK_EQ(buf[0], 'a');
    CHECK_EQ(buf[1], '\0');
    CHECK_EQ(buf[2], 'b');
    CHECK_EQ(buf[3], '\0');
    CHECK_EQ(buf[4], 'Z');
}

TEST(pointer_is_fixed_width)
{
    char want[64];
    int digits = (int)sizeof(void *) * 2;
    void *ptrs[] = { NULL, (void *)1, (void *)0xb8000, (void *)want,
                     (void *)UINTPTR_MAX };
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) {
        snprintf(want, sizeof want, "<0x%0*jx>", digits, (uintmax_t)(uintptr_t)ptrs[i]);
        CHECK_STR(kfmt("<%p>", ptrs[i]), want);
        CHECK_EQ(ksnprintf(NULL, 0, "%p", ptrs[i]), 2 + digits);
    }
    CHECK_STR(kfmt("%p", (void *)0xb8000),
              sizeof(void *) == 8 ? "0x00000000000b8000" : "0x000b8000");
}

/* A '%' with no conversion, or one the kernel doesn't know, shows as written. */
TEST(unknown_and_trailing_percent)
{
    const char *volatile fmt;
    fmt = "50%";
    CHECK_STR(kfmt(fmt, 0), "50%");
    CHECK_EQ(ksnprintf(out, sizeof out, fmt, 0), 3);
    fmt = "a%qb";
    CHECK_STR(kfmt(fmt, 0), "a%qb");
    fmt = "%d%";
    CHECK_STR(kfmt(fmt, 7), "7%");
}

/* Return value: the untruncated length; the buffer always ends in NUL. */
TEST(truncation)
{
    char buf[16];

    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(ksnprintf(buf, 4, "%s", "abcdef"), 6);
    CHECK_STR(buf, "abc");
    CHECK_EQ(buf[4], 'Z');                  /* nothing past size written */

    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(ksnprintf(buf, 1, "%d", 12345), 5);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'Z');

    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(ksnprintf(buf, 0, "%d", 12345), 5);
    CHECK_EQ(buf[0], 'Z');                  /* size 0: untouched */
    CHECK_EQ(ksnprintf(NULL, 0, "%s and %d", "x", -77), 9);

    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(ksnprintf(buf, 6, "%s", "abcde"), 5);       /* exactly fits */
    CHECK_STR(buf, "abcde");
    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(ksnprintf(buf, 5, "%s", "abcde"), 5);       /* one short */
    CHECK_STR(buf, "abcd");
    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(ksnprintf(buf, 8, "%-10d|", -3), 11);
    CHECK_STR(buf, "-3     ");
}

/* Every buffer size against the host, with a guard byte after it. */
TEST(truncation_every_size)
{
    const char *fmt = "%s=%-6d|%08x|%c|%lld";
    char full[128];
    int want_n = snprintf(full, sizeof full, fmt, "key", -12, 0xabcu, 'q', LLONG_MIN);
    for (size_t size = 0; size <= (size_t)want_n + 2; size++) {
        char buf[130], want[130];
        memset(buf, 'Z', sizeof buf);
        memset(want, 'Z', sizeof want);
        int got_n = ksnprintf(buf, size, "%s=%-6d|%08x|%c|%lld", "key", -12, 0xabcu, 'q',
                              LLONG_MIN);
        snprintf(want, size, "%s=%-6d|%08x|%c|%lld", "key", -12, 0xabcu, 'q', LLONG_MIN);
        CHECK_EQ(got_n, want_n);
        CHECK(memcmp(buf, want, sizeof buf) == 0);
    }
}

/* format() itself: every character reaches the callback, and its count is returned. */
struct sink {
    char text[64];
    int calls;
};

static void collect(char c, void *arg)
{
    struct sink *s = arg;
    if (s->calls < (int)sizeof s->text - 1)
        s->text[s->calls] = c;
    s->calls++;
    s->text[s->calls < (int)sizeof s->text ? s->calls : (int)sizeof s->text - 1] = '\0';
}

static int call_format(struct sink *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = format(collect, s, fmt, ap);
    va_end(ap);
    return n;
}

TEST(format_callback)
{
    struct sink s = { "", 0 };
    int n = call_format(&s, "%s-%d-%x", "ab", -1, 255u);
    CHECK_EQ(n, 8);
    CHECK_EQ(s.calls, 8);
    CHECK_STR(s.text, "ab--1-ff");
}

TEST(format_callback_counts)
{
    struct sink s = { "", 0 };
    CHECK_EQ(call_format(&s, "%s", ""), 0);
    CHECK_EQ(s.calls, 0);
    CHECK_EQ(call_format(&s, "%-4c%3u", 'z', 5u), 7);
    CHECK_EQ(s.calls, 7);
    CHECK_STR(s.text, "z     5");
}

/* The '*' width and the l/ll arguments must be taken in order. */
TEST(argument_order)
{
    CHECK_STR(kfmt("%*d|%lld|%*s|%lu|%c", 4, -1, -5LL, -3, "a", 7UL, 'k'),
              "  -1|-5|a  |7|k");
    CHECK_STR(kfmt("%d %ld %lld %d", 1, 2L, 3LL, 4), "1 2 3 4");
}

/* --- randomized comparison with the host's snprintf -------------------- */

/* Appends a random conversion spec for `conv` with flags, width and length. */
static int build_spec(char *spec, char conv, int length, int *star)
{
    int n = 0;
    spec[n++] = '%';
    unsigned flags = rng_below(4);
    if (flags & 1)
        spec[n++] = '-';
    if ((flags & 2) && conv != 's' && conv != 'c')      /* '0' only on numbers */
        spec[n++] = '0';
    *star = 0;
    switch (rng_below(4)) {
    case 0:
        break;
    case 1:
        *star = 1;
        spec[n++] = '*';
        break;
    default:
        /* From 1: a leading 0 would be the flag, not a width. */
        n += sprintf(spec + n, "%u", 1 + rng_below(rng_below(2) ? 9 : 30));
        break;
    }
    for (int i = 0; i < length; i++)
        spec[n++] = 'l';
    spec[n++] = conv;
    spec[n] = '\0';
    return n;
}

static const char *random_string(char *buf, size_t size)
{
    size_t len = rng_below((unsigned)size);
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)(' ' + rng_below(95));
    buf[len] = '\0';
    return buf;
}

TEST(random_against_host)
{
    static const char convs[] = "diuxXcs";
    char fmt[64], str[24];
    mismatches = 0;
    compared = 0;
    for (int iter = 0; iter < 50000; iter++) {
        char conv = convs[rng_below(sizeof convs - 1)];
        int length = (conv == 'c' || conv == 's') ? 0 : (int)rng_below(3);
        int star, width = (int)rng_below(40) - 20;
        static const char *const prefixes[] = { "<", "<a", "<%%", "<x%%y" };
        int n = sprintf(fmt, "%s", prefixes[rng_below(4)]);
        n += build_spec(fmt + n, conv, length, &star);
        fmt[n++] = '>';
        fmt[n] = '\0';

        uint64_t v = interesting_u64();
        const char *f = fmt;                /* run-time format from here on */
#define TRY(arg)                                                            \
        do {                                                                \
            if (star)                                                       \
                compare(f, width, arg);                                     \
            else                                                            \
                compare(f, arg);                                            \
        } while (0)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        switch (conv) {
        case 'c':
            TRY((int)(' ' + rng_below(95)));
            break;
        case 's':
            TRY(random_string(str, sizeof str));
            break;
        case 'd':
        case 'i':
            if (length == 0)
                TRY((int)v);
            else if (length == 1)
                TRY((long)v);
            else
                TRY((long long)v);
            break;
        default:
            if (length == 0)
                TRY((unsigned)v);
            else if (length == 1)
                TRY((unsigned long)v);
            else
                TRY((unsigned long long)v);
            break;
        }
#pragma GCC diagnostic pop
#undef TRY
    }
    CHECK_EQ(compared, 50000);
    CHECK_EQ(mismatches, 0);
}

/* Several conversions in one format, so state cannot leak between them. */
TEST(random_multi_against_host)
{
    mismatches = 0;
    for (int iter = 0; iter < 5000; iter++) {
        int a = (int)interesting_u64(), w = (int)rng_below(30) - 15;
        long long b = (long long)interesting_u64();
        unsigned c = (unsigned)interesting_u64();
        unsigned long long d = interesting_u64();
        char s[24];
        random_string(s, sizeof s);
        compare("%d|%-*lld|%08x|%s|%llX|%-5c|%%|%020llu", a, w, b, c, s, d, 'Q', d);
        compare("%0*d%5s%-12lx%i", w, a, s, (unsigned long)d, (int)c);
    }
    CHECK_EQ(mismatches, 0);
}

int main(void)
{
    RUN(plain_text_and_percent);
    RUN(integers_basic);
    RUN(integer_extremes);
    RUN(width_and_flags);
    RUN(string_null_and_width);
    RUN(char_zero_is_emitted);
    RUN(pointer_is_fixed_width);
    RUN(unknown_and_trailing_percent);
    RUN(truncation);
    RUN(truncation_every_size);
    RUN(format_callback);
    RUN(format_callback_counts);
    RUN(argument_order);
    RUN(random_against_host);
    RUN(random_multi_against_host);
    return host_summary("core-format");
}
