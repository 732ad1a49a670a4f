/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_text.c - unit tests of mp_text (strict lexical parsers).
 *
 * Every expected value below follows from the grammar documented in
 * src/mp_text.h; half units are "half a unit of the last printed digit",
 * computed by hand (e.g. "0.81": last digit is hundredths, half = 0.005).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_text.h"
#include "testutil.h"

/* Values parsed by strtod from a short decimal must equal the C literal
 * exactly (expect_decimal compares with ==); TOL_EXACT is for Check's
 * ck_assert_double_eq_tol, whose comparison is strict (<).  Half units are
 * powers of ten times 0.5, computed with pow() by the library, so allow a
 * few ulps of relative error. */
#define TOL_EXACT 1e-12
#define TOL_HALF_REL 1e-12

static void expect_decimal(const char *s, double value, double half)
{
    double v = -12345.0, h = -12345.0;
    ck_assert_msg(mp_text_parse_decimal(s, &v, &h) == 1,
                  "\"%s\" should parse as a decimal", s);
    ck_assert_msg(v == value, "\"%s\": value %.17g, expected %.17g", s, v, value);
    ck_assert_msg(fabs(h - half) <= TOL_HALF_REL * half,
                  "\"%s\": half unit %.17g, expected %.17g", s, h, half);
}

static void expect_not_decimal(const char *s)
{
    double v = 0, h = 0;
    ck_assert_msg(mp_text_parse_decimal(s, &v, &h) == 0,
                  "\"%s\" should not parse as a decimal (got %g)", s, v);
}

/* ---- squeeze / chomp -------------------------------------------------------- */

START_TEST(squeeze_collapses_and_trims)
{
    static const struct { const char *in, *out; } c[] = {
        { "", "" },
        { "   ", "" },
        { "abc", "abc" },
        { "  a  b  ", "a b" },
        { "\t\na\r\n\f\vb\n", "a b" },
        { "one two", "one two" },
        { "x\n\n\n   y   z", "x y z" },
        { " \xc3\xa9t\xc3\xa9  \xe6\x97\xa5 ", "\xc3\xa9t\xc3\xa9 \xe6\x97\xa5" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", c[i].in);
        char *r = mp_text_squeeze(buf);
        ck_assert_ptr_eq(r, buf);
        ck_assert_msg(strcmp(buf, c[i].out) == 0,
                      "squeeze case %zu: got \"%s\", expected \"%s\"", i, buf,
                      c[i].out);
    }
}
END_TEST

START_TEST(chomp_removes_trailing_space)
{
    static const struct { const char *in, *out; } c[] = {
        { "", "" },
        { "abc", "abc" },
        { "abc\n", "abc" },
        { "abc \r\n\n  ", "abc" },
        { "  lead\n", "  lead" },        /* leading space is kept */
        { "a b\n", "a b" },              /* inner space is kept */
        { "\n\n", "" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", c[i].in);
        mp_text_chomp(buf);
        ck_assert_msg(strcmp(buf, c[i].out) == 0,
                      "chomp case %zu: got \"%s\", expected \"%s\"", i, buf,
                      c[i].out);
    }
}
END_TEST

/* ---- decimals ----------------------------------------------------------------- */

START_TEST(decimal_values_and_half_units)
{
    /* half unit = 0.5 * 10^(exponent - decimals), by hand */
    expect_decimal("0.81", 0.81, 0.005);
    expect_decimal("12", 12.0, 0.5);
    expect_decimal("1.2e-2", 1.2e-2, 5e-4);
    expect_decimal("1.2E-2", 1.2e-2, 5e-4);
    expect_decimal("0", 0.0, 0.5);
    expect_decimal("-0.25", -0.25, 0.005);
    expect_decimal("+1.04", 1.04, 0.005);
    expect_decimal(".5", 0.5, 0.05);
    expect_decimal("3.", 3.0, 0.5);
    expect_decimal("2e-3", 2e-3, 5e-4);
    expect_decimal("2e+3", 2000.0, 500.0);
    expect_decimal("2e3", 2000.0, 500.0);
    expect_decimal("1.500", 1.5, 0.0005);
    expect_decimal("0.0001", 1e-4, 5e-5);
    expect_decimal("123456.789", 123456.789, 0.0005);
    expect_decimal("1.5e10", 1.5e10, 5e8);
    expect_decimal("-.75e-1", -0.075, 5e-4);
    expect_decimal("1e-9999", 0.0, 0.0);   /* underflows: value 0, half 0 */
}
END_TEST

START_TEST(decimal_rejects_other_forms)
{
    static const char *const bad[] = {
        "", " ", "+", "-", ".", "+.", "e5", ".e5", "1e", "1e+", "1e-",
        "abc", "NaN", "nan", "inf", "-inf", "Infinity", "0x1p3", "0x10",
        " 1", "1 ", "1,5", "1.2.3", "--1", "+-1", "1e2.5", "1e12345",
        "1d5", "1f", "\xc2\xa0" "1", "1\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_not_decimal(bad[i]);
}
END_TEST

START_TEST(decimal_huge_exponent_is_infinite)
{
    /* "1e999" has the lexical form (exponent of at most four digits) but no
     * finite value; parse_decimal gives inf, parse_double refuses it. */
    double v = 0, h = 0;
    ck_assert_int_eq(mp_text_parse_decimal("1e999", &v, &h), 1);
    ck_assert_msg(isinf(v) && v > 0, "1e999 gave %g", v);
    ck_assert_int_eq(mp_text_parse_double("1e999", &v), 0);
    ck_assert_int_eq(mp_text_parse_double("-1e999", &v), 0);
}
END_TEST

/* The fast path (Clinger 1990) must give strtod's double, bit for bit,
 * for every form: short and long significands, points anywhere, exponents
 * inside and outside the exact powers of ten, signs, leading zeros.  The
 * strings come from a fixed-seed generator so that a failure repeats. */
static unsigned long lcg(unsigned long *state)
{
    *state = *state * 6364136223846793005UL + 1442695040888963407UL;
    return *state >> 33;
}

static void random_decimal(unsigned long *st, char *b)
{
    static const char *const signs[] = { "", "-", "+" };
    b = stpcpy(b, signs[lcg(st) % 3]);
    int nd = 1 + (int)(lcg(st) % 20), point = (int)(lcg(st) % (nd + 2)) - 1;
    for (int i = 0; i < nd; i++) {
        if (i == point)
            *b++ = '.';
        *b++ = (char)('0' + lcg(st) % 10);
    }
    if (lcg(st) % 3 == 0)
        b += sprintf(b, "e%d", (int)(lcg(st) % 61) - 30);
    *b = '\0';
}

START_TEST(decimal_fast_path_equals_strtod)
{
    unsigned long st = 20261204;
    char s[64];
    /* a check per string would cost a message to Check's parent each */
    for (int i = 0; i < 100000; i++) {
        random_decimal(&st, s);
        double v = NAN, h, want = strtod(s, NULL);
        if (mp_text_parse_decimal(s, &v, &h) != 1 ||
            memcmp(&v, &want, sizeof v) != 0)
            ck_abort_msg("\"%s\": %.17g, strtod %.17g", s, v, want);
    }
}
END_TEST

/* Half units from the table of exact powers equal 0.5 * pow(10, n), as
 * computed before the table, for every exponent the table serves. */
START_TEST(decimal_half_units_equal_pow)
{
    for (int n = -22; n <= 22; n++) {
        char s[32];
        snprintf(s, sizeof s, "1e%d", n);       /* no point: unit 10^n */
        double v, h;
        ck_assert(mp_text_parse_decimal(s, &v, &h) == 1);
        double want = 0.5 * pow(10.0, n);
        ck_assert_msg(h == want, "10^%d: %.17g, pow %.17g", n, h, want);
    }
}
END_TEST

START_TEST(parse_double_accepts_finite)
{
    double v = 0;
    ck_assert_int_eq(mp_text_parse_double("0.95", &v), 1);
    ck_assert_double_eq_tol(v, 0.95, TOL_EXACT);
    ck_assert_int_eq(mp_text_parse_double("-3e2", &v), 1);
    ck_assert_double_eq_tol(v, -300.0, TOL_EXACT);
    ck_assert_int_eq(mp_text_parse_double("nan", &v), 0);
    ck_assert_int_eq(mp_text_parse_double("", &v), 0);
    ck_assert_int_eq(mp_text_parse_double("1x", &v), 0);
}
END_TEST

/* ---- counts, years ------------------------------------------------------------ */

START_TEST(count_parsing)
{
    long v = -1;
    ck_assert_int_eq(mp_text_parse_count("0", &v), 1);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(mp_text_parse_count("173", &v), 1);
    ck_assert_int_eq(v, 173);
    ck_assert_int_eq(mp_text_parse_count("007", &v), 1);
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(mp_text_parse_count("999999999999999", &v), 1); /* 15 digits */
    ck_assert_int_eq(v, 999999999999999L);
    static const char *const bad[] = {
        "", "-1", "+1", "1.0", "1e3", " 1", "1 ", "abc", "1000000000000000", /* 16 */
        "12a",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(mp_text_parse_count(bad[i], &v) == 0,
                      "\"%s\" should not be a count", bad[i]);
}
END_TEST

START_TEST(year_parsing)
{
    int y = -1;
    ck_assert_int_eq(mp_text_parse_year("2020", &y), 1);
    ck_assert_int_eq(y, 2020);
    ck_assert_int_eq(mp_text_parse_year("1999", &y), 1);
    ck_assert_int_eq(y, 1999);
    ck_assert_int_eq(mp_text_parse_year("0000", &y), 1);
    ck_assert_int_eq(y, 0);
    static const char *const bad[] = {
        "", "20", "202", "20201", "-202", "+2020", "20a0", " 2020", "2020 ",
        "2020.0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(mp_text_parse_year(bad[i], &y) == 0,
                      "\"%s\" should not be a year", bad[i]);
}
END_TEST

/* ---- ids, DOIs ------------------------------------------------------------------ */

START_TEST(id_pattern)
{
    static const char *const good[] = {
        "a", "0", "e2108", "abcsg-28", "tata-memorial", "x-", "9-9-9",
    };
    static const char *const bad[] = {
        "", "-a", "A", "Tata", "a_b", "a b", "a.b", "caf\xc3\xa9", "a\n",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(mp_text_is_id(good[i]) == 1, "\"%s\" should be an id",
                      good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(mp_text_is_id(bad[i]) == 0, "\"%s\" should not be an id",
                      bad[i]);
}
END_TEST

START_TEST(doi_pattern)
{
    static const char *const good[] = {
        "10.1200/JCO.21.02006", "10.1234/x", "10.123456789/abc",
        "10.1016/S0140-6736(15)00000-0", "10.1000/a/b/c",
    };
    static const char *const bad[] = {
        "", "10.", "10.1234", "10.1234/", "10.123/x", "10.1234567890/x",
        "11.1234/x", "10.12a4/x", "doi:10.1234/x", "10.1234/a b",
        "10.1234/a\tb", " 10.1234/x", "10,1234/x",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(mp_text_is_doi(good[i]) == 1, "\"%s\" should be a DOI",
                      good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(mp_text_is_doi(bad[i]) == 0, "\"%s\" should not be a DOI",
                      bad[i]);
}
END_TEST

START_TEST(utf8_prefix_ends_at_a_character)
{
    /* "a" "\xc3\xa9" (2 bytes) "\xe2\x82\xac" (3 bytes) "b" */
    static const char s[] = "a\xc3\xa9\xe2\x82\xac" "b";
    static const size_t want[] = { 0, 1, 1, 3, 3, 3, 6, 7, 7, 7 };
    for (size_t max = 0; max < sizeof want / sizeof *want; max++)
        ck_assert_msg(mp_text_utf8_prefix(s, max) == want[max],
                      "max %zu: %zu, expected %zu", max,
                      mp_text_utf8_prefix(s, max), want[max]);
    ck_assert_uint_eq(mp_text_utf8_prefix("", 5), 0);
    /* the bytes of a stray run of continuation bytes are kept together */
    ck_assert_uint_eq(mp_text_utf8_prefix("\x80\x80x", 1), 0);
    ck_assert_uint_eq(mp_text_utf8_prefix("\x80\x80x", 2), 2);
}
END_TEST

static Suite *text_suite(void)
{
    Suite *s = suite_create("mp_text");
    TCase *tc = tcase_create("whitespace");
    tcase_add_test(tc, squeeze_collapses_and_trims);
    tcase_add_test(tc, chomp_removes_trailing_space);
    tcase_add_test(tc, utf8_prefix_ends_at_a_character);
    suite_add_tcase(s, tc);

    tc = tcase_create("numbers");
    tcase_add_test(tc, decimal_values_and_half_units);
    tcase_add_test(tc, decimal_rejects_other_forms);
    tcase_add_test(tc, decimal_huge_exponent_is_infinite);
    tcase_add_test(tc, decimal_fast_path_equals_strtod);
    tcase_add_test(tc, decimal_half_units_equal_pow);
    tcase_add_test(tc, parse_double_accepts_finite);
    tcase_add_test(tc, count_parsing);
    tcase_add_test(tc, year_parsing);
    suite_add_tcase(s, tc);

    tc = tcase_create("identifiers");
    tcase_add_test(tc, id_pattern);
    tcase_add_test(tc, doi_pattern);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(text_suite());
}
