/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_bigmem.c - unit tests of mp_bigmem: large arrays on huge pages.
 *
 * The functions must behave as malloc, calloc and realloc do (contents
 * kept across growth, zeroed blocks, NULL with the block untouched when
 * memory runs out), and, where Linux and glibc's malloc give a large
 * block a mapping of its own, leave that mapping whole and advised for
 * huge pages: advice on part of it would split it, and glibc's realloc
 * would then copy the block at every growth instead of moving its pages
 * (mremap).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mp_bigmem.h"

/* Under AddressSanitizer (gcc says so by __SANITIZE_ADDRESS__, clang by
 * __has_feature), whose malloc is not glibc's. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#if defined(UNDER_ASAN)
/* test_out_of_memory asks for more than can be had: under
 * AddressSanitizer, whose allocator aborts on a failure by default, it
 * must return NULL as malloc does. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}
#endif

/* The largest block of the growth test: 16 times MP_BIG_MIN. */
#define BIGGEST (16 * MP_BIG_MIN)

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 7 + i / 4093);
}

/* Grow a block from 1 KiB to BIGGEST by doubling, filling each new part;
 * every byte written is still there at the end. */
START_TEST(test_growth_keeps_contents)
{
    unsigned char *p = NULL;
    size_t n = 0;
    for (size_t c = 1024; c <= BIGGEST; c *= 2) {
        unsigned char *q = mp_big_realloc(p, c);
        ck_assert_ptr_nonnull(q);
        for (size_t i = n; i < c; i++)
            q[i] = pattern(i);
        p = q;
        n = c;
    }
    for (size_t i = 0; i < n; i++)
        if (p[i] != pattern(i))
            ck_abort_msg("byte %zu changed by growth", i);
    /* shrinking keeps the bytes it keeps */
    p = mp_big_realloc(p, MP_BIG_MIN + 3);
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < MP_BIG_MIN + 3; i++)
        if (p[i] != pattern(i))
            ck_abort_msg("byte %zu changed by shrinking", i);
    free(p);
}
END_TEST

START_TEST(test_malloc_and_calloc)
{
    unsigned char *p = mp_big_malloc(MP_BIG_MIN + 1);
    ck_assert_ptr_nonnull(p);
    memset(p, 0xa5, MP_BIG_MIN + 1);
    ck_assert_int_eq(p[MP_BIG_MIN], 0xa5);
    free(p);
    uint64_t *z = mp_big_calloc(MP_BIG_MIN / 8 + 5, sizeof *z);
    ck_assert_ptr_nonnull(z);
    for (size_t i = 0; i < MP_BIG_MIN / 8 + 5; i++)
        if (z[i] != 0)
            ck_abort_msg("calloc'd word %zu is not zero", i);
    free(z);
    unsigned char *s = mp_big_malloc(16);     /* a small block, as malloc */
    ck_assert_ptr_nonnull(s);
    free(s);
}
END_TEST

START_TEST(test_out_of_memory)
{
    ck_assert_ptr_null(mp_big_calloc(SIZE_MAX / 2, 4));    /* overflows */
    ck_assert_ptr_null(mp_big_malloc(SIZE_MAX - 4096));
    unsigned char *p = mp_big_malloc(MP_BIG_MIN);
    ck_assert_ptr_nonnull(p);
    p[0] = 42;
    ck_assert_ptr_null(mp_big_realloc(p, SIZE_MAX - 4096));
    ck_assert_int_eq(p[0], 42);     /* still the caller's */
    free(p);
}
END_TEST

/* The mapping of /proc/self/smaps that holds address a: its bounds and
 * whether its VmFlags have "hg" (advised for huge pages).  0 when there
 * is no such file or mapping. */
static int mapping_of(uintptr_t a, uintptr_t *lo, uintptr_t *hi, int *hg)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return 0;
    char line[512];
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e;
        if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, '-') <
            strchr(line, ' ')) {
            if (found)
                break;          /* the next mapping */
            found = a >= s && a < e;
            *lo = s;
            *hi = e;
        } else if (found && strncmp(line, "VmFlags:", 8) == 0) {
            *hg = strstr(line, " hg") != NULL;
        }
    }
    fclose(f);
    return found;
}

/* Linux with glibc's own malloc: a block grown to BIGGEST lies in one
 * mapping, advised for huge pages. */
START_TEST(test_one_advised_mapping)
{
#if defined(__linux__) && defined(__GLIBC__) && !defined(UNDER_ASAN)
    FILE *thp = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!thp)
        return;                 /* a kernel without huge pages */
    fclose(thp);
    unsigned char *p = NULL;
    for (size_t c = MP_BIG_MIN; c <= BIGGEST; c *= 2) {
        p = mp_big_realloc(p, c);
        ck_assert_ptr_nonnull(p);
        memset(p + c / 2, 1, c / 2);
    }
    uintptr_t lo = 0, hi = 0;
    int hg = 0;
    ck_assert_msg(mapping_of((uintptr_t)p, &lo, &hi, &hg),
                  "no mapping holds the block");
    ck_assert_msg(lo <= (uintptr_t)p && (uintptr_t)p + BIGGEST <= hi,
                  "the block is split over mappings: %#lx-%#lx holds %p",
                  (unsigned long)lo, (unsigned long)hi, (void *)p);
    ck_assert_msg(hg, "the block's mapping is not advised for huge pages");
    free(p);
#endif
}
END_TEST

static Suite *bigmem_suite(void)
{
    Suite *s = suite_create("bigmem");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_growth_keeps_contents);
    tcase_add_test(tc, test_malloc_and_calloc);
    tcase_add_test(tc, test_out_of_memory);
    tcase_add_test(tc, test_one_advised_mapping);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bigmem_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
