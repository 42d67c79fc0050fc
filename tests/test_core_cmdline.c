/*
 * test_core_cmdline.c - kernel/cmdline.c: taking the options out of the
 * multiboot command line (the first word, the kernel's path, is dropped and
 * never counts against the limit; a line too long is refused whole, never
 * cut), splitting them into flags and key=value words, lookups where the last
 * occurrence wins, and the check that rejects options no part of the stage
 * declared. test_core_parse_fuzz.c fuzzes the same code against a reference.
 */
#include <stdio.h>
#include <string.h>
#include "cmdline.h"
#include "host.h"

/* cmdline_parse cuts its text in place: each test parses its own copy. */
static char text[1024];
static struct cmdline cl;

/* What the kernel does with the loader's line: copy its options, split them. */
static void parse(const char *line)
{
    memset(&cl, 0xA5, sizeof cl);           /* stale words must not survive */
    CHECK(cmdline_copy_options(text, sizeof text, line));
    cmdline_parse(&cl, text);
}

/* The parsed words as "key=value key ..." (flags without '='), for one CHECK_STR. */
static const char *words(void)
{
    static char buf[1024];
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < cl.nwords && n < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s%s%s", i ? " " : "",
                              cl.key[i], cl.value[i] ? "=" : "",
                              cl.value[i] ? cl.value[i] : "");
    return buf;
}

TEST(skips_the_kernel_path)
{
    parse("/boot/kernel.elf grade ticks=5");
    CHECK_EQ(cl.nwords, 2);
    CHECK_STR(words(), "grade ticks=5");
    CHECK(cmdline_lookup(&cl, "/boot/kernel.elf") == NULL);
}

TEST(empty_lines)
{
    parse("");
    CHECK_EQ(cl.nwords, 0);
    parse("   \t  ");
    CHECK_EQ(cl.nwords, 0);
    parse("build/lab0/kernel.elf");
    CHECK_EQ(cl.nwords, 0);
    parse("kernel.elf   ");
    CHECK_EQ(cl.nwords, 0);
    CHECK(cmdline_lookup(&cl, "grade") == NULL);
}

/* A path containing '=' is still the path, not an option. */
TEST(first_word_is_never_an_option)
{
    parse("a=b grade");
    CHECK_EQ(cl.nwords, 1);
    CHECK_STR(words(), "grade");
    CHECK(cmdline_lookup(&cl, "a") == NULL);
}

TEST(flags_and_values)
{
    parse("k grade seed=42 name=cairn bench");
    CHECK_EQ(cl.nwords, 4);
    CHECK(cl.value[0] == NULL);             /* a flag has no value at all */
    CHECK_STR(cmdline_lookup(&cl, "grade"), "");
    CHECK_STR(cmdline_lookup(&cl, "bench"), "");
    CHECK_STR(cmdline_lookup(&cl, "seed"), "42");
    CHECK_STR(cmdline_lookup(&cl, "name"), "cairn");
    CHECK(cmdline_lookup(&cl, "missing") == NULL);
    CHECK(cmdline_lookup(&cl, "see") == NULL);      /* no prefix matches */
    CHECK(cmdline_lookup(&cl, "seed=42") == NULL);
    CHECK(cmdline_lookup(&cl, "") == NULL);
}

TEST(empty_values_and_extra_equals)
{
    parse("k key= =v a=b=c");
    CHECK_EQ(cl.nwords, 3);
    CHECK(cl.value[0] != NULL);
    CHECK_STR(cmdline_lookup(&cl, "key"), "");      /* present, empty */
    CHECK_STR(cmdline_lookup(&cl, ""), "v");        /* an empty key */
    CHECK_STR(cmdline_lookup(&cl, "a"), "b=c");     /* split at the first '=' */
}

TEST(quotes_group_like_linux)
{
    parse("k cat=\"/Sub Dir/a b.txt\" \"w=x y\" q=\"\" m=a\"b c\"d p=C:\\dir\\");
    CHECK(cl.error == NULL);
    CHECK_EQ(cl.nwords, 5);
    CHECK_STR(cmdline_lookup(&cl, "cat"), "/Sub Dir/a b.txt");
    CHECK_STR(cmdline_lookup(&cl, "w"), "x y");     /* the whole word quoted */
    CHECK_STR(cmdline_lookup(&cl, "q"), "");        /* an empty quoted value */
    CHECK_STR(cmdline_lookup(&cl, "m"), "ab cd");   /* quotes inside a word */
    CHECK_STR(cmdline_lookup(&cl, "p"), "C:\\dir\\");   /* a backslash alone is a byte */
}

/* The issue's cases: the words after an open quote, or after `\"`, were taken
 * into one value and never seen. Now the line is refused, naming the word. */
TEST(an_open_quote_is_refused)
{
    parse("k a=1 tail=\"open ended grade");
    CHECK_STR(cl.error, "a quote is not closed");
    CHECK_EQ(cl.error_at, 4);                       /* "tail=..." in "a=1 tail=..." */
    parse("k grade \"");
    CHECK_STR(cl.error, "a quote is not closed");
    CHECK_EQ(cl.error_at, 6);
    parse("k a=\"x\" b=\"y\"\"");                  /* the third quote opens a group */
    CHECK(cl.error != NULL);
}

TEST(a_backslash_before_a_quote_is_refused)
{
    parse("k grade tag=a\\\"b c=\\\"d bench");     /* tag=a\"b c=\"d: two quotes, "paired" */
    CHECK(cl.error != NULL && strstr(cl.error, "backslash") != NULL);
    CHECK_EQ(cl.error_at, 6);
    parse("k tag=\\\"");                           /* also open: the backslash is named */
    CHECK(cl.error != NULL && strstr(cl.error, "backslash") != NULL);
    parse("k tag=\"a\\\"");                        /* inside a group as well */
    CHECK(cl.error != NULL && strstr(cl.error, "backslash") != NULL);
}

/* Past the word limit, the words are not stored but still checked. */
TEST(quotes_past_the_word_limit_are_checked)
{
    char line[1024];
    size_t n = (size_t)snprintf(line, sizeof line, "kernel");
    for (int i = 0; i < CMDLINE_MAX_WORDS + 3; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, " w%d", i);
    snprintf(line + n, sizeof line - n, " late=\"open");
    parse(line);
    CHECK_STR(cl.error, "a quote is not closed");
    parse("k a=\"open");
    parse("k a=1");                                 /* parsing again clears it */
    CHECK(cl.error == NULL);
}

TEST(last_occurrence_wins)
{
    parse("k ticks=1 grade ticks=2 ticks=3 grade=x");
    CHECK_STR(cmdline_lookup(&cl, "ticks"), "3");
    CHECK_STR(cmdline_lookup(&cl, "grade"), "x");
    parse("k mode=a mode");
    CHECK_STR(cmdline_lookup(&cl, "mode"), "");     /* the bare flag came last */
    parse("k mode mode=b");
    CHECK_STR(cmdline_lookup(&cl, "mode"), "b");
}

TEST(spaces_tabs_and_newlines)
{
    parse("  \t kernel \t\t grade \n  ticks=7\r\n\t bench\t ");
    CHECK_EQ(cl.nwords, 3);
    CHECK_STR(words(), "grade ticks=7 bench");
    CHECK_STR(cmdline_lookup(&cl, "ticks"), "7");
}

/* The words point into the caller's text, which is cut in place. */
TEST(words_point_into_text)
{
    parse("kernel a=1 b");
    CHECK(cl.key[0] >= text && cl.key[0] < text + sizeof text);
    CHECK(cl.value[0] >= text && cl.value[0] < text + sizeof text);
    CHECK(cl.key[1] >= text && cl.key[1] < text + sizeof text);
}

/* The words past CMDLINE_MAX_WORDS are not stored (the array is never overrun),
 * and the overflow is flagged so the kernel can refuse the line. */
TEST(more_words_than_fit)
{
    char line[1024];
    size_t n = (size_t)snprintf(line, sizeof line, "kernel");
    for (int i = 0; i < CMDLINE_MAX_WORDS + 8; i++)
        n += (size_t)snprintf(line + n, sizeof line - n, " w%d=%d", i, i);
    parse(line);
    CHECK_EQ(cl.nwords, CMDLINE_MAX_WORDS);
    CHECK_STR(cl.key[0], "w0");
    CHECK_STR(cl.key[CMDLINE_MAX_WORDS - 1], "w31");
    CHECK_STR(cmdline_lookup(&cl, "w31"), "31");
    CHECK(cmdline_lookup(&cl, "w32") == NULL);
    CHECK(cl.overflow);

    parse("k a b c d e f g h i j k l m n o p q r s t u v w x y z A B C D E F");
    CHECK_EQ(cl.nwords, CMDLINE_MAX_WORDS);
    CHECK_STR(cl.key[CMDLINE_MAX_WORDS - 1], "F");
    CHECK(!cl.overflow);                /* exactly as many as fit */
}

/* Parsing again starts from scratch. */
TEST(reparse_resets)
{
    parse("k a b c");
    CHECK_EQ(cl.nwords, 3);
    snprintf(text, sizeof text, "z=1");
    cmdline_parse(&cl, text);
    CHECK_EQ(cl.nwords, 1);
    CHECK(cmdline_lookup(&cl, "a") == NULL);
    CHECK_STR(cmdline_lookup(&cl, "z"), "1");
}

/* The path, however long, is skipped; spaces and tabs around it too. */
TEST(skip_path)
{
    static char line[8192];
    CHECK_STR(cmdline_skip_path("/boot/kernel.elf grade"), "grade");
    CHECK_STR(cmdline_skip_path(" \t k \t grade x=1 "), "grade x=1 ");
    CHECK_STR(cmdline_skip_path("kernel"), "");
    CHECK_STR(cmdline_skip_path(""), "");
    memset(line, 'p', 6000);                        /* a path far longer than the limit */
    snprintf(line + 6000, sizeof line - 6000, " grade tag=x");
    CHECK_STR(cmdline_skip_path(line), "grade tag=x");
}

/* Options that fit (with their NUL) are copied whole; one byte more and the
 * whole line is refused, the buffer untouched: nothing is ever cut. */
TEST(copy_options_fits_or_refuses)
{
    char dst[8];

    memset(dst, '#', sizeof dst);
    CHECK(cmdline_copy_options(dst, sizeof dst, "/a/very/long/path/kernel.elf 1234567"));
    CHECK_STR(dst, "1234567");                      /* 7 bytes + NUL: exactly fits */
    memset(dst, '#', sizeof dst);
    CHECK(!cmdline_copy_options(dst, sizeof dst, "k 12345678"));
    CHECK_EQ(dst[0], '#');
    CHECK(cmdline_copy_options(dst, sizeof dst, "k"));
    CHECK_STR(dst, "");
    CHECK(cmdline_copy_options(dst, 1, "k   "));      /* no options: "" fits in one byte */
    CHECK_STR(dst, "");

    /* The kernel's buffer: CMDLINE_MAX_LENGTH bytes of options, not one more. */
    static char big[CMDLINE_MAX_LENGTH + 1], longline[2 * CMDLINE_MAX_LENGTH];
    size_t n = 3;
    memcpy(longline, "/k ", n);
    memset(longline + n, 'o', CMDLINE_MAX_LENGTH);
    longline[n + CMDLINE_MAX_LENGTH] = '\0';
    CHECK(cmdline_copy_options(big, sizeof big, longline));
    CHECK_EQ(strlen(big), CMDLINE_MAX_LENGTH);
    longline[n + CMDLINE_MAX_LENGTH] = 'o';
    longline[n + CMDLINE_MAX_LENGTH + 1] = '\0';
    CHECK(!cmdline_copy_options(big, sizeof big, longline));
}

/* The case: a 560-byte tag does not lose the word after it. */
TEST(long_words_are_kept)
{
    static char line[1024];
    int n = snprintf(line, sizeof line, "kernel.elf tag=");
    memset(line + n, 't', 560);
    snprintf(line + n + 560, sizeof line - (size_t)n - 560, " grade");
    parse(line);
    CHECK_EQ(cl.nwords, 2);
    CHECK_EQ(strlen(cmdline_lookup(&cl, "tag")), 560);
    CHECK_STR(cmdline_lookup(&cl, "grade"), "");
}

TEST(find_tells_flags_from_values)
{
    parse("k grade grade= tag=1 bare");
    CHECK_EQ(cmdline_find(&cl, "grade"), 1);        /* the last one */
    CHECK(cl.value[1] != NULL);                     /* "grade=": a value, though empty */
    CHECK_EQ(cmdline_find(&cl, "bare"), 3);
    CHECK(cl.value[3] == NULL);
    CHECK_EQ(cmdline_find(&cl, "missing"), -1);
}

static const struct cmdline_option known[] = {
    { "grade", "exit when done", true },
    { "bench", "benchmarks", true },
    { "ticks", "how many", false },
};
#define NKNOWN (sizeof known / sizeof known[0])

TEST(first_unknown)
{
    parse("k grade ticks=3 bench");
    CHECK(cmdline_first_unknown(&cl, known, NKNOWN) == NULL);
    parse("k");
    CHECK(cmdline_first_unknown(&cl, known, NKNOWN) == NULL);
    parse("k grade tick=3 bogus");
    CHECK_STR(cmdline_first_unknown(&cl, known, NKNOWN), "tick");
    parse("k grade ticks=1 Grade");                  /* case matters */
    CHECK_STR(cmdline_first_unknown(&cl, known, NKNOWN), "Grade");
    parse("k grade gradex");                         /* no prefix matches */
    CHECK_STR(cmdline_first_unknown(&cl, known, NKNOWN), "gradex");
    parse("k =5");
    CHECK_STR(cmdline_first_unknown(&cl, known, NKNOWN), "");
    parse("k grade");
    CHECK_STR(cmdline_first_unknown(&cl, known, 0), "grade");   /* nothing known */
    parse("k bench");
    CHECK_STR(cmdline_first_unknown(&cl, known, 1), "bench");   /* only "grade" */
}

/* Every declared flag is checked at once, whoever reads it later. */
TEST(flags_given_values)
{
    parse("k grade bench ticks=3");
    CHECK_EQ(cmdline_first_flag_with_value(&cl, known, NKNOWN), -1);
    parse("k ticks=3 bench=1");
    CHECK_EQ(cmdline_first_flag_with_value(&cl, known, NKNOWN), 1);
    parse("k grade= ticks");
    CHECK_EQ(cmdline_first_flag_with_value(&cl, known, NKNOWN), 0);     /* even empty */
    parse("k grade=no grade");                      /* not hidden by a later bare one */
    CHECK_EQ(cmdline_first_flag_with_value(&cl, known, NKNOWN), 0);
    CHECK_STR(cl.value[0], "no");
    parse("k ticks=1 ticks");                       /* not a flag: its reader decides */
    CHECK_EQ(cmdline_first_flag_with_value(&cl, known, NKNOWN), -1);
}

int main(void)
{
    RUN(skips_the_kernel_path);
    RUN(empty_lines);
    RUN(first_word_is_never_an_option);
    RUN(flags_and_values);
    RUN(empty_values_and_extra_equals);
    RUN(quotes_group_like_linux);
    RUN(an_open_quote_is_refused);
    RUN(a_backslash_before_a_quote_is_refused);
    RUN(quotes_past_the_word_limit_are_checked);
    RUN(flags_given_values);
    RUN(last_occurrence_wins);
    RUN(spaces_tabs_and_newlines);
    RUN(words_point_into_text);
    RUN(more_words_than_fit);
    RUN(reparse_resets);
    RUN(first_unknown);
    RUN(skip_path);
    RUN(copy_options_fits_or_refuses);
    RUN(long_words_are_kept);
    RUN(find_tells_flags_from_values);
    return host_summary("core-cmdline");
}
