/*
 * machine.c - ending an emulator run. isa-debug-exit (QEMU, -device
 * isa-debug-exit,iobase=0xf4,iosize=0x04) makes QEMU exit with status
 * (value << 1) | 1; Bochs shuts down when the 8 bytes "Shutdown" are written
 * to port 0x8900 (Bochs iodev/unmapped.cc) and exits with status 1, so the
 * final line printed here is the verdict Bochs runs are judged by.
 * On real hardware neither port exists and we halt.
 */
#include "kprintf.h"
#include "machine.h"
#include "serial.h"
#include "x86.h"

static const char *const exit_names[] = {
    [EXIT_SUCCESS_CODE] = "success",
    [EXIT_FAILURE_CODE] = "failure",
    [EXIT_PANIC_CODE] = "panic",
    [EXIT_EXCEPTION_CODE] = "exception",
};

void machine_halt(void)
{
    for (;;) {
        intr_disable();
        hlt();
    }
}

void machine_exit(enum exit_code code)
{
    intr_disable();
    kprintf("cairn: exit %d (%s)\n", code, exit_names[code]);
    serial_flush();
    outb(QEMU_EXIT_PORT, (uint8_t)(QEMU_EXIT_BASE | code));
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    machine_halt();
}
