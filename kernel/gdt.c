/*
 * gdt.c - a flat 4 GiB code and data segment (Intel SDM Vol. 3A, 3.4.5
 * "Segment Descriptors"), plus two empty slots for task-state segments. A
 * flat code and data segment for ring 3 (DPL 3) follow, but only lab 8, the
 * first to enter that ring, puts them in and widens the GDT's limit: until
 * then the GDT is exactly what stages 0-7 always had (lab 1's fault=ss
 * program adds its descriptor just past the limit, and prints its selector).
 * boot.S calls gdt_init before kmain: the loader's GDT may live in memory
 * we are about to reuse (Multiboot Spec 0.6.96, 3.2).
 */
#include <stdint.h>
#include "gdt.h"

struct gdt_entry {
    uint16_t limit_lo;
    uint16_t base_lo;
    uint8_t base_mid;
    uint8_t access;
    uint8_t limit_hi_flags;     /* limit 19:16 in the low nibble, flags above */
    uint8_t base_hi;
} __attribute__((packed));

struct gdt_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

#define GDT_ACCESS_CODE  0x9A   /* present, ring 0, code, readable */
#define GDT_ACCESS_DATA  0x92   /* present, ring 0, data, writable */
#define GDT_ACCESS_TSS   0x89   /* present, ring 0, 32-bit available TSS */
#define GDT_ACCESS_DPL3  0x60   /* descriptor privilege level 3 */
#define GDT_FLAGS_4K_32  0xC0   /* granularity 4 KiB, 32-bit default size */
#define GDT_BOOT_ENTRIES 5      /* null, kernel code, kernel data, two TSS slots */
#define GDT_ENTRIES      8      /* ... the ring 3 pair, and the TLS slot (Linux personality) */

static struct gdt_entry gdt[GDT_ENTRIES];

static void set_entry(int i, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    gdt[i].limit_lo = limit & 0xFFFF;
    gdt[i].base_lo = base & 0xFFFF;
    gdt[i].base_mid = (base >> 16) & 0xFF;
    gdt[i].access = access;
    gdt[i].limit_hi_flags = (uint8_t)(((limit >> 16) & 0x0F) | flags);
    gdt[i].base_hi = (base >> 24) & 0xFF;
}

void gdt_set_tss(uint16_t selector, uintptr_t base, uint32_t limit)
{
    set_entry(selector >> 3, (uint32_t)base, limit, GDT_ACCESS_TSS, 0);
}

void gdt_add_user_segments(void)
{
    struct gdt_ptr ptr = { sizeof gdt - 1, (uint32_t)(uintptr_t)gdt };

    set_entry(GDT_USER_CODE >> 3, 0, 0xFFFFF, GDT_ACCESS_CODE | GDT_ACCESS_DPL3, GDT_FLAGS_4K_32);
    set_entry(GDT_USER_DATA >> 3, 0, 0xFFFFF, GDT_ACCESS_DATA | GDT_ACCESS_DPL3, GDT_FLAGS_4K_32);
    __asm__ volatile("lgdt %0" : : "m"(ptr) : "memory");     /* the same table, a wider limit */
}

/* Stage 9's Linux personality (labs/lab9-proc/linux_tls.c): the thread-local storage
   descriptor of the thread about to run, which %gs names in ring 3 (set_thread_area(2)). */
void gdt_set_user_tls(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    set_entry(GDT_USER_TLS >> 3, base, limit, access, flags);
}

void gdt_init(void)
{
    struct gdt_ptr ptr = { GDT_BOOT_ENTRIES * sizeof gdt[0] - 1, (uint32_t)(uintptr_t)gdt };

    set_entry(GDT_KERNEL_CODE >> 3, 0, 0xFFFFF, GDT_ACCESS_CODE, GDT_FLAGS_4K_32);
    set_entry(GDT_KERNEL_DATA >> 3, 0, 0xFFFFF, GDT_ACCESS_DATA, GDT_FLAGS_4K_32);
    __asm__ volatile(
        "lgdt %0\n\t"
        "movw %w1, %%ds\n\t"
        "movw %w1, %%es\n\t"
        "movw %w1, %%fs\n\t"
        "movw %w1, %%gs\n\t"
        "movw %w1, %%ss\n\t"
        "ljmp %2, $1f\n"        /* a far jump is the only way to reload CS */
        "1:"
        : : "m"(ptr), "r"(GDT_KERNEL_DATA), "i"(GDT_KERNEL_CODE) : "memory");
}
