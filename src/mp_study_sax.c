/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_study_sax.c - the SAX callbacks of the XML reader: each event of
 * libxml2's push parser builds the tree of the study being read (nodes
 * in the arena), hands a finished one to the element checks, and reports
 * what the parser finds wrong.  See mp_study.h for the contract and
 * mp_study_impl.h for the files of the reader. */
#include "mp_study_sax.h"
#include "mp_study_check.h"
#include "mp_study_limits.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>

#include "mp_xmlmsg.h"

/* ---- the names of the format ------------------------------------------------ */

const char *const mp_study_names[K_COUNT] = {
    "",
#define X(id, s) s,
    KNOWN_NAMES(X)
#undef X
};

/* The names' slots in a key_table: by address, as the parser's
 * dictionary hands each name over as one string. */
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
int mp_study_keys_init(key_table *t, xmlDictPtr dict)
{
    memset(t, 0, sizeof *t);
    for (int k = 1; k < K_COUNT; k++) {
        const void *p = xmlDictLookup(dict, (const xmlChar *)mp_study_names[k], -1);
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

/* ---- stopping -------------------------------------------------------------------- */

/* Nothing more is read (or reported) from this file. */
void mp_study_halt(file_ctx *f, mp_status st)
{
    if (f->stop)
        return;
    f->stop = 1;
    f->st = st;
    if (f->px)
        xmlStopParser(f->px);
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
        mp_study_halt(f, MP_EINPUT);
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
        mp_study_halt(f, MP_EINPUT);
}

/* ---- the parser's events ------------------------------------------------------- */

/* libxml2's limit on one text node (without XML_PARSE_HUGE), which its
 * tree builder enforces; the same limit applies here. */
#ifndef XML_MAX_TEXT_LENGTH
#define XML_MAX_TEXT_LENGTH 10000000
#endif

/* The parser's line (xmlSAX2GetLineNumber), as libxml2's tree builder
 * dates its nodes. */
long mp_study_parser_line(const file_ctx *f)
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
    long line = mp_study_parser_line(f);
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
        parse_problem(f, mp_study_parser_line(f), "xmlSAX2Characters: huge text node", 1);
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
    if (mp_study_too_long(f))
        return;
    mp_arena *a = &f->r->arena;
    xnode *t = f->text;
    if (!t) {
        t = mp_arena_alloc(a, sizeof *t, sizeof(void *));
        if (!t) {
            mp_study_halt(f, MP_ENOMEM);
            return;
        }
        node_init(t, f->cur);
        f->text = t;
    }
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : len + 1;
        if (cap < t->len + len + 1)
            cap = t->len + len + 1;
        char *s = mp_arena_alloc(a, cap, 1);
        if (!s) {
            mp_study_halt(f, MP_ENOMEM);
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
            t->line = mp_study_parser_line(f);
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
    root_problem(f, 1, mp_study_parser_line(f), "%s", mp_study_doctype_message);
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

/* A copy of an attribute value into x->value, in the arena, with its
 * length and whether it holds whitespace; 0 when memory runs out.
 * Without entity substitution libxml2 passes an '&' of the value as
 * "&#38;" (its tree builder turns it back into '&'); every '&' in the
 * value is such a reference. */
static int copy_value(mp_arena *a, const xmlChar *value, const xmlChar *end,
                      xattr *x)
{
    size_t len = (size_t)(end - value);
    char *v = mp_arena_alloc(a, len + 1, 1);
    if (!v)
        return 0;
    char *w = v;
    int sp = 0;
    for (const xmlChar *s = value; s < end;) {
        xmlChar c = *s;
        sp |= is_blank(c);
        if (c == '&' && end - s >= 5 && memcmp(s, "&#38;", 5) == 0) {
            *w++ = '&';
            s += 5;
        } else {
            *w++ = (char)c;
            s++;
        }
    }
    *w = '\0';
    x->value = v;
    x->len = (size_t)(w - v);
    x->spaced = (unsigned char)sp;
    return 1;
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
    mp_arena *a = &f->r->arena;
    size_t na = n_attrs > 0 ? (size_t)n_attrs : 0;
    xnode *n = mp_arena_alloc(a, sizeof *n + na * sizeof(xattr), sizeof(void *));
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
        if (!copy_value(a, at[3], at[4], x))
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
        mp_study_halt(f, MP_ENOMEM);
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
        mp_study_halt(f, MP_ELIMIT);
        return;
    }
    if (*v) {
        if (!f->ids)
            f->ids = xmlHashCreate(16);
        if (!f->ids) {
            xmlFree(v);
            mp_study_halt(f, MP_ENOMEM);
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
    long line = mp_study_parser_line(f);
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
    if (mp_study_too_long(f))
        return;
    if (f->study) {
        xnode *n = new_element(f, f->cur, local, prefix, uri, n_attrs, attrs,
                               line);
        if (!n) {
            mp_study_halt(f, MP_ENOMEM);
            return;
        }
        f->cur = n;
        return;
    }
    /* The root, or a child of <studies>: named "prefix:local" when its prefix
     * is unbound (as libxml2 names it). */
    const char *name = qname(f, prefix, local);
    if (!name) {
        mp_study_halt(f, MP_ENOMEM);
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
        mp_status st = n ? mp_study_check_root(f, n) : MP_ENOMEM;
        mp_arena_reset(&f->r->arena);
        if (st != MP_OK)
            mp_study_halt(f, st);
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
        size_t pos = mp_study_parse_pos(f), tag = attr_bytes(n_attrs, attrs);
        f->study_start = pos - (tag < pos ? tag : pos);
        if (mp_study_over_limit(f, pos - f->study_start, line))
            return;
        xnode *n = new_element(f, NULL, local, prefix, uri, n_attrs, attrs,
                               line);
        if (!n) {
            mp_study_halt(f, MP_ENOMEM);
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
    mp_status st = mp_study_check_study(f, study, f->collection);
    mp_arena_reset(&f->r->arena);
    if (st == MP_ENOMEM || f->cb_status != MP_OK)
        mp_study_halt(f, st);
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

void mp_study_sax_handler(xmlSAXHandler *h)
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
