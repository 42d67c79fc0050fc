/*
 * rawexit - a program that uses nothing of the kit: built with only
 * `gcc -m32 -static -nostdlib` (no ulib.h, no crt0), it writes a line with a
 * raw `int 0x80` (Linux i386: eax = 4 write, ebx = fd, ecx = buffer, edx =
 * length) and exits with code 42 (eax = 1 exit, ebx = code).
 */
static const char message[] = "rawexit: built with nothing but gcc -m32 -static -nostdlib\n";

void _start(void)
{
    int ret;

    __asm__ volatile("int $0x80" : "=a"(ret)
                     : "a"(4), "b"(1), "c"(message), "d"(sizeof message - 1) : "memory");
    __asm__ volatile("int $0x80" : : "a"(1), "b"(42));
    for (;;)
        ;
}
