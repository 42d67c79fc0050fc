/*
 * test_lab9_cow.c - lab 9's copy-on-write (labs/lab9-proc/cow.c) on lab 8's
 * fake physical memory: fork shares every page with one more reference and
 * makes the writable ones read-only + PTE_COW in both; the first write
 * copies while others share, and reuses the frame once the writer is the
 * last; text stays shared and read-only; an empty pool changes nothing; and
 * after both address spaces are freed every frame is back.
 */
#include "host.h"
#include "kproc.h"
#include "lab9_names.h"

#define PHYS_PAGES 96
#include "lab8_fake.h"

#define TEXT  0x08048000u
#define DATA  0x08049000u
#define STACK (USER_TOP - PAGE_SIZE)

static struct frame_pool pool;

static uint32_t new_dir(void)
{
    uint32_t d = frame_alloc(&pool);
    memset(frame_kva(d), 0, PAGE_SIZE);
    return d;
}

/* A parent with read-only text, writable data and a stack page, each filled with a byte. */
static uint32_t parent_space(void)
{
    uint32_t dir = new_dir(), frames = 0;
    const uint32_t va[3] = { TEXT, DATA, STACK }, flags[3] = { PTE_U, PTE_U | PTE_W, PTE_U | PTE_W };

    for (int i = 0; i < 3; i++) {
        uint32_t pa = frame_alloc(&pool);
        memset(frame_kva(pa), 0xA0 + i, PAGE_SIZE);
        CHECK_EQ(pgtable_map(&pool, dir, va[i], pa, flags[i], &frames), 0);
    }
    return dir;
}

static pte_t pte_of(uint32_t dir, uint32_t va)
{
    pte_t *p = pgtable_walk(&pool, dir, va, false, NULL);
    return p ? *p : 0;
}

TEST(fork_shares_every_page_and_marks_the_writable_ones)
{
    frames_init(&pool);
    frames_add(&pool, PHYS_BASE, PHYS_BASE + sizeof phys);
    uint32_t parent = parent_space(), child = new_dir(), frames = 0;

    CHECK_EQ(cow_copy(&pool, parent, child, &frames), 0);
    CHECK_EQ(frames, 2);                            /* two tables: text/data, and the stack */
    for (uint32_t va = TEXT; va <= DATA; va += PAGE_SIZE)
        CHECK_EQ(PTE_ADDR(pte_of(parent, va)), PTE_ADDR(pte_of(child, va)));
    CHECK_EQ(frame_refs(&pool, PTE_ADDR(pte_of(parent, TEXT))), 2);
    /* text: never copied */
    CHECK_NAMED(pte_of(child, TEXT) & (PTE_W | PTE_COW), 0, pte_bits_name);
    CHECK_NAMED(pte_of(parent, DATA) & (PTE_W | PTE_COW), PTE_COW, pte_bits_name);
    CHECK_NAMED(pte_of(child, STACK) & (PTE_W | PTE_COW), PTE_COW, pte_bits_name);
    CHECK(invalidated >= 2);                        /* the parent's TLB said writable */
}

TEST(a_write_copies_while_shared_then_reuses_the_last_reference)
{
    frames_init(&pool);
    frames_add(&pool, PHYS_BASE, PHYS_BASE + sizeof phys);
    uint32_t parent = parent_space(), child = new_dir(), frames = 0;
    CHECK_EQ(cow_copy(&pool, parent, child, &frames), 0);
    uint32_t shared = PTE_ADDR(pte_of(parent, DATA)), free_before = pool.nfree;

    CHECK_NAMED(cow_fault(&pool, child, DATA + 12, &frames), COW_COPIED, cow_result_name);
    uint32_t copy = PTE_ADDR(pte_of(child, DATA));
    CHECK(copy != shared);
    CHECK_EQ(pool.nfree, free_before - 1);
    CHECK_EQ(((uint8_t *)frame_kva(copy))[100], 0xA1);                /* the bytes came along */
    CHECK_NAMED(pte_of(child, DATA) & (PTE_W | PTE_COW), PTE_W, pte_bits_name);
    CHECK_EQ(frame_refs(&pool, shared), 1);
    CHECK_NAMED(cow_fault(&pool, parent, DATA, &frames), COW_REUSED, cow_result_name);  /* last */
    CHECK_EQ(PTE_ADDR(pte_of(parent, DATA)), shared);
    CHECK_EQ(pool.nfree, free_before - 1);
    CHECK_NAMED(cow_fault(&pool, parent, DATA, &frames), COW_NONE, cow_result_name); /* W now */
    CHECK_NAMED(cow_fault(&pool, parent, TEXT, &frames), COW_NONE, cow_result_name); /* real */
}

TEST(no_frame_for_a_copy_changes_nothing)
{
    frames_init(&pool);
    frames_add(&pool, PHYS_BASE, PHYS_BASE + 12 * PAGE_SIZE);
    uint32_t parent = parent_space(), child = new_dir(), frames = 0;
    CHECK_EQ(cow_copy(&pool, parent, child, &frames), 0);
    while (frame_alloc(&pool))
        ;
    pte_t before = pte_of(child, STACK);
    CHECK_NAMED(cow_fault(&pool, child, STACK, &frames), COW_NOMEM, cow_result_name);
    CHECK_EQ(pte_of(child, STACK), before);
}

TEST(freeing_both_spaces_returns_every_frame)
{
    frames_init(&pool);
    frames_add(&pool, PHYS_BASE, PHYS_BASE + sizeof phys);
    uint32_t start = pool.nfree, parent = parent_space(), child = new_dir(), frames = 0;
    CHECK_EQ(cow_copy(&pool, parent, child, &frames), 0);
    CHECK(cow_unshare(&pool, child, DATA, 2 * PAGE_SIZE, &frames));   /* data, and no page */
    CHECK_NAMED(pte_of(child, DATA) & PTE_W, PTE_W, pte_bits_name);
    pgtable_free_user(&pool, parent);
    CHECK(pool.nfree < start);                      /* the child still holds its pages */
    pgtable_free_user(&pool, child);
    CHECK_EQ(pool.nfree, start);
}

TEST(a_fork_of_a_fork_shares_three_ways)
{
    frames_init(&pool);
    frames_add(&pool, PHYS_BASE, PHYS_BASE + sizeof phys);
    uint32_t start = pool.nfree, a = parent_space(), b = new_dir(), c = new_dir(), frames = 0;
    CHECK_EQ(cow_copy(&pool, a, b, &frames), 0);
    CHECK_EQ(cow_copy(&pool, b, c, &frames), 0);
    CHECK_EQ(frame_refs(&pool, PTE_ADDR(pte_of(c, STACK))), 3);
    CHECK_NAMED(cow_fault(&pool, b, STACK, &frames), COW_COPIED, cow_result_name);
    CHECK_NAMED(cow_fault(&pool, a, STACK, &frames), COW_COPIED, cow_result_name);
    CHECK_NAMED(cow_fault(&pool, c, STACK, &frames), COW_REUSED, cow_result_name);
    pgtable_free_user(&pool, a);
    pgtable_free_user(&pool, c);
    pgtable_free_user(&pool, b);
    CHECK_EQ(pool.nfree, start);
}

int main(void)
{
    RUN(fork_shares_every_page_and_marks_the_writable_ones);
    RUN(a_write_copies_while_shared_then_reuses_the_last_reference);
    RUN(no_frame_for_a_copy_changes_nothing);
    RUN(freeing_both_spaces_returns_every_frame);
    RUN(a_fork_of_a_fork_shares_three_ways);
    return host_summary("lab9-cow");
}
