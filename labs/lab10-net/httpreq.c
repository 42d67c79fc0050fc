/*
 * httpreq.c - parsing an HTTP/1.1 request head (RFC 9112): the request line
 * "METHOD SP request-target SP HTTP-version CRLF" (3), header fields up to
 * the empty line (5), of which only Connection matters here (9.3: HTTP/1.1
 * stays open unless "close"; HTTP/1.0 closes unless "keep-alive"). The
 * target is origin-form (3.2.1): a path, its query dropped, its %XX escapes
 * decoded (RFC 3986 2.1). Anything else gets the status that says why.
 */
#include "http.h"
#include "kstring.h"

static const char *find(const char *s, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == c)
            return s + i;
    return 0;
}

size_t http_head_end(const char *buf, size_t len)
{
    for (size_t i = 3; i < len; i++)
        if (buf[i - 3] == '\r' && buf[i - 2] == '\n' && buf[i - 1] == '\r' && buf[i] == '\n')
            return i + 1;
    return 0;
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool http_percent_decode(const char *in, size_t n, char *out, size_t cap)
{
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)in[i];
        if (c == '%') {
            if (i + 2 >= n)
                return false;           /* "%" or "%X" at the end */
            int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            c = hi << 4 | lo;
            i += 2;
        }
        if (c == 0 || o + 1 >= cap)
            return false;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return cap > 0;
}

static bool lower_equal(const char *a, size_t n, const char *b)
{
    for (size_t i = 0; i < n; i++) {
        char c = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] - 'A' + 'a') : a[i];
        if (!b[i] || c != b[i])
            return false;
    }
    return b[n] == '\0';
}

/* The Connection field's say, if this line is one: 1 keep-alive, 0 close, -1 neither. */
static int connection_field(const char *line, size_t len)
{
    size_t colon = 0;
    while (colon < len && line[colon] != ':')
        colon++;
    if (colon == len || !lower_equal(line, colon, "connection"))
        return -1;
    size_t v = colon + 1;
    while (v < len && (line[v] == ' ' || line[v] == '\t'))
        v++;
    size_t e = len;
    while (e > v && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        e--;
    if (lower_equal(line + v, e - v, "close"))
        return 0;
    return lower_equal(line + v, e - v, "keep-alive") ? 1 : -1;
}

/* The request line's three words: 0, or the status. */
static int request_line(const char *s, size_t len, struct http_request *r, bool *http10)
{
    const char *sp1 = find(s, ' ', len);
    const char *sp2 = sp1 ? find(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - s)) : 0;
    if (!sp2 || sp1 == s)
        return 400;
    size_t mlen = (size_t)(sp1 - s), tlen = (size_t)(sp2 - sp1 - 1), vlen = len - (size_t)(sp2 + 1 - s);
    if (vlen != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
        return vlen >= 5 && memcmp(sp2 + 1, "HTTP/", 5) == 0 ? 505 : 400;
    if (sp2[8] != '0' && sp2[8] != '1')
        return 505;
    *http10 = sp2[8] == '0';
    if (mlen >= sizeof r->method)
        return 501;
    memcpy(r->method, s, mlen);
    r->method[mlen] = '\0';
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
        return 501;
    const char *target = sp1 + 1, *q = find(target, '?', tlen);
    size_t plen = q ? (size_t)(q - target) : tlen;
    if (plen == 0 || target[0] != '/')
        return 400;
    if (plen >= HTTP_PATH_MAX)
        return 414;
    return http_percent_decode(target, plen, r->path, sizeof r->path) ? 0 : 400;
}

int http_parse(const char *head, size_t len, struct http_request *r)
{
    const char *eol = 0;
    bool http10 = false;

    for (size_t i = 0; i + 1 < len && !eol; i++)
        if (head[i] == '\r' && head[i + 1] == '\n')
            eol = head + i;
    if (!eol)
        return 400;
    int status = request_line(head, (size_t)(eol - head), r, &http10);
    if (status)
        return status;
    r->keep_alive = !http10;
    for (const char *line = eol + 2; line < head + len;) {
        const char *end = line;
        while (end + 1 < head + len && !(end[0] == '\r' && end[1] == '\n'))
            end++;
        if (end + 1 >= head + len || end == line)
            break;                      /* the empty line: the head's end */
        int say = connection_field(line, (size_t)(end - line));
        if (say >= 0)
            r->keep_alive = say == 1;
        line = end + 2;
    }
    return 0;
}
