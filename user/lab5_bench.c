/*
 * lab5_bench.c - stage 5's benchmark (`bench`): the seed's brute force
 * against lab 5's recursive scan. Times come from the TSC, whose rate
 * is taken from the PIT while the (long) brute force runs. The boot-time scan
 * ran cold (TCG translating its code for the first time), so the scan is run
 * again, warm, for a fair time; that rescan rebuilds the device records, so
 * this runs last.
 */
#include <stdint.h>
#include "bench.h"
#include "interrupts.h"
#include "kprintf.h"
#include "pci.h"

void lab5_bench(const struct pci_scan *boot)
{
    uint64_t t0 = timer_ticks();
    struct pci_scan brute = pci_scan_brute_force();
    uint64_t ticks = timer_ticks() - t0;
    uint64_t us_brute = ticks * 1000000 / timer_hz();
    struct pci_scan warm = pci_scan();
    uint64_t us_boot = brute.cycles ? boot->cycles * us_brute / brute.cycles : 0;
    uint64_t us_warm = brute.cycles ? warm.cycles * us_brute / brute.cycles : 0;

    kprintf("bench: pci recursive scan config accesses %u accesses\n", boot->accesses);
    kprintf("bench: pci recursive scan time at boot %llu us\n", (unsigned long long)us_boot);
    kprintf("bench: pci recursive scan time warm %llu us\n", (unsigned long long)us_warm);
    kprintf("bench: pci recursive scan BAR sizing accesses %u accesses\n", warm.sizing_accesses);
    kprintf("bench: pci recursive scan BAR sizing time warm %llu us\n",
            (unsigned long long)(brute.cycles ? warm.sizing_cycles * us_brute / brute.cycles : 0));
    kprintf("bench: pci brute force config accesses %u accesses\n", brute.accesses);
    kprintf("bench: pci brute force time %llu us\n", (unsigned long long)us_brute);
    kprintf("bench: pci brute force functions found %d functions\n", brute.ndevices);
}
