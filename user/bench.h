/*
 * bench.h - the stage programs' benchmarks, run with the core `bench` option.
 * Each stage's lives in user/labN_bench.c, apart from its program
 * (user/labN.c), so that the program reads as the lab's demonstration.
 * handouts/benchmarks.md explains every figure they print.
 */
#ifndef CAIRN_USER_BENCH_H
#define CAIRN_USER_BENCH_H

#include <stddef.h>

#include <stdbool.h>

struct future;
struct pci_scan;
struct fat_volume;
struct blockdev;

void lab1_bench(void);
void lab2_bench(void);
/* A future for lab 3's main task to await inline; the frame sizes are the program's. */
struct future *lab3_bench(size_t print_number_frame, size_t echo_frame);
void lab4_bench(void);
void lab5_bench(const struct pci_scan *boot);
void lab6_bench(void);
/* On the first disk; `mounted`: v holds its FAT volume (else v is only used for its cache). */
void lab7_bench(struct fat_volume *v, struct blockdev *bd, bool mounted);

#endif
