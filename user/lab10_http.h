/* lab10_http.h - stage 10's web server (lab10_http.c), started by lab10.c. */
#ifndef CAIRN_LAB10_HTTP_H
#define CAIRN_LAB10_HTTP_H

#include <stdint.h>
#include "future.h"

#define HTTP_PORT    80
#define HTTP_WORKERS 12                 /* threads serving connections, one each at a time */
/* The bounds on a peer (guest time): a whole request head within HTTP_HEAD_MS of the
 * worker starting to read it, and no send that TCP takes nothing of for HTTP_STALL_MS;
 * past either the connection is aborted (an RST) and counted, and the worker freed.
 * 12 s: QEMU's user network retransmits a lost segment after 3 s, then 6 s more, so a
 * request lost twice on a lossy wire still arrives in time (at 3 s, one loss cut it). */
#define HTTP_HEAD_MS  12000
#define HTTP_STALL_MS 10000

/* Start the workers and return the acceptor task (spawn it). */
struct future *http_start(void);
uint32_t http_requests(void);           /* answered so far */

#endif
