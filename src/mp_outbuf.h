/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_outbuf.h - a report's bytes gathered in a large buffer of our own.
 *
 * The JSON and CSV reports of many studies are millions of short fields;
 * a stdio call per field (its lock, strlen and bookkeeping) cost more
 * than formatting the numbers (issue 15, part 4).  An mp_outbuf collects
 * the bytes and hands them to the FILE in large writes; fields of known
 * length are copied without strlen.  mp_outbuf_rows formats the rows of
 * a long table in two threads, with the same bytes as one thread.
 *
 * Errors: a failed write (or, in memory, a failed allocation) makes the
 * buffer "failed": later bytes are dropped and mp_outbuf_finish says so.
 * The library never prints; the caller reports.
 */
#ifndef MP_OUTBUF_H
#define MP_OUTBUF_H

#include <stdio.h>
#include <string.h>

#include "mp_error.h"

#define MP_OUTBUF_SIZE (1u << 20)   /* bytes gathered per write to a FILE */
#define MP_OUTBUF_ROOM 64           /* mp_outbuf_room's most bytes: a number
                                       (MP_NUMBUF) with a short separator */

typedef struct {
    FILE *out;          /* where full buffers go; NULL: the buffer grows */
    char *buf;          /* the bytes not yet written */
    size_t len, cap;
    int failed;         /* a write failed or memory ran out */
    int owned;          /* buf is ours to free (not small) */
    char small[256];    /* the buffer when no larger one could be had */
} mp_outbuf;

/* A buffer writing to out (not closed), of MP_OUTBUF_SIZE bytes, or
 * sizeof small when that cannot be allocated (still correct, slower);
 * out NULL: a buffer in memory that grows as needed (mp_outbuf_data). */
void mp_outbuf_init(mp_outbuf *b, FILE *out);

/* Like mp_outbuf_init with out, using the inline small buffer: for a
 * few bytes (one field) where a large allocation would not pay. */
void mp_outbuf_init_small(mp_outbuf *b, FILE *out);

/* Write what is left to the FILE (not flushed) and release the buffer.
 * MP_OK, or MP_EIO when a write failed (or ferror(out) was already set)
 * or, in memory, MP_ENOMEM. */
mp_status mp_outbuf_finish(mp_outbuf *b);

/* Write the gathered bytes to the FILE (not flushed; nothing in
 * memory); 0, or -1 when this or an earlier write failed. */
int mp_outbuf_flush(mp_outbuf *b);

/* Release the buffer without writing (in memory: after mp_outbuf_data). */
void mp_outbuf_free(mp_outbuf *b);

/* Make room for n more bytes: write the buffer out (FILE) or grow it.
 * Returns 0 when there is room, -1 when not (then b->failed is set).
 * Called by the inline functions below; rarely useful directly. */
int mp_outbuf_make_room(mp_outbuf *b, size_t n);

/* Append n bytes of s: the slow path of mp_outbuf_write. */
void mp_outbuf_write_slow(mp_outbuf *b, const char *s, size_t n);

/* Append n bytes of s.  Inline, so that a short piece of known length
 * (a key of a report) is copied by a few moves, not a call to memcpy. */
static inline void mp_outbuf_write(mp_outbuf *b, const char *s, size_t n)
{
    if (b->cap - b->len >= n) {
        memcpy(b->buf + b->len, s, n);
        b->len += n;
    } else {
        mp_outbuf_write_slow(b, s, n);
    }
}

/* Append s (a string). */
static inline void mp_outbuf_puts(mp_outbuf *b, const char *s)
{
    mp_outbuf_write(b, s, strlen(s));
}

/* Append a string literal: its length is known when compiled. */
#define mp_outbuf_lit(b, s) mp_outbuf_write((b), "" s, sizeof(s) - 1)

static inline void mp_outbuf_putc(mp_outbuf *b, char c)
{
    if (b->len < b->cap || mp_outbuf_make_room(b, 1) == 0)
        b->buf[b->len++] = c;
}

/* Where to write at most MP_OUTBUF_ROOM bytes in place; then
 * mp_outbuf_advance to the end of what was written.  After a failure
 * the bytes go to a scratch area and are dropped. */
static inline char *mp_outbuf_room(mp_outbuf *b)
{
    if (b->cap - b->len >= MP_OUTBUF_ROOM
        || mp_outbuf_make_room(b, MP_OUTBUF_ROOM) == 0)
        return b->buf + b->len;
    b->len = 0;         /* failed: small is the scratch area */
    return b->small;
}

static inline void mp_outbuf_advance(mp_outbuf *b, const char *end)
{
    if (!b->failed)
        b->len = (size_t)(end - b->buf);
}

/* ---- rows in parallel ----------------------------------------------------- */

/* Format row i of a table into b.  Called for every i in [0, n) in
 * order when serial; with two threads, in order within each thread, on
 * buffers in memory.  Must only read shared data (thread-safe). */
typedef void (*mp_outbuf_row_fn)(mp_outbuf *b, const void *ctx, size_t i);

/* Append rows 0 to n - 1 to b, each made by row(.., ctx, i): with n of
 * at least mp_outbuf_parallel_rows(), blocks of rows are formatted by a
 * second thread while this one formats others, and all are appended in
 * order, so the bytes are those of the serial loop.  When the thread
 * cannot be started or its memory runs out, this thread formats the rest
 * itself.  The second thread has ended when this returns. */
void mp_outbuf_rows(mp_outbuf *b, size_t n, mp_outbuf_row_fn row,
                    const void *ctx);

/* The least n mp_outbuf_rows formats in two threads, and the rows per
 * block it hands between them.  For the tests, which lower both to run
 * small tables in parallel (min_rows 0: back to the defaults).  Not
 * thread-safe: set before any report is written. */
void mp_outbuf_set_parallel(size_t min_rows, size_t block_rows);
size_t mp_outbuf_parallel_rows(void);

#endif
