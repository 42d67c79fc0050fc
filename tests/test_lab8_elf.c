/*
 * test_lab8_elf.c - lab 8's ELF checks (labs/lab8-user/elf.c) and initial
 * stack (ustack.c). A good static i386 executable is built here byte by byte
 * (the layout gcc -m32 -static gives: text at 0x08048000, data with BSS
 * after it); each broken variant must be refused with its own reason, and a
 * file that passes must describe exactly its segments. The stack is read
 * back as a program's _start would read it.
 */
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

/* The variant is refused, and its reason contains `words`. */
static int refused_for(const char *words)
{
    int bad = check() != 0 && strstr(why, words) != NULL;
    if (!bad)
        printf("  expected a refusal for \"%s\", got \"%s\"\n", words, why);
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
    good(); file[1] = 'X';            CHECK(refused_for("no \\177ELF magic"));
    good(); file[4] = 2;              CHECK(refused_for("not 32-bit"));
    good(); file[5] = 2;              CHECK(refused_for("not little-endian"));
    good(); eh()->type = 3;           CHECK(refused_for("ET_DYN"));
    good(); eh()->type = 1;           CHECK(refused_for("not an executable"));
    good(); eh()->machine = 62;       CHECK(refused_for("not i386"));
    good(); eh()->phentsize = 56;     CHECK(refused_for("not 32"));
    good(); eh()->phnum = 0;          CHECK(refused_for("no program headers"));
    good(); eh()->phoff = FILE_SIZE - 40;  CHECK(refused_for("shorter than its program headers"));
    good(); eh()->entry = 0x09000000; CHECK(refused_for("entry point"));
    good(); ph(2)->type = 3;          CHECK(refused_for("PT_INTERP"));
    good();
    CHECK(elf_check(file, 30, 30, &img, why, sizeof why) != 0 && strstr(why, "ELF header"));
}

TEST(segment_refusals)
{
    good(); ph(1)->filesz = 0x6000;               CHECK(refused_for("more bytes in the file"));
    good(); ph(1)->offset = FILE_SIZE - 0x10;
    ph(1)->vaddr = 0x0804aff0;                    CHECK(refused_for("shorter than its segment"));
    good(); ph(0)->vaddr = 0x00100000;
    eh()->entry = 0x00100100;                     CHECK(refused_for("overlaps the kernel"));
    good(); ph(1)->vaddr = USER_STACK_BOTTOM - 0x1000;
    ph(1)->memsz = 0x2000;                        CHECK(refused_for("into the stack"));
    good(); ph(1)->vaddr = 0xFFFFF000; ph(1)->memsz = 0x2000;
    CHECK(check() != 0);                          /* wraps around: never loadable */
    good(); ph(1)->vaddr = 0x0804a010;            CHECK(refused_for("not the same within a page"));
    good(); ph(1)->vaddr = 0x08049000;            CHECK(refused_for("overlap"));
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
    RUN_GUARDED(stack_as_start_reads_it);
    RUN_GUARDED(stack_refuses_what_does_not_fit);
    return host_summary("lab8-elf");
}
