/*
 * lab4_args.c - lab 4's "C.U:LBA[+N]" sector addresses (the format is in
 * lab4_args.h). Every number goes through parse_number, so 2^64 + 5 is an
 * error, not sector 5.
 */
#include <stdbool.h>
#include <stddef.h>
#include "lab4_args.h"

struct sector_list {
    int nchannels;
    struct sector_ref *out;
};

/* `sep` must come next; it is consumed. */
static enum parse_status expect(const char **s, char sep)
{
    if (**s != sep)
        return **s ? PARSE_GARBAGE : PARSE_EMPTY;
    (*s)++;
    return PARSE_OK;
}

/* "C.U:LBA" at the start of *s; *s moves past it. */
static enum parse_status parse_address(const char **s, int nchannels, struct sector_ref *ref)
{
    uint64_t c, u, lba;
    enum parse_status st;

    if ((st = parse_number(s, 0, (uint64_t)nchannels - 1, &c)) ||
        (st = expect(s, '.')) ||
        (st = parse_number(s, 0, SECTOR_UNITS - 1, &u)) ||
        (st = expect(s, ':')) ||
        (st = parse_number(s, 0, UINT64_MAX, &lba)))
        return st;
    *ref = (struct sector_ref){ .channel = (int)c, .unit = (int)u, .lba = lba, .count = 1 };
    return PARSE_OK;
}

enum parse_status sector_ref_parse(const char *s, int nchannels, uint32_t max_count,
                                   struct sector_ref *ref)
{
    struct sector_ref r;
    uint64_t n;
    enum parse_status st;

    if ((st = parse_address(&s, nchannels, &r)))
        return st;
    if (max_count > 0) {
        if ((st = expect(&s, '+')) || (st = parse_number(&s, 1, max_count, &n)))
            return st;
        r.count = (uint32_t)n;
    }
    if (*s)
        return PARSE_GARBAGE;
    *ref = r;
    return PARSE_OK;
}

static enum parse_status list_item(const char **s, int index, void *arg)
{
    struct sector_list *list = arg;
    return parse_address(s, list->nchannels, &list->out[index]);
}

enum parse_status sector_ref_list(const char *s, int nchannels, struct sector_ref *out,
                                  int cap, int *n)
{
    struct sector_list list = { nchannels, out };
    return parse_list(s, ',', cap, list_item, &list, n);
}
