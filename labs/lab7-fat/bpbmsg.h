/*
 * bpbmsg.h - the exact words with which bpb.c refuses a volume, in one place:
 * bpb.c prints them, tests/test_lab7_bpb.c requires them word for word (and
 * that handouts/lab7.md states each one), the grader matches some of them.
 * Each is printed as BPB_REFUSAL: the words, then the value in parentheses,
 * as in "sectors per cluster is not a power of two (3)".
 *
 * [FAT] "Boot Sector and BPB" and "FAT Type Determination" say why each
 * value is impossible; handouts/lab7.md section 1 lists them.
 */
#ifndef CAIRN_LAB7_BPBMSG_H
#define CAIRN_LAB7_BPBMSG_H

#define BPB_REFUSAL            "%s (%u)"
#define BPB_NO_SIGNATURE       "no boot sector signature 0x55 0xAA"
#define BPB_NO_JUMP            "no jump instruction at the start of the boot sector"
#define BPB_SECTOR_UNSUPPORTED "bytes per sector other than 512 are not supported"
#define BPB_SECTOR_IMPOSSIBLE  "impossible bytes per sector"
#define BPB_SPC_NOT_POWER      "sectors per cluster is not a power of two"
#define BPB_NO_RESERVED        "no reserved sectors"
#define BPB_NO_FATS            "no FAT copies"
#define BPB_ROOT_PARTIAL       "root entries do not fill whole sectors"
#define BPB_NO_TOTAL           "no total sector count"
#define BPB_FAT16_SIZE_ZERO    "BPB_FATSz16 is zero but the root directory has entries"
#define BPB_FAT_EMPTY          "a FAT of zero sectors"
#define BPB_NO_ROOM            "reserved, FAT and root sectors fill the whole volume"
#define BPB_NO_CLUSTERS        "no data clusters"
#define BPB_CLUSTER_TOO_BIG    "clusters larger than 64 KiB"
#define BPB_TOO_MANY_CLUSTERS  "more clusters than FAT32 can number"
#define BPB_FAT_TOO_SMALL      "the FAT is too small for the cluster count"
#define BPB_NO_ROOT            "a FAT12/16 cluster count with no root directory"
#define BPB_FAT32_LAYOUT       "a FAT32 cluster count with a FAT12/16 layout"
#define BPB_ROOT_OUTSIDE       "the root cluster is outside the volume"
#define BPB_LARGER_THAN_DISK   "the volume is larger than the disk"
#define BPB_PARTITION_OUTSIDE  "a FAT partition outside the disk"
/* Neither a boot sector (the BPB's own refusal inside) nor an MBR. */
#define BPB_NO_VOLUME "sector 0 is neither a FAT boot sector (%s) nor an MBR with a FAT partition"

#endif
