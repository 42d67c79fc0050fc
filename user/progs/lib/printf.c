/*
 * printf.c - formatted output on write(), with kernel/format.c's engine (its
 * conversions: %c %s %d %i %u %x %X %p %%, '-' '0', width, l ll). A call is
 * gathered in a 256-byte buffer and written at once, so two programs printing
 * at the same time never mix within a line; longer output is written in
 * 256-byte pieces. Nothing is dropped: a failing write is returned.
 */
#include "ulib.h"
#include "format.h"

#define OUT_BUF 256

struct out_buf {
    int fd;
    size_t n;
    long err;                   /* the first failing write's -errno */
    char buf[OUT_BUF];
};

long write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;

    while (n > 0) {
        long r = write(fd, p, n);
        if (r < 0)
            return r;
        if (r == 0)
            return -EIO;        /* no progress: never spin */
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static void flush(struct out_buf *o)
{
    if (o->n > 0 && o->err == 0)
        o->err = write_all(o->fd, o->buf, o->n);
    o->n = 0;
}

static void emit(char c, void *arg)
{
    struct out_buf *o = arg;

    if (o->n == OUT_BUF)
        flush(o);
    o->buf[o->n++] = c;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
    struct out_buf o = { .fd = fd };
    int count = format(emit, &o, fmt, ap);

    flush(&o);
    return o.err < 0 ? (int)o.err : count;
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vdprintf(fd, fmt, ap);
    va_end(ap);
    return r;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vdprintf(1, fmt, ap);
    va_end(ap);
    return r;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return r;
}
