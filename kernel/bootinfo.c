/*
 * bootinfo.c - copy what the loader passed (Multiboot Spec 0.6.96, 3.3
 * "Boot information format") into the kernel before anything can overwrite
 * it. Each field is valid only if its bit is set in mbi->flags.
 */
#include "bootinfo.h"
#include "kstring.h"

struct bootinfo bootinfo;

static void copy_memory_map(const struct multiboot_info *mbi)
{
    uintptr_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;

    while (p < end && bootinfo.nregions < BOOTINFO_MAX_REGIONS) {
        const struct multiboot_mmap_entry *e = (const void *)p;
        struct mem_region *r = &bootinfo.regions[bootinfo.nregions++];
        r->base = e->addr;
        r->len = e->len;
        r->type = e->type;
        p += e->size + sizeof e->size;
    }
}

void bootinfo_init(const struct multiboot_info *mbi)
{
    strlcpy(bootinfo.loader, "unknown", sizeof bootinfo.loader);
    if (mbi->flags & MB_INFO_LOADER_NAME)
        strlcpy(bootinfo.loader, (const char *)(uintptr_t)mbi->boot_loader_name,
                sizeof bootinfo.loader);
    bootinfo.cmdline = "";
    if (mbi->flags & MB_INFO_CMDLINE)
        bootinfo.cmdline = (const char *)(uintptr_t)mbi->cmdline;
    if (mbi->flags & MB_INFO_MEMORY) {
        bootinfo.mem_lower_kib = mbi->mem_lower;
        bootinfo.mem_upper_kib = mbi->mem_upper;
    }
    if (mbi->flags & MB_INFO_MEM_MAP)
        copy_memory_map(mbi);
}

const char *mem_region_type_name(uint32_t type)
{
    switch (type) {
    case 1: return "available";
    case 2: return "reserved";
    case 3: return "ACPI reclaimable";
    case 4: return "ACPI NVS";
    case 5: return "bad";
    default: return "unknown";
    }
}
