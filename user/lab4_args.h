/*
 * lab4_args.h - the sector addresses of lab 4's program options, parsed with
 * the kernel's checked number parser (parse.h):
 *
 *     C.U:LBA        channel C (below the caller's channel count), unit U
 *                    (0 master, 1 slave), sector LBA (any 64-bit number: the
 *                    driver checks it against the drive)
 *     C.U:LBA+N      the same and the N sectors from it (1 <= N <= a maximum)
 *
 * Pure (no I/O): the host tests fuzz it as is.
 */
#ifndef CAIRN_USER_LAB4_ARGS_H
#define CAIRN_USER_LAB4_ARGS_H

#include <stdint.h>
#include "parse.h"

#define SECTOR_UNITS 2          /* per channel: master and slave */

struct sector_ref {
    int channel, unit;
    uint64_t lba;
    uint32_t count;             /* N; 1 when there is no "+N" */
};

/*
 * The whole string `s` as one sector address: "C.U:LBA" when max_count is 0,
 * "C.U:LBA+N" with N from 1 to max_count otherwise.
 */
enum parse_status sector_ref_parse(const char *s, int nchannels, uint32_t max_count,
                                   struct sector_ref *ref);

/* "C.U:LBA,C.U:LBA,...": 1 to `cap` addresses, no empty item, no trailing comma. */
enum parse_status sector_ref_list(const char *s, int nchannels, struct sector_ref *out,
                                  int cap, int *n);

#endif
