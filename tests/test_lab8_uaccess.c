/*
 * test_lab8_uaccess.c - lab 8's way into user memory (labs/lab8-user/
 * uaccess.c; handouts/lab8.md section 4) on a fake physical memory: the
 * pointer check refuses a read-only page to a write (the W bit), a kernel page
 * and anything outside the user half; a check over a 2.7 GiB heap makes no
 * frame and looks at a handful of entries, not one per page; an untouched
 * page reads as zeros without a frame; a copy out makes exactly the pages it
 * writes; and a copy the check should have refused panics.
 */
#include <stdarg.h>
#include "host.h"
#include "uvm.h"

#define PHYS_PAGES 64
#include "lab8_fake.h"
#define TEXT       0x08048000u          /* read-only, the user's */
#define DATA       0x08049000u          /* writable, the user's */
#define KPAGE      0x0804A000u          /* the kernel's: no PTE_U */
#define HEAP       0x0804B000u
#define HUGE_BRK   0xB0000000u          /* a 2.7 GiB heap, none of it touched */

struct frame_pool frame_pool;
struct user_stats ustats;
static struct process proc;

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("  kernel: ");
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

bool uvm_fault_in(struct process *p, uint32_t va)     /* paging.c's, less the IRQ mask */
{
    return uvm_make_page(p, va);
}

static uint32_t zeroed_frame(void)
{
    uint32_t pa = frame_alloc(&frame_pool);
    memset(frame_kva(pa), 0, PAGE_SIZE);
    return pa;
}

/* A process with text, data, a kernel page, the stack's top page and an untouched heap. */
static void fresh_process(void)
{
    frames_init(&frame_pool);
    frames_add(&frame_pool, PHYS_BASE, PHYS_BASE + sizeof phys);
    memset(&proc, 0, sizeof proc);
    proc.pid = 1;
    strcpy(proc.name, "/test");
    proc.pgdir = zeroed_frame();
    CHECK_EQ(pgtable_map(&frame_pool, proc.pgdir, TEXT, zeroed_frame(), PTE_U, 0), 0);
    CHECK_EQ(pgtable_map(&frame_pool, proc.pgdir, DATA, zeroed_frame(), PTE_W | PTE_U, 0), 0);
    CHECK_EQ(pgtable_map(&frame_pool, proc.pgdir, KPAGE, zeroed_frame(), PTE_W, 0), 0);
    CHECK_EQ(pgtable_map(&frame_pool, proc.pgdir, USER_TOP - PAGE_SIZE, zeroed_frame(),
                         PTE_W | PTE_U, 0), 0);
    proc.heap_start = HEAP;
    proc.brk = HUGE_BRK;
}

TEST(write_needs_a_writable_page)
{
    fresh_process();
    CHECK(uaccess_ok(&proc, TEXT, 16, false));
    CHECK(!uaccess_ok(&proc, TEXT, 16, true));          /* read() into its own text */
    CHECK(uaccess_ok(&proc, DATA, 16, true));
    CHECK(!uaccess_ok(&proc, DATA - 8, 16, true));      /* its first half is text */
    CHECK(uaccess_ok(&proc, DATA - 8, 16, false));
    CHECK(!uaccess_ok(&proc, KPAGE, 4, false));
    CHECK(!uaccess_ok(&proc, KPAGE, 4, true));
    CHECK(!uaccess_ok(&proc, KPAGE - 8, 16, false));    /* fine at first, the kernel's after */
    CHECK(!uaccess_ok(&proc, DATA, 2 * PAGE_SIZE, true));
}

TEST(only_the_user_half)
{
    fresh_process();
    CHECK(uaccess_ok(&proc, 0, 0, true));               /* nothing to touch */
    CHECK(!uaccess_ok(&proc, 0, 8, false));
    CHECK(!uaccess_ok(&proc, 0x00100000u, 8, false));
    CHECK(!uaccess_ok(&proc, USER_BASE - 4, 8, false));
    CHECK(!uaccess_ok(&proc, USER_TOP, 8, false));
    CHECK(!uaccess_ok(&proc, USER_TOP - 8, 16, false));
    CHECK(!uaccess_ok(&proc, 0xFFFFFFF8u, 16, false));  /* wraps past 4 GiB */
    CHECK(uaccess_ok(&proc, USER_TOP - 8, 8, true));
    CHECK(!uaccess_ok(&proc, HUGE_BRK, 8, false));      /* between the heap and the stack */
}

TEST(a_huge_heap_is_checked_without_frames_in_bounded_work)
{
    fresh_process();
    uint32_t nfree = frame_pool.nfree;
    kva_calls = 0;
    CHECK(uaccess_ok(&proc, HEAP, HUGE_BRK - HEAP, true));
    CHECK(uaccess_ok(&proc, HEAP, HUGE_BRK - HEAP, false));
    CHECK(!uaccess_ok(&proc, HEAP, HUGE_BRK - HEAP + (4u << 20), false));   /* past the break */
    CHECK(uaccess_ok(&proc, USER_STACK_BOTTOM, USER_STACK_MAX, true));
    CHECK_EQ(frame_pool.nfree, nfree);
    CHECK_EQ(proc.frames, 0);
    if (kva_calls > 64) {
        printf("  four checks over 700 000 pages looked at %u tables and pages\n", kva_calls);
        CHECK(kva_calls <= 64);
    }
}

TEST(untouched_pages_read_as_zeros_without_frames)
{
    uint8_t buf[3 * PAGE_SIZE];

    fresh_process();
    uint32_t nfree = frame_pool.nfree;
    memset(buf, 0xAA, sizeof buf);
    copy_in(&proc, buf, HEAP + (1u << 30) - 100, sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++)
        if (buf[i] != 0) {
            CHECK_EQ(buf[i], 0);
            break;
        }
    memcpy((uint8_t *)frame_kva(PTE_ADDR(*pgtable_walk(&frame_pool, proc.pgdir, TEXT, false, 0)))
           + PAGE_SIZE - 2, "hi", 2);
    copy_in(&proc, buf, DATA - 2, 3);                   /* text, then data */
    CHECK(memcmp(buf, "hi\0", 3) == 0);
    CHECK_EQ(frame_pool.nfree, nfree);
}

TEST(copy_out_makes_the_pages_it_writes)
{
    uint8_t src[20], back[20];

    fresh_process();
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i + 1);
    uint32_t nfree = frame_pool.nfree, at = HEAP + 5 * PAGE_SIZE - 10;
    CHECK_EQ(copy_out(&proc, at, src, sizeof src), 0);
    CHECK_EQ(frame_pool.nfree, nfree - 2);              /* two pages; TEXT's table holds them */
    CHECK_EQ(proc.frames, 2);
    CHECK(pgtable_walk(&frame_pool, proc.pgdir, HEAP + 3 * PAGE_SIZE, false, 0) &&
          !(*pgtable_walk(&frame_pool, proc.pgdir, HEAP + 3 * PAGE_SIZE, false, 0) & PTE_P));
    copy_in(&proc, back, at, sizeof back);
    CHECK(memcmp(src, back, sizeof src) == 0);
}

TEST(copy_out_with_no_frame_left_is_efault)
{
    fresh_process();
    while (frame_alloc(&frame_pool))
        ;
    CHECK_EQ(copy_out(&proc, HEAP + (1u << 30), "x", 1), -EFAULT);
    CHECK_EQ(copy_out(&proc, DATA, "x", 1), 0);         /* a page it has needs no frame */
}

/* A copy the check should have refused is a kernel bug: it must stop there. */
TEST(copy_out_to_a_read_only_page_panics)
{
    jmp_buf jb;
    volatile bool panicked = false;

    fresh_process();
    host_panic_catcher = &jb;
    if (setjmp(jb) == 0)
        copy_out(&proc, TEXT, "x", 1);
    else
        panicked = true;
    host_panic_catcher = NULL;
    CHECK(panicked);
}

int main(void)
{
    RUN_GUARDED(write_needs_a_writable_page);
    RUN_GUARDED(only_the_user_half);
    RUN_GUARDED(a_huge_heap_is_checked_without_frames_in_bounded_work);
    RUN_GUARDED(untouched_pages_read_as_zeros_without_frames);
    RUN_GUARDED(copy_out_makes_the_pages_it_writes);
    RUN_GUARDED(copy_out_with_no_frame_left_is_efault);
    RUN(copy_out_to_a_read_only_page_panics);
    return host_summary("lab8-uaccess");
}
