/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_import_rm5.c - a RevMan 5 review into imported studies; see
 * mp_import_rm5.h. */
#include "mp_import_rm5.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mp_text.h"
#include "mp_unzip.h"
#include "mp_xmlmsg.h"

enum { ID_MAX = 64 };

/* An included study of the review: its node and the id it became. */
typedef struct {
    xmlNodePtr node;
    char id[ID_MAX];
} rm5_study;

typedef struct {
    mp_import_set *set;
    const char *file;           /* owned by the set */
    mp_errors *e;
    size_t problems;
    rm5_study *studies;
    size_t n_studies;
    char review[256];           /* the review's title */
} rm5;

static int is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(const xmlNode *n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

static const char *attr(const xmlNode *n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0 && a->children &&
            a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    return NULL;
}

/* The text of n's child name, squeezed, into buf ("" when none). */
static char *text(const xmlNode *n, const char *name, char *buf, size_t size)
{
    const xmlNode *c = name ? child(n, name) : n;
    xmlChar *t = c ? xmlNodeGetContent(c) : NULL;
    snprintf(buf, size, "%s", t ? (const char *)t : "");
    xmlFree(t);
    buf[mp_text_utf8_prefix(buf, size - 1)] = '\0';
    return mp_text_squeeze(buf);
}

static void problem(rm5 *r, const xmlNode *n, const char *fmt, ...) MP_PRINTF(3, 4);

static void problem(rm5 *r, const xmlNode *n, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mp_errors_add(r->e, r->file, n ? xmlGetLineNo(n) : 0, "%s", msg);
    r->problems++;
}

/* ---- studies and references ----------------------------------------------------- */

/* The id of a study name, unique in the review ("-2", "-3" when two names
 * spell alike). */
static void study_id(rm5 *r, const char *name, char *id)
{
    char base[ID_MAX - 16];
    mp_import_identifier(name, 1, base, sizeof base);
    if (!base[0] || !((base[0] >= 'a' && base[0] <= 'z') || (base[0] >= '0' && base[0] <= '9')))
        snprintf(base, sizeof base, "study-%zu", r->n_studies + 1);
    snprintf(id, ID_MAX, "%s", base);
    for (int k = 2;; k++) {
        size_t i = 0;
        while (i < r->n_studies && strcmp(r->studies[i].id, id) != 0)
            i++;
        if (i == r->n_studies)
            return;
        snprintf(id, ID_MAX, "%s-%d", base, k);
    }
}

static void collect_studies(rm5 *r, xmlNodePtr n)
{
    for (xmlNodePtr c = n; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is(c, "STUDY") && is(c->parent, "INCLUDED_STUDIES")) {
            rm5_study *more = realloc(r->studies, (r->n_studies + 1) * sizeof *more);
            if (!more) {
                r->set->oom = 1;
                return;
            }
            r->studies = more;
            const char *name = attr(c, "NAME");
            study_id(r, name ? name : "", r->studies[r->n_studies].id);
            r->studies[r->n_studies++].node = c;
        } else {
            collect_studies(r, c->children);
        }
    }
}

static const rm5_study *find_study(const rm5 *r, const char *id)
{
    for (size_t i = 0; id && i < r->n_studies; i++) {
        const char *sid = attr(r->studies[i].node, "ID");
        if (sid && strcmp(sid, id) == 0)
            return &r->studies[i];
    }
    return NULL;
}

static xmlNodePtr primary_reference(const xmlNode *study)
{
    xmlNodePtr first = NULL;
    for (xmlNodePtr c = study->children; c; c = c->next)
        if (is(c, "REFERENCE")) {
            const char *p = attr(c, "PRIMARY");
            if (p && strcmp(p, "YES") == 0)
                return c;
            if (!first)
                first = c;
        }
    return first;
}

/* "AU. TI. SO YR;VL(NO):PG." from the parts the reference has. */
static void citation(const xmlNode *ref, char *buf, size_t size)
{
    char au[512], ti[512], so[256], yr[16], vl[32], no[32], pg[64];
    text(ref, "AU", au, sizeof au);
    text(ref, "TI", ti, sizeof ti);
    text(ref, "SO", so, sizeof so);
    text(ref, "YR", yr, sizeof yr);
    text(ref, "VL", vl, sizeof vl);
    text(ref, "NO", no, sizeof no);
    text(ref, "PG", pg, sizeof pg);
    snprintf(buf, size, "%s%s%s%s%s%s%s%s%s%s%s%s%s%s", au, au[0] ? ". " : "", ti,
             ti[0] ? ". " : "", so, so[0] && yr[0] ? " " : "", yr, vl[0] ? ";" : "",
             vl, no[0] ? "(" : "", no, no[0] ? ")" : "", pg[0] ? ":" : "", pg);
    size_t n = strlen(buf);
    if (n && n + 1 < size && buf[n - 1] != '.')
        strcat(buf, ".");
}

static const char *reference_doi(const xmlNode *ref)
{
    xmlNodePtr ids = child(ref, "IDENTIFIERS");
    for (xmlNodePtr c = ids ? ids->children : NULL; c; c = c->next) {
        const char *type = is(c, "IDENTIFIER") ? attr(c, "TYPE") : NULL;
        const char *v = type && strcmp(type, "DOI") == 0 ? attr(c, "VALUE") : NULL;
        if (v && mp_text_is_doi(v))
            return v;
    }
    return NULL;
}

/* The imported study of a RevMan study, made on its first data row. */
static mp_import_study *import_study(rm5 *r, const rm5_study *rs)
{
    int created;
    mp_import_study *st = mp_import_study_get(r->set, rs->id, &created);
    if (!st || !created)
        return st;
    const xmlNode *n = rs->node;
    xmlNodePtr ref = primary_reference(n);
    char buf[2048], yr[16];
    const char *name = attr(n, "NAME"), *year = attr(n, "YEAR");
    int y;
    if (!(year && mp_text_parse_year(year, &y)) && ref)
        year = text(ref, "YR", yr, sizeof yr);
    if (!(year && mp_text_parse_year(year, &y)))
        problem(r, n, "study %s has no four-digit year (its YEAR, or its primary "
                "reference's YR)", name ? name : rs->id);
    st->title = mp_import_strdup(r->set, name && name[0] ? name : rs->id);
    st->year = mp_import_strdup(r->set, year ? year : "");
    st->line = xmlGetLineNo(n);
    if (ref) {
        citation(ref, buf, sizeof buf);
        st->citation = mp_import_strdup(r->set, buf);
        const char *doi = reference_doi(ref);
        st->doi = doi ? mp_import_strdup(r->set, doi) : NULL;
    }
    mp_import_note(r->set, st, "Imported by metapool import from %s (RevMan 5 "
                   "review \"%s\"), study %s on line %ld.", r->file, r->review,
                   attr(n, "ID") ? attr(n, "ID") : "?", st->line);
    return st;
}

/* ---- outcomes ---------------------------------------------------------------------- */

typedef struct {
    const xmlNode *node;
    char name[ID_MAX];          /* the outcome's identifier */
    char label[256];            /* its NAME */
    mp_import_form form;
    const char *const *attrs;   /* the data row's attributes, by form */
} rm5_outcome;

static const char *const dich_attrs[] = { "EVENTS_1", "TOTAL_1", "EVENTS_2", "TOTAL_2", NULL };
static const char *const ipd_attrs[] = { "O_E", "VAR", NULL };
static const char *const iv_attrs[] = { "EFFECT_SIZE", "SE", NULL };

/* The value of a data row's attribute as a number, copied; NULL (a problem
 * given) when missing or not a number. */
static const char *number(rm5 *r, const xmlNode *row, const char *name, int whole)
{
    const char *v = attr(row, name);
    double x, half;
    long n;
    if (v && (whole ? mp_text_parse_count(v, &n) : mp_text_parse_decimal(v, &x, &half)))
        return mp_import_strdup(r->set, v);
    problem(r, row, v ? "%s: %s is not a number" : "%s: no %s attribute",
            (const char *)row->name, name);
    return NULL;
}

/* IV_DATA holds the ratio itself and the standard error of its natural
 * logarithm, as RevMan shows them (R meta's read.rm5 reads them so). */
static void iv_values(rm5 *r, const xmlNode *row, mp_import_outcome *o)
{
    const char *es = number(r, row, "EFFECT_SIZE", 0);
    o->value[1] = number(r, row, "SE", 0);
    if (!es)
        return;
    double x = strtod(es, NULL);
    if (!(x > 0)) {
        problem(r, row, "IV_DATA: EFFECT_SIZE %s is not a ratio above 0", es);
        return;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%.17g", log(x));
    o->value[0] = mp_import_strdup(r->set, buf);
}

/* The arms as the first outcome of the study names them (GROUP_LABEL_1
 * the experimental, GROUP_LABEL_2 the control arm). */
static void arm_labels(rm5 *r, mp_import_study *st, const xmlNode *outcome)
{
    static const char *const tag[2] = { "GROUP_LABEL_1", "GROUP_LABEL_2" };
    char label[256];
    for (int i = 0; i < 2; i++)
        if (!st->arm_label[i] && text(outcome, tag[i], label, sizeof label)[0])
            st->arm_label[i] = mp_import_strdup(r->set, label);
}

static void data_row(rm5 *r, const rm5_outcome *oc, const xmlNode *row,
                     const char *subgroup)
{
    const char *sid = attr(row, "STUDY_ID");
    const rm5_study *rs = find_study(r, sid);
    if (!rs) {
        problem(r, row, "%s: STUDY_ID '%s' is not an included study", (const char *)row->name,
                sid ? sid : "");
        return;
    }
    mp_import_study *st = import_study(r, rs);
    if (!st)
        return;
    arm_labels(r, st, oc->node);
    if (mp_import_outcome_find(st, oc->name)) {
        problem(r, row, "study %s has a second row in outcome %s", rs->id, oc->name);
        return;
    }
    mp_import_outcome *o = mp_import_outcome_add(r->set, st, oc->name);
    if (!o)
        return;
    o->form = oc->form;
    o->file = r->file;
    o->line = xmlGetLineNo(row);
    if (oc->form == MP_IMPORT_LOG_HR)
        iv_values(r, row, o);
    else
        for (int i = 0; oc->attrs[i]; i++)
            o->value[i] = number(r, row, oc->attrs[i], oc->form == MP_IMPORT_COUNTS);
    if (subgroup) {
        char cov[ID_MAX + 16];
        snprintf(cov, sizeof cov, "%s-subgroup", oc->name);
        mp_import_covariate_add(r->set, st, cov, subgroup);
    }
    mp_import_note(r->set, st, "Outcome %s: \"%s\" (%s on line %ld).", oc->name,
                   oc->label, (const char *)row->name, o->line);
}

/* The rows of an outcome: its *_DATA children, and those of its
 * *_SUBGROUPs (the subgroup's NAME their covariate). */
static void outcome_rows(rm5 *r, const rm5_outcome *oc, const char *kind)
{
    char data[48], sub[48];
    snprintf(data, sizeof data, "%s_DATA", kind);
    snprintf(sub, sizeof sub, "%s_SUBGROUP", kind);
    for (xmlNodePtr c = oc->node->children; c; c = c->next) {
        if (is(c, data))
            data_row(r, oc, c, NULL);
        if (!is(c, sub))
            continue;
        char label[256];
        text(c, "NAME", label, sizeof label);
        for (xmlNodePtr d = c->children; d; d = d->next)
            if (is(d, data))
                data_row(r, oc, d, label[0] ? label : "unnamed");
    }
}

/* The outcome's measure, from its EFFECT_MEASURE attribute or child. */
static const char *measure(const xmlNode *n, char *buf, size_t size)
{
    const char *m = attr(n, "EFFECT_MEASURE");
    return m ? m : text(n, "EFFECT_MEASURE", buf, size);
}

static int is_hazard_ratio(const char *m)
{
    return strcmp(m, "HR") == 0 || strcasecmp(m, "Hazard Ratio") == 0;
}

/* The outcome's identifier, unique in the review. */
static void outcome_name(rm5 *r, rm5_outcome *oc, const char **used, size_t n_used)
{
    mp_import_identifier(oc->label, 1, oc->name, ID_MAX - 16);
    if (!oc->name[0]) {
        const char *id = attr(oc->node, "ID");
        mp_import_identifier(id ? id : "outcome", 1, oc->name, ID_MAX - 16);
    }
    char base[ID_MAX - 16];
    snprintf(base, sizeof base, "%.47s", oc->name);
    for (int k = 2;; k++) {
        size_t i = 0;
        while (i < n_used && strcmp(used[i], oc->name) != 0)
            i++;
        if (i == n_used)
            break;
        snprintf(oc->name, ID_MAX, "%s-%d", base, k);
    }
    (void)r;
}

static void skip(rm5 *r, const rm5_outcome *oc, const char *why)
{
    mp_errors_warn(r->e, r->file, xmlGetLineNo(oc->node), "outcome \"%s\" skipped: %s",
                   oc->label, why);
}

/* 1 when the outcome maps to an effect form (set in oc), else 0 (skipped,
 * with a warning). */
static int outcome_form(rm5 *r, rm5_outcome *oc, const char *kind)
{
    char m[64];
    const char *ms = measure(oc->node, m, sizeof m);
    if (strcmp(kind, "DICH") == 0) {
        oc->form = MP_IMPORT_COUNTS;
        oc->attrs = dich_attrs;
    } else if (strcmp(kind, "IPD") == 0) {
        oc->form = MP_IMPORT_PETO;
        oc->attrs = ipd_attrs;
    } else if (strcmp(kind, "IV") == 0 && is_hazard_ratio(ms)) {
        oc->form = MP_IMPORT_LOG_HR;
        oc->attrs = iv_attrs;
    } else {
        char why[160];
        snprintf(why, sizeof why, strcmp(kind, "CONT") == 0
                 ? "continuous data (%s): metapool pools ratios, not differences"
                 : "%s data: metapool imports hazard ratios of generic inverse "
                   "variance outcomes only", ms[0] ? ms : kind);
        skip(r, oc, why);
        return 0;
    }
    return 1;
}

static void read_outcome(rm5 *r, const xmlNode *n, const char *cmp, const char **used,
                         size_t *n_used, char names[][ID_MAX])
{
    char kind[32];
    snprintf(kind, sizeof kind, "%.*s", (int)(strlen((const char *)n->name) - 8),
             (const char *)n->name);
    rm5_outcome oc = { .node = n };
    text(n, "NAME", oc.label, sizeof oc.label);
    if (!outcome_form(r, &oc, kind))
        return;
    outcome_name(r, &oc, used, *n_used);
    snprintf(names[*n_used], ID_MAX, "%s", oc.name);
    used[*n_used] = names[*n_used];
    (*n_used)++;
    char m[64];
    mp_import_summary(r->set, "%s:%ld: outcome \"%s\" of comparison \"%s\" -> %s "
                      "(%s; RevMan's measure %s)", r->file, xmlGetLineNo(n), oc.label,
                      cmp, oc.name, oc.form == MP_IMPORT_COUNTS ? "counts"
                      : oc.form == MP_IMPORT_PETO ? "peto" : "log-hazard-ratio",
                      measure(n, m, sizeof m)[0] ? measure(n, m, sizeof m) : "?");
    outcome_rows(r, &oc, kind);
}

static size_t count_outcomes(const xmlNode *analyses)
{
    size_t k = 0;
    for (xmlNodePtr c = analyses->children; c; c = c->next)
        for (xmlNodePtr o = is(c, "COMPARISON") ? c->children : NULL; o; o = o->next)
            k += o->type == XML_ELEMENT_NODE;
    return k;
}

static void read_analyses(rm5 *r, const xmlNode *analyses)
{
    size_t k = count_outcomes(analyses), n_used = 0;
    const char **used = malloc((k ? k : 1) * sizeof *used);
    char (*names)[ID_MAX] = malloc((k ? k : 1) * sizeof *names);
    if (!used || !names) {
        r->set->oom = 1;
    } else {
        for (xmlNodePtr c = analyses->children; c; c = c->next) {
            char cmp[256];
            text(c, "NAME", cmp, sizeof cmp);
            for (xmlNodePtr o = is(c, "COMPARISON") ? c->children : NULL; o; o = o->next) {
                size_t len = o->type == XML_ELEMENT_NODE ? strlen((const char *)o->name) : 0;
                if (len > 8 && strcmp((const char *)o->name + len - 8, "_OUTCOME") == 0)
                    read_outcome(r, o, cmp, used, &n_used, names);
            }
        }
    }
    free(used);
    free(names);
}

/* ---- the document ------------------------------------------------------------------ */

/* The parser's first error (the last one, which xmlCtxtGetLastError
 * keeps, is often only a consequence of it, such as the end of data). */
static void first_error(void *data, xmlErrorPtr err)
{
    xmlError *first = ((xmlParserCtxtPtr)data)->_private;
    if (first->code == XML_ERR_OK && err->level >= XML_ERR_ERROR)
        xmlCopyError(err, first);
}

static xmlDocPtr parse(rm5 *r, const char *buf, size_t len)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        r->set->oom = 1;
        return NULL;
    }
    xmlError first;
    memset(&first, 0, sizeof first);
    ctxt->_private = &first;
    ctxt->sax->serror = first_error;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)(len > 0x7fffffff ? 0x7fffffff : len),
                                      r->file, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
    if (!doc) {
        char msg[400];
        mp_xml_where w = { 0 };
        int syntax = first.code != XML_ERR_OK && mp_xml_message(&first, &w, msg, sizeof msg);
        mp_errors_add(r->e, r->file, first.line, "%s%s", syntax ? "malformed XML: " : "",
                      first.code != XML_ERR_OK ? msg : "cannot be parsed");
        r->problems++;
    }
    xmlResetError(&first);
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* A zipped review (RevMan's "data only" download) gives the .rm5 file
 * inside: *buf and *len then point at its bytes (in *inner, for the caller
 * to free) and r->file names it as ARCHIVE(MEMBER), which is what
 * diagnostics and notes cite, with the member's line numbers.  Otherwise
 * r->file is the file.  MP_EINPUT (said in e), MP_ENOMEM. */
static mp_status unzipped(rm5 *r, const char *file, const char **buf, size_t *len,
                          char **inner)
{
    if (!mp_unzip_is_zip(*buf, *len)) {
        r->file = mp_import_strdup(r->set, file);
        return r->file ? MP_OK : MP_ENOMEM;
    }
    char name[256], why[400];
    size_t n = 0;
    mp_status st = mp_unzip_member(*buf, *len, ".rm5", inner, &n, name, sizeof name,
                                   why, sizeof why);
    if (st == MP_EINPUT)
        mp_errors_add(r->e, file, 0, "%s", why);
    if (st != MP_OK)
        return st;
    size_t size = strlen(file) + strlen(name) + 3;
    char *cited = malloc(size);
    if (cited)
        snprintf(cited, size, "%s(%s)", file, name);
    r->file = cited ? mp_import_strdup(r->set, cited) : NULL;
    free(cited);
    if (!r->file) {
        free(*inner);
        return MP_ENOMEM;
    }
    *buf = *inner;
    *len = n;
    return MP_OK;
}

mp_status mp_import_rm5(mp_import_set *s, const char *file, const char *buf, size_t len,
                        mp_errors *e)
{
    rm5 r = { .set = s, .e = e };
    char *inner = NULL;
    mp_status st = unzipped(&r, file, &buf, &len, &inner);
    if (st != MP_OK)
        return st;
    xmlDocPtr doc = parse(&r, buf, len);
    free(inner);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (doc && !is(root, "COCHRANE_REVIEW"))
        problem(&r, root, "the root element is <%s>, not a RevMan 5 review's "
                "<COCHRANE_REVIEW>", root ? (const char *)root->name : "");
    else if (doc) {
        text(child(root, "COVER_SHEET"), "TITLE", r.review, sizeof r.review);
        collect_studies(&r, root->children);
        xmlNodePtr analyses = child(root, "ANALYSES_AND_DATA");
        if (analyses)
            read_analyses(&r, analyses);
        if (!s->n && !r.problems)
            problem(&r, root, "no study of the review has data in an outcome that "
                    "metapool can pool");
    }
    xmlFreeDoc(doc);
    free(r.studies);
    st = mp_import_set_status(s);
    return st != MP_OK ? st : r.problems ? MP_EINPUT : MP_OK;
}
