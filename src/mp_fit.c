/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mp_fit.c - fixed- and random-effects models; see mp_fit.h.
 *
 * Every formula follows R's metafor 3.8 (Viechtbauer 2010, "Conducting
 * meta-analyses in R with the metafor package", J Stat Softw 36(3)) for an
 * intercept-only model, where the matrices of rma.uni reduce to sums:
 * with weights w = 1/(v + tau2), X = 1, W = diag(w),
 *   P = W - w w' / sum w,
 *   Y'PY     = sum w (y - mu)^2                       (q)
 *   Y'PPY    = sum w^2 (y - mu)^2                     (qw)
 *   tr P     = sum w - sum w^2 / sum w
 *   tr PP    = sum w^2 - 2 sum w^3 / sum w + (sum w^2 / sum w)^2
 * with mu = sum w y / sum w.  All sums are compensated (mp_nsum).
 */
#include "mp_fit_impl.h"
#include "mp_bigmem.h"

#include <float.h>
#include <pthread.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_roots.h>

static const char *const method_names[MP_METHOD_COUNT] = {
    "DL", "REML", "PM", "SJ", "HE", "ML", "EB"
};

const char *mp_method_name(mp_method m)
{
    return (unsigned)m < MP_METHOD_COUNT ? method_names[m] : "?";
}

mp_status mp_method_parse(const char *name, mp_method *m)
{
    for (int i = 0; i < MP_METHOD_COUNT; i++) {
        if (name && strcmp(name, method_names[i]) == 0) {
            *m = (mp_method)i;
            return MP_OK;
        }
    }
    return MP_EINPUT;
}

static const char *const pi_names[MP_PI_COUNT] = {
    "default", "z", "t-k1", "t-k2"
};

const char *mp_pi_method_name(mp_pi_method m)
{
    return (unsigned)m < MP_PI_COUNT ? pi_names[m] : "?";
}

mp_status mp_pi_method_parse(const char *name, mp_pi_method *m)
{
    for (int i = MP_PI_Z; i < MP_PI_COUNT; i++) {
        if (name && strcmp(name, pi_names[i]) == 0) {
            *m = (mp_pi_method)i;
            return MP_OK;
        }
    }
    return MP_EINPUT;
}

void mp_fit_options_default(mp_fit_options *o)
{
    o->method = MP_METHOD_DL;
    o->hksj = 0;
    o->pi = MP_PI_DEFAULT;
    o->level = 0.95;
    o->maxiter = 1000;
    o->tol = 1e-12;
    o->tau2_ci = 1;
}

/* ---- input checks ----------------------------------------------------- */

mp_status mp_fit_check_options(const mp_fit_options *o, mp_errors *err)
{
    const char *bad = NULL;
    if (!(o->level > 0.0 && o->level < 1.0))
        bad = "confidence level must be between 0 and 1";
    else if (o->maxiter < 1)
        bad = "iteration limit must be at least 1";
    else if (!(o->tol > 0.0 && isfinite(o->tol)))
        bad = "convergence tolerance must be positive and finite";
    else if ((unsigned)o->method >= MP_METHOD_COUNT)
        bad = "unknown tau^2 estimator";
    else if ((unsigned)o->pi >= MP_PI_COUNT)
        bad = "unknown prediction interval method";
    if (!bad)
        return MP_OK;
    if (err)
        mp_errors_add(err, NULL, 0, "%s", bad);
    return MP_EINPUT;
}

mp_status mp_fit_check_input(const double *y, const double *v, size_t k,
                             mp_errors *err)
{
    mp_status st = MP_OK;
    if (k == 0) {
        if (err)
            mp_errors_add(err, NULL, 0, "no studies to pool");
        return MP_EINPUT;
    }
    for (size_t i = 0; i < k; i++) {
        if (!isfinite(y[i])) {
            if (err)
                mp_errors_add(err, NULL, 0, "study %zu: log effect %g is "
                              "not finite", i + 1, y[i]);
            st = MP_EINPUT;
        }
        if (!(isfinite(v[i]) && v[i] > 0.0)) {
            if (err)
                mp_errors_add(err, NULL, 0, "study %zu: sampling variance "
                              "%g is not finite and > 0", i + 1, v[i]);
            st = MP_EINPUT;
        }
    }
    return st;
}

/* ---- moments ---------------------------------------------------------- */

/* Two-pass weighted moments with the corrected two-pass update of the
 * mean (Chan, Golub and LeVeque 1983): mu from a first pass centred on
 * the first y used, then q = sum w d^2 - (sum w d)^2 / sum w, d = y - mu.
 * need (MP_NEED_*): with MP_NEED_Q only n, sw, mu and q are computed (the
 * others are NaN), by the same sums in the same order as for MP_NEED_ALL,
 * so q is the same double either way; the Q-profile interval of tau^2
 * evaluates Q some twenty times, and at large k the unneeded sums were
 * most of the cost of each pass. */
static void moments(const double *y, const double *v, size_t k, size_t skip,
                    double tau2, int unit, int need, mp_moments *m)
{
    mp_nsum sw = { 0, 0 }, swd = { 0, 0 };
    double c = NAN;
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        if (i == skip)
            continue;
        if (n++ == 0)
            c = y[i];
        double w = unit ? 1.0 : 1.0 / (v[i] + tau2);
        mp_nsum_add(&sw, w);
        mp_nsum_add(&swd, w * (y[i] - c));
    }
    m->n = n;
    m->sw = mp_nsum_value(&sw);
    double mu = c + mp_nsum_value(&swd) / m->sw;

    mp_nsum sw2 = { 0, 0 }, sw3 = { 0, 0 }, sd = { 0, 0 }, sd2 = { 0, 0 },
           sqw = { 0, 0 }, sv = { 0, 0 }, tp = { 0, 0 };
    int all = need != MP_NEED_Q;
    for (size_t i = 0; i < k; i++) {
        if (i == skip)
            continue;
        double w = unit ? 1.0 : 1.0 / (v[i] + tau2);
        double d = y[i] - mu;
        mp_nsum_add(&sd, w * d);
        mp_nsum_add(&sd2, w * d * d);
        if (!all)
            continue;
        mp_nsum_add(&sw2, w * w);
        mp_nsum_add(&sw3, w * w * w);
        mp_nsum_add(&sqw, w * w * d * d);
        mp_nsum_add(&sv, v[i]);
        /* sum of the other weights: exact subtraction when w dominates
         * (Sterbenz), then the compensation term */
        mp_nsum_add(&tp, w * ((sw.sum - w) + sw.comp));
    }
    double corr = mp_nsum_value(&sd);
    m->mu = mu + corr / m->sw;
    m->q = mp_nsum_value(&sd2) - corr * corr / m->sw;
    if (m->q < 0)
        m->q = 0;
    m->sw2 = all ? mp_nsum_value(&sw2) : NAN;
    m->sw3 = all ? mp_nsum_value(&sw3) : NAN;
    m->qw = all ? mp_nsum_value(&sqw) : NAN;
    m->sv = all ? mp_nsum_value(&sv) : NAN;
    m->tp = all ? mp_nsum_value(&tp) / m->sw : NAN;
}

void mp_moments_at(const double *y, const double *v, size_t k, size_t skip,
                   double tau2, mp_moments *m)
{
    moments(y, v, k, skip, tau2, 0, MP_NEED_ALL, m);
}

void mp_moments_unit(const double *y, const double *v, size_t k, size_t skip,
                     mp_moments *m)
{
    moments(y, v, k, skip, 0.0, 1, MP_NEED_ALL, m);
}

/* ---- canonical order ---------------------------------------------------- */

/* A study's sort item, 16 bytes: the order key of y, then either the
 * order key of v (canonical_values: equal items are equal studies) or
 * the study's row (mp_canonical_order: its v is looked up for ties of y,
 * which are rare). */
typedef struct {
    uint64_t ky, aux;
} sort_item;

static int item_cmp(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    if (a->ky != b->ky)
        return a->ky < b->ky ? -1 : 1;
    return (a->aux > b->aux) - (a->aux < b->aux);
}

/* Below this many studies a comparison sort; above, radix. */
enum { RADIX_MIN_K = 64 };

/* Byte b (0 the lowest) of an item's 128-bit key: aux below, ky above. */
static unsigned key_byte(const sort_item *it, unsigned b)
{
    return (unsigned)((b < 8 ? it->aux >> (8 * b) : it->ky >> (8 * (b - 8))) & 0xff);
}

/* LSD radix sort (Knuth TAOCP vol. 3, sec. 5.2.5) of src[0..k-1] by its
 * bytes from..15 of the key, stable, with dst as scratch: the histograms
 * of every byte in one reading pass, then one scattering pass per byte,
 * skipped for a byte that all items share.  Returns the array that holds
 * the result (src or dst). */
static sort_item *radix_sort(sort_item *src, sort_item *dst, size_t k,
                             unsigned from)
{
    enum { BYTES = 16 };
    size_t count[BYTES][257] = { { 0 } };    /* 33 KB */
    for (size_t j = 0; j < k; j++)
        for (unsigned b = from; b < BYTES; b++)
            count[b][key_byte(&src[j], b) + 1]++;
    for (unsigned b = from; b < BYTES; b++) {
        size_t *c = count[b];
        if (c[key_byte(&src[0], b) + 1] == k)
            continue;
        for (int i = 0; i < 256; i++)
            c[i + 1] += c[i];
        for (size_t j = 0; j < k; j++)
            dst[c[key_byte(&src[j], b)]++] = src[j];
        sort_item *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* Sort a run of items of equal ky, rows in aux, by the order key of
 * v[aux] then aux: the key of v stands in ky while the run is sorted. */
static void sort_ties(sort_item *a, size_t n, const double *v)
{
    uint64_t ky = a[0].ky;
    for (size_t j = 0; j < n; j++)
        a[j].ky = mp_order_key(v[a[j].aux]);
    qsort(a, n, sizeof *a, item_cmp);
    for (size_t j = 0; j < n; j++)
        a[j].ky = ky;
}

/* Sort a[0..k-1] by (ky, aux) (v NULL: aux is v's order key), or by ky
 * then as sort_ties orders ties (v: the rows' variances, aux their rows;
 * rows in order are already sorted by aux); tmp (k items, for k >=
 * RADIX_MIN_K) is scratch.  Returns the array that holds the result (a or
 * tmp). */
static sort_item *sort_items(sort_item *a, sort_item *tmp, size_t k,
                             const double *v)
{
    sort_item *s = a;
    if (k < RADIX_MIN_K)
        qsort(a, k, sizeof *a, item_cmp);
    else
        s = radix_sort(a, tmp, k, v ? 8 : 0);
    if (!v)
        return s;
    for (size_t j = 0, e; j < k; j = e) {
        for (e = j + 1; e < k && s[e].ky == s[j].ky; e++)
            ;
        if (e - j > 1)
            sort_ties(s + j, e - j, v);
    }
    return s;
}

/* Two arrays of k sort items (the second NULL below RADIX_MIN_K). */
static mp_status sort_arrays(size_t k, sort_item **a, sort_item **tmp)
{
    *a = mp_big_malloc((k ? k : 1) * sizeof **a);
    *tmp = k >= RADIX_MIN_K ? mp_big_malloc(k * sizeof **tmp) : NULL;
    if (*a && (k < RADIX_MIN_K || *tmp))
        return MP_OK;
    free(*a);
    free(*tmp);
    return MP_ENOMEM;
}

mp_status mp_canonical_order(const double *y, const double *v, size_t k,
                             size_t *perm)
{
    sort_item *a, *tmp;
    if (sort_arrays(k, &a, &tmp) != MP_OK)
        return MP_ENOMEM;
    for (size_t j = 0; j < k; j++)
        a[j] = (sort_item){ mp_order_key(y[j]), j };
    const sort_item *s = sort_items(a, tmp, k, v);
    for (size_t j = 0; j < k; j++)
        perm[j] = (size_t)s[j].aux;
    free(a);
    free(tmp);
    return MP_OK;
}

/* The (y, v) pairs of a run of studies sorted as items: a[0..n-1] are
 * filled from y and v and sorted with tmp as scratch; *sorted receives
 * the array that holds the result (a or tmp).  The pairs' order keys are
 * the items, so that studies with equal pairs are interchangeable. */
typedef struct {
    const double *y, *v;
    sort_item *a, *tmp, *sorted;
    size_t n;
} pair_run;

static void *sort_pairs(void *arg)
{
    pair_run *r = arg;
    for (size_t j = 0; j < r->n; j++)
        r->a[j] = (sort_item){ mp_order_key(r->y[j]), mp_order_key(r->v[j]) };
    r->sorted = sort_items(r->a, r->tmp, r->n, NULL);
    return NULL;
}

/* Write the values of item j to ys[j] and ys[k + j]. */
static void put_values(double *ys, size_t k, size_t j, const sort_item *it)
{
    ys[j] = mp_order_key_value(it->ky);
    ys[k + j] = mp_order_key_value(it->aux);
}

/* Below this many studies the fit uses one thread; from it, the pairs'
 * halves are sorted by a thread each and merged, and the two bounds of
 * the Q-profile interval are searched for at once (the sort and the
 * interval were each about half the fit's 0.31 s at k = 10^6;
 * bench/RESULTS.md).  The figures are the same doubles either way. */
enum { TWO_THREADS_MIN = 1 << 17 };

/* Sort the halves of [0, k) in two threads (the first in the calling
 * one): 0 when the second could not be started (nothing done). */
static int sort_halves(pair_run *r0, pair_run *r1)
{
    pthread_t t;
    if (pthread_create(&t, NULL, sort_pairs, r1) != 0)
        return 0;
    sort_pairs(r0);
    pthread_join(t, NULL);
    return 1;
}

/* The values of k studies in canonical order into ys (2k doubles), from
 * the two sorted runs of sort_halves (a merge: equal items are equal
 * pairs, so which run gives one first does not matter). */
static void merge_values(const pair_run *r0, const pair_run *r1, double *ys,
                         size_t k)
{
    const sort_item *p = r0->sorted, *pe = p + r0->n;
    const sort_item *q = r1->sorted, *qe = q + r1->n;
    size_t j = 0;
    while (p < pe && q < qe)
        put_values(ys, k, j++, item_cmp(q, p) < 0 ? q++ : p++);
    while (p < pe)
        put_values(ys, k, j++, p++);
    while (q < qe)
        put_values(ys, k, j++, q++);
}

/* y and v in canonical order without a permutation, from the arrays a
 * and tmp of sort_arrays.  Returns the array that receives the values
 * (the other one is free), NULL when nothing was done (one thread must
 * sort). */
static double *canonical_in_two(const double *y, const double *v, size_t k,
                                sort_item *a, sort_item *tmp)
{
    if (k < TWO_THREADS_MIN)    /* and tmp may be NULL */
        return NULL;
    size_t h = k / 2;
    pair_run r0 = { y, v, a, tmp, NULL, h };
    pair_run r1 = { y + h, v + h, a + h, tmp + h, NULL, k - h };
    if (!sort_halves(&r0, &r1))
        return NULL;
    /* both runs into one array, so that the other takes the values */
    if ((r0.sorted == a) != (r1.sorted == a + h)) {
        sort_item *to = r0.sorted == a ? a + h : tmp + h;
        memcpy(to, r1.sorted, r1.n * sizeof *to);
        r1.sorted = to;
    }
    double *ys = (double *)(r0.sorted == a ? tmp : a);
    merge_values(&r0, &r1, ys, k);
    return ys;
}

/* y and v in canonical order without a permutation: the sorted items are
 * the (y, v) pairs themselves (as order keys), and studies with equal
 * pairs are interchangeable.  *out receives 2k doubles, ys then vs (the
 * caller frees it); the peak is two arrays of 16 bytes a study.  MP_OK or
 * MP_ENOMEM. */
static mp_status canonical_values(const double *y, const double *v, size_t k,
                                  double **out)
{
    sort_item *a, *tmp;
    if (sort_arrays(k, &a, &tmp) != MP_OK)
        return MP_ENOMEM;
    double *ys = canonical_in_two(y, v, k, a, tmp);
    if (ys) {
        free(ys == (double *)a ? tmp : a);
        *out = ys;
        return MP_OK;
    }
    pair_run r = { y, v, a, tmp, NULL, k };
    sort_pairs(&r);
    /* the array the result is not in takes the values (same size) */
    ys = (double *)(r.sorted == a ? tmp : a);
    if (!ys && !(ys = malloc((k ? 2 * k : 1) * sizeof *ys))) {
        free(a);
        return MP_ENOMEM;
    }
    for (size_t j = 0; j < k; j++)
        put_values(ys, k, j, &r.sorted[j]);
    free(r.sorted);
    *out = ys;
    return MP_OK;
}

/* ---- the moment source of plain arrays ------------------------------ */

typedef struct {
    const double *y, *v;
    size_t k;
} arrays_ctx;

static void arrays_at(const mp_msource *s, double t, int need, mp_moments *m)
{
    const arrays_ctx *a = s->ctx;
    moments(a->y, a->v, a->k, MP_SKIP_NONE, t, 0, need, m);
}

static double arrays_log1p_sum(const mp_msource *s, double t)
{
    const arrays_ctx *a = s->ctx;
    mp_nsum slv = { 0, 0 };
    for (size_t i = 0; i < a->k; i++)
        mp_nsum_add(&slv, log1p(t / a->v[i]));
    return mp_nsum_value(&slv);
}

static void arrays_unit(const mp_msource *s, mp_moments *u)
{
    const arrays_ctx *a = s->ctx;
    mp_moments_unit(a->y, a->v, a->k, MP_SKIP_NONE, u);
}

static double mad_of(const double *y, size_t k);

static double arrays_mad(const mp_msource *s)
{
    const arrays_ctx *a = s->ctx;
    return mad_of(a->y, a->k);
}

static void arrays_source(const double *y, const double *v, size_t k,
                          arrays_ctx *ctx, mp_msource *s)
{
    *ctx = (arrays_ctx){ y, v, k };
    *s = (mp_msource){ k, arrays_at, arrays_log1p_sum, arrays_unit,
                       arrays_mad, ctx, NULL };
}

/* Generalized Q at tau2: sum w (y - mu)^2, w = 1/(v + tau2)
 * (metafor .QE.func). */
static double qe_at(const mp_msource *s, double tau2)
{
    mp_moments m;
    s->at(s, tau2, MP_NEED_Q, &m);
    return m.q;
}

/* tr P at the weights of m (see the top of the file). */
static double trace_p(const mp_moments *m)
{
    return m->tp;
}

/* ---- closed-form estimators ----------------------------------------- */

/* DerSimonian and Laird 1986: tau2 = (Q - (k-1)) / tr P at w = 1/v
 * (metafor rma.uni, method "DL"), truncated at 0. */
static double tau2_dl(const mp_moments *fe)
{
    double t = (fe->q - (double)(fe->n - 1)) / trace_p(fe);
    return t > 0 ? t : 0.0;
}

/* Hedges 1983 (Hedges and Olkin 1985): tau2 = (RSS - tr PV)/(k-1), P the
 * unweighted residual projector, tr PV = sum v (k-1)/k (metafor rma.uni,
 * method "HE"), truncated at 0. */
static double tau2_he_raw(const mp_moments *u)
{
    double k = (double)u->n;
    return (u->q - u->sv * (k - 1.0) / k) / (k - 1.0);
}

double mp_tau2_closed(mp_method method, const mp_moments *fe,
                      const mp_moments *unit)
{
    if (method == MP_METHOD_DL)
        return tau2_dl(fe);
    if (method == MP_METHOD_HE) {
        double t = tau2_he_raw(unit);
        return t > 0 ? t : 0.0;
    }
    return NAN;
}

/* Sidik and Jonkman 2005: tau0 = var(y) (k-1)/k (metafor's initial value),
 * tau2 = tau0 Y'PY / (k-1) with P at w = 1/(v + tau0) (metafor rma.uni,
 * method "SJ").  Non-negative by construction. */
static double tau2_sj(const double *y, const double *v, size_t k)
{
    mp_moments u, m;
    mp_moments_unit(y, v, k, MP_SKIP_NONE, &u);
    double tau0 = u.q / (double)k;
    mp_moments_at(y, v, k, MP_SKIP_NONE, tau0, &m);
    return tau0 * m.q / (double)(k - 1);
}

/* ---- order statistics (for mad(), PM's bracket) --------------------- */

/* Map a double to an unsigned key with the same order (-0 before +0). */
uint64_t mp_order_key(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return (b >> 63) ? ~b : b | ((uint64_t)1 << 63);
}

double mp_order_key_value(uint64_t key)
{
    uint64_t b = (key >> 63) ? key & ~((uint64_t)1 << 63) : ~key;
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* The r-th smallest (0-based) of x_i = absdev ? |y_i - c| : y_i, without
 * allocating: binary search on the order keys (64 passes). */
static double order_stat(const double *y, size_t k, double c, int absdev,
                         size_t r)
{
    uint64_t lo = 0, hi = UINT64_MAX;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        size_t cnt = 0;
        for (size_t i = 0; i < k; i++) {
            double x = absdev ? fabs(y[i] - c) : y[i];
            cnt += mp_order_key(x) <= mid;
        }
        if (cnt >= r + 1)
            hi = mid;
        else
            lo = mid + 1;
    }
    return mp_order_key_value(lo);
}

/* R's median(): the middle order statistic, or the mean of the two. */
static double median_of(const double *y, size_t k, double c, int absdev)
{
    double a = order_stat(y, k, c, absdev, (k - 1) / 2);
    if (k % 2)
        return a;
    double b = order_stat(y, k, c, absdev, k / 2);
    return (a + b) / 2.0;
}

/* R's mad(): 1.4826 median |y - median(y)|. */
static double mad_of(const double *y, size_t k)
{
    double med = median_of(y, k, 0.0, 0);
    return 1.4826 * median_of(y, k, med, 1);
}

/* ---- root finding on the generalized Q ------------------------------- */

/* The last values of QE a search computed: its root finders ask for QE
 * at the ends of a bracket more than once (the bracket's checks, then
 * GSL's solver), and the two bounds of the Q-profile interval start from
 * the same points; at large k each value is a pass over the studies. */
enum { QE_MEMO = 8 };
typedef struct {
    double t[QE_MEMO], q[QE_MEMO];
    unsigned n;                 /* values computed (the last QE_MEMO kept) */
} qe_memo;

/* The parameters of a function whose root is sought: the studies, the
 * target of QE (PM, Q-profile) or the estimator (score_fn). */
typedef struct {
    const mp_msource *s;
    double target;
    mp_method method;
    qe_memo *memo;              /* NULL: none */
} qe_params;

/* QE at tau2 through the memo of qp, if any: the same double either
 * way. */
static double qe_of(const qe_params *qp, double tau2)
{
    qe_memo *m = qp->memo;
    if (!m)
        return qe_at(qp->s, tau2);
    for (unsigned i = 0; i < m->n && i < QE_MEMO; i++)
        if (m->t[i] == tau2)
            return m->q[i];
    double q = qe_at(qp->s, tau2);
    m->t[m->n % QE_MEMO] = tau2;
    m->q[m->n % QE_MEMO] = q;
    m->n++;
    return q;
}

static double qe_minus_target(double tau2, void *p)
{
    const qe_params *q = p;
    return qe_of(q, tau2) - q->target;
}

mp_status mp_root_brent(gsl_function *f, double *lo, double *hi,
                        double epsabs, double epsrel, int maxit, double *root,
                        int *iters)
{
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return MP_ENOMEM;
    mp_status st = MP_ENUMERIC;
    if (gsl_root_fsolver_set(s, f, *lo, *hi) == GSL_SUCCESS) {
        while (*iters < maxit) {
            ++*iters;
            if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
                break;
            *lo = gsl_root_fsolver_x_lower(s);
            *hi = gsl_root_fsolver_x_upper(s);
            if (gsl_root_test_interval(*lo, *hi, epsabs, epsrel)
                == GSL_SUCCESS) {
                *root = gsl_root_fsolver_root(s);
                st = MP_OK;
                break;
            }
        }
    }
    gsl_root_fsolver_free(s);
    return st;
}

/* Bisection of [lo, hi], f(lo) > 0 > f(hi), down to adjacent doubles
 * (so it ends by construction: each step halves the bracket, at most some
 * 2100 steps between any two doubles); the end with the smaller |f|.
 * MP_ENUMERIC if f is not finite on the way. */
static mp_status bisect(gsl_function *f, double lo, double hi, double *root,
                        int *iters)
{
    for (;;) {
        double mid = lo + (hi - lo) / 2.0;
        if (mid <= lo || mid >= hi)
            break;
        ++*iters;
        double fm = GSL_FN_EVAL(f, mid);
        if (isnan(fm))
            return MP_ENUMERIC;
        if (fm == 0.0) {
            *root = mid;
            return MP_OK;
        }
        if (fm > 0.0)
            lo = mid;
        else
            hi = mid;
    }
    *root = fabs(GSL_FN_EVAL(f, lo)) <= fabs(GSL_FN_EVAL(f, hi)) ? lo : hi;
    return MP_OK;
}

/* Brent's iterations a root search may take before bisection takes over
 * (it converges in a few dozen; the bound only makes the end certain). */
enum { BRENT_MAX = 200 };

/* mp_fit_impl.h */
mp_status mp_root_bracketed(gsl_function *f, double lo, double hi,
                            double epsabs, int maxit, int sure, double *root,
                            int *iters)
{
    *iters = 0;
    if (GSL_FN_EVAL(f, lo) == 0.0 || GSL_FN_EVAL(f, hi) == 0.0) {
        *root = GSL_FN_EVAL(f, lo) == 0.0 ? lo : hi;
        return MP_OK;
    }
    mp_status st = mp_root_brent(f, &lo, &hi, epsabs, 4 * DBL_EPSILON,
                                 sure ? BRENT_MAX : maxit, root, iters);
    if (st == MP_ENUMERIC && sure && GSL_FN_EVAL(f, lo) > 0.0)
        st = bisect(f, lo, hi, root, iters);
    return st;
}

/* Root of QE(tau2) = target in [lo, hi] (QE is decreasing in tau2) by
 * Brent's method (GSL; metafor uses R's uniroot, also Brent's zeroin),
 * to o->tol absolute on tau2 within o->maxiter iterations.  The caller has
 * checked that QE(lo) >= target >= QE(hi). */
static mp_status qe_root(const qe_params *qp, double lo, double hi,
                         const mp_fit_options *o, double *root, int *iters)
{
    gsl_function f = { qe_minus_target, (void *)(uintptr_t)qp };
    return mp_root_bracketed(&f, lo, hi, o->tol, o->maxiter, 0, root, iters);
}

/* Flag a decision of the path (and so of tau2 within about tol) as open
 * to rounding (mp_msource.doubtful). */
static void doubt(const mp_msource *s)
{
    if (s->doubtful)
        *s->doubtful = 1;
}

/* The failure of a fit whose figures overflow (the only one left to the
 * iterative estimators on valid input). */
static mp_status not_finite(mp_method method, mp_errors *err)
{
    if (err)
        mp_errors_add(err, NULL, 0, "%s estimator: the fit is not finite "
                      "(extreme sampling variances?)", mp_method_name(method));
    return MP_ENUMERIC;
}

/* Whether QE(hi) > k - 1 (PM's root lies beyond hi); a QE within 1e-9
 * relative of k - 1 makes the choice of bracket, and so Brent's path,
 * open to rounding (doubt).  *bad is set when QE(hi) is not finite. */
static int pm_beyond(const mp_msource *s, const qe_params *qp, double hi,
                     int *bad)
{
    double f = qe_minus_target(hi, (void *)(uintptr_t)qp);
    if (fabs(f) <= 1e-9 * qp->target)
        doubt(s);
    *bad = !isfinite(f) || !isfinite(hi);
    return f > 0.0;
}

/* Paule and Mandel 1982 as metafor rma.uni method "PM": the tau2 >= 0
 * with QE(tau2) = k - 1; 0 when QE(0) < k - 1.  QE falls from QE(0) to 0
 * as tau2 grows (Viechtbauer 2007), so the root exists and is unique.
 * metafor searches [0, tau2.max], tau2.max = max(100, 10 mad(y)^2), and
 * fails when QE(tau2.max) > k - 1; here the upper end then doubles until
 * QE < k - 1 there.  Brent's method to o->tol, finished by bisection if
 * need be (mp_root_bracketed): no iteration limit applies. */
static mp_status tau2_pm(const mp_msource *s, const mp_fit_options *o,
                         double *tau2, int *iters, mp_errors *err)
{
    qe_memo memo = { .n = 0 };
    qe_params qp = { s, (double)(s->n - 1), o->method, &memo };
    double f0 = qe_minus_target(0.0, &qp);
    *iters = 0;
    if (!isfinite(f0))
        return not_finite(o->method, err);
    if (f0 < 0.0) {
        *tau2 = 0.0;
        return MP_OK;
    }
    double hi = 100.0;
    int bad = 0;
    if (pm_beyond(s, &qp, hi, &bad) && !bad) {
        double mad = s->mad(s);
        hi = GSL_MAX(hi, 10.0 * mad * mad);
        while (pm_beyond(s, &qp, hi, &bad) && !bad)
            hi *= 2.0;
    }
    gsl_function f = { qe_minus_target, &qp };
    mp_status st = bad ? MP_ENUMERIC
                       : mp_root_bracketed(&f, 0.0, hi, o->tol, 0, 1, tau2, iters);
    return st == MP_ENUMERIC ? not_finite(o->method, err) : st;
}

/* ---- Fisher scoring: ML, REML, EB ------------------------------------ */

/* The estimating function of ML, REML and EB at tau2, the numerator of
 * metafor rma.uni's Fisher scoring step (zero at its fixed point, positive
 * below it), and in *den the step's denominator (the expected
 * information, up to a factor), intercept only:
 *  ML   (Hardy and Thompson 1996): (Y'PPY - sum w) / sum w^2
 *  REML (Viechtbauer 2005):        (Y'PPY - tr P) / tr PP
 *  EB   (Morris 1983; Berkey et al. 1995): (Y'PY k/(k-1) - k) / sum w
 * with the sums of the top of the file. */
static double score_at(const mp_msource *s, mp_method method, double tau2,
                       double *den)
{
    mp_moments m;
    s->at(s, tau2, method == MP_METHOD_EB ? MP_NEED_Q : MP_NEED_ALL, &m);
    double kk = (double)s->n;
    if (method == MP_METHOD_ML) {
        *den = m.sw2;
        return m.qw - m.sw;
    }
    if (method == MP_METHOD_REML) {
        double a2 = m.sw2 / m.sw;
        *den = m.sw2 - 2.0 * m.sw3 / m.sw + a2 * a2;
        return m.qw - trace_p(&m);
    }
    *den = m.sw;
    return m.q * kk / (kk - 1.0) - kk;
}

/* One Fisher scoring step of metafor rma.uni at tau2. */
static double scoring_step(const mp_msource *s, mp_method method,
                           double tau2)
{
    double den, num = score_at(s, method, tau2, &den);
    return num / den;
}

static double score_fn(double tau2, void *p)
{
    const qe_params *sp = p;
    double den;
    return score_at(sp->s, sp->method, tau2, &den);
}

/* ll(0) - ll(tau2) of the log-likelihood (ML) or restricted
 * log-likelihood (REML) of metafor rma.uni's ll0check:
 *   ll(t) = -1/2 sum log(v + t) - 1/2 Y'PY [- 1/2 log sum w for REML]
 * (constants cancel), with sum log(v + t) - sum log v = sum log1p(t/v). */
static double loglik_drop(const mp_msource *s, mp_method method, double tau2)
{
    mp_moments m0, mt;
    s->at(s, 0.0, MP_NEED_Q, &m0);
    s->at(s, tau2, MP_NEED_Q, &mt);
    double drop = 0.5 * s->log1p_sum(s, tau2) + 0.5 * (mt.q - m0.q);
    if (method == MP_METHOD_REML)
        drop += 0.5 * log(mt.sw / m0.sw);
    return drop;
}

/* metafor rma.uni's Fisher scoring for ML, REML, EB from *t: step with
 * step halving while tau2 + step < 0, until a step changes tau2 by at
 * most tol within maxiter steps.  Returns 1 when it converged; 0 when
 * not, or at a step that is not finite, with *t the last iterate and
 * *prev the one before. */
static int fisher_scoring(const mp_msource *s, const mp_fit_options *o,
                          double *t, double *prev, int *iters)
{
    *prev = *t;
    for (int it = 1; it <= o->maxiter; it++) {
        double adj = scoring_step(s, o->method, *t);
        if (!isfinite(adj) || !isfinite(*t + adj))
            return 0;
        while (*t + adj < 0.0)
            adj /= 2.0;
        *prev = *t;
        *t += adj;
        *iters = it;
        double change = fabs(*prev - *t);
        /* the last allowed step decides convergence, and so the path:
         * by rounding when its size is near tol */
        if (it == o->maxiter && change <= 2.0 * o->tol + 1e-9 * fabs(*t))
            doubt(s);
        if (change <= o->tol)
            return 1;
    }
    return 0;
}

/* A bracket [*lo, *hi] of the root of the estimating function g (g > 0
 * below it, g < 0 above), from the last two scoring iterates a and b when
 * g changes sign between them; else from a: upward by doubling (from the
 * mean sampling variance vbar when a = 0) until g <= 0; downward to 0.
 * Returns 0 with the bracket, 1 when g(0) <= 0 below a (the estimate is
 * the boundary 0), -1 when g is not finite. */
static int score_bracket(gsl_function *g, double a, double b, double vbar,
                         double *lo, double *hi, int *iters)
{
    double ga = GSL_FN_EVAL(g, a), gb = GSL_FN_EVAL(g, b);
    if (!isfinite(ga) || !isfinite(gb))
        return -1;
    *lo = GSL_MIN(a, b);
    *hi = GSL_MAX(a, b);
    if ((ga > 0.0 && gb < 0.0 && a < b) || (ga < 0.0 && gb > 0.0 && b < a))
        return 0;
    if (ga < 0.0) {
        *lo = 0.0;
        *hi = a;
        double g0 = GSL_FN_EVAL(g, 0.0);
        return isfinite(g0) ? g0 <= 0.0 : -1;
    }
    *lo = a;
    *hi = a > 0.0 ? 2.0 * a : vbar;
    for (;;) {
        ++*iters;
        double gh = GSL_FN_EVAL(g, *hi);
        if (!isfinite(gh) || !isfinite(*hi))
            return -1;
        if (gh <= 0.0)
            return 0;
        *lo = *hi;
        *hi *= 2.0;
    }
}

/* The safeguard where Fisher scoring has not converged (it oscillates on
 * some data, in metafor too): the root of the estimating function of
 * score_at, bracketed by score_bracket, to full double precision by
 * mp_root_bracketed (epsabs 0).  It ends by construction: no iteration
 * limit applies. */
static mp_status score_root(const mp_msource *s, const mp_fit_options *o,
                            double a, double b, double vbar, double *tau2,
                            int *iters, mp_errors *err)
{
    qe_params sp = { s, 0.0, o->method, NULL };
    gsl_function g = { score_fn, &sp };
    double lo, hi;
    int extra = 0, it = 0;
    int r = score_bracket(&g, a, b, vbar, &lo, &hi, &extra);
    mp_status st = MP_ENUMERIC;
    if (r == 1) {
        *tau2 = 0.0;
        st = MP_OK;
    } else if (r == 0) {
        st = mp_root_bracketed(&g, lo, hi, 0.0, 0, 1, tau2, &it);
    }
    *iters += extra + it;
    return st == MP_ENUMERIC ? not_finite(o->method, err) : st;
}

/* ML, REML, EB: metafor rma.uni's Fisher scoring from max(0, HE)
 * (fisher_scoring); where it does not converge within maxiter steps, the
 * root of the estimating equation (score_root).  For ML and REML, tau2 is
 * then set to 0 when the (restricted) likelihood at 0 is higher by more
 * than tol (metafor's ll0check). */
static mp_status tau2_scoring(const mp_msource *s, const mp_fit_options *o,
                              double *tau2, int *iters, mp_errors *err)
{
    mp_moments u;
    s->unit(s, &u);
    double t = GSL_MAX(0.0, tau2_he_raw(&u)), prev;
    if (!fisher_scoring(s, o, &t, &prev, iters)) {
        mp_status st = score_root(s, o, t, prev, u.sv / (double)u.n, &t,
                                  iters, err);
        if (st != MP_OK)
            return st;
    }
    if (o->method != MP_METHOD_EB && t > o->tol
        && loglik_drop(s, o->method, t) > o->tol)
        t = 0.0;
    *tau2 = t;
    return MP_OK;
}

mp_status mp_tau2_iterative(const mp_msource *s, const mp_fit_options *o,
                            double *tau2, int *iters, mp_errors *err)
{
    *iters = 0;
    if (o->method == MP_METHOD_PM)
        return tau2_pm(s, o, tau2, iters, err);
    return tau2_scoring(s, o, tau2, iters, err);
}

/* ---- dispatch ---------------------------------------------------------- */

static mp_status estimate_tau2(const double *y, const double *v, size_t k,
                               const mp_fit_options *o, const mp_moments *fe,
                               double *tau2, int *iters, mp_errors *err)
{
    *iters = 0;
    switch (o->method) {
    case MP_METHOD_DL:
        *tau2 = mp_tau2_closed(o->method, fe, NULL);
        return MP_OK;
    case MP_METHOD_HE: {
        mp_moments u;
        mp_moments_unit(y, v, k, MP_SKIP_NONE, &u);
        *tau2 = mp_tau2_closed(o->method, NULL, &u);
        return MP_OK;
    }
    case MP_METHOD_SJ:
        *tau2 = tau2_sj(y, v, k);
        return MP_OK;
    default: {
        arrays_ctx ctx;
        mp_msource s;
        arrays_source(y, v, k, &ctx, &s);
        return mp_tau2_iterative(&s, o, tau2, iters, err);
    }
    }
}

/* ---- result blocks ----------------------------------------------------- */

double mp_fit_critical(double level, double df)
{
    double half = (1.0 - level) / 2.0;
    return isnan(df) ? gsl_cdf_ugaussian_Qinv(half)
                     : gsl_cdf_tdist_Qinv(half, df);
}

double mp_fit_two_sided_p(double stat, double df)
{
    double a = fabs(stat);
    return 2.0 * (isnan(df) ? gsl_cdf_ugaussian_Q(a) : gsl_cdf_tdist_Q(a, df));
}

/* Inverse-variance fixed effect (metafor rma.uni, method "FE"):
 * mu = sum w y / sum w, se = 1/sqrt(sum w), Wald z test and interval. */
static void fixed_block(const mp_moments *fe, const mp_fit_options *o,
                        mp_fixed_result *f)
{
    double crit = mp_fit_critical(o->level, NAN);
    f->log_estimate = fe->mu;
    f->se = sqrt(1.0 / fe->sw);
    f->lower = f->log_estimate - crit * f->se;
    f->upper = f->log_estimate + crit * f->se;
    f->z = f->log_estimate / f->se;
    f->p = mp_fit_two_sided_p(f->z, NAN);
    f->weight_sum = fe->sw;
}

static void random_nan(mp_method method, mp_random_result *r)
{
    double n = NAN;
    *r = (mp_random_result){
        .method = method, .tau2 = n, .tau = n, .log_estimate = n, .se = n,
        .lower = n, .upper = n, .t_test = 0, .statistic = n, .df = n, .p = n,
        .pi_lower = n, .pi_upper = n, .pi_method = MP_PI_Z, .pi_df = n,
        .tau2_lower = n, .tau2_upper = n,
        .I2_lower = n, .I2_upper = n, .H2_lower = n, .H2_upper = n,
        .iterations = 0, .weight_sum = n
    };
}

/* Prediction interval mu +/- crit sqrt(se^2 + tau2) (Higgins, Thompson
 * and Spiegelhalter 2009), se^2 = vb the variance of mu (HKSJ-rescaled
 * under HKSJ).  crit by o->pi: the normal quantile (metafor predict.rma
 * without HKSJ), t(k-1) (metafor under HKSJ), or t(k-2) (Higgins et al.
 * 2009; Cochrane Handbook ch. 10.10.4.3, as RevMan): none for k = 2. */
static void prediction_interval(size_t k, double tau2, double vb,
                                const mp_fit_options *o, mp_random_result *r)
{
    mp_pi_method m = o->pi;
    if (m == MP_PI_DEFAULT)
        m = o->hksj ? MP_PI_T_K1 : MP_PI_Z;
    r->pi_method = m;
    r->pi_df = m == MP_PI_T_K1 ? (double)(k - 1)
               : m == MP_PI_T_K2 ? (double)k - 2.0 : NAN;
    if (r->pi_df == 0.0) {
        r->pi_lower = r->pi_upper = NAN;
        return;
    }
    double crit = mp_fit_critical(o->level, r->pi_df), sp = sqrt(vb + tau2);
    r->pi_lower = r->log_estimate - crit * sp;
    r->pi_upper = r->log_estimate + crit * sp;
}

/* Random-effects mean (metafor rma.uni) and prediction interval (metafor
 * predict.rma): mu = sum w y / sum w at w = 1/(v + tau2), se =
 * sqrt(1/sum w); under HKSJ (Hartung and Knapp 2001, Sidik and Jonkman
 * 2002; metafor test = "knha") se = sqrt(s2w / sum w) with s2w =
 * sum w (y - mu)^2 / (k-1) (0 when that sum is <= DBL_EPSILON, as metafor)
 * and t(k-1) quantiles; PI = mu +/- crit sqrt(se^2 + tau2). */
static void random_block(size_t k, double tau2, const mp_moments *re,
                         const mp_fit_options *o, mp_random_result *r)
{
    random_nan(o->method, r);
    double df = (double)(k - 1);
    double vb = 1.0 / re->sw;
    r->tau2 = tau2;
    r->tau = sqrt(tau2);
    r->weight_sum = re->sw;
    r->log_estimate = re->mu;
    r->t_test = o->hksj != 0;
    if (r->t_test) {
        double s2w = re->q <= DBL_EPSILON ? 0.0 : re->q / df;
        vb = s2w * vb;
        r->df = df;
    }
    r->se = sqrt(vb);
    double crit = mp_fit_critical(o->level, r->df);
    r->lower = r->log_estimate - crit * r->se;
    r->upper = r->log_estimate + crit * r->se;
    r->statistic = r->log_estimate / r->se;
    r->p = mp_fit_two_sided_p(r->statistic, r->df);
    prediction_interval(k, tau2, vb, o, r);
}

/* metafor's "typical" within-study variance (rma.uni, i2def "1"):
 * s2 = (k-1) / tr P at w = 1/v (Higgins and Thompson 2002). */
static double typical_variance(const mp_moments *fe)
{
    return (double)(fe->n - 1) / trace_p(fe);
}

/* Cochran's Q (Cochran 1954) with fixed-effect weights, its chi^2(k-1) p,
 * I2 = 100 tau2 / (s2 + tau2), H2 = (tau2 + s2) / s2 (metafor rma.uni). */
static void het_block(size_t k, const mp_moments *fe, double tau2,
                      mp_heterogeneity *h)
{
    double vt = typical_variance(fe);
    h->Q = GSL_MAX(0.0, fe->q);
    h->df = (double)(k - 1);
    h->p = gsl_cdf_chisq_Q(h->Q, h->df);
    h->I2 = 100.0 * tau2 / (vt + tau2);
    h->H2 = tau2 / vt + 1.0;
}

static int results_finite(const mp_fit_result *r)
{
    if (!isfinite(r->fixed.log_estimate) || !isfinite(r->fixed.se))
        return 0;
    if (!r->has_random)
        return 1;
    return isfinite(r->random.tau2) && isfinite(r->random.log_estimate)
           && isfinite(r->random.se) && isfinite(r->het.Q)
           && isfinite(r->het.I2);
}

mp_status mp_fit_finish(size_t k, const mp_moments *fe, double tau2,
                        const mp_moments *re, const mp_fit_options *o,
                        mp_fit_result *r, mp_errors *err)
{
    double n = NAN;
    r->k = k;
    r->status = MP_OK;
    fixed_block(fe, o, &r->fixed);
    r->has_random = k >= 2;
    if (r->has_random) {
        random_block(k, tau2, re, o, &r->random);
        het_block(k, fe, tau2, &r->het);
    } else {
        random_nan(o->method, &r->random);
        r->het = (mp_heterogeneity){ n, n, n, n, n };
    }
    if (!results_finite(r))
        r->status = not_finite(o->method, err);
    return r->status;
}

/* ---- Q-profile confidence interval of tau2 --------------------------- */

static double chisq_upper_minus(double x, void *params)
{
    const double *a = params;       /* { p, df } */
    return gsl_cdf_chisq_Q(x, a[1]) - a[0];
}

/* The chi-square quantile with upper tail probability p (R's
 * qchisq(p, df, lower.tail = FALSE)).  GSL's inverse is wrong or NaN for
 * large df (e.g. 1.3e5 instead of 1.009e5 at p = 0.025, df = 1e5), while
 * its distribution function stays accurate; so GSL's answer is kept only
 * when the distribution function confirms it, and otherwise the quantile
 * is solved for with Brent's method on a bracket around the Wilson-Hilferty
 * approximation (Wilson and Hilferty 1931).  NAN if that fails. */
double mp_chisq_quantile_upper(double p, double df)
{
    double x = gsl_cdf_chisq_Qinv(p, df);
    if (isfinite(x) && fabs(gsl_cdf_chisq_Q(x, df) - p) <= 1e-12 * p)
        return x;
    double z = gsl_cdf_ugaussian_Qinv(p), c = 2.0 / (9.0 * df);
    double wh = df * pow(1.0 - c + z * sqrt(c), 3.0), sd = sqrt(2.0 * df);
    double lo = GSL_MAX(0.0, GSL_MIN(wh, df) - 10.0 * sd), hi = GSL_MAX(wh, df) + 10.0 * sd;
    double params[2] = { p, df };
    gsl_function f = { chisq_upper_minus, params };
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s || gsl_root_fsolver_set(s, &f, lo, hi) != GSL_SUCCESS) {
        if (s)
            gsl_root_fsolver_free(s);
        return NAN;
    }
    double root = NAN;
    for (int i = 0; i < 200; i++) {
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            break;
        double a = gsl_root_fsolver_x_lower(s), b = gsl_root_fsolver_x_upper(s);
        if (gsl_root_test_interval(a, b, 0.0, 4 * DBL_EPSILON) == GSL_SUCCESS) {
            root = gsl_root_fsolver_root(s);
            break;
        }
    }
    gsl_root_fsolver_free(s);
    return root;
}

/* Viechtbauer 2007 (Q-profile), metafor confint.rma.uni type "QP": the
 * bounds solve QE(tau2) = chi^2 quantiles at (1 - level)/2 within
 * [0, max(100, 10 tau2)]; a bound beyond the interval is set to its end.
 * I2 and H2 bounds from the bounds of tau2 with the same s2. */
/* The root of QE(tau2) = target in [0, hi], where QE(0) > target >=
 * QE(hi).  QE is decreasing in tau2 (Viechtbauer 2007), so the bracket is
 * first narrowed around the estimate t0 by doubling steps; the root is the
 * same, found in a handful of evaluations instead of some forty from
 * [0, hi] (each is a pass over the k studies). */
static mp_status qe_root_near(const qe_params *qp, double hi, double t0,
                              const mp_fit_options *o, double *root, int *it)
{
    double a = 0.0, b = hi;
    if (t0 > 0.0 && t0 < hi) {
        if (qe_of(qp, t0) > qp->target) {
            double step = t0;
            a = t0;
            while (a + step < hi && qe_of(qp, a + step) > qp->target) {
                a += step;
                step *= 2.0;
            }
            b = GSL_MIN(hi, a + step);
        } else {
            b = t0;
        }
    }
    return qe_root(qp, a, b, o, root, it);
}

/* A root search of the Q-profile interval: QE = qp.target near t0 in
 * [0, hi] (qe_root_near), from a memo of its own. */
typedef struct {
    qe_memo memo;
    qe_params qp;
    double hi, t0;
    const mp_fit_options *o;
    double root;
    mp_status st;
} qp_search;

static void *qp_search_run(void *arg)
{
    qp_search *b = arg;
    int it;
    b->qp.memo = &b->memo;
    b->st = qe_root_near(&b->qp, b->hi, b->t0, b->o, &b->root, &it);
    return NULL;
}

/* Run the searches whose need is set: both at once in two threads from
 * TWO_THREADS_MIN studies on (each search is the same as alone: QE values
 * are the same doubles in either thread). */
static void qp_searches(qp_search *b, const int *need, size_t k)
{
    pthread_t t;
    int two = need[0] && need[1] && k >= TWO_THREADS_MIN &&
              pthread_create(&t, NULL, qp_search_run, &b[1]) == 0;
    for (int i = 0; i < 2; i++)
        if (need[i] && !(two && i == 1))
            qp_search_run(&b[i]);
    if (two)
        pthread_join(t, NULL);
}

static mp_status tau2_qp_ci(const double *y, const double *v, size_t k,
                            const mp_fit_options *o, const mp_moments *fe,
                            mp_random_result *r, mp_errors *err)
{
    double df = (double)(k - 1), half = (1.0 - o->level) / 2.0;
    double crit_u = mp_chisq_quantile_upper(half, df);
    double crit_l = mp_chisq_quantile_upper(1.0 - half, df);
    double hi = GSL_MAX(100.0, 10.0 * r->tau2), t0 = r->tau2;
    arrays_ctx ctx;
    mp_msource s;
    arrays_source(y, v, k, &ctx, &s);
    /* [0]: the upper bound (QE = crit_l), [1]: the lower (QE = crit_u);
     * the values of QE both need first, in a memo both start from */
    qp_search b[2] = { { .qp = { &s, crit_l, o->method, NULL }, .hi = hi,
                         .t0 = t0, .o = o },
                       { .qp = { &s, crit_u, o->method, NULL }, .hi = hi,
                         .t0 = t0, .o = o } };
    qe_params qp = { &s, crit_l, o->method, &b[0].memo };
    double qmin = qe_of(&qp, 0.0), qmax = qe_of(&qp, hi);
    int need[2] = { !(qmin < crit_l) && !(qmax > crit_l),
                    !(qmax > crit_u) && !(qmin < crit_u) };
    if (need[0] && need[1] && t0 > 0.0 && t0 < hi)
        (void)qe_of(&qp, t0);
    b[1].memo = b[0].memo;
    qp_searches(b, need, k);
    double lb = NAN, ub = NAN;
    mp_status st = MP_OK;
    if (qmin < crit_l)
        lb = ub = 0.0;
    else if (qmax > crit_l)
        ub = hi;
    else if ((st = b[0].st) == MP_OK)
        ub = b[0].root;
    if (st == MP_OK) {
        if (qmax > crit_u)
            lb = ub = hi;
        else if (qmin < crit_u)
            lb = 0.0;
        else if ((st = b[1].st) == MP_OK)
            lb = b[1].root;
    }
    if (st == MP_ENOMEM) {
        if (err)
            mp_errors_add(err, NULL, 0, "Q-profile interval of tau^2: out of memory");
        return st;
    }
    if (st != MP_OK) {
        /* As metafor's confint: a bound that cannot be found is NA, and
         * the fit itself stands. */
        r->tau2_lower = r->tau2_upper = NAN;
        r->I2_lower = r->I2_upper = r->H2_lower = r->H2_upper = NAN;
        return MP_OK;
    }
    double vt = typical_variance(fe);
    r->tau2_lower = lb;
    r->tau2_upper = ub;
    r->I2_lower = 100.0 * lb / (vt + lb);
    r->I2_upper = 100.0 * ub / (vt + ub);
    r->H2_lower = lb / vt + 1.0;
    r->H2_upper = ub / vt + 1.0;
    return MP_OK;
}

/* ---- the fit ----------------------------------------------------------- */

static mp_status fit_random(const double *y, const double *v, size_t k,
                            const mp_fit_options *o, const mp_moments *fe,
                            mp_fit_result *r, mp_errors *err)
{
    double tau2;
    int iters;
    mp_status st = estimate_tau2(y, v, k, o, fe, &tau2, &iters, err);
    if (st != MP_OK)
        return st;
    mp_moments re;
    mp_moments_at(y, v, k, MP_SKIP_NONE, tau2, &re);
    st = mp_fit_finish(k, fe, tau2, &re, o, r, err);
    r->random.iterations = iters;
    if (st == MP_OK && o->tau2_ci)
        st = tau2_qp_ci(y, v, k, o, fe, &r->random, err);
    return st;
}

/* The checks of mp_fit (options, then data): MP_OK or MP_EINPUT. */
static mp_status check_all(const double *y, const double *v, size_t k,
                           const mp_fit_options *o, mp_errors *err)
{
    mp_status st = mp_fit_check_options(o, err);
    return st == MP_OK ? mp_fit_check_input(y, v, k, err) : st;
}

/* The fit of checked studies in canonical order. */
static mp_status fit_checked(const double *y, const double *v, size_t k,
                             const mp_fit_options *o, mp_fit_result *r,
                             mp_errors *err)
{
    mp_moments fe;
    mp_moments_at(y, v, k, MP_SKIP_NONE, 0.0, &fe);
    if (k == 1)
        return mp_fit_finish(k, &fe, NAN, NULL, o, r, err);
    return fit_random(y, v, k, o, &fe, r, err);
}

mp_status mp_fit_canonical(const double *y, const double *v, size_t k,
                           const mp_fit_options *o, mp_fit_result *r,
                           mp_errors *err)
{
    mp_status st = check_all(y, v, k, o, err);
    if (st == MP_OK)
        st = fit_checked(y, v, k, o, r, err);
    r->k = k;
    r->status = st;
    return st;
}

mp_status mp_canonical_copy(const double *y, const double *v, size_t k,
                            size_t *perm, double *ys, double *vs)
{
    if (mp_canonical_order(y, v, k, perm) != MP_OK)
        return MP_ENOMEM;
    for (size_t j = 0; j < k; j++) {
        ys[j] = y[perm[j]];
        vs[j] = v[perm[j]];
    }
    return MP_OK;
}

mp_status mp_fit(const double *y, const double *v, size_t k,
                 const mp_fit_options *o, mp_fit_result *r, mp_errors *err)
{
    /* the checks first, so that their messages name rows as given, and
     * once: the canonical copy is fitted without checking it again */
    mp_status st = check_all(y, v, k, o, err);
    double *ys = NULL;
    if (st == MP_OK) {
        st = canonical_values(y, v, k, &ys);
        if (st == MP_OK)
            st = fit_checked(ys, ys + k, k, o, r, err);
        else if (err)
            mp_errors_add(err, NULL, 0, "out of memory");
    }
    free(ys);
    r->k = k;
    r->status = st;
    return st;
}
