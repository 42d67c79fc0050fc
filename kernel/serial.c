/*
 * serial.c - COM1 as a polled 16550 UART, 115200 baud 8N1 (National
 * Semiconductor PC16550D datasheet, "Register Description"). The grader and
 * `make labN-qemu` read the kernel's console from here.
 */
#include <stdbool.h>
#include <stdint.h>
#include "serial.h"
#include "x86.h"

#define COM1            0x3F8
#define UART_DATA       0       /* RBR/THR; divisor low byte when DLAB=1 */
#define UART_IER        1       /* interrupt enable; divisor high when DLAB=1 */
#define UART_FCR        2       /* FIFO control */
#define UART_LCR        3       /* line control */
#define UART_MCR        4       /* modem control */
#define UART_LSR        5       /* line status */
#define UART_SCR        7       /* scratch */

#define LCR_8N1         0x03
#define LCR_DLAB        0x80
#define FCR_FIFOS_OFF   0x00    /* the 16450 mode: one byte at a time each way */
#define MCR_DTR_RTS_OUT2 0x0B
#define LSR_THRE        0x20    /* transmit holding register empty */
#define LSR_TEMT        0x40    /* transmitter empty: FIFO and shift register drained */
#define UART_CLOCK_DIV_115200 1 /* 1.8432 MHz / 16 / 115200 */

/* A real UART drains a byte in ~87 us at 115200; this bounds a dead one. */
#define THRE_SPINS      100000

static bool present;

bool serial_init(void)
{
    /* A UART keeps what is written to its scratch register; open bus reads 0xFF. */
    outb(COM1 + UART_SCR, 0x5A);
    if (inb(COM1 + UART_SCR) != 0x5A)
        return present = false;

    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, UART_CLOCK_DIV_115200 & 0xFF);
    outb(COM1 + UART_IER, UART_CLOCK_DIV_115200 >> 8);
    outb(COM1 + UART_LCR, LCR_8N1);
    /* FIFOs stay off. Turning them on resets the receiver (the datasheet's FCR
       bit 0), which would drop a byte typed before the kernel was ready; off,
       QEMU hands the UART one byte at a time, the next only once the last was
       read, so lab 9's console loses nothing piped in at boot. */
    outb(COM1 + UART_FCR, FCR_FIFOS_OFF);
    outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
    return present = true;
}

static void put_raw(char c)
{
    for (int i = 0; i < THRE_SPINS && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
        ;
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_putc(char c)
{
    if (!present)
        return;
    if (c == '\n')
        put_raw('\r');          /* terminals want CR LF; the grader drops the CR */
    put_raw(c);
}

void serial_flush(void)
{
    /* Bochs (like a real UART) still holds the last bytes in its FIFO and
       shift register when THRE is set; an emulator told to exit right after
       would drop them (the final "\r\n" of the verdict line). */
    if (!present)
        return;
    for (int i = 0; i < THRE_SPINS && !(inb(COM1 + UART_LSR) & LSR_TEMT); i++)
        ;
}
