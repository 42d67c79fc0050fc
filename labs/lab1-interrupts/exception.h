/*
 * exception.h - the 32 exception vectors by name, which of them push an
 * error code, and what that code says (Intel SDM Vol. 3A, 6.3.1 Table 6-1,
 * 6.13 "Error Code", 6.15 "Exception and Interrupt Reference").
 * Pure: no port I/O, built on the host too. trapentry.S includes it for
 * EXC_ERROR_CODE_MASK (the C part is hidden from the assembler).
 */
#ifndef CAIRN_LAB1_EXCEPTION_H
#define CAIRN_LAB1_EXCEPTION_H

/*
 * Bit v set: exception v pushes an error code (SDM Table 6-1's "Error Code"
 * column; 29 and 30 are AMD's #VC and #SX). The one list: trapentry.S builds
 * its stubs from it and exception_has_error_code answers from it.
 */
#define EXC_ERROR_CODE_MASK ((1 << 8) /* #DF */ | (1 << 10) /* #TS */ | (1 << 11) /* #NP */ | \
                             (1 << 12) /* #SS */ | (1 << 13) /* #GP */ | (1 << 14) /* #PF */ | \
                             (1 << 17) /* #AC */ | (1 << 21) /* #CP */ | (1 << 29) /* #VC */ | \
                             (1 << 30) /* #SX */)
#define EXC_VECTORS 32          /* 0-31 are the CPU's; none above pushes an error code */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

enum {
    EXC_DE = 0,  EXC_DB = 1,  EXC_NMI = 2, EXC_BP = 3,  EXC_OF = 4,  EXC_BR = 5,
    EXC_UD = 6,  EXC_NM = 7,  EXC_DF = 8,  EXC_CSO = 9, EXC_TS = 10, EXC_NP = 11,
    EXC_SS = 12, EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18,
    EXC_XM = 19, EXC_VE = 20, EXC_CP = 21, EXC_HV = 28, EXC_VC = 29, EXC_SX = 30,
    EXC_COUNT = EXC_VECTORS,
};

/* Selector error code (SDM 6.13): which descriptor the fault was about. */
#define ERR_EXT         0x1     /* an event external to the program (an IRQ, another fault) */
#define ERR_IDT         0x2     /* the index names an IDT gate ... */
#define ERR_TI          0x4     /* ... else: 1 = LDT, 0 = GDT */
#define ERR_INDEX_SHIFT 3

/* Page-fault error code (SDM Vol. 3A, 4.7, Figure 4-12). */
#define PF_P     0x01           /* 0: page not present; 1: protection violation */
#define PF_W     0x02           /* a write (else a read) */
#define PF_U     0x04           /* in user mode (else supervisor) */
#define PF_RSVD  0x08           /* a reserved bit set in a paging entry */
#define PF_I     0x10           /* an instruction fetch */
#define PF_PK    0x20           /* protection keys */

/* "#GP general protection fault"; "reserved exception" or "interrupt" beyond. */
const char *exception_name(uint32_t vector);
/* Whether the CPU pushes an error code for this exception (32..255: never). */
int exception_has_error_code(uint32_t vector);
/*
 * The error code in words, into buf: "GDT selector 0x10", "IDT vector 0x2e,
 * external", "not-present page, write, supervisor, cr2 0x40000000". Empty when
 * there is nothing to say (a zero selector code, #DF's always-zero code).
 * Returns buf.
 */
char *exception_describe_error(uint32_t vector, uint32_t error, uint32_t cr2,
                               char *buf, size_t size);

#endif /* __ASSEMBLER__ */

#endif
