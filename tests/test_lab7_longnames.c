/*
 * test_lab7_longnames.c - lab 7's long names judged by the host's own tools.
 * [FAT] "FAT Long Directory Entries": a name of up to 255 characters, in up to
 * 20 long entries of 13 characters before its 8.3 entry. mkfs.fat formats a
 * volume; lab 7 creates a file or directory of each judged length on it (every
 * entry count 1..20, each at its shortest, longest and one length between, and
 * 1..14: a name can end anywhere in an entry's three fields; the longer ones need
 * 17-21 entries: two sectors); fsck.fat -n must call it clean
 * and mdir/mcopy must show exactly those names and bytes; lab 7 removes them
 * all and fsck.fat agrees again. Names of 256+ characters are refused and the
 * volume is left byte for byte as it was. Then mtools writes names of up to
 * 255 characters and lab 7 reads and removes them. Before: names of 196-255
 * characters could not be created ("invalid name").
 */
#include "test_lab7_tools.h"

/* The judged lengths, ascending (every_length: 255 of them cost seconds of O(n^2) lookups
   under ASan, and the tools' runs on a directory that big, for no new case). */
static int lengths[80], nlengths;

static void judged_lengths(void)
{
    nlengths = 0;
    for (int len = 1; len <= 14; len++)
        lengths[nlengths++] = len;
    for (int entries = 2; entries <= 20; entries++) {
        int first = 13 * (entries - 1) + 1, last = first + 12 > 255 ? 255 : first + 12;
        int between = first + 1 + entries * 5 % (last - first - 1);
        if (first > 14)
            lengths[nlengths++] = first;
        if (between > 14 && between < last)
            lengths[nlengths++] = between;
        lengths[nlengths++] = last;
    }
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What mdir -b prints for `dir`: "::/D/name" a line, "/" after a directory (sorted). */
static void expect_mdir(const char *dir)
{
    static char want[1 << 17], line[256][320];
    static char *sorted[256];
    size_t n = 0;
    int count = 0;

    for (int i = 0; i < nlengths; i++) {
        char name[300];
        int len = lengths[i];
        name_of(len, name);
        snprintf(line[count], sizeof line[count], "::%s/%s%s\n", dir, name,
                 len % 3 == 0 ? "/" : "");
        sorted[count] = line[count];
        count++;
    }
    qsort(sorted, (size_t)count, sizeof sorted[0], by_bytes);
    for (int i = 0; i < count; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "%s", sorted[i]);
    CHECK_EQ(run(out, sizeof out, NULL, MTOOLS "mdir -b -i %s ::%s | LC_ALL=C sort", image,
                 dir), 0);
    CHECK_STR(out, want);
}

/* Each file's bytes as mtools reads them: one mcopy of the whole directory to the host
   (one process, not one mtype per file: a run had 510 of them), then file by file. */
static void expect_mcopy(const char *dir)
{
    char name[300], path[600];
    uint8_t want[300], got[301];

    CHECK_EQ(run(out, sizeof out, NULL, "rm -rf %s/copy && mkdir %s/copy && " MTOOLS
                 "mcopy -s -n -i %s '::%s' %s/copy/ 2>&1", tmp, tmp, image, dir, tmp), 0);
    for (int i = 0; i < nlengths && !host_current_failed; i++) {
        int len = lengths[i];
        if (len % 3 == 0)
            continue;
        name_of(len, name);
        pattern_fill(&len, 0, want, (uint32_t)len);
        snprintf(path, sizeof path, "%s/copy%s/%s", tmp, dir, name);
        FILE *f = fopen(path, "rb");
        size_t n = f ? fread(got, 1, sizeof got, f) : 0;
        if (f)
            fclose(f);
        CHECK(n == (size_t)len && memcmp(got, want, n) == 0);
        if (host_current_failed)
            printf("  mcopy gave %zu bytes of %s (of %d)\n", n, name, len);
    }
}

/* Names of 256 and 300 characters: FAT_ENAMETOOLONG, and not a byte of the volume changed
   (FAT32's FSInfo included: fat_begin_write refuses before it writes). */
static void refuse_too_long(struct memdisk *d, struct fat_volume *v, long bytes)
{
    static const int lens[] = { 256, 300 };
    char path[400];
    uint8_t *before = malloc((size_t)bytes);
    struct fat_node n;
    int seed = 1;

    memcpy(before, d->data, (size_t)bytes);
    CHECK_EQ(fat_mount(v, &d->bd), 0);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        memcpy(path, "/D/", 3);
        memset(path + 3, 'z', (size_t)lens[i]);
        path[3 + lens[i]] = '\0';
        CHECK_EQ(fat_write_file(v, path, 10, false, pattern_fill, &seed), FAT_ENAMETOOLONG);
        CHECK_EQ(fat_mkdir(v, path), FAT_ENAMETOOLONG);
        CHECK_EQ(fat_lookup(v, path, &n), FAT_ENAMETOOLONG);
        CHECK_EQ(fat_remove(v, path), FAT_ENAMETOOLONG);
        CHECK_EQ(fat_truncate(v, path, 0), FAT_ENAMETOOLONG);
    }
    CHECK_EQ(fat_unmount(v), 0);
    CHECK(memcmp(before, d->data, (size_t)bytes) == 0);
    CHECK_STR(fat_strerror(FAT_ENAMETOOLONG), "name longer than 255 characters");
    free(before);
}

static void create_every_length(struct fat_volume *v)
{
    char name[300], path[310];
    struct fat_node n;

    CHECK_EQ(fat_mkdir(v, "/D"), 0);
    for (int i = 0; i < nlengths && !host_current_failed; i++) {
        int len = lengths[i];
        name_of(len, name);
        CHECK_EQ(strlen(name), len);
        snprintf(path, sizeof path, "/D/%s", name);
        if (len % 3 == 0)
            CHECK_EQ(fat_mkdir(v, path), 0);
        else
            CHECK_EQ(fat_write_file(v, path, (uint32_t)len, false, pattern_fill, &len), 0);
        CHECK_EQ(fat_lookup(v, path, &n), 0);
        CHECK_STR(n.name, name);
        if (host_current_failed)
            printf("  creating a name of %d characters\n", len);
    }
}

static void remove_every_length(struct fat_volume *v)
{
    char name[300], path[310];
    struct fat_node n;

    for (int i = nlengths - 1; i >= 0 && !host_current_failed; i--) {
        int len = lengths[i];
        name_of(len, name);
        snprintf(path, sizeof path, "/D/%s", name);
        CHECK_EQ(fat_remove(v, path), 0);
        CHECK_EQ(fat_lookup(v, path, &n), FAT_ENOENT);
    }
}

/* The judged lengths up to 255, created, judged by the tools, read back, removed; 256+
   refused. */
static void every_length(enum fat_type type)
{
    static struct memdisk d;
    static struct fat_volume v;
    long bytes = format(&d, type);

    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    create_every_length(&v);
    CHECK_EQ(fat_unmount(&v), 0);
    save(&d, bytes);
    fsck_clean("after creating names of the judged lengths, 1 to 255");
    expect_mdir("/D");
    expect_mcopy("/D");
    refuse_too_long(&d, &v, bytes);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    remove_every_length(&v);
    CHECK_EQ(fat_unmount(&v), 0);
    save(&d, bytes);
    fsck_clean("after removing them");
    CHECK_EQ(run(out, sizeof out, NULL, MTOOLS "mdir -b -i %s ::/D", image), 0);
    CHECK_STR(out, "");
    memdisk_free(&d);
}

TEST(every_length_fat12) { every_length(FAT_TYPE_12); }
TEST(every_length_fat16) { every_length(FAT_TYPE_16); }
TEST(every_length_fat32) { every_length(FAT_TYPE_32); }

/* Names mcopy and mmd write (up to 255 characters, where mtools puts their entries) are
   listed, opened, read and removed by lab 7. */
TEST(names_mtools_wrote)
{
    static const int lens[] = { 255, 254, 209, 208, 196, 195, 14, 13, 1 };
    static struct memdisk d;
    static struct fat_volume v;
    static uint8_t want[300], got[300];
    char name[300], path[310];
    struct fat_node n;
    long bytes = format(&d, FAT_TYPE_16);

    memdisk_free(&d);
    snprintf(path, sizeof path, "%s/src.bin", tmp);
    CHECK_EQ(run(out, sizeof out, NULL, MTOOLS "mmd -i %s ::/M", image), 0);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        int len = lens[i];
        FILE *f = fopen(path, "wb");
        name_of(len, name);
        pattern_fill(&len, 0, want, (uint32_t)len);
        CHECK(f && fwrite(want, 1, (size_t)len, f) == (size_t)len);
        if (f)
            fclose(f);
        CHECK_EQ(run(out, sizeof out, NULL, MTOOLS "%s -i %s %s '::/M/%s'",
                     len % 3 == 0 ? "mmd" : "mcopy", image, len % 3 == 0 ? "" : path, name), 0);
    }
    load(&d, bytes);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        int len = lens[i];
        name_of(len, name);
        snprintf(path, sizeof path, "/M/%s", name);
        CHECK_EQ(fat_lookup(&v, path, &n), 0);
        CHECK_STR(n.name, name);
        CHECK_EQ(fat_node_is_dir(&n), len % 3 == 0);
        pattern_fill(&len, 0, want, (uint32_t)len);
        if (len % 3)
            CHECK(fat_read(&v, &n, 0, got, sizeof got) == len && memcmp(got, want, (size_t)len) == 0);
        CHECK_EQ(fat_remove(&v, path), 0);
        if (host_current_failed)
            printf("  a name of %d characters that mtools wrote\n", len);
    }
    CHECK_EQ(fat_unmount(&v), 0);
    save(&d, bytes);
    fsck_clean("after lab 7 removed the names mtools wrote");
    CHECK_EQ(run(out, sizeof out, NULL, MTOOLS "mdir -b -i %s ::/M", image), 0);
    CHECK_STR(out, "");
    memdisk_free(&d);
}

int main(void)
{
    tools_begin();
    judged_lengths();
    RUN(every_length_fat12);
    RUN(every_length_fat16);
    RUN(every_length_fat32);
    RUN(names_mtools_wrote);
    tools_end();
    return host_summary("lab7 longnames");
}
