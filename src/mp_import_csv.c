/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_import_csv.c - a CSV table of trials into imported studies; see
 * mp_import_csv.h. */
#include "mp_import_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlstring.h>

#include "mp_text.h"

/* ---- the tokenizer (RFC 4180) ----------------------------------------------- */

void mp_csv_init(mp_csv *c, const char *text, size_t len)
{
    memset(c, 0, sizeof *c);
    c->p = text;
    c->end = text + len;
    c->line = 1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
}

void mp_csv_free(mp_csv *c)
{
    free(c->field);
    free(c->field_line);
    free(c->buf);
    memset(c, 0, sizeof *c);
}

static int put(mp_csv *c, char ch)
{
    if (c->buf_len == c->buf_cap) {
        size_t cap = c->buf_cap ? 2 * c->buf_cap : 256;
        char *b = realloc(c->buf, cap);
        if (!b)
            return -1;
        c->buf = b;
        c->buf_cap = cap;
    }
    c->buf[c->buf_len++] = ch;
    return 0;
}

/* Start a field at the current end of buf (its offset kept in field[] as
 * an integer until the record is complete and buf no longer moves). */
static int start_field(mp_csv *c)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        char **f = realloc(c->field, cap * sizeof *f);
        if (f)
            c->field = f;
        long *l = realloc(c->field_line, cap * sizeof *l);
        if (l)
            c->field_line = l;
        if (!f || !l)
            return -1;
        c->cap = cap;
    }
    c->field[c->n] = (char *)(size_t)c->buf_len;
    c->field_line[c->n++] = c->line;
    return 0;
}

static int at_break(const mp_csv *c)
{
    return *c->p == '\n' || (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n');
}

/* A quoted field, the opening quote at p.  0, -1 malformed, -2 memory. */
static int quoted(mp_csv *c, char *msg, size_t size, long *line)
{
    long opened = c->line;
    for (c->p++;; c->p++) {
        if (c->p == c->end) {
            snprintf(msg, size, "a quoted field opened on line %ld is never closed",
                     opened);
            *line = opened;
            return -1;
        }
        if (*c->p == '"') {
            if (c->p + 1 < c->end && c->p[1] == '"')
                c->p++;
            else
                break;
        } else if (*c->p == '\n') {
            c->line++;
        }
        if (put(c, *c->p))
            return -2;
    }
    c->p++;
    if (c->p < c->end && *c->p != ',' && !at_break(c)) {
        snprintf(msg, size, "text after the closing quote of a field (a quote "
                 "inside a quoted field is written twice: \"\")");
        *line = c->line;
        return -1;
    }
    return 0;
}

static int unquoted(mp_csv *c, char *msg, size_t size, long *line)
{
    for (; c->p < c->end && *c->p != ',' && !at_break(c); c->p++) {
        if (*c->p == '"') {
            snprintf(msg, size, "a quote inside a field that does not begin "
                     "with one (quote the whole field, doubling the quote)");
            *line = c->line;
            return -1;
        }
        if (put(c, *c->p))
            return -2;
    }
    return 0;
}

int mp_csv_next(mp_csv *c, char *msg, size_t size, long *line)
{
    c->n = 0;
    c->buf_len = 0;
    if (c->p >= c->end)
        return 0;
    for (;;) {
        if (start_field(c))
            return -2;
        int rc = c->p < c->end && *c->p == '"' ? quoted(c, msg, size, line)
                                                : unquoted(c, msg, size, line);
        if (rc)
            return rc;
        if (put(c, '\0'))
            return -2;
        if (c->p < c->end && *c->p == ',') {
            c->p++;
            continue;
        }
        if (c->p < c->end) {        /* a line break */
            c->p += *c->p == '\r' ? 2 : 1;
            c->line++;
        }
        break;
    }
    for (size_t i = 0; i < c->n; i++)
        c->field[i] = c->buf + (size_t)c->field[i];
    return 1;
}

/* ---- the table's columns ------------------------------------------------------ */

enum {
    COL_ID, COL_TITLE, COL_YEAR, COL_OUTCOME,
    COL_HR, COL_LOWER, COL_UPPER, COL_LEVEL, COL_P,
    COL_LOG_HR, COL_SE, COL_O_MINUS_E, COL_VARIANCE,
    COL_EVENTS_E, COL_TOTAL_E, COL_EVENTS_C, COL_TOTAL_C,
    COL_N_E, COL_N_C, COL_DOI, COL_REFERENCE, COL_NOTES,
    N_COLS
};

static const char *const col_name[N_COLS] = {
    "id", "title", "year", "outcome",
    "hr", "lower", "upper", "level", "p",
    "log_hr", "se", "o_minus_e", "variance",
    "events_experimental", "total_experimental", "events_control", "total_control",
    "n_experimental", "n_control", "doi", "reference", "notes",
};

/* The effect forms: the columns each needs (-1 ends a list). */
static const struct {
    mp_import_form form;
    int col[5];
} form_cols[] = {
    { MP_IMPORT_HR_CI, { COL_HR, COL_LOWER, COL_UPPER, -1 } },
    { MP_IMPORT_HR_P, { COL_HR, COL_P, -1 } },
    { MP_IMPORT_LOG_HR, { COL_LOG_HR, COL_SE, -1 } },
    { MP_IMPORT_PETO, { COL_O_MINUS_E, COL_VARIANCE, -1 } },
    { MP_IMPORT_COUNTS, { COL_EVENTS_E, COL_TOTAL_E, COL_EVENTS_C, COL_TOTAL_C, -1 } },
};
enum { N_FORMS = sizeof form_cols / sizeof form_cols[0] };

typedef struct {
    mp_import_set *set;
    const char *file;
    mp_errors *e;
    mp_csv csv;
    int pos[N_COLS];            /* the field of each column, -1: none */
    size_t n_fields;            /* fields of the header */
    size_t *cov_pos;            /* covariate:NAME columns */
    const char **cov_name;
    size_t n_cov;
    size_t problems;
    const char *copied_file;    /* file, owned by the set */
} table;

static void problem(table *t, long line, int col, const char *fmt, ...) MP_PRINTF(4, 5);

static void problem(table *t, long line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (col >= 0)
        mp_errors_add(t->e, t->file, line, "column %s: %s", col_name[col], msg);
    else
        mp_errors_add(t->e, t->file, line, "%s", msg);
    t->problems++;
}

/* A header cell: its column, or a covariate. */
static void header_cell(table *t, size_t i, const char *name, long line)
{
    if (strncmp(name, "covariate:", 10) == 0 && name[10]) {
        t->cov_pos[t->n_cov] = i;
        t->cov_name[t->n_cov++] = mp_import_strdup(t->set, name + 10);
        return;
    }
    for (int c = 0; c < N_COLS; c++)
        if (strcmp(name, col_name[c]) == 0) {
            if (t->pos[c] >= 0)
                problem(t, line, -1, "column '%s' is named twice in the header",
                        name);
            t->pos[c] = (int)i;
            return;
        }
    problem(t, line, -1, "'%s' is not a column of an imported table (see "
            "metapool(1), IMPORT)", name);
}

static int has_form(const table *t, int f)
{
    for (int j = 0; form_cols[f].col[j] >= 0; j++)
        if (t->pos[form_cols[f].col[j]] < 0)
            return 0;
    return 1;
}

static mp_status read_header(table *t)
{
    for (int c = 0; c < N_COLS; c++)
        t->pos[c] = -1;
    size_t n = t->csv.n;
    t->cov_pos = malloc(n * sizeof *t->cov_pos);
    t->cov_name = malloc(n * sizeof *t->cov_name);
    if (!t->cov_pos || !t->cov_name)
        return MP_ENOMEM;
    t->n_fields = n;
    for (size_t i = 0; i < n; i++)
        header_cell(t, i, mp_text_squeeze(t->csv.field[i]), t->csv.field_line[i]);
    for (int c = COL_ID; c <= COL_OUTCOME; c++)
        if (t->pos[c] < 0)
            problem(t, 1, -1, "the header has no column '%s' (a table needs id, "
                    "title, year and outcome)", col_name[c]);
    int forms = 0;
    for (int f = 0; f < N_FORMS; f++)
        forms += has_form(t, f);
    if (!forms)
        problem(t, 1, -1, "the header has no effect columns: hr,lower,upper; hr,p; "
                "log_hr,se; o_minus_e,variance; or events_experimental,"
                "total_experimental,events_control,total_control");
    return MP_OK;
}

/* ---- one row ----------------------------------------------------------------------- */

static const char *cell(const table *t, int col)
{
    return t->pos[col] >= 0 ? t->csv.field[t->pos[col]] : "";
}

static long cell_line(const table *t, int col)
{
    return t->pos[col] >= 0 ? t->csv.field_line[t->pos[col]] : t->csv.field_line[0];
}

/* A number cell: 1 when v is a decimal (whole when whole), else a problem. */
static int number(table *t, int col, int whole)
{
    const char *v = cell(t, col);
    double x, half;
    long n;
    if (whole ? mp_text_parse_count(v, &n) : mp_text_parse_decimal(v, &x, &half))
        return 1;
    char dot[64];
    snprintf(dot, sizeof dot, "%s", v);
    char *comma = strchr(dot, ',');
    if (comma && !strchr(comma + 1, ',')) {
        *comma = '.';
        if (mp_text_parse_decimal(dot, &x, &half)) {
            problem(t, cell_line(t, col), col, "'%s' has a decimal comma: write "
                    "a decimal point (%s)", v, dot);
            return 0;
        }
    }
    problem(t, cell_line(t, col), col, whole ? "'%s' is not a whole number"
            : "'%s' is not a number", v);
    return 0;
}

/* The effect form of the row: the one whose columns are all filled, the
 * others empty.  -1 (a problem given) when none or more than one is. */
static int row_form(table *t)
{
    int found = -1, count = 0;
    for (int f = 0; f < N_FORMS; f++) {
        if (!has_form(t, f))
            continue;
        int filled = 1;
        for (int j = 0; form_cols[f].col[j] >= 0; j++)
            filled &= cell(t, form_cols[f].col[j])[0] != '\0';
        /* hr,p is the form only without an interval (beside one, p is
         * the interval's cross-check) */
        if (filled && form_cols[f].form == MP_IMPORT_HR_P && cell(t, COL_LOWER)[0])
            filled = 0;
        if (filled) {
            found = f;
            count++;
        }
    }
    if (count == 1)
        return found;
    problem(t, t->csv.field_line[0], -1, count ? "more than one effect in one "
            "row: give each form in a row of its own" : "no complete "
            "effect in this row (hr,lower,upper; hr,p; log_hr,se; "
            "o_minus_e,variance; or the four counts)");
    return -1;
}

static void set_effect(table *t, mp_import_outcome *o, int f)
{
    static const int extra[] = { COL_LEVEL, COL_P };
    o->form = form_cols[f].form;
    int j = 0;
    for (; form_cols[f].col[j] >= 0; j++)
        if (number(t, form_cols[f].col[j], o->form == MP_IMPORT_COUNTS))
            o->value[j] = mp_import_strdup(t->set, cell(t, form_cols[f].col[j]));
    if (o->form != MP_IMPORT_HR_CI)
        return;
    for (int k = 0; k < 2; k++, j++)
        if (cell(t, extra[k])[0] && number(t, extra[k], 0))
            o->value[j] = mp_import_strdup(t->set, cell(t, extra[k]));
}

/* A study field given again: it must agree with what the id's first row
 * said; a field given for the first time is taken. */
static void agree(table *t, int col, const char **have, long first)
{
    const char *v = cell(t, col);
    if (!v[0])
        return;
    if (!*have || !(*have)[0]) {
        *have = mp_import_strdup(t->set, v);
        return;
    }
    if (strcmp(*have, v) != 0) {
        char where[64];
        snprintf(where, sizeof where, "%ld", first);
        problem(t, cell_line(t, col), col, "'%s' differs from the same study's "
                "row on line %s", v, where);
    }
}

static int study_fields_ok(table *t)
{
    size_t before = t->problems;
    int year;
    if (!mp_text_is_id(cell(t, COL_ID)))
        problem(t, cell_line(t, COL_ID), COL_ID, "'%s' is not a study id "
                "(lower-case letters, digits and '-', such as smith-2001)",
                cell(t, COL_ID));
    if (!cell(t, COL_TITLE)[0])
        problem(t, cell_line(t, COL_TITLE), COL_TITLE, "empty");
    if (!mp_text_parse_year(cell(t, COL_YEAR), &year))
        problem(t, cell_line(t, COL_YEAR), COL_YEAR, "'%s' is not a four-digit "
                "year", cell(t, COL_YEAR));
    if (cell(t, COL_DOI)[0] && !mp_text_is_doi(cell(t, COL_DOI)))
        problem(t, cell_line(t, COL_DOI), COL_DOI, "'%s' is not a DOI "
                "(10.NNNN/...)", cell(t, COL_DOI));
    const char *oc = cell(t, COL_OUTCOME);
    if (!oc[0] || strpbrk(oc, " \t\r\n"))
        problem(t, cell_line(t, COL_OUTCOME), COL_OUTCOME, "'%s' is not an "
                "outcome name (one word, such as OS)", oc);
    for (int c = COL_N_E; c <= COL_N_C; c++) {
        long n;
        if (cell(t, c)[0] && !(mp_text_parse_count(cell(t, c), &n) && n > 0))
            problem(t, cell_line(t, c), c, "'%s' is not a positive whole "
                    "number", cell(t, c));
    }
    return t->problems == before;
}

static void study_row(table *t, mp_import_study *st, int created)
{
    long line = t->csv.field_line[0];
    if (created) {
        st->title = mp_import_strdup(t->set, cell(t, COL_TITLE));
        st->year = mp_import_strdup(t->set, cell(t, COL_YEAR));
        st->line = line;
        mp_import_note(t->set, st, "Imported by metapool import from %s, line %ld.",
                       t->file, line);
    }
    agree(t, COL_TITLE, &st->title, st->line);
    agree(t, COL_YEAR, &st->year, st->line);
    agree(t, COL_DOI, &st->doi, st->line);
    agree(t, COL_REFERENCE, &st->citation, st->line);
    agree(t, COL_N_E, &st->arm_n[0], st->line);
    agree(t, COL_N_C, &st->arm_n[1], st->line);
    for (size_t i = 0; i < t->n_cov; i++) {
        const char *v = mp_text_squeeze(t->csv.field[t->cov_pos[i]]);
        mp_import_covariate *c = st->covariates;
        while (c && strcmp(c->name, t->cov_name[i]) != 0)
            c = c->next;
        if (c && v[0] && strcmp(c->value, v) != 0)
            problem(t, t->csv.field_line[t->cov_pos[i]], -1, "column covariate:%s: "
                    "'%s' differs from the same study's first row", t->cov_name[i], v);
        else if (!c && v[0])
            mp_import_covariate_add(t->set, st, t->cov_name[i], v);
    }
    if (cell(t, COL_NOTES)[0])
        mp_import_note(t->set, st, "%s", cell(t, COL_NOTES));
}

static void read_row(table *t)
{
    long line = t->csv.field_line[0];
    if (t->csv.n != t->n_fields) {
        char n[32], h[32];
        snprintf(n, sizeof n, "%zu", t->csv.n);
        snprintf(h, sizeof h, "%zu", t->n_fields);
        problem(t, line, -1, "%s fields where the header has %s", n, h);
        return;
    }
    for (size_t i = 0; i < t->csv.n; i++) {
        mp_text_squeeze(t->csv.field[i]);
        if (!xmlCheckUTF8((const xmlChar *)t->csv.field[i])) {
            problem(t, t->csv.field_line[i], -1, "not UTF-8 text: save the table "
                    "as UTF-8 (CSV UTF-8)");
            return;
        }
    }
    int f = row_form(t);
    if (!study_fields_ok(t) || f < 0)
        return;
    int created;
    mp_import_study *st = mp_import_study_get(t->set, cell(t, COL_ID), &created);
    if (!st)
        return;
    study_row(t, st, created);
    if (mp_import_outcome_find(st, cell(t, COL_OUTCOME))) {
        problem(t, cell_line(t, COL_OUTCOME), COL_OUTCOME, "study %s has outcome "
                "%s already", cell(t, COL_ID), cell(t, COL_OUTCOME));
        return;
    }
    mp_import_outcome *o = mp_import_outcome_add(t->set, st, cell(t, COL_OUTCOME));
    if (!o)
        return;
    o->file = t->copied_file;
    o->line = line;
    set_effect(t, o, f);
}

static int blank_record(const mp_csv *c)
{
    return c->n == 1 && mp_text_squeeze(c->field[0])[0] == '\0';
}

mp_status mp_import_csv(mp_import_set *s, const char *file, const char *text,
                        size_t len, mp_errors *e)
{
    table t = { .set = s, .file = file, .e = e };
    t.copied_file = mp_import_strdup(s, file);
    mp_csv_init(&t.csv, text, len);
    char msg[256];
    long line = 0;
    mp_status st = MP_OK;
    int rc = 0, header = 1;
    size_t rows = 0;
    while (st == MP_OK && (rc = mp_csv_next(&t.csv, msg, sizeof msg, &line)) == 1) {
        if (blank_record(&t.csv))
            continue;
        if (header) {
            st = read_header(&t);
            header = 0;
            if (t.problems)
                break;
        } else {
            read_row(&t);
            rows++;
        }
    }
    mp_import_summary(s, "%s: %zu row%s, each an outcome of a study", file, rows,
                      rows == 1 ? "" : "s");
    if (st == MP_OK && rc == -1)
        problem(&t, line, -1, "%s", msg);
    if (st == MP_OK && rc == -2)
        st = MP_ENOMEM;
    if (st == MP_OK && header)
        problem(&t, 1, -1, "no header row: the table is empty");
    mp_csv_free(&t.csv);
    free(t.cov_pos);
    free(t.cov_name);
    if (st == MP_OK)
        st = mp_import_set_status(s);
    return st != MP_OK ? st : t.problems ? MP_EINPUT : MP_OK;
}
