/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_format.c - unit tests of mp_format: numbers and strings as text.
 *
 * Expected strings follow from the contract in src/mp_format.h and from
 * C99 printf semantics ("%.2f", "%.2e", "%.2g"); the shortest round-trip
 * forms were checked against python3's repr(float), which prints the
 * shortest decimal that reads back exactly (e.g. repr(1/3) =
 * '0.3333333333333333', repr(2.0**-1074) = '5e-324').
 */
#include <check.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mp_format.h"
#include "testutil.h"

/* How many random doubles the round-trip test formats. */
#define N_RANDOM 200000
/* How many random bit patterns are compared with printf byte for byte. */
#define N_AS_PRINTF 1000000L

/* ---- helpers -------------------------------------------------------------- */

/* Deterministic 64-bit generator (xorshift64*), so a failure reproduces. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Du;
}

static double bits_to_double(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* JSON number grammar (RFC 8259 section 6):
 * -? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)? */
static int is_json_number(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return 0;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* Significant digits in a %g-style mantissa. */
static int sig_digits(const char *s)
{
    int n = 0, started = 0;
    for (const char *p = s; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p < '0' || *p > '9')
            continue;
        if (*p != '0')
            started = 1;
        if (started)
            n++;
    }
    /* trailing zeros of an integer mantissa ("100") are not significant */
    const char *e = strpbrk(s, "eE");
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (!memchr(s, '.', len))
        for (size_t i = len; i > 0 && s[i - 1] == '0' && n > 1; i--)
            n--;
    return n;
}

/* Does some decimal with fewer than d significant digits read back as x? */
static int shorter_exists(double x, int d)
{
    char b[512];
    for (int prec = 1; prec < d; prec++) {
        snprintf(b, sizeof b, "%.*g", prec, x);
        if (strtod(b, NULL) == x)
            return 1;
    }
    return 0;
}

typedef int (*writer_fn)(FILE *out, const char *s);

/* Output of a writer in a malloc'd string; *rc its return value. */
static char *capture(writer_fn fn, const char *s, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    *rc = fn(f, s);
    fclose(f);
    return buf;
}

/* mp_format_pad appended to an empty buffer of 256 bytes. */
static char *pad_new(const char *s, size_t w)
{
    char *dst = calloc(1, 256);
    ck_assert_ptr_nonnull(dst);
    mp_format_pad(dst, 256, s, w);
    return dst;
}

static void expect_json_string(const char *in, const char *out)
{
    int rc;
    char *got = capture(mp_format_json_string, in, &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_msg(strcmp(got, out) == 0, "json string: got [%s], expected [%s]",
                  got, out);
    free(got);
}

static void expect_csv(const char *in, const char *out)
{
    int rc;
    char *got = capture(mp_format_csv_field, in, &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_msg(strcmp(got, out) == 0, "csv field: got [%s], expected [%s]",
                  got, out);
    free(got);
}

static void expect_pad(const char *in, size_t w, const char *out)
{
    char *got = pad_new(in, w);
    ck_assert_msg(strcmp(got, out) == 0, "pad(\"%s\", %zu): got [%s], expected [%s]",
                  in, w, got, out);
    free(got);
}

#define EXPECT_FMT(call, buf, want)                                             \
    do {                                                                        \
        call;                                                                   \
        ck_assert_msg(strcmp(buf, want) == 0, "%s gave \"%s\", expected \"%s\"", \
                      #call, buf, want);                                        \
    } while (0)

/* ---- JSON numbers ------------------------------------------------------------ */

START_TEST(json_number_specific)
{
    char b[MP_NUMBUF];
    static const struct { double x; const char *s; } c[] = {
        { 0.1, "0.1" },                         /* python repr(0.1) */
        { 0.0, "0" },
        { 1.0, "1" },
        { -2.5, "-2.5" },
        { 123456789.0, "123456789" },
        { 100.0, "100" },                       /* whole digits written out */
        { 1234567.0, "1234567" },
        { 1e22, "1e+22" },
        { 1.0 / 3.0, "0.3333333333333333" },    /* repr(1/3) */
        { 0.1 + 0.2, "0.30000000000000004" },   /* repr(0.1+0.2): 17 digits */
        { 1e300, "1e+300" },
        { -1e-300, "-1e-300" },
        { DBL_MAX, "1.7976931348623157e+308" }, /* repr(sys.float_info.max) */
        { DBL_MIN, "2.2250738585072014e-308" }, /* repr(sys.float_info.min) */
        { -0.2231435513142097, "-0.2231435513142097" }, /* repr(log(0.8)) */
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        mp_format_json_number(b, c[i].x);
        ck_assert_msg(strcmp(b, c[i].s) == 0, "json_number(%.17g) = \"%s\", expected \"%s\"",
                      c[i].x, b, c[i].s);
    }
}
END_TEST

START_TEST(json_number_negative_zero)
{
    /* -0.0: a valid JSON number that reads back with its sign */
    char b[MP_NUMBUF];
    mp_format_json_number(b, -0.0);
    ck_assert_str_eq(b, "-0");
    double r = strtod(b, NULL);
    ck_assert_msg(r == 0.0 && signbit(r), "\"%s\" read back as %g", b, r);
}
END_TEST

START_TEST(json_number_not_finite_is_null)
{
    char b[MP_NUMBUF];
    EXPECT_FMT(mp_format_json_number(b, NAN), b, "null");
    EXPECT_FMT(mp_format_json_number(b, INFINITY), b, "null");
    EXPECT_FMT(mp_format_json_number(b, -INFINITY), b, "null");
}
END_TEST

START_TEST(json_number_round_trip_random)
{
    /* Uniform random bit patterns (every exponent, subnormals included),
     * then doubles of "human" size: strtod(output) == x, exactly, and the
     * output is a JSON number. */
    char b[MP_NUMBUF];
    size_t tested = 0;
    for (int i = 0; i < N_RANDOM; i++) {
        double x = bits_to_double(rng_next());
        if (!isfinite(x))
            continue;
        mp_format_json_number(b, x);
        ck_assert_msg(strtod(b, NULL) == x || (x == 0 && strtod(b, NULL) == 0),
                      "%.17g printed as \"%s\" reads back as %.17g", x, b,
                      strtod(b, NULL));
        ck_assert_msg(is_json_number(b), "%.17g printed as \"%s\": not JSON", x, b);
        tested++;
    }
    for (int i = 0; i < N_RANDOM; i++) {
        double u = (double)(rng_next() >> 11) / 9007199254740992.0;  /* [0,1) */
        double x = (u - 0.5) * pow(10.0, (double)(i % 13) - 6);
        mp_format_json_number(b, x);
        ck_assert_msg(strtod(b, NULL) == x, "%.17g printed as \"%s\"", x, b);
        ck_assert_msg(is_json_number(b), "%.17g printed as \"%s\": not JSON", x, b);
        tested++;
    }
    ck_assert_uint_gt(tested, N_RANDOM);
}
END_TEST

START_TEST(json_number_shortest_normal)
{
    /* For normal doubles no decimal with fewer digits reads back as x. */
    char b[MP_NUMBUF];
    for (int i = 0; i < N_RANDOM / 10; i++) {
        double x = bits_to_double(rng_next());
        if (!isnormal(x))
            continue;
        mp_format_json_number(b, x);
        int d = sig_digits(b);
        ck_assert_msg(!shorter_exists(x, d),
                      "%.17g printed as \"%s\" (%d digits); a shorter form exists",
                      x, b, d);
    }
    /* short values stay short */
    double shorts[] = { 0.5, 0.25, 1.04, 0.95, 2e-3, 1e-5, 12345.678, 1e22 };
    for (size_t i = 0; i < sizeof shorts / sizeof shorts[0]; i++) {
        mp_format_json_number(b, shorts[i]);
        ck_assert_msg(!shorter_exists(shorts[i], sig_digits(b)),
                      "%.17g printed as \"%s\"", shorts[i], b);
    }
}
END_TEST

/* Regression test: subnormal numbers in their shortest form.  An earlier
 * mp_format_json_number started its search at "%.15g" and printed the
 * smallest double 2^-1074 as "4.94065645841247e-324"; the shortest decimal
 * (python3: repr(2.0**-1074) == '5e-324') is what mp_format.h promises. */
START_TEST(json_number_shortest_subnormal)
{
    char b[MP_NUMBUF];
    mp_format_json_number(b, 5e-324);
    ck_assert_msg(strtod(b, NULL) == 5e-324, "\"%s\" does not read back", b);
    ck_assert_msg(strcmp(b, "5e-324") == 0,
                  "json_number(5e-324) = \"%s\", shortest is \"5e-324\"", b);
    mp_format_json_number(b, ldexp(1.0, -1060));
    ck_assert_msg(strcmp(b, "8.095e-320") == 0,
                  "json_number(2^-1060) = \"%s\", shortest is \"8.095e-320\"", b);
}
END_TEST

/* What the JSON report printed before mp_shortest, by printf and strtod
 * alone: "%.*g" at the least precision that reads back as x, and at no
 * less than 15 for a normal double. */
static void printf_reference(char b[MP_NUMBUF], double x)
{
    for (int p = isnormal(x) ? 15 : 1; p <= 17; p++) {
        snprintf(b, MP_NUMBUF, "%.*g", p, x);
        if (strtod(b, NULL) == x && signbit(strtod(b, NULL)) == signbit(x))
            return;
    }
}

static void expect_as_printf(double x)
{
    char got[MP_NUMBUF], want[MP_NUMBUF];
    if (!isfinite(x))
        return;
    mp_format_json_number(got, x);
    printf_reference(want, x);
    ck_assert_msg(strcmp(got, want) == 0, "json_number(%a) = \"%s\", printf gives \"%s\"",
                  x, got, want);
}

/* x and its two neighbours */
static void expect_as_printf_near(double x)
{
    expect_as_printf(x);
    expect_as_printf(nextafter(x, 0));
    expect_as_printf(nextafter(x, x > 0 ? INFINITY : -INFINITY));
}

/* The same bytes as printf_reference, so that no report changes: random
 * bit patterns (every exponent and sign), then the edges of the
 * algorithm: powers of two (where the gap below is half the gap above)
 * and of ten, subnormals, 2^53 and the integers, and the extremes. */
START_TEST(json_number_as_printf)
{
    for (long i = 0; i < N_AS_PRINTF; i++) {
        expect_as_printf(bits_to_double(rng_next()));
    }
    for (int e = -1074; e <= 1023; e++)
        expect_as_printf_near(-ldexp(1.0, e));
    for (int e = -323; e <= 308; e++) {
        char t[16];
        snprintf(t, sizeof t, "1e%d", e);
        expect_as_printf_near(strtod(t, NULL));
    }
    for (uint64_t m = 1; m < 20000; m++)
        expect_as_printf(bits_to_double(m * 224737));     /* subnormals */
    for (long n = 1; n < 100000; n++)
        expect_as_printf((double)n * 3);
    expect_as_printf_near(9007199254740992.0);          /* 2^53 */
    expect_as_printf_near(DBL_MAX);
    expect_as_printf_near(DBL_MIN);
    expect_as_printf(5e-324);
    expect_as_printf(0.0);
    expect_as_printf(-0.0);
}
END_TEST

START_TEST(int_as_printf)
{
    static const long c[] = { 0, 7, -1, 10, 2024, -987654321, LONG_MAX, LONG_MIN };
    char b[MP_NUMBUF], want[MP_NUMBUF];
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        mp_format_int(b, c[i]);
        snprintf(want, sizeof want, "%ld", c[i]);
        ck_assert_str_eq(b, want);
    }
}
END_TEST

/* ---- fixed, ratio, p ------------------------------------------------------------ */

START_TEST(fixed_decimals)
{
    char b[MP_NUMBUF];
    EXPECT_FMT(mp_format_fixed(b, 1.23456, 2), b, "1.23");
    EXPECT_FMT(mp_format_fixed(b, 1.23456, 4), b, "1.2346");
    EXPECT_FMT(mp_format_fixed(b, -1.5, 1), b, "-1.5");
    EXPECT_FMT(mp_format_fixed(b, 1e6, 3), b, "1000000.000");
    EXPECT_FMT(mp_format_fixed(b, 7.0, 0), b, "7");
    EXPECT_FMT(mp_format_fixed(b, 0.0, 2), b, "0.00");
    /* never a negative zero */
    EXPECT_FMT(mp_format_fixed(b, -0.0, 2), b, "0.00");
    EXPECT_FMT(mp_format_fixed(b, -0.001, 2), b, "0.00");
    EXPECT_FMT(mp_format_fixed(b, -0.4, 0), b, "0");
    EXPECT_FMT(mp_format_fixed(b, -0.006, 2), b, "-0.01");
    EXPECT_FMT(mp_format_fixed(b, NAN, 2), b, "NA");
    EXPECT_FMT(mp_format_fixed(b, INFINITY, 2), b, "NA");
    EXPECT_FMT(mp_format_fixed(b, -INFINITY, 2), b, "NA");
    /* the biggest number fits the buffer with a few decimals */
    mp_format_fixed(b, -1e20, 6);
    ck_assert_str_eq(b, "-100000000000000000000.000000");
}
END_TEST

START_TEST(ratio_for_people)
{
    char b[MP_NUMBUF];
    EXPECT_FMT(mp_format_ratio(b, 0.8), b, "0.80");
    EXPECT_FMT(mp_format_ratio(b, 1.0), b, "1.00");
    EXPECT_FMT(mp_format_ratio(b, 12.3), b, "12.30");
    EXPECT_FMT(mp_format_ratio(b, 99.99), b, "99.99");
    EXPECT_FMT(mp_format_ratio(b, 0.1), b, "0.10");
    /* 3 decimals below 0.1, where 2 would lose the figure */
    EXPECT_FMT(mp_format_ratio(b, 0.094), b, "0.094");
    EXPECT_FMT(mp_format_ratio(b, 0.05), b, "0.050");
    EXPECT_FMT(mp_format_ratio(b, 0.01), b, "0.010");
    /* exponent outside 0.01 .. 100 */
    EXPECT_FMT(mp_format_ratio(b, 0.0099), b, "9.90e-03");
    EXPECT_FMT(mp_format_ratio(b, 0.00123), b, "1.23e-03");
    EXPECT_FMT(mp_format_ratio(b, 100.0), b, "1.00e+02");
    EXPECT_FMT(mp_format_ratio(b, 99.999), b, "1.00e+02");  /* not "100.00" */
    EXPECT_FMT(mp_format_ratio(b, 250.0), b, "2.50e+02");
    EXPECT_FMT(mp_format_ratio(b, NAN), b, "NA");
    /* exp() of a bound that overflowed or underflowed */
    EXPECT_FMT(mp_format_ratio(b, INFINITY), b, ">1e+308");
    EXPECT_FMT(mp_format_ratio(b, 0.0), b, "<1e-308");
}
END_TEST

START_TEST(p_for_people)
{
    char b[MP_NUMBUF];
    EXPECT_FMT(mp_format_p(b, 0.81), b, "0.81");
    EXPECT_FMT(mp_format_p(b, 0.5), b, "0.50");
    EXPECT_FMT(mp_format_p(b, 1.0), b, "1.00");
    EXPECT_FMT(mp_format_p(b, 0.0034), b, "0.0034");
    EXPECT_FMT(mp_format_p(b, 0.0123), b, "0.012");
    EXPECT_FMT(mp_format_p(b, 0.0949), b, "0.095");
    EXPECT_FMT(mp_format_p(b, 0.00012345), b, "0.00012");
    EXPECT_FMT(mp_format_p(b, 0.0001), b, "0.0001");
    EXPECT_FMT(mp_format_p(b, 0.0000999), b, "< 0.0001");
    EXPECT_FMT(mp_format_p(b, 1e-12), b, "< 0.0001");
    EXPECT_FMT(mp_format_p(b, 0.0), b, "< 0.0001");
    EXPECT_FMT(mp_format_p(b, NAN), b, "NA");
    EXPECT_FMT(mp_format_p(b, INFINITY), b, "NA");
    /* never an exponent between 0.0001 and 1 */
    for (double p = 0.0001; p < 1; p *= 1.01) {
        mp_format_p(b, p);
        ck_assert_msg(!strpbrk(b, "eE"), "p %.17g printed as \"%s\"", p, b);
    }
}
END_TEST

/* ---- JSON strings ------------------------------------------------------------------ */

START_TEST(json_string_escapes)
{
    expect_json_string("", "\"\"");
    expect_json_string("plain text", "\"plain text\"");
    expect_json_string("say \"hi\"", "\"say \\\"hi\\\"\"");
    expect_json_string("back\\slash", "\"back\\\\slash\"");
    expect_json_string("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
    expect_json_string("\x01", "\"\\u0001\"");
    expect_json_string("\x1f", "\"\\u001f\"");
    expect_json_string("\b\f", "\"\\u0008\\u000c\"");
    expect_json_string("x\x1by", "\"x\\u001by\"");
    /* characters JSON does not require escaping pass through */
    expect_json_string("a/b \x7f ~", "\"a/b \x7f ~\"");
    /* UTF-8 passes through byte for byte */
    expect_json_string("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
                       "\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\"");
}
END_TEST

START_TEST(json_string_all_control_chars)
{
    for (int c = 1; c < 0x20; c++) {
        char in[2] = { (char)c, '\0' };
        int rc;
        char *got = capture(mp_format_json_string, in, &rc);
        ck_assert_int_eq(rc, 0);
        /* \n \r \t have short escapes, every other one \u00XX */
        ck_assert_msg(got[0] == '"' && got[1] == '\\' && got[strlen(got) - 1] == '"',
                      "control 0x%02x gave [%s]", c, got);
        for (const char *p = got; *p; p++)
            ck_assert_msg((unsigned char)*p >= 0x20,
                          "control 0x%02x passed through raw", c);
        if (c != '\n' && c != '\r' && c != '\t') {
            char want[16];
            snprintf(want, sizeof want, "\"\\u%04x\"", c);
            ck_assert_msg(strcasecmp(got, want) == 0, "0x%02x: [%s] vs [%s]", c,
                          got, want);
        }
        free(got);
    }
}
END_TEST

START_TEST(writers_report_write_errors)
{
    /* An unbuffered stream on /dev/full fails at the first byte. */
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        return;                 /* no /dev/full here: nothing to test */
    setvbuf(f, NULL, _IONBF, 0);
    ck_assert_int_eq(mp_format_json_string(f, "abc"), -1);
    ck_assert_int_eq(mp_format_csv_field(f, "abc"), -1);
    ck_assert_int_eq(mp_format_csv_field(f, "a,b"), -1);
    fclose(f);
}
END_TEST

/* ---- CSV -------------------------------------------------------------------------- */

START_TEST(csv_quoting)
{
    expect_csv("plain", "plain");
    expect_csv("", "");
    expect_csv(" spaced ", " spaced ");
    expect_csv("caf\xc3\xa9", "caf\xc3\xa9");
    expect_csv("a,b", "\"a,b\"");
    expect_csv("say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_csv("\"", "\"\"\"\"");
    expect_csv("line\nbreak", "\"line\nbreak\"");
    expect_csv("cr\r", "\"cr\r\"");
    expect_csv("semi;colon\ttab", "semi;colon\ttab");
    int rc;
    char *got = capture(mp_format_csv_field, NULL, &rc);  /* NULL: empty field */
    ck_assert_int_eq(rc, 0);
    ck_assert_str_eq(got, "");
    free(got);
}
END_TEST

/* ---- width and padding ---------------------------------------------------------------- */

START_TEST(width_counts_code_points)
{
    ck_assert_uint_eq(mp_format_width(""), 0);
    ck_assert_uint_eq(mp_format_width("abc"), 3);
    ck_assert_uint_eq(mp_format_width("\xc3\xa9"), 1);                 /* é */
    ck_assert_uint_eq(mp_format_width("caf\xc3\xa9"), 4);
    ck_assert_uint_eq(mp_format_width("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 3); /* 日本語 */
    ck_assert_uint_eq(mp_format_width("\xf0\x9f\x98\x80!"), 2);         /* 😀! */
    ck_assert_uint_eq(mp_format_width("\xc3\x85ngstr\xc3\xb6m-Stra\xc3\x9f" "e"), 15);
}
END_TEST

START_TEST(pad_short_and_exact)
{
    expect_pad("ab", 5, "ab   ");
    expect_pad("", 3, "   ");
    expect_pad("abcde", 5, "abcde");
    expect_pad("abc", 0, "abc");
    /* padding counts code points, not bytes */
    expect_pad("\xc3\xa9", 3, "\xc3\xa9  ");
    expect_pad("\xe6\x97\xa5\xe6\x9c\xac", 4, "\xe6\x97\xa5\xe6\x9c\xac  ");
}
END_TEST

START_TEST(pad_truncates_with_ellipsis)
{
    expect_pad("abcdefgh", 6, "abc...");
    expect_pad("abcdef", 5, "ab...");
    expect_pad("abcdef", 4, "a...");
    /* cut between code points, never inside one */
    expect_pad("\xc3\x85ngstr\xc3\xb6m-Stra\xc3\x9f" "e", 8, "\xc3\x85ngst...");
    expect_pad("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9", 5,
               "\xe6\x97\xa5\xe6\x9c\xac...");
    expect_pad("ab\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80" "c", 6,
               "ab\xf0\x9f\x98\x80...");
    /* the result always occupies exactly w columns */
    const char *s = "Pr\xc3\xa9" "cis d'\xc3\xa9pid\xc3\xa9miologie \xe6\x97\xa5\xe6\x9c\xac";
    for (size_t w = 4; w < 30; w++) {
        char *got = pad_new(s, w);
        ck_assert_msg(mp_format_width(got) == w, "pad(w=%zu) gave [%s], width %zu",
                      w, got, mp_format_width(got));
        free(got);
    }
}
END_TEST

START_TEST(pad_appends_and_never_overruns)
{
    /* appends to what dst holds */
    char dst[64] = "X|";
    mp_format_pad(dst, sizeof dst, "ab", 4);
    mp_format_pad(dst, sizeof dst, "cdefgh", 5);
    ck_assert_str_eq(dst, "X|ab  cd...");
    /* a small buffer is filled to cap - 1 bytes and stays terminated; the
     * bytes after it are untouched */
    struct { char buf[8]; char guard[8]; } g;
    memset(g.guard, 'G', sizeof g.guard);
    g.buf[0] = '\0';
    mp_format_pad(g.buf, sizeof g.buf, "abcdefghijklmnop", 20);
    ck_assert_str_eq(g.buf, "abcdefg");
    for (size_t i = 0; i < sizeof g.guard; i++)
        ck_assert_msg(g.guard[i] == 'G', "guard byte %zu overwritten", i);
    /* padding beyond the capacity is dropped as well */
    g.buf[0] = '\0';
    mp_format_pad(g.buf, sizeof g.buf, "ab", 30);
    ck_assert_str_eq(g.buf, "ab     ");
    for (size_t i = 0; i < sizeof g.guard; i++)
        ck_assert_msg(g.guard[i] == 'G', "guard byte %zu overwritten", i);
    /* a full buffer stays as it is */
    mp_format_pad(g.buf, sizeof g.buf, "zz", 2);
    ck_assert_str_eq(g.buf, "ab     ");
}
END_TEST

/* Regression test: narrow fields.  An earlier mp_format_pad copied a
 * longer string whole when w <= 3, overflowing its column.  mp_format.h:
 * cut to w - 3 columns plus "...", to w columns when w < 3; w = 0 means
 * no field. */
START_TEST(pad_field_of_three)
{
    char *got = pad_new("abcdef", 3);
    ck_assert_msg(strcmp(got, "...") == 0,
                  "pad(\"abcdef\", 3) gave [%s], expected [...]", got);
    free(got);
    expect_pad("abcdef", 2, "ab");
    expect_pad("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 1, "\xc3\xa9");
    expect_pad("abcdef", 0, "abcdef");
    expect_pad("abc", 3, "abc");
}
END_TEST

static Suite *format_suite(void)
{
    Suite *s = suite_create("mp_format");
    TCase *tc = tcase_create("numbers");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, json_number_specific);
    tcase_add_test(tc, json_number_negative_zero);
    tcase_add_test(tc, json_number_not_finite_is_null);
    tcase_add_test(tc, json_number_round_trip_random);
    tcase_add_test(tc, json_number_shortest_normal);
    tcase_add_test(tc, json_number_shortest_subnormal);
    tcase_add_test(tc, json_number_as_printf);
    tcase_add_test(tc, int_as_printf);
    tcase_add_test(tc, fixed_decimals);
    tcase_add_test(tc, ratio_for_people);
    tcase_add_test(tc, p_for_people);
    suite_add_tcase(s, tc);

    tc = tcase_create("strings");
    tcase_add_test(tc, json_string_escapes);
    tcase_add_test(tc, json_string_all_control_chars);
    tcase_add_test(tc, writers_report_write_errors);
    tcase_add_test(tc, csv_quoting);
    tcase_add_test(tc, width_counts_code_points);
    tcase_add_test(tc, pad_short_and_exact);
    tcase_add_test(tc, pad_truncates_with_ellipsis);
    tcase_add_test(tc, pad_appends_and_never_overruns);
    tcase_add_test(tc, pad_field_of_three);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(format_suite());
}
