/*
 * boot.S - multiboot (v1) header and the kernel's first instructions.
 *
 * A multiboot loader (GRUB legacy, or qemu -kernel) enters _start in 32-bit
 * protected mode with paging off, EAX = 0x2BADB002 and EBX = the multiboot
 * info pointer (Multiboot Specification 0.6.96, section 3.2 "Machine state").
 * The loader's GDT and stack are not ours to keep (section 3.2 says so), so we
 * load our own flat GDT and stack before any C runs.
 */
#define MB_MAGIC        0x1BADB002
#define MB_PAGE_ALIGN   (1 << 0)        /* load modules on page boundaries */
#define MB_MEMORY_INFO  (1 << 1)        /* ask for mem_* and the memory map */
#define MB_FLAGS        (MB_PAGE_ALIGN | MB_MEMORY_INFO)

#define BOOT_STACK_SIZE 16384

        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .text
        .globl _start
        .type _start, @function
_start:
        cli
        cld
        movl    $boot_stack_top, %esp
        xorl    %ebp, %ebp              /* ends backtraces here */
        pushl   %ebx                    /* kmain's 2nd argument: multiboot info */
        pushl   %eax                    /* kmain's 1st argument: the magic */
        call    gdt_init                /* flat segments, reloads CS/DS/SS */
        call    kmain
        /* kmain never returns; if it does, stop here. */
1:      cli
        hlt
        jmp     1b
        .size _start, . - _start

        .bss
        .align 16
        .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
        .skip BOOT_STACK_SIZE
boot_stack_top:

        .section .note.GNU-stack, "", @progbits
