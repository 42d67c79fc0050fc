/*
 * format.c - the printf engine shared by kprintf and ksnprintf. It knows the
 * conversions the kernel uses (C11 7.21.6.1, a subset): %c %s %d %i %u %x %X
 * %p %%, the '-' and '0' flags, a field width (or '*'), and l / ll.
 * Numbers are converted in 64 bits; on i386 that calls libgcc's __udivdi3.
 */
#include <stdint.h>
#include <stdbool.h>
#include "format.h"

struct out {
    format_emit_fn emit;
    void *arg;
    int count;
};

struct spec {
    bool left;                  /* '-': pad on the right */
    bool zero;                  /* '0': pad numbers with zeros */
    int width;
};

static void put(struct out *o, char c)
{
    o->emit(c, o->arg);
    o->count++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_field(struct out *o, const struct spec *sp, const char *s, int len)
{
    if (!sp->left)
        pad(o, ' ', sp->width - len);
    for (int i = 0; i < len; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - len);
}

static void put_number(struct out *o, const struct spec *sp, uint64_t v,
                       unsigned base, bool upper, bool negative)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = 0;

    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);

    int len = n + (negative ? 1 : 0);
    if (sp->zero && !sp->left) {
        if (negative)
            put(o, '-');
        pad(o, '0', sp->width - len);
    } else {
        if (!sp->left)
            pad(o, ' ', sp->width - len);
        if (negative)
            put(o, '-');
    }
    while (n)
        put(o, buf[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - len);
}

/* Reads the argument for a d/i/u/x conversion of the given length. */
static uint64_t take_unsigned(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, unsigned long long);
    if (longs == 1)
        return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned int);
}

static int64_t take_signed(va_list *ap, int longs)
{
    if (longs >= 2)
        return va_arg(*ap, long long);
    if (longs == 1)
        return va_arg(*ap, long);
    return va_arg(*ap, int);
}

/* Flags, width and length of the conversion at *fmt (just past its '%'); *fmt
 * is left on the conversion character. */
static struct spec parse_spec(const char **fmt, va_list *ap, int *longs)
{
    struct spec sp = { false, false, 0 };
    const char *f = *fmt;

    for (;; f++) {
        if (*f == '-')
            sp.left = true;
        else if (*f == '0')
            sp.zero = true;
        else
            break;
    }
    if (*f == '*') {
        sp.width = va_arg(*ap, int);
        if (sp.width < 0) {
            sp.left = true;
            sp.width = sp.width < -100000 ? 100000 : -sp.width;
        }
        f++;
    }
    while (*f >= '0' && *f <= '9') {
        if (sp.width < 100000)          /* an absurd width must not overflow */
            sp.width = sp.width * 10 + (*f - '0');
        f++;
    }
    for (*longs = 0; *f == 'l'; f++)
        ++*longs;
    *fmt = f;
    return sp;
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
    int len = 0;

    if (!s)
        s = "(null)";
    while (s[len])
        len++;
    put_field(o, sp, s, len);
}

/* One conversion, its character c (not '\0'). */
static void convert(struct out *o, const struct spec *sp, int longs, char c, va_list *ap)
{
    switch (c) {
    case 'c': {
        char ch = (char)va_arg(*ap, int);
        put_field(o, sp, &ch, 1);
        break;
    }
    case 's':
        put_string(o, sp, va_arg(*ap, const char *));
        break;
    case 'd':
    case 'i': {
        int64_t v = take_signed(ap, longs);
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        put_number(o, sp, mag, 10, false, v < 0);
        break;
    }
    case 'u':
        put_number(o, sp, take_unsigned(ap, longs), 10, false, false);
        break;
    case 'x':
    case 'X':
        put_number(o, sp, take_unsigned(ap, longs), 16, c == 'X', false);
        break;
    case 'p': {
        /* Always 0x and every hex digit of a pointer: addresses line up. */
        struct spec psp = { false, true, (int)sizeof(void *) * 2 };
        put(o, '0');
        put(o, 'x');
        put_number(o, &psp, (uintptr_t)va_arg(*ap, void *), 16, false, false);
        break;
    }
    case '%':
        put(o, '%');
        break;
    default:                            /* unknown conversion: show it as written */
        put(o, '%');
        put(o, c);
        break;
    }
}

int format(format_emit_fn emit, void *arg, const char *fmt, va_list ap_in)
{
    struct out o = { emit, arg, 0 };
    va_list ap;
    va_copy(ap, ap_in);

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        int longs;
        struct spec sp = parse_spec(&fmt, &ap, &longs);
        if (*fmt == '\0') {            /* a lone '%' at the end: print it, stop */
            put(&o, '%');
            break;
        }
        convert(&o, &sp, longs, *fmt, &ap);
    }
    va_end(ap);
    return o.count;
}

struct bounded {
    char *buf;
    size_t size, len;
};

static void emit_bounded(char c, void *arg)
{
    struct bounded *b = arg;
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct bounded b = { buf, size, 0 };
    int n = format(emit_bounded, &b, fmt, ap);
    if (size)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
