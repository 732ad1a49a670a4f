/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_study_impl.h - the XML reader's internals, shared by the files it
 * is made of (internal; not installed):
 *
 *   mp_study.c         the inputs: reader objects, the first pass (chunks,
 *                      the DOCTYPE scan, line ends), the schema pass, and
 *                      one input from start to end (mp_read_file/memory)
 *   mp_study_sax.c     the SAX callbacks: each parser event builds the
 *                      tree of the study being read, and parser errors
 *                      become diagnostics
 *   mp_study_check.c   the element checks: a finished <study> tree is
 *                      checked, turned into an mp_study and handed over
 *   mp_study_limits.c  the limits: the options' defaults and the size of
 *                      the study being read
 *   mp_arena.c         the memory of the tree, reused study after study
 *
 * This header holds the types they share; each file's functions for the
 * others are in its own header (mp_study_sax.h, mp_study_check.h,
 * mp_study_limits.h, mp_arena.h).
 *
 * Ownership: everything here belongs to the reader (mp_reader) or to the
 * input being read (file_ctx); nothing outlives mp_read_file.
 */
#ifndef MP_STUDY_IMPL_H
#define MP_STUDY_IMPL_H

#include <stddef.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "mp_arena.h"
#include "mp_study.h"

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
    X(total_control, "total-control") \
    X(logrank_p, "logrank-p") \
    X(favours, "favours") \
    X(medians, "medians") \
    X(km_curves, "km-curves") \
    X(point, "point") \
    X(at_risk, "at-risk") \
    X(time, "time") \
    X(survival, "survival") \
    X(scale, "scale")

enum {
    K_NONE,
#define X(id, s) K_##id,
    KNOWN_NAMES(X)
#undef X
    K_COUNT
};

/* The names by K_ value ("" for K_NONE). */
extern const char *const mp_study_names[K_COUNT];

/* The dictionary addresses of the names, hashed by address. */
enum { KEY_SLOTS = 256 };
typedef struct {
    const void *addr[KEY_SLOTS];
    unsigned char key[KEY_SLOTS];
} key_table;

typedef struct {
    const char *name;           /* local name; "p:name" for an unbound prefix */
    char *value;                /* NUL-terminated, in the mp_arena */
    size_t len;                 /* strlen(value) */
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
    char *text;                 /* text: NUL-terminated, in the mp_arena */
    size_t len, cap;
    size_t piece, nonblank_at, piece_end;   /* text: offsets in text of that
                                   piece and of its first non-blank */
};

static inline int is_blank(unsigned char c)
{
    return c == 0x20 || c == 0x9 || c == 0xA || c == 0xD;
}

static inline long count_newlines(const char *p, size_t n)
{
    long lines = 0;
    const char *end = p + n;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        lines++;
        p++;
    }
    return lines;
}

/* ---- the reader and the input being read ------------------------------- */

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
    mp_reader *twin;               /* reads the second half of a split file
                                      (mp_read_file_split), made on demand */
    xmlRelaxNGPtr schema;
    mp_arena arena;                /* the nodes of the study being read */
    study_arrays arrays;
};

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
    size_t study_start;         /* mp_study_parse_pos() at its start tag */
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

/* The message of a refused DOCTYPE (mp_study.c; the SAX callbacks refuse
 * a declaration the byte scan could not see). */
extern const char mp_study_doctype_message[];

#endif
