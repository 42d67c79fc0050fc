/*
 * fat.h - lab 7: FAT12/16/32 with long names, over any struct blockdev.
 *
 * The layers, bottom up (each a file; every one runs on the host too):
 *   bpb.c     the volume: MBR partition or bare disk, BPB checks, FAT type
 *   cache.c   a block cache: fixed sector buffers, LRU, write-back, ordered sync
 *   table.c   FAT entries (12/16/32 bits, every copy), chains, allocation, FSInfo
 *   name.c    8.3 names, long-name entries, checksums, ~N aliases, path words
 *   dir.c     directories: a cursor along the chain, long-name assembly, slots
 *   lookup.c  paths word by word, "." and "..", no directory inside its parents
 *   dirwrite.c  adding, updating and removing directory entries
 *   file.c    reading and writing files, truncate; fileops.c mkdir, remove
 *   undo.c    an error before an operation's commit write puts everything back
 *   check.c   before a mount's first write: no cluster claimed by two entries
 *   volume.c  mount, sync, the first-error-makes-it-read-only rule
 *   ataio.c   (kernel only) lab 4's IRQ-driven transfers and crash injection
 *
 * Reference: Microsoft, "FAT32 File System Specification - FAT: General
 * Overview of On-Disk Format", version 1.03 (fatgen103), cited as [FAT] with
 * its section names. Only 512-byte sectors (what ATA disks have).
 *
 * Crash safety: every change is ordered with fat_barrier() (write every dirty
 * buffer, then FLUSH CACHE): new clusters are marked in the FAT and filled
 * before the directory entry that makes them part of a file is written, and
 * an entry stops pointing at clusters before they are freed. A crash leaves at
 * worst lost clusters. Append and truncate that change a file's count of
 * clusters copy it to a new chain for that (file.c; handouts/lab7.md).
 */
#ifndef CAIRN_LAB7_FAT_H
#define CAIRN_LAB7_FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "blockdev.h"

#define FAT_SECTOR_SIZE   512
#define FAT_DIRENT_SIZE   32
#define FAT_DIRENTS_PER_SECTOR (FAT_SECTOR_SIZE / FAT_DIRENT_SIZE)
/* 32 KiB: a small program's segments stay cached from one load to the next (an LRU
   cache smaller than a scan keeps nothing: at 32, each execve of /true read again). */
#define FAT_CACHE_BUFFERS 64
#define FAT_NAME_MAX      255       /* [FAT] "FAT Long Directory Entries": the longest name */
#define FAT_PATH_MAX      256       /* lookup.c and check.c: a path of 128 words at most */
#define FAT_ERROR_MAX     400       /* any message with a 255-character name in it, whole */

/* [FAT] "FAT Type Determination": the count of clusters alone decides. */
#define FAT12_MAX_CLUSTERS 4084
#define FAT16_MAX_CLUSTERS 65524
/* As FAT12/16 stop at cluster 0xFF5/0xFFF5, FAT32 stops at 0x0FFFFFF5: 0x0FFFFFF7 marks a
   bad cluster, 0x0FFFFFF8 and up end a chain ([FAT] "FAT Data Structure"). */
#define FAT32_MAX_CLUSTERS 0x0FFFFFF4u
#define FAT_FIRST_CLUSTER  2

enum fat_type { FAT_TYPE_12 = 12, FAT_TYPE_16 = 16, FAT_TYPE_32 = 32 };

/* Errors (negative). fat_strerror() names them; v->error says what exactly. */
enum {
    FAT_OK = 0,
    FAT_EIO = -1,           /* the block device failed */
    FAT_ENOENT = -2,        /* no such file or directory */
    FAT_EEXIST = -3,        /* the name is taken */
    FAT_ENOTDIR = -4,       /* a path component is a file */
    FAT_EISDIR = -5,        /* a directory where a file was wanted */
    FAT_ENOSPC = -6,        /* no free cluster, or the root directory is full */
    FAT_ECORRUPT = -7,      /* the volume is inconsistent: now read-only */
    FAT_EROFS = -8,         /* the volume is read-only */
    FAT_EINVAL = -9,        /* a bad name or path */
    FAT_ENOTEMPTY = -10,    /* rmdir of a directory with entries */
    FAT_ENOVOL = -11,       /* no FAT volume on this disk */
    FAT_ENAMETOOLONG = -12, /* a word of the path is longer than FAT_NAME_MAX */
};

/* ---- bpb.c: the geometry of a volume ([FAT] "Boot Sector and BPB") ------- */
struct fat_geometry {
    enum fat_type type;
    uint32_t sectors_per_cluster, reserved_sectors, nfats, root_entries;
    uint32_t total_sectors, fat_sectors;    /* per FAT copy */
    uint32_t root_cluster;                  /* FAT32 */
    uint32_t fsinfo_sector;                 /* FAT32; 0 if none */
    uint32_t root_dir_sector, root_dir_sectors;     /* FAT12/16: the fixed root */
    uint32_t data_sector;                   /* first sector of cluster 2 */
    uint32_t clusters;                      /* count of data clusters */
    uint32_t cluster_bytes;
};

/* 0, or FAT_ENOVOL with the first impossible value named in `why`. */
int fat_parse_bpb(const uint8_t sector[FAT_SECTOR_SIZE], struct fat_geometry *g,
                  char *why, size_t whylen);
/* Where the volume is: sector 0 as a BPB, else the first FAT partition of an MBR. */
int fat_find_volume(const uint8_t sector0[FAT_SECTOR_SIZE], uint64_t disk_sectors,
                    uint64_t *start, uint64_t *count, int *partition, char *why, size_t whylen);
const char *fat_type_name(enum fat_type t);

/* ---- cache.c ------------------------------------------------------------- */
struct fat_buffer {
    uint64_t lba;
    uint32_t last_use;              /* the cache's clock at the last get: LRU */
    bool valid, dirty;
    uint8_t data[FAT_SECTOR_SIZE];
};

struct fat_cache_stats { uint32_t hits, misses, writebacks, evictions, flushes; };

struct fat_cache {
    struct blockdev *bd;
    struct fat_buffer *last;    /* the last buffer got: a FAT walk asks for it again and again */
    uint32_t clock;
    struct fat_cache_stats stats;
    struct fat_buffer buf[FAT_CACHE_BUFFERS];
};

void fat_cache_init(struct fat_cache *c, struct blockdev *bd);
/* The buffer of `lba` (read from the disk unless `whole`: the caller overwrites
   all 512 bytes), or NULL on an I/O error. Valid until the next get. */
uint8_t *fat_cache_get(struct fat_cache *c, uint64_t lba, bool whole);
void fat_cache_mark_dirty(struct fat_cache *c, const uint8_t *data);
/* Write every dirty buffer (lowest LBA first), then flush the drive. */
int fat_cache_sync(struct fat_cache *c);
void fat_cache_drop(struct fat_cache *c);   /* forget everything, dirty or not */

/* ---- undo.c: what an operation changed before its commit write ------------- */
#define FAT_UNDO_CHAINS  2          /* a file's or directory's chain; a directory's growth */
#define FAT_UNDO_SECTORS 4          /* a removed name's 21 entries span 3 sectors at most */
struct fat_undo {
    bool active;
    int nchains, nsectors;
    uint32_t chain[FAT_UNDO_CHAINS];        /* allocated: freed by an undo */
    uint32_t link_from, link_old;           /* a FAT entry changed in a used cluster */
    uint64_t lba[FAT_UNDO_SECTORS];
    uint8_t old[FAT_UNDO_SECTORS][FAT_SECTOR_SIZE];     /* directory sectors as they were */
};

/* ---- the volume ------------------------------------------------------------ */
struct fat_volume {
    struct fat_cache cache;
    uint64_t start;                 /* LBA of the boot sector */
    int partition;                  /* 1..4, or 0 for a bare volume */
    struct fat_geometry g;
    uint32_t free_hint;             /* where the next free-cluster search starts */
    uint32_t free_count;            /* FAT32 FSInfo's count; FAT_FREE_UNKNOWN */
    bool fsinfo_stale;              /* a write happened since FSInfo was written */
    bool read_only;
    bool checked;                   /* check.c found no cluster claimed twice */
    char error[FAT_ERROR_MAX];      /* the first inconsistency, in words */
    struct fat_undo undo;           /* the operation under way, until its commit write */
    /* Where the last fat_read stopped: the chain's first cluster (0: nowhere), the index
       of a cluster in it and that cluster. A read further on steps on from there instead
       of walking the chain from its start again. Forgotten by every write. */
    struct fat_read_pos { uint32_t first, index, cluster; } read_pos;
};
#define FAT_FREE_UNKNOWN 0xFFFFFFFFu

int fat_mount(struct fat_volume *v, struct blockdev *bd);
int fat_barrier(struct fat_volume *v);      /* the write-order point: sync + flush */
/* Before any change to `path` (NULL: none): FAT_ENAMETOOLONG for a word of it too long,
   EROFS/ECORRUPT if read-only, all before a write; then FAT32's FSInfo count set unknown. */
int fat_begin_write(struct fat_volume *v, const char *path);
int fat_unmount(struct fat_volume *v);      /* final FSInfo, sync */
/* check.c: every chain every entry claims, each cluster once; else FAT_ECORRUPT. */
int fat_check_volume(struct fat_volume *v);
/* Record an inconsistency (printf-style): the volume becomes read-only. */
int fat_corrupt(struct fat_volume *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *fat_strerror(int err);
uint64_t fat_cluster_lba(const struct fat_volume *v, uint32_t cluster);

void fat_undo_begin(struct fat_volume *v);     /* (fat_begin_write) notes start */
void fat_undo_chain(struct fat_volume *v, uint32_t first);      /* a new chain */
void fat_undo_link(struct fat_volume *v, uint32_t cluster, uint32_t old);
/* A directory sector about to change (its first image in this operation is kept). */
void fat_undo_sector(struct fat_volume *v, uint64_t lba, const uint8_t *data);
void fat_undo_commit(struct fat_volume *v);    /* the commit write is on the disk */
/* The end of an operation: on an error before its commit, everything put back. */
int fat_undo_finish(struct fat_volume *v, int err);

/* ---- table.c: [FAT] "FAT Data Structure", "FSInfo Sector Structure" ------- */
#define FAT_EOC 0x0FFFFFFFu         /* end of chain, as this code writes it */
int fat_get(struct fat_volume *v, uint32_t cluster, uint32_t *next);
int fat_set(struct fat_volume *v, uint32_t cluster, uint32_t value);    /* every FAT copy */
bool fat_is_eoc(const struct fat_volume *v, uint32_t value);
bool fat_cluster_ok(const struct fat_volume *v, uint32_t cluster);
/* The cluster `n` steps along a chain; a loop or a bad link is FAT_ECORRUPT. */
int fat_chain_walk(struct fat_volume *v, uint32_t first, uint32_t n, uint32_t *out);
int fat_chain_length(struct fat_volume *v, uint32_t first, uint32_t *n);
/* n free clusters linked into a new chain ending in EOC. */
int fat_alloc_chain(struct fat_volume *v, uint32_t n, uint32_t *first);
int fat_free_chain(struct fat_volume *v, uint32_t first);
int fat_write_fsinfo(struct fat_volume *v);

/* ---- name.c: [FAT] "FAT Long Directory Entries" ---------------------------- */
#define FAT_ATTR_READ_ONLY 0x01
#define FAT_ATTR_HIDDEN    0x02
#define FAT_ATTR_SYSTEM    0x04
#define FAT_ATTR_VOLUME_ID 0x08
#define FAT_ATTR_DIRECTORY 0x10
#define FAT_ATTR_ARCHIVE   0x20
#define FAT_ATTR_LONG_NAME 0x0F
#define FAT_LAST_LONG_ENTRY 0x40
#define FAT_LFN_CHARS      13
#define FAT_DELETED        0xE5
#define FAT_NTRES_LOWER_BASE 0x08   /* Windows NT case bits in DIR_NTRes */
#define FAT_NTRES_LOWER_EXT  0x10

uint8_t fat_lfn_checksum(const uint8_t shortname[11]);
/* "README.TXT" -> "README  TXT"; false unless `name` is already a valid 8.3 name
   (any case); *lower_bits gets the NT case bits that give back its case. */
bool fat_short_from_name(const char *name, uint8_t out[11], uint8_t *lower_bits);
void fat_short_to_name(const uint8_t sfn[11], uint8_t ntres, char *out);  /* 13 bytes */
/* [FAT] "Numeric-Tail Generation": the basis name, then "~N" (n >= 1). */
void fat_short_basis(const char *name, uint8_t out[11], bool *lossy);
void fat_short_with_tail(const uint8_t basis[11], uint32_t n, uint8_t out[11]);
bool fat_name_valid(const char *name);      /* a long name this code may create */
bool fat_name_readable(const char *name);   /* a long name found on a disk that [FAT] allows */
int fat_lfn_entries(const char *name);      /* how many long entries a name needs */
void fat_lfn_pack(uint8_t ent[FAT_DIRENT_SIZE], const char *name, int seq, bool last,
                  uint8_t checksum);
/* Copies the entry's 13 characters into name at (seq-1)*13 (other than ASCII as '?');
   false for a sequence number past 20 or a character [FAT] forbids in a name. */
bool fat_lfn_unpack(const uint8_t ent[FAT_DIRENT_SIZE], char name[FAT_NAME_MAX + 14]);
bool fat_name_equal(const char *a, const char *b);  /* ASCII, case-insensitive */
/* The next '/'-separated word of *path (empty words skipped); false at the end, or
   with *err = FAT_ENAMETOOLONG at a word longer than FAT_NAME_MAX. */
bool fat_path_next(const char **path, char word[FAT_NAME_MAX + 1], int *err);
/* 0, or FAT_ENAMETOOLONG: fat_begin_write checks a path before anything is written. */
int fat_path_check(const char *path);

/* ---- dir.c ------------------------------------------------------------------ */
struct fat_node {
    char name[FAT_NAME_MAX + 14];   /* the long name, or the 8.3 name with its case */
    uint8_t sfn[11];
    uint8_t attr;
    uint32_t cluster;               /* first cluster; 0 for an empty file (or the root) */
    uint32_t size;
    uint32_t parent;                /* the directory's first cluster (0: fixed root) */
    uint32_t slot;                  /* index of the 8.3 entry in the directory */
    uint32_t first_slot;            /* index of its first long entry (== slot if none) */
};
static inline bool fat_node_is_dir(const struct fat_node *n)
{
    return (n->attr & FAT_ATTR_DIRECTORY) != 0;
}

/* Call fn for each entry (not ".", "..", labels) in disk order; fn returns
   false to stop. */
typedef bool (*fat_list_fn)(void *arg, const struct fat_node *n);
int fat_dir_list(struct fat_volume *v, uint32_t dir, fat_list_fn fn, void *arg);
/* The same walk, with each 8.3 entry's 32 bytes too. */
typedef bool (*fat_walk_fn)(void *arg, const struct fat_node *n, const uint8_t *ent);
int fat_dir_walk(struct fat_volume *v, uint32_t dir, fat_walk_fn fn, void *arg);
int fat_dir_find(struct fat_volume *v, uint32_t dir, const char *name, struct fat_node *out);
int fat_lookup(struct fat_volume *v, const char *path, struct fat_node *out);
/* The parent of `path` (a directory) and the last word of the path. */
int fat_lookup_parent(struct fat_volume *v, const char *path, struct fat_node *parent,
                      char last[FAT_NAME_MAX + 1]);
int fat_dir_sfn_taken(struct fat_volume *v, uint32_t dir, const uint8_t sfn[11], bool *taken);
/* A cursor moving along a directory one entry at a time: its chain is followed once, and a
   loop in it is found within twice the chain's length (Brent). */
#define FAT_DIR_MAX_ENTRIES 65536   /* [FAT] "FAT Directory Structure": a directory's limit */
struct fat_dir_pos {
    uint32_t dir;                   /* first cluster; 0: the FAT12/16 root */
    uint32_t index, cluster;        /* the entry under the cursor and its cluster */
    uint64_t lba;
    uint32_t offset;
    uint32_t tortoise, power, steps;    /* Brent's cycle finding */
};
int fat_dir_start(struct fat_volume *v, uint32_t dir, struct fat_dir_pos *pos);
/* The next entry; FAT_ENOSPC past the end (or entry 65535). */
int fat_dir_next(struct fat_volume *v, struct fat_dir_pos *pos);
/* Where directory entry `index` lives; FAT_ENOSPC past the end of the directory. */
int fat_dir_slot(struct fat_volume *v, uint32_t dir, uint32_t index, uint64_t *lba,
                 uint32_t *offset);
/* Write the entries of a new name (long entries + the 8.3 one): inside one sector for
   up to 15 long entries, else over two (the one with the 8.3 entry first). */
int fat_dir_add(struct fat_volume *v, uint32_t dir, const char *name, uint8_t attr,
                uint32_t cluster, uint32_t size, struct fat_node *out);
int fat_dir_update(struct fat_volume *v, const struct fat_node *n);    /* cluster, size */
int fat_dir_remove(struct fat_volume *v, const struct fat_node *n);
void fat_dirent_init(uint8_t ent[FAT_DIRENT_SIZE], const uint8_t sfn[11], uint8_t attr,
                     uint32_t cluster, uint32_t size);

/* ---- file.c ------------------------------------------------------------------ */
/* Bytes read (short only at the end of the file), or an error. */
int32_t fat_read(struct fat_volume *v, const struct fat_node *n, uint32_t offset, void *buf,
                 uint32_t len);
/* Where the bytes of a write come from: fill buf with `len` bytes at `offset`. */
typedef void (*fat_fill_fn)(void *arg, uint32_t offset, uint8_t *buf, uint32_t len);
/* Create or replace (append: extend) the file at path with `size` bytes from fill. */
int fat_write_file(struct fat_volume *v, const char *path, uint32_t size, bool append,
                   fat_fill_fn fill, void *arg);
int fat_truncate(struct fat_volume *v, const char *path, uint32_t size);
int fat_mkdir(struct fat_volume *v, const char *path);
int fat_remove(struct fat_volume *v, const char *path);     /* a file or an empty directory */

/* ---- ataio.c (kernel only): lab 4's IRQ-driven path as a blockdev --------- */
struct blockdev *fat_ata_open(int channel, int unit);  /* NULL unless an ATA disk */
void fat_ata_crash_after(uint32_t sectors);     /* stop the machine after that many; 0 never */
uint32_t fat_ata_sector_writes(void);

#endif
