/*
 * lab8_fake.h - lab 8's physical memory on the host, for its host tests:
 * frame_kva() maps a "physical" address into an array here, and
 * tlb_invalidate() only counts. The includer defines PHYS_PAGES (how much
 * fake RAM it needs) before including this.
 */
#ifndef LAB8_FAKE_H
#define LAB8_FAKE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PHYS_BASE 0x00400000u           /* the fake RAM's first physical address */

static uint8_t phys[PHYS_PAGES * PAGE_SIZE] __attribute__((aligned(4096)));
static uint32_t kva_calls __attribute__((unused));     /* every table or page the code looked at */
static uint32_t invalidated __attribute__((unused));   /* tlb_invalidate calls */

void *frame_kva(uint32_t pa)
{
    if (pa < PHYS_BASE || pa >= PHYS_BASE + sizeof phys) {
        printf("  frame_kva(0x%08x): outside the fake memory\n", pa);
        abort();
    }
    kva_calls++;
    return phys + (pa - PHYS_BASE);
}

void tlb_invalidate(uint32_t va)
{
    (void)va;
    invalidated++;
}

#endif
