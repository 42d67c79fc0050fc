/*
 * cache.c - the block cache: FAT_CACHE_BUFFERS sector buffers over a struct
 * blockdev, least recently used first out, write-back.
 *
 * A write only dirties a buffer; the disk sees it when the buffer is evicted
 * or at fat_cache_sync(). Eviction may write dirty buffers in any order, so
 * the file system never leaves two changes that must reach the disk in a
 * given order dirty at the same time: between them it calls fat_barrier(),
 * which syncs (every dirty buffer, lowest LBA first) and then asks the drive
 * to flush its own write cache (ATA FLUSH CACHE), as xv6's log and Linux's
 * barriers do. Pure code, host-tested (tests/test_lab7_cache.c).
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

void fat_cache_init(struct fat_cache *c, struct blockdev *bd)
{
    memset(c, 0, sizeof *c);
    c->bd = bd;
}

void fat_cache_drop(struct fat_cache *c)
{
    for (int i = 0; i < FAT_CACHE_BUFFERS; i++)
        c->buf[i].valid = c->buf[i].dirty = false;
}

/* LAB 7: BEGIN SOLUTION */
static int write_back(struct fat_cache *c, struct fat_buffer *b)
{
    if (blockdev_write(c->bd, b->lba, 1, b->data))
        return FAT_EIO;
    b->dirty = false;
    c->stats.writebacks++;
    return 0;
}

/* The buffer to reuse: an empty one, else the least recently used. */
static struct fat_buffer *victim(struct fat_cache *c)
{
    struct fat_buffer *best = &c->buf[0];

    for (int i = 0; i < FAT_CACHE_BUFFERS; i++) {
        struct fat_buffer *b = &c->buf[i];
        if (!b->valid)
            return b;
        if (b->last_use < best->last_use)
            best = b;
    }
    return best;
}
/* LAB 7: END SOLUTION */

uint8_t *fat_cache_get(struct fat_cache *c, uint64_t lba, bool whole)
{
    assert(c->bd != NULL);
    /* LAB 7: BEGIN SOLUTION */
    struct fat_buffer *b;

    c->clock++;
    for (int i = -1; i < FAT_CACHE_BUFFERS; i++) {
        b = i < 0 ? c->last : &c->buf[i];   /* the last one first: a FAT scan's next get */
        if (b && b->valid && b->lba == lba) {
            c->stats.hits++;
            b->last_use = c->clock;
            c->last = b;
            return b->data;
        }
    }
    c->stats.misses++;
    b = victim(c);
    if (b->valid) {
        c->stats.evictions++;
        if (b->dirty && write_back(c, b))
            return NULL;
    }
    b->valid = false;
    if (whole)
        memset(b->data, 0, sizeof b->data);
    else if (blockdev_read(c->bd, lba, 1, b->data))
        return NULL;
    b->lba = lba;
    b->valid = true;
    b->dirty = false;
    b->last_use = c->clock;
    c->last = b;
    return b->data;
    /* LAB 7: STUB
    (void)lba; (void)whole;
    panic("lab7: fat_cache_get not implemented");
    LAB 7: END SOLUTION */
}

void fat_cache_mark_dirty(struct fat_cache *c, const uint8_t *data)
{
    for (int i = 0; i < FAT_CACHE_BUFFERS; i++) {
        if (c->buf[i].data == data) {
            assert(c->buf[i].valid);
            c->buf[i].dirty = true;
            return;
        }
    }
    panic("fat_cache_mark_dirty: %p is not a cache buffer", (const void *)data);
}

int fat_cache_sync(struct fat_cache *c)
{
    /* LAB 7: BEGIN SOLUTION */
    for (;;) {
        struct fat_buffer *lowest = NULL;
        for (int i = 0; i < FAT_CACHE_BUFFERS; i++) {
            struct fat_buffer *b = &c->buf[i];
            if (b->valid && b->dirty && (!lowest || b->lba < lowest->lba))
                lowest = b;
        }
        if (!lowest)
            break;
        if (write_back(c, lowest))
            return FAT_EIO;
    }
    c->stats.flushes++;
    return blockdev_flush(c->bd) ? FAT_EIO : 0;
    /* LAB 7: STUB
    (void)c;
    panic("lab7: fat_cache_sync not implemented");
    LAB 7: END SOLUTION */
}
