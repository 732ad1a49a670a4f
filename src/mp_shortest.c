/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_shortest.c - shortest round-trip decimal digits of a double; see
 * mp_shortest.h.
 *
 * Algorithm: Ryu, Ulf Adams, "Ryu: fast float-to-string conversion",
 * PLDI 2018, sections 2 and 3 (implemented here from the paper).  With
 * x = m2 * 2^e2 (e2 lowered by 2 so that the bounds are integers), the
 * rounding interval of x is [mm, mp] * 2^e2 around mv = 4 m2, open or
 * closed as round-to-nearest-even reads its ends.  The three are scaled
 * by 10^-q into integers vr, vp, vm (floors, exact thanks to 125-bit
 * approximations of 5^i and 2^k / 5^q, Lemma 3.3 of the paper); then
 * digits are dropped while vp and vm still differ after the drop, which
 * leaves the shortest decimal in the interval.  Whether each floor was
 * exact is tracked so that exact ties and closed ends are decided right.
 */
#include "mp_shortest.h"

#include <string.h>
#include <threads.h>

__extension__ typedef unsigned __int128 u128;

#define POW5_BITS 125       /* bits kept of 5^i and of 2^k / 5^q */
#define N_POW5 326          /* 5^i, i = -e2 - q <= 325 (e2 >= -1076) */
#define N_POW5_INV 292      /* 2^k / 5^q, q <= 291 (e2 <= 971) */

/* 128-bit table entries, [0] the low word. */
static uint64_t pow5[N_POW5][2], pow5_inv[N_POW5_INV][2];
static once_flag tables_once = ONCE_FLAG_INIT;

/* floor(log2(5^e)) + 1, the bit length of 5^e, for 0 <= e <= 3528
 * (the paper's pow5bits; 1217359 / 2^19 approximates log2(5)). */
static int pow5_bits(int e)
{
    return (int)(((uint32_t)e * 1217359u) >> 19) + 1;
}

/* floor(e log10(2)) for 0 <= e <= 1650, and floor(e log10(5)) for
 * 0 <= e <= 2620 (the paper's log10Pow2 and log10Pow5). */
static int log10_pow2(int e)
{
    return (int)(((uint32_t)e * 78913u) >> 18);
}

static int log10_pow5(int e)
{
    return (int)(((uint32_t)e * 732923u) >> 20);
}

/* ---- the tables, computed once with exact integer arithmetic ------------ */

#define BIG_WORDS 28        /* 896 bits: 5^325 has 755, 2^INV_M 833 */
#define INV_M 832           /* 2^INV_M / 5^q keeps every bit the table needs */

typedef struct {
    uint32_t w[BIG_WORDS];  /* little-endian */
} big;

static void big_mul5(big *b)
{
    uint64_t carry = 0;
    for (int i = 0; i < BIG_WORDS; i++) {
        uint64_t t = (uint64_t)b->w[i] * 5 + carry;
        b->w[i] = (uint32_t)t;
        carry = t >> 32;
    }
}

/* b = floor(b / 5); floor(floor(a / 5^i) / 5) = floor(a / 5^(i+1)). */
static void big_div5(big *b)
{
    uint64_t rem = 0;
    for (int i = BIG_WORDS - 1; i >= 0; i--) {
        uint64_t t = rem << 32 | b->w[i];
        b->w[i] = (uint32_t)(t / 5);
        rem = t % 5;
    }
}

/* Bits s to s + 127 of b (bits below 0 are zeros): floor(b / 2^s), or
 * b * 2^-s when s < 0, as long as that fits 128 bits. */
static void big_bits(const big *b, int s, uint64_t out[2])
{
    out[0] = out[1] = 0;
    for (int t = 0; t < 128; t++) {
        int src = s + t;
        if (src >= 0 && src < 32 * BIG_WORDS && (b->w[src / 32] >> (src % 32) & 1))
            out[t / 64] |= (uint64_t)1 << (t % 64);
    }
}

/* pow5[i] = the top 125 bits of 5^i; pow5_inv[q] = floor(2^k / 5^q) + 1
 * with k = pow5_bits(q) - 1 + 125 (the paper's tables, section 3.3). */
static void init_tables(void)
{
    big p = { { 1 } };
    for (int i = 0; i < N_POW5; i++, big_mul5(&p))
        big_bits(&p, pow5_bits(i) - POW5_BITS, pow5[i]);
    big inv = { { 0 } };
    inv.w[INV_M / 32] = (uint32_t)1 << (INV_M % 32);
    for (int q = 0; q < N_POW5_INV; q++, big_div5(&inv)) {
        big_bits(&inv, INV_M - (pow5_bits(q) - 1 + POW5_BITS), pow5_inv[q]);
        if (++pow5_inv[q][0] == 0)
            pow5_inv[q][1]++;
    }
}

/* ---- Ryu ------------------------------------------------------------------ */

/* floor(m * mul / 2^j) for m < 2^55, mul < 2^125, j >= 64. */
static uint64_t mul_shift(uint64_t m, const uint64_t mul[2], int j)
{
    u128 lo = (u128)m * mul[0], hi = (u128)m * mul[1];
    return (uint64_t)(((lo >> 64) + hi) >> (j - 64));
}

static int multiple_of_pow5(uint64_t v, int q)
{
    for (; q > 0; q--, v /= 5)
        if (v % 5 != 0)
            return 0;
    return 1;
}

static int multiple_of_pow2(uint64_t v, int q)
{
    return q < 64 && (v & (((uint64_t)1 << q) - 1)) == 0;
}

/* The interval of x scaled by 10^-e10: floors vr, vp, vm of mv, mp, mm,
 * and whether the floors of mv and mm are exact. */
typedef struct {
    uint64_t vr, vp, vm;
    int e10, vr_exact, vm_exact;
} scaled;

/* vr, vp, vm = floor(v * mul / 2^j) of mv = 4 m2, mp and mm; a floor is
 * exact when exact(v, q) says so. */
static void scale(scaled *s, uint64_t m2, int mm_shift, int even,
                  const uint64_t mul[2], int j, int q,
                  int (*exact)(uint64_t v, int q))
{
    uint64_t mv = 4 * m2, mp = mv + 2, mm = mv - 1 - (uint64_t)mm_shift;
    s->vr = mul_shift(mv, mul, j);
    s->vp = mul_shift(mp, mul, j);
    s->vm = mul_shift(mm, mul, j);
    s->vr_exact = exact(mv, q);
    s->vm_exact = even && exact(mm, q);
    if (!even && exact(mp, q))
        s->vp--;            /* an open upper end is not in the interval */
}

/* e2 >= 0: multiply by 2^e2 / 10^q with q = floor(e2 log10 2), one less
 * above e2 = 3 (the paper's case e2 >= 0).  v * 2^e2 / 10^q is an integer
 * exactly when 5^q divides v, as q <= e2. */
static void scale_up(scaled *s, uint64_t m2, int e2, int mm_shift, int even)
{
    int q = log10_pow2(e2) - (e2 > 3);
    int j = -e2 + q + POW5_BITS + pow5_bits(q) - 1;
    s->e10 = q;
    scale(s, m2, mm_shift, even, pow5_inv[q], j, q, multiple_of_pow5);
}

/* e2 < 0: multiply by 5^-e2 / 10^q with q = floor(-e2 log10 5), one less
 * above -e2 = 1: v * 5^i / 2^q with i = -e2 - q, an integer exactly when
 * 2^q divides v. */
static void scale_down(scaled *s, uint64_t m2, int e2, int mm_shift, int even)
{
    int q = log10_pow5(-e2) - (-e2 > 1);
    int i = -e2 - q;
    s->e10 = q + e2;
    scale(s, m2, mm_shift, even, pow5[i], q - (pow5_bits(i) - POW5_BITS), q,
          multiple_of_pow2);
}

/* Drop one digit of vr, vp and vm; *last becomes the dropped digit of vr
 * and vr_exact says whether every earlier dropped digit was 0. */
static void drop_digit(scaled *s, int *last)
{
    s->vr_exact &= *last == 0;
    s->vm_exact &= s->vm % 10 == 0;
    *last = (int)(s->vr % 10);
    s->vr /= 10;
    s->vp /= 10;
    s->vm /= 10;
    s->e10++;
}

/* shorten when neither vr nor the lower end is exact (almost always):
 * then only the last dropped digit matters, and the digits go two at a
 * time first (the paper's section 3.4, common case; as reference Ryu
 * does): fewer divisions than drop_digit's bookkeeping. */
static int shorten_inexact(const scaled *s, uint64_t *d, int *e10)
{
    uint64_t vr = s->vr, vp = s->vp, vm = s->vm;
    int e = s->e10, last = 0;
    if (vp / 100 > vm / 100) {
        uint64_t q = vr / 100;
        last = (int)(vr - 100 * q) / 10;
        vr = q;
        vp /= 100;
        vm /= 100;
        e += 2;
    }
    for (;;) {
        uint64_t p10 = vp / 10, m10 = vm / 10;
        if (p10 <= m10)
            break;
        uint64_t q = vr / 10;
        last = (int)(vr - 10 * q);
        vr = q;
        vp = p10;
        vm = m10;
        e++;
    }
    int up = last >= 5;
    if (vr == vm && !up)
        return 0;       /* as shorten: vr fell out of the interval */
    *d = vr + (uint64_t)up;
    *e10 = e;
    return 1;
}

/* The shortest digits (the paper's section 3.4, general case): drop
 * digits while a shorter decimal stays in the interval; then, when the
 * lower end is exact and closed, its trailing zeros too.  vr rounded to
 * nearest-even is the result unless it fell out of the interval (vr ==
 * vm, an end that is open or not exact), where vr + 1 is the shortest;
 * that case returns 0, as "%.*g" then needs more digits. */
static int shorten(scaled *s, int even, uint64_t *d, int *e10)
{
    if (!s->vr_exact && !s->vm_exact)
        return shorten_inexact(s, d, e10);
    int last = 0;
    while (s->vp / 10 > s->vm / 10)
        drop_digit(s, &last);
    if (s->vm_exact)
        while (s->vm % 10 == 0 && s->vm > 0)
            drop_digit(s, &last);
    if (s->vr_exact && last == 5 && s->vr % 2 == 0)
        last = 4;           /* an exact tie: round half to even */
    int up = last >= 5;
    if (s->vr == s->vm && !(even && s->vm_exact) && !up)
        return 0;
    *d = s->vr + (uint64_t)up;
    *e10 = s->e10;
    return 1;
}

int mp_shortest(double x, uint64_t *d, int *e10)
{
    call_once(&tables_once, init_tables);
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    uint64_t frac = bits & (((uint64_t)1 << 52) - 1);
    int bexp = (int)(bits >> 52 & 0x7FF);
    /* x = m2 * 2^(e2 + 2); the gap below a power of two is half the gap
     * above (mm_shift = 0) except at the least normal exponent. */
    uint64_t m2 = bexp ? frac | (uint64_t)1 << 52 : frac;
    int e2 = (bexp ? bexp : 1) - 1023 - 52 - 2;
    int mm_shift = frac != 0 || bexp <= 1, even = (m2 & 1) == 0;
    scaled s;
    if (e2 >= 0)
        scale_up(&s, m2, e2, mm_shift, even);
    else
        scale_down(&s, m2, e2, mm_shift, even);
    return shorten(&s, even, d, e10);
}
