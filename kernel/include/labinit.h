/*
 * labinit.h - how a lab hooks itself into boot without editing kmain.
 *
 *     void lab2_init(void) { ... }         (in any file of labs/lab2-*)
 *     LAB_INIT(lab2_init);
 *
 * defines a `struct lab_init` entry in the section .labinit.<phase>.<lab>;
 * the linker script sorts those sections by name, and kmain runs the table in
 * that order: every LAB_INIT hook by lab number, then every LAB_INIT_LATE
 * hook by lab number (kmain.c lists the order; `initcalls` on the command
 * line prints it as it runs). LAB_NUMBER is set by the build for every file
 * in labs/labN-*.
 *
 * The names are fixed: lab N's hooks are labN_init and labN_init_late, so the
 * boot order can be read off the names. A hook with another name does not
 * compile ("lab2_init undeclared"). One hook per lab and phase.
 */
#ifndef CAIRN_LABINIT_H
#define CAIRN_LABINIT_H

struct lab_init {
    const char *name;
    void (*fn)(void);
    int lab;
    int late;                   /* 0: LAB_INIT, 1: LAB_INIT_LATE */
};

#define LABINIT_STR2(x) #x
#define LABINIT_STR(x) LABINIT_STR2(x)
#define LABINIT_CAT2(a, b) a##b
#define LABINIT_CAT(a, b) LABINIT_CAT2(a, b)
#define LABINIT_NAME(suffix) LABINIT_CAT(LABINIT_CAT(lab, LAB_NUMBER), suffix)

/* `fn` must be the fixed name: naming LABINIT_NAME(suffix) too rejects any other. */
#define LAB_INIT_PHASE(fn_, suffix, late_, phase)                             \
    void fn_(void);                                                         \
    static const struct lab_init labinit_##fn_                              \
        __attribute__((section(".labinit." #phase "." LABINIT_STR(LAB_NUMBER)), \
                       used, aligned(4))) =                                 \
        { LABINIT_STR(LABINIT_NAME(suffix)), LABINIT_NAME(suffix), LAB_NUMBER, late_ }

#define LAB_INIT(fn)       LAB_INIT_PHASE(fn, _init, 0, 5)
#define LAB_INIT_LATE(fn)  LAB_INIT_PHASE(fn, _init_late, 1, 9)

void labinit_run_all(void);

#endif
