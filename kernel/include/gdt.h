/*
 * gdt.h - the flat segments every stage runs in (Intel SDM Vol. 3A, 3.4.5),
 * with spare slots a lab can use for task-state segments, and the ring 3 pair that
 * lab 8's user programs run in (gdt_add_user_segments: no stage before 8 has them). Assembly includes
 * it for the selectors (the C part is hidden from the assembler).
 */
#ifndef CAIRN_GDT_H
#define CAIRN_GDT_H

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS0        0x18    /* free for a lab's TSS */
#define GDT_TSS1        0x20    /* free for a lab's TSS (e.g. the double fault task) */
#define GDT_USER_CODE   0x28    /* ring 3 flat code: load it as GDT_USER_CODE | 3 */
#define GDT_USER_DATA   0x30    /* ring 3 flat data: GDT_USER_DATA | 3 */
#define GDT_USER_TLS    0x38    /* ring 3 thread-local storage (set_thread_area, lab 9) */
#define GDT_RPL_USER    3       /* the requested privilege level of a ring 3 selector */

#ifndef __ASSEMBLER__
#include <stdint.h>

void gdt_init(void);
/* The ring 3 code and data segments, and the GDT's limit widened to hold them. */
void gdt_add_user_segments(void);
/* Installs a 32-bit available TSS descriptor (type 9) in a spare slot. */
void gdt_set_tss(uint16_t selector, uintptr_t base, uint32_t limit);

/* The ring 3 TLS slot's descriptor (raw access byte and flags nibble, SDM 3A 3.4.5). */
void gdt_set_user_tls(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags);

#endif /* __ASSEMBLER__ */

#endif
