/*
 * test_core_cmdline.c - kernel/cmdline.c: splitting the multiboot command
 * line into flags and key=value words (the first word, the kernel's path, is
 * dropped), lookups where the last occurrence wins, and the check that
 * rejects options no part of the stage declared.
 */
#include <stdio.h>
#include <string.h>
#include "cmdline.h"
#include "host.h"

/* cmdline_parse cuts its text in place: each test parses its own copy. */
static char text[1024];
static struct cmdline cl;

static void parse(const char *line)
{
    snprintf(text, sizeof text, "%s", line);
    memset(&cl, 0xA5, sizeof cl);           /* stale words must not survive */
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
    snprintf(text, sizeof text, "k z=1");
    cmdline_parse(&cl, text);
    CHECK_EQ(cl.nwords, 1);
    CHECK(cmdline_lookup(&cl, "a") == NULL);
    CHECK_STR(cmdline_lookup(&cl, "z"), "1");
}

static const struct cmdline_option known[] = {
    { "grade", "exit when done" },
    { "bench", "benchmarks" },
    { "ticks", "how many" },
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

int main(void)
{
    RUN(skips_the_kernel_path);
    RUN(empty_lines);
    RUN(first_word_is_never_an_option);
    RUN(flags_and_values);
    RUN(empty_values_and_extra_equals);
    RUN(last_occurrence_wins);
    RUN(spaces_tabs_and_newlines);
    RUN(words_point_into_text);
    RUN(more_words_than_fit);
    RUN(reparse_resets);
    RUN(first_unknown);
    return host_summary("core-cmdline");
}
