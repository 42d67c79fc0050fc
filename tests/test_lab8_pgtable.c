/*
 * test_lab8_pgtable.c - lab 8's page tables (labs/lab8-user/pgtable.c) on a
 * fake physical memory: the index math (PDX, PTX, PGOFF) against addresses
 * worked by hand, walk and map create exactly one table per 4 MiB, a new
 * directory shares the kernel half, and freeing the user half returns every
 * frame. frame_kva maps a "physical" address into an array here.
 */
#include "host.h"
#include "uvm.h"

#define PHYS_PAGES 64
#include "lab8_fake.h"

static struct frame_pool pool;

static void fresh_pool(void)
{
    frames_init(&pool);
    frames_add(&pool, PHYS_BASE, PHYS_BASE + sizeof phys);
    invalidated = 0;
}

TEST(index_math)
{
    CHECK_EQ(PDX(0x08048123u), 0x20);       /* 0x08048123 >> 22 */
    CHECK_EQ(PTX(0x08048123u), 0x48);       /* bits 21-12 */
    CHECK_EQ(PGOFF(0x08048123u), 0x123);
    CHECK_EQ(PDX(0xBFFFF000u), 0x2FF);
    CHECK_EQ(PTX(0xBFFFF000u), 0x3FF);
    CHECK_EQ(PDX(USER_BASE), 32);
    CHECK_EQ(PAGE_ROUND_UP(0x08048001u), 0x08049000u);
    CHECK_EQ(PAGE_ROUND_UP(0x08049000u), 0x08049000u);
    CHECK_EQ(PAGE_ROUND_DOWN(0x08049FFFu), 0x08049000u);
    for (int i = 0; i < 1000; i++) {        /* the three parts give the address back */
        uint32_t va = host_rng();
        CHECK_EQ((PDX(va) << 22) | (PTX(va) << 12) | PGOFF(va), va);
    }
}

TEST(map_makes_one_table_per_4mib)
{
    uint32_t frames = 0;

    fresh_pool();
    uint32_t dir = frame_alloc(&pool);
    memset(frame_kva(dir), 0, PAGE_SIZE);
    CHECK(pgtable_walk(&pool, dir, 0x08048000u, false, &frames) == NULL);
    uint32_t pa = frame_alloc(&pool);
    CHECK_EQ(pgtable_map(&pool, dir, 0x08048000u, pa, PTE_U, &frames), 0);
    CHECK_EQ(frames, 1);                    /* the table */
    CHECK_EQ(invalidated, 1);
    pte_t *pte = pgtable_walk(&pool, dir, 0x08048000u, false, &frames);
    CHECK(pte != NULL);
    CHECK_EQ(*pte, pa | PTE_U | PTE_P);
    /* The same 4 MiB: no new table. The next 4 MiB: one more. */
    CHECK_EQ(pgtable_map(&pool, dir, 0x083FF000u, frame_alloc(&pool), PTE_W | PTE_U, &frames), 0);
    CHECK_EQ(frames, 1);
    CHECK_EQ(pgtable_map(&pool, dir, 0x08400000u, frame_alloc(&pool), PTE_W | PTE_U, &frames), 0);
    CHECK_EQ(frames, 2);
    pte_t *d = frame_kva(dir);
    CHECK_EQ(d[PDX(0x08048000u)] & (PTE_P | PTE_W | PTE_U), PTE_P | PTE_W | PTE_U);
    CHECK_EQ(PTE_ADDR(*pgtable_walk(&pool, dir, 0x083FF000u, false, 0)) % PAGE_SIZE, 0);
}

TEST(new_directory_shares_the_kernel_half)
{
    fresh_pool();
    uint32_t kdir = frame_alloc(&pool);
    memset(frame_kva(kdir), 0, PAGE_SIZE);
    CHECK_EQ(pgtable_map(&pool, kdir, 0x00100000u, 0x00100000u, PTE_W, 0), 0);
    uint32_t dir = pgtable_new_dir(&pool, kdir);
    CHECK(dir != 0);
    pte_t *k = frame_kva(kdir), *u = frame_kva(dir);
    CHECK_EQ(u[0], k[0]);                   /* the same table, not a copy */
    for (uint32_t i = PDX(USER_BASE); i < PT_ENTRIES; i++)
        CHECK_EQ(u[i], 0);
}

TEST(free_user_returns_every_frame)
{
    fresh_pool();
    uint32_t kdir = frame_alloc(&pool);
    memset(frame_kva(kdir), 0, PAGE_SIZE);
    CHECK_EQ(pgtable_map(&pool, kdir, 0x00100000u, 0x00100000u, PTE_W, 0), 0);
    uint32_t before = pool.nfree;
    uint32_t dir = pgtable_new_dir(&pool, kdir);
    uint32_t vas[] = { 0x08048000u, 0x08049000u, 0x20000000u, USER_TOP - PAGE_SIZE };
    for (unsigned i = 0; i < sizeof vas / sizeof vas[0]; i++)
        CHECK_EQ(pgtable_map(&pool, dir, vas[i], frame_alloc(&pool), PTE_W | PTE_U, 0), 0);
    CHECK_EQ(pool.nfree, before - 1 - 4 - 3);   /* directory, pages, three tables */
    pgtable_free_user(&pool, dir);
    CHECK_EQ(pool.nfree, before);
    CHECK(!frame_is_free(&pool, PTE_ADDR(((pte_t *)frame_kva(kdir))[0])));  /* kernel table kept */
}

TEST(out_of_frames_is_an_error_not_a_crash)
{
    fresh_pool();
    uint32_t dir = frame_alloc(&pool);
    memset(frame_kva(dir), 0, PAGE_SIZE);
    while (frame_alloc(&pool))
        ;
    CHECK_EQ(pgtable_map(&pool, dir, 0x08048000u, PHYS_BASE, PTE_U, 0), -1);
}

int main(void)
{
    RUN_GUARDED(index_math);
    RUN_GUARDED(map_makes_one_table_per_4mib);
    RUN_GUARDED(new_directory_shares_the_kernel_half);
    RUN_GUARDED(free_user_returns_every_frame);
    RUN_GUARDED(out_of_frames_is_an_error_not_a_crash);
    return host_summary("lab8-pgtable");
}
