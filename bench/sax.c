/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench/sax.c - the floor of reading: a bare libxml2 SAX2 parse of a file.
 *
 * Usage: sax FILE
 * Parses FILE with libxml2's push parser, 64 KiB at a time with the
 * options metapool reads with (no network, big line numbers), SAX2 with a
 * start-element callback that only counts; prints the element count.
 * bench/run times it beside metapool on the same collection: metapool's
 * whole run against what parsing alone costs.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

static void on_start(void *ctx, const xmlChar *name, const xmlChar *prefix,
                     const xmlChar *uri, int nns, const xmlChar **ns, int nattr,
                     int ndef, const xmlChar **attr)
{
    (void)name, (void)prefix, (void)uri, (void)nns, (void)ns, (void)nattr;
    (void)ndef, (void)attr;
    ++*(long *)ctx;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sax FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    xmlSAXHandler h;
    memset(&h, 0, sizeof h);
    h.initialized = XML_SAX2_MAGIC;
    h.startElementNs = on_start;
    long elements = 0;
    static char buf[1 << 16];
    xmlParserCtxtPtr px = xmlCreatePushParserCtxt(&h, &elements, NULL, 0, argv[1]);
    xmlCtxtUseOptions(px, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        xmlParseChunk(px, buf, (int)n, 0);
    xmlParseChunk(px, buf, 0, 1);
    int ok = px->wellFormed;
    xmlFreeParserCtxt(px);
    fclose(f);
    printf("%ld elements%s\n", elements, ok ? "" : " (not well-formed)");
    return ok ? 0 : 1;
}
