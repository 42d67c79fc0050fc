/*
 * path.c - a path as the process names it, made absolute for lab 7
 * (path_resolution(7)): a relative one starts at the process's working
 * directory; "." is dropped, ".." takes the last component off (at "/" it
 * stays at "/"), repeated slashes count as one. Symbolic links do not exist
 * on FAT, so this is all the resolution there is before lab 7's lookup.
 * Pure code: tests/test_lab9_exec.c runs it on the host.
 */
#include "kstring.h"
#include "kproc.h"

/* Append one component to out (length *n): -ENAMETOOLONG if it does not fit. */
static int push(char out[FAT_PATH_MAX], uint32_t *n, const char *word, uint32_t len)
{
    if (len == 1 && word[0] == '.')
        return 0;
    if (len == 2 && word[0] == '.' && word[1] == '.') {
        while (*n > 0 && out[*n - 1] != '/')
            (*n)--;
        if (*n > 0)
            (*n)--;                     /* the slash before it */
        return 0;
    }
    if (*n + 1 + len >= FAT_PATH_MAX)
        return -ENAMETOOLONG;
    out[(*n)++] = '/';
    memcpy(out + *n, word, len);
    *n += len;
    return 0;
}

static int walk(char out[FAT_PATH_MAX], uint32_t *n, const char *s)
{
    while (*s) {
        while (*s == '/')
            s++;
        const char *w = s;
        while (*s && *s != '/')
            s++;
        int err = w < s ? push(out, n, w, (uint32_t)(s - w)) : 0;
        if (err)
            return err;
    }
    return 0;
}

int path_resolve(const char *cwd, const char *path, char out[FAT_PATH_MAX])
{
    uint32_t n = 0;
    int err;

    if (!path[0])
        return -ENOENT;                 /* Linux: an empty path names nothing */
    if (path[0] != '/' && (err = walk(out, &n, cwd)))
        return err;
    if ((err = walk(out, &n, path)))
        return err;
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    return 0;
}
