/* lab10_txflood.h - stage 10's txflood=MiB, the bench's floor (lab10_txflood.c). */
#ifndef CAIRN_LAB10_TXFLOOD_H
#define CAIRN_LAB10_TXFLOOD_H

#include <stdint.h>

/* The option's MiB (1-1024), or 0 when it is absent; a bad value stops the boot. */
uint32_t txflood_option(void);
/* Push that many MiB of frame payload through the transmit ring, no stack, and say so. */
void txflood(uint32_t mib);

#endif
