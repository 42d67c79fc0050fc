/*
 * test_lab7_hostile.c - lab 7 on disks made to hurt it: a directory whose
 * chain loops over deleted entries (found in O(chain), not O(entries x
 * clusters)), a thousand ~N aliases of one basis (one walk per 4096 tails,
 * not one per tail), long names of every length [FAT] allows (up to 255) and
 * the ones it forbids, "." and ".." in paths, a directory that is its own
 * parent. Work is counted in cache gets, never in time.
 */
#include <stdio.h>
#include "host.h"
#include "test_lab7_disk.h"

static void zero_fill(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    (void)arg; (void)offset;
    memset(buf, 'z', len);
}

static void fresh(struct memdisk *d, struct fat_volume *v, enum fat_type t, uint32_t total,
                  uint32_t spc)
{
    memdisk_init(d, total);
    memdisk_format(d, 0, t, total, spc);
    CHECK_EQ(fat_mount(v, &d->bd), 0);
}

static uint32_t gets(const struct fat_volume *v)
{
    return v->cache.stats.hits + v->cache.stats.misses;
}

static bool count_entry(void *arg, const struct fat_node *n)
{
    (void)n;
    (*(int *)arg)++;
    return true;
}

/* /D's chain made to loop: D -> c2 -> D, every entry but "." and ".." deleted. */
static uint32_t loop_directory(struct memdisk *d, struct fat_volume *v)
{
    struct fat_node n;
    uint32_t second;

    CHECK_EQ(fat_mkdir(v, "/D"), 0);
    CHECK_EQ(fat_lookup(v, "/D", &n), 0);
    CHECK_EQ(fat_alloc_chain(v, 1, &second), 0);
    CHECK_EQ(fat_set(v, n.cluster, second), 0);
    CHECK_EQ(fat_set(v, second, n.cluster), 0);
    for (uint32_t k = 0; k < 2; k++) {
        uint8_t *s = d->data + fat_cluster_lba(v, k ? second : n.cluster) * 512;
        CHECK_EQ(fat_barrier(v), 0);
        for (uint32_t off = k ? 0 : 64; off < v->g.cluster_bytes; off += 32)
            s[off] = FAT_DELETED;
    }
    CHECK_EQ(fat_mount(v, &d->bd), 0);
    return n.cluster;
}

/* Before: FAT12 11 s, FAT16 never ends (each entry re-walked the chain up to the
   volume's cluster count). Now: a few cache gets per entry of the loop. */
static void looping_directory(enum fat_type t, uint32_t total)
{
    static struct memdisk d;
    static struct fat_volume v;
    struct fat_node n;
    char why[100];
    int count = 0;

    fresh(&d, &v, t, total, 1);
    uint32_t first = loop_directory(&d, &v);
    snprintf(why, sizeof why, "the directory at cluster %u loops", first);
    uint32_t before = gets(&v);
    CHECK_EQ(fat_dir_list(&v, first, count_entry, &count), FAT_ECORRUPT);
    CHECK_STR(v.error, why);
    CHECK(gets(&v) - before < 200);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_write_file(&v, "/D/new.txt", 10, false, zero_fill, NULL), FAT_ECORRUPT);
    snprintf(why, sizeof why, "the chain from cluster %u loops", first);   /* check.c's */
    CHECK_STR(v.error, why);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_lookup(&v, "/D/x", &n), FAT_ECORRUPT);
    CHECK(gets(&v) < 400);
    memdisk_free(&d);
}

TEST(looping_directory_fat12) { looping_directory(FAT_TYPE_12, 4000); }
TEST(looping_directory_fat16) { looping_directory(FAT_TYPE_16, 40000); }
TEST(looping_directory_fat32) { looping_directory(FAT_TYPE_32, 70000); }

/* 600 names with one alias basis: creating each walks the directory once, not once per
   tail already taken (that was quadratic: the 600th create read 600 x 1800 entries). */
TEST(aliases_are_linear)
{
    static struct memdisk d;
    static struct fat_volume v;
    char path[64];
    uint32_t worst = 0;

    fresh(&d, &v, FAT_TYPE_16, 40000, 1);
    CHECK_EQ(fat_mkdir(&v, "/many"), 0);
    for (int i = 0; i < 600 && !host_current_failed; i++) {
        snprintf(path, sizeof path, "/many/A long name %d.txt", i);
        uint32_t before = gets(&v);
        CHECK_EQ(fat_write_file(&v, path, 0, false, zero_fill, NULL), 0);
        worst = gets(&v) - before > worst ? gets(&v) - before : worst;
    }
    CHECK(worst < 12 * 1800);               /* a few walks of 1800 entries */
    struct fat_node n;
    CHECK_EQ(fat_lookup(&v, "/many/A long name 599.txt", &n), 0);
    CHECK(memcmp(n.sfn, "ALONGN~1TXT", 11) != 0);
    CHECK_EQ(fat_lookup(&v, "/many/ALON~600.TXT", &n), 0);
    CHECK_STR(n.name, "A long name 599.txt");
    memdisk_free(&d);
}

/* Long entries for `name` (any length up to 255) and its 8.3 entry, written into
   /L's first cluster as another tool would (they may span sectors). */
static void plant_long_name(struct memdisk *d, struct fat_volume *v, const char *name,
                            const char *sfn)
{
    struct fat_node dir;
    int nlfn = name[0] ? fat_lfn_entries(name) : 1;     /* "": one entry, NUL first */

    CHECK_EQ(fat_lookup(v, "/L", &dir), 0);
    uint8_t *s = d->data + fat_cluster_lba(v, dir.cluster) * 512;
    memset(s + 64, 0, v->g.cluster_bytes - 64);
    for (int k = 0; k < nlfn; k++)
        fat_lfn_pack(s + 64 + 32 * k, name, nlfn - k, k == 0,
                     fat_lfn_checksum((const uint8_t *)sfn));
    fat_dirent_init(s + 64 + 32 * nlfn, (const uint8_t *)sfn, FAT_ATTR_ARCHIVE, 0, 0);
    CHECK_EQ(fat_mount(v, &d->bd), 0);
}

struct first_name { char name[FAT_NAME_MAX + 14]; };
static bool keep_first(void *arg, const struct fat_node *n)
{
    strlcpy(((struct first_name *)arg)->name, n->name, sizeof ((struct first_name *)arg)->name);
    return false;
}

/* Every length [FAT] allows lists, opens, grows and goes; before, 196-208 listed but
   did not open and 209-255 showed only the alias. */
TEST(long_names_up_to_255)
{
    static struct memdisk d;
    static struct fat_volume v;
    char name[300], path[310];
    struct first_name first;
    struct fat_node n;

    fresh(&d, &v, FAT_TYPE_12, 16000, 4);      /* clusters of 4 sectors: 64 entries */
    CHECK_EQ(fat_mkdir(&v, "/L"), 0);
    for (int len = 190; len <= 255 && !host_current_failed; len++) {
        for (int i = 0; i < len; i++)
            name[i] = (char)('a' + (i * 7 + len) % 26);
        name[len] = '\0';
        plant_long_name(&d, &v, name, "LONGNA~1   ");
        CHECK_EQ(fat_lookup(&v, "/L", &n), 0);
        CHECK_EQ(fat_dir_list(&v, n.cluster, keep_first, &first), 0);
        CHECK_STR(first.name, name);
        snprintf(path, sizeof path, "L/%s", name);
        CHECK_EQ(fat_lookup(&v, path, &n), 0);
        CHECK_EQ(fat_write_file(&v, path, 700, true, zero_fill, NULL), 0);
        CHECK_EQ(fat_lookup(&v, path, &n), 0);
        CHECK_EQ(n.size, 700);
        CHECK_EQ(fat_remove(&v, path), 0);
        CHECK_EQ(fat_lookup(&v, path, &n), FAT_ENOENT);
        if (host_current_failed)
            printf("  a long name of %d characters\n", len);
    }
    memdisk_free(&d);
}

/* Long names [FAT] forbids are ignored: the 8.3 alias shows, never "" or a path. */
TEST(forbidden_long_names_show_the_alias)
{
    static struct memdisk d;
    static struct fat_volume v;
    static const char *const bad[] = { "a/b.txt", "", "what?", "tab\there", ".", ".." };
    struct first_name first;
    struct fat_node n;

    fresh(&d, &v, FAT_TYPE_12, 4000, 1);
    CHECK_EQ(fat_mkdir(&v, "/L"), 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        plant_long_name(&d, &v, bad[i], "ALIAS~1 TXT");
        CHECK_EQ(fat_lookup(&v, "/L", &n), 0);
        CHECK_EQ(fat_dir_list(&v, n.cluster, keep_first, &first), 0);
        CHECK_STR(first.name, "ALIAS~1.TXT");
    }
    CHECK_EQ(fat_write_file(&v, "/L/a:b", 1, false, zero_fill, NULL), FAT_EINVAL);
    memdisk_free(&d);
}

/* [FAT] "FAT Directory Structure": every entry after one whose first byte is 0x00 is free
   (0x00 too). A directory with a used entry past its end marker is refused before any
   write: a name put at the marker made the entry after it appear, and a long name's run
   moved end markers sector after sector (a panic in undo.c past four of them). */
TEST(entries_after_the_end_marker)
{
    static struct memdisk d;
    static struct fat_volume v;
    static const uint8_t hidden[11] = "HIDDEN  BIN";
    char name[300];
    struct fat_node n;

    fresh(&d, &v, FAT_TYPE_16, 40000, 4);
    CHECK_EQ(fat_mkdir(&v, "/L"), 0);
    CHECK_EQ(fat_lookup(&v, "/L", &n), 0);
    uint8_t *c = d.data + fat_cluster_lba(&v, n.cluster) * 512;
    for (int sector = 0; sector < 4; sector++)     /* one entry past a 0x00 in each sector */
        fat_dirent_init(c + sector * 512 + (sector ? 5 : 3) * 32, hidden, FAT_ATTR_ARCHIVE, 0, 0);
    uint8_t *before = malloc(40000u * 512);
    memcpy(before, d.data, 40000u * 512);
    memset(name, 'q', 255);
    name[255] = '\0';
    const char *paths[] = { "/L/a.txt", "/L/A long name.txt", name };
    for (int i = 0; i < 3; i++) {
        char path[300];
        snprintf(path, sizeof path, i == 2 ? "/L/%s" : "%s", paths[i]);
        CHECK_EQ(fat_mount(&v, &d.bd), 0);
        /* Empty: a file's chain is written before its entry (and then lost, as the volume
           goes read-only), while the directory is refused before its first write. */
        CHECK_EQ(fat_write_file(&v, path, 0, false, zero_fill, NULL), FAT_ECORRUPT);
        CHECK_STR(v.error, "the directory at cluster 2 has entries after its end marker");
        CHECK(memcmp(before, d.data, 40000u * 512) == 0);
    }
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_write_file(&v, "/L2.txt", 10, false, zero_fill, NULL), 0);  /* elsewhere: ok */
    free(before);
    memdisk_free(&d);
}

TEST(dot_and_dotdot_in_paths)
{
    static struct memdisk d;
    static struct fat_volume v;
    struct fat_node n, m;

    fresh(&d, &v, FAT_TYPE_16, 40000, 1);
    CHECK_EQ(fat_mkdir(&v, "/a"), 0);
    CHECK_EQ(fat_mkdir(&v, "/a/b"), 0);
    CHECK_EQ(fat_write_file(&v, "/a/./b/../f.txt", 5, false, zero_fill, NULL), 0);
    CHECK_EQ(fat_lookup(&v, "/a/f.txt", &n), 0);
    CHECK_EQ(n.size, 5);
    CHECK_EQ(fat_lookup(&v, "/a/b/..", &m), 0);
    CHECK_EQ(fat_lookup(&v, "/a", &n), 0);
    CHECK_EQ(m.cluster, n.cluster);
    CHECK_EQ(fat_lookup(&v, "/../..", &m), 0);
    CHECK(fat_node_is_dir(&m) && m.cluster == 0);
    CHECK_EQ(fat_remove(&v, "/a/b/.."), FAT_EINVAL);
    CHECK_EQ(fat_remove(&v, "/a/b/."), FAT_EINVAL);
    CHECK_EQ(fat_mkdir(&v, "/a/.."), FAT_EINVAL);
    CHECK_EQ(fat_lookup(&v, "/a/b", &n), 0);
    memdisk_free(&d);
}

/* /P/D's entry says P's own first cluster: before, mkdir /P/D/x wrote into /P. */
TEST(directory_that_is_its_own_parent)
{
    static struct memdisk d;
    static struct fat_volume v;
    struct fat_node p, n;

    fresh(&d, &v, FAT_TYPE_12, 4000, 1);
    CHECK_EQ(fat_mkdir(&v, "/P"), 0);
    CHECK_EQ(fat_mkdir(&v, "/P/D"), 0);
    CHECK_EQ(fat_lookup(&v, "/P", &p), 0);
    CHECK_EQ(fat_lookup(&v, "/P/D", &n), 0);
    n.cluster = p.cluster;
    CHECK_EQ(fat_dir_update(&v, &n), 0);
    CHECK_EQ(fat_unmount(&v), 0);
    CHECK_EQ(fat_barrier(&v), 0);
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_mkdir(&v, "/P/D/x"), FAT_ECORRUPT);     /* check.c, before any write */
    CHECK_STR(v.error, "\"D\" shares cluster 2 with another file or directory");
    CHECK_EQ(fat_mount(&v, &d.bd), 0);
    CHECK_EQ(fat_lookup(&v, "/P/D", &n), FAT_ECORRUPT);     /* and a path that goes there */
    CHECK_STR(v.error, "the directory \"D\" is at cluster 2, one of its own parents");
    memdisk_free(&d);
}

int main(void)
{
    RUN(looping_directory_fat12);
    RUN(looping_directory_fat16);
    RUN(looping_directory_fat32);
    RUN(aliases_are_linear);
    RUN(long_names_up_to_255);
    RUN(forbidden_long_names_show_the_alias);
    RUN(entries_after_the_end_marker);
    RUN(dot_and_dotdot_in_paths);
    RUN(directory_that_is_its_own_parent);
    return host_summary("lab7 hostile");
}
