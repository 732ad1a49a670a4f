/* SPDX-License-Identifier: GPL-3.0-or-later */
/* check_html.c - unit tests of mp_html: the HTML escaper and SHA-256.
 *
 * The SHA-256 digests are the test vectors of FIPS 180-2 (2002), appendix
 * B ("abc", the 448-bit message, one million "a"), and the digest of the
 * empty message (NIST's SHA-256 example values); the padding boundaries
 * (55, 56, 63, 64 bytes) are checked against digests computed by
 * coreutils' sha256sum (e.g. `head -c 55 /dev/zero | tr '\0' a | sha256sum`).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mp_html.h"
#include "testutil.h"

/* write(out, s) must write exactly want. */
static void expect_written(int (*write)(FILE *, const char *), const char *s,
                           const char *want)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(write(f, s), 0);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert_str_eq(buf, want);
    free(buf);
}

static void expect_escaped(const char *s, const char *want)
{
    expect_written(mp_html_escape, s, want);
}

START_TEST(escapes_markup)
{
    expect_escaped("<script>alert(1)</script>",
                   "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect_escaped("\"quoted\" & 'single'",
                   "&quot;quoted&quot; &amp; &#39;single&#39;");
    /* an existing reference is escaped again: the text shows as typed */
    expect_escaped("&amp;", "&amp;amp;");
    expect_escaped("x\" onload=\"y", "x&quot; onload=&quot;y");
}
END_TEST

START_TEST(leaves_other_text)
{
    expect_escaped("", "");
    expect_escaped("ABCSG-28 POSYTIVE (2019)", "ABCSG-28 POSYTIVE (2019)");
    /* UTF-8 bytes pass through unchanged */
    expect_escaped("M\xc3\xbcller \xe2\x80\x93 \xce\xb2", "M\xc3\xbcller \xe2\x80\x93 \xce\xb2");
    expect_escaped(NULL, "");
}
END_TEST

START_TEST(escape_reports_write_failure)
{
    /* a stream opened for reading cannot be written */
    FILE *f = fopen("/dev/null", "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(mp_html_escape(f, "<"), EOF);
    ck_assert_int_eq(mp_html_escape(f, "a"), EOF);
    fclose(f);
}
END_TEST

static void expect_uri(const char *s, const char *want)
{
    expect_written(mp_html_uri, s, want);
}

START_TEST(uri_encoding)
{
    /* DOIs as the shipped studies have them pass unchanged */
    expect_uri("10.1016/S1470-2045(15)00135-7", "10.1016/S1470-2045(15)00135-7");
    expect_uri("10.1200/JCO.2023.41.16_suppl.523",
               "10.1200/JCO.2023.41.16_suppl.523");
    /* markup, quotes, fragment and query characters, space, UTF-8 */
    expect_uri("10.1000/\"><script>", "10.1000/%22%3E%3Cscript%3E");
    expect_uri("a'b&c#d?e%f g", "a%27b%26c%23d%3Fe%25f%20g");
    expect_uri("\xc3\xbc", "%C3%BC");
    expect_uri("", "");
}
END_TEST

static void expect_sha(const void *data, size_t n, const char *want)
{
    char hex[MP_SHA256_HEX];
    mp_sha256_hex(data, n, hex);
    ck_assert_str_eq(hex, want);
}

START_TEST(fips_vectors)
{
    expect_sha("", 0,
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect_sha("abc", 3,
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    expect_sha(m, strlen(m),
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(million_a_in_chunks)
{
    /* FIPS 180-2, B.3: one million "a", fed in uneven chunks */
    char chunk[1024];     /* steps are at most 1003 bytes */
    memset(chunk, 'a', sizeof chunk);
    mp_sha256_ctx c;
    unsigned char d[32];
    mp_sha256_init(&c);
    size_t left = 1000000, step = 1;
    while (left > 0) {
        size_t n = step < left ? step : left;
        mp_sha256_update(&c, chunk, n);
        left -= n;
        step = step % 997 + 7;
    }
    mp_sha256_final(&c, d);
    static const unsigned char want[32] = {
        0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7,
        0xe2, 0x84, 0xd7, 0x3e, 0x67, 0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97,
        0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0
    };
    ck_assert_mem_eq(d, want, 32);
}
END_TEST

START_TEST(padding_boundaries)
{
    char a[64];
    memset(a, 'a', sizeof a);
    expect_sha(a, 55,
               "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    expect_sha(a, 56,
               "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    expect_sha(a, 63,
               "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
    expect_sha(a, 64,
               "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
END_TEST

START_TEST(file_digest)
{
    char path[] = "/tmp/check_html.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("abc", f);
    fclose(f);
    char hex[MP_SHA256_HEX];
    ck_assert_int_eq(mp_sha256_file(path, hex), MP_OK);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
    ck_assert_int_eq(mp_sha256_file(path, hex), MP_EIO);
    ck_assert_str_eq(hex, "");
}
END_TEST

static Suite *html_suite(void)
{
    Suite *s = suite_create("html");
    TCase *t = tcase_create("escape");
    tcase_add_test(t, escapes_markup);
    tcase_add_test(t, leaves_other_text);
    tcase_add_test(t, escape_reports_write_failure);
    tcase_add_test(t, uri_encoding);
    suite_add_tcase(s, t);
    t = tcase_create("sha256");
    tcase_add_test(t, fips_vectors);
    tcase_add_test(t, million_a_in_chunks);
    tcase_add_test(t, padding_boundaries);
    tcase_add_test(t, file_digest);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return mp_check_run(html_suite());
}
