/*
 * table.c - the File Allocation Table: 12-, 16- and 28-bit entries, every
 * copy kept equal, chains walked with a bound, free clusters found from a
 * hint ([FAT] "FAT Data Structure"; FSInfo: "FSInfo Sector Structure and
 * Backup Boot Sector"). Pure code, host-tested (tests/test_lab7_table.c).
 *
 * A FAT12 entry is 12 bits at byte offset n + n/2: an odd cluster's entry is
 * the high 12 bits of the 16-bit word there, an even one's the low 12. With
 * 512-byte sectors the word at offset 511 has its two bytes in two sectors:
 * the classic FAT12 bug reads the second byte from the wrong buffer.
 */
#include "fat.h"
#include "kstring.h"
#include "panic.h"

#define FSI_LEAD_SIG   0x41615252u
#define FSI_STRUC_SIG  0x61417272u
#define FSI_TRAIL_SIG  0xAA550000u
#define FSI_STRUC_OFFSET 484
#define FSI_FREE_COUNT 488
#define FSI_NXT_FREE   492
#define FSI_TRAIL_OFFSET 508
#define FAT32_MASK     0x0FFFFFFFu  /* the high 4 bits are reserved: kept as found */

bool fat_cluster_ok(const struct fat_volume *v, uint32_t cluster)
{
    return cluster >= FAT_FIRST_CLUSTER && cluster < v->g.clusters + FAT_FIRST_CLUSTER;
}

bool fat_is_eoc(const struct fat_volume *v, uint32_t value)
{
    switch (v->g.type) {
    case FAT_TYPE_12: return value >= 0xFF8;
    case FAT_TYPE_16: return value >= 0xFFF8;
    default:          return value >= 0x0FFFFFF8;
    }
}

/* Byte offset of a cluster's entry inside one FAT copy. */
static uint32_t entry_offset(const struct fat_volume *v, uint32_t cluster)
{
    switch (v->g.type) {
    case FAT_TYPE_12: return cluster + cluster / 2;
    case FAT_TYPE_16: return cluster * 2;
    default:          return cluster * 4;
    }
}

/* LAB 7: BEGIN SOLUTION */
/* The little-endian bytes of an entry, in FAT copy `copy`; reads up to two sectors. */
static int read_bytes(struct fat_volume *v, int copy, uint32_t offset, uint8_t *out, int n)
{
    uint64_t base = v->start + v->g.reserved_sectors + (uint64_t)copy * v->g.fat_sectors;

    for (int i = 0; i < n; i++) {
        uint8_t *s = fat_cache_get(&v->cache, base + (offset + i) / FAT_SECTOR_SIZE, false);
        if (!s)
            return FAT_EIO;
        out[i] = s[(offset + i) % FAT_SECTOR_SIZE];
    }
    return 0;
}

static int write_bytes(struct fat_volume *v, int copy, uint32_t offset, const uint8_t *in, int n)
{
    uint64_t base = v->start + v->g.reserved_sectors + (uint64_t)copy * v->g.fat_sectors;

    for (int i = 0; i < n; i++) {
        uint8_t *s = fat_cache_get(&v->cache, base + (offset + i) / FAT_SECTOR_SIZE, false);
        if (!s)
            return FAT_EIO;
        s[(offset + i) % FAT_SECTOR_SIZE] = in[i];
        fat_cache_mark_dirty(&v->cache, s);
    }
    return 0;
}
/* LAB 7: END SOLUTION */

int fat_get(struct fat_volume *v, uint32_t cluster, uint32_t *next)
{
    assert(fat_cluster_ok(v, cluster));
    /* LAB 7: BEGIN SOLUTION */
    uint8_t b[4];
    int n = v->g.type == FAT_TYPE_32 ? 4 : 2, err;

    if ((err = read_bytes(v, 0, entry_offset(v, cluster), b, n)))
        return err;
    if (v->g.type == FAT_TYPE_32)
        *next = ((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                 (uint32_t)b[3] << 24) & FAT32_MASK;
    else if (v->g.type == FAT_TYPE_16)
        *next = (uint32_t)b[0] | (uint32_t)b[1] << 8;
    else
        *next = cluster & 1 ? ((uint32_t)b[0] >> 4 | (uint32_t)b[1] << 4)
                            : ((uint32_t)b[0] | ((uint32_t)b[1] & 0x0F) << 8);
    return 0;
    /* LAB 7: STUB
    (void)next; (void)entry_offset;
    panic("lab7: fat_get not implemented");
    LAB 7: END SOLUTION */
}

int fat_set(struct fat_volume *v, uint32_t cluster, uint32_t value)
{
    assert(fat_cluster_ok(v, cluster));
    /* LAB 7: BEGIN SOLUTION */
    uint32_t off = entry_offset(v, cluster);
    int n = v->g.type == FAT_TYPE_32 ? 4 : 2, err;
    uint8_t b[4];

    for (uint32_t copy = 0; copy < v->g.nfats; copy++) {
        if ((err = read_bytes(v, (int)copy, off, b, n)))
            return err;
        if (v->g.type == FAT_TYPE_12) {
            value &= 0xFFF;
            if (cluster & 1) {
                b[0] = (uint8_t)((b[0] & 0x0F) | (value & 0x0F) << 4);
                b[1] = (uint8_t)(value >> 4);
            } else {
                b[0] = (uint8_t)value;
                b[1] = (uint8_t)((b[1] & 0xF0) | value >> 8);
            }
        } else {
            uint32_t w = v->g.type == FAT_TYPE_16 ? value & 0xFFFF :
                         (value & FAT32_MASK) | ((uint32_t)b[3] << 24 & ~FAT32_MASK);
            for (int i = 0; i < n; i++)
                b[i] = (uint8_t)(w >> (8 * i));
        }
        if ((err = write_bytes(v, (int)copy, off, b, n)))
            return err;
    }
    return 0;
    /* LAB 7: STUB
    (void)value;
    panic("lab7: fat_set not implemented");
    LAB 7: END SOLUTION */
}

/* The entry after `cur`, checked: a free, bad or out-of-range link is corruption. */
static int step(struct fat_volume *v, uint32_t cur, uint32_t *next)
{
    int err = fat_get(v, cur, next);

    if (err)
        return err;
    if (!fat_is_eoc(v, *next) && !fat_cluster_ok(v, *next))
        return fat_corrupt(v, "cluster %u links to %u, which is %s", cur, *next,
                           *next == 0 ? "free" : "not a data cluster");
    return 0;
}

int fat_chain_walk(struct fat_volume *v, uint32_t first, uint32_t n, uint32_t *out)
{
    uint32_t cur = first, next;
    int err;

    if (!fat_cluster_ok(v, first))
        return fat_corrupt(v, "a chain starts at cluster %u, outside the volume", first);
    for (uint32_t i = 0; i < n; i++) {
        if ((err = step(v, cur, &next)))
            return err;
        if (fat_is_eoc(v, next))
            return fat_corrupt(v, "the chain from cluster %u ends after %u clusters", first,
                               i + 1);
        cur = next;
    }
    *out = cur;
    return 0;
}

/* Brent's cycle finding ("An improved Monte Carlo factorization algorithm", 1980): a loop
   is found within about twice the chain's length, however big the volume. */
int fat_chain_length(struct fat_volume *v, uint32_t first, uint32_t *n)
{
    uint32_t cur = first, next, count = 1, tortoise = first, power = 1, steps = 0;
    int err;

    if (!fat_cluster_ok(v, first))
        return fat_corrupt(v, "a chain starts at cluster %u, outside the volume", first);
    for (;;) {
        if ((err = step(v, cur, &next)))
            return err;
        if (fat_is_eoc(v, next))
            break;
        if (next == tortoise || ++count > v->g.clusters)
            return fat_corrupt(v, "the chain from cluster %u loops", first);
        if (++steps == power) {
            tortoise = next;
            power *= 2;
            steps = 0;
        }
        cur = next;
    }
    *n = count;
    return 0;
}

static int find_free(struct fat_volume *v, uint32_t *out)
{
    uint32_t c = fat_cluster_ok(v, v->free_hint) ? v->free_hint : FAT_FIRST_CLUSTER, value;
    int err;

    for (uint32_t i = 0; i < v->g.clusters; i++) {
        if ((err = fat_get(v, c, &value)))
            return err;
        if (value == 0) {
            *out = c;
            return 0;
        }
        if (++c == v->g.clusters + FAT_FIRST_CLUSTER)
            c = FAT_FIRST_CLUSTER;
    }
    return FAT_ENOSPC;
}

int fat_alloc_chain(struct fat_volume *v, uint32_t n, uint32_t *first)
{
    uint32_t prev = 0, c;
    int err = 0;

    assert(n > 0);
    for (uint32_t i = 0; i < n && !err; i++) {
        if ((err = find_free(v, &c)) || (err = fat_set(v, c, FAT_EOC)))
            break;
        if (prev)
            err = fat_set(v, prev, c);
        else
            *first = c;
        prev = c;
        v->free_hint = c + 1;
        if (v->free_count != FAT_FREE_UNKNOWN)
            v->free_count--;
    }
    if (err && prev)
        fat_free_chain(v, *first);      /* give back what we took; nothing points at it */
    else if (!err)
        fat_undo_chain(v, *first);      /* an error before the commit frees it (undo.c) */
    return err;
}

int fat_free_chain(struct fat_volume *v, uint32_t first)
{
    uint32_t cur = first, next, count = 0;
    int err;

    while (!fat_is_eoc(v, cur)) {
        if (!fat_cluster_ok(v, cur) || ++count > v->g.clusters)
            return fat_corrupt(v, "freeing the chain from cluster %u: it %s", first,
                               count > v->g.clusters ? "loops" : "runs outside the volume");
        if ((err = fat_get(v, cur, &next)) || (err = fat_set(v, cur, 0)))
            return err;
        if (v->free_count != FAT_FREE_UNKNOWN)
            v->free_count++;
        cur = next;
    }
    return 0;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t x)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(x >> (8 * i));
}

/* The FSInfo sector's free count and next-free hint; only if its signatures are right. */
int fat_write_fsinfo(struct fat_volume *v)
{
    uint8_t *s;

    if (v->g.type != FAT_TYPE_32 || v->g.fsinfo_sector == 0)
        return 0;
    if (!(s = fat_cache_get(&v->cache, v->start + v->g.fsinfo_sector, false)))
        return FAT_EIO;
    if (get32(s) != FSI_LEAD_SIG || get32(s + FSI_STRUC_OFFSET) != FSI_STRUC_SIG ||
        get32(s + FSI_TRAIL_OFFSET) != FSI_TRAIL_SIG)
        return 0;                   /* not a valid FSInfo: leave it alone */
    put32(s + FSI_FREE_COUNT, v->free_count);
    put32(s + FSI_NXT_FREE, fat_cluster_ok(v, v->free_hint) ? v->free_hint : FAT_FREE_UNKNOWN);
    fat_cache_mark_dirty(&v->cache, s);
    return 0;
}
