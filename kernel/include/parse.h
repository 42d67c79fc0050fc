/*
 * parse.h - the one checked number parser. Every number the kernel and the
 * stage programs read from text (command-line options, lab 4's C.U:LBA)
 * goes through it, so every one follows the same rules:
 *
 *   - decimal ("42", leading zeros allowed, never octal), or hexadecimal
 *     after "0x" or "0X" ("0x2a", "0XFF");
 *   - at least one digit: "", "0x", "-5", "+5", " 5" are errors;
 *   - a value beyond 64 bits is an error (never a wrap), and so is one
 *     outside the caller's [min, max];
 *   - nothing is a default: the caller gets a status for every failure.
 *
 * Pure code (no I/O, no globals): the host tests fuzz it as is.
 */
#ifndef CAIRN_PARSE_H
#define CAIRN_PARSE_H

#include <stdint.h>

enum parse_status {
    PARSE_OK = 0,
    PARSE_EMPTY,        /* no digits where a number (or a list item) was expected */
    PARSE_GARBAGE,      /* a character that does not belong: a sign, a letter, a separator */
    PARSE_OVERFLOW,     /* more than 64 bits */
    PARSE_RANGE,        /* a number, but outside [min, max] */
    PARSE_TOO_MANY,     /* a list longer than the table it fills */
};

/* What went wrong, in a few words for a message ("malformed", ...). */
const char *parse_status_text(enum parse_status st);

/*
 * The number at the start of *s, in [min, max]. On success *s moves past its
 * last digit and what follows is the caller's to check (a separator, or the
 * end). On failure *out and *s are unchanged.
 */
enum parse_status parse_number(const char **s, uint64_t min, uint64_t max, uint64_t *out);

/* A whole string that is exactly one number in [min, max]. */
enum parse_status parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * A list of 1 to `cap` items separated by single `sep`s: item(&s, i, arg)
 * parses item i at s and moves s past it. An empty list, an empty item and a
 * trailing separator are errors (PARSE_EMPTY); so is a list longer than `cap`
 * (PARSE_TOO_MANY: never cut short). *n is the count, 0 on failure.
 */
typedef enum parse_status (*parse_item_fn)(const char **s, int index, void *arg);
enum parse_status parse_list(const char *s, char sep, int cap, parse_item_fn item, void *arg,
                             int *n);

/*
 * "3,5,8": 1 to `cap` numbers in [min, max] separated by single `sep`s, into
 * out[0..*n). An empty list, an empty item ("3,,5") and a trailing separator
 * ("3,5,") are errors; so is a list longer than `cap` (PARSE_TOO_MANY: never
 * cut short). On failure *n is 0.
 */
enum parse_status parse_uint_list(const char *s, char sep, uint64_t min, uint64_t max,
                                  uint64_t *out, int cap, int *n);

#endif
