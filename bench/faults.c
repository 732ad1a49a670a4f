/* SPDX-License-Identifier: GPL-3.0-or-later */
/* faults.c - what first touching memory costs here: 64 MiB mapped and
 * touched once per 4 KiB page, four times over (each round a fresh
 * mapping), with 4 KiB pages and then advised for transparent huge pages
 * (madvise MADV_HUGEPAGE, as src/mp_bigmem.c does).  bench/RESULTS.md,
 * "Huge pages".  Build: cc -O2 -o faults bench/faults.c */
#define _DEFAULT_SOURCE 1
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void)
{
    const size_t size = (size_t)64 << 20;
    for (int huge = 0; huge < 2; huge++) {
        printf("%s:", huge ? "huge pages" : "4 KiB pages");
        for (int round = 0; round < 4; round++) {
            char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED)
                return 1;
#ifdef MADV_HUGEPAGE
            if (huge)
                (void)madvise(p, size, MADV_HUGEPAGE);
#endif
            double t0 = now();
            for (size_t i = 0; i < size; i += 4096)
                p[i] = 1;
            printf(" %.1f ms", 1e3 * (now() - t0));
            munmap(p, size);
        }
        printf(" (64 MiB each)\n");
    }
    return 0;
}
