/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_dataset.c - rows of one analysis; see mp_dataset.h.
 *
 * Strings live in one growing pool and rows refer to them by offset, so a
 * million studies cost a few dozen bytes each.
 */
#include "mp_dataset.h"
#include "mp_bigmem.h"
#include "mp_derived.h"
#include "mp_crosscheck.h"
#include "mp_text.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NONE SIZE_MAX   /* offset of an absent string */
enum { MAX_OUTCOME_NAMES = 64 };    /* kept for the "outcomes present" list */

/* Strings, by offset into the concatenation of segments: the last one
 * (buf) grows; those before it are what joining the halves of an input
 * left (mp_dataset_join takes the second half's buffer as it is instead
 * of copying it). */
typedef struct {
    char *buf;
    size_t base, len;
} pool_seg;

typedef struct {
    char *buf;                  /* the last segment */
    size_t base;                /* offset of buf[0] */
    size_t len, cap;
    pool_seg *old;              /* the segments before, by base */
    size_t n_old;
} pool;

/* Where each study id was first seen, for the duplicate check, in the
 * order claimed; with the id's hash, so that growing the table never
 * reads the strings again. */
typedef struct {
    size_t id, file;    /* pool offsets */
    long line;
    uint64_t hash;
} seen_id;

/* A slot of the id table: 0 when empty, else the top bits of the id's
 * hash (a tag that settles almost every mismatch without reading the
 * string) above 1 + the id's index in seen[]. */
#define SLOT_INDEX_BITS 40
#define SLOT_INDEX_MASK ((UINT64_C(1) << SLOT_INDEX_BITS) - 1)

/* A table of ids: their records in the order claimed, and an open
 * addressing hash of them, 8-byte slots (the record's index), at most
 * half full.  Joining the halves of an input keeps the second half's
 * table as it is, after the first's, instead of rehashing and copying
 * half a million ids into one (most of the join's time); ids are looked
 * up in every table, added to the last. */
typedef struct {
    uint64_t *slots;
    size_t cap;                 /* a power of two */
    seen_id *seen;
    size_t n, cap_seen;
} id_table;

/* Loops over many ids ask for the slot of the id this many places ahead:
 * the table is megabytes, and each probe would otherwise wait for
 * memory. */
enum { PREFETCH_AHEAD = 16 };

/* A valid study without the chosen outcome: its id and the names of the
 * outcomes it has (n of them, consecutive NUL-terminated strings from
 * names on). */
typedef struct {
    size_t id, names, n, file;
    long line;
} skipped_study;

typedef struct {
    size_t id, title, file, group;
    size_t doi;                 /* the publication's DOI (issue 23) */
    int year;
    long n[2], events[2];       /* [0] control, [1] experimental */
    const char *derived;        /* mp_effect_derived(), static */
    mp_km_ipd *ipd;             /* km-curves: the reconstructed arms,
                                   [0] control, [1] experimental (owned);
                                   else NULL (a pointer, not the pair: a
                                   million rows are 40 MB smaller) */
} row_info;

typedef struct {
    row_info *rows;
    size_t first, n;
} row_seg;

struct mp_dataset {
    char *outcome;
    mp_measure counts_measure;
    char *by;
    pool strings;
    size_t k, cap;              /* rows; room in y and v */
    double *y, *v;
    /* the rows, in segments as the strings are: rows[] holds rows
     * rows_first.. (room for cap_rows), old_rows those before */
    row_info *rows;
    size_t rows_first, cap_rows;
    row_seg *old_rows;
    size_t n_old_rows;
    size_t n_ipd;               /* rows with reconstructed arms */
    int measure_set;
    mp_measure measure;
    size_t arm_label[2];
    /* every study id seen, and an open-addressing hash table of them
     * (8-byte slots, at most half full: 16 MB for a million ids) */
    size_t n_ids;               /* in all tables */
    id_table *tables;           /* one, or one more per joined half */
    size_t n_tables;
    size_t n_valid;             /* studies that passed every check */
    size_t n_seen, max_studies; /* studies given to mp_dataset_add; limit */
    size_t last_file;           /* pool offset of the last file name */
    /* outcome names present in valid studies, NUL-separated in the pool */
    size_t *outcomes;
    size_t n_outcomes, cap_outcomes;
    int more_outcomes;          /* a name was not kept: there are more */
    skipped_study *skipped;     /* valid studies without the outcome */
    size_t n_skipped, cap_skipped;
};

/* ---- string pool ------------------------------------------------------------ */

/* Copy s (NULL: absent) into the pool; *off receives its offset (NONE for
 * NULL).  MP_ENOMEM, with *off and the pool unchanged, when memory runs
 * out.  The pool doubles, so n bytes cost O(n) copying in all. */
static mp_status pool_add(pool *p, const char *s, size_t *off)
{
    if (!s) {
        *off = NONE;
        return MP_OK;
    }
    size_t n = strlen(s) + 1;
    if (n > p->cap - p->len) {
        size_t cap = p->cap ? p->cap : 4096;
        while (cap - p->len < n) {
            if (cap > SIZE_MAX / 2)
                return MP_ENOMEM;
            cap *= 2;
        }
        char *b = mp_big_realloc(p->buf, cap);
        if (!b)
            return MP_ENOMEM;
        p->buf = b;
        p->cap = cap;
    }
    memcpy(p->buf + p->len, s, n);
    *off = p->base + p->len;
    p->len += n;
    return MP_OK;
}

/* The last of n segments (size bytes each, their first index a size_t
 * at key in each, ascending, the first one's <= x) whose first is <= x. */
static size_t segment_of(const void *segs, size_t n, size_t size, size_t key,
                         size_t x)
{
    size_t lo = 0, hi = n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2, first;
        memcpy(&first, (const char *)segs + mid * size + key, sizeof first);
        if (first <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static const char *pool_str(const pool *p, size_t off)
{
    if (off == NONE)
        return NULL;
    if (off >= p->base)
        return p->buf + (off - p->base);
    const pool_seg *g = &p->old[segment_of(p->old, p->n_old, sizeof *g,
                                           offsetof(pool_seg, base), off)];
    return g->buf + (off - g->base);
}

/* The offset the next string will have. */
static size_t pool_end(const pool *p)
{
    return p->base + p->len;
}

static void pool_free(pool *p)
{
    free(p->buf);
    for (size_t i = 0; i < p->n_old; i++)
        free(p->old[i].buf);
    free(p->old);
}

/* Append from's strings (one segment, at offsets from->base on, which
 * is past p's end) to p, taking its buffer: MP_OK, or MP_ENOMEM (p
 * unchanged). */
static mp_status pool_join(pool *p, pool *from)
{
    if (p->len > 0) {
        pool_seg *o = realloc(p->old, (p->n_old + 1) * sizeof *o);
        if (!o)
            return MP_ENOMEM;
        p->old = o;
        char *b = realloc(p->buf, p->len);  /* it grows no more */
        o[p->n_old++] = (pool_seg){ b ? b : p->buf, p->base, p->len };
    } else {
        free(p->buf);
    }
    *p = (pool){ from->buf, from->base, from->len, from->cap, p->old, p->n_old };
    *from = (pool){ 0 };
    return MP_OK;
}

/* ---- construction ------------------------------------------------------------ */

void mp_dataset_options_default(mp_dataset_options *o)
{
    o->outcome = "OS";
    o->counts_measure = MP_MEASURE_RR;
    o->by = NULL;
    o->max_studies = 0;
}

static row_info *row_at(const mp_dataset *ds, size_t i);
static mp_status drop_ipd(row_info *r);

mp_dataset *mp_dataset_new(const mp_dataset_options *o)
{
    mp_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        return NULL;
    ds->outcome = strdup(o->outcome);
    ds->by = o->by ? strdup(o->by) : NULL;
    ds->counts_measure = o->counts_measure;
    ds->max_studies = o->max_studies;
    ds->arm_label[0] = ds->arm_label[1] = NONE;
    ds->last_file = NONE;
    if (!ds->outcome || (o->by && !ds->by)) {
        mp_dataset_free(ds);
        return NULL;
    }
    return ds;
}

void mp_dataset_free(mp_dataset *ds)
{
    if (!ds)
        return;
    free(ds->outcome);
    free(ds->by);
    pool_free(&ds->strings);
    free(ds->y);
    free(ds->v);
    for (size_t i = 0; ds->n_ipd && i < ds->k; i++)
        drop_ipd(row_at(ds, i));
    free(ds->rows);
    for (size_t i = 0; i < ds->n_old_rows; i++)
        free(ds->old_rows[i].rows);
    free(ds->old_rows);
    for (size_t i = 0; i < ds->n_tables; i++) {
        free(ds->tables[i].slots);
        free(ds->tables[i].seen);
    }
    free(ds->tables);
    free(ds->outcomes);
    free(ds->skipped);
    free(ds);
}

/* Room for item n of an array of *cap items of size bytes, doubling it
 * when full.  0 when memory runs out (the array unchanged). */
static int room_for_one(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 1;
    size_t c = *cap ? 2 * *cap : 8;
    void *t = mp_big_realloc(*arr, c * size);
    if (!t)
        return 0;
    *arr = t;
    *cap = c;
    return 1;
}

/* ---- the id hash --------------------------------------------------------------- */

/* FNV-1a (Fowler, Noll, Vo; 64-bit), then the finalizer of MurmurHash3
 * (Appleby) so that the top bits, the slot's tag, depend on every byte. */
static uint64_t hash(const char *s)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

/* The slot for seen entry i (hash h) in an empty or partial table. */
static size_t free_slot(const uint64_t *slots, size_t cap, uint64_t h)
{
    size_t j = (size_t)h & (cap - 1);
    while (slots[j])
        j = (j + 1) & (cap - 1);
    return j;
}

static uint64_t slot_of(uint64_t h, size_t i)
{
    return (h & ~SLOT_INDEX_MASK) | (uint64_t)(i + 1);
}

/* Double the last table (make the first: 64 slots), from seen[] in
 * order: sequential reads, no string touched. */
static mp_status slots_grow(mp_dataset *ds)
{
    if (ds->n_tables == 0) {
        ds->tables = calloc(1, sizeof *ds->tables);
        if (!ds->tables)
            return MP_ENOMEM;
        ds->n_tables = 1;
    }
    id_table *tb = &ds->tables[ds->n_tables - 1];
    size_t cap = tb->cap ? 2 * tb->cap : 64;
    if (cap > SIZE_MAX / sizeof *tb->slots)
        return MP_ENOMEM;
    uint64_t *t = mp_big_calloc(cap, sizeof *t);
    if (!t)
        return MP_ENOMEM;
    for (size_t i = 0; i < tb->n; i++) {
#if defined(__GNUC__)
        if (i + PREFETCH_AHEAD < tb->n)     /* see PREFETCH_AHEAD */
            __builtin_prefetch(&t[(size_t)tb->seen[i + PREFETCH_AHEAD].hash &
                                  (cap - 1)]);
#endif
        t[free_slot(t, cap, tb->seen[i].hash)] = slot_of(tb->seen[i].hash, i);
    }
    free(tb->slots);
    tb->slots = t;
    tb->cap = cap;
    return MP_OK;
}

/* 1 when the last table has no room for one more id. */
static int slots_full(const mp_dataset *ds)
{
    const id_table *tb = ds->n_tables ? &ds->tables[ds->n_tables - 1] : NULL;
    return !tb || 2 * (tb->n + 1) > tb->cap;
}

/* The seen entry of id (hash h), or NULL; *empty receives the slot of
 * the last table where it would go. */
static const seen_id *ids_find(const mp_dataset *ds, const char *id,
                               uint64_t h, size_t *empty)
{
    for (size_t t = 0; t < ds->n_tables; t++) {
        const id_table *tb = &ds->tables[t];
        size_t j = (size_t)h & (tb->cap - 1);
        for (uint64_t s; (s = tb->slots[j]) != 0; j = (j + 1) & (tb->cap - 1)) {
            if ((s ^ h) & ~SLOT_INDEX_MASK)
                continue;       /* another tag: another id */
            const seen_id *e = &tb->seen[(s & SLOT_INDEX_MASK) - 1];
            if (strcmp(pool_str(&ds->strings, e->id), id) == 0)
                return e;
        }
        *empty = j;
    }
    return NULL;
}

/* The pool offset of the file name (studies come file by file: one copy
 * of each file name suffices). */
static mp_status file_offset(mp_dataset *ds, const char *file, size_t *off)
{
    const char *last = pool_str(&ds->strings, ds->last_file);
    if (!last || strcmp(last, file) != 0) {
        mp_status st = pool_add(&ds->strings, file, &ds->last_file);
        if (st != MP_OK)
            return st;
    }
    *off = ds->last_file;
    return MP_OK;
}

/* Ask for the cache line of id's first slot (hash h) ahead of its use:
 * in a table of megabytes the probe otherwise waits for memory, and the
 * checks of a study take long enough to hide the wait. */
static void prefetch_slot(const mp_dataset *ds, uint64_t h)
{
#if defined(__GNUC__)
    for (size_t t = 0; t < ds->n_tables; t++)
        __builtin_prefetch(&ds->tables[t].slots[(size_t)h &
                                                 (ds->tables[t].cap - 1)]);
#else
    (void)ds;
    (void)h;
#endif
}

/* Record s's id (hash h) as seen[n_ids - 1]; MP_EINPUT with a diagnostic
 * when an earlier input has it, MP_ENOMEM. */
static mp_status claim_id(mp_dataset *ds, const mp_study *s, uint64_t h,
                          mp_errors *err)
{
    mp_status st = MP_OK;
    if (slots_full(ds))
        st = slots_grow(ds);
    id_table *tb = st == MP_OK ? &ds->tables[ds->n_tables - 1] : NULL;
    if (tb && !room_for_one((void **)&tb->seen, &tb->cap_seen, tb->n,
                            sizeof *tb->seen))
        st = MP_ENOMEM;
    if (st != MP_OK || tb->n >= SLOT_INDEX_MASK)
        return MP_ENOMEM;
    size_t slot;
    const seen_id *first = ids_find(ds, s->id, h, &slot);
    if (first) {
        mp_errors_add(err, s->file, s->line,
                      "duplicate study id \"%s\" (first defined at %s:%ld)",
                      s->id, pool_str(&ds->strings, first->file), first->line);
        return MP_EINPUT;
    }
    size_t id, file;
    if (pool_add(&ds->strings, s->id, &id) != MP_OK ||
        file_offset(ds, s->file, &file) != MP_OK)
        return MP_ENOMEM;
    tb->seen[tb->n] = (seen_id){ id, file, s->line, h };
    tb->slots[slot] = slot_of(h, tb->n);
    tb->n++;
    ds->n_ids++;
    return MP_OK;
}

/* Note the outcome name at offset off of the pool (NONE: copy name
 * there first) unless it is known already. */
static mp_status note_outcome(mp_dataset *ds, const char *name, size_t off)
{
    /* the names serve only the message of mp_dataset_finish, which has
     * room for a few dozen: more would only cost a scan per outcome */
    for (size_t i = 0; i < ds->n_outcomes; i++)
        if (strcmp(pool_str(&ds->strings, ds->outcomes[i]), name) == 0)
            return MP_OK;
    if (ds->n_outcomes >= MAX_OUTCOME_NAMES) {
        ds->more_outcomes = 1;
        return MP_OK;
    }
    if (!room_for_one((void **)&ds->outcomes, &ds->cap_outcomes,
                      ds->n_outcomes, sizeof *ds->outcomes))
        return MP_ENOMEM;
    if (off == NONE && pool_add(&ds->strings, name, &off) != MP_OK)
        return MP_ENOMEM;
    ds->outcomes[ds->n_outcomes++] = off;
    return MP_OK;
}

static mp_status note_outcome_name(mp_dataset *ds, const char *name)
{
    return note_outcome(ds, name, NONE);
}

/* ---- rows ------------------------------------------------------------------------ */

/* Row i (< k). */
static row_info *row_at(const mp_dataset *ds, size_t i)
{
    if (i >= ds->rows_first)
        return &ds->rows[i - ds->rows_first];
    const row_seg *g = &ds->old_rows[segment_of(ds->old_rows, ds->n_old_rows,
                                                sizeof *g,
                                                offsetof(row_seg, first), i)];
    return &g->rows[i - g->first];
}

/* Room for cap values in y and v: 0 when memory runs out. */
static int values_reserve(mp_dataset *ds, size_t cap)
{
    if (cap <= ds->cap)
        return 1;
    double *y = mp_big_realloc(ds->y, cap * sizeof *y);
    if (y)
        ds->y = y;
    double *v = mp_big_realloc(ds->v, cap * sizeof *v);
    if (v)
        ds->v = v;
    if (!y || !v)
        return 0;
    ds->cap = cap;
    return 1;
}

/* Room for row k: 0 when memory runs out. */
static int rows_grow(mp_dataset *ds)
{
    if (ds->k == ds->cap && !values_reserve(ds, ds->cap ? 2 * ds->cap : 16))
        return 0;
    size_t n = ds->k - ds->rows_first;
    return room_for_one((void **)&ds->rows, &ds->cap_rows, n, sizeof *ds->rows);
}

static const char *covariate(const mp_study *s, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < s->n_covariates; i++)
        if (strcmp(s->covariates[i].name, name) == 0)
            return s->covariates[i].value;
    return NULL;
}

static mp_status check_measure(mp_dataset *ds, const mp_study *s,
                               const mp_outcome *o, mp_errors *err)
{
    mp_measure m = mp_effect_measure(&o->effect, ds->counts_measure);
    if (!ds->measure_set) {
        ds->measure = m;
        ds->measure_set = 1;
        return MP_OK;
    }
    if (m == ds->measure)
        return MP_OK;
    mp_errors_add(err, s->file, o->effect.line,
                  "outcome %s of study \"%s\" gives %s, but earlier studies "
                  "give %s; one analysis pools one measure", o->name, s->id,
                  mp_measure_name(m), mp_measure_name(ds->measure));
    return MP_EINPUT;
}

/* Events of a reconstructed arm. */
static long ipd_events(const mp_km_ipd *d)
{
    long e = 0;
    for (size_t i = 0; i < d->n; i++)
        e += d->event[i];
    return e;
}

static void arm_counts(const mp_study *s, const mp_outcome *o, row_info *r)
{
    const mp_effect_input *e = &o->effect;
    int counts = e->kind == MP_INPUT_COUNTS;
    /* logrank-p and medians give events per arm (or -1) */
    int arm_events = counts || (r->derived && e->kind != MP_INPUT_KM &&
                                e->events_exp >= 0);
    r->n[1] = counts ? e->total_exp : s->n_exp;
    r->n[0] = counts ? e->total_ctl : s->n_ctl;
    r->events[1] = arm_events ? e->events_exp : o->events_exp;
    r->events[0] = arm_events ? e->events_ctl : o->events_ctl;
    if (e->kind != MP_INPUT_KM)
        return;
    for (int a = 0; a < 2; a++) {
        r->n[a] = r->ipd ? (long)r->ipd[a].n : 0;
        r->events[a] = r->ipd ? ipd_events(&r->ipd[a]) : 0;
    }
}

/* The log effect and its SE of o; km-curves also gives the reconstructed
 * data (ipd, empty otherwise).  MP_EINPUT with a diagnostic, MP_ENOMEM. */
static mp_status convert(const mp_dataset *ds, const mp_study *s,
                         const mp_outcome *o, double *y, double *se,
                         mp_km_ipd ipd[2], mp_errors *err)
{
    ipd[0] = ipd[1] = (mp_km_ipd){ 0 };
    mp_status st = o->effect.kind == MP_INPUT_KM
        ? mp_derived_km(&o->effect, s->file, y, se, ipd, err)
        : mp_effect_convert(&o->effect, ds->counts_measure, y, se);
    if (st == MP_OK || st == MP_ENOMEM)
        return st;
    if (o->effect.kind != MP_INPUT_KM)   /* which said why */
        mp_errors_add(err, s->file, o->effect.line,
                  "outcome %s of study \"%s\" does not give a finite log "
                  "effect and standard error", o->name, s->id);
    return MP_EINPUT;
}

/* A row not added after all, or freed: its reconstructed data go.
 * MP_ENOMEM. */
static mp_status drop_ipd(row_info *r)
{
    if (r->ipd) {
        mp_km_ipd_clear(&r->ipd[0]);
        mp_km_ipd_clear(&r->ipd[1]);
        free(r->ipd);
        r->ipd = NULL;
    }
    return MP_ENOMEM;
}


/* The DOI the study is cited by: that of its newest publication (the
 * year it is shown with), else the first one given; NULL when none. */
static const char *study_doi(const mp_study *s)
{
    const char *first = NULL;
    for (size_t i = 0; i < s->n_publications; i++) {
        const mp_publication *p = &s->publications[i];
        if (p->doi && p->year == s->year)
            return p->doi;
        if (p->doi && !first)
            first = p->doi;
    }
    return first;
}
/* The row of s (whose id is claimed, *me) with its outcome o.  MP_EINPUT
 * with a diagnostic, or MP_ENOMEM; the dataset then has no new row. */
static mp_status add_row(mp_dataset *ds, const mp_study *s, const mp_outcome *o,
                         const seen_id *me, mp_errors *err)
{
    double y, se;
    mp_km_ipd ipd[2];
    mp_status st = convert(ds, s, o, &y, &se, ipd, err);
    if (st != MP_OK)
        return st;
    row_info *r = NULL;
    mp_km_ipd *pair = NULL;
    if (o->effect.kind == MP_INPUT_KM && (pair = malloc(2 * sizeof *pair)))
        pair[0] = ipd[0], pair[1] = ipd[1];
    if ((o->effect.kind == MP_INPUT_KM && !pair) || !rows_grow(ds)) {
        row_info lost = { .ipd = pair };
        if (!pair) {
            mp_km_ipd_clear(&ipd[0]);
            mp_km_ipd_clear(&ipd[1]);
        }
        return drop_ipd(&lost);
    }
    r = &ds->rows[ds->k - ds->rows_first];
    r->ipd = pair;
    r->derived = mp_effect_derived(&o->effect);
    r->id = me->id;
    r->file = me->file;
    if (pool_add(&ds->strings, s->title, &r->title) != MP_OK ||
        pool_add(&ds->strings, covariate(s, ds->by), &r->group) != MP_OK ||
        pool_add(&ds->strings, study_doi(s), &r->doi) != MP_OK)
        return drop_ipd(r);
    r->year = s->year;
    arm_counts(s, o, r);
    for (int a = 0; a < 2; a++) {
        const char *label = a ? s->arm_exp : s->arm_ctl;
        if (ds->arm_label[a] == NONE && label &&
            pool_add(&ds->strings, label, &ds->arm_label[a]) != MP_OK)
            return drop_ipd(r);
    }
    ds->y[ds->k] = y;
    ds->v[ds->k] = se * se;
    ds->k++;
    ds->n_ipd += pair != NULL;
    return MP_OK;
}

const char *mp_outcome_long_name(const char *outcome)
{
    static const char *const names[][2] = {
        { "OS", "overall survival" },
        { "PFS", "progression-free survival" },
        { "LRPFS", "locoregional progression-free survival" },
        { "DPFS", "distant progression-free survival" },
        { "DFS", "disease-free survival" },
        { "EFS", "event-free survival" },
        { "BCSS", "breast-cancer-specific survival" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], outcome) == 0)
            return names[i][1];
    return outcome;
}

/* 1 when s names the chosen outcome in other words: its code or its long
 * name in another case ("os", "Overall survival" for OS). */
static int names_outcome(const mp_dataset *ds, const char *s)
{
    return strcasecmp(s, ds->outcome) == 0
           || strcasecmp(s, mp_outcome_long_name(ds->outcome)) == 0;
}

/* The outcome names of a skipped study, quoted and comma-separated, in
 * out (size bytes); ", ..." when they do not all fit. */
static void outcome_names(const mp_dataset *ds, const skipped_study *k,
                          char *out, size_t size)
{
    size_t used = 0, room = size - sizeof ", ...";
    const char *name = pool_str(&ds->strings, k->names);
    out[0] = '\0';
    for (size_t i = 0; i < k->n; i++, name += strlen(name) + 1) {
        size_t len = strlen(name) + (i ? 4 : 2);
        if (used + len > room) {
            strcpy(out + used, ", ...");
            return;
        }
        used += (size_t)snprintf(out + used, size - used, "%s\"%s\"",
                                 i ? ", " : "", name);
    }
}

/* Record a valid study that lacks the chosen outcome (the warning that
 * names it comes with mp_dataset_finish). */
static mp_status skip_study(mp_dataset *ds, const mp_study *s,
                            const seen_id *me)
{
    if (!room_for_one((void **)&ds->skipped, &ds->cap_skipped,
                      ds->n_skipped, sizeof *ds->skipped))
        return MP_ENOMEM;
    skipped_study *k = &ds->skipped[ds->n_skipped];
    k->id = me->id;
    k->file = me->file;
    k->line = s->line;
    k->names = pool_end(&ds->strings);
    k->n = s->n_outcomes;
    for (size_t i = 0; i < s->n_outcomes; i++) {
        size_t off;             /* consecutive from k->names on */
        if (pool_add(&ds->strings, s->outcomes[i].name, &off) != MP_OK)
            return MP_ENOMEM;
    }
    ds->n_skipped++;
    return MP_OK;
}

void mp_dataset_warn_not_pooled(const mp_dataset *ds, int all, mp_errors *err)
{
    for (size_t i = 0; i < ds->n_skipped; i++) {
        const skipped_study *k = &ds->skipped[i];
        char list[512];
        const char *like = NULL;
        outcome_names(ds, k, list, sizeof list);
        for (size_t j = 0; j < k->n && !like; j++)
            if (names_outcome(ds, mp_dataset_not_pooled_outcome(ds, i, j)))
                like = mp_dataset_not_pooled_outcome(ds, i, j);
        const char *file = pool_str(&ds->strings, k->file);
        const char *id = pool_str(&ds->strings, k->id);
        if (!all && !like)
            continue;
        if (like)
            mp_errors_warn(err, file, k->line, "study \"%s\" is not pooled: "
                           "it has no outcome \"%s\", only %s (outcome names "
                           "are exact: write name=\"%s\" for \"%s\")", id,
                           ds->outcome, list, ds->outcome, like);
        else
            mp_errors_warn(err, file, k->line, "study \"%s\" is not pooled: "
                           "it has no outcome \"%s\"%s%s", id, ds->outcome,
                           k->n ? ", only " : "", list);
    }
}

mp_status mp_dataset_add(mp_dataset *ds, const mp_study *s, mp_errors *err)
{
    /* Every study costs memory (its id, its row): a run has a ceiling. */
    if (ds->max_studies && ds->n_seen >= ds->max_studies) {
        if (ds->n_seen++ == ds->max_studies)
            mp_errors_add_always(err, s->file, s->line, "more than %zu studies "
                                 "in this run, the limit (--max-studies "
                                 "raises it)", ds->max_studies);
        return MP_ELIMIT;
    }
    ds->n_seen++;
    uint64_t h = hash(s->id);
    prefetch_slot(ds, h);
    mp_status st = MP_OK;
    const mp_outcome *chosen = NULL;
    for (size_t i = 0; i < s->n_outcomes; i++) {
        const mp_outcome *o = &s->outcomes[i];
        if (mp_effect_check(&o->effect, s->file, err) != MP_OK)
            st = MP_EINPUT;
        else
            mp_crosscheck_outcome(s, o, err);   /* warnings only */
        if (strcmp(o->name, ds->outcome) == 0)
            chosen = o;
    }
    mp_status id_st = claim_id(ds, s, h, err);
    if (id_st != MP_OK)
        return id_st;
    const id_table *last = &ds->tables[ds->n_tables - 1];
    const seen_id *me = &last->seen[last->n - 1];
    if (st != MP_OK)
        return st;
    for (size_t i = 0; i < s->n_outcomes; i++)
        if (note_outcome_name(ds, s->outcomes[i].name) != MP_OK)
            return MP_ENOMEM;
    if (chosen) {
        st = check_measure(ds, s, chosen, err);
        if (st == MP_OK)
            st = add_row(ds, s, chosen, me, err);
    } else {
        st = skip_study(ds, s, me);
    }
    if (st == MP_OK)
        ds->n_valid++;
    return st;
}

/* ---- joining the halves of an input ------------------------------------------- */

/* The offsets of a second half's strings start this far past the end of
 * the first's when it begins (2^40 with a 64-bit size_t): the first half
 * adds far fewer bytes than that (an input has at most 2 GiB), so the
 * second half's offsets are already those of the joined pool, and no
 * row, id or name needs changing at the join. */
#define JOIN_GAP ((size_t)1 << (sizeof(size_t) * CHAR_BIT - 24))

mp_dataset *mp_dataset_new_like(const mp_dataset *ds)
{
    mp_dataset_options o = { ds->outcome, ds->counts_measure, ds->by,
                             ds->max_studies };
    mp_dataset *n = mp_dataset_new(&o);
    size_t end = pool_end(&ds->strings);
    if (n && end < SIZE_MAX - 2 * JOIN_GAP)
        n->strings.base = end + JOIN_GAP;
    return n;
}

/* 1 when ds and from cannot be joined as one reading would have them. */
static int join_refused(const mp_dataset *ds, const mp_dataset *from)
{
    if (ds->max_studies && ds->n_seen + from->n_seen > ds->max_studies)
        return 1;
    if (ds->measure_set && from->measure_set && ds->measure != from->measure)
        return 1;
    if (from->strings.base < pool_end(&ds->strings) || from->strings.n_old)
        return 1;               /* cannot be: see JOIN_GAP */
    for (size_t t = 0; t < from->n_tables; t++) {
        const id_table *tb = &from->tables[t];
        for (size_t i = 0; i < tb->n; i++) {
            if (i + PREFETCH_AHEAD < tb->n)
                prefetch_slot(ds, tb->seen[i + PREFETCH_AHEAD].hash);
            const seen_id *e = &tb->seen[i];
            size_t slot;
            if (ids_find(ds, pool_str(&from->strings, e->id), e->hash, &slot))
                return 1;
        }
    }
    return 0;
}

/* Room in ds for the id tables, values, rows and skipped studies of
 * from. */
static mp_status join_reserve(mp_dataset *ds, const mp_dataset *from)
{
    size_t n = ds->n_skipped + from->n_skipped;
    if (n > ds->cap_skipped) {
        skipped_study *k = realloc(ds->skipped, n * sizeof *k);
        if (!k)
            return MP_ENOMEM;
        ds->skipped = k;
        ds->cap_skipped = n;
    }
    id_table *t = realloc(ds->tables, (ds->n_tables + from->n_tables) * sizeof *t);
    if (!t && ds->n_tables + from->n_tables > 0)
        return MP_ENOMEM;
    ds->tables = t;
    if (!values_reserve(ds, ds->k + from->k))
        return MP_ENOMEM;
    row_seg *o = realloc(ds->old_rows, (ds->n_old_rows + 1) * sizeof *o);
    if (!o)
        return MP_ENOMEM;
    ds->old_rows = o;
    return MP_OK;
}

/* from's rows after ds's: from's array of rows becomes ds's last
 * segment (room for it: join_reserve). */
static void join_rows(mp_dataset *ds, mp_dataset *from)
{
    if (from->k) {
        memcpy(ds->y + ds->k, from->y, from->k * sizeof *ds->y);
        memcpy(ds->v + ds->k, from->v, from->k * sizeof *ds->v);
    }
    size_t n = ds->k - ds->rows_first;
    if (n > 0) {
        row_info *r = realloc(ds->rows, n * sizeof *r);  /* grows no more */
        ds->old_rows[ds->n_old_rows++] =
            (row_seg){ r ? r : ds->rows, ds->rows_first, n };
    } else {
        free(ds->rows);
    }
    ds->rows = from->rows;      /* the reconstructed arms move too */
    ds->cap_rows = from->cap_rows;
    ds->rows_first = ds->k;
    ds->k += from->k;
    from->rows = NULL;
    from->k = from->cap_rows = 0;
}

/* from's ids, their tables and its skipped studies after ds's (room:
 * join_reserve). */
static void join_ids(mp_dataset *ds, mp_dataset *from)
{
    for (size_t t = 0; t < from->n_tables; t++)
        ds->tables[ds->n_tables++] = from->tables[t];
    free(from->tables);
    from->tables = NULL;
    from->n_tables = 0;
    ds->n_ids += from->n_ids;
    from->n_ids = 0;
    if (from->n_skipped)        /* (memcpy with NULL is undefined) */
        memcpy(ds->skipped + ds->n_skipped, from->skipped,
               from->n_skipped * sizeof *ds->skipped);
    ds->n_skipped += from->n_skipped;
}

mp_status mp_dataset_join(mp_dataset *ds, mp_dataset *from)
{
    if (join_refused(ds, from))
        return MP_EINPUT;
    if (join_reserve(ds, from) != MP_OK)
        return MP_ENOMEM;
    if (pool_join(&ds->strings, &from->strings) != MP_OK)
        return MP_ENOMEM;
    join_rows(ds, from);
    join_ids(ds, from);
    for (size_t i = 0; i < from->n_outcomes; i++) {
        size_t off = from->outcomes[i];     /* in ds's pool now */
        if (note_outcome(ds, pool_str(&ds->strings, off), off) != MP_OK)
            return MP_ENOMEM;
    }
    ds->more_outcomes |= from->more_outcomes;
    if (!ds->measure_set && from->measure_set) {
        ds->measure = from->measure;
        ds->measure_set = 1;
    }
    for (int a = 0; a < 2; a++)
        if (ds->arm_label[a] == NONE)
            ds->arm_label[a] = from->arm_label[a];
    if (from->last_file != NONE)
        ds->last_file = from->last_file;
    ds->n_valid += from->n_valid;
    ds->n_seen += from->n_seen;
    ds->n_ipd += from->n_ipd;
    from->n_ipd = 0;
    return MP_OK;
}

static mp_status half_open(void *arg, mp_study_fn *fn, void **ctx,
                           mp_errors **err)
{
    mp_dataset_half *h = arg;
    mp_errors_init(&h->err);
    h->err.limit = h->err_limit;
    h->sink = (mp_dataset_sink){ mp_dataset_new_like(h->first), &h->err };
    if (!h->sink.ds)
        return MP_ENOMEM;
    *fn = mp_dataset_reader_fn;
    *ctx = &h->sink;
    *err = &h->err;
    return MP_OK;
}

static mp_status half_join(void *arg)
{
    mp_dataset_half *h = arg;
    mp_status st = mp_dataset_join(h->first, h->sink.ds);
    h->joins += st == MP_OK;
    return st;
}

static void half_close(void *arg)
{
    mp_dataset_half *h = arg;
    mp_dataset_free(h->sink.ds);
    h->sink.ds = NULL;
    mp_errors_clear(&h->err);
}

mp_read_split mp_dataset_split(mp_dataset_half *h)
{
    return (mp_read_split){ half_open, half_join, half_close, h };
}

mp_status mp_dataset_reader_fn(const mp_study *s, void *ctx)
{
    mp_dataset_sink *sink = ctx;
    mp_status st = mp_dataset_add(sink->ds, s, sink->err);
    /* Bad studies are reported and reading goes on; memory and the study
     * limit stop it. */
    return st == MP_ENOMEM || st == MP_ELIMIT ? st : MP_OK;
}

int mp_dataset_full(const mp_dataset *ds)
{
    return ds->max_studies && ds->n_seen > ds->max_studies;
}

/* The outcomes present, for the message of mp_dataset_finish, in out
 * (size bytes, at least 16): whole names while they fit, then ", ..." if
 * any is left out; a first name too long for out is cut at a character
 * boundary and ends in "..." (then ", ..." if there are more). */
static void outcome_list(const mp_dataset *ds, char *out, size_t size)
{
    int more = ds->more_outcomes || ds->n_outcomes > 1;
    size_t room = size - sizeof ", ...", used = 0, i;
    for (i = 0; i < ds->n_outcomes; i++) {
        const char *name = pool_str(&ds->strings, ds->outcomes[i]);
        size_t sep = i ? 2 : 0, len = strlen(name);
        if (used + sep + len > room) {
            if (i == 0) {
                used = mp_text_utf8_prefix(name, room - sizeof "..." + 1);
                memcpy(out, name, used);
                strcpy(out + used, more ? "..., ..." : "...");
                return;
            }
            break;
        }
        memcpy(out + used, ", ", sep);
        memcpy(out + used + sep, name, len);
        used += sep + len;
    }
    more = i < ds->n_outcomes || ds->more_outcomes;
    strcpy(out + used, more ? ", ..." : "");
}

mp_status mp_dataset_finish(mp_dataset *ds, mp_errors *err)
{
    if (ds->k > 0) {
        mp_dataset_warn_not_pooled(ds, 1, err);
        return MP_OK;
    }
    char list[1024];
    outcome_list(ds, list, sizeof list);
    if (ds->n_ids == 0)
        mp_errors_add(err, NULL, 0, "no study to pool: the inputs hold no study");
    else if (ds->n_outcomes == 0)
        mp_errors_add(err, NULL, 0, "no input has outcome \"%s\"", ds->outcome);
    else
        mp_errors_add(err, NULL, 0, "no input has outcome \"%s\" (outcomes "
                      "present: %s)", ds->outcome, list);
    return MP_EINPUT;
}

/* ---- accessors ----------------------------------------------------------------- */

size_t mp_dataset_k(const mp_dataset *ds) { return ds->k; }
size_t mp_dataset_not_pooled(const mp_dataset *ds) { return ds->n_skipped; }

const char *mp_dataset_not_pooled_id(const mp_dataset *ds, size_t i)
{
    return pool_str(&ds->strings, ds->skipped[i].id);
}

size_t mp_dataset_not_pooled_outcomes(const mp_dataset *ds, size_t i)
{
    return ds->skipped[i].n;
}

const char *mp_dataset_not_pooled_outcome(const mp_dataset *ds, size_t i,
                                          size_t j)
{
    const char *name = pool_str(&ds->strings, ds->skipped[i].names);
    while (j--)
        name += strlen(name) + 1;
    return name;
}
size_t mp_dataset_studies_read(const mp_dataset *ds) { return ds->n_valid; }
const double *mp_dataset_y(const mp_dataset *ds) { return ds->y; }
const double *mp_dataset_v(const mp_dataset *ds) { return ds->v; }
const char *mp_dataset_outcome(const mp_dataset *ds) { return ds->outcome; }

mp_measure mp_dataset_measure(const mp_dataset *ds)
{
    return ds->measure_set ? ds->measure : MP_MEASURE_HR;
}

const char *mp_dataset_id(const mp_dataset *ds, size_t i)
{
    return pool_str(&ds->strings, row_at(ds, i)->id);
}

const char *mp_dataset_title(const mp_dataset *ds, size_t i)
{
    return pool_str(&ds->strings, row_at(ds, i)->title);
}

const char *mp_dataset_file(const mp_dataset *ds, size_t i)
{
    return pool_str(&ds->strings, row_at(ds, i)->file);
}

const char *mp_dataset_doi(const mp_dataset *ds, size_t i)
{
    return pool_str(&ds->strings, row_at(ds, i)->doi);
}

int mp_dataset_year(const mp_dataset *ds, size_t i)
{
    return row_at(ds, i)->year;
}

long mp_dataset_n(const mp_dataset *ds, size_t i, int experimental)
{
    return row_at(ds, i)->n[experimental ? 1 : 0];
}

long mp_dataset_events(const mp_dataset *ds, size_t i, int experimental)
{
    return row_at(ds, i)->events[experimental ? 1 : 0];
}

const char *mp_dataset_derived(const mp_dataset *ds, size_t i)
{
    return row_at(ds, i)->derived;
}

size_t mp_dataset_ipd(const mp_dataset *ds, size_t i, int experimental,
                      const double **time, const int **event)
{
    const mp_km_ipd *pair = row_at(ds, i)->ipd;
    const mp_km_ipd *d = pair ? &pair[experimental ? 1 : 0] : NULL;
    *time = d ? d->time : NULL;
    *event = d ? d->event : NULL;
    return d ? d->n : 0;
}

const char *mp_dataset_group(const mp_dataset *ds, size_t i)
{
    return pool_str(&ds->strings, row_at(ds, i)->group);
}

const char *mp_dataset_arm_label(const mp_dataset *ds, int experimental)
{
    return pool_str(&ds->strings, ds->arm_label[experimental ? 1 : 0]);
}
