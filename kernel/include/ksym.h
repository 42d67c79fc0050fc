/*
 * ksym.h - kernel symbol lookup for reports ("eip 0x00101234 <idt_init+0x1c>").
 * The build links the kernel twice: the second link carries a table of the
 * first link's text symbols (tools/ksyms.py); text does not move between them.
 */
#ifndef CAIRN_KSYM_H
#define CAIRN_KSYM_H

#include <stdint.h>

/* The name of the function containing addr, or NULL; *offset gets addr - start. */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);
/* Look a function up by name: 0 if absent. */
uintptr_t ksym_address(const char *name);

#endif
