/*
 * linux_tls.c - set_thread_area(2) and get_thread_area(2): glibc keeps its
 * thread control block (errno, the stack guard, the thread's own pointer)
 * at %gs:0, so its start-up asks for a segment whose base is that block.
 * i386 Linux gives each thread a few GDT slots it reloads on every switch;
 * Cairn has one, GDT_USER_TLS (kernel/gdt.c), that the switch hook fills
 * with the next process's descriptor. A segment descriptor's fields are the
 * Intel SDM Vol. 3A, 3.4.5 "Segment Descriptors" (Figure 3-8); the GDT is
 * 3A, 3.5.1. The frame's %gs is popped after the switch, so a process
 * always reloads its own base on the way back to ring 3.
 */
#include "gdt.h"
#include "kproc.h"
#include "x86.h"

/* struct user_desc (asm/ldt.h): entry_number, base_addr, limit, then bit fields. */
struct user_desc {
    uint32_t entry_number, base_addr, limit, bits;
};
#define UD_SEG_32BIT      0x01
#define UD_CONTENTS       0x06          /* 0: data; 2: code (not for %gs) */
#define UD_READ_EXEC_ONLY 0x08
#define UD_LIMIT_IN_PAGES 0x10
#define UD_NOT_PRESENT    0x20
#define UD_USEABLE        0x40

#define ACCESS_DATA_RW_DPL3 0xF2        /* present, DPL 3, data, writable */
#define ACCESS_DATA_RO_DPL3 0xF0        /* present, DPL 3, data, read-only */
#define FLAG_G   0x80                   /* limit in 4 KiB units */
#define FLAG_DB  0x40                   /* 32-bit */
#define FLAG_AVL 0x10                   /* "useable": the OS's bit */
#define TLS_INDEX (GDT_USER_TLS >> 3)

/* The descriptor for s; a process without TLS gets a flat data segment, so that a %gs
   loaded with the selector by a stray program never faults inside the kernel. */
static void load_descriptor(const struct linux_state *s)
{
    if (!s || !s->tls_set) {
        gdt_set_user_tls(0, 0xFFFFF, ACCESS_DATA_RW_DPL3, FLAG_G | FLAG_DB);
        return;
    }
    gdt_set_user_tls(s->tls_base, s->tls_limit, ACCESS_DATA_RW_DPL3,
                     (s->tls_pages ? FLAG_G : 0) | FLAG_DB | FLAG_AVL);
}

void linux_tls_switch(struct thread *next)
{
    struct proc *p = (struct proc *)next->process;

    if (p) {
        load_descriptor(&p->lx);
        linux_fpu_switch(p);
        if (p->lx.set_tid_at)
            linux_fork_switch(p);
    }
}

/* The user_desc at uinfo, for a call that writes it back: 0, or -EFAULT; -EINVAL unless its
   entry_number is Cairn's slot (or, where any is allowed, -1: "pick one"). */
static int32_t fetch_desc(uint32_t uinfo, struct user_desc *d, bool any_slot)
{
    if (!user_writable(uinfo, sizeof *d))
        return -EFAULT;
    copy_in(process_current(), d, uinfo, sizeof *d);
    if (d->entry_number == TLS_INDEX || (any_slot && d->entry_number == 0xFFFFFFFFu))
        return 0;
    return -EINVAL;                     /* one slot, not Linux's three */
}

int32_t linux_set_thread_area(uint32_t uinfo)
{
    struct proc *p = proc_current();
    struct user_desc d;
    int32_t err = fetch_desc(uinfo, &d, true);

    if (err)
        return err;
    if (d.bits & (UD_CONTENTS | UD_READ_EXEC_ONLY))
        return -EINVAL;                 /* a code or read-only %gs: nobody asks for it */
    bool empty = (d.bits & UD_NOT_PRESENT) || (!d.base_addr && !d.limit);
    intr_state_t fl = intr_disable();   /* the switch hook reads it */
    p->lx.tls_set = !empty;
    p->lx.full = true;
    p->lx.tls_base = d.base_addr;
    p->lx.tls_limit = d.limit & 0xFFFFF;
    p->lx.tls_pages = d.bits & UD_LIMIT_IN_PAGES;
    load_descriptor(&p->lx);
    intr_restore(fl);
    d.entry_number = TLS_INDEX;         /* glibc loads %gs with (n << 3) | 3 */
    copy_out(&p->base, uinfo, &d, sizeof d);
    return 0;
}

int32_t linux_get_thread_area(uint32_t uinfo)
{
    struct proc *p = proc_current();
    struct user_desc d;
    int32_t err = fetch_desc(uinfo, &d, false);

    if (err)
        return err;
    d.base_addr = p->lx.tls_base;
    d.limit = p->lx.tls_limit;
    d.bits = UD_SEG_32BIT | UD_USEABLE | (p->lx.tls_pages ? UD_LIMIT_IN_PAGES : 0) |
             (p->lx.tls_set ? 0 : UD_NOT_PRESENT);
    copy_out(&p->base, uinfo, &d, sizeof d);
    return 0;
}
