/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_import.c - the imported studies and their writing; see mp_import.h. */
#include "mp_import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mp_descriptor_write.h"
#include "mp_error.h"

void mp_import_set_init(mp_import_set *s)
{
    memset(s, 0, sizeof *s);
}

void mp_import_set_free(mp_import_set *s)
{
    for (mp_import_study *st = s->studies; st; st = st->next)
        free(st->notes);
    free(s->summary);
    mp_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

mp_status mp_import_set_status(const mp_import_set *s)
{
    return s->oom ? MP_ENOMEM : MP_OK;
}

static void *zalloc(mp_import_set *s, size_t n)
{
    void *p = mp_arena_alloc(&s->arena, n, sizeof(max_align_t));
    if (!p) {
        s->oom = 1;
        return NULL;
    }
    return memset(p, 0, n);
}

const char *mp_import_strndup(mp_import_set *s, const char *str, size_t n)
{
    size_t len = strlen(str);
    if (n < len)
        len = n;
    char *p = mp_arena_alloc(&s->arena, len + 1, 1);
    if (!p) {
        s->oom = 1;
        return "";
    }
    memcpy(p, str, len);
    p[len] = '\0';
    return p;
}

const char *mp_import_strdup(mp_import_set *s, const char *str)
{
    return mp_import_strndup(s, str, (size_t)-1);
}

mp_import_study *mp_import_study_get(mp_import_set *s, const char *id, int *created)
{
    if (created)
        *created = 0;
    for (mp_import_study *st = s->studies; st; st = st->next)
        if (strcmp(st->id, id) == 0)
            return st;
    mp_import_study *st = zalloc(s, sizeof *st);
    if (!st)
        return NULL;
    st->id = mp_import_strdup(s, id);
    st->title = st->year = "";
    if (s->last)
        s->last->next = st;
    else
        s->studies = st;
    s->last = st;
    s->n++;
    if (created)
        *created = 1;
    return st;
}

mp_import_outcome *mp_import_outcome_find(mp_import_study *st, const char *name)
{
    for (mp_import_outcome *o = st->outcomes; o; o = o->next)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

mp_import_outcome *mp_import_outcome_add(mp_import_set *s, mp_import_study *st,
                                         const char *name)
{
    mp_import_outcome *o = zalloc(s, sizeof *o), **at = &st->outcomes;
    if (!o)
        return NULL;
    o->name = mp_import_strdup(s, name);
    while (*at)
        at = &(*at)->next;
    *at = o;
    return o;
}

void mp_import_covariate_add(mp_import_set *s, mp_import_study *st,
                             const char *name, const char *value)
{
    mp_import_covariate *c = zalloc(s, sizeof *c), **at = &st->covariates;
    if (!c)
        return;
    c->name = mp_import_strdup(s, name);
    c->value = mp_import_strdup(s, value);
    while (*at)
        at = &(*at)->next;
    *at = c;
}

static void append(mp_import_set *s, char **text, size_t *len, const char *fmt,
                   va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *p = n < 0 ? NULL : realloc(*text, *len + (size_t)n + 2);
    if (!p) {
        s->oom = 1;
        va_end(again);
        return;
    }
    *text = p;
    if (*len)
        p[(*len)++] = '\n';
    vsnprintf(p + *len, (size_t)n + 1, fmt, again);
    va_end(again);
    *len += (size_t)n;
}

void mp_import_note(mp_import_set *s, mp_import_study *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    append(s, &st->notes, &st->notes_len, fmt, ap);
    va_end(ap);
}

void mp_import_summary(mp_import_set *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    append(s, &s->summary, &s->summary_len, fmt, ap);
    va_end(ap);
}

/* ---- identifiers ---------------------------------------------------------- */

/* The ASCII spelling of the Latin-1 letters U+00C0..U+00FF (NULL: not a
 * letter), lower case; the case of the original is applied by the caller. */
static const char *const latin1[64] = {
    "a", "a", "a", "a", "ae", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "oe", NULL, "o", "u", "u", "u", "ue", "y", "th", "ss",
    "a", "a", "a", "a", "ae", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "oe", NULL, "o", "u", "u", "u", "ue", "y", "th", "y",
};

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The spelling of the character at *p (advanced past it), or NULL when it
 * is a separator. */
static const char *spell(const unsigned char **p, char one[2], int lower)
{
    unsigned char c = **p;
    if (is_alnum(c)) {
        (*p)++;
        one[0] = (char)(lower && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        one[1] = '\0';
        return one;
    }
    if (c == 0xC3 && (*p)[1] >= 0x80 && (*p)[1] <= 0xBF) {
        unsigned cp = 0xC0 + ((*p)[1] - 0x80);
        *p += 2;
        return latin1[cp - 0xC0];
    }
    (*p)++;
    while ((**p & 0xC0) == 0x80)    /* the rest of a multibyte character */
        (*p)++;
    return NULL;
}

char *mp_import_identifier(const char *text, int lower, char *buf, size_t max)
{
    size_t n = 0, word = 0;     /* word: where the last word began */
    int dash = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        char one[2];
        const char *sp = spell(&p, one, lower);
        if (!sp) {
            dash = n > 0;
            continue;
        }
        size_t need = strlen(sp) + (size_t)dash;
        if (n + need >= max) {
            /* no word cut in two: drop the one that does not fit */
            if (!dash && word > 0)
                n = word - 1;
            break;
        }
        if (dash) {
            buf[n++] = '-';
            word = n;
        }
        memcpy(buf + n, sp, strlen(sp));
        n += strlen(sp);
        dash = 0;
    }
    buf[n] = '\0';
    return buf;
}

/* ---- writing ------------------------------------------------------------- */

typedef struct {
    char *path, *tmp, *doc;
    size_t len;
    int linked;
} target;

static char *join_path(const char *dir, const char *id)
{
    size_t n = strlen(dir) + strlen(id) + 6;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s.xml", dir, id);
    return p;
}

/* Make every document; MP_OK or MP_ENOMEM. */
static mp_status make_documents(const mp_import_set *s, const char *dir, target *t)
{
    size_t i = 0;
    for (const mp_import_study *st = s->studies; st; st = st->next, i++) {
        if (!(t[i].path = join_path(dir, st->id)))
            return MP_ENOMEM;
        mp_status rc = mp_descriptor_write(st, &t[i].doc, &t[i].len);
        if (rc != MP_OK)
            return rc;
    }
    return MP_OK;
}

/* Read documents back as `metapool --validate` would, in one run (so that
 * two studies of one id are caught).  Each diagnostic goes to e, as a
 * problem of (file, line) when file is given, else as the reader made it
 * (warnings only with file).  MP_OK, MP_EINPUT or MP_ENOMEM. */
static mp_status check_documents(const target *t, size_t n, const char *file,
                                 long line, mp_errors *e)
{
    mp_status rc;
    mp_analysis *a = mp_analysis_new(NULL, &rc);
    if (!a)
        return rc;
    rc = MP_OK;
    for (size_t i = 0; i < n && rc != MP_ENOMEM; i++)
        rc = mp_analysis_read_memory(a, t[i].doc, t[i].len, t[i].path);
    if (rc != MP_ENOMEM)
        rc = mp_analysis_check(a, 0);
    const mp_errors *got = mp_analysis_errors(a, MP_STAGE_READ);
    size_t problems = 0;
    for (size_t i = 0; i < mp_errors_size(got); i++) {
        const mp_diag *d = mp_errors_get(got, i);
        problems += !d->warning;
        if (d->warning && file)
            mp_errors_warn(e, file, line, "%s", d->message);
        else if (!d->warning)
            mp_errors_add(e, file ? file : d->file, file ? line : d->line, "%s",
                          d->message);
    }
    problems += mp_errors_count(got);
    mp_analysis_free(a);
    if (rc == MP_ENOMEM)
        return rc;
    return problems ? MP_EINPUT : MP_OK;
}

/* One outcome of st alone, as a document. */
static mp_status check_outcome(const mp_import_study *st, const mp_import_outcome *o,
                               mp_errors *e)
{
    mp_import_study one = *st;
    mp_import_outcome alone = *o;
    alone.next = NULL;
    one.next = NULL;
    one.outcomes = &alone;
    one.notes = NULL;
    char name[256];
    snprintf(name, sizeof name, "%s", st->id);
    target t = { .path = name };
    mp_status rc = mp_descriptor_write(&one, &t.doc, &t.len);
    if (rc == MP_OK)
        rc = check_documents(&t, 1, o->file, o->line, e);
    free(t.doc);
    return rc;
}

mp_status mp_import_check(const mp_import_set *s, mp_errors *e)
{
    if (s->oom)
        return MP_ENOMEM;
    mp_status worst = MP_OK;
    for (const mp_import_study *st = s->studies; st; st = st->next)
        for (const mp_import_outcome *o = st->outcomes; o; o = o->next) {
            mp_status rc = check_outcome(st, o, e);
            if (rc == MP_ENOMEM)
                return rc;
            if (rc != MP_OK)
                worst = rc;
        }
    return worst;
}

static mp_status refuse_existing(const target *t, size_t n, mp_errors *e)
{
    mp_status rc = MP_OK;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (lstat(t[i].path, &sb) == 0) {
            mp_errors_add(e, t[i].path, 0, "exists already; not overwritten "
                          "(nothing was written)");
            rc = MP_EINPUT;
        }
    }
    return rc;
}

static int write_fd(int fd, const char *b, size_t n)
{
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* One file: a temporary beside it, then a hard link to its name (which,
 * unlike rename, fails when the name exists).  0, or -1 with errno. */
static int write_one(target *t)
{
    size_t n = strlen(t->path) + 16;
    if (!(t->tmp = malloc(n)))
        return -1;
    snprintf(t->tmp, n, "%s.tmpXXXXXX", t->path);
    int fd = mkstemp(t->tmp);
    if (fd < 0) {
        free(t->tmp);
        t->tmp = NULL;
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    int rc = fchmod(fd, 0666 & ~mask) == 0 ? write_fd(fd, t->doc, t->len) : -1;
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && link(t->tmp, t->path) == 0)
        t->linked = 1;
    else if (rc == 0) {
        rc = -1;
        saved = errno;
    }
    unlink(t->tmp);
    errno = saved;
    return rc;
}

static mp_status write_files(target *t, size_t n, mp_errors *e)
{
    for (size_t i = 0; i < n; i++) {
        if (write_one(&t[i]) == 0)
            continue;
        mp_errors_add(e, t[i].path, 0, "cannot write: %s (nothing was written)",
                      strerror(errno));
        for (size_t j = 0; j < i; j++)
            if (t[j].linked)
                unlink(t[j].path);
        return MP_EIO;
    }
    return MP_OK;
}

mp_status mp_import_write_all(const mp_import_set *s, const char *dir, mp_errors *e)
{
    if (s->oom)
        return MP_ENOMEM;
    target *t = calloc(s->n ? s->n : 1, sizeof *t);
    if (!t)
        return MP_ENOMEM;
    mp_status rc = make_documents(s, dir, t);
    if (rc == MP_OK)
        rc = check_documents(t, s->n, NULL, 0, e);
    if (rc == MP_OK)
        rc = refuse_existing(t, s->n, e);
    if (rc == MP_OK)
        rc = write_files(t, s->n, e);
    for (size_t i = 0; i < s->n; i++) {
        free(t[i].path);
        free(t[i].tmp);
        free(t[i].doc);
    }
    free(t);
    return rc;
}
