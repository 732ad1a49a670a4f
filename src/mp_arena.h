/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_arena.h - a bump allocator for the reader's per-study memory
 * (internal; not installed).
 *
 * Inputs: sizes and alignments (powers of two).  Outputs: memory that
 * stays valid until the next mp_arena_reset, mp_arena_trim or
 * mp_arena_free of its arena.  Errors: mp_arena_alloc returns NULL when
 * memory runs out.  Ownership: the arena owns its blocks; a zeroed
 * mp_arena is empty and ready, and mp_arena_free releases everything.
 * Used by the XML reader (mp_study.c and the files split from it) for the
 * tree of the study being read, whose memory is reused study after study.
 */
#ifndef MP_ARENA_H
#define MP_ARENA_H

#include <stddef.h>

/* Blocks in use, oldest first (head to cur), and spare blocks.  Memory is
 * never freed piecemeal: blocks are released whole, to the spares, when
 * everything in them is garbage. */
typedef struct mp_arena_block {
    struct mp_arena_block *next;
    size_t cap, used;
    max_align_t data[];
} mp_arena_block;

typedef struct {
    mp_arena_block *head, *cur, *spare;
} mp_arena;

enum { MP_ARENA_BLOCK = 1 << 16 };

/* The slow path of mp_arena_alloc: a new block (a spare one when one is
 * large enough); NULL when memory runs out. */
void *mp_arena_alloc_slow(mp_arena *a, size_t n, size_t align);

/* n bytes aligned to align (a power of two), NULL when memory runs out. */
static inline void *mp_arena_alloc(mp_arena *a, size_t n, size_t align)
{
    mp_arena_block *b = a->cur;
    if (b) {
        size_t at = (b->used + align - 1) & ~(align - 1);
        if (at <= b->cap && b->cap - at >= n) {
            b->used = at + n;
            return (char *)b->data + at;
        }
    }
    return mp_arena_alloc_slow(a, n, align);
}

/* Everything is garbage: the blocks become spares but the current one. */
void mp_arena_reset(mp_arena *a);

/* Reset, keeping one block of the usual size (a large study leaves no
 * large arena behind). */
void mp_arena_trim(mp_arena *a);

/* Release every block. */
void mp_arena_free(mp_arena *a);

#endif
