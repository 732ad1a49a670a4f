/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_bigmem.c - large arrays on huge pages; see mp_bigmem.h. */
#define _DEFAULT_SOURCE 1       /* madvise, MADV_HUGEPAGE (not POSIX) */
#include "mp_bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#if defined(MADV_HUGEPAGE)
/* The range [lo, hi) of block p (n bytes) to advise.  glibc's malloc
 * gives a large block a mapping of its own, from its 16-byte header
 * before p to p + malloc_usable_size(p), and its realloc grows it with
 * mremap, which fails on a range of several mappings: advice on part of
 * the mapping would split it and turn every later growth into a copy.
 * Such a block (both ends on page boundaries) is advised whole.  Any
 * other block only on the pages that lie wholly inside it: a page
 * outside could hold other allocations. */
static void advice_range(void *p, size_t n, uintptr_t *lo, uintptr_t *hi)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)p;
#if defined(__GLIBC__)
    uintptr_t head = 2 * sizeof(size_t), end = a + malloc_usable_size(p);
    if (page > 1 && (a - head) % page == 0 && end % page == 0) {
        *lo = a - head;
        *hi = end;
        return;
    }
#endif
    *lo = page > 1 ? (a + page - 1) / page * page : a;
    *hi = page > 1 ? (a + n) / page * page : a;
}
#endif

/* Ask for huge pages on block p of n bytes (see mp_bigmem.h); the
 * answer is ignored, as a hint's may be. */
static void *hint(void *p, size_t n)
{
#if defined(MADV_HUGEPAGE)
    uintptr_t lo, hi;
    if (p && n >= MP_BIG_MIN) {
        advice_range(p, n, &lo, &hi);
        if (hi > lo)
            (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#else
    (void)n;
#endif
    return p;
}

void *mp_big_malloc(size_t n)
{
    return hint(malloc(n), n);
}

void *mp_big_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    return p ? hint(p, n * size) : NULL;    /* calloc checked n * size */
}

void *mp_big_realloc(void *p, size_t n)
{
    return hint(realloc(p, n), n);
}
