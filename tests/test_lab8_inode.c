/*
 * test_lab8_inode.c - lab 8's open-file objects (labs/lab8-user/inode.c; xv6's
 * struct inode) over a fake lab 7 that does what lab 7 does to a file's
 * entry: a truncation or a growing append gives the file a new first cluster
 * and frees the old one. Descriptors of one file (any spelling of its path)
 * must share one inode and see every change made through another; other files
 * get their own; the last put frees it (ASan would see a leak or a reuse).
 *
 * grade: given code only, no points (the file it tests has no stub).
 */
#include <strings.h>
#include "fat.h"
#include "host.h"
#include "panic.h"
#include "uvm.h"

#define CLUSTER 4096u

/* The fake volume: two files in the root, found by name in any case. */
static struct fat_volume vol;
static struct fat_node disk[2];
static uint32_t next_cluster = 100, reads_of_freed;

void *kzalloc(size_t n)
{
    return calloc(1, n);
}

void kfree(void *p)
{
    free(p);
}

static struct fat_node *find(const char *path)
{
    for (int i = 0; i < 2; i++)
        if (strcasecmp(path + 1, disk[i].name) == 0)
            return &disk[i];
    return NULL;
}

int fat_lookup(struct fat_volume *v, const char *path, struct fat_node *out)
{
    struct fat_node *n = find(path);
    assert(v == &vol);
    if (!n)
        return FAT_ENOENT;
    *out = *n;
    return 0;
}

/* A read through an entry that is not the file's now reads freed clusters. */
int32_t fat_read(struct fat_volume *v, const struct fat_node *n, uint32_t offset, void *buf,
                 uint32_t len)
{
    const struct fat_node *now = &disk[n->slot];
    assert(v == &vol);
    if (n->cluster != now->cluster || n->size != now->size) {
        reads_of_freed++;
        return FAT_ECORRUPT;
    }
    uint32_t left = offset < n->size ? n->size - offset : 0, got = len < left ? len : left;
    memset(buf, 'A' + (int)n->slot, got);
    return (int32_t)got;
}

int fat_truncate(struct fat_volume *v, const char *path, uint32_t size)
{
    struct fat_node *n = find(path);
    assert(v == &vol && n && size == 0);
    n->cluster = 0;                     /* the old chain is freed */
    n->size = 0;
    return 0;
}

int fat_write_file(struct fat_volume *v, const char *path, uint32_t size, bool append,
                   fat_fill_fn fill, void *arg)
{
    struct fat_node *n = find(path);
    uint8_t byte;
    assert(v == &vol && n && append);
    for (uint32_t i = 0; i < size; i++)
        fill(arg, i, &byte, 1);
    if ((n->size + size + CLUSTER - 1) / CLUSTER != (n->size + CLUSTER - 1) / CLUSTER)
        n->cluster = next_cluster++;    /* a new chain: copy-on-write */
    n->size += size;
    return 0;
}

static void fill_x(void *arg, uint32_t offset, uint8_t *buf, uint32_t len)
{
    (void)arg;
    (void)offset;
    memset(buf, 'x', len);
}

static void fresh_disk(void)
{
    disk[0] = (struct fat_node){ .name = "data.bin", .cluster = 10, .size = 3000, .slot = 0 };
    disk[1] = (struct fat_node){ .name = "other.bin", .cluster = 20, .size = 500, .slot = 1 };
    reads_of_freed = 0;
}

static struct inode *open_path(const char *path)
{
    struct fat_node n;
    CHECK_EQ(fat_lookup(&vol, path, &n), 0);
    return inode_get(&vol, &n, path);
}

TEST(a_truncation_through_one_is_seen_by_the_other)
{
    char buf[64];

    fresh_disk();
    struct inode *first = open_path("/data.bin"), *second = open_path("/DATA.BIN");
    CHECK(first == second);                         /* one file, one inode */
    CHECK_EQ(inode_truncate(second), 0);
    CHECK_EQ(inode_node(first)->size, 0);
    CHECK_EQ(inode_read(first, 0, buf, sizeof buf), 0);
    CHECK_EQ(inode_append(second, 5000, fill_x, NULL), 0);
    CHECK_EQ(inode_node(first)->size, 5000);        /* a new chain: the first sees it */
    CHECK_EQ(inode_read(first, 4990, buf, sizeof buf), 10);
    CHECK_EQ(reads_of_freed, 0);
    inode_put(first);
    inode_put(second);
}

TEST(other_files_get_their_own)
{
    fresh_disk();
    struct inode *a = open_path("/data.bin"), *b = open_path("/other.bin");
    CHECK(a != b);
    CHECK_EQ(inode_truncate(a), 0);
    CHECK_EQ(inode_node(b)->size, 500);
    inode_put(a);
    struct inode *again = open_path("/other.bin");
    CHECK(again == b);
    inode_put(b);
    inode_put(again);                               /* the last: freed (ASan: no leak) */
    struct inode *fresh = open_path("/data.bin");
    CHECK_EQ(inode_node(fresh)->size, 0);
    inode_put(fresh);
}

int main(void)
{
    RUN_GUARDED(a_truncation_through_one_is_seen_by_the_other);
    RUN_GUARDED(other_files_get_their_own);
    return host_summary("lab8-inode");
}
