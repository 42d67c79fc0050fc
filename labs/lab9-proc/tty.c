/*
 * tty.c - the console as a terminal (termios(3), canonical mode): bytes
 * typed on COM1 (the 16550's receive interrupt, IRQ 4) or on the keyboard
 * (lab 3's key stream) go through one line discipline (ldisc.c), which
 * echoes them, edits the line, and on Ctrl-C sends SIGINT to the
 * foreground job. Reads of fd 0 take finished lines; writes go to the
 * console a line at a time, as lab 8's do.
 *
 * The interrupt handler only queues the byte (it may not sleep, print or
 * take a mutex); a kernel thread runs the discipline. The grader drives a
 * shell through COM1 this way (QEMU's -serial stdio feeds the UART).
 */
#include "console.h"
#include "heap.h"
#include "interrupts.h"
#include "keymap.h"
#include "kstring.h"
#include "panic.h"
#include "scancodes.h"
#include "kproc.h"
#include "x86.h"

#define COM1        0x3F8
#define UART_IER    1
#define UART_LSR    5
#define IER_RX      0x01                /* interrupt when a byte has arrived */
#define LSR_DR      0x01                /* data ready */
#define COM1_IRQ    4
#define RX_RING     256
#define CONSOLE_PIECE 256

static struct {
    char ring[RX_RING];                 /* bytes from the IRQ, for the thread */
    uint32_t head, count;
    struct semaphore bytes;
} rx;
static struct mutex tty_lock = { .name = "tty" };
static struct waitq readers;
static struct ldisc ld;

static void com1_irq(int irq)
{
    (void)irq;
    while (inb(COM1 + UART_LSR) & LSR_DR) {
        char c = (char)inb(COM1);
        if (rx.count == RX_RING)
            continue;                   /* nobody keeps up: drop it, as a UART overruns */
        rx.ring[(rx.head + rx.count++) % RX_RING] = c;
        sema_up(&rx.bytes);
    }
}

static void echo(const char *s, uint32_t n)
{
    console_write(s, n);
}

static void feed(char c)
{
    mutex_lock(&tty_lock);
    enum ldisc_event ev = ldisc_input(&ld, c, echo);
    if (ev == LD_LINE)
        waitq_wake_all(&readers);
    mutex_unlock(&tty_lock);
    if (ev == LD_INTR)
        signal_foreground(SIGINT);
}

static void serial_thread(void *arg)
{
    (void)arg;
    for (;;) {
        sema_down(&rx.bytes);
        intr_state_t fl = intr_disable();
        char c = rx.ring[rx.head];
        rx.head = (rx.head + 1) % RX_RING;
        rx.count--;
        intr_restore(fl);
        feed(c);
    }
}

static void keyboard_thread(void *arg)
{
    static struct keymap km;
    struct key_future next;

    (void)arg;
    keymap_init(&km);
    for (;;) {
        keys_next(&next, &km);
        thread_block_on(&next.base);    /* the only key reader: polled here, IRQ 1 wakes us */
        char c = key_event_char(&next.ev);
        if (c)
            feed(c);
    }
}

void tty_init(void)
{
    sema_init(&rx.bytes, 0);
    if (!thread_create(serial_thread, NULL, "tty-com1", THREAD_PRIO_DEFAULT + 1) ||
        !thread_create(keyboard_thread, NULL, "tty-kbd", THREAD_PRIO_DEFAULT + 1))
        panic("lab9: no memory for the console's threads");
    irq_register(COM1_IRQ, com1_irq);
    outb(COM1 + UART_IER, IER_RX);      /* serial.c left it 0; OUT2 already routes the IRQ */
}

struct ofile *tty_open(void)
{
    struct ofile *of = kzalloc(sizeof *of);

    if (!of)
        panic("lab9: no memory for the console");
    of->kind = OF_TTY;
    of->refs = 1;
    of->flags = O_RDWR;
    return of;
}

int32_t tty_read(uint32_t ubuf, uint32_t len)
{
    char line[LDISC_LINE];
    int err = 0;

    mutex_lock(&tty_lock);
    proc_current()->reads_console = true;           /* a shell, or any interactive program */
    while (!ldisc_readable(&ld) && !(err = proc_sleep(&readers, &tty_lock)))
        ;
    uint32_t n = err ? 0 : ldisc_read(&ld, line, len < sizeof line ? len : sizeof line);
    mutex_unlock(&tty_lock);
    if (err)
        return err;
    return copy_out(&proc_current()->base, ubuf, line, n) ? -EFAULT : (int32_t)n;
}

/* A line at a time, each one print, so that programs' lines never mix mid-line. */
int32_t tty_write(uint32_t ubuf, uint32_t len)
{
    char piece[CONSOLE_PIECE];

    for (uint32_t left = len; left > 0;) {
        uint32_t n = 0, have = left < CONSOLE_PIECE ? left : CONSOLE_PIECE;
        copy_in(&proc_current()->base, piece, ubuf, have);
        while (n < have && piece[n++] != '\n')
            ;
        console_write(piece, n);
        ubuf += n;
        left -= n;
    }
    return (int32_t)len;
}

/* termios's ICANON for the console (the Linux personality's TCSETS): off, a program that
   edits its own line (busybox's) reads the bytes as typed, unechoed. */
void tty_set_raw(bool raw)
{
    mutex_lock(&tty_lock);
    ld.raw = raw;
    mutex_unlock(&tty_lock);
}

bool tty_is_raw(void)
{
    return ld.raw;
}
