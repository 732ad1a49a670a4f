/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench/gen.c - synthetic study collections for benchmarks.
 *
 * Usage: gen K SEED
 * Writes a <studies> collection of K randomized studies to standard output:
 * true log hazard ratios drawn around -0.1 with tau = 0.15, standard errors
 * uniform on [0.08, 0.45], arms of 0.75 to 1.25 times the events that se
 * implies (4 / se^2), each study reporting its effect in one of the
 * published forms (hazard ratio with a 95% or 90% interval, with a
 * p-value, log hazard ratio with SE, Peto O-E and V), rounded as papers
 * print them.  Deterministic for a given seed on every platform
 * (SplitMix64, Box-Muller).  The log effects and variances metapool
 * derives from them are in its CSV report (bench/metafor.R reads it).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

static uint64_t next(void)
{
    uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double uniform(void)
{
    return (double)(next() >> 11) * 0x1.0p-53;
}

static double normal(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2.0 * log(u > 0 ? u : 0x1.0p-53)) * cos(2.0 * 3.141592653589793 * v);
}

/* Round to d decimals, as a paper prints. */
static double round_to(double x, int d)
{
    double f = pow(10.0, d);
    return round(x * f) / f;
}

static void hazard_ratio_ci(double y, double se, int ninety)
{
    double z = ninety ? 1.6448536269514722 : 1.959963984540054;
    double hr = round_to(exp(y), 2), lo = round_to(exp(y - z * se), 2),
           hi = round_to(exp(y + z * se), 2);
    if (lo <= 0 || lo >= hi || hr < lo || hr > hi)
        printf("<hazard-ratio estimate=\"%.6g\" lower=\"%.6g\" upper=\"%.6g\"",
               exp(y), exp(y - z * se), exp(y + z * se));
    else
        printf("<hazard-ratio estimate=\"%.2f\" lower=\"%.2f\" upper=\"%.2f\"",
               hr, lo, hi);
    printf(" level=\"%s\"/>", ninety ? "0.90" : "0.95");
}

static void effect(double y, double se, int form)
{
    if (form <= 1) {
        hazard_ratio_ci(y, se, form);
    } else if (form == 2 && fabs(y) > 0.05) {
        double hr = round_to(exp(y), 3);
        double p = erfc(fabs(log(hr)) / se / sqrt(2.0));
        printf("<hazard-ratio estimate=\"%.3f\" p=\"%.3g\"/>", hr, p > 1e-300 ? p : 1e-300);
    } else if (form == 3) {
        double V = 1.0 / (se * se);
        printf("<peto o-minus-e=\"%.5g\" variance=\"%.5g\"/>", y * V, V);
    } else {
        printf("<log-hazard-ratio estimate=\"%.6g\" se=\"%.6g\"/>", y, se);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: gen K SEED\n", stderr);
        return 2;
    }
    long k = strtol(argv[1], NULL, 10);
    state = strtoull(argv[2], NULL, 10);
    if (k < 1) {
        fputs("gen: K must be a positive integer\n", stderr);
        return 2;
    }
    puts("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<studies format=\"1\">");
    for (long i = 0; i < k; i++) {
        double se = 0.08 + 0.37 * uniform();
        double y = -0.1 + 0.15 * normal() + se * normal();
        int form = (int)(uniform() * 5);
        int year = 1990 + (int)(uniform() * 35);
        /* arms of 0.75 to 1.25 times the events a balanced trial with
         * this se has (Schoenfeld: 4 / se^2), so that no trial implies
         * more events than patients (metapool's cross-check) */
        double d0 = 4.0 / (se * se);
        int n1 = (int)ceil(d0 * (0.75 + 0.5 * uniform()));
        int n2 = (int)ceil(d0 * (0.75 + 0.5 * uniform()));
        printf("<study id=\"s%ld\"><title>Study %ld</title><design>rct</design>"
               "<publication year=\"%d\">Synthetic.</publication>"
               "<arms><arm role=\"experimental\" n=\"%d\">LRT</arm>"
               "<arm role=\"control\" n=\"%d\">ST</arm></arms>"
               "<covariate name=\"sequence\" value=\"%s\"/><outcome name=\"OS\">",
               i, i, year, n1, n2, uniform() < 0.5 ? "surgery-first" : "systemic-first");
        effect(y, se, form);
        puts("</outcome></study>");
    }
    puts("</studies>");
    return fflush(stdout) != 0;
}
