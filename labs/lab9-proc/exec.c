/*
 * exec.c - execve(2): the calling process runs another program. Its path
 * (resolved against the working directory), argv and envp are copied in
 * first; the new image is built beside the old one, in a directory of its
 * own (lab 8's loader, then the stack of execstack.c); only when all of it
 * worked does the process drop the old one. So a failed execve returns
 * -errno to a program that is still all there. Descriptors stay open, but
 * those marked close-on-exec; the registers start afresh at the new entry.
 */
#include "heap.h"
#include "kprintf.h"
#include "kstring.h"
#include "panic.h"
#include "kproc.h"
#include "x86.h"

#define EXEC_MAX_STRINGS 64             /* argv and envp words, each */

/* A NUL-terminated user string appended to a->strings: 0 or -errno. */
static int copy_string(struct exec_args *a, uint32_t ustr)
{
    struct process *p = process_current();

    for (;; ustr++) {
        if (a->bytes >= PAGE_SIZE / 2)
            return -E2BIG;              /* the strings must leave room for the pointers */
        if (!uaccess_ok(p, ustr, 1, false))
            return -EFAULT;
        copy_in(p, &a->strings[a->bytes], ustr, 1);
        if (!a->strings[a->bytes++])
            return 0;
    }
}

/*
 * Exercise 5a: argv or envp from the user: a vector of string pointers
 * ending at a NULL one (a NULL vector is empty), 4 bytes each, every word
 * checked (uaccess_ok) before copy_in, at most EXEC_MAX_STRINGS; each string
 * appended to a->strings with copy_string. How many strings, or -EFAULT,
 * -E2BIG.
 */
static int copy_vector(struct exec_args *a, uint32_t uvec)
{
    struct process *p = process_current();
    int n = 0;

    /* LAB 9: BEGIN SOLUTION */
    for (; uvec; uvec += 4, n++) {
        uint32_t ptr;
        if (!uaccess_ok(p, uvec, 4, false))
            return -EFAULT;
        copy_in(p, &ptr, uvec, 4);
        if (!ptr)
            return n;
        if (n == EXEC_MAX_STRINGS)
            return -E2BIG;
        int err = copy_string(a, ptr);
        if (err)
            return err;
    }
    return 0;
    /* LAB 9: STUB
    (void)a;
    (void)uvec;
    (void)p;
    (void)n;
    (void)copy_string;
    panic("lab9: copy_vector not implemented");
    LAB 9: END SOLUTION */
}

/*
 * Exercise 5b: the new image in img, whose directory is its own: the
 * program's segments (lab 8's load_image, quietly: execve fails with -errno,
 * it prints nothing), then a frame for the stack's top page filled by
 * exec_stack_build and mapped user-writable at USER_TOP - PAGE_SIZE (counted
 * in img->frames; the pool with interrupts masked). img->user_esp is where
 * the program starts. 0, or -errno with anything not mapped given back (the
 * caller frees the directory and what is mapped in it).
 */
static int build_image(struct process *img, const char *path, const struct exec_args *a)
{
    uint32_t esp, pa;
    int err;

    /* LAB 9: BEGIN SOLUTION */
    if ((err = load_image(img, path, false)))
        return err;
    intr_state_t fl = intr_disable();
    pa = frame_alloc(&frame_pool);
    intr_restore(fl);
    if (!pa)
        return -ENOMEM;
    if ((err = exec_stack_build(frame_kva(pa), a, img->entry, &esp)) ||
        pgtable_map(&frame_pool, img->pgdir, USER_TOP - PAGE_SIZE, pa, PTE_W | PTE_U, &img->frames)) {
        fl = intr_disable();
        frame_free(&frame_pool, pa);
        intr_restore(fl);
        return err ? err : -ENOMEM;
    }
    img->frames++;
    img->user_esp = esp;
    return 0;
    /* LAB 9: STUB
    (void)img;
    (void)path;
    (void)a;
    (void)esp;
    (void)pa;
    (void)err;
    panic("lab9: build_image not implemented (%s)", path);
    LAB 9: END SOLUTION */
}

/*
 * Exercise 5c: the point of no return. img holds the new program, built in a
 * directory of its own. Make it the process's: its directory in p->base and
 * in CR3 (paging_switch), then free the old user half (pgtable_free_user:
 * shared frames lose one reference), all with interrupts masked (the pool
 * is everyone's, and a switch between the two would find a freed directory).
 * Then its entry, heap, break and frame count, and its name (path). Close
 * the close-on-exec descriptors (fd_take_all, ofile_put). Last, the frame
 * the syscall returns through: every register 0, eip the entry, the user esp
 * (the word above the frame) the new stack, eflags IF and the reserved bit.
 */
static void swap_image(struct proc *p, struct process *img, const char *path,
                       struct trapframe *tf)
{
    /* LAB 9: BEGIN SOLUTION */
    uint32_t old = p->base.pgdir;
    struct ofile *open[PROC_MAX_FILES];

    (void)intr_disable();
    p->base.pgdir = img->pgdir;
    paging_switch(img->pgdir);
    pgtable_free_user(&frame_pool, old);
    intr_enable();
    p->base.entry = img->entry;
    p->base.heap_start = img->heap_start;
    p->base.brk = img->brk;
    p->base.frames = img->frames;
    strlcpy(p->base.name, path, sizeof p->base.name);
    int n = fd_take_all(&p->files, true, open);
    for (int i = 0; i < n; i++)
        ofile_put(open[i]);
    tf->edi = tf->esi = tf->ebp = tf->ebx = tf->edx = tf->ecx = tf->eax = 0;
    tf->eip = img->entry;
    tf->eflags = EFLAGS_IF | EFLAGS_RESERVED1;
    p->tf_armed = false;                /* that frame's TF is gone: a signal arms it again */
    tf->esp = img->user_esp;
    /* LAB 9: STUB
    (void)p;
    (void)img;
    (void)path;
    (void)tf;
    panic("lab9: swap_image not implemented");
    LAB 9: END SOLUTION */
}

int32_t sys_execve(struct trapframe *tf, uint32_t upath, uint32_t uargv, uint32_t uenvp)
{
    struct proc *p = proc_current();
    struct process img = { 0 };
    struct exec_args a = { 0 };
    char path[FAT_PATH_MAX];
    int n, err = user_path(upath, path);

    if (err)
        return err;
    linux_exe_alias(path);              /* Linux personality: /proc/self/exe */
    if (!(a.strings = kmalloc(PAGE_SIZE)))
        return -ENOMEM;
    if ((n = copy_vector(&a, uargv)) < 0 || (a.argc = (uint32_t)n, (n = copy_vector(&a, uenvp)) < 0)) {
        kfree(a.strings);
        return n;
    }
    a.envc = (uint32_t)n;
    intr_state_t fl = intr_disable();
    img.pgdir = pgtable_new_dir(&frame_pool, kernel_pgdir);
    intr_restore(fl);
    img.frames = 1;
    err = img.pgdir ? build_image(&img, path, &a) : -ENOMEM;
    kfree(a.strings);
    if (err) {
        if (img.pgdir) {
            fl = intr_disable();
            pgtable_free_user(&frame_pool, img.pgdir);
            intr_restore(fl);
        }
        return err;
    }
    swap_image(p, &img, path, tf);
    linux_exec(p, tf);                  /* Linux personality: AT_RANDOM, no TLS, handlers */
    memset(p->base.ni_low, 0, sizeof p->base.ni_low);   /* a new program: tell it again */
    p->base.ni_nhigh = 0;
    p->base.ni_high_full = false;
    pstats.execs++;
    return 0;
}
