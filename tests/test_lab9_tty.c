/*
 * test_lab9_tty.c - the console's line discipline (labs/lab9-proc/ldisc.c):
 * echo, rub-out, one line per read, Ctrl-D as end of file and as "hand over
 * what is typed", Ctrl-C, raw mode; and the two other pure pieces execve uses: the
 * initial stack with envp (execstack.c), read back as _start reads it, and
 * paths resolved against a working directory (path.c).
 *
 * grade: given code only, no points (all three files are given).
 */
#include "host.h"
#include "kproc.h"
#include "lab9_names.h"

static char echoed[512];

static void echo(const char *s, uint32_t n)
{
    strncat(echoed, s, n);
}

static enum ldisc_event type(struct ldisc *ld, const char *s)
{
    enum ldisc_event last = LD_NONE;
    while (*s)
        last = ldisc_input(ld, *s++, echo);
    return last;
}

TEST(lines_are_edited_echoed_and_read_one_at_a_time)
{
    static struct ldisc ld;
    char buf[64] = { 0 };

    echoed[0] = '\0';
    CHECK_NAMED(type(&ld, "ab\x7f" "c\rxy\n"), LD_LINE, ldisc_event_name);
    CHECK_STR(echoed, "ab\b \bc\nxy\n");
    CHECK_EQ(ldisc_read(&ld, buf, sizeof buf), 3);
    CHECK(!memcmp(buf, "ac\n", 3));
    CHECK_EQ(ldisc_read(&ld, buf, 2), 2);               /* a short read: the rest next time */
    CHECK_EQ(ldisc_read(&ld, buf, sizeof buf), 1);
    CHECK(!ldisc_readable(&ld));
    CHECK_NAMED(type(&ld, "\x7f\x01"), LD_NONE, ldisc_event_name); /* no-op, unseen */
    CHECK_STR(echoed, "ab\b \bc\nxy\n");
}

TEST(ctrl_d_ends_the_file_and_ctrl_c_interrupts)
{
    static struct ldisc ld;
    char buf[64];

    echoed[0] = '\0';
    type(&ld, "abc\x04");                               /* Ctrl-D after text: hand it over */
    CHECK_EQ(ldisc_read(&ld, buf, sizeof buf), 3);
    CHECK(!ldisc_readable(&ld));
    type(&ld, "\x04");
    CHECK(ldisc_readable(&ld));
    CHECK_EQ(ldisc_read(&ld, buf, sizeof buf), 0);      /* end of file, once */
    CHECK(!ldisc_readable(&ld));
    CHECK_NAMED(type(&ld, "lost\x03"), LD_INTR, ldisc_event_name);
    CHECK(!ldisc_readable(&ld));
    CHECK_STR(echoed, "abclost^C\n");
}

/* Raw (termios ICANON off, the Linux personality's TCSETS): each byte is readable at
   once as typed, CR read as NL, nothing echoed, rub-out and Ctrl-D are bytes too. */
TEST(raw_mode_hands_over_each_byte_unechoed)
{
    static struct ldisc ld = { .raw = true };
    char buf[64];

    echoed[0] = '\0';
    CHECK_NAMED(type(&ld, "a"), LD_LINE, ldisc_event_name);
    CHECK(ldisc_readable(&ld));
    CHECK_NAMED(type(&ld, "\x7f\r\x04"), LD_LINE, ldisc_event_name);
    CHECK_EQ(ldisc_read(&ld, buf, sizeof buf), 4);
    CHECK(!memcmp(buf, "a\x7f\n\x04", 4));
    CHECK_STR(echoed, "");
}

TEST(the_stack_holds_argv_then_envp_then_auxv)
{
    static uint8_t page[PAGE_SIZE];
    char strings[] = "prog\0one\0HOME=/\0";
    struct exec_args a = { strings, sizeof strings - 1, 2, 1 };
    uint32_t esp;

    CHECK_EQ(exec_stack_build(page, &a, 0x08048100u, &esp), 0);
    CHECK_EQ(esp % 16, 0);
    uint32_t *w = (uint32_t *)(page + (esp - (USER_TOP - PAGE_SIZE)));
    CHECK_EQ(w[0], 2);
    CHECK_STR((char *)page + (w[1] - (USER_TOP - PAGE_SIZE)), "prog");
    CHECK_STR((char *)page + (w[2] - (USER_TOP - PAGE_SIZE)), "one");
    CHECK_EQ(w[3], 0);
    CHECK_STR((char *)page + (w[4] - (USER_TOP - PAGE_SIZE)), "HOME=/");
    CHECK_EQ(w[5], 0);
    CHECK_EQ(w[6], AT_PAGESZ);
    CHECK_EQ(w[9], 0x08048100u);
    struct exec_args big = { strings, PAGE_SIZE, 2, 1 };
    CHECK_NAMED(exec_stack_build(page, &big, 0, &esp), -E2BIG, errno_name);
}

TEST(paths_resolve_against_the_working_directory)
{
    char out[FAT_PATH_MAX];

    CHECK_EQ(path_resolve("/a/b", "c/../d//e/.", out), 0);
    CHECK_STR(out, "/a/b/d/e");
    CHECK_EQ(path_resolve("/a", "/x/../../y", out), 0);
    CHECK_STR(out, "/y");
    CHECK_EQ(path_resolve("/a", "..", out), 0);
    CHECK_STR(out, "/");
    CHECK_NAMED(path_resolve("/", "", out), -ENOENT, errno_name);
    char longer[FAT_PATH_MAX + 8];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    CHECK_NAMED(path_resolve("/", longer, out), -ENAMETOOLONG, errno_name);
}

int main(void)
{
    RUN(lines_are_edited_echoed_and_read_one_at_a_time);
    RUN(ctrl_d_ends_the_file_and_ctrl_c_interrupts);
    RUN(raw_mode_hands_over_each_byte_unechoed);
    RUN(the_stack_holds_argv_then_envp_then_auxv);
    RUN(paths_resolve_against_the_working_directory);
    return host_summary("lab9-tty");
}
