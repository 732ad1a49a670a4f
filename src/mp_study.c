/* mp_study.c - streaming reader of study descriptors; see mp_study.h.
 *
 * libxml2's SAX2 push parser parses the input from chunks this file reads
 * itself (scanned for "<!DOCTYPE" before the parser sees them).  Each
 * <study> element is built, from the parser's events, into a small tree of
 * our own nodes in an arena; when its end tag is parsed the tree is
 * checked, turned into an mp_study and handed to the caller, and its
 * memory is reused.  No libxml2 document is ever built.
 *
 * Everything takes effect as the parser produces it, in document order:
 * a diagnostic is reported when the event that causes it is parsed, a
 * study is checked and handed over at its end tag.  The first parser error
 * is reported ("malformed XML: ..."), later ones are not; a fatal one ends
 * the file there (so do a DOCTYPE, the size limit, and the diagnostics
 * about the root that make the rest meaningless).  What was reported and
 * handed over before stays.
 *
 * Text where only elements belong is reported at the line of its first
 * non-blank character; elements at the line of their start tag.
 *
 * With the schema option, a file in which our own checks found nothing is
 * read a second time, by the xmlTextReader, which validates it against the
 * RELAX NG schema in streaming mode.
 */
#include "mp_study.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/xmlreader.h>

#include "mp_text.h"
#include "mp_xmlmsg.h"

/* ---- the arena ------------------------------------------------------------- */

/* Blocks in use, oldest first (head to cur), and spare blocks.  Memory is
 * never freed piecemeal: blocks are released whole, to the spares, when
 * everything in them is garbage. */
typedef struct ablock {
    struct ablock *next;
    size_t cap, used;
    max_align_t data[];
} ablock;

typedef struct {
    ablock *head, *cur, *spare;
} arena;

enum { ARENA_BLOCK = 1 << 16 };

static void *arena_alloc_slow(arena *a, size_t n, size_t align)
{
    ablock **pp = &a->spare, *b;
    while ((b = *pp) != NULL && b->cap < n)
        pp = &b->next;
    if (b) {
        *pp = b->next;
    } else {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
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

/* n bytes aligned to align (a power of two), NULL when memory runs out. */
static inline void *arena_alloc(arena *a, size_t n, size_t align)
{
    ablock *b = a->cur;
    if (b) {
        size_t at = (b->used + align - 1) & ~(align - 1);
        if (at <= b->cap && b->cap - at >= n) {
            b->used = at + n;
            return (char *)b->data + at;
        }
    }
    return arena_alloc_slow(a, n, align);
}

/* Release the blocks before keep (which stays, with what follows it). */
static void arena_release_before(arena *a, ablock *keep)
{
    ablock *b = a->head;
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
static void arena_reset(arena *a)
{
    arena_release_before(a, a->cur);
    if (a->cur)
        a->cur->used = 0;
}

static void free_blocks(ablock *b)
{
    while (b) {
        ablock *next = b->next;
        free(b);
        b = next;
    }
}

/* Reset, keeping one block of the usual size (a large study leaves no
 * large arena behind). */
static void arena_trim(arena *a)
{
    arena_reset(a);
    free_blocks(a->spare);
    a->spare = NULL;
    if (a->cur && a->cur->cap > ARENA_BLOCK) {
        free(a->cur);
        a->head = a->cur = NULL;
    }
}

static void arena_free(arena *a)
{
    arena_trim(a);
    free_blocks(a->head);
    a->head = a->cur = NULL;
}

/* ---- the reader ---------------------------------------------------------- */

/* The growable arrays of a study, kept by the reader and reused from one
 * study to the next (their contents are not). */
typedef struct {
    const char **regs;
    size_t cap_regs;
    mp_publication *pubs;
    size_t cap_pubs;
    mp_covariate *covs;
    size_t cap_covs;
    mp_outcome *outs;
    size_t cap_outs;
} study_arrays;

struct mp_reader {
    mp_read_options opt;
    xmlRelaxNGPtr schema;
    arena arena;                /* the nodes of the study being read */
    study_arrays arrays;
};

/* Where the schema pass's bytes come from.  Every byte passes through
 * source_read, which counts lines, enforces the size limit, and refuses a
 * document at the first "<!DOCTYPE" so that no DTD, internal or external,
 * ever reaches the parser (entity bombs and external entities included).
 * The first pass keeps the same fields (refused, refused_line, err_no). */
typedef struct source {
    int fd;                     /* -1 for memory */
    const char *mem;
    size_t mem_len, pos;
    size_t total, max_bytes;
    long line;
    int cr;                     /* the last byte scanned was a CR */
    int eol;                    /* 1: line ends are given to the parser as LF */
    int eol_cr;                 /* the last byte so given was a CR */
    size_t match;               /* characters of "<!DOCTYPE" matched so far */
    int refused;                /* 1 DOCTYPE, 2 too large, 3 read error */
    long refused_line;
    int err_no;
} source;


static const char doctype_message[] =
    "DOCTYPE declarations are not allowed in study descriptors "
    "(no DTD or entity is ever loaded)";

/* ---- the tree of a study ------------------------------------------------- */

/* The element and attribute names of the format.  The parser hands names
 * over as strings of its dictionary, so each name is looked up once, by
 * address, when its node is made; the checks then compare numbers. */
#define KNOWN_NAMES(X) \
    X(study, "study") \
    X(studies, "studies") \
    X(title, "title") \
    X(country, "country") \
    X(notes, "notes") \
    X(design, "design") \
    X(registration, "registration") \
    X(accrual, "accrual") \
    X(publication, "publication") \
    X(arms, "arms") \
    X(arm, "arm") \
    X(covariate, "covariate") \
    X(outcome, "outcome") \
    X(events, "events") \
    X(followup, "followup") \
    X(median_survival, "median-survival") \
    X(hazard_ratio, "hazard-ratio") \
    X(log_hazard_ratio, "log-hazard-ratio") \
    X(peto, "peto") \
    X(counts, "counts") \
    X(id, "id") \
    X(format, "format") \
    X(year, "year") \
    X(doi, "doi") \
    X(pmid, "pmid") \
    X(role, "role") \
    X(n, "n") \
    X(name, "name") \
    X(value, "value") \
    X(from, "from") \
    X(to, "to") \
    X(median, "median") \
    X(unit, "unit") \
    X(experimental, "experimental") \
    X(control, "control") \
    X(estimate, "estimate") \
    X(lower, "lower") \
    X(upper, "upper") \
    X(level, "level") \
    X(p, "p") \
    X(reference, "reference") \
    X(se, "se") \
    X(o_minus_e, "o-minus-e") \
    X(variance, "variance") \
    X(events_experimental, "events-experimental") \
    X(total_experimental, "total-experimental") \
    X(events_control, "events-control") \
    X(total_control, "total-control")

enum {
    K_NONE,
#define X(id, s) K_##id,
    KNOWN_NAMES(X)
#undef X
    K_COUNT
};

static const char *const kname[] = {
    "",
#define X(id, s) s,
    KNOWN_NAMES(X)
#undef X
};

/* The dictionary addresses of the names, hashed by address. */
enum { KEY_SLOTS = 256 };
typedef struct {
    const void *addr[KEY_SLOTS];
    unsigned char key[KEY_SLOTS];
} key_table;

static size_t key_slot(const void *p)
{
    return (size_t)((((uintptr_t)p >> 3) * UINT64_C(0x9E3779B97F4A7C15)) >> 56) %
           KEY_SLOTS;
}

static int key_of(const key_table *t, const void *p)
{
    for (size_t i = key_slot(p);; i = (i + 1) % KEY_SLOTS) {
        if (t->addr[i] == p)
            return t->key[i];
        if (!t->addr[i])
            return K_NONE;
    }
}

/* 0 when memory runs out. */
static int key_table_init(key_table *t, xmlDictPtr dict)
{
    memset(t, 0, sizeof *t);
    for (int k = 1; k < K_COUNT; k++) {
        const void *p = xmlDictLookup(dict, (const xmlChar *)kname[k], -1);
        if (!p)
            return 0;
        size_t i = key_slot(p);
        while (t->addr[i] && t->addr[i] != p)
            i = (i + 1) % KEY_SLOTS;
        t->addr[i] = p;
        t->key[i] = (unsigned char)k;
    }
    return 1;
}

typedef struct {
    const char *name;           /* local name; "p:name" for an unbound prefix */
    char *value;                /* NUL-terminated, in the arena */
    int key;                    /* K_... of name, K_NONE when none */
    unsigned char ns;           /* in a namespace */
    unsigned char spaced;       /* value holds whitespace, not yet squeezed */
    unsigned char too_long;     /* longer than max_text: reported, ignored */
} xattr;

/* An element or a text run (the characters between two other events of
 * the parser: a text node of libxml2's tree, CDATA sections included). */
typedef struct xnode xnode;
struct xnode {
    int key;                    /* element: K_... of name, K_NONE when none */
    unsigned char elem;         /* 1 element, 0 text */
    unsigned char ns;           /* element in a namespace */
    unsigned char nonblank;     /* text: holds a character other than blanks */
    unsigned char spaced;       /* text: holds whitespace */
    unsigned char cdata;        /* text: its first non-blank is in CDATA */
    const char *name;           /* element: local name, "p:name" for an
                                   unbound prefix (the parser's dictionary) */
    const char *prefix;         /* element in a namespace: its prefix or NULL */
    long line;                  /* element: the parser's line at its start tag
                                   (as libxml2's node->line); text: the
                                   parser's line when the piece holding the
                                   first non-blank character was handed over
                                   (see text_line) */
    xattr *attrs;
    size_t n_attrs;
    xnode *parent, *children, *last, *next;
    char *text;                 /* text: NUL-terminated, in the arena */
    size_t len, cap;
    size_t piece, nonblank_at, piece_end;   /* text: offsets in text of that
                                   piece and of its first non-blank */
};

/* A fresh node, last child of parent (when not NULL).  Field by field:
 * memset of a whole node compiles to a slow "rep stos". */
static void node_init(xnode *n, xnode *parent)
{
    n->key = K_NONE;
    n->elem = n->ns = n->nonblank = n->spaced = n->cdata = 0;
    n->name = n->prefix = NULL;
    n->line = 0;
    n->attrs = NULL;
    n->n_attrs = 0;
    n->parent = parent;
    n->children = n->last = n->next = NULL;
    n->text = NULL;
    n->len = n->cap = 0;
    n->piece = n->nonblank_at = n->piece_end = 0;
    if (parent) {
        if (parent->last)
            parent->last->next = n;
        else
            parent->children = n;
        parent->last = n;
    }
}

static int is_blank(unsigned char c)
{
    return c == 0x20 || c == 0x9 || c == 0xA || c == 0xD;
}

static long count_newlines(const char *p, size_t n)
{
    long lines = 0;
    const char *end = p + n;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        lines++;
        p++;
    }
    return lines;
}

/* Line ends as XML 1.0 (section 2.11) has them: CR LF, and a CR not
 * followed by LF, end a line as LF does (old Mac files have CRs only).
 * *cr carries "the last byte was CR" from one piece of an input to the
 * next.  The lines ended in p[0..n): */
static long count_line_ends(const char *p, size_t n, int *cr)
{
    if (n == 0)
        return 0;
    long lines;
    if (!memchr(p, '\r', n)) {
        lines = count_newlines(p, n) - (*cr && p[0] == '\n');
        *cr = 0;
        return lines;
    }
    lines = 0;
    for (size_t i = 0; i < n; i++) {
        lines += p[i] == '\r' || (p[i] == '\n' && !*cr);
        *cr = p[i] == '\r';
    }
    return lines;
}

/* 1 when b[0..n) holds a line end other than LF (after *cr, see above). */
static int eol_needed(const char *b, size_t n, int cr)
{
    return n > 0 && ((cr && b[0] == '\n') || memchr(b, '\r', n));
}

/* b[0..n) into out (which may be b) with every line end written LF, as
 * the parser reads them; returns the length written.  libxml2 does the
 * same but counts a lone CR as no line end: its line numbers, which date
 * every diagnostic, would stay at 1 in a file of CRs. */
static size_t eol_rewrite(char *out, const char *b, size_t n, int *cr)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        int lf_of_crlf = b[i] == '\n' && *cr;
        *cr = b[i] == '\r';
        if (!lf_of_crlf)
            out[w++] = *cr ? '\n' : b[i];
    }
    return w;
}

/* The line of a text node's first non-blank character.  libxml2 hands
 * text to the SAX handler after counting its line breaks, CDATA before. */
static long text_line(const xnode *t)
{
    if (t->cdata)
        return t->line + count_newlines(t->text + t->piece, t->nonblank_at - t->piece);
    return t->line - count_newlines(t->text + t->nonblank_at,
                                    t->piece_end - t->nonblank_at);
}

/* An open element: its name as libxml2 gives it, and its line. */
typedef struct {
    const char *local, *prefix;
    long line;
} open_element;

/* Open elements whose name and line a message may give: libxml2 refuses
 * deeper nesting without XML_PARSE_HUGE. */
enum { MAX_OPEN = 256 };

/* State of the file being read. */
typedef struct {
    mp_reader *r;
    const char *name;
    mp_errors *err;
    size_t first_diag;          /* mp_errors_count(err) when the file started */
    mp_errors schema_diags;     /* RELAX NG findings, reported if ours are silent */
    mp_study_fn fn;
    void *ctx;
    mp_status cb_status;        /* what the callback returned, if it stopped us */
    mp_status st;               /* MP_OK, or why reading stopped early */
    int stop;                   /* nothing more is read */
    int parse_failed;           /* a parser error was reported */
    int fatal;                  /* a fatal one occurred */
    xmlHashTablePtr ids;        /* xml:id values seen */
    xmlParserCtxtPtr px;
    key_table keys;             /* the names of the format in px's dictionary */
    /* the walk */
    int depth;                  /* elements open */
    int collection;             /* 1: the root is <studies> */
    int skipping, skip_at;      /* inside an ignored element opened at skip_at */
    xnode *study;               /* the <study> being built, or NULL */
    int study_depth;
    size_t study_start;         /* parse_pos() at its start tag */
    xnode *cur;                 /* its element being built */
    xnode *text;                /* its text run being built, or NULL */
    /* the text run in progress, wherever it is */
    int run_open;
    size_t run_len;
    int rt_nonblank;            /* a run directly in <studies>: non-blank */
    long rt_line;               /* and the line of its first non-blank */
    /* for the messages of the parser's errors (mp_xml_where) */
    open_element open[MAX_OPEN];    /* the elements open, outermost first
                                   (the first MAX_OPEN of them) */
    const char *root;           /* the root element, once it has ended */
    /* line ends (see feed) */
    int eol;                    /* 1: CR LF and lone CR are given as LF */
    int cr;                     /* the last byte given was a CR */
    char *eol_buf;              /* CHUNK + HOLD bytes for the rewritten chunk */
} file_ctx;

/* State of the <study> being built. */
typedef struct {
    file_ctx *f;
    arena *ar;
    int bad;
    mp_study s;
    study_arrays *a;            /* the reader's */
    int seen_arm_exp, seen_arm_ctl;
    int oom;
} study_ctx;

void mp_read_options_default(mp_read_options *o)
{
    o->schema = 1;
    o->max_text = 65536;
    o->max_study = 1048576;
    o->max_bytes = (size_t)1 << 31;
    o->max_ids = 10000;
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
    /* 0: no limit of the reader's own (libxml2's still apply) */
    size_t *max[] = { &r->opt.max_text, &r->opt.max_study, &r->opt.max_bytes,
                      &r->opt.max_ids };
    for (size_t i = 0; i < sizeof max / sizeof *max; i++)
        if (*max[i] == 0)
            *max[i] = SIZE_MAX;
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
    arena_free(&r->arena);
    free(r->arrays.regs);
    free(r->arrays.pubs);
    free(r->arrays.covs);
    free(r->arrays.outs);
    free(r);
}

/* ---- diagnostics ---------------------------------------------------------- */

static void problem(study_ctx *sc, xnode *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(study_ctx *sc, xnode *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_errors_vadd(sc->f->err, sc->f->name, node ? node->line : 0, fmt, ap);
    va_end(ap);
    sc->bad = 1;
}

static const char *ename(const xnode *n)
{
    return n->name;
}

/* Elements of the format have no namespace: <x:title> is not <title>. */
static int is(const xnode *n, int key)
{
    return n->key == key && !n->ns;
}

static void unknown_element(study_ctx *sc, xnode *c, xnode *parent)
{
    int prefixed = c->ns && c->prefix;
    problem(sc, c, "unknown element <%s%s%s> in <%s>",
            prefixed ? c->prefix : "", prefixed ? ":" : "",
            ename(c), ename(parent));
}

/* ---- memory --------------------------------------------------------------- */

/* memset through a pointer the compiler cannot see through: a memset of
 * a constant size of a few hundred bytes, per study, compiles to a slow
 * "rep stos", the C library's memset is several times faster. */
static void *(*volatile clear_fn)(void *, int, size_t) = memset;
#define CLEAR(p) clear_fn((p), 0, sizeof *(p))

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

/* ---- attributes and text -------------------------------------------------- */

/* Report attributes of n not listed in allowed (K_NONE-terminated). */
static void check_attributes(study_ctx *sc, xnode *n, const int *allowed)
{
    for (size_t i = 0; i < n->n_attrs; i++) {
        const int *p = allowed;
        while (*p && *p != n->attrs[i].key)
            p++;
        if (!*p)
            problem(sc, n, "unknown attribute %s on <%s>", n->attrs[i].name,
                    ename(n));
    }
}

/* An attribute of that name, in a namespace or not (as xmlHasProp). */
static int has_attr(const xnode *n, int key)
{
    for (size_t i = 0; i < n->n_attrs; i++)
        if (n->attrs[i].key == key)
            return 1;
    return 0;
}

/* The attribute of that name without namespace, or NULL. */
static xattr *find_attr(xnode *n, int key)
{
    for (size_t i = 0; i < n->n_attrs; i++)
        if (n->attrs[i].key == key && !n->attrs[i].ns)
            return &n->attrs[i];
    return NULL;
}

/* Value of an attribute without namespace, whitespace-squeezed (in place,
 * which is idempotent), or NULL when absent or longer than max_text (that
 * is reported, once). */
static const char *attr(study_ctx *sc, xnode *n, int key)
{
    xattr *a = find_attr(n, key);
    if (!a || a->too_long)
        return NULL;
    if (a->spaced)
        mp_text_squeeze(a->value);
    a->spaced = 0;
    size_t max = sc->f->r->opt.max_text;
    if (strlen(a->value) > max) {
        a->too_long = 1;
        problem(sc, n, "<%s> attribute %s is longer than %zu bytes", ename(n),
                a->name, max);
        return NULL;
    }
    return a->value;
}

static const char *req_attr(study_ctx *sc, xnode *n, int key)
{
    const char *v = attr(sc, n, key);
    if (!v && !find_attr(n, key))
        problem(sc, n, "<%s> lacks the required attribute %s", ename(n),
                kname[key]);
    return v;
}

/* A numeric attribute: 1 when present and a finite decimal number. */
static int number_attr(study_ctx *sc, xnode *n, int key,
                       int required, mp_number *out)
{
    const char *name = kname[key];
    const char *v = required ? req_attr(sc, n, key) : attr(sc, n, key);
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
static int count_attr(study_ctx *sc, xnode *n, int key,
                      int required, long min, long *out)
{
    const char *name = kname[key];
    const char *v = required ? req_attr(sc, n, key) : attr(sc, n, key);
    if (!v)
        return 0;
    if (!mp_text_parse_count(v, out) || *out < min) {
        problem(sc, n, "<%s> %s \"%s\" is not a %s integer", ename(n), name,
                v, min > 0 ? "positive" : "non-negative");
        return 0;
    }
    return 1;
}

static int year_attr(study_ctx *sc, xnode *n, int key,
                     int required, int *out)
{
    const char *name = kname[key];
    const char *v = required ? req_attr(sc, n, key) : attr(sc, n, key);
    if (!v)
        return 0;
    if (!mp_text_parse_year(v, out)) {
        problem(sc, n, "<%s> %s \"%s\" is not a four-digit year", ename(n),
                name, v);
        return 0;
    }
    return 1;
}

/* Text content of an element that holds text only, whitespace squeezed:
 * the concatenation of its text children (comments and processing
 * instructions hold none), as xmlNodeGetContent gave it. */
static const char *text_of(study_ctx *sc, xnode *n, int nonempty)
{
    size_t total = 0, runs = 0;
    for (xnode *c = n->children; c; c = c->next) {
        if (c->elem) {
            problem(sc, c, "<%s> may hold text only, not <%s>", ename(n),
                    ename(c));
            return NULL;
        }
        total += c->len;
        runs++;
    }
    char *t;
    int spaced = 1;
    if (runs == 1) {
        t = n->children->text;
        spaced = n->children->spaced;
    } else {
        t = arena_alloc(sc->ar, total + 1, 1);
        if (!t) {
            sc->oom = 1;
            return NULL;
        }
        char *w = t;
        for (xnode *c = n->children; c; c = c->next) {
            memcpy(w, c->text, c->len);
            w += c->len;
        }
        *w = '\0';
    }
    const char *s = spaced ? mp_text_squeeze(t) : t;
    /* squeezing only shortens */
    if (total > sc->f->r->opt.max_text && strlen(s) > sc->f->r->opt.max_text) {
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
static int stray_text(study_ctx *sc, xnode *parent, xnode *c)
{
    if (c->elem || !c->nonblank)
        return 0;
    mp_errors_add(sc->f->err, sc->f->name, text_line(c), "unexpected text in <%s>",
                  ename(parent));
    sc->bad = 1;
    return 1;
}

/* Report an element that may appear once but appears again. */
static int once(study_ctx *sc, xnode *n, const void *seen)
{
    if (seen) {
        problem(sc, n, "<%s> appears more than once", ename(n));
        return 0;
    }
    return 1;
}

/* ---- effect elements ------------------------------------------------------ */

static void reference_attr(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    const char *ref = attr(sc, n, K_reference);
    e->reference_experimental = 0;
    if (!ref)
        return;
    if (strcmp(ref, "experimental") == 0)
        e->reference_experimental = 1;
    else if (strcmp(ref, "control") != 0)
        problem(sc, n, "<%s> reference must be experimental or control, not \"%s\"",
                ename(n), ref);
}

static void read_hazard_ratio(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    static const int allowed[] = { K_estimate, K_lower, K_upper,
        K_level, K_p, K_reference, K_NONE };
    check_attributes(sc, n, allowed);
    reference_attr(sc, n, e);
    number_attr(sc, n, K_estimate, 1, &e->estimate);
    int has_p = has_attr(n, K_p);
    int has_ci = has_attr(n, K_lower) ||
                 has_attr(n, K_upper);
    if (has_p && !has_ci) {
        e->kind = MP_INPUT_HR_P;
        number_attr(sc, n, K_p, 1, &e->p);
        if (has_attr(n, K_level))
            problem(sc, n, "<hazard-ratio> level goes with lower and upper, not with p");
        return;
    }
    if (!has_ci) {
        problem(sc, n, "<hazard-ratio> needs lower and upper, or p");
        return;
    }
    /* An interval, and perhaps the published p beside it: the interval is
     * used, the p cross-checked (mp_crosscheck.h). */
    e->kind = MP_INPUT_HR_CI;
    number_attr(sc, n, K_lower, 1, &e->lower);
    number_attr(sc, n, K_upper, 1, &e->upper);
    e->has_p = has_p && number_attr(sc, n, K_p, 1, &e->p);
    if (!number_attr(sc, n, K_level, 0, &e->level))
        e->level = (mp_number){ 0.95, 0.0 };
}

static void read_log_hazard_ratio(study_ctx *sc, xnode *n,
                                  mp_effect_input *e)
{
    static const int allowed[] = { K_estimate, K_se, K_reference, K_NONE };
    check_attributes(sc, n, allowed);
    reference_attr(sc, n, e);
    e->kind = MP_INPUT_LOG_HR;
    number_attr(sc, n, K_estimate, 1, &e->estimate);
    number_attr(sc, n, K_se, 1, &e->se);
}

static void read_peto(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    static const int allowed[] = { K_o_minus_e, K_variance,
        K_reference, K_NONE };
    check_attributes(sc, n, allowed);
    reference_attr(sc, n, e);
    e->kind = MP_INPUT_PETO;
    number_attr(sc, n, K_o_minus_e, 1, &e->o_minus_e);
    number_attr(sc, n, K_variance, 1, &e->variance);
}

static void read_counts(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    static const int allowed[] = { K_events_experimental,
        K_total_experimental, K_events_control, K_total_control, K_NONE };
    check_attributes(sc, n, allowed);
    e->kind = MP_INPUT_COUNTS;
    count_attr(sc, n, K_events_experimental, 1, 0, &e->events_exp);
    count_attr(sc, n, K_total_experimental, 1, 0, &e->total_exp);
    count_attr(sc, n, K_events_control, 1, 0, &e->events_ctl);
    count_attr(sc, n, K_total_control, 1, 0, &e->total_ctl);
}

/* Dispatch an effect element; 0 when n is not one. */
static int read_effect(study_ctx *sc, xnode *n, mp_effect_input *e)
{
    if (is(n, K_hazard_ratio))
        read_hazard_ratio(sc, n, e);
    else if (is(n, K_log_hazard_ratio))
        read_log_hazard_ratio(sc, n, e);
    else if (is(n, K_peto))
        read_peto(sc, n, e);
    else if (is(n, K_counts))
        read_counts(sc, n, e);
    else
        return 0;
    e->line = n->line;
    return 1;
}

/* ---- outcome -------------------------------------------------------------- */

static void read_events(study_ctx *sc, xnode *n, mp_outcome *o)
{
    static const int allowed[] = { K_experimental, K_control, K_NONE };
    check_attributes(sc, n, allowed);
    count_attr(sc, n, K_experimental, 0, 0, &o->events_exp);
    count_attr(sc, n, K_control, 0, 0, &o->events_ctl);
    o->events_line = n->line;
}

/* A duration attribute (<followup> median, <median-survival> per arm):
 * 1 when present, a number and > 0. */
static int duration_attr(study_ctx *sc, xnode *n, int key, mp_number *out)
{
    if (!number_attr(sc, n, key, 1, out))
        return 0;
    if (out->value > 0)
        return 1;
    problem(sc, n, "<%s> %s must be > 0, not %g", ename(n), kname[key],
            out->value);
    return 0;
}

/* The unit attribute of a duration: months (*unit unchanged when absent)
 * or years. */
static void unit_attr(study_ctx *sc, xnode *n, const char **unit)
{
    const char *u = attr(sc, n, K_unit);
    if (u && strcmp(u, "months") != 0 && strcmp(u, "years") != 0)
        problem(sc, n, "<%s> unit must be months or years, not \"%s\"",
                ename(n), u);
    else if (u)
        *unit = u;
}

static void read_followup(study_ctx *sc, xnode *n, mp_outcome *o)
{
    static const int allowed[] = { K_median, K_unit, K_NONE };
    check_attributes(sc, n, allowed);
    mp_number m;
    if (duration_attr(sc, n, K_median, &m))
        o->followup_median = m.value;
    unit_attr(sc, n, &o->followup_unit);
}

/* <median-survival experimental= control= [unit=]>: display and
 * cross-check only (mp_crosscheck.h). */
static void read_median_survival(study_ctx *sc, xnode *n, mp_outcome *o)
{
    static const int allowed[] = { K_experimental, K_control, K_unit, K_NONE };
    check_attributes(sc, n, allowed);
    int ok = duration_attr(sc, n, K_experimental, &o->median_exp);
    ok &= duration_attr(sc, n, K_control, &o->median_ctl);
    unit_attr(sc, n, &o->median_unit);
    o->median_line = ok ? n->line : 0;
}

static void read_outcome(study_ctx *sc, xnode *n, mp_outcome *o)
{
    static const int allowed[] = { K_name, K_NONE };
    check_attributes(sc, n, allowed);
    CLEAR(o);
    o->line = n->line;
    o->events_exp = o->events_ctl = -1;
    o->followup_median = NAN;
    o->followup_unit = "months";
    o->median_unit = "months";
    o->name = req_attr(sc, n, K_name);
    if (o->name && !*o->name)
        problem(sc, n, "<outcome> name is empty");
    int effects = 0, unknown = 0;
    const void *events = NULL, *followup = NULL, *median = NULL;
    for (xnode *c = n->children; c; c = c->next) {
        if (stray_text(sc, n, c) || !c->elem)
            continue;
        if (read_effect(sc, c, &o->effect)) {
            if (++effects == 2)
                problem(sc, c, "<outcome name=\"%s\"> has more than one effect element",
                        o->name ? o->name : "");
        } else if (is(c, K_events)) {
            if (once(sc, c, events))
                read_events(sc, c, o);
            events = c;
        } else if (is(c, K_followup)) {
            if (once(sc, c, followup))
                read_followup(sc, c, o);
            followup = c;
        } else if (is(c, K_median_survival)) {
            if (once(sc, c, median))
                read_median_survival(sc, c, o);
            median = c;
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

static void read_publication(study_ctx *sc, xnode *n, mp_publication *p)
{
    static const int allowed[] = { K_year, K_doi, K_pmid, K_NONE };
    check_attributes(sc, n, allowed);
    p->line = n->line;
    p->year = 0;
    year_attr(sc, n, K_year, 1, &p->year);
    p->doi = attr(sc, n, K_doi);
    if (p->doi && !mp_text_is_doi(p->doi))
        problem(sc, n, "<publication> doi \"%s\" is not of the form 10.NNNN/...",
                p->doi);
    const char *pmid = attr(sc, n, K_pmid);
    long dummy;
    if (pmid && (!mp_text_parse_count(pmid, &dummy) || dummy < 1))
        problem(sc, n, "<publication> pmid \"%s\" is not a PubMed identifier", pmid);
    p->citation = text_of(sc, n, 1);
}

static void read_arm(study_ctx *sc, xnode *n)
{
    static const int allowed[] = { K_role, K_n, K_NONE };
    check_attributes(sc, n, allowed);
    const char *role = req_attr(sc, n, K_role);
    long count = -1;
    count_attr(sc, n, K_n, 0, 1, &count);
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

static void read_arms(study_ctx *sc, xnode *n)
{
    check_attributes(sc, n, (const int[]){ K_NONE });
    for (xnode *c = n->children; c; c = c->next) {
        if (stray_text(sc, n, c) || !c->elem)
            continue;
        if (is(c, K_arm))
            read_arm(sc, c);
        else
            unknown_element(sc, c, n);
    }
}

static void read_covariate(study_ctx *sc, xnode *n, mp_covariate *cv)
{
    static const int allowed[] = { K_name, K_value, K_NONE };
    check_attributes(sc, n, allowed);
    cv->line = n->line;
    cv->name = req_attr(sc, n, K_name);
    cv->value = req_attr(sc, n, K_value);
    if (cv->name && !*cv->name)
        problem(sc, n, "<covariate> name is empty");
    if (cv->value && !*cv->value)
        problem(sc, n, "<covariate> value is empty");
}

static void read_accrual(study_ctx *sc, xnode *n)
{
    static const int allowed[] = { K_from, K_to, K_NONE };
    check_attributes(sc, n, allowed);
    year_attr(sc, n, K_from, 0, &sc->s.accrual_from);
    year_attr(sc, n, K_to, 0, &sc->s.accrual_to);
    if (sc->s.accrual_from && sc->s.accrual_to &&
        sc->s.accrual_from > sc->s.accrual_to)
        problem(sc, n, "<accrual> from %d is after to %d", sc->s.accrual_from,
                sc->s.accrual_to);
}

static void read_design(study_ctx *sc, xnode *n)
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
    (grow(&(sc)->a->arr, &(sc)->a->cap, (sc)->s.count, sizeof *(sc)->a->arr) \
         ? &(sc)->a->arr[(sc)->s.count++] : ((sc)->oom = 1, NULL))

/* Text elements that appear once: where each one's value goes. */
static const char **single_text(study_ctx *sc, xnode *c)
{
    if (is(c, K_title))
        return &sc->s.title;
    if (is(c, K_country))
        return &sc->s.country;
    if (is(c, K_notes))
        return &sc->s.notes;
    return NULL;
}

static void read_child(study_ctx *sc, xnode *n, xnode *c,
                       const void **seen_accrual, const void **seen_arms)
{
    const char **slot = single_text(sc, c);
    if (slot) {
        if (once(sc, c, *slot))
            *slot = text_of(sc, c, 1);
        if (!*slot)
            *slot = "";
    } else if (is(c, K_design)) {
        if (once(sc, c, sc->s.design))
            read_design(sc, c);
        if (!sc->s.design)
            sc->s.design = "";
    } else if (is(c, K_registration)) {
        const char *t = text_of(sc, c, 1);
        const char **r = PUSH(sc, regs, n_registrations, cap_regs);
        if (r)
            *r = t ? t : "";
    } else if (is(c, K_accrual)) {
        if (once(sc, c, *seen_accrual))
            read_accrual(sc, c);
        *seen_accrual = c;
    } else if (is(c, K_publication)) {
        mp_publication *p = PUSH(sc, pubs, n_publications, cap_pubs);
        if (p)
            read_publication(sc, c, p);
    } else if (is(c, K_arms)) {
        if (once(sc, c, *seen_arms))
            read_arms(sc, c);
        *seen_arms = c;
    } else if (is(c, K_covariate)) {
        mp_covariate *cv = PUSH(sc, covs, n_covariates, cap_covs);
        if (cv)
            read_covariate(sc, c, cv);
    } else if (is(c, K_outcome)) {
        mp_outcome *o = PUSH(sc, outs, n_outcomes, cap_outs);
        if (o)
            read_outcome(sc, c, o);
    } else {
        unknown_element(sc, c, n);
    }
}

typedef struct {
    const char *name;
    size_t i;
} named;

static int by_name_then_index(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Every outcome whose name an earlier one has, reported in document order
 * with the line of the first; by sorting, so that a study of thousands of
 * outcomes costs n log n comparisons, not n^2. */
static void check_outcome_names(study_ctx *sc, const char *id)
{
    const mp_outcome *outs = sc->a->outs;
    size_t n = sc->s.n_outcomes, m = 0;
    if (n < 2)
        return;
    named *v = arena_alloc(sc->ar, n * sizeof *v, sizeof(void *));
    size_t *first = arena_alloc(sc->ar, n * sizeof *first, sizeof(void *));
    if (!v || !first) {
        sc->oom = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        first[i] = SIZE_MAX;
        if (outs[i].name)
            v[m++] = (named){ outs[i].name, i };
    }
    qsort(v, m, sizeof *v, by_name_then_index);
    /* in a run of equal names the first in the run came first */
    for (size_t r = 1, run = 0; r < m; r++) {
        if (strcmp(v[r].name, v[run].name) != 0)
            run = r;
        else
            first[v[r].i] = v[run].i;
    }
    for (size_t i = 0; i < n; i++)
        if (first[i] != SIZE_MAX) {
            mp_errors_add(sc->f->err, sc->f->name, outs[i].line,
                          "outcome \"%s\" appears twice in study \"%s\" "
                          "(first at line %ld)", outs[i].name, id,
                          outs[first[i]].line);
            sc->bad = 1;
        }
}

/* Checks that need the whole study. */
static void check_study(study_ctx *sc, xnode *n)
{
    mp_study *s = &sc->s;
    const char *id = s->id ? s->id : "";
    char who[96] = "";
    if (!s->title || !s->design || s->n_publications == 0 || s->n_outcomes == 0) {
        if (s->id)
            snprintf(who, sizeof who, "study \"%.80s\"", s->id);
        else
            strcpy(who, "the study");
    }
    if (!s->title)
        problem(sc, n, "%s has no <title>", who);
    if (!s->design)
        problem(sc, n, "%s has no <design>", who);
    if (s->n_publications == 0)
        problem(sc, n, "%s has no <publication>", who);
    if (s->n_outcomes == 0)
        problem(sc, n, "%s has no <outcome>", who);
    for (size_t i = 0; i < s->n_publications; i++)
        if (sc->a->pubs[i].year > s->year)
            s->year = sc->a->pubs[i].year;
    check_outcome_names(sc, id);
}

static void check_format(study_ctx *sc, xnode *n, int required)
{
    const char *fmt = required ? req_attr(sc, n, K_format) : attr(sc, n, K_format);
    if (fmt && strcmp(fmt, "1") != 0)
        problem(sc, n, "unsupported format \"%s\" (this metapool reads format 1)", fmt);
}

/* Check one <study> subtree and hand it to the callback when valid. */
static mp_status read_study(file_ctx *f, xnode *n, int in_collection)
{
    static const int allowed[] = { K_id, K_format, K_NONE };
    mp_reader *r = f->r;
    study_ctx sc;
    CLEAR(&sc);
    sc.f = f;
    sc.ar = &r->arena;
    sc.a = &r->arrays;
    sc.s.file = f->name;
    sc.s.line = n->line;
    sc.s.n_exp = sc.s.n_ctl = -1;
    check_attributes(&sc, n, allowed);
    check_format(&sc, n, !in_collection);
    sc.s.id = req_attr(&sc, n, K_id);
    if (sc.s.id && !mp_text_is_id(sc.s.id))
        problem(&sc, n, "study id \"%s\" must match [a-z0-9][a-z0-9-]*", sc.s.id);
    const void *seen_accrual = NULL, *seen_arms = NULL;
    for (xnode *c = n->children; c && !sc.oom; c = c->next) {
        if (c->elem)
            read_child(&sc, n, c, &seen_accrual, &seen_arms);
        else
            stray_text(&sc, n, c);
    }
    check_study(&sc, n);
    mp_status st = MP_OK;
    if (sc.oom) {
        st = MP_ENOMEM;
    } else if (!sc.bad) {
        sc.s.registrations = sc.a->regs;
        sc.s.publications = sc.a->pubs;
        sc.s.covariates = sc.a->covs;
        sc.s.outcomes = sc.a->outs;
        st = f->fn(&sc.s, f->ctx);
        if (st != MP_OK)
            f->cb_status = st;
    }
    return st;
}

/* Handle a <studies> root's attributes. */
static mp_status read_collection_root(file_ctx *f, xnode *n)
{
    study_ctx sc;
    CLEAR(&sc);
    sc.f = f;
    sc.ar = &f->r->arena;
    check_attributes(&sc, n, (const int[]){ K_format, K_NONE });
    check_format(&sc, n, 1);
    /* A collection in an unknown format is not read at all. */
    return sc.oom ? MP_ENOMEM : sc.bad ? MP_EINPUT : MP_OK;
}

/* ---- stopping -------------------------------------------------------------------- */

/* Nothing more is read (or reported) from this file. */
static void halt(file_ctx *f, mp_status st)
{
    if (f->stop)
        return;
    f->stop = 1;
    f->st = st;
    if (f->px)
        xmlStopParser(f->px);
}

/* Bytes of the document parsed so far (after decoding to UTF-8). */
static size_t parse_pos(const file_ctx *f)
{
    const xmlParserInputPtr in = f->px ? f->px->input : NULL;
    return in ? (size_t)in->consumed + (size_t)(in->cur - in->base) : 0;
}

/* A study's tree is held in memory until its end tag: one longer than
 * max_study (len bytes so far, started at line) ends reading (1 when it
 * did). */
static int over_study_limit(file_ctx *f, size_t len, long line)
{
    size_t max = f->r->opt.max_study;
    if (len <= max)
        return 0;
    mp_errors_add_always(f->err, f->name, line, "<study> is longer than %zu "
                         "bytes, the limit per study", max);
    halt(f, MP_ELIMIT);
    return 1;
}

/* The same for the study being built. */
static int study_too_long(file_ctx *f)
{
    return f->study &&
           over_study_limit(f, parse_pos(f) - f->study_start, f->study->line);
}

/* ---- diagnostics of the parse ---------------------------------------------------- */

/* A parser error (libxml2's, or one of its tree builder that this reader
 * repeats).  The first is reported ("malformed XML: msg" when it is about
 * the syntax); a fatal one ends reading, so its message (which may be one
 * of libxml2's own limits, such as a text node of 10 MB) is added past the
 * cap of err. */
static void report_parse(file_ctx *f, long line, int syntax, const char *msg,
                         int fatal)
{
    if (!f->parse_failed) {
        f->parse_failed = 1;
        (fatal ? mp_errors_add_always : mp_errors_add)(f->err, f->name, line,
                                                       "%s%s", syntax ?
                                                       "malformed XML: " : "",
                                                       msg);
    }
    if (fatal) {
        f->fatal = 1;
        halt(f, MP_EINPUT);
    }
}

/* The same, about the syntax. */
static void parse_problem(file_ctx *f, long line, const char *msg, int fatal)
{
    report_parse(f, line, 1, msg, fatal);
}

/* A diagnostic about the document's root or a child of <studies>.  With
 * halt_after, nothing after it is read. */
static void root_problem(file_ctx *f, int halt_after, long line,
                         const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void root_problem(file_ctx *f, int halt_after, long line,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_errors_vadd(f->err, f->name, line, fmt, ap);
    va_end(ap);
    if (halt_after)
        halt(f, MP_EINPUT);
}

/* ---- the parser's events ------------------------------------------------------- */

/* libxml2's limit on one text node (without XML_PARSE_HUGE), which its
 * tree builder enforces; the same limit applies here. */
#ifndef XML_MAX_TEXT_LENGTH
#define XML_MAX_TEXT_LENGTH 10000000
#endif

/* The parser's line (xmlSAX2GetLineNumber), as libxml2's tree builder
 * dates its nodes. */
static long parser_line(const file_ctx *f)
{
    return f->px && f->px->input ? f->px->input->line : 1;
}

/* The line of the first non-blank character of a piece of text, -1 when it
 * has none.  libxml2 hands CDATA to the SAX handler before counting its
 * lines, other text after. */
static long first_nonblank_line(const file_ctx *f, const char *ch, size_t len,
                                int cdata)
{
    size_t i = 0;
    while (i < len && is_blank((unsigned char)ch[i]))
        i++;
    if (i == len)
        return -1;
    long line = parser_line(f);
    return cdata ? line + count_newlines(ch, i) : line - count_newlines(ch + i, len - i);
}

/* The end of a text run: report one directly in <studies> if not blank. */
static void close_text(file_ctx *f)
{
    if (!f->run_open)
        return;
    if (f->rt_nonblank)
        root_problem(f, 0, f->rt_line, "%s", "unexpected text in <studies>");
    f->run_open = 0;
    f->run_len = 0;
    f->rt_nonblank = 0;
    f->text = NULL;
}

static void text_piece(file_ctx *f, const char *ch, size_t len, int cdata)
{
    if (f->stop)
        return;
    if (f->run_open && f->run_len + len > XML_MAX_TEXT_LENGTH) {
        /* what libxml2's tree builder reported (xmlSAX2Text); it stopped
         * the parser */
        parse_problem(f, parser_line(f), "xmlSAX2Characters: huge text node", 1);
        return;
    }
    f->run_open = 1;
    f->run_len += len;
    if (f->skipping || f->depth == 0)
        return;
    if (!f->study) {
        /* directly in <studies> */
        if (!f->rt_nonblank) {
            long line = first_nonblank_line(f, ch, len, cdata);
            if (line >= 0) {
                f->rt_nonblank = 1;
                f->rt_line = line;
            }
        }
        return;
    }
    if (study_too_long(f))
        return;
    arena *a = &f->r->arena;
    xnode *t = f->text;
    if (!t) {
        t = arena_alloc(a, sizeof *t, sizeof(void *));
        if (!t) {
            halt(f, MP_ENOMEM);
            return;
        }
        node_init(t, f->cur);
        f->text = t;
    }
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : len + 1;
        if (cap < t->len + len + 1)
            cap = t->len + len + 1;
        char *s = arena_alloc(a, cap, 1);
        if (!s) {
            halt(f, MP_ENOMEM);
            return;
        }
        if (t->len)
            memcpy(s, t->text, t->len);
        t->text = s;
        t->cap = cap;
    }
    size_t at = t->len;
    unsigned char *w = (unsigned char *)t->text + at;
    int spaced = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)ch[i];
        w[i] = c;
        spaced |= is_blank(c);
    }
    w[len] = '\0';
    t->len += len;
    if (spaced)
        t->spaced = 1;
    if (!t->nonblank) {
        size_t i = 0;
        if (spaced)
            while (i < len && is_blank(w[i]))
                i++;
        if (i < len) {
            t->nonblank = 1;
            t->cdata = (unsigned char)cdata;
            t->line = parser_line(f);
            t->piece = at;
            t->nonblank_at = at + i;
            t->piece_end = at + len;
        }
    }
}

static void on_characters(void *ud, const xmlChar *ch, int len)
{
    text_piece(ud, (const char *)ch, (size_t)len, 0);
}

static void on_cdata(void *ud, const xmlChar *ch, int len)
{
    text_piece(ud, (const char *)ch, (size_t)len, 1);
}

/* Comments and processing instructions are ignored, but they end a text
 * run as they separate two text nodes in libxml2's tree. */
static void on_comment(void *ud, const xmlChar *value)
{
    (void)value;
    file_ctx *f = ud;
    if (!f->stop)
        close_text(f);
}

static void on_pi(void *ud, const xmlChar *target, const xmlChar *data)
{
    (void)target;
    (void)data;
    file_ctx *f = ud;
    if (!f->stop)
        close_text(f);
}

/* Normally unreachable: the byte scan refuses "<!DOCTYPE" first.  In an
 * encoding it cannot see (UTF-16, say) the parser meets the declaration;
 * it is refused before its internal subset is read. */
static void on_internal_subset(void *ud, const xmlChar *name,
                               const xmlChar *external_id,
                               const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    file_ctx *f = ud;
    if (f->stop)
        return;
    root_problem(f, 1, parser_line(f), "%s", doctype_message);
}

static void on_entity_decl(void *ud, const xmlChar *name, int type,
                           const xmlChar *public_id, const xmlChar *system_id,
                           xmlChar *content)
{
    (void)name;
    (void)type;
    (void)public_id;
    (void)system_id;
    (void)content;
    on_internal_subset(ud, NULL, NULL, NULL);
}

/* A copy of an attribute value in the arena; *spaced tells whether it
 * holds whitespace.  Without entity substitution libxml2 passes an '&' of
 * the value as "&#38;" (its tree builder turns it back into '&'); every
 * '&' in the value is such a reference. */
static char *copy_value(arena *a, const xmlChar *value, const xmlChar *end,
                        unsigned char *spaced)
{
    size_t len = (size_t)(end - value);
    char *v = arena_alloc(a, len + 1, 1);
    if (!v)
        return NULL;
    char *w = v;
    int sp = 0;
    for (const xmlChar *s = value; s < end;) {
        xmlChar c = *s;
        sp |= c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (c == '&' && end - s >= 5 && memcmp(s, "&#38;", 5) == 0) {
            *w++ = '&';
            s += 5;
        } else {
            *w++ = (char)c;
            s++;
        }
    }
    *w = '\0';
    *spaced = (unsigned char)sp;
    return v;
}

/* "prefix:local" from the parser's dictionary, as libxml2's tree builder
 * names an element or attribute whose prefix is bound to no namespace. */
static const char *qname(file_ctx *f, const xmlChar *prefix,
                         const xmlChar *local)
{
    if (!prefix)
        return (const char *)local;
    return (const char *)xmlDictQLookup(f->px->dict, prefix, local);
}

/* The name of open element i (i < MAX_OPEN), "prefix:local" when it has a
 * prefix. */
static const char *open_name(file_ctx *f, int i)
{
    const open_element *o = &f->open[i];
    const char *q = qname(f, (const xmlChar *)o->prefix,
                          (const xmlChar *)o->local);
    return q ? q : o->local;
}

static xnode *new_element(file_ctx *f, xnode *parent, const xmlChar *local,
                          const xmlChar *prefix, const xmlChar *uri,
                          int n_attrs, const xmlChar **attrs, long line)
{
    arena *a = &f->r->arena;
    size_t na = n_attrs > 0 ? (size_t)n_attrs : 0;
    xnode *n = arena_alloc(a, sizeof *n + na * sizeof(xattr), sizeof(void *));
    if (!n)
        return NULL;
    node_init(n, parent);
    n->elem = 1;
    n->ns = uri != NULL;
    n->prefix = uri ? (const char *)prefix : NULL;
    n->name = uri ? (const char *)local : qname(f, prefix, local);
    if (!n->name)
        return NULL;
    n->key = key_of(&f->keys, n->name);
    n->line = line;
    n->attrs = (xattr *)(n + 1);
    n->n_attrs = na;
    for (size_t i = 0; i < na; i++) {
        const xmlChar **at = attrs + 5 * i;
        xattr *x = &n->attrs[i];
        x->ns = at[2] != NULL;
        x->name = at[2] ? (const char *)at[0] : qname(f, at[1], at[0]);
        if (!x->name)
            return NULL;
        x->key = key_of(&f->keys, x->name);
        x->too_long = 0;
        x->value = copy_value(a, at[3], at[4], &x->spaced);
        if (!x->value)
            return NULL;
    }
    return n;
}

/* Bytes of the attributes of a start tag as written (' name="value"',
 * with the value as decoded; a prefix is not counted), about what
 * new_element copies of them. */
static size_t attr_bytes(int n_attrs, const xmlChar **attrs)
{
    size_t n = 0;
    for (int i = 0; i < n_attrs; i++)
        n += strlen((const char *)attrs[5 * i]) + sizeof " =\"\"" - 1 +
             (size_t)(attrs[5 * i + 4] - attrs[5 * i + 3]);
    return n;
}

/* libxml2's tree builder checks xml:id attributes: an NCName, unique in
 * the document; either problem is an error that is not fatal. */
static void xml_id(file_ctx *f, const xmlChar *value, const xmlChar *end,
                   long line)
{
    xmlChar *v = xmlStrndup(value, (int)(end - value));
    if (!v) {
        halt(f, MP_ENOMEM);
        return;
    }
    char msg[512];
    if (xmlValidateNCName(v, 1) != 0) {
        snprintf(msg, sizeof msg, "xml:id : attribute value %s is not an NCName",
                 (const char *)v);
        parse_problem(f, line, msg, 0);
    }
    /* libxml2's hash table stops growing at 16384 buckets: past a few
     * thousand ids every insertion walks a long chain (2 million took a
     * minute), so an input may hold only so many. */
    size_t max = f->r->opt.max_ids;
    if (*v && f->ids && (size_t)xmlHashSize(f->ids) >= max) {
        mp_errors_add_always(f->err, f->name, line, "more than %zu xml:id "
                             "attributes, the limit per input", max);
        xmlFree(v);
        halt(f, MP_ELIMIT);
        return;
    }
    if (*v) {
        if (!f->ids)
            f->ids = xmlHashCreate(16);
        if (!f->ids) {
            xmlFree(v);
            halt(f, MP_ENOMEM);
            return;
        }
        if (xmlHashAddEntry(f->ids, v, f) != 0) {
            snprintf(msg, sizeof msg, "ID %s already defined", (const char *)v);
            parse_problem(f, line, msg, 0);
        }
    }
    xmlFree(v);
}

static void on_start(void *ud, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int n_ns, const xmlChar **ns,
                     int n_attrs, int n_defaulted, const xmlChar **attrs)
{
    (void)n_ns;
    (void)ns;
    (void)n_defaulted;
    file_ctx *f = ud;
    if (f->stop)
        return;
    long line = parser_line(f);
    for (int i = 0; i < n_attrs; i++)
        if (attrs[5 * i + 1] && attrs[5 * i][0] == 'i' &&
            strcmp((const char *)attrs[5 * i], "id") == 0 &&
            strcmp((const char *)attrs[5 * i + 1], "xml") == 0)
            xml_id(f, attrs[5 * i + 3], attrs[5 * i + 4], line);
    if (f->stop)
        return;
    close_text(f);
    int depth = f->depth++;
    if (depth < MAX_OPEN)
        f->open[depth] = (open_element){ (const char *)local,
                                         (const char *)prefix, line };
    if (f->skipping)
        return;
    if (study_too_long(f))
        return;
    if (f->study) {
        xnode *n = new_element(f, f->cur, local, prefix, uri, n_attrs, attrs,
                               line);
        if (!n) {
            halt(f, MP_ENOMEM);
            return;
        }
        f->cur = n;
        return;
    }
    /* The root, or a child of <studies>: named "prefix:local" when its prefix
     * is unbound (as libxml2 names it). */
    const char *name = qname(f, prefix, local);
    if (!name) {
        halt(f, MP_ENOMEM);
        return;
    }
    if (depth <= f->collection && uri) {
        root_problem(f, 1, line, "<%s> is in namespace %s; study descriptors "
                     "use no namespace", name, (const char *)uri);
        return;
    }
    if (depth == 0 && strcmp(name, "studies") == 0) {
        f->collection = 1;
        xnode *n = new_element(f, NULL, local, prefix, uri, n_attrs, attrs,
                               line);
        mp_status st = n ? read_collection_root(f, n) : MP_ENOMEM;
        arena_reset(&f->r->arena);
        if (st != MP_OK)
            halt(f, st);
        return;
    }
    if (depth == 0 && strcmp(name, "COCHRANE_REVIEW") == 0) {
        root_problem(f, 1, 0, "%s", mp_xml_revman_message);
        return;
    }
    if (depth == 0 && strcmp(name, "study") != 0) {
        root_problem(f, 1, line, "root element is <%s>; expected <study> or "
                     "<studies>", name);
        return;
    }
    if (depth == f->collection && strcmp(name, "study") == 0) {
        /* Its start tag counts too: its attributes are copied. */
        size_t pos = parse_pos(f), tag = attr_bytes(n_attrs, attrs);
        f->study_start = pos - (tag < pos ? tag : pos);
        if (over_study_limit(f, pos - f->study_start, line))
            return;
        xnode *n = new_element(f, NULL, local, prefix, uri, n_attrs, attrs,
                               line);
        if (!n) {
            halt(f, MP_ENOMEM);
            return;
        }
        f->study = f->cur = n;
        f->study_depth = depth;
        return;
    }
    /* depth 1 in a collection: reported, its content ignored */
    root_problem(f, 0, line, "unknown element <%s> in <studies>", name);
    f->skipping = 1;
    f->skip_at = depth;
}

static void on_end(void *ud, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri)
{
    (void)local;
    (void)prefix;
    (void)uri;
    file_ctx *f = ud;
    if (f->stop)
        return;
    close_text(f);
    int depth = --f->depth;
    if (depth == 0)
        f->root = open_name(f, 0);
    if (f->skipping) {
        if (depth == f->skip_at)
            f->skipping = 0;
        return;
    }
    if (!f->study)
        return;
    if (depth > f->study_depth) {
        f->cur = f->cur->parent;
        return;
    }
    /* the study is complete: check it, hand it over, reuse its memory */
    xnode *study = f->study;
    f->study = f->cur = NULL;
    mp_status st = read_study(f, study, f->collection);
    arena_reset(&f->r->arena);
    if (st == MP_ENOMEM || f->cb_status != MP_OK)
        halt(f, st);
}

/* What a message of the parser's may say of where it erred. */
static void where_of(file_ctx *f, mp_xml_where *w)
{
    w->open = NULL;
    w->open_line = 0;
    w->root = f->root;
    w->declared = f->px && f->px->encoding;
    int i = f->depth - 1;
    if (i >= 0 && i < MAX_OPEN) {
        w->open = open_name(f, i);
        w->open_line = f->open[i].line;
    } else if (i >= 0 && f->px && f->px->nameNr > 0) {
        w->open = (const char *)f->px->nameTab[f->px->nameNr - 1];
    }
}

/* Parser errors: the first is reported, in plain words (mp_xml_message).
 * A fatal one (or any that leaves the document not well-formed) ends
 * reading; after an error that is not fatal (a namespace error: an
 * undeclared prefix) reading goes on. */
static void on_parse_error(void *arg, xmlErrorPtr e)
{
    file_ctx *f = arg;
    if (e->level == XML_ERR_WARNING || f->stop ||
        e->domain == XML_FROM_RELAXNGV || e->domain == XML_FROM_RELAXNGP)
        return;
    mp_xml_where w;
    where_of(f, &w);
    char msg[512];
    int syntax = mp_xml_message(e, &w, msg, sizeof msg);
    report_parse(f, e->line, syntax, msg,
                 e->level == XML_ERR_FATAL || (f->px && !f->px->wellFormed));
}

static void sax_handler(xmlSAXHandler *h)
{
    memset(h, 0, sizeof *h);
    h->initialized = XML_SAX2_MAGIC;
    h->startElementNs = on_start;
    h->endElementNs = on_end;
    h->characters = on_characters;
    h->ignorableWhitespace = on_characters;
    h->cdataBlock = on_cdata;
    h->comment = on_comment;
    h->processingInstruction = on_pi;
    h->internalSubset = on_internal_subset;
    h->externalSubset = on_internal_subset;
    h->entityDecl = on_entity_decl;
    h->serror = on_parse_error;
}

/* ---- the first pass: our own checks --------------------------------------------- */

/* libxml2 parser options: never the network, never a DTD, never entity
 * substitution; line numbers beyond 65535 kept. */
static const int sax_options = XML_PARSE_NONET | XML_PARSE_BIG_LINES;

enum {
    CHUNK = 1 << 16,            /* bytes parsed at a time */
    HOLD = 8                    /* strlen("<!DOCTYPE") - 1 */
};

/* The first "<!DOCTYPE" in b[0..n), or NULL.  '!' is rare in study
 * descriptors, so it is the byte to look for. */
static const char *find_doctype(const char *b, size_t n)
{
    const char *end = b + n;
    for (const char *p = b + 1; p < end; p++) {
        p = memchr(p, '!', (size_t)(end - p));
        if (!p)
            break;
        if (p[-1] == '<' && end - p >= 8 && memcmp(p + 1, "DOCTYPE", 7) == 0)
            return p - 1;
    }
    return NULL;
}

/* Give n bytes (n <= CHUNK + HOLD) to the parser, creating it with the
 * first four (for the encoding to be detected from them), line ends
 * written LF (see eol_rewrite); terminate: they end the input. */
static int feed(file_ctx *f, const char *b, size_t n, int terminate)
{
    if (!f->px)
        /* line ends are rewritten where a byte 0x0D is always a CR */
        f->eol = mp_xml_ascii_compatible(b, n);
    if (f->eol && eol_needed(b, n, f->cr)) {
        if (!f->eol_buf && !(f->eol_buf = malloc(CHUNK + HOLD)))
            return 0;
        n = eol_rewrite(f->eol_buf, b, n, &f->cr);
        b = f->eol_buf;
    } else if (n > 0) {
        f->cr = 0;
    }
    if (!f->px) {
        xmlSAXHandler h;
        sax_handler(&h);
        size_t first = n < 4 ? 0 : 4;
        f->px = xmlCreatePushParserCtxt(&h, f, first ? b : NULL, (int)first,
                                        f->name);
        if (!f->px)
            return 0;
        xmlCtxtUseOptions(f->px, sax_options);
        if (!key_table_init(&f->keys, f->px->dict))
            return 0;
        b += first;
        n -= first;
    }
    if (n > 0 || terminate)
        xmlParseChunk(f->px, b, (int)n, terminate);
    if (!f->stop && !f->px->wellFormed) {
        /* not well-formed without a fatal error reported: end here */
        f->fatal = 1;
        halt(f, MP_EINPUT);
    }
    return 1;
}

/* The input of the first pass: a file descriptor or memory.  keep, when
 * not NULL, receives a copy of what is read from the descriptor. */
typedef struct {
    char *b;
    size_t n, cap;
    int failed;
} byte_buf;

static void keep_bytes(byte_buf *k, const char *b, size_t n)
{
    if (k->failed || n == 0)
        return;
    if (k->n + n > k->cap) {
        size_t cap = k->cap ? k->cap : CHUNK;
        while (cap < k->n + n)
            cap *= 2;
        char *q = realloc(k->b, cap);
        if (!q) {
            k->failed = 1;
            return;
        }
        k->b = q;
        k->cap = cap;
    }
    memcpy(k->b + k->n, b, n);
    k->n += n;
}

/* An input that is not XML at all (empty, a table, an archive; b[0..n)
 * being its first bytes) is said to be what it is, and not read: 1. */
static int not_xml(file_ctx *f, const char *b, size_t n, int eof)
{
    char msg[512];
    if (!mp_xml_sniff(b, n, eof, msg, sizeof msg))
        return 0;
    mp_errors_add(f->err, f->name, 0, "%s", msg);
    halt(f, MP_EINPUT);
    return 1;
}

/* Read the input in chunks of CHUNK bytes and parse them; refuse it at a
 * "<!DOCTYPE" or past max_bytes, after parsing what comes before.  HOLD
 * bytes beyond a chunk are read with it for a "<!DOCTYPE" across two
 * chunks to be seen whole. */
static mp_status first_pass(file_ctx *f, source *src, byte_buf *keep)
{
    char *buf = NULL;
    if (src->fd >= 0) {
        buf = malloc(CHUNK + HOLD);
        if (!buf)
            return MP_ENOMEM;
    }
    size_t have = 0;            /* descriptor: bytes in buf */
    size_t fed = 0;             /* bytes given to the parser */
    long lines = 0;             /* line ends in them */
    int cr = 0;                 /* the last of them was a CR */
    mp_status st = MP_OK;
    for (;;) {
        const char *data;
        size_t avail;
        int eof = 0, over = 0;
        if (src->fd >= 0) {
            while (have < CHUNK + HOLD) {
                ssize_t got;
                do
                    got = read(src->fd, buf + have, CHUNK + HOLD - have);
                while (got < 0 && errno == EINTR);
                if (got < 0) {
                    src->refused = 3;
                    src->err_no = errno;
                    goto done;
                }
                if (got == 0) {
                    eof = 1;
                    break;
                }
                src->total += (size_t)got;
                if (keep)
                    keep_bytes(keep, buf + have, (size_t)got);
                have += (size_t)got;
                if (src->total > src->max_bytes) {
                    over = 1;
                    break;
                }
            }
            data = buf;
            avail = have;
        } else {
            avail = src->mem_len - fed;
            if (avail <= CHUNK + HOLD)
                eof = 1;
            else
                avail = CHUNK + HOLD;
            src->total = fed + avail;
            over = src->total > src->max_bytes;
            data = src->mem + fed;
        }
        if (fed == 0 && not_xml(f, data, avail, eof))
            break;
        size_t give = avail < CHUNK || eof ? avail : CHUNK;
        int refuse = 0;
        if (over && src->max_bytes - fed <= give) {
            give = src->max_bytes - fed;
            refuse = 2;
            eof = 0;
        }
        const char *d = find_doctype(data, avail);
        if (d && (size_t)(d - data) < give) {
            give = (size_t)(d - data);
            refuse = 1;
            src->refused_line = 1 + lines + count_line_ends(data, give, &cr);
            eof = 0;
        }
        if (!feed(f, data, give, eof)) {
            st = MP_ENOMEM;
            break;
        }
        if (refuse && !f->stop)
            src->refused = refuse;
        if (eof || f->stop || refuse)
            break;
        lines += count_line_ends(data, give, &cr);
        if (src->fd >= 0) {
            memmove(buf, buf + give, avail - give);
            have = avail - give;
        }
        fed += give;
    }
done:
    free(buf);
    return st;
}

/* ---- the second pass: the schema ------------------------------------------------- */

static const char doctype[] = "<!DOCTYPE";

/* Scan n bytes; 0 when the document must be refused. */
static int source_scan(source *s, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        s->line += b[i] == '\r' || (b[i] == '\n' && !s->cr);
        s->cr = b[i] == '\r';
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

/* Up to len bytes as they are in the input (scanned, counted): their
 * number, 0 at its end, -1 when it is refused. */
static int source_read_raw(source *s, char *buf, int len)
{
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

/* The reader's input callback: the bytes with their line ends written LF
 * as in the first pass (a piece that was only the LF of a CR LF gives
 * nothing, and the next is read). */
static int source_read(void *ctx, char *buf, int len)
{
    source *s = ctx;
    for (;;) {
        int n = source_read_raw(s, buf, len);
        if (n <= 0 || !s->eol)
            return n;
        size_t w = eol_rewrite(buf, buf, (size_t)n, &s->eol_cr);
        if (w > 0)
            return (int)w;
    }
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
        mp_errors_add_always(f->err, f->name, 0, "larger than %zu bytes, the "
                             "limit per input", s->max_bytes);
    else if (s->refused == 3)
        mp_errors_add(f->err, f->name, 0, "cannot read: %s", strerror(s->err_no));
}

/* Only the schema's findings count in this pass; the document parsed
 * cleanly in the first. */
static void on_schema_error(void *arg, xmlErrorPtr e)
{
    file_ctx *f = arg;
    if (e->level == XML_ERR_WARNING)
        return;
    if (e->domain == XML_FROM_RELAXNGV || e->domain == XML_FROM_RELAXNGP) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", e->message ? e->message : "error");
        mp_text_chomp(msg);
        mp_errors_add(&f->schema_diags, f->name, e->line,
                      "does not match the schema: %s", msg);
    }
}

/* xmlTextReader options of the schema pass (as the reader always had). */
static const int reader_options = XML_PARSE_NONET | XML_PARSE_BIG_LINES |
                                  XML_PARSE_NOCDATA | XML_PARSE_COMPACT;

/* Validate src against the schema, streaming; the findings go to
 * f->schema_diags.  Returns xmlTextReaderIsValid's answer, or -2 when
 * memory runs out. */
static int schema_pass(file_ctx *f, source *src)
{
    src->line = 1;
    xmlTextReaderPtr rd = xmlReaderForIO(source_read, source_close, src, f->name,
                                         NULL, reader_options);
    if (!rd)
        return -2;
    xmlTextReaderSetStructuredErrorHandler(rd, on_schema_error, f);
    if (xmlTextReaderRelaxNGSetSchema(rd, f->r->schema) != 0) {
        xmlFreeTextReader(rd);
        return -2;
    }
    while (xmlTextReaderRead(rd) == 1)
        ;
    int valid = xmlTextReaderIsValid(rd);
    xmlFreeTextReader(rd);
    return valid;
}

/* ---- one input ----------------------------------------------------------------------- */

/* Read one input.  rewind, when not NULL, prepares src for the schema pass
 * (returns 0 when it cannot); keep holds the bytes of a descriptor that
 * cannot be read again. */
static mp_status read_source(mp_reader *r, source *src, const char *name,
                             mp_study_fn fn, void *ctx, mp_errors *err,
                             int (*rewind)(source *, void *), void *rewind_arg,
                             byte_buf *keep)
{
    src->max_bytes = r->opt.max_bytes;
    file_ctx f = { .r = r, .name = name, .err = err, .first_diag = mp_errors_count(err),
                   .fn = fn, .ctx = ctx, .cb_status = MP_OK, .st = MP_OK };
    mp_errors_init(&f.schema_diags);
    f.schema_diags.limit = err->limit;     /* they are copied into err */
    arena_reset(&r->arena);
    mp_status st = first_pass(&f, src, keep);
    if (st == MP_OK && f.st == MP_ENOMEM)
        st = MP_ENOMEM;
    int malformed = f.px && (f.fatal || f.parse_failed || !f.px->wellFormed);
    if (st == MP_OK && malformed && !src->refused && f.cb_status == MP_OK &&
        mp_errors_count(err) == f.first_diag)
        /* not well-formed, yet nothing reported */
        mp_errors_add(err, name, parser_line(&f), "malformed XML");
    if (st == MP_OK && f.st != MP_OK)
        st = f.st;
    if (st == MP_OK && malformed)
        st = MP_EINPUT;
    if (f.px) {
        xmlFreeParserCtxt(f.px);
        f.px = NULL;
    }
    arena_trim(&r->arena);
    free(f.eol_buf);
    if (f.ids)
        xmlHashFree(f.ids, NULL);
    source_problem(src, &f);
    if (st == MP_OK && mp_errors_count(err) == f.first_diag && r->schema) {
        /* The schema is a second line of defence: its findings are shown
         * when our own checks found nothing in this file. */
        source again = { .fd = src->fd, .mem = src->mem, .mem_len = src->mem_len,
                         .max_bytes = src->max_bytes, .eol = f.eol };
        int valid;
        if (rewind && !rewind(&again, rewind_arg))
            valid = -3;
        else
            valid = schema_pass(&f, &again);
        if (valid == -2) {
            st = MP_ENOMEM;
        } else if (valid == -3) {
            mp_errors_add(err, name, 0, "cannot read: %s", strerror(errno));
            src->refused = 3;
        } else {
            source_problem(&again, &f);
            if (again.refused)
                src->refused = again.refused;
            for (size_t i = 0; i < f.schema_diags.n; i++)
                mp_errors_add(err, name, f.schema_diags.items[i].line, "%s",
                              f.schema_diags.items[i].message);
            err->suppressed += f.schema_diags.suppressed;
            if (valid == 0 && f.schema_diags.n == 0)
                mp_errors_add(err, name, 0, "does not match the schema");
        }
    }
    mp_errors_clear(&f.schema_diags);
    if (st == MP_ENOMEM)
        return st;
    if (src->refused == 3)
        return MP_EIO;
    if (src->refused == 2 || st == MP_ELIMIT)
        return MP_ELIMIT;
    if (f.cb_status != MP_OK)
        return f.cb_status;
    return mp_errors_count(err) > f.first_diag ? MP_EINPUT : MP_OK;
}

typedef struct {
    off_t start;                /* where the descriptor was when we began */
    byte_buf *keep;             /* or the bytes read, when it cannot seek */
} rewind_state;

static int rewind_fd(source *s, void *arg)
{
    rewind_state *rs = arg;
    if (rs->keep) {
        if (rs->keep->failed) {
            errno = ENOMEM;
            return 0;
        }
        s->fd = -1;
        s->mem = rs->keep->b ? rs->keep->b : "";
        s->mem_len = rs->keep->n;
        return 1;
    }
    return lseek(s->fd, rs->start, SEEK_SET) == rs->start;
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
    int have_stat = fstat(fd, &sb) == 0;
    if (have_stat && S_ISDIR(sb.st_mode)) {
        mp_errors_add(err, path, 0, "is a directory");
        close(fd);
        return MP_EIO;
    }
    /* For the schema pass: a regular file is read again from where we
     * started; anything else (a pipe, a terminal) is kept in memory. */
    byte_buf keep = { NULL, 0, 0, 0 };
    rewind_state rs = { -1, NULL };
    if (r->schema) {
        if (have_stat && S_ISREG(sb.st_mode))
            rs.start = lseek(fd, 0, SEEK_CUR);
        if (rs.start < 0)
            rs.keep = &keep;
    }
    source src = { .fd = fd };
    mp_status st = read_source(r, &src, path, fn, ctx, err,
                               r->schema ? rewind_fd : NULL, &rs, rs.keep);
    free(keep.b);
    if (fd != STDIN_FILENO)
        close(fd);
    return st;
}

mp_status mp_read_memory(mp_reader *r, const char *buf, size_t len,
                         const char *name, mp_study_fn fn, void *ctx,
                         mp_errors *err)
{
    source src = { .fd = -1, .mem = buf, .mem_len = len };
    return read_source(r, &src, name, fn, ctx, err, NULL, NULL, NULL);
}
