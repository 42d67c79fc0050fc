/*
 * test_lab7_namecrash.c - a crash in the middle of creating or removing a
 * name whose entries need two sectors (names of 196-255 characters: 17-21
 * entries, [FAT] "FAT Long Directory Entries"), judged by fsck.fat -n: every
 * sector-write count of the operation is cut short on a copy of a volume
 * mkfs.fat made (handouts/lab7.md section 2).
 */
#include "test_lab7_tools.h"

/* Whether fsck.fat -n complains: any line but its banner and summary (it exits 0 on a
   long-name fragment); the complaints' first lines in `first`. */
static int complaints(char *first, size_t len)
{
    size_t n = 0;
    char *line = out, *end;

    (void)run(out, sizeof out, NULL, "fsck.fat -n %s 2>&1", image);
    first[0] = '\0';
    if (!(end = strchr(line, '\n')))
        return 0;
    for (line = end + 1; (end = strchr(line, '\n')) && end[1]; line = end + 1)
        if (line[0] != ' ' && n + (size_t)(end - line) + 2 <= len)  /* not a detail line */
            n += (size_t)snprintf(first + n, len - n, "%.*s\n", (int)(end - line), line);
    return first[0] != '\0';
}

/* The volume mkfs.fat made, in the memdisk: formatted once, copied for every other run (the
   image file follows: save() writes the sectors that differ from what it holds). */
static long fresh_volume(struct memdisk *d)
{
    static uint8_t *fresh;
    static long bytes;

    if (fresh) {
        memdisk_init(d, (uint64_t)bytes / 512);
        memcpy(d->data, fresh, (size_t)bytes);
        return bytes;
    }
    bytes = format(d, FAT_TYPE_16);
    fresh = malloc((size_t)bytes);
    memcpy(fresh, d->data, (size_t)bytes);
    return bytes;
}

/* A crash after each sector write of creating (or removing) an empty file with a name of
   `len` characters, on a copy of the volume: how many of those states fsck.fat -n finds
   anything wrong in, all of them long-name fragments ahead of the 8.3 entry. */
static int crash_states(int len, bool removing)
{
    static struct memdisk d;
    static struct fat_volume v;
    char name[300], path[310], said[4096];
    int unclean = 0, seed = 7;
    long bytes = fresh_volume(&d);
    uint8_t *pristine = malloc((size_t)bytes);

    name_of(len, name);
    snprintf(path, sizeof path, "/C/%s", name);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_mkdir(&v, "/C"), 0);
    CHECK_EQ(fat_write_file(&v, "/C/a.txt", 0, false, pattern_fill, &seed), 0);
    if (removing)
        CHECK_EQ(fat_write_file(&v, path, 0, false, pattern_fill, &seed), 0);
    CHECK_EQ(fat_unmount(&v), 0);
    memcpy(pristine, d.data, (size_t)bytes);
    for (long k = 0; !host_current_failed; k++) {
        memcpy(d.data, pristine, (size_t)bytes);
        d.budget = -1;
        CHECK_EQ(fat_mount(&v, &d.bd), 0);
        d.budget = k;               /* then the power goes */
        CHECK_EQ(removing ? fat_remove(&v, path)
                          : fat_write_file(&v, path, 0, false, pattern_fill, &seed), 0);
        CHECK_EQ(fat_unmount(&v), 0);
        save(&d, bytes);
        if (complaints(said, sizeof said)) {
            unclean++;
            CHECK_EQ(strncmp(said, "Long filename fragment", 22), 0);
        }
        if (d.budget != 0)
            break;                  /* the operation ended within k writes */
    }
    free(pristine);
    memdisk_free(&d);
    return unclean;
}

/* Up to 16 entries (names of up to 208 characters) the run can be laid out so that no
   crash leaves anything fsck.fat reports: the 8.3 entry alone in the second sector goes
   first. Past that, one state between the two writes holds a long-name fragment before
   the 8.3 entry (the file is there, under its alias): no order of two writes avoids it. */
TEST(two_sector_names_crash)
{
    static const int up_to_16[] = { 196, 208 }, past_16[] = { 209, 221, 222, 248, 255 };

    for (size_t i = 0; i < sizeof up_to_16 / sizeof up_to_16[0]; i++) {
        CHECK_EQ(crash_states(up_to_16[i], false), 0);
        CHECK_EQ(crash_states(up_to_16[i], true), 0);
    }
    for (size_t i = 0; i < sizeof past_16 / sizeof past_16[0]; i++) {
        CHECK_EQ(crash_states(past_16[i], false), 1);
        CHECK_EQ(crash_states(past_16[i], true), 1);
    }
}

int main(void)
{
    tools_begin();
    RUN(two_sector_names_crash);
    tools_end();
    return host_summary("lab7 namecrash");
}
