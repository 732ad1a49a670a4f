/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_error.c - unit tests of mp_error: the diagnostic list, its limit
 * and the count every caller tests. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_error.h"
#include "testutil.h"

START_TEST(records_file_line_message)
{
    mp_errors e = MP_ERRORS_INIT;
    ck_assert_int_eq(mp_errors_add(&e, "a.xml", 12, "bad %s %d", "value", 7), MP_OK);
    ck_assert_int_eq(mp_errors_add(&e, NULL, 0, "no file"), MP_OK);
    ck_assert_uint_eq(e.n, 2);
    ck_assert_uint_eq(mp_errors_count(&e), 2);
    ck_assert_str_eq(e.items[0].file, "a.xml");
    ck_assert_int_eq(e.items[0].line, 12);
    ck_assert_str_eq(e.items[0].message, "bad value 7");
    ck_assert_ptr_null(e.items[1].file);
    ck_assert_str_eq(e.items[1].message, "no file");
    mp_errors_clear(&e);
    ck_assert_uint_eq(e.n, 0);
    ck_assert_uint_eq(mp_errors_count(&e), 0);
}
END_TEST

START_TEST(file_name_is_copied)
{
    mp_errors e = MP_ERRORS_INIT;
    char name[] = "x.xml";
    mp_errors_add(&e, name, 1, "m");
    name[0] = 'y';
    ck_assert_str_eq(e.items[0].file, "x.xml");
    mp_errors_clear(&e);
}
END_TEST

START_TEST(growth_keeps_every_item)
{
    /* 1000 items: several reallocations; order and content intact. */
    mp_errors e = MP_ERRORS_INIT;
    for (int i = 0; i < 1000; i++)
        ck_assert_int_eq(mp_errors_add(&e, "f", i + 1, "item %d", i), MP_OK);
    ck_assert_uint_eq(e.n, 1000);
    for (int i = 0; i < 1000; i += 111) {
        char want[32];
        snprintf(want, sizeof want, "item %d", i);
        ck_assert_str_eq(e.items[i].message, want);
        ck_assert_int_eq(e.items[i].line, i + 1);
    }
    mp_errors_clear(&e);
}
END_TEST

START_TEST(limit_counts_without_recording)
{
    mp_errors e = MP_ERRORS_INIT;
    e.limit = 3;
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(mp_errors_add(&e, "f", i + 1, "item %d", i), MP_OK);
    ck_assert_uint_eq(e.n, 3);
    ck_assert_uint_eq(e.suppressed, 7);
    ck_assert_uint_eq(e.dropped, 0);
    ck_assert_uint_eq(mp_errors_count(&e), 10);
    ck_assert_str_eq(e.items[2].message, "item 2");
    /* freeing empties the list and keeps the limit */
    mp_errors_clear(&e);
    ck_assert_uint_eq(mp_errors_count(&e), 0);
    ck_assert_uint_eq(e.limit, 3);
    mp_errors_add(&e, NULL, 0, "again");
    ck_assert_uint_eq(e.n, 1);
    mp_errors_clear(&e);
}
END_TEST

START_TEST(always_passes_the_limit)
{
    /* A message added with mp_errors_add_always is recorded past the
     * limit, and does not use up room of the others. */
    mp_errors e = MP_ERRORS_INIT;
    e.limit = 2;
    mp_errors_add(&e, "f", 1, "one");
    ck_assert_int_eq(mp_errors_add_always(&e, "f", 2, "stop %d", 2), MP_OK);
    mp_errors_add(&e, "f", 3, "three");
    mp_errors_add(&e, "f", 4, "four");
    ck_assert_int_eq(mp_errors_add_always(&e, "g", 5, "stop %d", 5), MP_OK);
    ck_assert_uint_eq(e.n, 4);
    ck_assert_uint_eq(e.always, 2);
    ck_assert_uint_eq(e.suppressed, 1);
    ck_assert_uint_eq(mp_errors_count(&e), 5);
    ck_assert_str_eq(e.items[1].message, "stop 2");
    ck_assert_str_eq(e.items[2].message, "three");
    ck_assert_str_eq(e.items[3].file, "g");
    ck_assert_str_eq(e.items[3].message, "stop 5");
    ck_assert_int_eq(e.items[3].line, 5);
    mp_errors_clear(&e);
    ck_assert_uint_eq(e.always, 0);
    ck_assert_uint_eq(e.limit, 2);
}
END_TEST

/* mp_errors_sort_keep: stable by line, the first `keep` kept, the rest
 * counted as suppressed (leave-one-out gives its messages in row order
 * though its fits run in another). */
START_TEST(sort_keep_orders_and_cuts)
{
    mp_errors e = MP_ERRORS_INIT;
    const long lines[7] = { 5, 2, 9, 2, 1, 5, 2 };
    for (int i = 0; i < 7; i++)
        ck_assert_int_eq(mp_errors_add(&e, NULL, lines[i], "m%d", i), MP_OK);
    ck_assert_int_eq(mp_errors_sort_keep(&e, 100), MP_OK);
    const char *want[7] = { "m4", "m1", "m3", "m6", "m0", "m5", "m2" };
    ck_assert_uint_eq(e.n, 7);
    for (int i = 0; i < 7; i++)
        ck_assert_str_eq(e.items[i].message, want[i]);
    ck_assert_int_eq(mp_errors_sort_keep(&e, 3), MP_OK);
    ck_assert_uint_eq(e.n, 3);
    ck_assert_uint_eq(e.suppressed, 4);
    ck_assert_uint_eq(mp_errors_count(&e), 7);
    ck_assert_str_eq(e.items[2].message, "m3");
    ck_assert_int_eq(mp_errors_sort_keep(&e, 0), MP_OK);
    ck_assert_uint_eq(e.n, 0);
    ck_assert_uint_eq(mp_errors_count(&e), 7);
    mp_errors_clear(&e);
}
END_TEST

/* Warnings are recorded and limited like problems, but not counted as
 * problems. */
START_TEST(warnings_are_not_problems)
{
    mp_errors e = MP_ERRORS_INIT;
    e.limit = 2;
    ck_assert_int_eq(mp_errors_warn(&e, "a.xml", 3, "w%d", 1), MP_OK);
    ck_assert_int_eq(mp_errors_add(&e, "a.xml", 4, "p%d", 1), MP_OK);
    ck_assert_int_eq(mp_errors_warn(&e, "a.xml", 5, "w%d", 2), MP_OK);
    ck_assert_int_eq(mp_errors_add(&e, "a.xml", 6, "p%d", 2), MP_OK);
    ck_assert_uint_eq(e.n, 2);
    ck_assert_int_eq(e.items[0].warning, 1);
    ck_assert_int_eq(e.items[1].warning, 0);
    ck_assert_uint_eq(mp_errors_count(&e), 2);     /* p1 and p2 */
    ck_assert_uint_eq(mp_errors_warnings(&e), 2);  /* w1 and w2 */
    ck_assert_uint_eq(e.warnings_suppressed, 1);
    ck_assert_uint_eq(e.suppressed, 1);
    /* cutting a list moves a warning to warnings_suppressed */
    ck_assert_int_eq(mp_errors_sort_keep(&e, 1), MP_OK);
    ck_assert_uint_eq(mp_errors_count(&e), 2);
    ck_assert_uint_eq(mp_errors_warnings(&e), 2);
    mp_errors_clear(&e);
    ck_assert_uint_eq(mp_errors_warnings(&e), 0);
}
END_TEST

START_TEST(status_strings)
{
    const mp_status all[] = { MP_OK, MP_EINPUT, MP_ENOMEM, MP_ENUMERIC, MP_EIO,
                              MP_ELIMIT };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
        const char *s = mp_status_string(all[i]);
        ck_assert_ptr_nonnull(s);
        ck_assert_uint_gt(strlen(s), 0);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(s, mp_status_string(all[j]));
    }
    ck_assert_str_eq(mp_status_string(MP_ELIMIT), "resource limit exceeded");
}
END_TEST

/* The public side of a list (metapool.h): made with mp_errors_new and
 * destroyed with mp_errors_free, read through accessors; clear empties it
 * and keeps its limit; a warning about an item carries its index. */
START_TEST(public_list)
{
    mp_errors *e = mp_errors_new(2);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(mp_errors_size(e), 0);
    ck_assert_ptr_null(mp_errors_get(e, 0));
    ck_assert_int_eq(mp_errors_add(e, "a.xml", 3, "first"), MP_OK);
    ck_assert_int_eq(mp_errors_warn_at(e, 7, "step %d", 8), MP_OK);
    ck_assert_int_eq(mp_errors_add(e, NULL, 0, "past the limit"), MP_OK);
    ck_assert_int_eq(mp_errors_warn(e, NULL, 0, "past the limit too"), MP_OK);
    ck_assert_uint_eq(mp_errors_size(e), 2);
    ck_assert_uint_eq(mp_errors_count(e), 2);
    ck_assert_uint_eq(mp_errors_warnings(e), 2);
    ck_assert_uint_eq(mp_errors_unrecorded(e), 2);
    const mp_diag *d = mp_errors_get(e, 0);
    ck_assert_str_eq(d->file, "a.xml");
    ck_assert_int_eq(d->line, 3);
    ck_assert_int_eq(d->warning, 0);
    ck_assert_uint_eq(d->index, MP_NO_INDEX);
    d = mp_errors_get(e, 1);
    ck_assert_ptr_null(d->file);
    ck_assert_int_eq(d->warning, 1);
    ck_assert_uint_eq(d->index, 7);
    ck_assert_str_eq(d->message, "step 8");
    ck_assert_ptr_null(mp_errors_get(e, 2));
    mp_errors_clear(e);
    ck_assert_uint_eq(mp_errors_size(e), 0);
    ck_assert_uint_eq(mp_errors_count(e) + mp_errors_unrecorded(e), 0);
    for (int i = 0; i < 3; i++)
        mp_errors_add(e, NULL, 0, "again");
    ck_assert_uint_eq(mp_errors_size(e), 2);       /* the limit stayed */
    mp_errors_free(e);
    mp_errors_free(NULL);
}
END_TEST

static Suite *error_suite(void)
{
    Suite *s = suite_create("mp_error");
    TCase *tc = tcase_create("list");
    tcase_add_test(tc, records_file_line_message);
    tcase_add_test(tc, file_name_is_copied);
    tcase_add_test(tc, growth_keeps_every_item);
    tcase_add_test(tc, limit_counts_without_recording);
    tcase_add_test(tc, sort_keep_orders_and_cuts);
    tcase_add_test(tc, warnings_are_not_problems);
    tcase_add_test(tc, always_passes_the_limit);
    tcase_add_test(tc, status_strings);
    tcase_add_test(tc, public_list);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(error_suite());
}
