/*
 * test_core_string.c - kernel/string.c. Its functions carry the C library's
 * names (gcc calls memcpy & co. by name), so here they are renamed k_memcpy
 * ... before the file is included, and the host's own versions stay the
 * host's: ASan intercepts those, ours are plain instrumented code.
 * (string.c is therefore included here, not listed in test_core_string.deps.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"

#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy
#define memset  k_memset
#define memcpy  k_memcpy
#define memmove k_memmove
#define memcmp  k_memcmp
#define strlen  k_strlen
#define strnlen k_strnlen
#define strcmp  k_strcmp
#define strncmp k_strncmp
#define strchr  k_strchr
#define strlcpy k_strlcpy
#include "../kernel/string.c"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy

/* From here on memcpy etc. are the host's: the reference to compare with. */

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
}

TEST(memset_bytes)
{
    unsigned char buf[32];
    memset(buf, 0x11, sizeof buf);
    CHECK(k_memset(buf + 4, 0x1FF, 10) == buf + 4);     /* returns dst; c as a byte */
    for (int i = 0; i < 32; i++)
        CHECK_EQ(buf[i], (i >= 4 && i < 14) ? 0xFF : 0x11);
    CHECK(k_memset(buf, 0, 0) == buf);
    CHECK_EQ(buf[0], 0x11);
}

TEST(memcpy_copies)
{
    unsigned char src[64], dst[64];
    fill(src, sizeof src, 3);
    memset(dst, 0, sizeof dst);
    CHECK(k_memcpy(dst + 1, src, 50) == dst + 1);
    CHECK(memcmp(dst + 1, src, 50) == 0);
    CHECK_EQ(dst[0], 0);
    CHECK_EQ(dst[51], 0);
    CHECK(k_memcpy(dst, src, 0) == dst);
}

/* Every overlap, both directions, against a copy made by hand. */
TEST(memmove_overlaps)
{
    enum { N = 48 };
    for (size_t dst_off = 0; dst_off < N; dst_off++)
        for (size_t src_off = 0; src_off < N; src_off++)
            for (size_t len = 0; len + (dst_off > src_off ? dst_off : src_off) <= N; len++) {
                unsigned char buf[N], want[N], tmp[N];
                fill(buf, N, (unsigned)(dst_off * 31 + src_off));
                memcpy(want, buf, N);
                memcpy(tmp, buf + src_off, len);
                memcpy(want + dst_off, tmp, len);
                void *r = k_memmove(buf + dst_off, buf + src_off, len);
                if (r != buf + dst_off || memcmp(buf, want, N) != 0) {
                    printf("  memmove(buf+%zu, buf+%zu, %zu) wrong\n", dst_off, src_off, len);
                    host_current_failed = 1;
                    return;
                }
            }
}

TEST(memmove_simple_cases)
{
    char up[] = "abcdef", down[] = "abcdef";
    k_memmove(up + 2, up, 4);               /* dst above src */
    CHECK_STR(up, "ababcd");
    k_memmove(down, down + 2, 4);           /* dst below src */
    CHECK_STR(down, "cdefef");
    k_memmove(up, up, 6);
    CHECK_STR(up, "ababcd");
}

TEST(memcmp_sign)
{
    const unsigned char a[] = { 1, 2, 3, 0x80 }, b[] = { 1, 2, 4, 0x00 },
                        c[] = { 1, 2, 3, 0x7F };
    CHECK_EQ(k_memcmp(a, a, 4), 0);
    CHECK(k_memcmp(a, b, 4) < 0);
    CHECK(k_memcmp(b, a, 4) > 0);
    CHECK(k_memcmp(a, c, 4) > 0);           /* bytes compare unsigned: 0x80 > 0x7F */
    CHECK(k_memcmp(c, a, 4) < 0);
    CHECK_EQ(k_memcmp(a, b, 2), 0);
    CHECK_EQ(k_memcmp(a, b, 0), 0);
}

TEST(strlen_strnlen)
{
    CHECK_EQ(k_strlen(""), 0);
    CHECK_EQ(k_strlen("cairn"), 5);
    CHECK_EQ(k_strnlen("cairn", 10), 5);
    CHECK_EQ(k_strnlen("cairn", 5), 5);
    CHECK_EQ(k_strnlen("cairn", 3), 3);
    CHECK_EQ(k_strnlen("cairn", 0), 0);
    /* strnlen must not read past max: no NUL in this heap block at all. */
    char *raw = malloc(4);
    memcpy(raw, "abcd", 4);
    CHECK_EQ(k_strnlen(raw, 4), 4);
    CHECK_EQ(k_strnlen(raw, 2), 2);
    free(raw);
}

TEST(strcmp_sign)
{
    CHECK_EQ(k_strcmp("", ""), 0);
    CHECK_EQ(k_strcmp("abc", "abc"), 0);
    CHECK(k_strcmp("abc", "abd") < 0);
    CHECK(k_strcmp("abd", "abc") > 0);
    CHECK(k_strcmp("ab", "abc") < 0);       /* a prefix sorts first */
    CHECK(k_strcmp("abc", "ab") > 0);
    CHECK(k_strcmp("\x80", "\x7f") > 0);    /* unsigned char, as C says */
    CHECK(k_strcmp("", "a") < 0);
}

TEST(strncmp_bounds)
{
    CHECK_EQ(k_strncmp("abcdef", "abcxyz", 3), 0);
    CHECK(k_strncmp("abcdef", "abcxyz", 4) < 0);
    CHECK(k_strncmp("abcxyz", "abcdef", 4) > 0);
    CHECK_EQ(k_strncmp("abc", "abd", 0), 0);
    CHECK_EQ(k_strncmp("abc", "abc", 100), 0);      /* stops at the NUL */
    CHECK(k_strncmp("ab", "abc", 3) < 0);
    CHECK(k_strncmp("abc", "ab", 3) > 0);
    CHECK(k_strncmp("\xff", "a", 1) > 0);
    /* Must not read past n: neither buffer has a NUL. */
    char *x = malloc(3), *y = malloc(3);
    memcpy(x, "abc", 3);
    memcpy(y, "abc", 3);
    CHECK_EQ(k_strncmp(x, y, 3), 0);
    free(x);
    free(y);
}

/* Signs against the host on random short strings over a tiny alphabet. */
TEST(compare_random_against_host)
{
    unsigned seed = 12345;
    int bad = 0;
    for (int iter = 0; iter < 20000; iter++) {
        char a[8], b[8];
        for (int i = 0; i < 8; i++) {
            seed = seed * 1103515245u + 12345u;
            a[i] = "ab\x80\0"[(seed >> 16) & 3];
            seed = seed * 1103515245u + 12345u;
            b[i] = "ab\x80\0"[(seed >> 16) & 3];
        }
        a[7] = b[7] = '\0';
        size_t n = (seed >> 8) % 9;
        bad |= sign(k_strcmp(a, b)) != sign(strcmp(a, b));
        bad |= sign(k_strncmp(a, b, n)) != sign(strncmp(a, b, n));
        bad |= sign(k_memcmp(a, b, n)) != sign(memcmp(a, b, n));
        bad |= k_strlen(a) != strlen(a);
    }
    CHECK_EQ(bad, 0);
}

TEST(strchr_finds)
{
    const char *s = "hello";
    CHECK(k_strchr(s, 'h') == s);
    CHECK(k_strchr(s, 'l') == s + 2);               /* the first one */
    CHECK(k_strchr(s, 'o') == s + 4);
    CHECK(k_strchr(s, 'z') == NULL);
    CHECK(k_strchr(s, '\0') == s + 5);              /* the terminator counts */
    CHECK(k_strchr("", '\0') != NULL);
    CHECK(k_strchr("", 'a') == NULL);
    CHECK(k_strchr("a\xe9z", 0xe9) != NULL);        /* c converted to char */
    const char *t = "abc";
    CHECK(k_strchr(t, 'b' + 256) == t + 1);        /* (char)c, as the host does */
    CHECK(strchr(t, 'b' + 256) == t + 1);
}

TEST(strlcpy_truncates)
{
    char buf[8];

    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(k_strlcpy(buf, "abc", sizeof buf), 3);
    CHECK_STR(buf, "abc");
    CHECK_EQ(buf[4], 'Z');                  /* no padding like strncpy */

    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(k_strlcpy(buf, "abcdefghijk", sizeof buf), 11);    /* strlen(src) */
    CHECK_STR(buf, "abcdefg");

    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(k_strlcpy(buf, "abcdefgh", 8), 8);     /* one too long */
    CHECK_STR(buf, "abcdefg");
    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(k_strlcpy(buf, "abcdefg", 8), 7);      /* exactly fits */
    CHECK_STR(buf, "abcdefg");

    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(k_strlcpy(buf, "abc", 1), 3);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'Z');

    memset(buf, 'Z', sizeof buf);
    CHECK_EQ(k_strlcpy(buf, "abc", 0), 3);          /* size 0: untouched */
    CHECK_EQ(buf[0], 'Z');
    CHECK_EQ(k_strlcpy(NULL, "abcd", 0), 4);

    CHECK_EQ(k_strlcpy(buf, "", sizeof buf), 0);
    CHECK_STR(buf, "");
}

/* An exact-size heap block: ASan reports any write past size. */
TEST(strlcpy_stays_in_bounds)
{
    for (size_t size = 1; size < 12; size++) {
        char *dst = malloc(size);
        size_t r = k_strlcpy(dst, "0123456789", size);
        CHECK_EQ(r, 10);
        CHECK_EQ(strlen(dst), size - 1 < 10 ? size - 1 : 10);
        CHECK(strncmp(dst, "0123456789", size - 1) == 0);
        free(dst);
    }
}

int main(void)
{
    RUN(memset_bytes);
    RUN(memcpy_copies);
    RUN(memmove_overlaps);
    RUN(memmove_simple_cases);
    RUN(memcmp_sign);
    RUN(strlen_strnlen);
    RUN(strcmp_sign);
    RUN(strncmp_bounds);
    RUN(compare_random_against_host);
    RUN(strchr_finds);
    RUN(strlcpy_truncates);
    RUN(strlcpy_stays_in_bounds);
    return host_summary("core-string");
}
