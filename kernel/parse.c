/*
 * parse.c - the one checked number parser (the rules are in parse.h).
 * Overflow is caught before the multiply-add that would wrap (C11 6.2.5p9:
 * unsigned arithmetic wraps silently), so no value is ever taken modulo 2^64.
 */
#include <stdbool.h>
#include "parse.h"

const char *parse_status_text(enum parse_status st)
{
    switch (st) {
    case PARSE_OK:       return "ok";
    case PARSE_EMPTY:    return "missing number";
    case PARSE_GARBAGE:  return "malformed";
    case PARSE_OVERFLOW: return "more than 64 bits";
    case PARSE_RANGE:    return "out of range";
    case PARSE_TOO_MANY: return "too many items";
    }
    return "unknown error";
}

static int digit_value(char c, unsigned base)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

enum parse_status parse_number(const char **s, uint64_t min, uint64_t max, uint64_t *out)
{
    const char *p = *s;
    unsigned base = 10;
    uint64_t v = 0;

    if (*p == '\0')
        return PARSE_EMPTY;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    if (digit_value(*p, base) < 0)
        return PARSE_GARBAGE;   /* a sign, a space, a letter, or "0x" with no digits */
    for (int d; (d = digit_value(*p, base)) >= 0; p++) {
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return PARSE_OVERFLOW;
        v = v * base + (uint64_t)d;
    }
    if (v < min || v > max)
        return PARSE_RANGE;
    *out = v;
    *s = p;
    return PARSE_OK;
}

enum parse_status parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v;
    enum parse_status st = parse_number(&s, min, max, &v);

    if (st != PARSE_OK)
        return st;
    if (*s != '\0')
        return PARSE_GARBAGE;   /* "12abc", "5 ", "0x1g" */
    *out = v;
    return PARSE_OK;
}

enum parse_status parse_list(const char *s, char sep, int cap, parse_item_fn item, void *arg,
                             int *n)
{
    int count = 0;
    enum parse_status st;

    *n = 0;
    for (;;) {
        if (*s == '\0' || *s == sep)
            return PARSE_EMPTY;         /* "", "3,,5", "3,5," */
        if (count == cap)
            return PARSE_TOO_MANY;      /* never cut short */
        if ((st = item(&s, count, arg)) != PARSE_OK)
            return st;
        if (*s != '\0' && *s != sep)
            return PARSE_GARBAGE;
        count++;
        if (*s == '\0')
            break;
        s++;                            /* the separator: an item must follow */
    }
    *n = count;
    return PARSE_OK;
}

struct uint_items {
    uint64_t min, max;
    uint64_t *out;
};

static enum parse_status uint_item(const char **s, int index, void *arg)
{
    struct uint_items *items = arg;
    return parse_number(s, items->min, items->max, &items->out[index]);
}

enum parse_status parse_uint_list(const char *s, char sep, uint64_t min, uint64_t max,
                                  uint64_t *out, int cap, int *n)
{
    struct uint_items items = { min, max, out };
    return parse_list(s, sep, cap, uint_item, &items, n);
}
