/*
 * ldisc.c - the console's line discipline, canonical mode as termios(3)
 * describes ICANON with ECHO, ECHOE and ISIG: bytes typed are edited into a
 * line and echoed; Backspace (DEL or BS) rubs out the last one; Enter (CR or
 * LF) finishes the line, which read() then gets, one line per read at most;
 * Ctrl-D on an empty line is end of file (that read returns 0), after text
 * it hands the text over without a newline; Ctrl-C throws the line away and
 * asks for SIGINT. Raw (ICANON off: the Linux personality's TCSETS, for a
 * program that edits its own line) hands each byte over as typed, CR as NL,
 * unechoed. Both the COM1 and the keyboard input come here.
 * Pure code: tests/test_lab9_tty.c runs it on the host.
 */
#include "kstring.h"
#include "kproc.h"

#define CTRL_C 0x03
#define CTRL_D 0x04
#define DEL    0x7F

static void cook(struct ldisc *ld, const char *s, uint32_t n)
{
    if (ld->count + n > LDISC_COOKED)
        return;                         /* nobody reads: the line is lost, not the kernel */
    for (uint32_t i = 0; i < n; i++)
        ld->cooked[(ld->head + ld->count++) % LDISC_COOKED] = s[i];
}

static void mark_eof(struct ldisc *ld)
{
    if (ld->eofs < sizeof ld->eof_at / sizeof ld->eof_at[0])
        ld->eof_at[ld->eofs++] = ld->count;
}

enum ldisc_event ldisc_input(struct ldisc *ld, char c, void (*echo)(const char *s, uint32_t n))
{
    if (ld->raw) {                      /* the program edits and echoes: as typed (ICRNL) */
        cook(ld, c == '\r' ? "\n" : &c, 1);
        return LD_LINE;
    }
    switch (c) {
    case '\r':
    case '\n':
        ld->edit[ld->elen++] = '\n';
        cook(ld, ld->edit, ld->elen);
        ld->elen = 0;
        echo("\n", 1);
        return LD_LINE;
    case '\b':
    case DEL:
        if (ld->elen > 0) {
            ld->elen--;
            echo("\b \b", 3);
        }
        return LD_NONE;
    case CTRL_C:
        ld->elen = 0;
        echo("^C\n", 3);
        return LD_INTR;
    case CTRL_D:
        if (ld->elen == 0)
            mark_eof(ld);
        cook(ld, ld->edit, ld->elen);
        ld->elen = 0;
        return LD_LINE;
    default:
        if ((c < ' ' && c != '\t') || (unsigned char)c > '~' || ld->elen >= LDISC_LINE - 1)
            return LD_NONE;             /* not shown, not kept: the screen shows the line */
        ld->edit[ld->elen++] = c;
        echo(&c, 1);
        return LD_NONE;
    }
}

bool ldisc_readable(const struct ldisc *ld)
{
    return ld->count > 0 || ld->eofs > 0;
}

static void drop_eof(struct ldisc *ld)
{
    ld->eofs--;
    memmove(ld->eof_at, ld->eof_at + 1, ld->eofs * sizeof ld->eof_at[0]);
}

uint32_t ldisc_read(struct ldisc *ld, char *dst, uint32_t len)
{
    uint32_t limit = ld->count, n = 0;

    if (ld->eofs && ld->eof_at[0] == 0) {
        drop_eof(ld);
        return 0;
    }
    if (ld->eofs && ld->eof_at[0] < limit)
        limit = ld->eof_at[0];
    while (n < len && n < limit) {
        char c = ld->cooked[ld->head];
        dst[n++] = c;
        ld->head = (ld->head + 1) % LDISC_COOKED;
        ld->count--;
        if (c == '\n' && !ld->raw)
            break;                      /* one line per read */
    }
    for (uint32_t i = 0; i < ld->eofs; i++)
        ld->eof_at[i] -= n;
    return n;
}
