/* mp_study.c - streaming reader of study descriptors; see mp_study.h.
 *
 * libxml2's xmlTextReader walks the document; each <study> element is
 * expanded into a small DOM subtree, checked, turned into an mp_study and
 * handed to the caller, then released before the next one is read.
 */
#include "mp_study.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlreader.h>

#include "mp_text.h"

struct mp_reader {
    mp_read_options opt;
    xmlRelaxNGPtr schema;
};

/* Where the parser's bytes come from.  Every byte passes through
 * source_read, which counts lines, enforces the size limit, and refuses a
 * document at the first "<!DOCTYPE" so that no DTD, internal or external,
 * ever reaches the parser (entity bombs and external entities included). */
typedef struct source {
    int fd;                     /* -1 for memory */
    const char *mem;
    size_t mem_len, pos;
    size_t total, max_bytes;
    long line;
    size_t match;               /* characters of "<!DOCTYPE" matched so far */
    int refused;                /* 1 DOCTYPE, 2 too large, 3 read error */
    long refused_line;
    int err_no;
} source;


static const char doctype_message[] =
    "DOCTYPE declarations are not allowed in study descriptors "
    "(no DTD or entity is ever loaded)";

/* State of the file being read. */
typedef struct {
    const mp_reader *r;
    const char *name;
    mp_errors *err;
    size_t first_diag;          /* err->n when the file started */
    mp_errors schema_diags;     /* RELAX NG findings, reported if ours are silent */
    mp_study_fn fn;
    void *ctx;
    mp_status cb_status;        /* what the callback returned, if it stopped us */
    int parse_failed;           /* a parser error was reported */
    struct source *src;
} file_ctx;

/* State of the <study> being built. */
typedef struct {
    file_ctx *f;
    int bad;
    mp_study s;
    const char **regs;
    size_t cap_regs;
    mp_publication *pubs;
    size_t cap_pubs;
    mp_covariate *covs;
    size_t cap_covs;
    mp_outcome *outs;
    size_t cap_outs;
    int seen_arm_exp, seen_arm_ctl;
    xmlChar **owned;            /* strings freed after the callback */
    size_t n_owned, cap_owned;
    int oom;
} study_ctx;

void mp_read_options_default(mp_read_options *o)
{
    o->schema = 1;
    o->max_text = 65536;
    o->max_bytes = (size_t)1 << 31;
}

/* ---- external resources are never loaded -------------------------------- */

static xmlParserInputPtr deny_loader(const char *url, const char *id,
                                     xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void quiet_generic_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

mp_reader *mp_reader_new(const mp_read_options *o, mp_status *status)
{
    xmlInitParser();
    /* No file or network resource is ever fetched on behalf of a document. */
    xmlSetExternalEntityLoader(deny_loader);
    xmlSetGenericErrorFunc(NULL, quiet_generic_error);
    mp_reader *r = calloc(1, sizeof *r);
    if (!r) {
        *status = MP_ENOMEM;
        return NULL;
    }
    r->opt = *o;
    if (o->schema) {
        xmlRelaxNGParserCtxtPtr pc =
            xmlRelaxNGNewMemParserCtxt(mp_schema_rng, (int)strlen(mp_schema_rng));
        if (pc) {
            r->schema = xmlRelaxNGParse(pc);
            xmlRelaxNGFreeParserCtxt(pc);
        }
        if (!r->schema) {
            free(r);
            *status = MP_EIO;   /* the embedded schema does not compile */
            return NULL;
        }
    }
    *status = MP_OK;
    return r;
}

void mp_reader_free(mp_reader *r)
{
    if (!r)
        return;
    if (r->schema)
        xmlRelaxNGFree(r->schema);
    free(r);
}

/* ---- line numbers -------------------------------------------------------- */

/* Line of a text node's first non-blank character.  libxml2 dates a text
 * node by the line where it ends; step back over its trailing blanks. */
static long text_line(xmlNodePtr t)
{
    long line = xmlGetLineNo(t);
    const char *c = (const char *)t->content;
    for (size_t i = c ? strlen(c) : 0; i > 0 && strchr(" \t\r\n", c[i - 1]); i--)
        line -= c[i - 1] == '\n';
    return line;
}

/* Number of line breaks in a text node. */
static long text_breaks(xmlNodePtr t)
{
    long n = 0;
    for (const char *c = (const char *)t->content; c && *c; c++)
        n += *c == '\n';
    return n;
}

/* Line of an element's start tag.  libxml2 keeps element lines up to 65535
 * only (XML_PARSE_BIG_LINES extends text nodes alone), so beyond that the
 * line is recovered from the neighbouring text: a text node before the
 * element ends where the element starts; a text node first inside it
 * starts where the start tag ends. */
static long line_of(xmlNodePtr n)
{
    if (n->type != XML_ELEMENT_NODE || n->line < 65535)
        return xmlGetLineNo(n);
    if (n->prev && n->prev->type == XML_TEXT_NODE)
        return xmlGetLineNo(n->prev);
    if (n->children && n->children->type == XML_TEXT_NODE)
        return xmlGetLineNo(n->children) - text_breaks(n->children);
    if (!n->prev && n->parent && n->parent->type == XML_ELEMENT_NODE)
        return line_of(n->parent);
    return xmlGetLineNo(n);
}

/* ---- diagnostics ---------------------------------------------------------- */

static void problem(study_ctx *sc, xmlNodePtr node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(study_ctx *sc, xmlNodePtr node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_errors_vadd(sc->f->err, sc->f->name, node ? line_of(node) : 0,
                   fmt, ap);
    va_end(ap);
    sc->bad = 1;
}

static const char *ename(xmlNodePtr n)
{
    return (const char *)n->name;
}

/* Elements of the format have no namespace: <x:title> is not <title>. */
static int is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !n->ns && strcmp(ename(n), name) == 0;
}

static void unknown_element(study_ctx *sc, xmlNodePtr c, xmlNodePtr parent)
{
    int prefixed = c->ns && c->ns->prefix;
    problem(sc, c, "unknown element <%s%s%s> in <%s>",
            prefixed ? (const char *)c->ns->prefix : "", prefixed ? ":" : "",
            ename(c), ename(parent));
}

/* ---- memory --------------------------------------------------------------- */

static int grow(void *pp, size_t *cap, size_t n, size_t size)
{
    void **p = pp;
    if (n < *cap)
        return 1;
    size_t nc = *cap ? 2 * *cap : 4;
    void *q = realloc(*p, nc * size);
    if (!q)
        return 0;
    *p = q;
    *cap = nc;
    return 1;
}

static xmlChar *own(study_ctx *sc, xmlChar *s)
{
    if (!s)
        return NULL;
    if (!grow(&sc->owned, &sc->cap_owned, sc->n_owned, sizeof *sc->owned)) {
        xmlFree(s);
        sc->oom = 1;
        return NULL;
    }
    sc->owned[sc->n_owned++] = s;
    return s;
}

/* ---- attributes and text -------------------------------------------------- */

/* Report attributes of n not listed in allowed (NULL-terminated). */
static void check_attributes(study_ctx *sc, xmlNodePtr n,
                             const char *const *allowed)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        const char *const *p = allowed;
        while (*p && strcmp(*p, (const char *)a->name) != 0)
            p++;
        if (!*p)
            problem(sc, n, "unknown attribute %s on <%s>",
                    (const char *)a->name, ename(n));
    }
}

/* Value of an attribute, whitespace-trimmed, or NULL when absent. */
static const char *attr(study_ctx *sc, xmlNodePtr n, const char *name)
{
    xmlChar *v = own(sc, xmlGetNoNsProp(n, (const xmlChar *)name));
    if (!v)
        return NULL;
    return mp_text_squeeze((char *)v);
}

static const char *req_attr(study_ctx *sc, xmlNodePtr n, const char *name)
{
    const char *v = attr(sc, n, name);
    if (!v)
        problem(sc, n, "<%s> lacks the required attribute %s", ename(n), name);
    return v;
}

/* A numeric attribute: 1 when present and a finite decimal number. */
static int number_attr(study_ctx *sc, xmlNodePtr n, const char *name,
                       int required, mp_number *out)
{
    const char *v = required ? req_attr(sc, n, name) : attr(sc, n, name);
    if (!v)
        return 0;
    if (!mp_text_parse_decimal(v, &out->value, &out->half_unit)) {
        problem(sc, n, "<%s> %s \"%s\" is not a decimal number", ename(n),
                name, v);
        return 0;
    }
    if (!isfinite(out->value)) {
        problem(sc, n, "<%s> %s \"%s\" is not a finite number", ename(n),
                name, v);
        return 0;
    }
    return 1;
}

/* A count attribute: 1 when present and a whole number >= min. */
static int count_attr(study_ctx *sc, xmlNodePtr n, const char *name,
                      int required, long min, long *out)
{
    const char *v = required ? req_attr(sc, n, name) : attr(sc, n, name);
    if (!v)
        return 0;
    if (!mp_text_parse_count(v, out) || *out < min) {
        problem(sc, n, "<%s> %s \"%s\" is not a %s integer", ename(n), name,
                v, min > 0 ? "positive" : "non-negative");
        return 0;
    }
    return 1;
}

static int year_attr(study_ctx *sc, xmlNodePtr n, const char *name,
                     int required, int *out)
{
    const char *v = required ? req_attr(sc, n, name) : attr(sc, n, name);
    if (!v)
        return 0;
    if (!mp_text_parse_year(v, out)) {
        problem(sc, n, "<%s> %s \"%s\" is not a four-digit year", ename(n),
                name, v);
        return 0;
    }
    return 1;
}

/* Text content of an element that holds text only, whitespace squeezed. */
static const char *text_of(study_ctx *sc, xmlNodePtr n, int nonempty)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            problem(sc, c, "<%s> may hold text only, not <%s>", ename(n),
                    ename(c));
            return NULL;
        }
    xmlChar *t = own(sc, xmlNodeGetContent(n));
    const char *s = t ? mp_text_squeeze((char *)t) : "";
    if (strlen(s) > sc->f->r->opt.max_text) {
        problem(sc, n, "<%s> is longer than %zu bytes", ename(n),
                sc->f->r->opt.max_text);
        return NULL;
    }
    if (nonempty && !*s) {
        problem(sc, n, "<%s> is empty", ename(n));
        return NULL;
    }
    return s;
}

/* Element-only containers: report text between their children. 1 when c
 * is such text (reported), 0 otherwise. */
static int stray_text(study_ctx *sc, xmlNodePtr parent, xmlNodePtr c)
{
    if (c->type != XML_TEXT_NODE || xmlIsBlankNode(c))
        return 0;
    mp_errors_add(sc->f->err, sc->f->name, text_line(c), "unexpected text in <%s>",
                  ename(parent));
    sc->bad = 1;
    return 1;
}

/* Report an element that may appear once but appears again. */
static int once(study_ctx *sc, xmlNodePtr n, const void *seen)
{
    if (seen) {
        problem(sc, n, "<%s> appears more than once", ename(n));
        return 0;
    }
    return 1;
}

/* ---- effect elements ------------------------------------------------------ */

static void reference_attr(study_ctx *sc, xmlNodePtr n, mp_effect_input *e)
{
    const char *ref = attr(sc, n, "reference");
    e->reference_experimental = 0;
    if (!ref)
        return;
    if (strcmp(ref, "experimental") == 0)
        e->reference_experimental = 1;
    else if (strcmp(ref, "control") != 0)
        problem(sc, n, "<%s> reference must be experimental or control, not \"%s\"",
                ename(n), ref);
}

static void read_hazard_ratio(study_ctx *sc, xmlNodePtr n, mp_effect_input *e)
{
    static const char *const allowed[] = { "estimate", "lower", "upper",
        "level", "p", "reference", NULL };
    check_attributes(sc, n, allowed);
    reference_attr(sc, n, e);
    number_attr(sc, n, "estimate", 1, &e->estimate);
    int has_p = xmlHasProp(n, (const xmlChar *)"p") != NULL;
    int has_ci = xmlHasProp(n, (const xmlChar *)"lower") ||
                 xmlHasProp(n, (const xmlChar *)"upper");
    if (has_p && has_ci) {
        problem(sc, n, "<hazard-ratio> takes either lower and upper or p, not both");
        return;
    }
    if (has_p) {
        e->kind = MP_INPUT_HR_P;
        number_attr(sc, n, "p", 1, &e->p);
        if (xmlHasProp(n, (const xmlChar *)"level"))
            problem(sc, n, "<hazard-ratio> level goes with lower and upper, not with p");
        return;
    }
    if (!has_ci) {
        problem(sc, n, "<hazard-ratio> needs lower and upper, or p");
        return;
    }
    e->kind = MP_INPUT_HR_CI;
    number_attr(sc, n, "lower", 1, &e->lower);
    number_attr(sc, n, "upper", 1, &e->upper);
    if (!number_attr(sc, n, "level", 0, &e->level))
        e->level = (mp_number){ 0.95, 0.0 };
}

static void read_log_hazard_ratio(study_ctx *sc, xmlNodePtr n,
                                  mp_effect_input *e)
{
    static const char *const allowed[] = { "estimate", "se", "reference", NULL };
    check_attributes(sc, n, allowed);
    reference_attr(sc, n, e);
    e->kind = MP_INPUT_LOG_HR;
    number_attr(sc, n, "estimate", 1, &e->estimate);
    number_attr(sc, n, "se", 1, &e->se);
}

static void read_peto(study_ctx *sc, xmlNodePtr n, mp_effect_input *e)
{
    static const char *const allowed[] = { "o-minus-e", "variance",
        "reference", NULL };
    check_attributes(sc, n, allowed);
    reference_attr(sc, n, e);
    e->kind = MP_INPUT_PETO;
    number_attr(sc, n, "o-minus-e", 1, &e->o_minus_e);
    number_attr(sc, n, "variance", 1, &e->variance);
}

static void read_counts(study_ctx *sc, xmlNodePtr n, mp_effect_input *e)
{
    static const char *const allowed[] = { "events-experimental",
        "total-experimental", "events-control", "total-control", NULL };
    check_attributes(sc, n, allowed);
    e->kind = MP_INPUT_COUNTS;
    count_attr(sc, n, "events-experimental", 1, 0, &e->events_exp);
    count_attr(sc, n, "total-experimental", 1, 0, &e->total_exp);
    count_attr(sc, n, "events-control", 1, 0, &e->events_ctl);
    count_attr(sc, n, "total-control", 1, 0, &e->total_ctl);
}

/* Dispatch an effect element; 0 when n is not one. */
static int read_effect(study_ctx *sc, xmlNodePtr n, mp_effect_input *e)
{
    if (is(n, "hazard-ratio"))
        read_hazard_ratio(sc, n, e);
    else if (is(n, "log-hazard-ratio"))
        read_log_hazard_ratio(sc, n, e);
    else if (is(n, "peto"))
        read_peto(sc, n, e);
    else if (is(n, "counts"))
        read_counts(sc, n, e);
    else
        return 0;
    e->line = line_of(n);
    return 1;
}

/* ---- outcome -------------------------------------------------------------- */

static void read_events(study_ctx *sc, xmlNodePtr n, mp_outcome *o)
{
    static const char *const allowed[] = { "experimental", "control", NULL };
    check_attributes(sc, n, allowed);
    count_attr(sc, n, "experimental", 0, 0, &o->events_exp);
    count_attr(sc, n, "control", 0, 0, &o->events_ctl);
}

static void read_followup(study_ctx *sc, xmlNodePtr n, mp_outcome *o)
{
    static const char *const allowed[] = { "median", "unit", NULL };
    check_attributes(sc, n, allowed);
    mp_number m;
    if (number_attr(sc, n, "median", 1, &m)) {
        if (m.value <= 0)
            problem(sc, n, "<followup> median must be > 0, not %g", m.value);
        o->followup_median = m.value;
    }
    const char *unit = attr(sc, n, "unit");
    if (unit && strcmp(unit, "months") != 0 && strcmp(unit, "years") != 0)
        problem(sc, n, "<followup> unit must be months or years, not \"%s\"", unit);
    else if (unit)
        o->followup_unit = unit;
}

static void read_outcome(study_ctx *sc, xmlNodePtr n, mp_outcome *o)
{
    static const char *const allowed[] = { "name", NULL };
    check_attributes(sc, n, allowed);
    memset(o, 0, sizeof *o);
    o->line = line_of(n);
    o->events_exp = o->events_ctl = -1;
    o->followup_median = NAN;
    o->followup_unit = "months";
    o->name = req_attr(sc, n, "name");
    if (o->name && !*o->name)
        problem(sc, n, "<outcome> name is empty");
    int effects = 0, unknown = 0;
    const void *events = NULL, *followup = NULL;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (stray_text(sc, n, c) || c->type != XML_ELEMENT_NODE)
            continue;
        if (read_effect(sc, c, &o->effect)) {
            if (++effects == 2)
                problem(sc, c, "<outcome name=\"%s\"> has more than one effect element",
                        o->name ? o->name : "");
        } else if (is(c, "events")) {
            if (once(sc, c, events))
                read_events(sc, c, o);
            events = c;
        } else if (is(c, "followup")) {
            if (once(sc, c, followup))
                read_followup(sc, c, o);
            followup = c;
        } else {
            unknown_element(sc, c, n);
            unknown = 1;
        }
    }
    if (effects == 0 && !unknown)
        problem(sc, n, "<outcome name=\"%s\"> has no effect element "
                "(hazard-ratio, log-hazard-ratio, peto or counts)",
                o->name ? o->name : "");
}

/* ---- study children -------------------------------------------------------- */

static void read_publication(study_ctx *sc, xmlNodePtr n, mp_publication *p)
{
    static const char *const allowed[] = { "year", "doi", "pmid", NULL };
    check_attributes(sc, n, allowed);
    p->line = line_of(n);
    p->year = 0;
    year_attr(sc, n, "year", 1, &p->year);
    p->doi = attr(sc, n, "doi");
    if (p->doi && !mp_text_is_doi(p->doi))
        problem(sc, n, "<publication> doi \"%s\" is not of the form 10.NNNN/...",
                p->doi);
    const char *pmid = attr(sc, n, "pmid");
    long dummy;
    if (pmid && (!mp_text_parse_count(pmid, &dummy) || dummy < 1))
        problem(sc, n, "<publication> pmid \"%s\" is not a PubMed identifier", pmid);
    p->citation = text_of(sc, n, 1);
}

static void read_arm(study_ctx *sc, xmlNodePtr n)
{
    static const char *const allowed[] = { "role", "n", NULL };
    check_attributes(sc, n, allowed);
    const char *role = req_attr(sc, n, "role");
    long count = -1;
    count_attr(sc, n, "n", 0, 1, &count);
    const char *label = text_of(sc, n, 0);
    if (!role)
        return;
    int exp = strcmp(role, "experimental") == 0;
    if (!exp && strcmp(role, "control") != 0) {
        problem(sc, n, "<arm> role must be experimental or control, not \"%s\"", role);
        return;
    }
    int *seen = exp ? &sc->seen_arm_exp : &sc->seen_arm_ctl;
    if ((*seen)++) {
        problem(sc, n, "a second <arm role=\"%s\">", role);
        return;
    }
    *(exp ? &sc->s.arm_exp : &sc->s.arm_ctl) = label && *label ? label : NULL;
    *(exp ? &sc->s.n_exp : &sc->s.n_ctl) = count;
}

static void read_arms(study_ctx *sc, xmlNodePtr n)
{
    check_attributes(sc, n, (const char *const[]){ NULL });
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (stray_text(sc, n, c) || c->type != XML_ELEMENT_NODE)
            continue;
        if (is(c, "arm"))
            read_arm(sc, c);
        else
            unknown_element(sc, c, n);
    }
}

static void read_covariate(study_ctx *sc, xmlNodePtr n, mp_covariate *cv)
{
    static const char *const allowed[] = { "name", "value", NULL };
    check_attributes(sc, n, allowed);
    cv->line = line_of(n);
    cv->name = req_attr(sc, n, "name");
    cv->value = req_attr(sc, n, "value");
    if (cv->name && !*cv->name)
        problem(sc, n, "<covariate> name is empty");
    if (cv->value && !*cv->value)
        problem(sc, n, "<covariate> value is empty");
}

static void read_accrual(study_ctx *sc, xmlNodePtr n)
{
    static const char *const allowed[] = { "from", "to", NULL };
    check_attributes(sc, n, allowed);
    year_attr(sc, n, "from", 0, &sc->s.accrual_from);
    year_attr(sc, n, "to", 0, &sc->s.accrual_to);
    if (sc->s.accrual_from && sc->s.accrual_to &&
        sc->s.accrual_from > sc->s.accrual_to)
        problem(sc, n, "<accrual> from %d is after to %d", sc->s.accrual_from,
                sc->s.accrual_to);
}

static void read_design(study_ctx *sc, xmlNodePtr n)
{
    const char *d = text_of(sc, n, 1);
    if (!d)
        return;
    if (strcmp(d, "rct") != 0 && strcmp(d, "prospective-registry") != 0 &&
        strcmp(d, "retrospective") != 0)
        problem(sc, n, "<design> must be rct, prospective-registry or "
                "retrospective, not \"%s\"", d);
    sc->s.design = d;
}

/* Append to one of the study's growable arrays; NULL when memory runs out. */
#define PUSH(sc, arr, count, cap) \
    (grow(&(sc)->arr, &(sc)->cap, (sc)->s.count, sizeof *(sc)->arr) \
         ? &(sc)->arr[(sc)->s.count++] : ((sc)->oom = 1, NULL))

/* Text elements that appear once: where each one's value goes. */
static const char **single_text(study_ctx *sc, xmlNodePtr c)
{
    if (is(c, "title"))
        return &sc->s.title;
    if (is(c, "country"))
        return &sc->s.country;
    if (is(c, "notes"))
        return &sc->s.notes;
    return NULL;
}

static void read_child(study_ctx *sc, xmlNodePtr n, xmlNodePtr c,
                       const void **seen_accrual, const void **seen_arms)
{
    const char **slot = single_text(sc, c);
    if (slot) {
        if (once(sc, c, *slot))
            *slot = text_of(sc, c, 1);
        if (!*slot)
            *slot = "";
    } else if (is(c, "design")) {
        if (once(sc, c, sc->s.design))
            read_design(sc, c);
        if (!sc->s.design)
            sc->s.design = "";
    } else if (is(c, "registration")) {
        const char *t = text_of(sc, c, 1);
        const char **r = PUSH(sc, regs, n_registrations, cap_regs);
        if (r)
            *r = t ? t : "";
    } else if (is(c, "accrual")) {
        if (once(sc, c, *seen_accrual))
            read_accrual(sc, c);
        *seen_accrual = c;
    } else if (is(c, "publication")) {
        mp_publication *p = PUSH(sc, pubs, n_publications, cap_pubs);
        if (p)
            read_publication(sc, c, p);
    } else if (is(c, "arms")) {
        if (once(sc, c, *seen_arms))
            read_arms(sc, c);
        *seen_arms = c;
    } else if (is(c, "covariate")) {
        mp_covariate *cv = PUSH(sc, covs, n_covariates, cap_covs);
        if (cv)
            read_covariate(sc, c, cv);
    } else if (is(c, "outcome")) {
        mp_outcome *o = PUSH(sc, outs, n_outcomes, cap_outs);
        if (o)
            read_outcome(sc, c, o);
    } else {
        unknown_element(sc, c, n);
    }
}

/* Checks that need the whole study. */
static void check_study(study_ctx *sc, xmlNodePtr n)
{
    mp_study *s = &sc->s;
    const char *id = s->id ? s->id : "";
    char who[96];
    if (s->id)
        snprintf(who, sizeof who, "study \"%.80s\"", s->id);
    else
        strcpy(who, "the study");
    if (!s->title)
        problem(sc, n, "%s has no <title>", who);
    if (!s->design)
        problem(sc, n, "%s has no <design>", who);
    if (s->n_publications == 0)
        problem(sc, n, "%s has no <publication>", who);
    if (s->n_outcomes == 0)
        problem(sc, n, "%s has no <outcome>", who);
    for (size_t i = 0; i < s->n_publications; i++)
        if (sc->pubs[i].year > s->year)
            s->year = sc->pubs[i].year;
    for (size_t i = 0; i < s->n_outcomes; i++)
        for (size_t j = 0; j < i; j++)
            if (sc->outs[i].name && sc->outs[j].name &&
                strcmp(sc->outs[i].name, sc->outs[j].name) == 0) {
                mp_errors_add(sc->f->err, sc->f->name, sc->outs[i].line,
                              "outcome \"%s\" appears twice in study \"%s\" "
                              "(first at line %ld)", sc->outs[i].name, id,
                              sc->outs[j].line);
                sc->bad = 1;
                break;
            }
}

static void check_format(study_ctx *sc, xmlNodePtr n, int required)
{
    const char *fmt = required ? req_attr(sc, n, "format") : attr(sc, n, "format");
    if (fmt && strcmp(fmt, "1") != 0)
        problem(sc, n, "unsupported format \"%s\" (this metapool reads format 1)", fmt);
}

static void study_ctx_free(study_ctx *sc)
{
    for (size_t i = 0; i < sc->n_owned; i++)
        xmlFree(sc->owned[i]);
    free(sc->owned);
    free(sc->regs);
    free(sc->pubs);
    free(sc->covs);
    free(sc->outs);
}

/* Check one <study> subtree and hand it to the callback when valid. */
static mp_status read_study(file_ctx *f, xmlNodePtr n, int in_collection)
{
    static const char *const allowed[] = { "id", "format", NULL };
    study_ctx sc;
    memset(&sc, 0, sizeof sc);
    sc.f = f;
    sc.s.file = f->name;
    sc.s.line = line_of(n);
    sc.s.n_exp = sc.s.n_ctl = -1;
    check_attributes(&sc, n, allowed);
    check_format(&sc, n, !in_collection);
    sc.s.id = req_attr(&sc, n, "id");
    if (sc.s.id && !mp_text_is_id(sc.s.id))
        problem(&sc, n, "study id \"%s\" must match [a-z0-9][a-z0-9-]*", sc.s.id);
    const void *seen_accrual = NULL, *seen_arms = NULL;
    for (xmlNodePtr c = n->children; c && !sc.oom; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            read_child(&sc, n, c, &seen_accrual, &seen_arms);
        else
            stray_text(&sc, n, c);
    }
    check_study(&sc, n);
    mp_status st = MP_OK;
    if (sc.oom) {
        st = MP_ENOMEM;
    } else if (!sc.bad) {
        sc.s.registrations = sc.regs;
        sc.s.publications = sc.pubs;
        sc.s.covariates = sc.covs;
        sc.s.outcomes = sc.outs;
        st = f->fn(&sc.s, f->ctx);
        if (st != MP_OK)
            f->cb_status = st;
    }
    study_ctx_free(&sc);
    return st;
}

/* ---- the document walk ----------------------------------------------------- */

static void on_xml_error(void *arg, xmlErrorPtr e)
{
    file_ctx *f = arg;
    if (e->level == XML_ERR_WARNING)
        return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "error");
    mp_text_chomp(msg);
    if (e->domain == XML_FROM_RELAXNGV || e->domain == XML_FROM_RELAXNGP) {
        mp_errors_add(&f->schema_diags, f->name, e->line,
                      "does not match the schema: %s", msg);
    } else if (!f->parse_failed && !f->src->refused) {
        /* Later parser errors are consequences of the first. */
        f->parse_failed = 1;
        mp_errors_add(f->err, f->name, e->line, "malformed XML: %s", msg);
    }
}

static mp_status root_problem(file_ctx *f, xmlTextReaderPtr rd,
                              const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static mp_status root_problem(file_ctx *f, xmlTextReaderPtr rd,
                              const char *fmt, ...)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(rd);
    long line = !n                            ? xmlTextReaderGetParserLineNumber(rd)
                : n->type == XML_ELEMENT_NODE ? line_of(n)
                : n->type == XML_TEXT_NODE    ? text_line(n)
                                              : xmlTextReaderGetParserLineNumber(rd);
    va_list ap;
    va_start(ap, fmt);
    mp_errors_vadd(f->err, f->name, line, fmt, ap);
    va_end(ap);
    return MP_EINPUT;
}

/* Handle a <studies> root's attributes. */
static mp_status read_collection_root(file_ctx *f, xmlTextReaderPtr rd)
{
    study_ctx sc;
    memset(&sc, 0, sizeof sc);
    sc.f = f;
    xmlNodePtr n = xmlTextReaderCurrentNode(rd);
    check_attributes(&sc, n, (const char *const[]){ "format", NULL });
    check_format(&sc, n, 1);
    study_ctx_free(&sc);
    /* A collection in an unknown format is not read at all. */
    return sc.oom ? MP_ENOMEM : sc.bad ? MP_EINPUT : MP_OK;
}

/* Walk the document: the root, and <study> elements below a <studies> root. */
static mp_status walk(file_ctx *f, xmlTextReaderPtr rd)
{
    int collection = 0;
    int ret = xmlTextReaderRead(rd);
    while (ret == 1) {
        int type = xmlTextReaderNodeType(rd);
        int depth = xmlTextReaderDepth(rd);
        const char *name = (const char *)xmlTextReaderConstName(rd);
        const char *ns = (const char *)xmlTextReaderConstNamespaceUri(rd);
        if (type == XML_READER_TYPE_ELEMENT && depth <= collection && ns)
            return root_problem(f, rd, "<%s> is in namespace %s; study "
                                "descriptors use no namespace", name, ns);
        if (type == XML_READER_TYPE_DOCUMENT_TYPE)      /* see source_read */
            return root_problem(f, rd, "%s", doctype_message);
        if (type == XML_READER_TYPE_ELEMENT && depth == 0) {
            if (strcmp(name, "studies") == 0) {
                collection = 1;
                mp_status st = read_collection_root(f, rd);
                if (st != MP_OK)
                    return st;
            } else if (strcmp(name, "study") != 0) {
                return root_problem(f, rd, "root element is <%s>; expected "
                                    "<study> or <studies>", name);
            }
        }
        if (type == XML_READER_TYPE_ELEMENT && depth == collection) {
            if (strcmp(name, "study") == 0) {
                xmlNodePtr n = xmlTextReaderExpand(rd);
                if (!n)
                    break;
                mp_status st = read_study(f, n, collection);
                if (st == MP_ENOMEM || f->cb_status != MP_OK)
                    return st;
            } else {
                root_problem(f, rd, "unknown element <%s> in <studies>", name);
            }
            ret = xmlTextReaderNext(rd);
            continue;
        }
        if (type == XML_READER_TYPE_TEXT && depth == 1 && collection)
            root_problem(f, rd, "%s", "unexpected text in <studies>");
        ret = xmlTextReaderRead(rd);
    }
    if (ret < 0 && f->err->n == f->first_diag && !f->src->refused)
        mp_errors_add(f->err, f->name, xmlTextReaderGetParserLineNumber(rd),
                      "malformed XML");
    if (ret < 0)
        return MP_EINPUT;
    return MP_OK;
}

/* ---- the bytes ------------------------------------------------------------------ */

static const char doctype[] = "<!DOCTYPE";

/* Scan n bytes; 0 when the document must be refused. */
static int source_scan(source *s, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] == '\n')
            s->line++;
        s->match = b[i] == doctype[s->match] ? s->match + 1
                   : b[i] == doctype[0]     ? 1 : 0;
        if (s->match == sizeof doctype - 1) {
            s->refused = 1;
            s->refused_line = s->line;
            return 0;
        }
    }
    return 1;
}

static int source_read(void *ctx, char *buf, int len)
{
    source *s = ctx;
    if (s->refused)
        return -1;
    ssize_t n;
    if (s->fd < 0) {
        n = (ssize_t)(s->mem_len - s->pos < (size_t)len ? s->mem_len - s->pos
                                                        : (size_t)len);
        memcpy(buf, s->mem + s->pos, (size_t)n);
        s->pos += (size_t)n;
    } else {
        do
            n = read(s->fd, buf, (size_t)len);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            s->refused = 3;
            s->err_no = errno;
            return -1;
        }
    }
    s->total += (size_t)n;
    if (s->total > s->max_bytes) {
        s->refused = 2;
        return -1;
    }
    return source_scan(s, buf, (size_t)n) ? (int)n : -1;
}

static int source_close(void *ctx)
{
    (void)ctx;
    return 0;
}

/* The diagnostic of a refused source. */
static void source_problem(const source *s, file_ctx *f)
{
    if (s->refused == 1)
        mp_errors_add(f->err, f->name, s->refused_line, "%s", doctype_message);
    else if (s->refused == 2)
        mp_errors_add(f->err, f->name, 0, "larger than the limit of %zu bytes",
                      s->max_bytes);
    else if (s->refused == 3)
        mp_errors_add(f->err, f->name, 0, "cannot read: %s", strerror(s->err_no));
}

/* libxml2 parser options: never the network, never a DTD, never entity
 * substitution; line numbers beyond 65535 kept. */
static const int parse_options = XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                 XML_PARSE_NOCDATA | XML_PARSE_COMPACT;

static mp_status read_source(mp_reader *r, source *src, const char *name,
                             mp_study_fn fn, void *ctx, mp_errors *err)
{
    src->line = 1;
    src->max_bytes = r->opt.max_bytes;
    xmlTextReaderPtr rd = xmlReaderForIO(source_read, source_close, src, name,
                                         NULL, parse_options);
    if (!rd)
        return MP_ENOMEM;
    file_ctx f = { .r = r, .name = name, .err = err, .first_diag = err->n,
                   .fn = fn, .ctx = ctx, .cb_status = MP_OK, .src = src };
    mp_errors_init(&f.schema_diags);
    xmlTextReaderSetStructuredErrorHandler(rd, on_xml_error, &f);
    if (r->schema && xmlTextReaderRelaxNGSetSchema(rd, r->schema) != 0) {
        xmlFreeTextReader(rd);
        return MP_ENOMEM;
    }
    mp_status st = walk(&f, rd);
    int valid = r->schema ? xmlTextReaderIsValid(rd) : 1;
    xmlFreeTextReader(rd);
    source_problem(src, &f);
    if (st == MP_OK && err->n == f.first_diag) {
        /* The schema is a second line of defence: its findings are shown
         * when our own checks found nothing in this file. */
        for (size_t i = 0; i < f.schema_diags.n; i++)
            mp_errors_add(err, name, f.schema_diags.items[i].line, "%s",
                          f.schema_diags.items[i].message);
        if (valid == 0 && f.schema_diags.n == 0)
            mp_errors_add(err, name, 0, "does not match the schema");
    }
    mp_errors_free(&f.schema_diags);
    if (st == MP_ENOMEM)
        return st;
    if (src->refused == 3)
        return MP_EIO;
    if (src->refused == 2)
        return MP_ELIMIT;
    if (f.cb_status != MP_OK)
        return f.cb_status;
    return err->n > f.first_diag ? MP_EINPUT : MP_OK;
}

mp_status mp_read_file(mp_reader *r, const char *path, mp_study_fn fn,
                       void *ctx, mp_errors *err)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    if (fd < 0) {
        mp_errors_add(err, path, 0, "cannot open: %s", strerror(errno));
        return MP_EIO;
    }
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        mp_errors_add(err, path, 0, "is a directory");
        close(fd);
        return MP_EIO;
    }
    source src = { .fd = fd };
    mp_status st = read_source(r, &src, path, fn, ctx, err);
    if (fd != STDIN_FILENO)
        close(fd);
    return st;
}

mp_status mp_read_memory(mp_reader *r, const char *buf, size_t len,
                         const char *name, mp_study_fn fn, void *ctx,
                         mp_errors *err)
{
    source src = { .fd = -1, .mem = buf, .mem_len = len };
    return read_source(r, &src, name, fn, ctx, err);
}
