/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_error.c - diagnostic list; see mp_error.h. */
#include "mp_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mp_errors_init(mp_errors *e)
{
    e->items = NULL;
    e->n = e->cap = e->dropped = e->limit = e->suppressed = e->always = 0;
    e->warnings = e->warnings_suppressed = 0;
}

size_t mp_errors_count(const mp_errors *e)
{
    return e->n - e->warnings + e->suppressed + e->dropped;
}

size_t mp_errors_warnings(const mp_errors *e)
{
    return e->warnings + e->warnings_suppressed;
}

mp_errors *mp_errors_new(size_t limit)
{
    mp_errors *e = malloc(sizeof *e);
    if (e) {
        mp_errors_init(e);
        e->limit = limit;
    }
    return e;
}

void mp_errors_free(mp_errors *e)
{
    if (!e)
        return;
    mp_errors_clear(e);
    free(e);
}

size_t mp_errors_size(const mp_errors *e)
{
    return e->n;
}

const mp_diag *mp_errors_get(const mp_errors *e, size_t i)
{
    return i < e->n ? &e->items[i] : NULL;
}

size_t mp_errors_unrecorded(const mp_errors *e)
{
    return e->suppressed + e->warnings_suppressed + e->dropped;
}

void mp_errors_clear(mp_errors *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->items[i].file);
        free(e->items[i].message);
    }
    free(e->items);
    size_t limit = e->limit;
    mp_errors_init(e);
    e->limit = limit;
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (len < 0)
        return NULL;
    char *s = malloc((size_t)len + 1);
    if (s)
        vsnprintf(s, (size_t)len + 1, fmt, ap);
    return s;
}

/* How an item is added: capped, always recorded, or a warning (capped). */
enum { CAPPED, ALWAYS, WARNING };

static mp_status add(mp_errors *e, int how, const char *file, long line,
                     size_t index, const char *fmt, va_list ap)
{
    if (how != ALWAYS && e->limit && e->n - e->always >= e->limit) {
        if (how == WARNING)
            e->warnings_suppressed++;
        else
            e->suppressed++;
        return MP_OK;
    }
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 16;
        mp_diag *items = realloc(e->items, cap * sizeof *items);
        if (!items) {
            e->dropped++;
            return MP_ENOMEM;
        }
        e->items = items;
        e->cap = cap;
    }
    char *msg = vformat(fmt, ap);
    char *f = file ? strdup(file) : NULL;
    if (!msg || (file && !f)) {
        free(msg);
        free(f);
        e->dropped++;
        return MP_ENOMEM;
    }
    e->items[e->n++] = (mp_diag){ f, line, msg, how == WARNING, index };
    e->always += how == ALWAYS;
    e->warnings += how == WARNING;
    return MP_OK;
}

mp_status mp_errors_vadd(mp_errors *e, const char *file, long line,
                         const char *fmt, va_list ap)
{
    return add(e, CAPPED, file, line, MP_NO_INDEX, fmt, ap);
}

mp_status mp_errors_add(mp_errors *e, const char *file, long line,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_status st = add(e, CAPPED, file, line, MP_NO_INDEX, fmt, ap);
    va_end(ap);
    return st;
}

mp_status mp_errors_warn(mp_errors *e, const char *file, long line,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_status st = add(e, WARNING, file, line, MP_NO_INDEX, fmt, ap);
    va_end(ap);
    return st;
}

mp_status mp_errors_warn_at(mp_errors *e, size_t index, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_status st = add(e, WARNING, NULL, 0, index, fmt, ap);
    va_end(ap);
    return st;
}

mp_status mp_errors_add_always(mp_errors *e, const char *file, long line,
                               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_status st = add(e, ALWAYS, file, line, MP_NO_INDEX, fmt, ap);
    va_end(ap);
    return st;
}

/* Stable merge sort of a[0..n-1] by line (tmp: n items of scratch). */
static void sort_by_line(mp_diag *a, mp_diag *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2, i = 0, j = h, t = 0;
    sort_by_line(a, tmp, h);
    sort_by_line(a + h, tmp, n - h);
    while (i < h && j < n)
        tmp[t++] = a[j].line < a[i].line ? a[j++] : a[i++];
    while (i < h)
        tmp[t++] = a[i++];
    while (j < n)
        tmp[t++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

mp_status mp_errors_sort_keep(mp_errors *e, size_t keep)
{
    mp_diag *tmp = malloc((e->n ? e->n : 1) * sizeof *tmp);
    if (!tmp)
        return MP_ENOMEM;
    sort_by_line(e->items, tmp, e->n);
    free(tmp);
    for (; e->n > keep; e->n--) {
        mp_diag *d = &e->items[e->n - 1];
        free(d->file);
        free(d->message);
        if (d->warning) {
            e->warnings--;
            e->warnings_suppressed++;
        } else {
            e->suppressed++;
        }
    }
    return MP_OK;
}

const char *mp_status_string(mp_status s)
{
    switch (s) {
    case MP_OK: return "success";
    case MP_EINPUT: return "invalid input";
    case MP_ENOMEM: return "out of memory";
    case MP_ENUMERIC: return "numerical failure";
    case MP_EIO: return "input/output error";
    case MP_ELIMIT: return "resource limit exceeded";
    }
    return "unknown error";
}
