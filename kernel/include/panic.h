/* panic.h - stop the kernel with a message; the emulator exits with a failure status. */
#ifndef CAIRN_PANIC_H
#define CAIRN_PANIC_H

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define assert(cond) \
    ((cond) ? (void)0 : panic("assertion failed: %s", #cond))

void panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));

#endif
