/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_outbuf.c - unit tests of mp_outbuf: the report writers' buffer,
 * and rows formatted in two threads.
 *
 * The reference for every output here is the same bytes written another
 * way: through stdio, or by one thread (mp_outbuf_rows promises the
 * serial loop's bytes).  The reports are compared whole, formatted by one
 * thread and by two with blocks of 1 to 7 rows, so that every way the
 * blocks can fall (a table shorter than a block, an odd or even number
 * of blocks, a last block cut short) is covered.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metapool.h"
#include "mp_format.h"
#include "mp_outbuf.h"
#include "testutil.h"

/* Never in two threads (the serial reference). */
#define SERIAL ((size_t)-1)
/* Studies of the generated collection: more than any block size tried,
 * so that the rows cross many block boundaries. */
#define K_STUDIES 97

/* A FILE in memory and what was written to it. */
typedef struct {
    FILE *f;
    char *data;
    size_t len;
} memfile;

static void mem_open(memfile *m)
{
    m->data = NULL;
    m->len = 0;
    m->f = open_memstream(&m->data, &m->len);
    ck_assert_ptr_nonnull(m->f);
}

static void mem_close(memfile *m)
{
    ck_assert_int_eq(fclose(m->f), 0);
}

/* ---- the buffer ------------------------------------------------------------ */

START_TEST(test_pieces_in_order)
{
    memfile m;
    mem_open(&m);
    mp_outbuf b;
    mp_outbuf_init(&b, m.f);
    mp_outbuf_lit(&b, "{\"a\": ");
    mp_outbuf_advance(&b, mp_format_json_number_to(mp_outbuf_room(&b), 0.1));
    mp_outbuf_putc(&b, ',');
    mp_outbuf_puts(&b, " \"b\": ");
    mp_outbuf_advance(&b, mp_format_int_to(mp_outbuf_room(&b), -42));
    mp_outbuf_lit(&b, ", \"c\": ");
    mp_format_json_string_to(&b, "x\"y\\z\n\001");
    mp_outbuf_putc(&b, '}');
    ck_assert_int_eq(mp_outbuf_finish(&b), MP_OK);
    mem_close(&m);
    ck_assert_str_eq(m.data, "{\"a\": 0.1, \"b\": -42, \"c\": \"x\\\"y\\\\z\\n\\u0001\"}");
    free(m.data);
}
END_TEST

/* Bytes far beyond the buffer (small pieces filling it many times, and
 * one piece larger than it) arrive whole and in order. */
START_TEST(test_more_than_the_buffer)
{
    size_t n = 3 * MP_OUTBUF_SIZE + 12345;
    char *big = malloc(n);
    ck_assert_ptr_nonnull(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    memfile m;
    mem_open(&m);
    mp_outbuf b;
    mp_outbuf_init(&b, m.f);
    size_t half = n / 2;
    for (size_t i = 0; i < half; i += 7)
        mp_outbuf_write(&b, big + i, i + 7 <= half ? 7 : half - i);
    mp_outbuf_write(&b, big + half, n - half);
    ck_assert_int_eq(mp_outbuf_finish(&b), MP_OK);
    mem_close(&m);
    ck_assert_uint_eq(m.len, n);
    ck_assert(memcmp(m.data, big, n) == 0);
    free(m.data);
    free(big);
}
END_TEST

/* In memory the buffer grows from its inline bytes. */
START_TEST(test_memory_grows)
{
    mp_outbuf b;
    mp_outbuf_init(&b, NULL);
    for (int i = 0; i < 10000; i++)
        mp_outbuf_advance(&b, mp_format_int_to(mp_outbuf_room(&b), i % 10));
    ck_assert_uint_eq(b.len, 10000);
    for (int i = 0; i < 10000; i++)
        ck_assert_int_eq(b.buf[i], '0' + i % 10);
    ck_assert_int_eq(b.failed, 0);
    mp_outbuf_free(&b);
}
END_TEST

/* A write that fails (a full device) is MP_EIO, as the stdio writers'
 * ferror was. */
START_TEST(test_write_error)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f)
        return;         /* no /dev/full here: nothing to test with */
    mp_outbuf b;
    mp_outbuf_init(&b, f);
    for (int i = 0; i < 100000; i++)
        mp_outbuf_lit(&b, "0123456789abcdef0123456789abcdef");
    ck_assert_int_eq(b.failed, 1);      /* 3.2 MB: the buffer was written */
    ck_assert_int_eq(mp_outbuf_finish(&b), MP_EIO);
    fclose(f);
}
END_TEST

/* ---- rows in two threads ----------------------------------------------------- */

/* A row of numbers that differ from row to row. */
static void number_row(mp_outbuf *b, const void *ctx, size_t i)
{
    const double *scale = ctx;
    mp_outbuf_puts(b, i ? ",\n[" : "\n[");
    for (int j = 0; j < 5; j++) {
        mp_outbuf_advance(b, mp_format_json_number_to(mp_outbuf_room(b),
                                                      *scale * (double)(i * 5 + j) / 7.0));
        mp_outbuf_putc(b, j < 4 ? ',' : ']');
    }
}

/* The rows 0 to n - 1 of number_row, in memory; parallel from min rows
 * in blocks of block rows. */
static char *rows_text(size_t n, size_t min, size_t block, size_t *len)
{
    static const double scale = 1.1;
    mp_outbuf_set_parallel(min, block);
    mp_outbuf b;
    mp_outbuf_init(&b, NULL);
    mp_outbuf_rows(&b, n, number_row, &scale);
    mp_outbuf_set_parallel(0, 0);
    ck_assert_int_eq(b.failed, 0);
    char *s = malloc(b.len + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s, b.buf, b.len);
    s[b.len] = '\0';
    *len = b.len;
    mp_outbuf_free(&b);
    return s;
}

START_TEST(test_rows_as_serial)
{
    static const size_t ns[] = { 0, 1, 2, 3, 5, 8, 13, 100, 1001 };
    static const size_t blocks[] = { 1, 2, 3, 7, 64 };
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        size_t len1, len2;
        char *serial = rows_text(ns[a], SERIAL, 0, &len1);
        for (size_t c = 0; c < sizeof blocks / sizeof blocks[0]; c++) {
            char *two = rows_text(ns[a], 1, blocks[c], &len2);
            ck_assert_msg(len1 == len2 && memcmp(serial, two, len1) == 0,
                          "%zu rows in blocks of %zu differ from serial", ns[a],
                          blocks[c]);
            free(two);
        }
        free(serial);
    }
}
END_TEST

START_TEST(test_parallel_threshold)
{
    ck_assert_uint_eq(mp_outbuf_parallel_rows(), 50000);
    mp_outbuf_set_parallel(10, 2);
    ck_assert_uint_eq(mp_outbuf_parallel_rows(), 10);
    mp_outbuf_set_parallel(0, 0);
    ck_assert_uint_eq(mp_outbuf_parallel_rows(), 50000);
}
END_TEST

/* ---- whole reports ------------------------------------------------------------ */

/* A collection of K_STUDIES studies in the forms the writers escape
 * (quotes, commas, a control character, non-ASCII titles), with years for
 * the cumulative analysis and a covariate for subgroups. */
static char *collection(void)
{
    size_t cap = K_STUDIES * 600 + 100, used = 0;
    char *x = malloc(cap);
    ck_assert_ptr_nonnull(x);
    used += (size_t)snprintf(x + used, cap - used,
                             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<studies format=\"1\">\n");
    for (int i = 0; i < K_STUDIES; i++) {
        double hr = 0.55 + 0.01 * (i % 37), w = 0.08 + 0.005 * (i % 23);
        used += (size_t)snprintf(
            x + used, cap - used,
            "<study id=\"s%d\"><title>Study &quot;%d&quot;, \xc3\xa9t\xc3\xa9&#9;%d</title>"
            "<design>rct</design><publication year=\"%d\">Synthetic.</publication>"
            "<arms><arm role=\"experimental\" n=\"%d\">A</arm><arm role=\"control\" n=\"%d\">B</arm></arms>"
            "<covariate name=\"region\" value=\"r%d\"/><outcome name=\"OS\">"
            "<log-hazard-ratio estimate=\"%.4f\" se=\"%.3f\"/></outcome></study>\n",
            i, i, i, 1990 + i % 30, 50 + i, 40 + i, i % 3, log(hr), w);
    }
    used += (size_t)snprintf(x + used, cap - used, "</studies>\n");
    ck_assert_uint_lt(used, cap);
    return x;
}

static mp_analysis *run_collection(void)
{
    mp_analysis_options o;
    mp_analysis_options_default(&o);
    o.by = "region";
    o.cumulative = 1;
    mp_status st;
    mp_analysis *a = mp_analysis_new(&o, &st);
    ck_assert_ptr_nonnull(a);
    char *x = collection();
    ck_assert_int_eq(mp_analysis_read_memory(a, x, strlen(x), "gen.xml"), MP_OK);
    free(x);
    ck_assert_int_eq(mp_analysis_run(a), MP_OK);
    return a;
}

static char *report(const mp_analysis *a, mp_output what, size_t min,
                    size_t block, size_t *len)
{
    char *buf;
    mp_outbuf_set_parallel(min, block);
    mp_status st = mp_analysis_write_memory(a, what, NULL, &buf, len);
    mp_outbuf_set_parallel(0, 0);
    ck_assert_int_eq(st, MP_OK);
    return buf;
}

/* The JSON and CSV reports (studies, leave-one-out and cumulative rows)
 * are the same bytes from one thread and from two. */
START_TEST(test_reports_as_serial)
{
    static const mp_output what[] = { MP_OUTPUT_JSON, MP_OUTPUT_CSV };
    mp_analysis *a = run_collection();
    for (size_t w = 0; w < 2; w++) {
        size_t len1, len2;
        char *serial = report(a, what[w], SERIAL, 0, &len1);
        ck_assert_ptr_nonnull(strstr(serial, "s96"));
        for (size_t block = 1; block <= 7; block++) {
            char *two = report(a, what[w], 1, block, &len2);
            ck_assert_msg(len1 == len2 && memcmp(serial, two, len1) == 0,
                          "report %d in blocks of %zu differs from serial",
                          (int)what[w], block);
            free(two);
        }
        free(serial);
    }
    mp_analysis_free(a);
}
END_TEST

static Suite *outbuf_suite(void)
{
    Suite *s = suite_create("outbuf");
    TCase *tc = tcase_create("buffer");
    tcase_add_test(tc, test_pieces_in_order);
    tcase_add_test(tc, test_more_than_the_buffer);
    tcase_add_test(tc, test_memory_grows);
    tcase_add_test(tc, test_write_error);
    suite_add_tcase(s, tc);
    tc = tcase_create("rows");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rows_as_serial);
    tcase_add_test(tc, test_parallel_threshold);
    tcase_add_test(tc, test_reports_as_serial);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(outbuf_suite());
}
