/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_bigmem.h - allocation of the large arrays of a large input.
 *
 * A million studies fill some 200 MB of arrays (rows, values, strings,
 * the id table, the sort of the fit).  Touching fresh memory costs a
 * page fault per 4 KiB page, and on virtual machines a fault costs ten
 * microseconds or more: at k = 10^6 that was about a fifth of the run's
 * processor time (bench/RESULTS.md, "Huge pages").  These functions are
 * malloc, calloc and realloc that, for blocks of MP_BIG_MIN bytes or
 * more, ask the kernel to back the block with transparent huge pages
 * (madvise MADV_HUGEPAGE on its whole 2 MiB pages), so that one fault
 * maps 2 MiB.  The request is a hint: where the system has no such pages
 * (another kernel, THP "never") it does nothing and the memory is the
 * same.  Free the blocks with free().
 *
 * Returns: the block, or NULL when memory runs out (realloc: p is then
 * unchanged and still owned by the caller), as the C library's.
 */
#ifndef MP_BIGMEM_H
#define MP_BIGMEM_H

#include <stddef.h>

/* Below this many bytes a block is left as malloc gives it. */
#define MP_BIG_MIN ((size_t)4 << 20)

void *mp_big_malloc(size_t n);
void *mp_big_calloc(size_t n, size_t size);
void *mp_big_realloc(void *p, size_t n);

#endif
