/* mp_format.c - number and string formatting; see mp_format.h. */
#include "mp_format.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int round_trips(char buf[MP_NUMBUF], double x, int prec)
{
    snprintf(buf, MP_NUMBUF, "%.*g", prec, x);
    return strtod(buf, NULL) == x;
}

void mp_format_json_number(char buf[MP_NUMBUF], double x)
{
    if (!isfinite(x)) {
        strcpy(buf, "null");
        return;
    }
    /* The fewest significant digits that read back as x.  Round-tripping
     * is monotone in the precision, and 17 digits always suffice.  For a
     * normal double, when 15 digits round-trip they are already the
     * shortest form: %g drops trailing zeros, and a shorter decimal that
     * reads back as x agrees with x to within half an ulp, far below half
     * a unit of the 15th digit.  Subnormals have fewer significant bits,
     * so there the shortest precision is searched for. */
    if (!round_trips(buf, x, 15)) {
        if (!round_trips(buf, x, 16))
            round_trips(buf, x, 17);
        return;
    }
    if (x == 0 || fabs(x) >= DBL_MIN)
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

int mp_format_json_string(FILE *out, const char *s)
{
    if (putc('"', out) == EOF)
        return -1;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int r;
        switch (*p) {
        case '"': r = fputs("\\\"", out); break;
        case '\\': r = fputs("\\\\", out); break;
        case '\n': r = fputs("\\n", out); break;
        case '\r': r = fputs("\\r", out); break;
        case '\t': r = fputs("\\t", out); break;
        default:
            r = *p < 0x20 ? fprintf(out, "\\u%04x", *p) : putc(*p, out);
        }
        if (r < 0)
            return -1;
    }
    return putc('"', out) == EOF ? -1 : 0;
}

int mp_format_csv_field(FILE *out, const char *s)
{
    if (!s)
        return 0;
    if (!strpbrk(s, ",\"\r\n"))
        return fputs(s, out) < 0 ? -1 : 0;
    if (putc('"', out) == EOF)
        return -1;
    for (; *s; s++) {
        if (*s == '"' && putc('"', out) == EOF)
            return -1;
        if (putc(*s, out) == EOF)
            return -1;
    }
    return putc('"', out) == EOF ? -1 : 0;
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
