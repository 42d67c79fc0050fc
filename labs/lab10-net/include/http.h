/*
 * http.h - the HTTP/1.1 request head (RFC 9112 3 the request line, 5 header
 * fields, 9.3 persistence; RFC 3986 2.1 percent-encoding): where the head
 * ends, the method, the path decoded, and whether the connection stays open.
 * Pure code (httpreq.c), host-tested; user/lab10_http.c serves with it.
 */
#ifndef CAIRN_HTTP_H
#define CAIRN_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_HEAD_MAX 4096              /* a longer head gets 431 */
#define HTTP_PATH_MAX 256               /* lab 7's FAT_PATH_MAX */

struct http_request {
    char method[8];
    char path[HTTP_PATH_MAX];           /* decoded, without the query */
    bool keep_alive;
};

/* Just past the "\r\n\r\n" that ends the head in buf[0..len), or 0 if it has not come. */
size_t http_head_end(const char *buf, size_t len);
/* 0 and *r filled, or the status to answer with: 400, 414, 501 (not GET/HEAD), 505. */
int http_parse(const char *head, size_t len, struct http_request *r);
/* %XX escapes decoded into out (NUL-terminated): false for a bad escape, a NUL, or no room. */
bool http_percent_decode(const char *in, size_t n, char *out, size_t cap);

#endif
