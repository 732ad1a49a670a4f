/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests/fuzz/fuzz_numbers.c - libFuzzer harness for the numbers metapool
 * reads and writes, checked against second, independent implementations
 * (a differential fuzzer: any disagreement aborts).
 *
 *  - mp_format_json_number (every figure of the JSON report), on the
 *    double whose bits are the input's first 8 bytes: "null" exactly when
 *    not finite; otherwise valid JSON number syntax, reads back as the
 *    same double, and has no more significant digits than the least
 *    precision of "%.*g" that reads back (found here by trying 1 to 17):
 *    the shortest form; and is byte for byte that "%.*g" (at 15 digits
 *    when fewer do for a normal double), as printed before mp_shortest.
 *  - mp_text_parse_decimal / _double / _count / _year (every number of a
 *    study descriptor and of the command line), on the input as a string:
 *    accepted exactly when a separate recognizer of the documented grammar
 *    accepts, with the half unit of the last digit computed separately.
 *
 * Built and run by `make fuzz-numbers`; tests/fuzz/replay-numbers replays
 * tests/fuzz/numbers/ in `make check`.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_format.h"
#include "mp_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                         \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

static int digit(char c) { return c >= '0' && c <= '9'; }

/* JSON's number grammar (RFC 8259, section 6). */
static int json_number_syntax(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (digit(*s))
            s++;
    else
        return 0;
    if (*s == '.') {
        if (!digit(*++s))
            return 0;
        while (digit(*s))
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!digit(*s))
            return 0;
        while (digit(*s))
            s++;
    }
    return *s == '\0';
}

/* Significant digits of a number as printed: leading and trailing zeros
 * of the digit string (sign, point and exponent left out) do not count
 * ("-8220" and "8.22e+03" both have 3). */
static int significant_digits(const char *s)
{
    char d[MP_NUMBUF];
    size_t n = 0;
    for (; *s && *s != 'e' && *s != 'E'; s++)
        if (digit(*s) && (n > 0 || *s != '0'))
            d[n++] = *s;
    while (n > 0 && d[n - 1] == '0')
        n--;
    return n ? (int)n : 1;
}

static void check_json_number(double x)
{
    char buf[MP_NUMBUF];
    mp_format_json_number(buf, x);
    if (!isfinite(x)) {
        REQUIRE(strcmp(buf, "null") == 0);
        return;
    }
    REQUIRE(json_number_syntax(buf));
    char *end;
    REQUIRE(strtod(buf, &end) == x && *end == '\0');
    int shortest = 17;
    for (int p = 1; p < 17; p++) {
        char want[MP_NUMBUF];
        snprintf(want, sizeof want, "%.*g", p, x);
        if (strtod(want, NULL) == x) {
            shortest = p;
            break;
        }
    }
    REQUIRE(significant_digits(buf) <= shortest);
    /* and byte for byte what the report printed by printf alone: "%.*g"
     * at that precision, or at 15 for a normal double that needs less */
    char want[MP_NUMBUF];
    snprintf(want, sizeof want, "%.*g", isnormal(x) && shortest < 15 ? 15 : shortest, x);
    REQUIRE(strcmp(buf, want) == 0);
}

/* The decimal grammar of mp_text.h, recognized on its own:
 * [+-]?(D+(.D*)?|.D+)([eE][+-]?D{1,4})?; *scale = exponent - decimals. */
static int decimal_syntax(const char *s, long *scale)
{
    size_t i = 0, whole = 0, decimals = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (digit(s[i]))
        i++, whole++;
    if (s[i] == '.')
        for (i++; digit(s[i]); i++)
            decimals++;
    if (whole + decimals == 0)
        return 0;
    long exponent = 0;
    if (s[i] == 'e' || s[i] == 'E') {
        int sign = 1;
        i++;
        if (s[i] == '+' || s[i] == '-')
            sign = s[i++] == '-' ? -1 : 1;
        size_t n = 0;
        for (; digit(s[i]); i++, n++)
            if (n < 4)
                exponent = 10 * exponent + (s[i] - '0');
        if (n == 0 || n > 4)
            return 0;
        exponent *= sign;
    }
    *scale = exponent - (long)decimals;
    return s[i] == '\0';
}

static void check_text(const char *s)
{
    long scale = 0;
    int ok = decimal_syntax(s, &scale);
    double v = NAN, half = NAN;
    REQUIRE(mp_text_parse_decimal(s, &v, &half) == ok);
    if (ok) {
        REQUIRE(v == strtod(s, NULL) || (isnan(v) && isnan(strtod(s, NULL))));
        REQUIRE(half == 0.5 * pow(10.0, (double)scale));
    }
    double d;
    REQUIRE(mp_text_parse_double(s, &d) == (ok && isfinite(v)));
    size_t n = strspn(s, "0123456789");
    long count, want = 0;
    for (size_t i = 0; i < n && i < 15; i++)
        want = 10 * want + (s[i] - '0');
    int is_count = n >= 1 && n <= 15 && s[n] == '\0';
    REQUIRE(mp_text_parse_count(s, &count) == is_count);
    if (is_count)
        REQUIRE(count == want);
    int year;
    REQUIRE(mp_text_parse_year(s, &year) == (n == 4 && s[4] == '\0'));
    if (n == 4 && s[4] == '\0')
        REQUIRE(year == (int)want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= sizeof(double)) {
        double x;
        memcpy(&x, data, sizeof x);
        check_json_number(x);
    }
    char s[128];
    size_t n = size < sizeof s - 1 ? size : sizeof s - 1;
    memcpy(s, data, n);
    s[n] = '\0';
    check_text(s);
    return 0;
}
