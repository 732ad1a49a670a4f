/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_descriptor_write.c - an imported study as a descriptor; see
 * mp_descriptor_write.h. */
#include "mp_descriptor_write.h"

#include <stdlib.h>
#include <string.h>

#include "mp_svg_draw.h"

/* The attribute names of each effect form (mp_import_form), in the order
 * of mp_import_outcome.value. */
static const struct {
    const char *element;
    const char *attr[MP_IMPORT_VALUES];
} forms[] = {
    [MP_IMPORT_HR_CI] = { "hazard-ratio", { "estimate", "lower", "upper", "level", "p" } },
    [MP_IMPORT_HR_P] = { "hazard-ratio", { "estimate", "p" } },
    [MP_IMPORT_LOG_HR] = { "log-hazard-ratio", { "estimate", "se" } },
    [MP_IMPORT_PETO] = { "peto", { "o-minus-e", "variance" } },
    [MP_IMPORT_COUNTS] = { "counts", { "events-experimental", "total-experimental",
                                       "events-control", "total-control" } },
};

static void text_element(mp_svg_writer *w, const char *name, const char *text)
{
    mp_svg_start(w, name);
    mp_svg_content(w, text);
    mp_svg_end(w);
}

static void write_arms(mp_svg_writer *w, const mp_import_study *st)
{
    static const char *const role[2] = { "experimental", "control" };
    if (!st->arm_label[0] && !st->arm_n[0] && !st->arm_label[1] && !st->arm_n[1])
        return;
    mp_svg_start(w, "arms");
    for (int i = 0; i < 2; i++) {
        mp_svg_start(w, "arm");
        mp_svg_attr(w, "role", role[i]);
        if (st->arm_n[i])
            mp_svg_attr(w, "n", st->arm_n[i]);
        mp_svg_content(w, st->arm_label[i] ? st->arm_label[i] : role[i]);
        mp_svg_end(w);
    }
    mp_svg_end(w);
}

static void write_outcome(mp_svg_writer *w, const mp_import_outcome *o)
{
    mp_svg_start(w, "outcome");
    mp_svg_attr(w, "name", o->name);
    mp_svg_start(w, forms[o->form].element);
    for (int i = 0; i < MP_IMPORT_VALUES; i++)
        if (forms[o->form].attr[i] && o->value[i])
            mp_svg_attr(w, forms[o->form].attr[i], o->value[i]);
    mp_svg_end(w);
    mp_svg_end(w);
}

static void write_study(mp_svg_writer *w, const mp_import_study *st)
{
    mp_svg_start(w, "study");
    mp_svg_attr(w, "id", st->id);
    mp_svg_attr(w, "format", "1");
    text_element(w, "title", st->title);
    text_element(w, "design", "rct");
    mp_svg_start(w, "publication");
    mp_svg_attr(w, "year", st->year);
    if (st->doi)
        mp_svg_attr(w, "doi", st->doi);
    mp_svg_content(w, st->citation && st->citation[0] ? st->citation : st->title);
    mp_svg_end(w);
    write_arms(w, st);
    for (const mp_import_covariate *c = st->covariates; c; c = c->next) {
        mp_svg_start(w, "covariate");
        mp_svg_attr(w, "name", c->name);
        mp_svg_attr(w, "value", c->value);
        mp_svg_end(w);
    }
    for (const mp_import_outcome *o = st->outcomes; o; o = o->next)
        write_outcome(w, o);
    if (st->notes)
        text_element(w, "notes", st->notes);
    mp_svg_end(w);
}

mp_status mp_descriptor_write(const mp_import_study *st, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    xmlBufferPtr b = xmlBufferCreate();
    if (!b)
        return MP_ENOMEM;
    mp_svg_writer w;
    mp_status rc = mp_svg_writer_open(&w, b);
    if (rc == MP_OK) {
        if (xmlTextWriterSetIndentString(w.w, (const xmlChar *)"  ") < 0 ||
            xmlTextWriterStartDocument(w.w, "1.0", "UTF-8", NULL) < 0)
            w.failed = 1;
        write_study(&w, st);
        if (!w.failed && xmlTextWriterEndDocument(w.w) < 0)
            w.failed = 1;
        xmlFreeTextWriter(w.w);
        rc = w.failed ? MP_ENOMEM : MP_OK;
    }
    if (rc == MP_OK) {
        size_t n = (size_t)xmlBufferLength(b);
        *buf = malloc(n + 1);
        if (*buf) {
            memcpy(*buf, xmlBufferContent(b), n);
            (*buf)[n] = '\0';
            *len = n;
        } else {
            rc = MP_ENOMEM;
        }
    }
    xmlBufferFree(b);
    return rc;
}
