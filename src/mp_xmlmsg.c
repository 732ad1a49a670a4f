/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_xmlmsg.c - libxml2's parser errors in plain words; inputs that are not
 * XML; see mp_xmlmsg.h.
 *
 * The wording is chosen per error code (libxml2's xmlParserErrors); where
 * one code covers several faults, the text of libxml2's message tells them
 * apart.  An error without a wording of its own keeps libxml2's text, made
 * one line.
 */
#include "mp_xmlmsg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DESCRIPTOR "a study descriptor is an XML document whose root " \
    "element is <study> or <studies> (see metapool-study(5))"
#define IMPORT "convert it to descriptors (metapool import, see metapool(1))"

const char mp_xml_revman_message[] =
    "is a RevMan 5 review, not a study descriptor; " IMPORT;

static int say(char *buf, size_t size, int syntax, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int say(char *buf, size_t size, int syntax, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return syntax;
}

/* libxml2's own text on one line: inner line breaks become "; ", trailing
 * blanks and " !" go. */
static int libxml2_text(const char *m, char *buf, size_t size)
{
    size_t w = 0;
    for (const char *p = m; *p && w + 3 < size; p++) {
        if (*p != '\n') {
            buf[w++] = *p;
        } else if (p[1]) {
            buf[w++] = ';';
            buf[w++] = ' ';
        }
    }
    while (w > 0 && (buf[w - 1] == ' ' || buf[w - 1] == '!'))
        w--;
    buf[w] = '\0';
    if (w == 0)
        snprintf(buf, size, "error");
    return 1;
}

/* "Input is not proper UTF-8 ... Bytes: 0xF6 0x6E ...": the first byte. */
static int not_utf8(const char *m, const mp_xml_where *w, char *buf,
                    size_t size)
{
    const char *hex = strstr(m, "0x");
    unsigned byte;
    char what[32] = "a byte";
    if (hex && sscanf(hex, "0x%2X", &byte) == 1)
        snprintf(what, sizeof what, "byte 0x%02X", byte);
    return say(buf, size, 0, "%s is not UTF-8%s: save the file as UTF-8 or "
               "declare its %sencoding in the XML declaration, such as "
               "encoding=\"ISO-8859-1\" for Latin-1", what,
               w->declared ? ", the encoding the XML declaration names"
                           : " (a file that declares no encoding is read as UTF-8)",
               w->declared ? "real " : "");
}

static int invalid_char(const xmlError *e, const char *m,
                        const mp_xml_where *w, char *buf, size_t size)
{
    if (strstr(m, "Bytes:"))
        return not_utf8(m, w, buf, size);
    if (strstr(m, "CharRef"))
        return say(buf, size, 1, "a character reference to a character "
                   "that XML does not allow");
    if (e->int1 > 0)
        return say(buf, size, 1, "character U+%04X is not allowed in XML",
                   (unsigned)e->int1);
    return libxml2_text(m, buf, size);
}

/* The end of the document where the parser expected more, or found more. */
static int document_end(const char *m, const mp_xml_where *w, char *buf,
                        size_t size)
{
    if (w->open && w->open_line > 0)
        return say(buf, size, 1, "the file ends inside <%s> of line %ld: its "
                   "end tag </%s> is missing", w->open, w->open_line, w->open);
    if (w->open)
        return say(buf, size, 1, "the file ends inside <%s>: its end tag "
                   "</%s> is missing", w->open, w->open);
    if (w->root)
        return say(buf, size, 1, "content after the end of the root element "
                   "<%s>: a document has one root element (several studies go "
                   "in one <studies>)", w->root);
    return libxml2_text(m, buf, size);
}

#define AMP "'&' that does not begin a reference such as &amp;: write a " \
    "literal & as &amp;"
#define CHARREF "a malformed character reference: write &#233; or &#xE9; " \
    "(and a literal & as &amp;)"
#define XMLDECL "a malformed XML declaration: write <?xml version=\"1.0\" " \
    "encoding=\"UTF-8\"?>"

/* The errors of the syntax whose wording takes nothing from the error. */
static const struct {
    int code;
    const char *text;
} fixed[] = {
    { XML_ERR_ENTITYREF_SEMICOL_MISSING, AMP },
    { XML_ERR_INVALID_HEX_CHARREF, CHARREF },
    { XML_ERR_INVALID_DEC_CHARREF, CHARREF },
    { XML_ERR_INVALID_CHARREF, CHARREF },
    { XML_ERR_MISPLACED_CDATA_END, "']]>' is not allowed in text: write it "
      "as ]]&gt;" },
    { XML_ERR_HYPHEN_IN_COMMENT, "'--' inside a comment (<!-- ... -->)" },
    { XML_ERR_COMMENT_NOT_FINISHED, "a comment (<!--) without its end (-->)" },
    { XML_ERR_PI_NOT_FINISHED, "a processing instruction (<?) without its "
      "end (?>)" },
    { XML_ERR_CDATA_NOT_FINISHED, "a CDATA section (<![CDATA[) without its "
      "end (]]>)" },
    { XML_ERR_LT_IN_ATTRIBUTE, "'<' in an attribute value: write it as &lt; "
      "(or is the value's closing quote missing?)" },
    { XML_ERR_ATTRIBUTE_NOT_STARTED, "an attribute value without quotes: "
      "write name=\"value\"" },
    { XML_ERR_ATTRIBUTE_NOT_FINISHED, "an attribute value without its "
      "closing quote" },
    { XML_ERR_DOCUMENT_EMPTY, "the document holds no element; " DESCRIPTOR },
    { XML_ERR_VERSION_MISSING, XMLDECL },
    { XML_ERR_UNKNOWN_VERSION, XMLDECL },
    { XML_ERR_XMLDECL_NOT_STARTED, XMLDECL },
    { XML_ERR_XMLDECL_NOT_FINISHED, XMLDECL },
    { XML_ERR_STANDALONE_VALUE, XMLDECL },
};

/* Errors of a code that covers several faults, told apart by libxml2's
 * text: the first entry of the code whose text holds `has`. */
static const struct {
    int code;
    const char *has, *text;
} by_text[] = {
    { XML_ERR_NAME_REQUIRED, "EntityRef", AMP },
    { XML_ERR_NAME_REQUIRED, "StartTag", "'<' that does not begin a tag: "
      "write a literal < as &lt;" },
    { XML_ERR_NAME_REQUIRED, "attribute", "a start tag holds something "
      "other than attributes (name=\"value\", separated by spaces)" },
    { XML_ERR_SPACE_REQUIRED, "attributes construct", "a start tag whose "
      "attributes are not name=\"value\" pairs separated by spaces" },
    { XML_ERR_RESERVED_XML_NAME, "XML declaration", "the XML declaration "
      "(<?xml ...?>) is not at the very start of the file: nothing, not even "
      "a blank line, may come before it" },
    { XML_ERR_GT_REQUIRED, "expected '>'", "an end tag does not end with '>' "
      "(an end tag holds the element's name only)" },
};

/* The wording the tables give an error, or NULL. */
static const char *table_text(int code, const char *m)
{
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (fixed[i].code == code)
            return fixed[i].text;
    for (size_t i = 0; i < sizeof by_text / sizeof *by_text; i++)
        if (by_text[i].code == code && strstr(m, by_text[i].has))
            return by_text[i].text;
    return NULL;
}

/* Errors whose wording names what the error names. */
static int named(const xmlError *e, const char *m, char *buf, size_t size)
{
    const char *s1 = e->str1 ? (const char *)e->str1 : "";
    switch (e->code) {
    case XML_ERR_TAG_NAME_MISMATCH:
        return say(buf, size, 1, "end tag </%s> does not match the start tag "
                   "<%s> of line %d", e->str2 ? (const char *)e->str2 : "",
                   s1, e->int1);
    case XML_ERR_TAG_NOT_FINISHED:
        return say(buf, size, 1, "the file ends inside <%s> of line %d: its "
                   "end tag </%s> is missing", s1, e->int1, s1);
    case XML_ERR_GT_REQUIRED:
        return say(buf, size, 1, "the start tag <%s> does not end with "
                   "'>' or '/>'", s1);
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
        return say(buf, size, 1, "attribute %s has no value: write "
                   "%s=\"...\"", s1, s1);
    case XML_ERR_ATTRIBUTE_REDEFINED:
    case XML_NS_ERR_ATTRIBUTE_REDEFINED:
        return say(buf, size, 1, "attribute %s appears twice in one start "
                   "tag", s1);
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
        return say(buf, size, 1, "unknown entity &%s;: XML has only &amp; "
                   "&lt; &gt; &quot; &apos; and character references such "
                   "as &#233;", s1);
    default:
        return libxml2_text(m, buf, size);
    }
}

int mp_xml_message(const xmlError *e, const mp_xml_where *w, char *buf,
                   size_t size)
{
    const char *m = e->message ? e->message : "";
    const char *text = table_text(e->code, m);
    if (text)
        return say(buf, size, 1, "%s", text);
    switch (e->code) {
    case XML_ERR_INVALID_CHAR:
        return invalid_char(e, m, w, buf, size);
    case XML_ERR_UNKNOWN_ENCODING:
    case XML_ERR_UNSUPPORTED_ENCODING:
        return say(buf, size, 0, "unknown encoding \"%s\" in the XML "
                   "declaration: save the file as UTF-8 and declare "
                   "encoding=\"UTF-8\"", e->str1 ? (const char *)e->str1 : "");
    case XML_ERR_INVALID_ENCODING:
        return say(buf, size, 0, "the encoding the XML declaration names is "
                   "not the one of the file's byte order mark: correct or "
                   "remove encoding=\"...\"");
    case XML_ERR_DOCUMENT_END:
        return document_end(m, w, buf, size);
    default:
        return named(e, m, buf, size);
    }
}

/* ---- inputs that are not XML -------------------------------------------------- */

int mp_xml_ascii_compatible(const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)b;
    if (n >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE)))
        return 0;               /* UTF-16 or UTF-32 byte order mark */
    if (n >= 4 && memcmp(p, "\x4C\x6F\xA7\x94", 4) == 0)
        return 0;               /* "<?xm" in EBCDIC */
    return memchr(p, 0, n < 4 ? n : 4) == NULL;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char bom[] = "\xEF\xBB\xBF";

/* The first line of b[0..n) holds a comma, a semicolon or a tab. */
static int table_line(const char *b, size_t n)
{
    for (size_t i = 0; i < n && b[i] != '\n' && b[i] != '\r'; i++)
        if (b[i] == ',' || b[i] == ';' || b[i] == '\t')
            return 1;
    return 0;
}

int mp_xml_sniff(const char *b, size_t n, int eof, char *buf, size_t size)
{
    if (n == 0 && eof)
        return say(buf, size, 1, "is empty; " DESCRIPTOR);
    if (n >= 4 && (memcmp(b, "PK\3\4", 4) == 0 || memcmp(b, "PK\5\6", 4) == 0))
        return say(buf, size, 1, "is a zip archive, not a study descriptor; "
                   "if it is a zipped RevMan 5 review, " IMPORT);
    if (!mp_xml_ascii_compatible(b, n))
        return 0;               /* the parser knows these encodings */
    size_t i = n >= 3 && memcmp(b, bom, 3) == 0 ? 3 : 0;
    while (i < n && is_space((unsigned char)b[i]))
        i++;
    if (i == n)
        return eof && say(buf, size, 1, "holds only white space; " DESCRIPTOR);
    if (b[i] == '<')
        return 0;
    if (n - i >= 3 && memcmp(b + i, bom, 3) == 0)
        return say(buf, size, 1, "holds a byte order mark (bytes 0xEF 0xBB "
                   "0xBF) at byte %zu; one may only be the file's first three "
                   "bytes: remove it", i + 1);
    if (table_line(b + i, n - i))
        return say(buf, size, 1, "is a CSV table, not a study descriptor; "
                   IMPORT);
    return say(buf, size, 1, "is not XML (it does not begin with '<'); "
               DESCRIPTOR "; a CSV table or a RevMan 5 review is converted "
               "with metapool import (see metapool(1))");
}
