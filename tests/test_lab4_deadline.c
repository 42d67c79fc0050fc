/*
 * test_lab4_deadline.c - when an ATA wait gives up (labs/lab4-ata/ata_deadline.c),
 * with a clock moved by hand. The bug this pins down: the waits used to end
 * after ATA_SPIN_LIMIT status reads even with the timer ticking, about 1 s
 * under QEMU whatever the deadline said.
 *
 * grade: given code only, no points (the file it tests has no stub).
 */
#include <stdint.h>
#include "ata_private.h"
#include "host.h"

TEST(a_ticking_timer_decides_however_many_reads)
{
    struct ata_deadline dl = ata_deadline_start(30000, 100, 1000);
    uint64_t now = 100;

    /* The tick moves every 1000 reads: 30 million reads, well past the spin
       limit, before the 30000th tick, and the wait is not over before it. */
    for (uint64_t reads = 0; reads < 2ull * ATA_SPIN_LIMIT; reads++) {
        if (reads % 1000 == 999)
            now++;
        if (now >= 100 + 30000)
            break;
        if (ata_deadline_passed(&dl, now)) {
            printf("  gave up at tick %llu after %llu reads\n", (unsigned long long)now,
                   (unsigned long long)reads);
            CHECK(0);
            return;
        }
    }
    CHECK(ata_deadline_passed(&dl, 100 + 30001));
}

TEST(the_deadline_is_rounded_up_and_never_early)
{
    struct ata_deadline dl = ata_deadline_start(1, 50, 100);    /* 1 ms on a 100 Hz timer */

    CHECK(!ata_deadline_passed(&dl, 50));
    CHECK(!ata_deadline_passed(&dl, 51));       /* a tick may start right after `now` */
    CHECK(ata_deadline_passed(&dl, 52));
    dl = ata_deadline_start(2000, 0, 1000);
    CHECK(!ata_deadline_passed(&dl, 2000));
    CHECK(ata_deadline_passed(&dl, 2001));
}

TEST(a_stopped_timer_ends_the_wait_by_count)
{
    struct ata_deadline dl = ata_deadline_start(30000, 7, 1000);   /* ticks never move */
    uint32_t reads = 0;

    while (!ata_deadline_passed(&dl, 7) && reads <= ATA_SPIN_LIMIT)
        reads++;
    CHECK_EQ(reads, ATA_SPIN_LIMIT - 1);
    dl = ata_deadline_start(30000, 7, 0);                          /* no timer at all */
    reads = 0;
    while (!ata_deadline_passed(&dl, 0) && reads <= ATA_SPIN_LIMIT)
        reads++;
    CHECK(reads <= ATA_SPIN_LIMIT);
}

TEST(the_test_cap_lowers_every_deadline)
{
    struct ata_deadline dl;

    ata_timeout_cap_ms = 300;
    CHECK_EQ(ata_deadline_ms(30000), 300);
    CHECK_EQ(ata_deadline_ms(100), 100);
    dl = ata_deadline_start(30000, 0, 1000);
    CHECK(!ata_deadline_passed(&dl, 300));
    CHECK(ata_deadline_passed(&dl, 301));
    ata_timeout_cap_ms = 0;
    CHECK_EQ(ata_deadline_ms(30000), 30000);
}

int main(void)
{
    RUN(a_ticking_timer_decides_however_many_reads);
    RUN(the_deadline_is_rounded_up_and_never_early);
    RUN(a_stopped_timer_ends_the_wait_by_count);
    RUN(the_test_cap_lowers_every_deadline);
    return host_summary("lab4 deadline");
}
