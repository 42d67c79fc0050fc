/*
 * test_lab8_fault.c - lab 8's page-fault policy (labs/lab8-user/fault.c;
 * handouts/lab8.md sections 2 and 3; Intel SDM Vol. 3A, 4.7 for the error
 * code) on a fake physical memory. A missing page in the heap (to the end of
 * the break's page) is mapped; one in the stack's megabyte grows the stack,
 * page by page down to its limit and not one page further; everything else
 * kills: a protection fault, a reserved bit, the kernel's half, above
 * USER_TOP, between the heap and the stack. The policy and uvm_demand_end
 * (which the pointer check uses) agree on every address. A page made is
 * zeroed, user and writable, counted, and never made twice.
 */
#include <stdarg.h>
#include "host.h"
#include "uvm.h"

#define PHYS_PAGES 300                  /* the stack's 256 pages and their tables */
#include "lab8_fake.h"
#define HEAP       0x0804B000u
#define BRK        (HEAP + 10000)       /* the page holding it is the heap's too */
#define ERR_READ   PF_ERR_USER                      /* not present, read, user: 0x4 */
#define ERR_WRITE  (PF_ERR_USER | PF_ERR_WRITE)     /* 0x6 */

struct frame_pool frame_pool;
struct user_stats ustats;
static struct process proc;
static char said[256];                  /* the kernel's last line */

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(said, sizeof said, fmt, ap);
    va_end(ap);
    printf("  kernel: %s", said);
    return n;
}

/* A process with only a directory (the loader's pages do not matter here); RAM full of junk. */
static void fresh_process(void)
{
    memset(phys, 0xA5, sizeof phys);    /* a page made must be zeroed, not found zero */
    frames_init(&frame_pool);
    frames_add(&frame_pool, PHYS_BASE, PHYS_BASE + sizeof phys);
    memset(&proc, 0, sizeof proc);
    memset(&ustats, 0, sizeof ustats);
    proc.pid = 7;
    strcpy(proc.name, "/test");
    proc.pgdir = frame_alloc(&frame_pool);
    memset(frame_kva(proc.pgdir), 0, PAGE_SIZE);
    proc.heap_start = HEAP;
    proc.brk = BRK;
    said[0] = '\0';
}

TEST(heap_pages_are_mapped_to_the_end_of_the_breaks_page)
{
    fresh_process();
    CHECK_EQ(fault_policy(&proc, HEAP, ERR_WRITE), FAULT_MAP_HEAP);
    CHECK_EQ(fault_policy(&proc, BRK - 1, ERR_READ), FAULT_MAP_HEAP);
    CHECK_EQ(fault_policy(&proc, PAGE_ROUND_UP(BRK) - 1, ERR_WRITE), FAULT_MAP_HEAP);
    CHECK_EQ(fault_policy(&proc, PAGE_ROUND_UP(BRK), ERR_WRITE), FAULT_KILL);
    CHECK_EQ(fault_policy(&proc, HEAP - 1, ERR_READ), FAULT_KILL);  /* the program's own image */
    CHECK_EQ(uvm_demand_end(&proc, HEAP), PAGE_ROUND_UP(BRK));
    CHECK_EQ(uvm_demand_end(&proc, PAGE_ROUND_UP(BRK)), 0);
}

TEST(the_stack_grows_within_its_limit_only)
{
    fresh_process();
    CHECK_EQ(fault_policy(&proc, USER_TOP - 4, ERR_WRITE), FAULT_GROW_STACK);
    CHECK_EQ(fault_policy(&proc, USER_TOP - PAGE_SIZE - 1, ERR_READ), FAULT_GROW_STACK);
    CHECK_EQ(fault_policy(&proc, USER_STACK_BOTTOM, ERR_WRITE), FAULT_GROW_STACK);
    CHECK_EQ(fault_policy(&proc, USER_STACK_BOTTOM - 1, ERR_WRITE), FAULT_KILL);   /* past it */
    CHECK_EQ(fault_policy(&proc, USER_STACK_BOTTOM - PAGE_SIZE, ERR_WRITE), FAULT_KILL);
    CHECK_EQ(fault_policy(&proc, 0x40000000u, ERR_WRITE), FAULT_KILL);   /* heap and stack between */
    CHECK_EQ(uvm_demand_end(&proc, USER_STACK_BOTTOM), USER_TOP);
    CHECK_EQ(uvm_demand_end(&proc, USER_STACK_BOTTOM - 1), 0);
}

TEST(outside_the_user_half_kills)
{
    uint32_t outside[] = { 0, 4, 0x00000FFFu, 0x00100000u, USER_BASE - 4, USER_TOP,
                           USER_TOP + 4, 0xFFFFF000u, 0xFFFFFFFCu };

    fresh_process();
    proc.heap_start = USER_BASE;        /* even a heap that starts at the very bottom */
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        CHECK_EQ(fault_policy(&proc, outside[i], ERR_READ), FAULT_KILL);
        CHECK_EQ(fault_policy(&proc, outside[i], ERR_WRITE), FAULT_KILL);
        CHECK(!uvm_make_page(&proc, outside[i]));
    }
    CHECK_EQ(proc.frames, 0);
}

TEST(protection_faults_and_reserved_bits_kill)
{
    fresh_process();
    uint32_t in_both[] = { HEAP, USER_TOP - 4 };
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(fault_policy(&proc, in_both[i], PF_ERR_PRESENT | ERR_WRITE), FAULT_KILL);
        CHECK_EQ(fault_policy(&proc, in_both[i], PF_ERR_PRESENT | ERR_READ), FAULT_KILL);
        CHECK_EQ(fault_policy(&proc, in_both[i], PF_ERR_RESERVED | ERR_READ), FAULT_KILL);
    }
}

/* A fault and a system call must agree on which pages exist (uaccess_ok uses uvm_demand_end). */
TEST(the_policy_and_uvm_demand_end_agree)
{
    fresh_process();
    host_rng_seed(0x1A8F);
    for (int i = 0; i < 100000; i++) {
        uint32_t va = i < 50000 ? host_rng() : USER_STACK_BOTTOM - 0x8000 + host_rng() % 0x10000;
        if (va < USER_BASE || va >= USER_TOP)
            continue;
        bool maps = fault_policy(&proc, va, ERR_WRITE) != FAULT_KILL;
        if (maps != (uvm_demand_end(&proc, va) != 0)) {
            printf("  0x%08x: fault_policy %s, uvm_demand_end %u\n", va, maps ? "maps" : "kills",
                   uvm_demand_end(&proc, va));
            CHECK(false);
            break;
        }
    }
}

TEST(a_page_made_is_zeroed_user_writable_and_counted)
{
    fresh_process();
    uint32_t nfree = frame_pool.nfree;
    CHECK(uvm_make_page(&proc, HEAP + 123));
    pte_t *pte = pgtable_walk(&frame_pool, proc.pgdir, HEAP, false, 0);
    CHECK(pte != NULL);
    if (!pte)
        return;
    CHECK_EQ(*pte & (PTE_P | PTE_W | PTE_U), PTE_P | PTE_W | PTE_U);
    const uint8_t *page = frame_kva(PTE_ADDR(*pte));
    for (uint32_t i = 0; i < PAGE_SIZE; i++)
        if (page[i] != 0) {
            CHECK_EQ(page[i], 0);
            break;
        }
    CHECK_EQ(frame_pool.nfree, nfree - 2);      /* the page and its table */
    CHECK_EQ(proc.frames, 2);
    CHECK_EQ(proc.page_faults, 1);
    CHECK_EQ(ustats.page_faults, 1);
    CHECK(!uvm_make_page(&proc, HEAP + 8));     /* present: a protection fault, not a new page */
    CHECK_EQ(frame_pool.nfree, nfree - 2);
    CHECK(!uvm_make_page(&proc, 0x40000000u));  /* in neither run */
    CHECK_EQ(frame_pool.nfree, nfree - 2);
}

TEST(the_stack_fills_its_megabyte_and_stops)
{
    fresh_process();
    uint32_t pages = 0;
    for (uint32_t va = USER_TOP - PAGE_SIZE; va >= USER_STACK_BOTTOM; va -= PAGE_SIZE) {
        if (fault_policy(&proc, va + 16, ERR_WRITE) != FAULT_GROW_STACK ||
            !uvm_make_page(&proc, va + 16)) {
            printf("  the stack did not grow to 0x%08x\n", va);
            CHECK(false);
            break;
        }
        pages++;
    }
    CHECK_EQ(pages, USER_STACK_MAX / PAGE_SIZE);
    CHECK_EQ(fault_policy(&proc, USER_STACK_BOTTOM - 16, ERR_WRITE), FAULT_KILL);
    CHECK(!uvm_make_page(&proc, USER_STACK_BOTTOM - 16));
    CHECK_EQ(proc.frames, pages + 1);           /* one table holds the whole megabyte */
}

TEST(no_frame_left_is_said_and_takes_nothing)
{
    fresh_process();
    while (frame_alloc(&frame_pool))
        ;
    CHECK(!uvm_make_page(&proc, HEAP));
    CHECK(strstr(said, "no free frame") != NULL);
    CHECK_EQ(proc.frames, 0);
    CHECK_EQ(proc.page_faults, 0);
}

int main(void)
{
    RUN_GUARDED(heap_pages_are_mapped_to_the_end_of_the_breaks_page);
    RUN_GUARDED(the_stack_grows_within_its_limit_only);
    RUN_GUARDED(outside_the_user_half_kills);
    RUN_GUARDED(protection_faults_and_reserved_bits_kill);
    RUN_GUARDED(the_policy_and_uvm_demand_end_agree);
    RUN_GUARDED(a_page_made_is_zeroed_user_writable_and_counted);
    RUN_GUARDED(the_stack_fills_its_megabyte_and_stops);
    RUN_GUARDED(no_frame_left_is_said_and_takes_nothing);
    return host_summary("lab8-fault");
}
