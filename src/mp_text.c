/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_text.c - lexical helpers; see mp_text.h. */
#include "mp_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Locale-independent character classes. */
static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

size_t mp_text_utf8_prefix(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    /* s[n] begins what is cut off: back up over a character it continues */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

char *mp_text_squeeze(char *s)
{
    char *w = s;
    int pending = 0;
    for (const char *r = s; *r; r++) {
        if (is_space(*r)) {
            pending = w != s;
            continue;
        }
        if (pending)
            *w++ = ' ';
        pending = 0;
        *w++ = *r;
    }
    *w = '\0';
    return s;
}

void mp_text_chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
}

static size_t digits(const char *s)
{
    size_t n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

int mp_text_parse_decimal(const char *s, double *value, double *half_unit)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t whole = digits(p);
    p += whole;
    long decimals = 0;
    if (*p == '.') {
        p++;
        decimals = (long)digits(p);
        p += decimals;
    }
    if (whole == 0 && decimals == 0)
        return 0;
    long exponent = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        const char *e = p;
        if (*e == '+' || *e == '-')
            e++;
        size_t ed = digits(e);
        if (ed == 0 || ed > 4)
            return 0;
        exponent = strtol(p, NULL, 10);
        p = e + ed;
    }
    if (*p != '\0')
        return 0;
    *value = strtod(s, NULL);
    *half_unit = 0.5 * pow(10.0, (double)(exponent - decimals));
    return 1;
}

int mp_text_parse_double(const char *s, double *value)
{
    double half;
    return mp_text_parse_decimal(s, value, &half) && isfinite(*value);
}

int mp_text_parse_count(const char *s, long *value)
{
    size_t n = digits(s);
    if (n == 0 || n > 15 || s[n] != '\0')
        return 0;
    *value = strtol(s, NULL, 10);
    return 1;
}

int mp_text_parse_year(const char *s, int *year)
{
    if (digits(s) != 4 || s[4] != '\0')
        return 0;
    *year = (int)strtol(s, NULL, 10);
    return 1;
}

int mp_text_is_id(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || is_digit(*s)))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || is_digit(*s) || *s == '-'))
            return 0;
    return 1;
}

int mp_text_is_doi(const char *s)
{
    if (strncmp(s, "10.", 3) != 0)
        return 0;
    size_t n = digits(s + 3);
    if (n < 4 || n > 9 || s[3 + n] != '/' || s[4 + n] == '\0')
        return 0;
    for (const char *p = s + 4 + n; *p; p++)
        if (is_space(*p))
            return 0;
    return 1;
}
