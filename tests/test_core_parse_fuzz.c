/*
 * test_core_parse_fuzz.c - the checked number parser (kernel/parse.c), the
 * command-line splitter (kernel/cmdline.c) and lab 4's C.U:LBA[+N] addresses
 * (user/lab4_args.c), each against a reference written here another way:
 * numbers with strtoull and errno (after checking every character, since
 * strtoull itself takes spaces, signs and a second "0x"), lists and addresses
 * by splitting at their separators first, words with a plain scan (quotes
 * checked over the whole line first: an even count, no backslash before one).
 *
 * Boundary cases first (2^32, 2^64, signs, empty, separators, hex prefixes),
 * then seeded random inputs built from the same pieces: every input must
 * either give the reference's value or be rejected by both. The seed is fixed
 * so a failure replays; CAIRN_FUZZ_SEED=N tries another.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../user/lab4_args.h"
#include "cmdline.h"
#include "host.h"
#include "parse.h"

#define ROUNDS 20000

static uint64_t rng64(void)
{
    return (uint64_t)host_rng() << 32 | host_rng();
}

/* ---- the references ------------------------------------------------------ */

/* s[0..len) as one number, or false: all digits (hex after 0x/0X), at least one, < 2^64. */
static bool ref_number(const char *s, size_t len, uint64_t *out)
{
    char buf[256];
    size_t skip = len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0;
    int base = skip ? 16 : 10;

    if (len - skip == 0 || len >= sizeof buf)
        return false;
    for (size_t i = skip; i < len; i++) {
        bool dec = s[i] >= '0' && s[i] <= '9';
        bool hex = (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F');
        if (!dec && !(base == 16 && hex))
            return false;
    }
    memcpy(buf, s + skip, len - skip);
    buf[len - skip] = '\0';
    errno = 0;
    unsigned long long v = strtoull(buf, NULL, base);
    if (errno == ERANGE)
        return false;
    *out = v;
    return true;
}

static bool ref_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v;
    if (!ref_number(s, strlen(s), &v) || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* The items of s split at every sep (empty ones included): their count. */
static int ref_split(const char *s, char sep, const char **start, size_t *len, int max)
{
    int n = 0;
    for (;;) {
        const char *end = strchr(s, sep);
        size_t l = end ? (size_t)(end - s) : strlen(s);
        if (n < max) {
            start[n] = s;
            len[n] = l;
        }
        n++;
        if (!end)
            return n;
        s = end + 1;
    }
}

static bool ref_list(const char *s, char sep, uint64_t min, uint64_t max, uint64_t *out,
                     int cap, int *n)
{
    const char *start[64];
    size_t len[64];
    int items = ref_split(s, sep, start, len, 64);

    if (items > cap)
        return false;
    for (int i = 0; i < items; i++)
        if (!ref_number(start[i], len[i], &out[i]) || out[i] < min || out[i] > max)
            return false;
    *n = items;
    return true;
}

/* "C.U:LBA" or "C.U:LBA+N" in s[0..len). */
static bool ref_sector(const char *s, size_t len, int nchannels, uint32_t max_count,
                       struct sector_ref *r)
{
    const char *end = s + len;
    const char *dot = memchr(s, '.', len);
    const char *colon = dot ? memchr(dot + 1, ':', (size_t)(end - dot - 1)) : NULL;
    const char *plus = colon && max_count ? memchr(colon + 1, '+', (size_t)(end - colon - 1))
                                          : NULL;
    const char *lba_end = max_count ? plus : end;
    uint64_t c, u, lba, n = 1;

    if (!colon || !lba_end || !ref_number(s, (size_t)(dot - s), &c) ||
        !ref_number(dot + 1, (size_t)(colon - dot - 1), &u) ||
        !ref_number(colon + 1, (size_t)(lba_end - colon - 1), &lba))
        return false;
    if (max_count && !ref_number(plus + 1, (size_t)(end - plus - 1), &n))
        return false;
    if (c >= (uint64_t)nchannels || u >= SECTOR_UNITS || n < 1 || (max_count && n > max_count))
        return false;
    *r = (struct sector_ref){ .channel = (int)c, .unit = (int)u, .lba = lba, .count = (uint32_t)n };
    return true;
}

static bool ref_sector_list(const char *s, int nchannels, struct sector_ref *out, int cap, int *n)
{
    const char *start[64];
    size_t len[64];
    int items = ref_split(s, ',', start, len, 64);

    if (items > cap)
        return false;
    for (int i = 0; i < items; i++)
        if (!ref_sector(start[i], len[i], nchannels, 0, &out[i]))
            return false;
    *n = items;
    return true;
}

/* ---- random inputs ------------------------------------------------------- */

static const char *const boundary[] = {
    "0", "1", "00", "007", "4294967295", "4294967296", "4294967297", "9223372036854775808",
    "18446744073709551615", "18446744073709551616", "18446744073709551621",
    "99999999999999999999", "000000000000000000000000018446744073709551615",
    "0x0", "0x", "0X", "0xffffffff", "0x100000000", "0xFFFFFFFFFFFFFFFF", "0x10000000000000000",
    "0x0000000000000000000ffffffffffffffff", "0xg", "0x-1", "0x+1", "0x 1", "0xx1",
    "-0", "-1", "+1", "-", "+", " 1", "1 ", "\t1", "1\n", "", "x", "abc", "12abc", "1e3",
    "1.0", "1,", ",1", "0b101", "0o7", "1_000",
};
#define NBOUNDARY (sizeof boundary / sizeof boundary[0])

/* A number-like piece: often a small number (so that lists and addresses are
 * sometimes whole and valid), else a boundary, a random 64-bit value, noise. */
static void append_piece(char *buf, size_t size)
{
    size_t n = strlen(buf);
    static const char noise[] = "-+ \t,.:xXgaF0";

    switch (host_rng() % 8) {
    case 0: case 1: case 2:
        snprintf(buf + n, size - n, host_rng() % 4 ? "%u" : "0x%x", host_rng() % 3 ? host_rng() % 2 : host_rng() % 6);
        break;
    case 3:
        snprintf(buf + n, size - n, "%s", boundary[host_rng() % NBOUNDARY]);
        break;
    case 4:
        snprintf(buf + n, size - n, "%llu", (unsigned long long)(rng64() >> (host_rng() % 64)));
        break;
    case 5:
        snprintf(buf + n, size - n, host_rng() % 2 ? "0x%llx" : "0X%llX",
                 (unsigned long long)(rng64() >> (host_rng() % 64)));
        break;
    case 6:
        snprintf(buf + n, size - n, "%c", noise[host_rng() % (sizeof noise - 1)]);
        break;
    default:
        break;                          /* nothing: empty items, doubled separators */
    }
}

/*
 * `pieces` pieces joined by the separators of `seps` in turn; now and then a
 * separator is dropped, doubled or swapped, or one is left trailing.
 */
static void random_text(char *buf, size_t size, const char *seps, int pieces)
{
    size_t nseps = strlen(seps);

    buf[0] = '\0';
    for (int i = 0; i < pieces; i++) {
        append_piece(buf, size);
        if (nseps == 0 || (i + 1 == pieces && host_rng() % 8))
            continue;
        size_t n = strlen(buf);
        char sep = seps[(size_t)i % nseps];
        switch (host_rng() % 16) {
        case 0:  continue;                                      /* dropped */
        case 1:  sep = seps[host_rng() % nseps]; break;              /* swapped */
        case 2:  if (n + 3 < size) buf[n++] = sep; break;       /* doubled */
        default: break;
        }
        if (n + 2 < size) {
            buf[n] = sep;
            buf[n + 1] = '\0';
        }
    }
}

/* ---- numbers ------------------------------------------------------------- */

static long accepted, rejected, mismatches;

static void check_uint(const char *s, uint64_t min, uint64_t max)
{
    uint64_t got = 0xDEAD, want = 0;
    bool ok = parse_uint(s, min, max, &got) == PARSE_OK;
    bool ref = ref_uint(s, min, max, &want);

    if (ok != ref || (ok && got != want) || (!ok && got != 0xDEAD)) {
        if (mismatches++ < 10)
            printf("  parse_uint(\"%s\", %llu, %llu): %s %llu, reference %s %llu\n", s,
                   (unsigned long long)min, (unsigned long long)max, ok ? "ok" : "rejected",
                   (unsigned long long)got, ref ? "ok" : "rejected", (unsigned long long)want);
    }
    ok ? accepted++ : rejected++;
}

TEST(numbers_at_the_boundaries)
{
    uint64_t v;
    for (size_t i = 0; i < NBOUNDARY; i++) {
        check_uint(boundary[i], 0, UINT64_MAX);
        check_uint(boundary[i], 1, UINT32_MAX);
        check_uint(boundary[i], 19, 10000);
    }
    CHECK_EQ(mismatches, 0);
    /* The cases, by value: never a wrap, never a default. */
    CHECK(parse_uint("18446744073709551615", 0, UINT64_MAX, &v) == PARSE_OK && v == UINT64_MAX);
    CHECK(parse_uint("18446744073709551621", 0, UINT64_MAX, &v) == PARSE_OVERFLOW);
    CHECK(parse_uint("0x10000000000000000", 0, UINT64_MAX, &v) == PARSE_OVERFLOW);
    CHECK(parse_uint("4294967296", 0, UINT32_MAX, &v) == PARSE_RANGE);
    CHECK(parse_uint("0xffffffff", 0, UINT32_MAX, &v) == PARSE_OK && v == UINT32_MAX);
    CHECK(parse_uint("0XfF", 0, UINT64_MAX, &v) == PARSE_OK && v == 255);
    CHECK(parse_uint("010", 0, UINT64_MAX, &v) == PARSE_OK && v == 10);     /* never octal */
    CHECK(parse_uint("", 0, UINT64_MAX, &v) == PARSE_EMPTY);
    CHECK(parse_uint("abc", 0, UINT64_MAX, &v) == PARSE_GARBAGE);
    CHECK(parse_uint("-5", 0, UINT64_MAX, &v) == PARSE_GARBAGE);
    CHECK(parse_uint("12abc", 0, UINT64_MAX, &v) == PARSE_GARBAGE);
    CHECK(parse_uint("0x", 0, UINT64_MAX, &v) == PARSE_GARBAGE);
    CHECK(parse_uint("0", 1, 16, &v) == PARSE_RANGE);
    CHECK(parse_uint("17", 1, 16, &v) == PARSE_RANGE);
}

TEST(random_numbers)
{
    char buf[256];
    static const uint64_t maxes[] = { UINT64_MAX, UINT32_MAX, 1000, 16, 0 };

    for (int i = 0; i < ROUNDS; i++) {
        random_text(buf, sizeof buf, "", (int)(host_rng() % 2) + 1);
        uint64_t max = maxes[host_rng() % 5], min = host_rng() % 4 == 0 ? host_rng() % 20 : 0;
        check_uint(buf, min, max);
    }
    printf("  numbers: %ld accepted, %ld rejected\n", accepted, rejected);
    CHECK_EQ(mismatches, 0);
    CHECK(accepted > ROUNDS / 4);           /* the inputs reach both outcomes */
    CHECK(rejected > ROUNDS / 4);
}

/* parse_number leaves *s past the digits, and alone on failure. */
TEST(number_prefixes)
{
    const char *s = "0x1fg", *p = s;
    uint64_t v = 7;

    CHECK(parse_number(&p, 0, UINT64_MAX, &v) == PARSE_OK && v == 0x1f && p == s + 4);
    p = s = "42,7";
    CHECK(parse_number(&p, 0, UINT64_MAX, &v) == PARSE_OK && v == 42 && p == s + 2);
    p = s = "99999999999999999999,";
    CHECK(parse_number(&p, 0, UINT64_MAX, &v) == PARSE_OVERFLOW && p == s && v == 42);
    p = s = ",1";
    CHECK(parse_number(&p, 0, UINT64_MAX, &v) == PARSE_GARBAGE && p == s);
}

/* ---- lists --------------------------------------------------------------- */

TEST(number_lists)
{
    char buf[256];
    uint64_t got[8], want[64];
    long ok_count = 0, mism = 0;
    int n, wn;

    for (int i = 0; i < ROUNDS; i++) {
        random_text(buf, sizeof buf, host_rng() % 4 ? "," : ",;", (int)(host_rng() % 9) + 1);
        int cap = (int)(host_rng() % 8) + 1;
        uint64_t max = host_rng() % 2 ? 1000 : UINT64_MAX;
        bool ok = parse_uint_list(buf, ',', 1, max, got, cap, &n) == PARSE_OK;
        bool ref = ref_list(buf, ',', 1, max, want, cap, &wn);
        bool same = ok == ref && (!ok || (n == wn && memcmp(got, want, (size_t)n * 8) == 0));
        if (!same && mism++ < 10)
            printf("  parse_uint_list(\"%s\", cap %d): %s, reference %s\n", buf, cap,
                   ok ? "ok" : "rejected", ref ? "ok" : "rejected");
        if (!ok && n != 0)
            mism++;
        ok_count += ok;
    }
    printf("  lists: %ld of %d accepted\n", ok_count, ROUNDS);
    CHECK_EQ(mism, 0);
    CHECK(ok_count > ROUNDS / 50);
    CHECK(parse_uint_list("3,4,", ',', 1, 1000, got, 6, &n) == PARSE_EMPTY && n == 0);
    CHECK(parse_uint_list("", ',', 1, 1000, got, 6, &n) == PARSE_EMPTY);
    CHECK(parse_uint_list("3,,4", ',', 1, 1000, got, 6, &n) == PARSE_EMPTY);
    CHECK(parse_uint_list("1,2,3,4,5,6,7", ',', 1, 1000, got, 6, &n) == PARSE_TOO_MANY);
    CHECK(parse_uint_list("1,2,3,4,5,6", ',', 1, 1000, got, 6, &n) == PARSE_OK && n == 6);
}

/* ---- lab 4's C.U:LBA[+N] ------------------------------------------------- */

static bool same_ref(const struct sector_ref *a, const struct sector_ref *b)
{
    return a->channel == b->channel && a->unit == b->unit && a->lba == b->lba &&
           a->count == b->count;
}

TEST(sector_addresses)
{
    char buf[256];
    long ok_count = 0, mism = 0;

    for (int i = 0; i < ROUNDS; i++) {
        uint32_t max_count = host_rng() % 2 ? 0 : 64;
        random_text(buf, sizeof buf, max_count ? ".:+" : ".:",
                    host_rng() % 4 ? 3 + (max_count > 0) : (int)(host_rng() % 6) + 1);
        struct sector_ref got = { -1, -1, 0, 0 }, want, before = got;
        bool ok = sector_ref_parse(buf, 4, max_count, &got) == PARSE_OK;
        bool ref = ref_sector(buf, strlen(buf), 4, max_count, &want);
        if ((ok != ref || (ok && !same_ref(&got, &want)) || (!ok && !same_ref(&got, &before))) &&
            mism++ < 10)
            printf("  sector_ref_parse(\"%s\", max %u): %s, reference %s\n", buf, max_count,
                   ok ? "ok" : "rejected", ref ? "ok" : "rejected");
        ok_count += ok;
    }
    printf("  addresses: %ld of %d accepted\n", ok_count, ROUNDS);
    CHECK_EQ(mism, 0);
    CHECK(ok_count > ROUNDS / 100);
}

TEST(sector_lists)
{
    char buf[512];
    struct sector_ref got[16], want[64];
    long ok_count = 0, mism = 0;
    int n, wn;

    for (int i = 0; i < ROUNDS; i++) {
        /* three pieces per address: "C.U:LBA," repeated, up to 18 addresses */
        random_text(buf, sizeof buf, ".:,", 3 * ((int)(host_rng() % 18) + 1) - (int)(host_rng() % 2));
        bool ok = sector_ref_list(buf, 4, got, 16, &n) == PARSE_OK;
        bool ref = ref_sector_list(buf, 4, want, 16, &wn);
        bool same = ok == ref && (!ok || n == wn);
        for (int k = 0; same && ok && k < n; k++)
            same = same_ref(&got[k], &want[k]);
        if (!same && mism++ < 10)
            printf("  sector_ref_list(\"%s\"): %s, reference %s\n", buf, ok ? "ok" : "rejected",
                   ref ? "ok" : "rejected");
        ok_count += ok;
    }
    printf("  address lists: %ld of %d accepted\n", ok_count, ROUNDS);
    CHECK_EQ(mism, 0);
    CHECK(ok_count > 0);
}

/* The reproductions, by value. */
TEST(lab4_cases)
{
    struct sector_ref r, list[16];
    char line[512];
    int n;

    CHECK(sector_ref_parse("0.0:18446744073709551621", 4, 0, &r) == PARSE_OVERFLOW);
    CHECK(sector_ref_parse("18446744073709551616.0:1", 4, 0, &r) == PARSE_OVERFLOW);
    CHECK(sector_ref_parse("0.0:0+18446744073709551617", 4, 64, &r) == PARSE_OVERFLOW);
    CHECK(sector_ref_parse("0.0:18446744073709551615", 4, 0, &r) == PARSE_OK &&
          r.lba == UINT64_MAX && r.count == 1);
    CHECK(sector_ref_parse("1.1:0x10+16", 4, 64, &r) == PARSE_OK && r.channel == 1 &&
          r.unit == 1 && r.lba == 16 && r.count == 16);
    CHECK(sector_ref_parse("0.0:5", 4, 64, &r) != PARSE_OK);      /* span needs its +N */
    CHECK(sector_ref_parse("0.0:5+1", 4, 0, &r) != PARSE_OK);     /* write takes none */
    CHECK(sector_ref_parse("0.0:5+65", 4, 64, &r) == PARSE_RANGE);
    CHECK(sector_ref_parse("4.0:5", 4, 0, &r) == PARSE_RANGE);
    CHECK(sector_ref_parse("0.2:5", 4, 0, &r) == PARSE_RANGE);
    CHECK(sector_ref_list("0.0:1,", 4, list, 16, &n) == PARSE_EMPTY);
    size_t len = 0;
    for (int i = 0; i < 18; i++)
        len += (size_t)snprintf(line + len, sizeof line - len, "%s0.0:%d", i ? "," : "", i);
    CHECK(sector_ref_list(line, 4, list, 16, &n) == PARSE_TOO_MANY && n == 0);
}

/* ---- the command-line splitter ------------------------------------------- */

struct ref_word {
    char key[128], value[128];
    bool has_value;
};

/* The options of `line`: after its first whitespace-separated word. */
static const char *ref_options(const char *line)
{
    const char *p = line + strspn(line, " \t\n\r");
    p += strcspn(p, " \t\n\r");
    return p + strspn(p, " \t\n\r");
}

/* Well-formed options have an even number of quotes and no backslash before one. */
static bool ref_well_formed(const char *opts)
{
    int quotes = 0;
    for (const char *p = opts; *p; p++)
        quotes += *p == '"';
    return quotes % 2 == 0 && strstr(opts, "\\\"") == NULL;
}

/* The words of well-formed options: runs of characters split at whitespace
 * outside quotes, the quotes dropped, then cut at the first '='. */
static int ref_words(const char *opts, struct ref_word *w, int max)
{
    char word[400];
    int n = 0;
    size_t len = 0;
    bool quoted = false, in_word = false;

    for (const char *p = opts;; p++) {
        bool end = *p == '\0' || (!quoted && strchr(" \t\n\r", *p));
        if (end && in_word) {
            word[len] = '\0';
            if (n < max) {
                char *eq = strchr(word, '=');
                w[n].has_value = eq != NULL;
                snprintf(w[n].value, sizeof w[n].value, "%s", eq ? eq + 1 : "");
                snprintf(w[n].key, sizeof w[n].key, "%.*s", (int)(eq ? eq - word : (long)len), word);
            }
            n++;
            len = 0;
            in_word = false;
        }
        if (*p == '\0')
            return n;
        if (end)
            continue;
        in_word = true;
        if (*p == '"')
            quoted = !quoted;
        else
            word[len++] = *p;
    }
}

/* Half the lines plain, a quarter with quotes, a quarter with quotes and backslashes. */
static void random_line(char *buf, size_t size)
{
    static const char alphabet[] = "ab=  \t\n\r=x1/\"\\";
    size_t len = host_rng() % (size - 1), letters = sizeof alphabet - 3;

    letters += host_rng() % 4 / 2;                  /* 0, 1: none; 2, 3: '"' */
    letters += letters > sizeof alphabet - 3 && host_rng() % 2;    /* and '\\' */
    for (size_t i = 0; i < len; i++)
        buf[i] = alphabet[host_rng() % letters];
    buf[len] = '\0';
}

static bool same_words(const struct cmdline *cl, const struct ref_word *want, int n)
{
    bool same = cl->nwords == (n < CMDLINE_MAX_WORDS ? n : CMDLINE_MAX_WORDS) &&
                cl->overflow == (n > CMDLINE_MAX_WORDS);
    for (int k = 0; same && k < cl->nwords; k++)
        same = strcmp(cl->key[k], want[k].key) == 0 &&
               (want[k].has_value ? cl->value[k] && strcmp(cl->value[k], want[k].value) == 0
                                  : cl->value[k] == NULL);
    return same;
}

TEST(command_lines)
{
    static char line[400], text[400], copy[64];
    static struct ref_word want[200];
    struct cmdline cl;
    long mism = 0, overflows = 0, refused = 0, malformed = 0, quoted = 0;

    for (int i = 0; i < ROUNDS / 4; i++) {
        random_line(line, sizeof line);
        const char *options = ref_options(line);
        bool ok = ref_well_formed(options);
        int n = ok ? ref_words(options, want, 200) : 0;
        CHECK(cmdline_copy_options(text, sizeof text, line));
        cmdline_parse(&cl, text);
        bool same = ok ? cl.error == NULL && same_words(&cl, want, n) : cl.error != NULL;
        if (!same && mism++ < 10)
            printf("  cmdline_parse(\"%s\"): %d words%s, reference %d%s\n", line, cl.nwords,
                   cl.error ? " (malformed)" : "", n, ok ? "" : " (malformed)");
        overflows += ok && cl.overflow;
        malformed += !ok;
        quoted += ok && strchr(options, '"');

        /* A buffer too small refuses the whole line and leaves the buffer alone. */
        size_t size = host_rng() % sizeof copy + 1;
        memset(copy, '#', sizeof copy);
        bool fits = cmdline_copy_options(copy, size, line);
        if (fits != (strlen(options) < size) || (fits && strcmp(copy, options) != 0) ||
            (!fits && copy[0] != '#'))
            mism++;
        refused += !fits;
    }
    printf("  command lines: %d, %ld over %d words, %ld with quotes, %ld malformed, "
           "%ld refused by a small buffer\n", ROUNDS / 4, overflows, CMDLINE_MAX_WORDS, quoted,
           malformed, refused);
    CHECK_EQ(mism, 0);
    CHECK(overflows > 0);
    CHECK(quoted > ROUNDS / 40);                   /* quotes that group, */
    CHECK(malformed > ROUNDS / 40 && malformed < ROUNDS / 8);   /* and quotes refused */
    CHECK(refused > 0);
}

int main(void)
{
    host_rng_seed(0x2545F4914F6CDD1Dull);
    RUN(numbers_at_the_boundaries);
    RUN(random_numbers);
    RUN(number_prefixes);
    RUN(number_lists);
    RUN(sector_addresses);
    RUN(sector_lists);
    RUN(lab4_cases);
    RUN(command_lines);
    return host_summary("core parse fuzz");
}
