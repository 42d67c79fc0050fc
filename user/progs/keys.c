/*
 * keys - reads typed keys from fd 0 and echoes them.
 *     keys [COUNT]     stop after COUNT bytes (1..256, default 256), at a
 *                      newline, or at the end of input (read returns 0)
 * It says when it is ready, so a grader knows when to type. What was read is
 * printed once, in quotes, with \n, \t, \\, \" and other bytes outside
 * 0x20..0x7e as \xHH.
 */
#include "ulib.h"

static char keys[256];

/* The escaped text: at most 4 characters per byte. */
static char text[4 * sizeof keys + 1];

static void escape(const char *in, uint32_t n)
{
    char *o = text;

    for (uint32_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '\n' || c == '\t' || c == '\\' || c == '"') {
            *o++ = '\\';
            *o++ = c == '\n' ? 'n' : c == '\t' ? 't' : (char)c;
        } else if (c < 0x20 || c > 0x7e) {
            o += snprintf(o, 5, "\\x%02x", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
}

int main(int argc, char **argv)
{
    if (argc > 2) {
        printf("keys: usage: keys [COUNT]\n");
        return 2;
    }
    uint32_t count = arg_u32("keys", argc, argv, 1, "count", 1, sizeof keys, sizeof keys);
    uint32_t n = 0;

    printf("keys: ready for %u bytes\n", count);
    while (n < count && (n == 0 || keys[n - 1] != '\n')) {
        long r = read(0, keys + n, count - n);
        if (r < 0) {
            printf("keys: read: %ld after %u bytes\n", r, n);
            return 1;
        }
        if (r == 0)
            break;
        n += (uint32_t)r;
    }
    escape(keys, n);
    printf("keys: got %u bytes \"%s\"\n", n, text);
    return 0;
}
