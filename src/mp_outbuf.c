/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_outbuf.c - report bytes gathered in a buffer, rows in two threads;
 * see mp_outbuf.h. */
#include "mp_outbuf.h"

#include <pthread.h>
#include <stdlib.h>

/* Two threads pay from about this many rows: a JSON study row costs
 * about 0.5 us, so 50,000 rows are some 25 ms of formatting against
 * about 0.1 ms to start, feed and join a thread; below it a report is
 * written by the calling thread alone, as are the reports of every
 * ordinary meta-analysis (tens of studies). */
#define PARALLEL_MIN_ROWS 50000
/* Rows per block handed between the threads: at 200 to 500 bytes a
 * row, a block is 1 to 2 MB, so a hand-over (a lock and a wake-up) is
 * rare, and the two blocks the second thread may hold stay small. */
#define BLOCK_ROWS 4096

static size_t parallel_min = PARALLEL_MIN_ROWS, block_rows = BLOCK_ROWS;

void mp_outbuf_set_parallel(size_t min_rows, size_t block)
{
    parallel_min = min_rows ? min_rows : PARALLEL_MIN_ROWS;
    block_rows = min_rows && block ? block : BLOCK_ROWS;
}

size_t mp_outbuf_parallel_rows(void)
{
    return parallel_min;
}

/* ---- the buffer ------------------------------------------------------------ */

static void use_small(mp_outbuf *b)
{
    b->buf = b->small;
    b->cap = sizeof b->small;
    b->owned = 0;
}

void mp_outbuf_init_small(mp_outbuf *b, FILE *out)
{
    b->out = out;
    b->len = 0;
    b->failed = 0;
    use_small(b);
}

void mp_outbuf_init(mp_outbuf *b, FILE *out)
{
    mp_outbuf_init_small(b, out);
    char *big = out ? malloc(MP_OUTBUF_SIZE) : NULL;
    if (big) {
        b->buf = big;
        b->cap = MP_OUTBUF_SIZE;
        b->owned = 1;
    }
}

/* Write the gathered bytes to the FILE. */
static void flush(mp_outbuf *b)
{
    if (!b->failed && b->len && fwrite(b->buf, 1, b->len, b->out) != b->len)
        b->failed = 1;
    b->len = 0;
}

int mp_outbuf_flush(mp_outbuf *b)
{
    if (b->out)
        flush(b);
    return b->failed ? -1 : 0;
}

/* In memory: a buffer of at least len + n bytes. */
static int grow(mp_outbuf *b, size_t n)
{
    size_t cap = 2 * b->cap;
    if (cap < b->len + n)
        cap = b->len + n;
    char *p = b->owned ? realloc(b->buf, cap) : malloc(cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    if (!b->owned)
        memcpy(p, b->buf, b->len);
    b->buf = p;
    b->cap = cap;
    b->owned = 1;
    return 0;
}

int mp_outbuf_make_room(mp_outbuf *b, size_t n)
{
    if (b->failed)
        return -1;
    if (!b->out)
        return grow(b, n);
    flush(b);
    return b->failed || n > b->cap ? -1 : 0;
}

void mp_outbuf_write_slow(mp_outbuf *b, const char *s, size_t n)
{
    if (b->out && n > b->cap) {
        /* more than the buffer holds: after what is gathered, directly */
        flush(b);
        if (!b->failed && fwrite(s, 1, n, b->out) != n)
            b->failed = 1;
    } else if (mp_outbuf_make_room(b, n) == 0) {
        memcpy(b->buf + b->len, s, n);
        b->len += n;
    }
}

void mp_outbuf_free(mp_outbuf *b)
{
    if (b->owned)
        free(b->buf);
    use_small(b);
    b->len = 0;
}

mp_status mp_outbuf_finish(mp_outbuf *b)
{
    int memory = !b->out;
    if (!memory)
        flush(b);
    int failed = b->failed || (!memory && ferror(b->out));
    mp_outbuf_free(b);
    return !failed ? MP_OK : memory ? MP_ENOMEM : MP_EIO;
}

/* ---- rows in two threads ---------------------------------------------------- */

/* Rows [first, end) of block j. */
static void block_rows_of(size_t n, size_t block, size_t j, size_t *first,
                          size_t *end)
{
    *first = j * block;
    *end = *first + block < n ? *first + block : n;
}

static void format_block(mp_outbuf *b, size_t n, size_t block, size_t j,
                         mp_outbuf_row_fn row, const void *ctx)
{
    size_t i, end;
    block_rows_of(n, block, j, &i, &end);
    for (; i < end && !b->failed; i++)
        row(b, ctx, i);
}

/* The second thread formats the odd blocks 1, 3, 5, ... into two
 * buffers in turn (block j into slot[j / 2 % 2]); the calling thread
 * formats the even ones straight into the report and appends each odd
 * block after the even one before it.  A slot is full from when the
 * second thread has formatted into it until its bytes were appended. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    mp_outbuf slot[2];
    int full[2];
    int stop;           /* the calling thread wants no more blocks */
    int ended;          /* the second thread formats no more blocks */
    size_t n, block, blocks;
    mp_outbuf_row_fn row;
    const void *ctx;
} rows_job;

/* Wait for slot s to be free; 0 when told to stop instead. */
static int wait_free(rows_job *job, int s)
{
    pthread_mutex_lock(&job->mu);
    while (job->full[s] && !job->stop)
        pthread_cond_wait(&job->cv, &job->mu);
    int go = !job->stop;
    pthread_mutex_unlock(&job->mu);
    return go;
}

static void *second_thread(void *arg)
{
    rows_job *job = arg;
    for (size_t j = 1; j < job->blocks; j += 2) {
        int s = (int)(j / 2 % 2);
        if (!wait_free(job, s))
            break;
        mp_outbuf *b = &job->slot[s];
        b->len = 0;
        format_block(b, job->n, job->block, j, job->row, job->ctx);
        pthread_mutex_lock(&job->mu);
        job->full[s] = 1;       /* a failed one too: the caller redoes it */
        pthread_cond_broadcast(&job->cv);
        pthread_mutex_unlock(&job->mu);
        if (b->failed)
            break;
    }
    pthread_mutex_lock(&job->mu);
    job->ended = 1;
    pthread_cond_broadcast(&job->cv);
    pthread_mutex_unlock(&job->mu);
    return NULL;
}

/* Append odd block j from its slot; 0 when the second thread did not
 * make it (it ran out of memory or ended), which stops it. */
static int take_block(rows_job *job, mp_outbuf *b, size_t j)
{
    int s = (int)(j / 2 % 2);
    pthread_mutex_lock(&job->mu);
    while (!job->full[s] && !job->ended)
        pthread_cond_wait(&job->cv, &job->mu);
    int ok = job->full[s] && !job->slot[s].failed;
    if (!ok) {
        job->stop = 1;
        pthread_cond_broadcast(&job->cv);
    }
    pthread_mutex_unlock(&job->mu);
    if (!ok)
        return 0;
    /* the slot is the second thread's again only after full[s] = 0 */
    mp_outbuf_write(b, job->slot[s].buf, job->slot[s].len);
    pthread_mutex_lock(&job->mu);
    job->full[s] = 0;
    pthread_cond_broadcast(&job->cv);
    pthread_mutex_unlock(&job->mu);
    return 1;
}

/* The blocks in order, the odd ones from the second thread as long as
 * it makes them; then stop and join it. */
static void rows_in_two(rows_job *job, mp_outbuf *b, pthread_t t)
{
    int alone = 0;
    for (size_t j = 0; j < job->blocks && !b->failed; j++) {
        if (j % 2 == 1 && !alone && take_block(job, b, j))
            continue;
        alone |= j % 2 == 1;
        format_block(b, job->n, job->block, j, job->row, job->ctx);
    }
    pthread_mutex_lock(&job->mu);
    job->stop = 1;
    pthread_cond_broadcast(&job->cv);
    pthread_mutex_unlock(&job->mu);
    pthread_join(t, NULL);
}

void mp_outbuf_rows(mp_outbuf *b, size_t n, mp_outbuf_row_fn row,
                    const void *ctx)
{
    size_t block = block_rows;
    rows_job job = { .n = n, .block = block, .blocks = (n + block - 1) / block,
                     .row = row, .ctx = ctx };
    pthread_t t;
    int two = n >= parallel_min && job.blocks >= 2 && !b->failed;
    if (two && pthread_mutex_init(&job.mu, NULL) != 0)
        two = 0;
    if (two && pthread_cond_init(&job.cv, NULL) != 0) {
        pthread_mutex_destroy(&job.mu);
        two = 0;
    }
    if (two) {
        mp_outbuf_init(&job.slot[0], NULL);
        mp_outbuf_init(&job.slot[1], NULL);
        if (pthread_create(&t, NULL, second_thread, &job) == 0)
            rows_in_two(&job, b, t);
        else
            two = 0;    /* no thread: all rows here */
        mp_outbuf_free(&job.slot[0]);
        mp_outbuf_free(&job.slot[1]);
        pthread_cond_destroy(&job.cv);
        pthread_mutex_destroy(&job.mu);
        if (two)
            return;
    }
    for (size_t i = 0; i < n && !b->failed; i++)
        row(b, ctx, i);
}
