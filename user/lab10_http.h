/* lab10_http.h - stage 10's web server (lab10_http.c), started by lab10.c. */
#ifndef CAIRN_LAB10_HTTP_H
#define CAIRN_LAB10_HTTP_H

#include <stdint.h>
#include "future.h"

#define HTTP_PORT    80
#define HTTP_WORKERS 12                 /* threads serving connections, one each at a time */

/* Start the workers and return the acceptor task (spawn it). */
struct future *http_start(void);
uint32_t http_requests(void);           /* answered so far */

#endif
