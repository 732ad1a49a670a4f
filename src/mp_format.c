/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_format.c - number and string formatting; see mp_format.h. */
#include "mp_format.h"
#include "mp_outbuf.h"
#include "mp_shortest.h"

#include <float.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int round_trips(char buf[MP_NUMBUF], double x, int prec)
{
    snprintf(buf, MP_NUMBUF, "%.*g", prec, x);
    return strtod(buf, NULL) == x;
}

/* The least precision of "%.*g" that reads back as x, by trying: the
 * rare case mp_shortest leaves (see mp_shortest.h).  Round-tripping is
 * monotone in the precision, and 17 digits always suffice.  For a normal
 * double, when 15 digits round-trip they are already the shortest form:
 * %g drops trailing zeros, and a shorter decimal that reads back as x
 * agrees with x to within half an ulp, far below half a unit of the 15th
 * digit.  Subnormals have fewer significant bits, so there the shortest
 * precision is searched for. */
static void shortest_by_printf(char buf[MP_NUMBUF], double x)
{
    if (!round_trips(buf, x, 15)) {
        if (!round_trips(buf, x, 16))
            round_trips(buf, x, 17);
        return;
    }
    if (fabs(x) >= DBL_MIN)
        return;
    int lo = 1, hi = 15;        /* hi round-trips */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (round_trips(buf, x, mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    round_trips(buf, x, hi);
}

/* "00" to "99": two digits per division. */
static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The eight digits of x < 10^8, leading zeros included, ending at end,
 * without division (J. Anhalt's "jeaiii" integer-to-text method): t is
 * x / 10^6 in fixed point with 57 fraction bits, t = x * ceil(2^57 /
 * 10^6); its integer part is the first two digits, and each
 * multiplication of the fraction by 100 brings the next two up.  The
 * rounding of the constant adds less than x * 100^3 / 2^57 < 0.7 units
 * of the last pair, never enough to carry into a pair (every x < 10^8
 * was checked), and t stays below 2^64. */
#define FRAC57 ((UINT64_C(1) << 57) - 1)
#define NEXT_PAIR(t) ((t) = ((t) & FRAC57) * 100)
static void eight_digits(char *end, uint32_t x)
{
    uint64_t t = (uint64_t)x * UINT64_C(144115188076);
    /* unrolled: the compiler keeps the loop otherwise */
    memcpy(end - 8, pairs + 2 * (t >> 57), 2);
    NEXT_PAIR(t);
    memcpy(end - 6, pairs + 2 * (t >> 57), 2);
    NEXT_PAIR(t);
    memcpy(end - 4, pairs + 2 * (t >> 57), 2);
    NEXT_PAIR(t);
    memcpy(end - 2, pairs + 2 * (t >> 57), 2);
}

/* The decimal digits of d, written backwards to end, two at a time;
 * returns the first.  Eight at a time in 32-bit arithmetic while d is
 * larger: a 64-bit division by a constant costs several times more. */
static char *digits(char *end, uint64_t d)
{
    while (d >= 100000000) {
        uint64_t q = d / 100000000;
        eight_digits(end, (uint32_t)(d - q * 100000000));
        end -= 8;
        d = q;
    }
    uint32_t x = (uint32_t)d;
    for (; x >= 100; x /= 100)
        end = memcpy(end - 2, pairs + 2 * (x % 100), 2);
    if (x >= 10)
        return memcpy(end - 2, pairs + 2 * x, 2);
    *--end = (char)('0' + x);
    return end;
}

/* What printf's "%.*g" (C11 7.21.6.1) prints at precision prec for the
 * value (-1)^neg * d * 10^e, d having n digits and no trailing zeros (so
 * n <= prec): scientific notation when the decimal exponent x of the
 * leading digit is below -4 or at least prec, else fixed; no trailing
 * zeros; an exponent of at least two digits. */
static char *format_g(char *p, int neg, uint64_t d, int e, int prec)
{
    char dig[20];
    const char *s = digits(dig + sizeof dig, d);
    int n = (int)(dig + sizeof dig - s);
    int x = e + n - 1;
    if (neg)
        *p++ = '-';
    if (x < -4 || x >= prec) {
        *p++ = s[0];
        if (n > 1) {
            *p++ = '.';
            p = (char *)memcpy(p, s + 1, (size_t)n - 1) + n - 1;
        }
        int a = x < 0 ? -x : x;
        *p++ = 'e';
        *p++ = x < 0 ? '-' : '+';
        if (a >= 100)
            *p++ = (char)('0' + a / 100);
        *p++ = (char)('0' + a / 10 % 10);
        *p++ = (char)('0' + a % 10);
        *p = '\0';
        return p;
    }
    int whole = x + 1;          /* digits before the point, <= 0 below 1 */
    if (whole <= 0) {
        p = (char *)memcpy(p, "0.0000", (size_t)(2 - whole)) + 2 - whole;
        whole = 0;
    }
    for (int i = 0; i < whole; i++)
        *p++ = i < n ? s[i] : '0';
    if (n > whole) {
        if (whole > 0)
            *p++ = '.';
        p = (char *)memcpy(p, s + whole, (size_t)(n - whole)) + n - whole;
    }
    *p = '\0';
    return p;
}

/* A literal and its terminating NUL into buf; returns the NUL. */
#define PUT_LITERAL(buf, s) ((char *)memcpy((buf), s, sizeof(s)) + sizeof(s) - 1)

char *mp_format_json_number_to(char buf[MP_NUMBUF], double x)
{
    uint64_t d;
    int e;
    if (!isfinite(x))
        return PUT_LITERAL(buf, "null");
    if (x == 0)
        return signbit(x) ? PUT_LITERAL(buf, "-0") : PUT_LITERAL(buf, "0");
    if (!mp_shortest(x, &d, &e)) {
        shortest_by_printf(buf, x);
        return buf + strlen(buf);
    }
    /* The output of shortest_by_printf: "%.15g" when up to 15 digits
     * do, else the shortest precision (subnormals, which it searches
     * below 15, are in scientific notation at any precision). */
    int prec = d >= UINT64_C(10000000000000000) ? 17
               : d >= UINT64_C(1000000000000000) ? 16 : 15;
    return format_g(buf, signbit(x) != 0, d, e, prec);
}

void mp_format_json_number(char buf[MP_NUMBUF], double x)
{
    mp_format_json_number_to(buf, x);
}

char *mp_format_int_to(char buf[MP_NUMBUF], long n)
{
    char dig[24];
    unsigned long u = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
    char *s = digits(dig + sizeof dig, u);
    if (n < 0)
        *--s = '-';
    size_t len = (size_t)(dig + sizeof dig - s);
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf + len;
}

void mp_format_int(char buf[MP_NUMBUF], long n)
{
    mp_format_int_to(buf, n);
}

void mp_format_fixed(char buf[MP_NUMBUF], double x, int d)
{
    if (!isfinite(x))
        strcpy(buf, "NA");
    else
        snprintf(buf, MP_NUMBUF, "%.*f", d, x);
    if (buf[0] == '-' && strspn(buf, "-0.") == strlen(buf))
        memmove(buf, buf + 1, strlen(buf));     /* "0.00", never "-0.00" */
}

void mp_format_ratio(char buf[MP_NUMBUF], double x)
{
    /* exp() of a bound beyond +-709 overflows or underflows: say so. */
    if (x == INFINITY)
        strcpy(buf, ">1e+308");
    else if (x == 0)
        strcpy(buf, "<1e-308");
    else if (!isfinite(x))
        strcpy(buf, "NA");
    else if (x >= 0.095 && x < 99.995)
        snprintf(buf, MP_NUMBUF, "%.2f", x);
    else if (x >= 0.00995 && x < 0.095)
        snprintf(buf, MP_NUMBUF, "%.3f", x);
    else
        snprintf(buf, MP_NUMBUF, "%.2e", x);
}

void mp_format_p(char buf[MP_NUMBUF], double p)
{
    if (!isfinite(p))
        strcpy(buf, "NA");
    else if (p < 0.0001)
        strcpy(buf, "< 0.0001");
    else if (p >= 0.095)
        snprintf(buf, MP_NUMBUF, "%.2f", p);
    else
        snprintf(buf, MP_NUMBUF, "%.2g", p);
    /* %.2g prints 1e-04 style below 1e-4 only, which the first branch
     * already excludes */
}

void mp_format_percent(char buf[MP_NUMBUF], double x)
{
    buf[0] = '\0';
    if (isfinite(x)) {
        mp_format_fixed(buf, x, 1);
        strcat(buf, "%");
    }
}

void mp_format_p_text(char *buf, size_t n, double p)
{
    char b[MP_NUMBUF];
    mp_format_p(b, p);
    snprintf(buf, n, "p %s%s", b[0] == '<' ? "" : "= ", b);
}

/* Bytes a JSON string must escape (RFC 8259 section 7): the quote, the
 * backslash and the control characters. */
static int json_special(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/* The JSON escape of c into b: a short form where there is one. */
static void json_escape(mp_outbuf *b, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    const char *short_form = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                             : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
    if (short_form) {
        mp_outbuf_write(b, short_form, 2);
        return;
    }
    char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
    mp_outbuf_write(b, u, sizeof u);
}

void mp_format_json_string_to(mp_outbuf *b, const char *s)
{
    mp_outbuf_putc(b, '"');
    for (;;) {      /* a run that needs no escape, then one escape */
        size_t n = 0;
        while (s[n] && !json_special((unsigned char)s[n]))
            n++;
        mp_outbuf_write(b, s, n);
        if (s[n] == '\0')
            break;
        json_escape(b, (unsigned char)s[n]);
        s += n + 1;
    }
    mp_outbuf_putc(b, '"');
}

void mp_format_csv_field_to(mp_outbuf *b, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        mp_outbuf_puts(b, s);
        return;
    }
    mp_outbuf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            mp_outbuf_putc(b, '"');
        mp_outbuf_putc(b, *s);
    }
    mp_outbuf_putc(b, '"');
}

/* One field through a small buffer to out: 0, or -1 when a write failed. */
static int field_to_file(FILE *out, void (*field)(mp_outbuf *, const char *),
                         const char *s)
{
    mp_outbuf b;
    mp_outbuf_init_small(&b, out);
    field(&b, s);
    return mp_outbuf_flush(&b);
}

int mp_format_json_string(FILE *out, const char *s)
{
    return field_to_file(out, mp_format_json_string_to, s);
}

int mp_format_csv_field(FILE *out, const char *s)
{
    return field_to_file(out, mp_format_csv_field_to, s);
}

size_t mp_format_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)   /* not a continuation byte */
            w++;
    return w;
}

/* Append n bytes of s to dst within cap. */
static void append(char *dst, size_t cap, const char *s, size_t n)
{
    size_t used = strlen(dst);
    if (used + 1 >= cap)
        return;
    if (n > cap - 1 - used)
        n = cap - 1 - used;
    memcpy(dst + used, s, n);
    dst[used + n] = '\0';
}

void mp_format_pad(char *dst, size_t cap, const char *s, size_t w)
{
    size_t n = mp_format_width(s);
    if (n > w && w > 0) {
        /* Cut to w - 3 columns and mark the cut, or to w when that is all
         * the room there is. */
        size_t keep = w >= 3 ? w - 3 : w, cols = 0;
        const char *p = s;
        for (; *p; p++)
            if (((unsigned char)*p & 0xC0) != 0x80 && cols++ == keep)
                break;
        append(dst, cap, s, (size_t)(p - s));
        if (w >= 3)
            append(dst, cap, "...", 3);
        return;
    }
    append(dst, cap, s, strlen(s));
    size_t used = strlen(dst), pad = n < w ? w - n : 0;
    if (used + pad >= cap)
        pad = used + 1 < cap ? cap - 1 - used : 0;
    memset(dst + used, ' ', pad);
    dst[used + pad] = '\0';
}
