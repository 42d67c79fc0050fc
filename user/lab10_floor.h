/* lab10_floor.h - stage 10's floors for make bench: txflood= and reflect (lab10_floor.c). */
#ifndef CAIRN_LAB10_FLOOR_H
#define CAIRN_LAB10_FLOOR_H

#include <stdbool.h>
#include <stdint.h>

/* txflood=: its MiB (1-1024), or 0 when it is absent; a bad value stops the boot. */
uint32_t txflood_option(void);
/* Push that many MiB of frame payload through the transmit ring, no stack, and say so. */
void txflood(uint32_t mib);
/* reflect: send every UDP datagram to port 7 back as it came, no stack; never returns. */
bool reflect_option(void);
void reflect(void) __attribute__((noreturn));

#endif
