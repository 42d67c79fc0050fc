/*
 * test_lab8_elf.c - lab 8's ELF checks (labs/lab8-user/elf.c) and initial
 * stack (ustack.c). A good static i386 executable is built here byte by byte
 * (the layout gcc -m32 -static gives: text at 0x08048000, data with BSS
 * after it); each broken variant must be refused with its own reason, and a
 * file that passes must describe exactly its segments. The stack is read
 * back as a program's _start would read it.
 */
#include <stdarg.h>
#include "elfwhy.h"
#include "host.h"
#include "uvm.h"

struct ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#define FILE_SIZE 0x3000u
static uint8_t file[FILE_SIZE];
static char why[160];
static struct elf_image img;

static struct ehdr *eh(void) { return (struct ehdr *)file; }
static struct phdr *ph(int i) { return (struct phdr *)(file + 52 + 32 * i); }

/* Text (R X) at 0x08048000 from offset 0, data (R W) at 0x0804a000 with BSS. */
static void good(void)
{
    memset(file, 0, sizeof file);
    memcpy(eh()->ident, "\177ELF\1\1\1", 7);
    eh()->type = 2;
    eh()->machine = 3;
    eh()->version = 1;
    eh()->entry = 0x08048100;
    eh()->phoff = 52;
    eh()->ehsize = 52;
    eh()->phentsize = 32;
    eh()->phnum = 3;
    *ph(0) = (struct phdr){ 1, 0, 0x08048000, 0x08048000, 0x1200, 0x1200, 5, 0x1000 };
    *ph(1) = (struct phdr){ 1, 0x2000, 0x0804a000, 0x0804a000, 0x100, 0x5000, 6, 0x1000 };
    *ph(2) = (struct phdr){ 0x6474e551, 0, 0, 0, 0, 0, 6, 16 };   /* PT_GNU_STACK: ignored */
}

static int check(void)
{
    return elf_check(file, FILE_SIZE, FILE_SIZE, &img, why, sizeof why);
}

/* The variant is refused with exactly this reason (an elfwhy.h format and its values). */
static int __attribute__((format(printf, 1, 2))) refused_with(const char *fmt, ...)
{
    char want[sizeof why];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(want, sizeof want, fmt, ap);
    va_end(ap);
    int bad = check() != 0 && strcmp(why, want) == 0;
    if (!bad)
        printf("  expected the refusal \"%s\", got \"%s\"\n", want, why);
    return bad;
}

TEST(a_good_executable)
{
    good();
    CHECK_EQ(check(), 0);
    CHECK_EQ(img.entry, 0x08048100);
    CHECK_EQ(img.nsegments, 2);
    CHECK_EQ(img.seg[0].vaddr, 0x08048000);
    CHECK(!img.seg[0].writable);
    CHECK_EQ(img.seg[1].filesz, 0x100);
    CHECK_EQ(img.seg[1].memsz, 0x5000);
    CHECK(img.seg[1].writable);
    CHECK_EQ(img.end, 0x0804f000);
}

TEST(header_refusals)
{
    good(); file[1] = 'X';            CHECK(refused_with(ELF_WHY_MAGIC));
    good(); file[4] = 2;              CHECK(refused_with(ELF_WHY_CLASS, 2));
    good(); file[5] = 2;              CHECK(refused_with(ELF_WHY_DATA, 2));
    good(); eh()->type = 3;           CHECK(refused_with(ELF_WHY_DYN));
    good(); eh()->type = 1;           CHECK(refused_with(ELF_WHY_TYPE, 1));
    good(); eh()->machine = 62;       CHECK(refused_with(ELF_WHY_MACHINE, 62));
    good(); eh()->version = 2;        CHECK(refused_with(ELF_WHY_VERSION, 2));
    good(); eh()->phentsize = 56;     CHECK(refused_with(ELF_WHY_PHENTSIZE, 56));
    good(); eh()->phnum = 0;          CHECK(refused_with(ELF_WHY_NO_PHDRS));
    good(); eh()->phoff = FILE_SIZE - 40;
    CHECK(refused_with(ELF_WHY_SHORT_PHDRS, FILE_SIZE, 3, FILE_SIZE - 40));
    good(); eh()->entry = 0x09000000; CHECK(refused_with(ELF_WHY_ENTRY, 0x09000000));
    good(); ph(2)->type = 3;          CHECK(refused_with(ELF_WHY_DYNAMIC, 2, "INTERP"));
    good(); ph(0)->type = 2;          CHECK(refused_with(ELF_WHY_DYNAMIC, 0, "DYNAMIC"));
    good(); ph(0)->type = ph(1)->type = 6;  CHECK(refused_with(ELF_WHY_NO_LOAD));
    char want[sizeof why];
    good();
    snprintf(want, sizeof want, ELF_WHY_SHORT_HEADER, 30);
    CHECK(elf_check(file, 30, 30, &img, why, sizeof why) != 0 && strcmp(why, want) == 0);
    snprintf(want, sizeof want, ELF_WHY_PHDRS_PAST_HEAD, 100);
    CHECK(elf_check(file, 100, FILE_SIZE, &img, why, sizeof why) != 0 && strcmp(why, want) == 0);
}

/* check_segment (exercise 6a): each check's exact reason, in the order elfwhy.h lists them. */
TEST(segment_refusals)
{
    good(); ph(1)->filesz = 0x6000;
    CHECK(refused_with(ELF_WHY_FILESZ, 0x0804a000, 0x6000, 0x5000));
    good(); ph(1)->offset = FILE_SIZE - 0x10; ph(1)->vaddr = 0x0804aff0;
    CHECK(refused_with(ELF_WHY_SHORT_SEGMENT, FILE_SIZE, FILE_SIZE - 0x10, 0x100));
    good(); ph(0)->vaddr = 0x00100000; eh()->entry = 0x00100100;
    CHECK(refused_with(ELF_WHY_KERNEL, 0x00100000, USER_BASE));
    good(); ph(1)->vaddr = USER_STACK_BOTTOM - 0x1000; ph(1)->memsz = 0x2000;
    CHECK(refused_with(ELF_WHY_STACK, USER_STACK_BOTTOM - 0x1000, 0x2000, USER_STACK_BOTTOM));
    good(); ph(1)->vaddr = 0xFFFFF000; ph(1)->memsz = 0x2000;      /* wraps around */
    CHECK(refused_with(ELF_WHY_STACK, 0xFFFFF000, 0x2000, USER_STACK_BOTTOM));
    good(); ph(1)->vaddr = 0x0804a010;
    CHECK(refused_with(ELF_WHY_PAGE_OFFSET, 0x0804a010, 0x2000));
    good(); ph(1)->vaddr = 0x08049000;
    CHECK(refused_with(ELF_WHY_OVERLAP, 0x08048000, 0x08049000));
}

/* handouts/lab8.md states every reason word for word: the same text as elfwhy.h. */
TEST(handout_quotes_every_reason)
{
    static const char *const formats[] = {
        ELF_WHY_SHORT_HEADER, ELF_WHY_MAGIC, ELF_WHY_CLASS, ELF_WHY_DATA, ELF_WHY_DYN,
        ELF_WHY_TYPE, ELF_WHY_MACHINE, ELF_WHY_VERSION, ELF_WHY_PHENTSIZE, ELF_WHY_NO_PHDRS,
        ELF_WHY_SHORT_PHDRS, ELF_WHY_PHDRS_PAST_HEAD, ELF_WHY_FILESZ, ELF_WHY_SHORT_SEGMENT,
        ELF_WHY_KERNEL, ELF_WHY_STACK, ELF_WHY_PAGE_OFFSET, ELF_WHY_DYNAMIC, ELF_WHY_TOO_MANY,
        ELF_WHY_OVERLAP, ELF_WHY_NO_LOAD, ELF_WHY_ENTRY,
    };
    static char doc[1 << 17];
    FILE *f = fopen("handouts/lab8.md", "r");       /* host tests run at the top of the tree */

    if (!f) {
        printf("  handouts/lab8.md is not here: its quotes were not compared\n");
        return;
    }
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        char quoted[200];
        snprintf(quoted, sizeof quoted, "`%s`", formats[i]);
        if (!strstr(doc, quoted)) {
            printf("  handouts/lab8.md does not quote %s\n", quoted);
            CHECK(0);
        }
    }
}

TEST(stack_as_start_reads_it)
{
    static uint8_t page[PAGE_SIZE];
    const char *argv[] = { "/bin/prog", "one", "" };
    uint32_t esp;

    CHECK_EQ(ustack_build(page, 3, argv, 0x08048100, &esp), 0);
    CHECK_EQ(esp % 16, 0);
    CHECK(esp >= USER_TOP - PAGE_SIZE && esp < USER_TOP);
    uint32_t *w = (uint32_t *)(page + (esp - (USER_TOP - PAGE_SIZE)));
    CHECK_EQ(w[0], 3);
    for (int i = 0; i < 3; i++) {
        uint32_t va = w[1 + i];
        CHECK(va > esp && va < USER_TOP);
        if (va > esp && va < USER_TOP)
            CHECK_STR((const char *)page + (va - (USER_TOP - PAGE_SIZE)), argv[i]);
    }
    CHECK_EQ(w[4], 0);                      /* argv's NULL */
    CHECK_EQ(w[5], 0);                      /* no environment */
    CHECK_EQ(w[6], AT_PAGESZ);
    CHECK_EQ(w[7], PAGE_SIZE);
    CHECK_EQ(w[8], AT_ENTRY);
    CHECK_EQ(w[9], 0x08048100);
    CHECK_EQ(w[10], AT_NULL);
}

TEST(stack_refuses_what_does_not_fit)
{
    static uint8_t page[PAGE_SIZE];
    static char big[PAGE_SIZE];
    const char *argv[] = { big };
    uint32_t esp;

    memset(big, 'x', sizeof big - 1);
    CHECK_EQ(ustack_build(page, 1, argv, 0, &esp), -1);
    CHECK_EQ(ustack_build(page, PROC_ARGS_MAX + 1, argv, 0, &esp), -1);
}

int main(void)
{
    RUN_GUARDED(a_good_executable);
    RUN_GUARDED(header_refusals);
    RUN_GUARDED(segment_refusals);
    RUN_GUARDED(handout_quotes_every_reason);
    RUN_GUARDED(stack_as_start_reads_it);
    RUN_GUARDED(stack_refuses_what_does_not_fit);
    return host_summary("lab8-elf");
}
