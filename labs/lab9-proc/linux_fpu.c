/*
 * linux_fpu.c - the x87 FPU and SSE registers for ring 3. glibc picks its
 * string functions by CPUID (SSE2 strrchr, memcpy...), and printf("%f")
 * uses the x87, so stage 9 turns both on (Intel SDM Vol. 3A, 2.5 "Control
 * Registers": CR0.EM off, CR0.MP on, CR4.OSFXSR and CR4.OSXMMEXCPT on;
 * 13.1 "Providing Non-Numeric Exceptions...") and keeps each process's
 * registers apart: the switch hook saves the registers of the process that
 * last had them (FXSAVE, Vol. 2A) into its linux_state and restores the
 * next one's (FXRSTOR). The kernel itself uses neither, so a switch to a
 * kernel thread leaves them where they are.
 */
#include "kstring.h"
#include "kproc.h"
#include "x86.h"

#define CR0_MP 0x02
#define CR0_EM 0x04
#define CR0_TS 0x08
#define CR0_NE 0x20
#define CR4_OSFXSR     0x200
#define CR4_OSXMMEXCPT 0x400

static uint8_t fx_buf[LINUX_FPU_BYTES] __attribute__((aligned(16)));   /* FXSAVE's 16 */
static uint8_t fx_initial[LINUX_FPU_BYTES];     /* after FNINIT: what a new program gets */
static struct proc *fpu_owner;          /* whose registers the FPU holds (interrupts masked) */

void linux_fpu_init(void)
{
    uint32_t cr0, cr4;

    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(uint32_t)(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE;
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0));
    __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
    cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    __asm__ volatile("movl %0, %%cr4" : : "r"(cr4));
    __asm__ volatile("fninit; fxsave %0" : "=m"(fx_buf));
    memcpy(fx_initial, fx_buf, sizeof fx_initial);
}

static void save_to(struct proc *p)
{
    __asm__ volatile("fxsave %0" : "=m"(fx_buf));
    memcpy(p->lx.fpu, fx_buf, sizeof fx_buf);
    p->lx.fpu_valid = true;
}

static void restore_from(const struct proc *p)
{
    memcpy(fx_buf, p && p->lx.fpu_valid ? p->lx.fpu : fx_initial, sizeof fx_buf);
    __asm__ volatile("fxrstor %0" : : "m"(fx_buf));
}

/* The switch hook, interrupts masked. */
void linux_fpu_switch(struct proc *next)
{
    if (!next || next == fpu_owner)
        return;
    if (fpu_owner)
        save_to(fpu_owner);
    restore_from(next);
    fpu_owner = next;
}

/* fork: the child starts with the parent's registers as they are now. */
void linux_fpu_fork(struct proc *child, struct proc *parent)
{
    intr_state_t fl = intr_disable();
    if (fpu_owner == parent)
        save_to(child);
    intr_restore(fl);
}

/* execve: a new program starts with a clean FPU; an ended one leaves nothing to save. */
void linux_fpu_forget(struct proc *p, bool reset)
{
    intr_state_t fl = intr_disable();
    p->lx.fpu_valid = false;
    if (fpu_owner == p) {
        if (reset)
            restore_from(NULL);
        else
            fpu_owner = NULL;
    }
    intr_restore(fl);
}

/* The current process's FPU image as it is now (its registers, if they are loaded). */
void linux_fpu_get(struct proc *p, uint8_t out[LINUX_FPU_BYTES])
{
    intr_state_t fl = intr_disable();
    if (fpu_owner == p)
        save_to(p);
    memcpy(out, p->lx.fpu_valid ? p->lx.fpu : fx_initial, LINUX_FPU_BYTES);
    intr_restore(fl);
}

/*
 * Back from a signal handler: the image saved in its frame, which the program could have
 * changed. MXCSR's reserved bits would make FXRSTOR fault in the kernel (SDM Vol. 1,
 * 11.6.6): they are cleared, with the mask this CPU reported (offset 28; 0: 0xFFBF).
 */
void linux_fpu_put(struct proc *p, const uint8_t in[LINUX_FPU_BYTES])
{
    uint32_t mask, mxcsr;

    memcpy(&mask, fx_initial + 28, 4);
    intr_state_t fl = intr_disable();
    memcpy(p->lx.fpu, in, LINUX_FPU_BYTES);
    memcpy(&mxcsr, p->lx.fpu + 24, 4);
    mxcsr &= mask ? mask : 0xFFBFu;
    memcpy(p->lx.fpu + 24, &mxcsr, 4);
    p->lx.fpu_valid = true;
    if (fpu_owner == p)
        restore_from(p);
    intr_restore(fl);
}
