/*
 * x86.h - the handful of i386 instructions C cannot express: port I/O, the
 * interrupt flag, hlt. (Intel SDM Vol. 2: IN/OUT, INS/OUTS, CLI/STI, HLT.)
 */
#ifndef CAIRN_X86_H
#define CAIRN_X86_H

#include <stdbool.h>
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

#define EFLAGS_IF (1u << 9)             /* the interrupt flag (SDM Vol. 1, 3.4.3.3) */

static inline uint32_t read_eflags(void)
{
    uint32_t f;
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    return f;
}

/* Control and segment registers (SDM Vol. 3A, 2.5 "Control Registers"). */
static inline uint32_t read_cr0(void)       /* PG (bit 31), WP (bit 16), PE (bit 0), ... */
{
    uint32_t v;
    __asm__ volatile("movl %%cr0, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(uint32_t v)    /* setting PG turns paging on at the next fetch */
{
    __asm__ volatile("movl %0, %%cr0" : : "r"(v) : "memory");
}

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

#if defined(__i386__)
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
#else
/* On the host the fake machines define it: a hlt on its own is a lab 3 or 6 bug
   (an interrupt between a separate sti and the hlt would be slept through). */
void hlt(void);
#endif

/*
 * Masking interrupts: the one way, for the kernel and every lab (SDM Vol. 3A,
 * 6.8.1 "Masking Maskable Hardware Interrupts"). On one CPU a masked stretch
 * is the whole lock: nothing else can run in it. intr_disable() returns what
 * IF was and intr_restore() puts that back, so the pair nests: a function that
 * masks may be called with interrupts on or off. intr_enable_and_halt() is
 * "sti; hlt" as one asm statement: STI's shadow covers exactly the HLT (SDM
 * Vol. 2B, STI), so an IRQ pending since the caller's check ends the halt
 * instead of being taken, and slept past, before it.
 *
 * Lab 3 and lab 6 run on the host's fake machines too (tests/lab3_fake.h,
 * tests/lab6_fake.h), where no cli can run: there these are functions the
 * fake defines.
 */
typedef uint32_t intr_state_t;          /* IF as intr_disable found it: 0 = masked */
#if defined(__i386__)
static inline bool intr_enabled(void)
{
    return (read_eflags() & EFLAGS_IF) != 0;
}

static inline intr_state_t intr_disable(void)
{
    intr_state_t was = read_eflags() & EFLAGS_IF;
    __asm__ volatile("cli" ::: "memory");
    return was;
}

static inline void intr_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

static inline void intr_restore(intr_state_t was)
{
    if (was)
        intr_enable();
}

static inline void intr_enable_and_halt(void)
{
    __asm__ volatile("sti; hlt" ::: "memory");
}
#else
bool intr_enabled(void);
intr_state_t intr_disable(void);
void intr_enable(void);
void intr_restore(intr_state_t was);
void intr_enable_and_halt(void);
#endif

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Bochs stops in its debugger here (magic_break: enabled=1); a no-op elsewhere. */
#define BOCHS_BREAK() __asm__ volatile("xchgw %bx, %bx")

#endif
