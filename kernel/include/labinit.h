/*
 * labinit.h - how a lab hooks itself into boot without editing kmain.
 *
 *     static void lab2_init(void) { ... }
 *     LAB_INIT(lab2_init);
 *
 * puts a pointer in the .labinit.<phase>.<lab> section; the linker script
 * sorts those sections by name and kmain calls them in that order: all
 * LAB_INIT_EARLY hooks, then LAB_INIT, then LAB_INIT_LATE, each by lab number.
 * LAB_NUMBER is set by the build for every file in labs/labN-*.
 * One hook per lab and phase (a second would sort by file, not intent).
 */
#ifndef CAIRN_LABINIT_H
#define CAIRN_LABINIT_H

struct lab_init {
    const char *name;
    void (*fn)(void);
};

#define LABINIT_STR2(x) #x
#define LABINIT_STR(x) LABINIT_STR2(x)

#define LAB_INIT_PHASE(fn_, phase)                                           \
    static const struct lab_init labinit_##fn_                              \
        __attribute__((section(".labinit." #phase "." LABINIT_STR(LAB_NUMBER)), \
                       used, aligned(4))) = { #fn_, fn_ }

#define LAB_INIT_EARLY(fn) LAB_INIT_PHASE(fn, 1)
#define LAB_INIT(fn)       LAB_INIT_PHASE(fn, 5)
#define LAB_INIT_LATE(fn)  LAB_INIT_PHASE(fn, 9)

void labinit_run_all(void);

#endif
