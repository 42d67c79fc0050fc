/*
 * name.c - names: 8.3 short names with their case bits, VFAT long-name
 * entries and their checksum, ~N aliases, and path words. Pure code,
 * host-tested and fuzzed (tests/test_lab7_name.c).
 *
 * [FAT] "FAT Long Directory Entries": a long name is stored as up to 20
 * entries of 13 UCS-2 characters, last part first, each marked with the
 * checksum of the 8.3 entry that follows them ("Checksum Generation"). Names
 * of up to 255 characters are read, looked up and created (ASCII; other
 * characters read as '?'); a path word of 256 or more is FAT_ENAMETOOLONG,
 * found before anything is written. A long name with a character [FAT]
 * forbids ("/", NUL first, ...) is ignored: its 8.3 name shows.
 * "Numeric-Tail Generation" gives the alias of a name that is not 8.3.
 */
#include "fat.h"
#include "kprintf.h"
#include "kstring.h"
#include "panic.h"

#define SFN_BASE 8
#define SFN_EXT  3
#define UCS2_PAD 0xFFFF

/* Offsets of the 13 characters in a long entry: 5 at 1, 6 at 14, 2 at 28. */
static const uint8_t lfn_offset[FAT_LFN_CHARS] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }
static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/* Characters an 8.3 name may hold besides letters and digits ([FAT] "Directory Entry"). */
static bool short_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c && strchr("$%'-_@~`!(){}^#&", c));
}

bool fat_name_equal(const char *a, const char *b)
{
    while (*a && upper(*a) == upper(*b))
        a++, b++;
    return upper(*a) == upper(*b);
}

/* [FAT] "FAT Long Directory Entries": control characters and \ / : * ? " < > | are
   not allowed in a long name. */
static bool forbidden_char(uint32_t c)
{
    return c < 0x20 || (c < 0x80 && strchr("\\/:*?\"<>|", (char)c));
}

bool fat_name_readable(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > FAT_NAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (name[i] != '?' && forbidden_char((uint8_t)name[i]))
            return false;       /* '?' is what a character other than ASCII reads as */
    return true;
}

bool fat_name_valid(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > FAT_NAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return false;
    if (name[n - 1] == ' ' || name[n - 1] == '.')
        return false;       /* Windows drops them: the name would not come back the same */
    for (size_t i = 0; i < n; i++)
        if ((uint8_t)name[i] > 0x7E || forbidden_char((uint8_t)name[i]))
            return false;
    return true;
}

uint8_t fat_lfn_checksum(const uint8_t shortname[11])
{
    /* LAB 7: BEGIN SOLUTION */
    uint8_t sum = 0;

    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) ? 0x80 : 0) + (sum >> 1) + shortname[i]);
    return sum;
    /* LAB 7: STUB
    (void)shortname;
    panic("lab7: fat_lfn_checksum not implemented");
    LAB 7: END SOLUTION */
}

/* One part of an 8.3 name: 1..max short characters, all of one case. */
static bool short_part(const char *s, size_t n, size_t max, uint8_t *out, bool *lower)
{
    bool lo = false, up = false;

    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!short_char(s[i]))
            return false;
        lo |= is_lower(s[i]);
        up |= is_upper(s[i]);
        out[i] = (uint8_t)upper(s[i]);
    }
    *lower = lo;
    return !(lo && up);
}

bool fat_short_from_name(const char *name, uint8_t out[11], uint8_t *lower_bits)
{
    /* LAB 7: BEGIN SOLUTION */
    const char *dot = strchr(name, '.');
    size_t base = dot ? (size_t)(dot - name) : strlen(name);
    bool lower_base, lower_ext = false;

    memset(out, ' ', 11);
    *lower_bits = 0;
    if (!short_part(name, base, SFN_BASE, out, &lower_base))
        return false;
    if (dot && !short_part(dot + 1, strlen(dot + 1), SFN_EXT, out + SFN_BASE, &lower_ext))
        return false;
    *lower_bits = (uint8_t)((lower_base ? FAT_NTRES_LOWER_BASE : 0) |
                            (lower_ext ? FAT_NTRES_LOWER_EXT : 0));
    return true;
    /* LAB 7: STUB
    (void)name; (void)out; (void)lower_bits; (void)short_part;
    panic("lab7: fat_short_from_name not implemented");
    LAB 7: END SOLUTION */
}

void fat_short_basis(const char *name, uint8_t out[11], bool *lossy)
{
    const char *last_dot = NULL;
    size_t n = 0;

    memset(out, ' ', 11);
    *lossy = false;
    while (*name == '.' || *name == ' ')
        name++, *lossy = true;
    for (const char *p = name; *p; p++)
        if (*p == '.')
            last_dot = p;           /* the extension follows the last period */
    for (const char *p = name; *p && p != last_dot; p++) {
        if (*p == ' ' || *p == '.') {
            *lossy = true;          /* embedded spaces and periods are stripped */
            continue;
        }
        if (n == SFN_BASE) {
            *lossy = true;
            break;
        }
        out[n++] = (uint8_t)(short_char(*p) ? upper(*p) : '_');
        *lossy |= !short_char(*p);
    }
    if (n == 0)
        out[n++] = '_';
    n = 0;
    for (const char *p = last_dot ? last_dot + 1 : ""; *p; p++) {
        if (*p == ' ')
            continue;
        if (n == SFN_EXT) {
            *lossy = true;
            break;
        }
        out[SFN_BASE + n++] = (uint8_t)(short_char(*p) ? upper(*p) : '_');
        *lossy |= !short_char(*p);
    }
}

void fat_short_with_tail(const uint8_t basis[11], uint32_t n, uint8_t out[11])
{
    char tail[12];
    int tlen = ksnprintf(tail, sizeof tail, "~%u", n), len = 0;

    memcpy(out, basis, 11);
    while (len < SFN_BASE && basis[len] != ' ')
        len++;
    if (len > SFN_BASE - tlen)
        len = SFN_BASE - tlen;
    memcpy(out + len, tail, (size_t)tlen);
}

void fat_lfn_pack(uint8_t ent[FAT_DIRENT_SIZE], const char *name, int seq, bool last,
                  uint8_t checksum)
{
    /* LAB 7: BEGIN SOLUTION */
    size_t len = strlen(name);

    memset(ent, 0, FAT_DIRENT_SIZE);
    ent[0] = (uint8_t)(seq | (last ? FAT_LAST_LONG_ENTRY : 0));
    ent[11] = FAT_ATTR_LONG_NAME;
    ent[13] = checksum;
    for (int j = 0; j < FAT_LFN_CHARS; j++) {
        size_t k = (size_t)(seq - 1) * FAT_LFN_CHARS + (size_t)j;
        uint16_t c = k < len ? (uint8_t)name[k] : k == len ? 0 : UCS2_PAD;
        ent[lfn_offset[j]] = (uint8_t)c;
        ent[lfn_offset[j] + 1] = (uint8_t)(c >> 8);
    }
    /* LAB 7: STUB
    (void)ent; (void)name; (void)seq; (void)last; (void)checksum; (void)lfn_offset;
    panic("lab7: fat_lfn_pack not implemented");
    LAB 7: END SOLUTION */
}

bool fat_lfn_unpack(const uint8_t ent[FAT_DIRENT_SIZE], char name[FAT_NAME_MAX + 14])
{
    /* LAB 7: BEGIN SOLUTION */
    int seq = ent[0] & 0x1F;

    if (seq < 1 || (seq - 1) * FAT_LFN_CHARS + FAT_LFN_CHARS > FAT_NAME_MAX + 13)
        return false;
    for (int j = 0; j < FAT_LFN_CHARS; j++) {
        uint16_t c = (uint16_t)(ent[lfn_offset[j]] | ent[lfn_offset[j] + 1] << 8);
        char *at = &name[(seq - 1) * FAT_LFN_CHARS + j];
        if (c == 0) {
            *at = '\0';
            return true;
        }
        if (forbidden_char(c))
            return false;
        *at = c < 0x7F ? (char)c : '?';
    }
    return true;
    /* LAB 7: STUB
    (void)ent; (void)name;
    panic("lab7: fat_lfn_unpack not implemented");
    LAB 7: END SOLUTION */
}
int fat_lfn_entries(const char *name)
{
    return (int)((strlen(name) + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS);
}

void fat_short_to_name(const uint8_t sfn[11], uint8_t ntres, char *out)
{
    int n = 0;

    for (int i = 0; i < SFN_BASE && sfn[i] != ' '; i++) {
        char c = (char)(i == 0 && sfn[0] == 0x05 ? 0xE5 : sfn[i]);   /* 0x05 stands for 0xE5 */
        out[n++] = (ntres & FAT_NTRES_LOWER_BASE) && is_upper(c) ? (char)(c + 32) : c;
    }
    if (sfn[SFN_BASE] != ' ')
        out[n++] = '.';
    for (int i = SFN_BASE; i < 11 && sfn[i] != ' '; i++)
        out[n++] = (ntres & FAT_NTRES_LOWER_EXT) && is_upper((char)sfn[i]) ? (char)(sfn[i] + 32)
                                                                          : (char)sfn[i];
    out[n] = '\0';
}

bool fat_path_next(const char **path, char word[FAT_NAME_MAX + 1], int *err)
{
    const char *p = *path;
    size_t n = 0;

    *err = 0;
    while (*p == '/')
        p++;
    if (!*p)
        return false;
    while (*p && *p != '/') {
        if (n == FAT_NAME_MAX) {
            *err = FAT_ENAMETOOLONG;
            return false;
        }
        word[n++] = *p++;
    }
    word[n] = '\0';
    *path = p;
    return true;
}

int fat_path_check(const char *path)
{
    char word[FAT_NAME_MAX + 1];
    int err;

    while (fat_path_next(&path, word, &err))
        ;
    return err;
}
