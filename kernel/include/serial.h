/* serial.h - COM1, a 16550 UART at 0x3F8: the grader reads the kernel from here. */
#ifndef CAIRN_SERIAL_H
#define CAIRN_SERIAL_H

#include <stdbool.h>

bool serial_init(void);
void serial_putc(char c);
void serial_flush(void);      /* wait until the UART has sent everything */

#endif
