/*
 * elfwhy.h - every reason elf.c gives for refusing a program, word for word
 * (printf formats; System V ABI, "ELF" chapter, for the fields they name).
 * This is their one home: elf.c prints them, tests/test_lab8_elf.c and the
 * grader (grade/labs/lab8.py reads this file) expect them exactly, and
 * handouts/lab8.md section 5 quotes them (the host test checks that it does).
 */
#ifndef CAIRN_LAB8_ELFWHY_H
#define CAIRN_LAB8_ELFWHY_H

/* The ELF header (check_header, elf_check). */
#define ELF_WHY_SHORT_HEADER    "the file (%u bytes) is shorter than an ELF header (52)"
#define ELF_WHY_MAGIC           "not an ELF file (no \\177ELF magic)"
#define ELF_WHY_CLASS           "ELF class %u, not 32-bit (1)"
#define ELF_WHY_DATA            "ELF data encoding %u, not little-endian (1)"
#define ELF_WHY_DYN             "a shared object or PIE (ET_DYN): link it with -static -no-pie"
#define ELF_WHY_TYPE            "ELF type %u, not an executable (ET_EXEC, 2)"
#define ELF_WHY_MACHINE         "machine %u, not i386 (EM_386, 3)"
#define ELF_WHY_VERSION         "ELF version %u, not 1"
#define ELF_WHY_PHENTSIZE       "program headers of %u bytes, not 32"
#define ELF_WHY_NO_PHDRS        "no program headers"
#define ELF_WHY_SHORT_PHDRS \
    "the file (%u bytes) is shorter than its program headers (%u at offset %u)"
#define ELF_WHY_PHDRS_PAST_HEAD "program headers past the first %u bytes of the file"

/* One PT_LOAD segment (check_segment: exercise 6a), in the order they are checked. */
#define ELF_WHY_FILESZ \
    "a segment at 0x%08x has more bytes in the file (%u) than in memory (%u)"
#define ELF_WHY_SHORT_SEGMENT \
    "the file (%u bytes) is shorter than its segment at offset %u (%u bytes)"
#define ELF_WHY_KERNEL          "a segment at 0x%08x overlaps the kernel (below 0x%08x)"
#define ELF_WHY_STACK \
    "a segment at 0x%08x (%u bytes) reaches into the stack (0x%08x and above)"
#define ELF_WHY_PAGE_OFFSET \
    "a segment at 0x%08x has file offset 0x%x: not the same within a page"

/* The program headers together (elf_check). */
#define ELF_WHY_DYNAMIC \
    "dynamically linked (program header %u is PT_%s): link it with -static"
#define ELF_WHY_TOO_MANY        "more than %d loadable segments"
#define ELF_WHY_OVERLAP         "segments at 0x%08x and 0x%08x overlap"
#define ELF_WHY_NO_LOAD         "no loadable segment"
#define ELF_WHY_ENTRY           "the entry point 0x%08x is in no loadable segment"

#endif
