/*
 * line.c - the console line editor (line.h): what a terminal's line
 * discipline does in cooked mode, cut to the three keys the labs use.
 */
#include "console.h"
#include "keyboard.h"
#include "kprintf.h"
#include "line.h"
#include "panic.h"

static void line_type(struct line *l, char c)
{
    if (l->len < LINE_MAX - 1) {
        l->text[l->len++] = c;
        console_putc(c);
    }
}

static void line_erase(struct line *l)
{
    if (l->len > 0) {
        l->len--;
        console_write("\b \b", 3);
    }
}

static void line_finish(struct line *l)
{
    l->text[l->len] = '\0';
    kprintf("\nline: %s\n", l->text);
    l->len = 0;
}

void line_edit(struct line *l, char c)
{
    assert(l->len >= 0 && l->len < LINE_MAX);
    if (c == '\n')
        line_finish(l);
    else if (c == '\b')
        line_erase(l);
    else if (c == '\t' || (c >= ' ' && c <= '~'))
        line_type(l, c);
}

void line_show_counters(void)
{
    struct kbd_counters c = kbd_counters();
    kprintf("keys: received %u, dropped %u\n", (unsigned)c.received, (unsigned)c.dropped);
}
