/*
 * excdecode.c - exception names and error codes in words, for the reports
 * excreport.c prints (Intel SDM Vol. 3A, 6.3.1 Table 6-1 "Protected-Mode
 * Exceptions and Interrupts", 6.13 "Error Code", 4.7 "Page-Fault Exceptions";
 * vectors 28-30 from the AMD64 APM Vol. 2, 8.2).
 */
#include "exception.h"
#include "format.h"
#include "panic.h"

static const char *const names[EXC_COUNT] = {
    [EXC_DE] = "#DE divide error",
    [EXC_DB] = "#DB debug exception",
    [EXC_NMI] = "NMI non-maskable interrupt",
    [EXC_BP] = "#BP breakpoint",
    [EXC_OF] = "#OF overflow",
    [EXC_BR] = "#BR bound range exceeded",
    [EXC_UD] = "#UD invalid opcode",
    [EXC_NM] = "#NM device not available",
    [EXC_DF] = "#DF double fault",
    [EXC_CSO] = "#CSO coprocessor segment overrun",
    [EXC_TS] = "#TS invalid TSS",
    [EXC_NP] = "#NP segment not present",
    [EXC_SS] = "#SS stack-segment fault",
    [EXC_GP] = "#GP general protection fault",
    [EXC_PF] = "#PF page fault",
    [EXC_MF] = "#MF x87 floating-point error",
    [EXC_AC] = "#AC alignment check",
    [EXC_MC] = "#MC machine check",
    [EXC_XM] = "#XM SIMD floating-point exception",
    [EXC_VE] = "#VE virtualization exception",
    [EXC_CP] = "#CP control protection exception",
    [EXC_HV] = "#HV hypervisor injection exception",
    [EXC_VC] = "#VC VMM communication exception",
    [EXC_SX] = "#SX security exception",
};

const char *exception_name(uint32_t vector)
{
    if (vector >= EXC_COUNT)
        return "interrupt";
    return names[vector] ? names[vector] : "reserved exception";
}

int exception_has_error_code(uint32_t vector)
{
    return vector < EXC_COUNT && ((EXC_ERROR_CODE_MASK >> vector) & 1);
}
/* LAB 1: BEGIN SOLUTION */

/* Appends to buf at *len, never past size (ksnprintf truncates). */
static void append(char *buf, size_t size, size_t *len, const char *s)
{
    while (*s && *len + 1 < size)
        buf[(*len)++] = *s++;
    buf[*len] = '\0';
}

static void describe_selector(uint32_t error, char *buf, size_t size)
{
    uint32_t index = error >> ERR_INDEX_SHIFT & 0x1FFF;

    if (error & ERR_IDT)
        ksnprintf(buf, size, "IDT vector 0x%02x", index);
    else
        ksnprintf(buf, size, "%s selector 0x%02x", error & ERR_TI ? "LDT" : "GDT",
                  index << ERR_INDEX_SHIFT);
    if (error & ERR_EXT) {
        size_t len = 0;
        while (buf[len])
            len++;
        append(buf, size, &len, ", external");
    }
}

static void describe_page_fault(uint32_t error, uint32_t cr2, char *buf, size_t size)
{
    size_t len = 0;
    char addr[24];

    buf[0] = '\0';
    append(buf, size, &len, error & PF_P ? "protection violation" : "not-present page");
    append(buf, size, &len, error & PF_W ? ", write" : ", read");
    append(buf, size, &len, error & PF_U ? ", user" : ", supervisor");
    if (error & PF_RSVD)
        append(buf, size, &len, ", reserved bit set");
    if (error & PF_I)
        append(buf, size, &len, ", instruction fetch");
    if (error & PF_PK)
        append(buf, size, &len, ", protection key");
    ksnprintf(addr, sizeof addr, ", cr2 0x%08x", cr2);
    append(buf, size, &len, addr);
}
/* LAB 1: END SOLUTION */

/* Exercise 10: SDM 6.13 (selector error codes) and 4.7 (page faults); see exception.h. */
char *exception_describe_error(uint32_t vector, uint32_t error, uint32_t cr2,
                               char *buf, size_t size)
{
    if (size == 0)
        return buf;
    buf[0] = '\0';
    /* LAB 1: BEGIN SOLUTION */
    switch (vector) {
    case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP:
        if (error != 0)
            describe_selector(error, buf, size);
        break;
    case EXC_PF:
        describe_page_fault(error, cr2, buf, size);
        break;
    default:
        break;          /* #DF, #AC: always 0; #CP's code is not a selector */
    }
    /* LAB 1: STUB
    (void)vector; (void)error; (void)cr2;
    panic("lab1: exception_describe_error() not implemented");
    LAB 1: END SOLUTION */
    return buf;
}
