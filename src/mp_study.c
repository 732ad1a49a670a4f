/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_study.c - streaming reader of study descriptors; see mp_study.h.
 * This file holds the inputs: reader objects, the first pass, the schema
 * pass and one input from start to end; the parser's events, the element
 * checks and the limits have files of their own (mp_study_impl.h).
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
#include "mp_study_impl.h"
#include "mp_study_sax.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/xmlreader.h>

#include "mp_text.h"
#include "mp_xmlmsg.h"

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
    int positional;             /* read with pread at offset total (the
                                   second half of a split file) */
    int refused;                /* 1 DOCTYPE, 2 too large, 3 read error */
    long refused_line;
    int err_no;
} source;


const char mp_study_doctype_message[] =
    "DOCTYPE declarations are not allowed in study descriptors "
    "(no DTD or entity is ever loaded)";

/* ---- line ends ------------------------------------------------------------ */

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
    mp_reader_free(r->twin);
    mp_arena_free(&r->arena);
    free(r->arrays.regs);
    free(r->arrays.pubs);
    free(r->arrays.covs);
    free(r->arrays.outs);
    free(r);
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
        mp_study_sax_handler(&h);
        size_t first = n < 4 ? 0 : 4;
        f->px = xmlCreatePushParserCtxt(&h, f, first ? b : NULL, (int)first,
                                        f->name);
        if (!f->px)
            return 0;
        xmlCtxtUseOptions(f->px, sax_options);
        if (!mp_study_keys_init(&f->keys, f->px->dict))
            return 0;
        b += first;
        n -= first;
    }
    if (n > 0 || terminate)
        xmlParseChunk(f->px, b, (int)n, terminate);
    if (!f->stop && !f->px->wellFormed) {
        /* not well-formed without a fatal error reported: end here */
        f->fatal = 1;
        mp_study_halt(f, MP_EINPUT);
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
    mp_study_halt(f, MP_EINPUT);
    return 1;
}

/* Where the first pass is in its input, kept between the calls of a
 * pass that stops at `until` and goes on later (mp_read_file_split). */
typedef struct {
    char *buf;                  /* descriptor: CHUNK + HOLD bytes, or NULL */
    size_t have;                /* descriptor: bytes in buf */
    size_t fed;                 /* bytes given to the parser */
    long lines;                 /* line ends in them */
    int cr;                     /* the last of them was a CR */
    int sniffed;                /* the start of the input was looked at */
    size_t until;               /* a descriptor is read up to this many
                                   bytes of src->total, then the pass
                                   returns, the parser not told it ended;
                                   SIZE_MAX: to its end */
    int paused;                 /* the pass returned at until */
} pass_state;

#define PASS_STATE_INIT { NULL, 0, 0, 0, 0, 0, SIZE_MAX, 0 }

/* Read up to CHUNK + HOLD bytes into ps->buf (not past ps->until): 1 at
 * the end of the input, 2 at until, 0 otherwise, -1 on a read error. */
static int fill(source *src, pass_state *ps, byte_buf *keep, int *over)
{
    while (ps->have < CHUNK + HOLD) {
        size_t want = CHUNK + HOLD - ps->have;
        if (ps->until != SIZE_MAX) {
            if (src->total >= ps->until)
                return 2;
            if (want > ps->until - src->total)
                want = ps->until - src->total;
        }
        ssize_t got;
        do
            got = src->positional
                ? pread(src->fd, ps->buf + ps->have, want, (off_t)src->total)
                : read(src->fd, ps->buf + ps->have, want);
        while (got < 0 && errno == EINTR);
        if (got < 0) {
            src->refused = 3;
            src->err_no = errno;
            return -1;
        }
        if (got == 0)
            return 1;
        src->total += (size_t)got;
        if (keep)
            keep_bytes(keep, ps->buf + ps->have, (size_t)got);
        ps->have += (size_t)got;
        if (src->total > src->max_bytes) {
            *over = 1;
            return 0;
        }
    }
    return 0;
}

/* Read the input in chunks of CHUNK bytes and parse them; refuse it at a
 * "<!DOCTYPE" or past max_bytes, after parsing what comes before.  HOLD
 * bytes beyond a chunk are read with it for a "<!DOCTYPE" across two
 * chunks to be seen whole.  A descriptor's pass may stop at ps->until
 * (everything before it parsed) and be called again to go on. */
static mp_status first_pass(file_ctx *f, source *src, byte_buf *keep,
                            pass_state *ps)
{
    if (src->fd >= 0 && !ps->buf && !(ps->buf = malloc(CHUNK + HOLD)))
        return MP_ENOMEM;
    mp_status st = MP_OK;
    for (;;) {
        const char *data;
        size_t avail;
        int eof = 0, over = 0, at_until = 0;
        if (src->fd >= 0) {
            int got = fill(src, ps, keep, &over);
            if (got < 0)
                break;
            eof = got == 1;
            at_until = got == 2;
            data = ps->buf;
            avail = ps->have;
        } else {
            avail = src->mem_len - ps->fed;
            if (avail <= CHUNK + HOLD)
                eof = 1;
            else
                avail = CHUNK + HOLD;
            src->total = ps->fed + avail;
            over = src->total > src->max_bytes;
            data = src->mem + ps->fed;
        }
        if (!ps->sniffed) {
            ps->sniffed = 1;
            if (not_xml(f, data, avail, eof))
                break;
        }
        size_t give = avail < CHUNK || eof || at_until ? avail : CHUNK;
        int refuse = 0;
        if (over && src->max_bytes - ps->fed <= give) {
            give = src->max_bytes - ps->fed;
            refuse = 2;
            eof = 0;
        }
        const char *d = find_doctype(data, avail);
        if (d && (size_t)(d - data) < give) {
            give = (size_t)(d - data);
            refuse = 1;
            src->refused_line = 1 + ps->lines + count_line_ends(data, give, &ps->cr);
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
        ps->lines += count_line_ends(data, give, &ps->cr);
        if (src->fd >= 0) {
            memmove(ps->buf, ps->buf + give, avail - give);
            ps->have = avail - give;
        }
        ps->fed += give;
        if (at_until && ps->have == 0) {
            ps->paused = 1;
            return MP_OK;
        }
    }
    free(ps->buf);
    ps->buf = NULL;
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
        mp_errors_add(f->err, f->name, s->refused_line, "%s", mp_study_doctype_message);
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

/* A file's state before its first pass. */
static void file_begin(file_ctx *f, mp_reader *r, const char *name,
                       mp_study_fn fn, void *ctx, mp_errors *err)
{
    *f = (file_ctx){ .r = r, .name = name, .err = err,
                     .first_diag = mp_errors_count(err), .fn = fn, .ctx = ctx,
                     .cb_status = MP_OK, .st = MP_OK };
    mp_errors_init(&f->schema_diags);
    f->schema_diags.limit = err->limit;     /* they are copied into err */
    mp_arena_reset(&r->arena);
}

/* After the first pass (st: its result): a document that is not
 * well-formed yet drew no diagnostic gets one, the parser and the
 * pass's memory go, and a refused source is reported.  Returns st, or
 * why reading ended early. */
static mp_status file_end(file_ctx *f, source *src, mp_status st)
{
    if (st == MP_OK && f->st == MP_ENOMEM)
        st = MP_ENOMEM;
    int malformed = f->px && (f->fatal || f->parse_failed || !f->px->wellFormed);
    if (st == MP_OK && malformed && !src->refused && f->cb_status == MP_OK &&
        mp_errors_count(f->err) == f->first_diag)
        /* not well-formed, yet nothing reported */
        mp_errors_add(f->err, f->name, mp_study_parser_line(f), "malformed XML");
    if (st == MP_OK && f->st != MP_OK)
        st = f->st;
    if (st == MP_OK && malformed)
        st = MP_EINPUT;
    if (f->px) {
        xmlFreeParserCtxt(f->px);
        f->px = NULL;
    }
    mp_arena_trim(&f->r->arena);
    free(f->eol_buf);
    f->eol_buf = NULL;
    if (f->ids)
        xmlHashFree(f->ids, NULL);
    f->ids = NULL;
    source_problem(src, f);
    return st;
}

/* What reading one input returns (see mp_read_file), from the status st
 * of its passes. */
static mp_status file_status(file_ctx *f, const source *src, mp_status st)
{
    mp_errors_clear(&f->schema_diags);
    if (st == MP_ENOMEM)
        return st;
    if (src->refused == 3)
        return MP_EIO;
    if (src->refused == 2 || st == MP_ELIMIT)
        return MP_ELIMIT;
    if (f->cb_status != MP_OK)
        return f->cb_status;
    return mp_errors_count(f->err) > f->first_diag ? MP_EINPUT : MP_OK;
}

/* The schema pass of f's input, when our own checks found nothing in it
 * (st: the first pass's result); returns st or MP_ENOMEM. */
static mp_status schema_check(file_ctx *f, source *src, mp_status st,
                              int (*rewind)(source *, void *), void *rewind_arg)
{
    mp_reader *r = f->r;
    if (st != MP_OK || mp_errors_count(f->err) != f->first_diag || !r->schema)
        return st;
    /* The schema is a second line of defence: its findings are shown
     * when our own checks found nothing in this file. */
    source again = { .fd = src->fd, .mem = src->mem, .mem_len = src->mem_len,
                     .max_bytes = src->max_bytes, .eol = f->eol };
    int valid;
    if (rewind && !rewind(&again, rewind_arg))
        valid = -3;
    else
        valid = schema_pass(f, &again);
    if (valid == -2)
        return MP_ENOMEM;
    if (valid == -3) {
        mp_errors_add(f->err, f->name, 0, "cannot read: %s", strerror(errno));
        src->refused = 3;
        return st;
    }
    source_problem(&again, f);
    if (again.refused)
        src->refused = again.refused;
    for (size_t i = 0; i < f->schema_diags.n; i++)
        mp_errors_add(f->err, f->name, f->schema_diags.items[i].line, "%s",
                      f->schema_diags.items[i].message);
    f->err->suppressed += f->schema_diags.suppressed;
    if (valid == 0 && f->schema_diags.n == 0)
        mp_errors_add(f->err, f->name, 0, "does not match the schema");
    return st;
}

/* Read one input.  rewind, when not NULL, prepares src for the schema pass
 * (returns 0 when it cannot); keep holds the bytes of a descriptor that
 * cannot be read again. */
static mp_status read_source(mp_reader *r, source *src, const char *name,
                             mp_study_fn fn, void *ctx, mp_errors *err,
                             int (*rewind)(source *, void *), void *rewind_arg,
                             byte_buf *keep)
{
    src->max_bytes = r->opt.max_bytes;
    file_ctx f;
    file_begin(&f, r, name, fn, ctx, err);
    pass_state ps = PASS_STATE_INIT;
    mp_status st = file_end(&f, src, first_pass(&f, src, keep, &ps));
    st = schema_check(&f, src, st, rewind, rewind_arg);
    return file_status(&f, src, st);
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

/* Open path ("-": standard input) for reading: the descriptor, or -1
 * with a diagnostic (a directory is refused too). */
static int open_input(const char *path, mp_errors *err, struct stat *sb,
                      int *have_stat)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    if (fd < 0) {
        mp_errors_add(err, path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    *have_stat = fstat(fd, sb) == 0;
    if (*have_stat && S_ISDIR(sb->st_mode)) {
        mp_errors_add(err, path, 0, "is a directory");
        close(fd);
        return -1;
    }
    return fd;
}

/* Read the open input fd (path) by one thread, then close it. */
static mp_status read_fd(mp_reader *r, int fd, const struct stat *sb,
                         int have_stat, const char *path, mp_study_fn fn,
                         void *ctx, mp_errors *err)
{
    /* For the schema pass: a regular file is read again from where we
     * started; anything else (a pipe, a terminal) is kept in memory. */
    byte_buf keep = { NULL, 0, 0, 0 };
    rewind_state rs = { -1, NULL };
    if (r->schema) {
        if (have_stat && S_ISREG(sb->st_mode))
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

mp_status mp_read_file(mp_reader *r, const char *path, mp_study_fn fn,
                       void *ctx, mp_errors *err)
{
    struct stat sb;
    int have_stat;
    int fd = open_input(path, err, &sb, &have_stat);
    if (fd < 0)
        return MP_EIO;
    return read_fd(r, fd, &sb, have_stat, path, fn, ctx, err);
}

/* ---- one collection in two halves at once ---------------------------------------- */

/* A large collection is read by two threads: this one parses it from its
 * start to the end of a study near the middle (B), a second one parses
 * the root's start tag (the prolog, bytes [0, R)) followed by the rest
 * (from B on), as if the studies before B were not there.  The second
 * reading stands only when it is certainly what one reading would have
 * made of those bytes: the first reading, at B, is inside the root and
 * nowhere else (so B is between two of its children, not in a comment,
 * a CDATA section or a deeper element), and the second had no
 * diagnostic at all (none of its findings can then depend on what came
 * before B: a repeated xml:id, a limit); the sink joins the two (and may
 * still refuse: a study id in both halves).  Otherwise the first thread
 * reads on from B, as one reading would. */

enum {
    SPLIT_PROLOG = 1 << 16,     /* the root's start tag ends within this */
    SPLIT_WINDOW = 1 << 16,     /* bytes looked at a time for a study's end */
    SPLIT_SEARCH = 1 << 22      /* how far past the middle it may be */
};

/* The first m bytes s in h[0..n), or NULL (memmem is not ISO C). */
static const char *find_bytes(const char *h, size_t n, const char *s, size_t m)
{
    const char *end = h + n;
    for (const char *p = h; m <= (size_t)(end - p); p++) {
        p = memchr(p, s[0], (size_t)(end - p) - m + 1);
        if (!p)
            return NULL;
        if (memcmp(p, s, m) == 0)
            return p;
    }
    return NULL;
}

/* 1 when the XML declaration at d (up to "?>" at e) names no encoding or
 * one in which "</study>" is those eight bytes wherever it occurs. */
static int split_encoding(const char *d, const char *e)
{
    static const char *const ok[] = { "utf-8", "us-ascii", "iso-8859-1" };
    const char *enc = find_bytes(d, (size_t)(e - d), "encoding", 8);
    if (!enc)
        return 1;
    const char *q = enc + 8;
    while (q < e && *q != '"' && *q != '\'')
        q++;
    for (size_t i = 0; q < e && i < sizeof ok / sizeof *ok; i++) {
        size_t n = strlen(ok[i]);
        if ((size_t)(e - q) > n + 1 && strncasecmp(q + 1, ok[i], n) == 0 &&
            q[n + 1] == q[0])
            return 1;
    }
    return 0;
}

/* The end (just past its '>') of the start tag of a <studies> root in
 * b[0..n), or 0 when there is none or the prolog before it holds
 * anything but blanks, comments, processing instructions and an XML
 * declaration of an encoding split_encoding accepts. */
static size_t root_tag_end(const char *b, size_t n)
{
    size_t i = n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && is_blank((unsigned char)b[i]))
        i++;
    while (n - i >= 4 && b[i] == '<' && (b[i + 1] == '?' || b[i + 1] == '!')) {
        int pi = b[i + 1] == '?';
        if (!pi && memcmp(b + i, "<!--", 4) != 0)
            return 0;
        const char *e = find_bytes(b + i + 2, n - i - 2, pi ? "?>" : "-->", pi ? 2 : 3);
        if (!e || (pi && !split_encoding(b + i, e)))
            return 0;
        i = (size_t)(e - b) + (pi ? 2 : 3);
        while (i < n && is_blank((unsigned char)b[i]))
            i++;
    }
    if (n - i < 9 || memcmp(b + i, "<studies", 8) != 0 ||
        !(is_blank((unsigned char)b[i + 8]) || b[i + 8] == '>'))
        return 0;
    char quote = 0;
    for (size_t j = i + 8; j < n; j++) {
        if (quote)
            quote = b[j] == quote ? 0 : quote;
        else if (b[j] == '"' || b[j] == '\'')
            quote = b[j];
        else if (b[j] == '>')
            return b[j - 1] == '/' ? 0 : j + 1;
        else if (b[j] == '<')
            return 0;
    }
    return 0;
}

/* The offset just past the first "</study>" at or after from (and within
 * SPLIT_SEARCH bytes of it) in fd's first size bytes, or 0. */
static size_t study_end_after(int fd, size_t from, size_t size, char *buf)
{
    static const char tag[] = "</study>";
    const size_t tl = sizeof tag - 1;
    for (size_t at = from; at < size && at - from < SPLIT_SEARCH;
         at += SPLIT_WINDOW - tl) {
        size_t want = size - at < SPLIT_WINDOW ? size - at : SPLIT_WINDOW;
        ssize_t got = pread(fd, buf, want, (off_t)at);
        if (got < (ssize_t)tl)
            return 0;
        const char *p = find_bytes(buf, (size_t)got, tag, tl);
        if (p)
            return at + (size_t)(p - buf) + tl;
    }
    return 0;
}

/* The second half's reading: its input, its sink, and how it went. */
typedef struct {
    mp_reader *r;               /* the twin reader */
    int fd;
    const char *name;
    const char *prolog;         /* bytes [0, R) of the input */
    size_t prolog_len, from;    /* R; B */
    mp_study_fn fn;
    void *ctx;
    mp_errors *err;
    int clean;                  /* read to the end; nothing but warnings
                                   (all recorded) to say */
} split_half;

enum { COUNT_BLOCK = 1 << 20 };

/* Line ends in fd's bytes [from, to) (the first after a byte that is not
 * a CR), or -1 when they cannot be read. */
static long line_ends_between(int fd, size_t from, size_t to)
{
    char *buf = malloc(COUNT_BLOCK);
    long lines = 0;
    int cr = 0;
    while (buf && from < to) {
        size_t want = to - from < COUNT_BLOCK ? to - from : COUNT_BLOCK;
        ssize_t got = pread(fd, buf, want, (off_t)from);
        if (got <= 0)
            break;
        lines += count_line_ends(buf, (size_t)got, &cr);
        from += (size_t)got;
    }
    free(buf);
    return from == to ? lines : -1;
}

/* 1 when a second half's list holds nothing but warnings about files,
 * all of them recorded: they can be added to the first half's list as
 * one reading would have added them. */
static int only_warnings(const mp_errors *e)
{
    if (mp_errors_count(e) != 0 || e->warnings != e->n ||
        e->warnings_suppressed != 0)
        return 0;
    for (size_t i = 0; i < e->n; i++)
        if (e->items[i].index != MP_NO_INDEX)
            return 0;
    return 1;
}

/* The second half: the prolog, then the input from B on, with the
 * parser's line set to B's line so that every line it gives is the
 * file's. */
static void *read_half(void *arg)
{
    split_half *h = arg;
    xmlSetGenericErrorFunc(NULL, quiet_generic_error);  /* per thread */
    file_ctx f;
    file_begin(&f, h->r, h->name, h->fn, h->ctx, h->err);
    source src = { .fd = h->fd, .positional = 1, .total = h->from,
                   .max_bytes = h->r->opt.max_bytes };
    pass_state ps = PASS_STATE_INIT;
    ps.sniffed = 1;
    ps.fed = h->from;
    long skipped = line_ends_between(h->fd, h->prolog_len, h->from);
    mp_status st = feed(&f, h->prolog, h->prolog_len, 0) ? MP_OK : MP_ENOMEM;
    int in_root = st == MP_OK && skipped >= 0 && !f.stop && f.px &&
                  f.px->input && f.depth == 1 && f.collection && h->err->n == 0;
    if (in_root) {
        f.px->input->line += (int)skipped;
        st = first_pass(&f, &src, NULL, &ps);
    }
    int ids = f.ids != NULL;
    st = file_status(&f, &src, file_end(&f, &src, st));
    h->clean = in_root && !ids && st == MP_OK && only_warnings(h->err);
    return NULL;
}

/* 1 when the first half's reading (f) is at B between two children of
 * the root, the parser waiting for content. */
static int at_boundary(const file_ctx *f, const source *src,
                       const pass_state *ps, size_t b)
{
    return ps->paused && src->total == b && !f->stop && !src->refused &&
           f->px && f->px->wellFormed && f->px->instate == XML_PARSER_CONTENT &&
           f->px->nameNr == 1 && f->depth == 1 && f->collection && !f->study &&
           !f->skipping;
}

/* The twin reader that reads second halves (same limits, no schema). */
static mp_reader *twin_of(mp_reader *r)
{
    if (!r->twin) {
        mp_read_options o = r->opt;
        o.schema = 0;
        mp_status st;
        r->twin = mp_reader_new(&o, &st);
    }
    return r->twin;
}

/* Where to split fd (size bytes): *prolog_len (R) and the return value
 * (B), or 0 when it is not to be split; prolog receives bytes [0, R). */
static size_t split_point(const mp_reader *r, int fd, const struct stat *sb,
                          char *prolog, size_t *prolog_len)
{
    size_t size = (size_t)sb->st_size;
    if (!S_ISREG(sb->st_mode) || size < r->opt.split_min ||
        size > r->opt.max_bytes)
        return 0;
    ssize_t got = pread(fd, prolog, SPLIT_PROLOG, 0);
    if (got <= 0 || !(*prolog_len = root_tag_end(prolog, (size_t)got)))
        return 0;
    /* the second thread also counts the lines of the first half (about
     * 4% of parsing them, bench/RESULTS.md): the first gets 1% more */
    char *buf = malloc(SPLIT_WINDOW);
    size_t b = buf ? study_end_after(fd, size / 2 + size / 100, size, buf) : 0;
    free(buf);
    return b > *prolog_len && b < size ? b : 0;
}

/* Read fd (split at b, prolog its first prolog_len bytes) by two threads;
 * 0 when the second could not be started (nothing read then). */
static int read_split(mp_reader *r, int fd, const char *path, mp_study_fn fn,
                      void *ctx, mp_errors *err, const mp_read_split *split,
                      const char *prolog, size_t prolog_len, size_t b,
                      mp_status *result)
{
    split_half h = { twin_of(r), fd, path, prolog, prolog_len, b,
                     NULL, NULL, NULL, 0 };
    if (!h.r || split->open(split->arg, &h.fn, &h.ctx, &h.err) != MP_OK)
        return 0;
    pthread_t t;
    if (pthread_create(&t, NULL, read_half, &h) != 0) {
        split->close(split->arg);
        return 0;
    }
    file_ctx f;
    file_begin(&f, r, path, fn, ctx, err);
    source src = { .fd = fd, .max_bytes = r->opt.max_bytes };
    pass_state ps = PASS_STATE_INIT;
    ps.until = b;
    mp_status st = first_pass(&f, &src, NULL, &ps);
    int boundary = st == MP_OK && at_boundary(&f, &src, &ps, b);
    pthread_join(t, NULL);
    mp_status joined = boundary && h.clean ? split->join(split->arg)
                                           : MP_EINPUT;
    for (size_t i = 0; joined == MP_OK && i < h.err->n; i++) {
        const mp_diag *d = &h.err->items[i];
        if (mp_errors_warn(err, d->file, d->line, "%s", d->message) == MP_ENOMEM)
            joined = MP_ENOMEM;
    }
    split->close(split->arg);
    if (joined == MP_ENOMEM)
        st = MP_ENOMEM;
    if (ps.paused && joined == MP_EINPUT && st == MP_OK) {
        ps.until = SIZE_MAX;    /* one reading, from B on */
        ps.paused = 0;
        st = first_pass(&f, &src, NULL, &ps);
    }
    free(ps.buf);
    *result = file_status(&f, &src, file_end(&f, &src, st));
    return 1;
}

mp_status mp_read_file_split(mp_reader *r, const char *path, mp_study_fn fn,
                             void *ctx, mp_errors *err,
                             const mp_read_split *split)
{
    if (r->schema || !split || r->opt.split_min == 0)
        return mp_read_file(r, path, fn, ctx, err);
    struct stat sb;
    int have_stat;
    int fd = open_input(path, err, &sb, &have_stat);
    if (fd < 0)
        return MP_EIO;
    char *prolog = have_stat && fd != STDIN_FILENO ? malloc(SPLIT_PROLOG) : NULL;
    size_t prolog_len = 0;
    size_t b = prolog ? split_point(r, fd, &sb, prolog, &prolog_len) : 0;
    mp_status st;
    int done = b && read_split(r, fd, path, fn, ctx, err, split, prolog,
                               prolog_len, b, &st);
    free(prolog);
    if (!done)
        return read_fd(r, fd, &sb, have_stat, path, fn, ctx, err);
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
