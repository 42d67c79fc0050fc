/*
 * bootinfo.h - what the boot loader told us, copied out of its memory before
 * the heap may reuse it: the loader's name, the memory map. The command line
 * is copied by cmdline_init (options.c), which kmain calls before the heap.
 */
#ifndef CAIRN_BOOTINFO_H
#define CAIRN_BOOTINFO_H

#include <stdint.h>
#include "multiboot.h"

#define BOOTINFO_MAX_REGIONS 32

struct mem_region {
    uint64_t base;
    uint64_t len;
    uint32_t type;              /* MB_MMAP_AVAILABLE (1) is usable RAM */
};

struct bootinfo {
    char loader[64];
    const char *cmdline;        /* the loader's, in its memory: valid until the heap starts */
    uint32_t mem_lower_kib, mem_upper_kib;
    int nregions;
    struct mem_region regions[BOOTINFO_MAX_REGIONS];
};

extern struct bootinfo bootinfo;

void bootinfo_init(const struct multiboot_info *mbi);
const char *mem_region_type_name(uint32_t type);

#endif
