/*
 * test_lab8_frames.c - lab 8's frame allocator (labs/lab8-user/frames.c):
 * regions become whole frames, reservations take out every frame they touch,
 * every frame is handed out once, the counts add up, and a bad free (a
 * double free, a foreign frame, an unaligned address) panics.
 *
 * grade: given code only, no points (the file it tests has no stub).
 */
#include "host.h"
#include "uvm.h"

static struct frame_pool pool;

#define MIB (1u << 20)

static int panics(void (*fn)(uint32_t), uint32_t arg)
{
    jmp_buf jb;
    int panicked = 0;

    host_panic_catcher = &jb;
    if (setjmp(jb) == 0)
        fn(arg);
    else
        panicked = 1;
    host_panic_catcher = NULL;
    return panicked;
}

static void free_in_pool(uint32_t pa)
{
    frame_free(&pool, pa);
}

TEST(regions_become_whole_frames)
{
    frames_init(&pool);
    frames_add(&pool, 0x100001, 0x105fff);          /* frames 0x101000..0x104fff only */
    CHECK_EQ(pool.total, 4);
    CHECK_EQ(pool.nfree, 4);
    frames_add(&pool, 0x101000, 0x103000);          /* listed twice: counted once */
    CHECK_EQ(pool.total, 4);
    frames_add(&pool, USER_BASE - PAGE_SIZE, (uint64_t)USER_BASE + 64 * MIB);  /* clipped */
    CHECK_EQ(pool.total, 5);
    frames_add(&pool, 0x200000000ull, 0x300000000ull);     /* above 4 GiB: nothing */
    CHECK_EQ(pool.total, 5);
}

TEST(reservations_take_every_frame_they_touch)
{
    frames_init(&pool);
    frames_add(&pool, 0, 4 * MIB);
    CHECK_EQ(pool.total, 1024);
    frames_reserve(&pool, 0, MIB);                  /* the BIOS's first MiB */
    frames_reserve(&pool, MIB + 10, MIB + PAGE_SIZE + 1);   /* touches two frames */
    CHECK_EQ(pool.total, 1024 - 256 - 2);
    CHECK_EQ(pool.nfree, pool.total);
    for (uint32_t pa = 0; pa < MIB + 2 * PAGE_SIZE; pa += PAGE_SIZE)
        CHECK(!frame_is_free(&pool, pa));
    CHECK(frame_is_free(&pool, MIB + 2 * PAGE_SIZE));
}

TEST(every_frame_once_then_none)
{
    static uint8_t seen[FRAME_COUNT];
    uint32_t n = 0, pa;

    frames_init(&pool);
    frames_add(&pool, MIB, 3 * MIB);
    frames_add(&pool, 8 * MIB, 9 * MIB);
    memset(seen, 0, sizeof seen);
    while ((pa = frame_alloc(&pool))) {
        CHECK_EQ(pa % PAGE_SIZE, 0);
        CHECK((pa >= MIB && pa < 3 * MIB) || (pa >= 8 * MIB && pa < 9 * MIB));
        CHECK(!seen[pa / PAGE_SIZE]);
        seen[pa / PAGE_SIZE] = 1;
        n++;
    }
    CHECK_EQ(n, 768);
    CHECK_EQ(pool.nfree, 0);
    frame_free(&pool, 8 * MIB);
    CHECK_EQ(pool.nfree, 1);
    CHECK_EQ(frame_alloc(&pool), 8 * MIB);          /* what was freed comes back */
    CHECK_EQ(frame_alloc(&pool), 0);
}

TEST(bad_frees_panic)
{
    frames_init(&pool);
    frames_add(&pool, MIB, 2 * MIB);
    uint32_t pa = frame_alloc(&pool);
    CHECK(pa != 0);
    CHECK(panics(free_in_pool, pa + 4));            /* not a page boundary */
    CHECK(panics(free_in_pool, 0xB8000));           /* video memory: not the pool's */
    CHECK(panics(free_in_pool, 0xFFFFF000u));       /* beyond every frame */
    frame_free(&pool, pa);
    CHECK(panics(free_in_pool, pa));                /* twice */
    CHECK_EQ(pool.nfree, pool.total);
}

TEST(random_alloc_free_keeps_counts)
{
    static uint32_t held[512];
    uint32_t n = 0;

    host_rng_seed(0x1ab8);
    frames_init(&pool);
    frames_add(&pool, MIB, MIB + 300 * PAGE_SIZE);
    for (int step = 0; step < 20000; step++) {
        if (n && (host_rng() % 2 || n == 300)) {
            uint32_t i = host_rng() % n;
            frame_free(&pool, held[i]);
            held[i] = held[--n];
        } else {
            uint32_t pa = frame_alloc(&pool);
            CHECK(pa != 0);
            if (!pa)
                return;
            CHECK(!frame_is_free(&pool, pa));
            held[n++] = pa;
        }
        CHECK_EQ(pool.nfree + n, pool.total);
    }
}

int main(void)
{
    RUN_GUARDED(regions_become_whole_frames);
    RUN_GUARDED(reservations_take_every_frame_they_touch);
    RUN_GUARDED(every_frame_once_then_none);
    RUN_GUARDED(bad_frees_panic);
    RUN_GUARDED(random_alloc_free_keeps_counts);
    return host_summary("lab8-frames");
}
