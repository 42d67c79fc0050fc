/* lab10_fetch.h - stage 10's fetch=PORT/PATH: an HTTP/1.1 GET to QEMU's gateway (lab10_fetch.c). */
#ifndef CAIRN_LAB10_FETCH_H
#define CAIRN_LAB10_FETCH_H

#include <stdint.h>

#define FETCH_PATH_MAX 128

struct fetch {
    uint16_t port;
    char path[FETCH_PATH_MAX];          /* from the '/' on */
};

/* "PORT/PATH" into f; the boot stops (cmdline_refuse) on anything else. */
void fetch_parse(const char *word, struct fetch *f);
/* GET f's path from ip:port in the calling thread: one line on the console says how it went. */
void fetch_run(const struct fetch *f, uint32_t ip);

#endif
