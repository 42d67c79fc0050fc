/*
 * mv - renames SOURCE to DEST (rename(2)), or moves it into DEST when DEST
 * is a directory, as mv(1) does. rename(2) does not cross file systems
 * (EXDEV), and neither does this mv. Errors are reported in GNU mv's words.
 *     mv SOURCE DEST
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    char into[512];
    const char *to, *base;
    struct stat64 st;
    long r;

    if (argc != 3) {
        dprintf(2, "mv: usage: mv SOURCE DEST\n");
        return 2;
    }
    to = argv[2];
    if (stat64(to, &st) == 0 && S_ISDIR(st.st_mode)) {
        base = argv[1];
        for (const char *p = argv[1]; *p != '\0'; p++)
            if (*p == '/' && p[1] != '\0')
                base = p + 1;
        if (snprintf(into, sizeof into, "%s/%s", to, base) >= (int)sizeof into) {
            dprintf(2, "mv: %s/%s: path too long\n", to, base);
            return 1;
        }
        to = into;
    }
    if ((r = rename(argv[1], to)) < 0) {
        dprintf(2, "mv: cannot move '%s' to '%s': %s\n", argv[1], to, errstr(r));
        return 1;
    }
    return 0;
}
