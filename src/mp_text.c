/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_text.c - lexical helpers; see mp_text.h. */
#include "mp_text.h"

#include <math.h>
#include <stdint.h>
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

/* Exact powers of ten: every 10^n with n <= 22 is a double (5^22 < 2^53). */
static const double exact_pow10[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};
#define EXACT_POW10_MAX 22

/* The digits at s, counted, and appended to the significand *m while it
 * stays below 2^53 so that it is exact; *m becomes -1 (for good) when it
 * would not.  One pass serves the grammar and the value. */
static size_t significand_digits(const char *s, int64_t *m)
{
    size_t n = 0;
    for (; is_digit(s[n]); n++) {
        if (*m < 0 || *m >= (INT64_C(1) << 53) / 10)
            *m = -1;
        else
            *m = 10 * *m + (s[n] - '0');
    }
    return n;
}

/* s (of the grammar above, its significand m or -1 when not exact,
 * scaled by 10^scale) to the nearest double.  Clinger's fast path (Clinger, "How to read
 * floating point numbers accurately", PLDI 1990): when the significand m
 * and 10^|scale| are both exact doubles, m * 10^scale or m / 10^-scale is
 * one correctly rounded IEEE operation, which is strtod's answer; other
 * numbers go to strtod. */
static double decimal_value(const char *s, int64_t m, long scale)
{
    if (m < 0 || scale > EXACT_POW10_MAX || scale < -EXACT_POW10_MAX)
        return strtod(s, NULL);
    double v = scale >= 0 ? (double)m * exact_pow10[scale]
                          : (double)m / exact_pow10[-scale];
    return *s == '-' ? -v : v;
}

/* 0.5 * 10^n, as 0.5 * pow(10, n) gives it: from the table where 10^|n| is
 * exact (division then rounds once, as pow's correctly rounded result
 * does; tests/check_text.c compares the two for every such n). */
static double half_pow10(long n)
{
    if (n >= 0 && n <= EXACT_POW10_MAX)
        return 0.5 * exact_pow10[n];
    if (n < 0 && n >= -EXACT_POW10_MAX)
        return 0.5 / exact_pow10[-n];
    return 0.5 * pow(10.0, (double)n);
}

int mp_text_parse_decimal(const char *s, double *value, double *half_unit)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int64_t m = 0;
    size_t whole = significand_digits(p, &m);
    p += whole;
    long decimals = 0;
    if (*p == '.') {
        p++;
        decimals = (long)significand_digits(p, &m);
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
    *value = decimal_value(s, m, exponent - decimals);
    *half_unit = half_pow10(exponent - decimals);
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
