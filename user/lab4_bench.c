/*
 * lab4_bench.c - stage 4's benchmark (`bench`): PIO read throughput of the
 * first disk, polled and with the IRQ-driven future, against the floor of the
 * same number of words through the data port with no command at all. Times
 * are TSC cycles, converted with the TSC's rate measured against the PIT.
 */
#include <stdint.h>
#include "ata.h"
#include "bench.h"
#include "executor.h"
#include "interrupts.h"
#include "kprintf.h"
#include "x86.h"

#define BENCH_SECTORS 4096          /* 2 MiB */
#define BENCH_CHUNK   256
static uint8_t bench_buf[BENCH_CHUNK * ATA_SECTOR_SIZE];
static struct ata_io io;


static void bench_line(const char *what, uint64_t bytes, uint64_t cycles, uint64_t hz)
{
    uint64_t tenths = cycles ? bytes * 10 * hz / cycles / 1000000 : 0;
    kprintf("bench: ata %s %llu.%llu MB/s\n", what, (unsigned long long)(tenths / 10),
            (unsigned long long)(tenths % 10));
}

void lab4_bench(void)
{
    struct ata_drive *d = NULL;
    uint64_t hz = bench_tsc_hz(), n, c0, polled, irq, bare;
    uint16_t cmd, ctl;
    int irqno, channel = 0;

    for (int i = 0; i < 2 * ATA_MAX_CHANNELS && !d; i++) {
        if (ata_blockdev(i / 2, i % 2)) {
            d = ata_drive(i / 2, i % 2);
            channel = i / 2;
        }
    }
    if (!d || !hz) {
        kprintf("bench: ata pio read skipped (%s)\n", d ? "no timer" : "no disk");
        return;
    }
    n = d->id.sectors < BENCH_SECTORS ? d->id.sectors / BENCH_CHUNK * BENCH_CHUNK : BENCH_SECTORS;
    if (n == 0)
        return;

    c0 = rdtsc();
    for (uint64_t lba = 0; lba < n; lba += BENCH_CHUNK)
        if (ata_read(d, lba, BENCH_CHUNK, bench_buf))
            return;
    polled = rdtsc() - c0;

    c0 = rdtsc();
    for (uint64_t lba = 0; lba < n; lba += BENCH_CHUNK) {
        ata_read_async(&io, d, lba, BENCH_CHUNK, bench_buf);
        block_on(&io.base);
        if (io.result)
            return;
    }
    irq = rdtsc() - c0;

    /* The floor: the same number of words through the data port with no command at all. */
    ata_channel_ports(channel, &cmd, &ctl, &irqno);
    c0 = rdtsc();
    for (uint64_t i = 0; i < n; i++)
        insw(cmd, bench_buf, ATA_SECTOR_SIZE / 2);
    bare = rdtsc() - c0;

    bench_line("pio read polled", n * ATA_SECTOR_SIZE, polled, hz);
    bench_line("pio read irq", n * ATA_SECTOR_SIZE, irq, hz);
    bench_line("bare rep insw", n * ATA_SECTOR_SIZE, bare, hz);
}
