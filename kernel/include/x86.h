/*
 * x86.h - the handful of i386 instructions C cannot express: port I/O, the
 * interrupt flag, hlt. (Intel SDM Vol. 2: IN/OUT, INS/OUTS, CLI/STI, HLT.)
 */
#ifndef CAIRN_X86_H
#define CAIRN_X86_H

#include <stdint.h>
#include <stddef.h>

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

/* Read/write `words` 16-bit words between a port and memory (rep insw/outsw). */
static inline void insw(uint16_t port, void *buf, size_t words)
{
    __asm__ volatile("cld; rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

static inline void outsw(uint16_t port, const void *buf, size_t words)
{
    __asm__ volatile("cld; rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

/* A write to an unused port takes about 1 us on ISA: the classic I/O delay. */
static inline void io_wait(void)
{
    outb(0x80, 0);
}

#define EFLAGS_IF (1u << 9)

static inline uint32_t read_eflags(void)
{
    uint32_t f;
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    return f;
}

/* Control and segment registers (SDM Vol. 3A, 2.5 "Control Registers"). */
static inline uint32_t read_cr2(void)       /* the last page-fault address */
{
    uint32_t v;
    __asm__ volatile("movl %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint32_t read_cr3(void)       /* the page directory in use */
{
    uint32_t v;
    __asm__ volatile("movl %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(uint32_t pgdir)  /* switch page directory; flushes the TLB */
{
    __asm__ volatile("movl %0, %%cr3" : : "r"(pgdir) : "memory");
}

static inline uint16_t read_ss(void)
{
    uint16_t v;
    __asm__ volatile("movw %%ss, %0" : "=r"(v));
    return v;
}

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }

/*
 * irq_save/irq_restore nest: each restore puts IF back to what its save found,
 * so a function that masks interrupts can be called with them on or off.
 */
typedef uint32_t irq_flags_t;

static inline irq_flags_t irq_save(void)
{
    irq_flags_t f = read_eflags();
    cli();
    return f;
}

static inline void irq_restore(irq_flags_t f)
{
    if (f & EFLAGS_IF)
        sti();
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Bochs stops in its debugger here (magic_break: enabled=1); a no-op elsewhere. */
#define BOCHS_BREAK() __asm__ volatile("xchgw %bx, %bx")

#endif
