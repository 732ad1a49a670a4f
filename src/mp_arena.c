/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_arena.c - the reader's bump allocator; see mp_arena.h. */
#include "mp_arena.h"

#include <stdlib.h>

void *mp_arena_alloc_slow(mp_arena *a, size_t n, size_t align)
{
    mp_arena_block **pp = &a->spare, *b;
    while ((b = *pp) != NULL && b->cap < n)
        pp = &b->next;
    if (b) {
        *pp = b->next;
    } else {
        size_t cap = n > MP_ARENA_BLOCK ? n : MP_ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
    }
    (void)align;                /* data is aligned for anything */
    b->next = NULL;
    b->used = n;
    if (a->cur)
        a->cur->next = b;
    else
        a->head = b;
    a->cur = b;
    return b->data;
}

/* Release the blocks before keep (which stays, with what follows it). */
static void arena_release_before(mp_arena *a, mp_arena_block *keep)
{
    mp_arena_block *b = a->head;
    while (b && b != keep)
        b = b->next;
    if (!b)
        return;                 /* not a block in use: keep everything */
    while (a->head != keep) {
        b = a->head;
        a->head = b->next;
        b->next = a->spare;
        a->spare = b;
    }
}

/* Everything is garbage. */
void mp_arena_reset(mp_arena *a)
{
    arena_release_before(a, a->cur);
    if (a->cur)
        a->cur->used = 0;
}

static void free_blocks(mp_arena_block *b)
{
    while (b) {
        mp_arena_block *next = b->next;
        free(b);
        b = next;
    }
}

/* Reset, keeping one block of the usual size (a large study leaves no
 * large arena behind). */
void mp_arena_trim(mp_arena *a)
{
    mp_arena_reset(a);
    free_blocks(a->spare);
    a->spare = NULL;
    if (a->cur && a->cur->cap > MP_ARENA_BLOCK) {
        free(a->cur);
        a->head = a->cur = NULL;
    }
}

void mp_arena_free(mp_arena *a)
{
    mp_arena_trim(a);
    free_blocks(a->head);
    a->head = a->cur = NULL;
}
