/*
 * elf.c - is this file an ELF32 i386 executable we can run, and where do its
 * segments go? (System V ABI, "ELF" chapter: the ELF header, Figure 4-3; the
 * program header, Figure 5-1; and the i386 supplement for EM_386.) Only
 * static ET_EXEC files: no interpreter, no relocation. Every reason to refuse
 * is named, so a student sees which field is wrong before anything is loaded.
 * Pure code: tests/test_lab8_elf.c feeds it good and broken headers.
 */
#include "format.h"
#include "panic.h"
#include "kstring.h"
#include "elfwhy.h"
#include "uvm.h"

#define EI_NIDENT   16
#define ELFMAG      "\177ELF"
#define ELFCLASS32  1
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define ET_DYN      3
#define EM_386      3
#define PT_LOAD     1
#define PT_DYNAMIC  2
#define PT_INTERP   3
#define PF_X        1
#define PF_W        2

struct elf32_ehdr {
    uint8_t ident[EI_NIDENT];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

_Static_assert(sizeof(struct elf32_ehdr) == 52, "the ELF32 header is 52 bytes");
_Static_assert(sizeof(struct elf32_phdr) == 32, "an ELF32 program header is 32 bytes");

#define REFUSE(...) do { ksnprintf(why, whylen, __VA_ARGS__); return -1; } while (0)

static int check_header(const struct elf32_ehdr *h, uint32_t len, uint32_t size, char *why,
                        size_t whylen)
{
    if (memcmp(h->ident, ELFMAG, 4) != 0)
        REFUSE(ELF_WHY_MAGIC);
    if (h->ident[4] != ELFCLASS32)
        REFUSE(ELF_WHY_CLASS, h->ident[4]);
    if (h->ident[5] != ELFDATA2LSB)
        REFUSE(ELF_WHY_DATA, h->ident[5]);
    if (h->type == ET_DYN)
        REFUSE(ELF_WHY_DYN);
    if (h->type != ET_EXEC)
        REFUSE(ELF_WHY_TYPE, h->type);
    if (h->machine != EM_386)
        REFUSE(ELF_WHY_MACHINE, h->machine);
    if (h->version != EV_CURRENT)
        REFUSE(ELF_WHY_VERSION, h->version);
    if (h->phentsize != sizeof(struct elf32_phdr))
        REFUSE(ELF_WHY_PHENTSIZE, h->phentsize);
    if (h->phnum == 0)
        REFUSE(ELF_WHY_NO_PHDRS);
    if ((uint64_t)h->phoff + (uint64_t)h->phnum * sizeof(struct elf32_phdr) > size)
        REFUSE(ELF_WHY_SHORT_PHDRS, size, h->phnum, h->phoff);
    if ((uint64_t)h->phoff + (uint64_t)h->phnum * sizeof(struct elf32_phdr) > len)
        REFUSE(ELF_WHY_PHDRS_PAST_HEAD, len);
    return 0;
}

/*
 * Exercise 6a: may this PT_LOAD segment be loaded? In this order: it must not
 * be larger in the file than in memory, its file bytes must be in the file,
 * it must lie in [USER_BASE, USER_STACK_BOTTOM) without wrapping (below is the
 * kernel), and its offset and address must agree modulo the page size (so one
 * page of the file lands in one page of memory). 0, or -1 with the reason in why: the
 * ELF_WHY_ format of elfwhy.h for the first check that fails, in the order
 * they are listed there (the tests compare them word for word).
 */
static int check_segment(const struct elf32_phdr *ph, uint32_t size, char *why, size_t whylen)
{
    /* LAB 8: BEGIN SOLUTION */
    /* In 64 bits: a segment that wraps past 4 GiB reaches into the stack too. */
    uint64_t vend = (uint64_t)ph->vaddr + ph->memsz;

    if (ph->filesz > ph->memsz)
        REFUSE(ELF_WHY_FILESZ, ph->vaddr, ph->filesz, ph->memsz);
    if ((uint64_t)ph->offset + ph->filesz > size)
        REFUSE(ELF_WHY_SHORT_SEGMENT, size, ph->offset, ph->filesz);
    if (ph->vaddr < USER_BASE)
        REFUSE(ELF_WHY_KERNEL, ph->vaddr, USER_BASE);
    if (vend > USER_STACK_BOTTOM)
        REFUSE(ELF_WHY_STACK, ph->vaddr, ph->memsz, USER_STACK_BOTTOM);
    if (PGOFF(ph->vaddr) != PGOFF(ph->offset))
        REFUSE(ELF_WHY_PAGE_OFFSET, ph->vaddr, ph->offset);
    return 0;
    /* LAB 8: STUB
    (void)ph;
    (void)size;
    (void)why;
    (void)whylen;
    panic("lab8: check_segment not implemented");
    LAB 8: END SOLUTION */
}

static bool overlaps(const struct elf_segment *a, const struct elf_segment *b)
{
    return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

/* The entry must be in a segment the program can execute (i386 pages: any present page). */
static bool entry_inside(const struct elf_image *img)
{
    for (int i = 0; i < img->nsegments; i++)
        if (img->entry >= img->seg[i].vaddr && img->entry - img->seg[i].vaddr < img->seg[i].memsz)
            return true;
    return false;
}

int elf_check(const uint8_t *head, uint32_t len, uint32_t size, struct elf_image *img,
              char *why, size_t whylen)
{
    struct elf32_ehdr h;
    struct elf32_phdr ph;

    memset(img, 0, sizeof *img);
    if (len < sizeof h)
        REFUSE(ELF_WHY_SHORT_HEADER, size);
    memcpy(&h, head, sizeof h);
    if (check_header(&h, len, size, why, whylen))
        return -1;
    for (uint32_t i = 0; i < h.phnum; i++) {
        memcpy(&ph, head + h.phoff + i * sizeof ph, sizeof ph);
        if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
            REFUSE(ELF_WHY_DYNAMIC, i, ph.type == PT_INTERP ? "INTERP" : "DYNAMIC");
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (check_segment(&ph, size, why, whylen))
            return -1;
        if (img->nsegments == ELF_MAX_SEGMENTS)
            REFUSE(ELF_WHY_TOO_MANY, ELF_MAX_SEGMENTS);
        struct elf_segment s = { ph.vaddr, ph.memsz, ph.offset, ph.filesz, (ph.flags & PF_W) != 0 };
        for (int k = 0; k < img->nsegments; k++)
            if (overlaps(&s, &img->seg[k]))
                REFUSE(ELF_WHY_OVERLAP, img->seg[k].vaddr, s.vaddr);
        img->seg[img->nsegments++] = s;
        if (s.vaddr + s.memsz > img->end)
            img->end = s.vaddr + s.memsz;
    }
    img->entry = h.entry;
    if (img->nsegments == 0)
        REFUSE(ELF_WHY_NO_LOAD);
    if (!entry_inside(img))
        REFUSE(ELF_WHY_ENTRY, h.entry);
    return 0;
}
