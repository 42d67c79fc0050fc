/* lab10_ping.h - stage 10's ping=ADDR (lab10_ping.c). */
#ifndef CAIRN_LAB10_PING_H
#define CAIRN_LAB10_PING_H

#include <stdint.h>
#include "future.h"

/* The task that pings dst and prints how many replies came (await it or spawn it). */
struct future *ping_start(uint32_t dst);

#endif
