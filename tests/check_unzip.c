/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_unzip.c - unit tests of mp_unzip (one member of a zip archive).
 *
 * The archives are the .rm5 files of tests/data/import, made by Python's
 * zipfile (deflated; zip-crc.rm5 stored, with one byte of its member
 * changed after the CRC-32 was written); the expected member is
 * tests/data/import/chemo.rm5 itself, compared byte for byte.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_unzip.h"
#include "testutil.h"

/* The bytes of tests/data/<rel>; *n their count. */
static char *slurp(const char *rel, size_t *n)
{
    char path[4096];
    FILE *f = fopen(mp_check_data_path(path, sizeof path, rel), "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *b = malloc(1 << 20);
    ck_assert_ptr_nonnull(b);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

typedef struct {
    mp_status st;
    char *out;
    size_t len;
    char name[64], why[400];
} unzipped;

static unzipped unzip(const char *rel)
{
    size_t n;
    char *b = slurp(rel, &n);
    unzipped u = { .out = NULL };
    u.st = mp_unzip_member(b, n, ".rm5", &u.out, &u.len, u.name, sizeof u.name,
                           u.why, sizeof u.why);
    free(b);
    return u;
}

START_TEST(recognises_zip_signature)
{
    ck_assert(mp_unzip_is_zip("PK\3\4rest", 8));
    ck_assert(!mp_unzip_is_zip("PK\3", 3));
    ck_assert(!mp_unzip_is_zip("<?xml", 5));
}
END_TEST

START_TEST(member_equals_original)
{
    size_t n;
    char *want = slurp("import/chemo.rm5", &n);
    unzipped u = unzip("import/review-zipped.rm5");
    ck_assert_int_eq(u.st, MP_OK);
    ck_assert_str_eq(u.name, "chemo.rm5");
    ck_assert_uint_eq(u.len, n);
    ck_assert(memcmp(u.out, want, n) == 0);
    ck_assert_int_eq(u.out[n], '\0');
    free(u.out);
    free(want);
}
END_TEST

START_TEST(bad_archives_say_why)
{
    static const struct { const char *rel, *why; } c[] = {
        { "import/zip-two.rm5", "the zip archive holds 2 .rm5 files: unzip it and "
          "import them one by one" },
        { "import/zip-none.rm5", "the zip archive holds no .rm5 file among its 2 files" },
        { "import/zip-crc.rm5", "cannot read chemo.rm5 in the zip archive: CRC error" },
        { "import/zip-truncated.rm5", "not a readable zip archive: Not a zip archive" },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        unzipped u = unzip(c[i].rel);
        ck_assert_msg(u.st == MP_EINPUT, "%s: status %d", c[i].rel, (int)u.st);
        ck_assert_ptr_null(u.out);
        ck_assert_str_eq(u.why, c[i].why);
    }
}
END_TEST

static Suite *unzip_suite(void)
{
    Suite *s = suite_create("mp_unzip");
    TCase *tc = tcase_create("archives");
    tcase_add_test(tc, recognises_zip_signature);
    tcase_add_test(tc, member_equals_original);
    tcase_add_test(tc, bad_archives_say_why);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return mp_check_run(unzip_suite());
}
