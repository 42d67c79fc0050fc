/*
 * machine.h - leaving the emulator. One write tells QEMU (isa-debug-exit at
 * 0xF4) and one tells Bochs (the 0x8900 "Shutdown" port); each is harmless to
 * the other. QEMU's exit status is (value << 1) | 1, so we write 0x10 | code:
 * success is status 33, and no kernel outcome can produce 0 (which is what a
 * triple fault under -no-reboot gives).
 */
#ifndef CAIRN_MACHINE_H
#define CAIRN_MACHINE_H

enum exit_code {
    EXIT_SUCCESS_CODE = 0,      /* the stage's program finished: QEMU status 33 */
    EXIT_FAILURE_CODE = 1,      /* the program reported a failure: 35 */
    EXIT_PANIC_CODE = 2,        /* panic(): 37 */
    EXIT_EXCEPTION_CODE = 3,    /* an unhandled CPU exception: 39 */
};

#define QEMU_EXIT_PORT      0xF4
#define QEMU_EXIT_BASE      0x10
#define BOCHS_SHUTDOWN_PORT 0x8900

void machine_exit(enum exit_code code) __attribute__((noreturn));
void machine_halt(void) __attribute__((noreturn));

#endif
