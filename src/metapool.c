/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metapool.c - the command line: parse options, drive libmetapool's
 * analysis object (mp_analysis: read -> dataset -> fit -> analyses ->
 * report), and turn statuses and diagnostics into messages and exit
 * codes.  The only place that prints. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_import.h"
#include "metapool.h"
#include "mp_bayes.h"
#include "mp_error.h"
#include "mp_groupseq.h"
#include "mp_text.h"

/* Exit codes (metapool(1), EXIT STATUS). */
enum {
    EXIT_OK = 0,
    EXIT_INPUT = 1,     /* invalid input, or a read or write error */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_NUMERIC = 3    /* the model could not be fitted */
};

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV, FORMAT_HTML } out_format;

typedef struct {
    mp_analysis_options an;     /* what to pool and how (library defaults:
                                   metapool(1)'s, LIMITS included) */
    int outcome_given;          /* -o was used: --validate checks it exists */
    out_format format;
    mp_output_options out;      /* favours labels; leave-one-out shown
                                   unless --no-loo */
    int validate;
    int by_missing;             /* --by-missing: 1 include, 0 exclude, -1 not given */
    const char *forest, *loo_forest;
    const char *ipd;            /* --ipd FILE (issue 21) */
    const char *funnel, *baujat;    /* issue 18: the plots, or NULL */
    const char *html;           /* --html FILE (issue 23), or NULL */
    int tsa_detail;             /* an option of the trial sequential analysis
                                   other than --tsa was given (issue 20) */
    const char *tsa_plot;       /* --tsa-plot FILE, or NULL */
    char **inputs;
    int n_inputs;
    /* Bayesian random effects (issue 19): the --threshold values, which
     * replace the default { 1 } from the first one on */
    double *thresholds;
    size_t n_thresholds;
    int bayes_detail;           /* a prior or threshold was given */
} options;

static const char usage_text[] =
    "Usage: metapool [OPTION]... FILE|DIR...\n"
    "  or:  metapool import FILE... [-d DIR]   (see metapool-import(1))\n"
    "  or:  metapool new ID\n"
    "Pool the effects of study descriptors (metapool-study(5)) with fixed- and\n"
    "random-effects meta-analysis.  A DIR means every *.xml file directly in it,\n"
    "in name order; - reads one document from standard input.\n"
    "\n"
    "  -o, --outcome NAME   outcome to pool (OS, PFS, LRPFS, ...); default OS\n"
    "  -m, --method EST     tau^2 estimator: DL (default), REML, PM, SJ, HE, ML, EB\n"
    "      --hksj           Hartung-Knapp-Sidik-Jonkman t test and interval\n"
    "      --pi METHOD      prediction interval: z (metafor's; t with k-1 df\n"
    "                       under --hksj), t-k1, or t-k2 (Cochrane Handbook)\n"
    "      --measure RR|OR  measure for counts inputs; default RR\n"
    "  -l, --level L        confidence level of every interval, 0 < L < 1;\n"
    "                       default 0.95\n"
    "  -f, --format FMT     text (default), json, csv or html\n"
    "      --html FILE      also write the HTML report to FILE\n"
    "      --timestamp      date the HTML report now, not by the newest study\n"
    "      --no-loo         skip the leave-one-out analysis\n"
    "      --by COVARIATE   subgroup analysis on a study covariate\n"
    "      --by-missing include|exclude\n"
    "                       studies without the covariate in the test for\n"
    "                       subgroup differences or not; default exclude\n"
    "      --cumulative     cumulative meta-analysis by publication year\n"
    "      --forest FILE    also write the forest plot as SVG to FILE (with\n"
    "                       --cumulative, the cumulative forest plot)\n"
    "      --loo-forest FILE  write the leave-one-out forest plot as SVG to FILE\n"
    "      --ipd FILE       write the individual data reconstructed from\n"
    "                       km-curves as CSV (study,arm,time,event) to FILE\n"
    "      --favours-left TEXT, --favours-right TEXT\n"
    "                       labels under the plot's axis (default: from the arms)\n"
    "      --maxiter N      Fisher scoring steps of REML, ML, EB before the\n"
    "                       safeguard; default 1000\n"
    "      --tol X          convergence tolerance of tau^2; default 1e-12\n"
    "      --max-studies N  refuse a run of more than N studies; default 1000000\n"
    "      --tsa HR         trial sequential analysis for the anticipated hazard\n"
    "                       ratio HR (> 0, not 1) of the cumulative steps\n"
    "      --alpha A        its two-sided type I error, 0 < A < 1; default 0.05\n"
    "      --power P        power of its required information, 0 < P < 1;\n"
    "                       default 0.80\n"
    "      --spending F     alpha spending: obf (default), pocock, hsd:GAMMA\n"
    "      --tsa-model M    random (default: DerSimonian-Laird, D^2-adjusted)\n"
    "                       or fixed\n"
    "      --futility       add non-binding beta-spending futility boundaries\n"
    "      --tsa-plot FILE  also write the TSA plot as SVG to FILE\n"
    "      --influence      influence diagnostics of every study and Baujat's\n"
    "                       coordinates (at least 2 studies)\n"
    "      --bias           small-study effects: Egger's test, the rank\n"
    "                       correlation test, trim-and-fill (at least 3 studies)\n"
    "      --funnel FILE    write the contour-enhanced funnel plot as SVG to FILE\n"
    "                       (with --bias, trim-and-fill's studies drawn hollow)\n"
    "      --baujat FILE    write the Baujat plot as SVG to FILE (at least 2 studies)\n"
    "      --validate       check the inputs, report every problem, pool nothing\n"
    "      --strict         treat every warning as an error (exit 1, pool nothing)\n"
    "      --bayes          Bayesian random-effects analysis (exact posterior)\n"
    "      --tau-prior P    prior of tau: halfnormal:S (default halfnormal:0.5),\n"
    "                       halfcauchy:S, halft:S:NU, lognormal:M:S (on tau^2),\n"
    "                       uniform:A, jeffreys\n"
    "      --mu-prior P     prior of the log effect: uniform (default) or normal:M:S\n"
    "      --threshold R    report P(ratio < R), R > 0; repeatable; default 1\n"
    "  -h, --help           show this help and exit\n"
    "  -V, --version        show the version and exit\n"
    "\n"
    "Exit status: 0 success, 1 invalid input or I/O error, 2 usage error,\n"
    "3 the model could not be fitted (a figure is not finite).\n"
    "Diagnostics go to standard error as 'metapool: FILE:LINE: message'.\n"
    "See metapool(1) and metapool-study(5).\n";

static _Noreturn void usage_error(const char *fmt, ...) MP_PRINTF(1, 2);

static _Noreturn void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("metapool: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'metapool --help' for more information.\n", stderr);
    exit(EXIT_USAGE);
}

/* ---- option values ----------------------------------------------------------- */

static double parse_level(const char *s)
{
    double x;
    if (!mp_text_parse_double(s, &x) || !(x > 0 && x < 1))
        usage_error("--level must be a number strictly between 0 and 1, "
                    "not '%s'", s);
    return x;
}

static long parse_positive(const char *s, const char *opt, long max)
{
    long n;
    if (!mp_text_parse_count(s, &n) || n < 1 || n > max)
        usage_error("%s must be a positive integer, not '%s'", opt, s);
    return n;
}

static double parse_tolerance(const char *s)
{
    double x;
    if (!mp_text_parse_double(s, &x) || !(x > 0 && x < 1))
        usage_error("--tol must be a number strictly between 0 and 1, not '%s'", s);
    return x;
}

static out_format parse_format(const char *s)
{
    if (strcmp(s, "text") == 0)
        return FORMAT_TEXT;
    if (strcmp(s, "json") == 0)
        return FORMAT_JSON;
    if (strcmp(s, "csv") == 0)
        return FORMAT_CSV;
    if (strcmp(s, "html") == 0)
        return FORMAT_HTML;
    usage_error("--format must be text, json, csv or html, not '%s'", s);
}

static mp_measure parse_measure(const char *s)
{
    if (strcmp(s, "RR") == 0)
        return MP_MEASURE_RR;
    if (strcmp(s, "OR") == 0)
        return MP_MEASURE_OR;
    usage_error("--measure must be RR or OR, not '%s'", s);
}

static mp_pi_method parse_pi(const char *s)
{
    mp_pi_method m;
    if (mp_pi_method_parse(s, &m) != MP_OK)
        usage_error("--pi must be z, t-k1 or t-k2, not '%s'", s);
    return m;
}

static int parse_by_missing(const char *s)
{
    if (strcmp(s, "include") == 0)
        return 1;
    if (strcmp(s, "exclude") == 0)
        return 0;
    usage_error("--by-missing must be include or exclude, not '%s'", s);
}

/* ---- options of the trial sequential analysis (issue 20) ---- */

static double parse_anticipated(const char *s)
{
    double x;
    if (!mp_text_parse_double(s, &x) || !(x > 0 && x != 1 && isfinite(x)))
        usage_error("--tsa must be a hazard ratio above 0 other than 1, "
                    "not '%s'", s);
    return x;
}

/* A probability strictly between 0 and 1 (--alpha, --power). */
static double parse_probability(const char *s, const char *opt)
{
    double x;
    if (!mp_text_parse_double(s, &x) || !(x > 0 && x < 1))
        usage_error("%s must be a number strictly between 0 and 1, not '%s'",
                    opt, s);
    return x;
}

static const char *parse_spending(const char *s)
{
    mp_spending sp;
    char why[160];
    if (mp_spending_parse(s, &sp, why, sizeof why) != MP_OK)
        usage_error("--spending: %s", why);
    return s;
}

/* 1 for random, 0 for fixed. */
static int parse_tsa_model(const char *s)
{
    int random = strcmp(s, "random") == 0;
    if (!random && strcmp(s, "fixed") != 0)
        usage_error("--tsa-model must be random or fixed, not '%s'", s);
    return random;
}

static _Noreturn void fatal_status(mp_status st);

/* Bayesian random effects (issue 19): the priors are checked here for
 * the message (the library checks them again), the thresholds are ratios
 * > 0. */
static const char *parse_prior(const char *opt, const char *s)
{
    mp_tau_prior tau;
    mp_mu_prior mu;
    char why[160];
    mp_status st = strcmp(opt, "--tau-prior") == 0
                       ? mp_tau_prior_parse(s, &tau, why, sizeof why)
                       : mp_mu_prior_parse(s, &mu, why, sizeof why);
    if (st != MP_OK)
        usage_error("%s: %s", opt, why);
    return s;
}

static void add_threshold(options *o, const char *s)
{
    double x;
    if (!mp_text_parse_double(s, &x) || !(x > 0 && isfinite(x)))
        usage_error("--threshold must be a ratio greater than 0, not '%s'", s);
    double *t = realloc(o->thresholds, (o->n_thresholds + 1) * sizeof *t);
    if (!t)
        fatal_status(MP_ENOMEM);
    t[o->n_thresholds++] = x;
    o->thresholds = t;
}

static const char *parse_outcome(const char *s)
{
    if (!*s)
        usage_error("%s", "--outcome must not be empty");
    return s;
}

enum { OPT_HKSJ = 256, OPT_MEASURE, OPT_NO_LOO, OPT_VALIDATE, OPT_MAXITER,
       OPT_TOL, OPT_BY, OPT_CUMULATIVE, OPT_FOREST, OPT_LOO_FOREST,
       OPT_FAV_LEFT, OPT_FAV_RIGHT, OPT_MAX_STUDIES, OPT_STRICT, OPT_PI,
       OPT_BY_MISSING,
       /* trial sequential analysis (issue 20) */
       OPT_TSA, OPT_ALPHA, OPT_POWER, OPT_SPENDING, OPT_TSA_MODEL,
       OPT_FUTILITY, OPT_TSA_PLOT,
       /* Bayesian random effects (issue 19) */
       OPT_BAYES, OPT_TAU_PRIOR, OPT_MU_PRIOR, OPT_THRESHOLD,
       /* influence and small-study effects (issue 18) */
       OPT_INFLUENCE, OPT_BIAS, OPT_FUNNEL, OPT_BAUJAT,
       /* effects from incomplete reports (issue 21) */
       OPT_IPD,
       /* the HTML report (issue 23) */
       OPT_HTML, OPT_TIMESTAMP };

static const struct option long_options[] = {
    { "outcome", required_argument, NULL, 'o' },
    { "method", required_argument, NULL, 'm' },
    { "hksj", no_argument, NULL, OPT_HKSJ },
    { "measure", required_argument, NULL, OPT_MEASURE },
    { "level", required_argument, NULL, 'l' },
    { "format", required_argument, NULL, 'f' },
    { "no-loo", no_argument, NULL, OPT_NO_LOO },
    { "by", required_argument, NULL, OPT_BY },
    { "cumulative", no_argument, NULL, OPT_CUMULATIVE },
    { "forest", required_argument, NULL, OPT_FOREST },
    { "loo-forest", required_argument, NULL, OPT_LOO_FOREST },
    { "favours-left", required_argument, NULL, OPT_FAV_LEFT },
    { "favours-right", required_argument, NULL, OPT_FAV_RIGHT },
    { "maxiter", required_argument, NULL, OPT_MAXITER },
    { "tol", required_argument, NULL, OPT_TOL },
    { "max-studies", required_argument, NULL, OPT_MAX_STUDIES },
    { "validate", no_argument, NULL, OPT_VALIDATE },
    { "strict", no_argument, NULL, OPT_STRICT },
    { "pi", required_argument, NULL, OPT_PI },
    { "by-missing", required_argument, NULL, OPT_BY_MISSING },
    /* trial sequential analysis (issue 20) */
    { "tsa", required_argument, NULL, OPT_TSA },
    { "alpha", required_argument, NULL, OPT_ALPHA },
    { "power", required_argument, NULL, OPT_POWER },
    { "spending", required_argument, NULL, OPT_SPENDING },
    { "tsa-model", required_argument, NULL, OPT_TSA_MODEL },
    { "futility", no_argument, NULL, OPT_FUTILITY },
    { "tsa-plot", required_argument, NULL, OPT_TSA_PLOT },
    /* Bayesian random effects (issue 19) */
    { "bayes", no_argument, NULL, OPT_BAYES },
    { "tau-prior", required_argument, NULL, OPT_TAU_PRIOR },
    { "mu-prior", required_argument, NULL, OPT_MU_PRIOR },
    { "threshold", required_argument, NULL, OPT_THRESHOLD },
    /* influence and small-study effects (issue 18) */
    { "influence", no_argument, NULL, OPT_INFLUENCE },
    { "bias", no_argument, NULL, OPT_BIAS },
    /* effects from incomplete reports (issue 21) */
    { "ipd", required_argument, NULL, OPT_IPD },
    { "funnel", required_argument, NULL, OPT_FUNNEL },
    { "baujat", required_argument, NULL, OPT_BAUJAT },
    /* the HTML report (issue 23) */
    { "html", required_argument, NULL, OPT_HTML },
    { "timestamp", no_argument, NULL, OPT_TIMESTAMP },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

/* The HTML report's options (issue 23); 0 when c is none of them.  The
 * --timestamp date is the clock's, in UTC: "2026-12-04 10:40 UTC". */
static int apply_html_option(options *o, int c, const char *arg)
{
    static char now[32];
    if (c == OPT_HTML) {
        if (!*arg)
            usage_error("%s", "--html must name a file");
        o->html = arg;
        return 1;
    }
    if (c != OPT_TIMESTAMP)
        return 0;
    time_t t = time(NULL);
    struct tm tm;
    if (t == (time_t)-1 || !gmtime_r(&t, &tm) ||
        strftime(now, sizeof now, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        usage_error("%s", "--timestamp: the clock cannot be read");
    o->out.date = now;
    return 1;
}

/* The options of the trial sequential analysis; 0 when c is none of them. */
static int apply_tsa_option(options *o, int c, const char *arg)
{
    switch (c) {
    case OPT_TSA: o->an.tsa_hr = parse_anticipated(arg); return 1;
    case OPT_ALPHA: o->an.tsa_alpha = parse_probability(arg, "--alpha"); break;
    case OPT_POWER: o->an.tsa_power = parse_probability(arg, "--power"); break;
    case OPT_SPENDING: o->an.tsa_spending = parse_spending(arg); break;
    case OPT_TSA_MODEL: o->an.tsa_random = parse_tsa_model(arg); break;
    case OPT_FUTILITY: o->an.tsa_futility = 1; break;
    case OPT_TSA_PLOT:
        if (!*arg)
            usage_error("%s", "--tsa-plot must name a file");
        o->tsa_plot = arg;
        return 1;
    default: return 0;
    }
    o->tsa_detail = 1;
    return 1;
}

/* The file of a plot option: not empty. */
static const char *plot_file(const char *option, const char *arg)
{
    if (!*arg)
        usage_error("%s must name a file", option);
    return arg;
}

static void apply_option(options *o, int c, const char *arg)
{
    if (apply_tsa_option(o, c, arg) || apply_html_option(o, c, arg))
        return;
    switch (c) {
    case 'o':
        o->an.outcome = parse_outcome(arg);
        o->outcome_given = 1;
        break;
    case 'm':
        if (mp_method_parse(arg, &o->an.fit.method) != MP_OK)
            usage_error("--method must be DL, REML, PM, SJ, HE, ML or EB, "
                        "not '%s'", arg);
        break;
    case OPT_HKSJ: o->an.fit.hksj = 1; break;
    case OPT_MEASURE: o->an.counts_measure = parse_measure(arg); break;
    case 'l': o->an.fit.level = parse_level(arg); break;
    case 'f': o->format = parse_format(arg); break;
    case OPT_NO_LOO: o->out.leave_one_out = 0; break;
    case OPT_BY:
        if (!*arg)
            usage_error("%s", "--by must name a covariate");
        o->an.by = arg;
        break;
    case OPT_CUMULATIVE: o->an.cumulative = 1; break;
    case OPT_FOREST:
        if (!*arg)
            usage_error("%s", "--forest must name a file");
        o->forest = arg;
        break;
    case OPT_LOO_FOREST:
        if (!*arg)
            usage_error("%s", "--loo-forest must name a file");
        o->loo_forest = arg;
        break;
    case OPT_FAV_LEFT: o->out.favours_left = arg; break;
    case OPT_FAV_RIGHT: o->out.favours_right = arg; break;
    case OPT_MAXITER:
        o->an.fit.maxiter = (int)parse_positive(arg, "--maxiter", INT_MAX);
        break;
    case OPT_MAX_STUDIES:
        o->an.max_studies = (size_t)parse_positive(arg, "--max-studies", LONG_MAX);
        break;
    case OPT_TOL: o->an.fit.tol = parse_tolerance(arg); break;
    case OPT_VALIDATE: o->validate = 1; break;
    case OPT_STRICT: o->an.strict = 1; break;
    case OPT_PI: o->an.fit.pi = parse_pi(arg); break;
    case OPT_BY_MISSING: o->by_missing = parse_by_missing(arg); break;
    /* Bayesian random effects (issue 19) */
    case OPT_BAYES: o->an.bayes = 1; break;
    case OPT_TAU_PRIOR:
        o->an.tau_prior = parse_prior("--tau-prior", arg);
        o->bayes_detail = 1;
        break;
    case OPT_MU_PRIOR:
        o->an.mu_prior = parse_prior("--mu-prior", arg);
        o->bayes_detail = 1;
        break;
    case OPT_THRESHOLD:
        add_threshold(o, arg);
        o->bayes_detail = 1;
        break;
    /* influence and small-study effects (issue 18) */
    case OPT_INFLUENCE: o->an.influence = 1; break;
    case OPT_BIAS: o->an.bias = 1; break;
    /* effects from incomplete reports (issue 21) */
    case OPT_IPD:
        if (!*arg)
            usage_error("%s", "--ipd must name a file");
        o->ipd = arg;
        break;
    case OPT_FUNNEL: o->funnel = plot_file("--funnel", arg); break;
    case OPT_BAUJAT: o->baujat = plot_file("--baujat", arg); break;
    case 'h':
        fputs(usage_text, stdout);
        exit(fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_INPUT);
    case 'V':
        printf("metapool %s\n", PACKAGE_VERSION);
        exit(fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_INPUT);
    case ':':
        usage_error("option '%s' requires an argument", arg);
    default:
        usage_error("unrecognized or ambiguous option '%s'", arg);
    }
}

static void parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    mp_analysis_options_default(&o->an);
    mp_output_options_default(&o->out);
    o->format = FORMAT_TEXT;
    o->by_missing = -1;
    int c;
    opterr = 0;     /* our own messages, in our own form */
    while ((c = getopt_long(argc, argv, ":o:m:l:f:hV", long_options, NULL)) != -1)
        apply_option(o, c, c == '?' || c == ':' ? argv[optind - 1] : optarg);
    o->inputs = argv + optind;
    o->n_inputs = argc - optind;
    if (o->n_inputs == 0)
        usage_error("%s", "no input: name study files, directories or -");
    if (o->by_missing >= 0 && !o->an.by)
        usage_error("%s", "--by-missing needs --by");
    o->an.by_missing_in_test = o->by_missing == 1;
    if (o->tsa_plot && o->an.tsa_hr == 0)
        usage_error("%s", "--tsa-plot needs --tsa");
    if (o->tsa_detail && o->an.tsa_hr == 0)
        usage_error("%s", "--alpha, --power, --spending, --tsa-model and "
                    "--futility need --tsa");
    /* the HTML report (issue 23): only it has a date */
    if (o->out.date && !o->html && o->format != FORMAT_HTML)
        usage_error("%s", "--timestamp needs -f html or --html");
    /* Bayesian random effects (issue 19): the priors and thresholds mean
     * nothing without --bayes */
    if (!o->an.bayes && o->bayes_detail)
        usage_error("%s", "--tau-prior, --mu-prior and --threshold need --bayes");
    if (o->thresholds) {
        o->an.thresholds = o->thresholds;
        o->an.n_thresholds = o->n_thresholds;
    }
    /* --validate checks with the schema too: it repeats what the reader
     * checks itself, at ten times the cost of parsing, a second opinion */
    o->an.schema = o->validate;
    /* the leave-one-out plot needs the refits that --no-loo leaves out of
     * the report */
    o->an.leave_one_out = o->out.leave_one_out || o->loo_forest;
    /* the Baujat plot needs the influence diagnostics, which the reports
     * show only under --influence */
    o->out.influence = o->an.influence;
    o->an.influence |= o->baujat != NULL;
    int stdin_seen = 0;
    for (int i = 0; i < o->n_inputs; i++)
        if (strcmp(o->inputs[i], "-") == 0 && stdin_seen++)
            usage_error("%s", "standard input (-) may be named only once");
}

/* ---- diagnostics ---------------------------------------------------------------- */

/* One diagnostic, a warning marked as such (GNU form: "metapool:
 * FILE:LINE: warning: message"). */
static void print_diag(const mp_diag *d)
{
    const char *w = d->warning ? "warning: " : "";
    if (d->file && d->line > 0)
        fprintf(stderr, "metapool: %s:%ld: %s%s\n", d->file, d->line, w,
                d->message);
    else if (d->file)
        fprintf(stderr, "metapool: %s: %s%s\n", d->file, w, d->message);
    else
        fprintf(stderr, "metapool: %s%s\n", w, d->message);
}

/* Every diagnostic of the inputs in the order it was made, then how many
 * more there were. */
static void print_diagnostics(const mp_errors *e)
{
    for (size_t i = 0; i < e->n; i++)
        print_diag(&e->items[i]);
    size_t more = e->suppressed + e->warnings_suppressed;
    if (more)
        fprintf(stderr, "metapool: %zu further problems not shown (the first %zu "
                "are)\n", more, e->n - e->always);
    if (e->dropped)
        fprintf(stderr, "metapool: %zu further problems not shown (out of memory)\n",
                e->dropped);
}

/* The diagnostics of an analysis stage: warnings of a failed leave-one-out
 * refit, subgroup fit or cumulative step (the report marks them), each
 * stage held to its own limit; past it they were counted. */
static void print_stage(mp_analysis *a, mp_stage stage)
{
    const mp_errors *e = mp_analysis_errors(a, stage);
    for (size_t i = 0; i < mp_errors_size(e); i++)
        print_diag(mp_errors_get(e, i));
    if (mp_errors_unrecorded(e))
        fprintf(stderr, "metapool: %zu further warnings not shown\n",
                mp_errors_unrecorded(e));
}

static _Noreturn void fatal_status(mp_status st)
{
    fprintf(stderr, "metapool: %s\n", mp_status_string(st));
    exit(st == MP_ENUMERIC ? EXIT_NUMERIC : EXIT_INPUT);
}

/* ---- inputs ---------------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_xml_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".xml") == 0;
}

/* The *.xml files directly in dir, sorted by name; NULL with *n = 0 on
 * error (a diagnostic is added). */
static char **list_directory(const char *dir, size_t *n, mp_errors *err)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        mp_errors_add(err, dir, 0, "cannot open directory: %s", strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!has_xml_suffix(de->d_name) || de->d_name[0] == '.')
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            char **t = realloc(names, cap * sizeof *t);
            if (!t)
                fatal_status(MP_ENOMEM);
            names = t;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        names[*n] = malloc(len);
        if (!names[*n])
            fatal_status(MP_ENOMEM);
        snprintf(names[*n], len, "%s%s%s", dir,
                 dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
        (*n)++;
    }
    closedir(d);
    if (*n == 0)
        mp_errors_add(err, dir, 0, "directory holds no *.xml file");
    if (*n > 1)
        qsort(names, *n, sizeof *names, by_name);
    return names;
}

static int is_directory(const char *path)
{
    struct stat sb;
    return strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The files read so far, by device and inode (a hash set, open
 * addressing), so that a file named twice, or named and in a named
 * directory, is read once. */
typedef struct {
    dev_t dev;
    ino_t ino;
    char *name;                 /* as first named; NULL: a free slot */
} seen_file;

typedef struct {
    seen_file *v;
    size_t n, cap;              /* cap: 0 or a power of two */
} seen_set;

static seen_file *seen_slot(seen_set *s, dev_t dev, ino_t ino)
{
    size_t h = ((size_t)ino * 0x9E3779B97F4A7C15u ^ (size_t)dev) & (s->cap - 1);
    while (s->v[h].name && (s->v[h].dev != dev || s->v[h].ino != ino))
        h = (h + 1) & (s->cap - 1);
    return &s->v[h];
}

static void seen_grow(seen_set *s)
{
    seen_set t = { calloc(s->cap ? 2 * s->cap : 64, sizeof *t.v), s->n,
                   s->cap ? 2 * s->cap : 64 };
    if (!t.v)
        fatal_status(MP_ENOMEM);
    for (size_t i = 0; i < s->cap; i++)
        if (s->v[i].name)
            *seen_slot(&t, s->v[i].dev, s->v[i].ino) = s->v[i];
    free(s->v);
    *s = t;
}

/* The name under which the file at path (standard input for "-") was read
 * before, or NULL (it is then recorded; so is a file that cannot be
 * examined, never, as reading it will say why it cannot be read). */
static const char *seen_before(seen_set *s, const char *path)
{
    struct stat sb;
    if (strcmp(path, "-") == 0 ? fstat(STDIN_FILENO, &sb) != 0 : stat(path, &sb) != 0)
        return NULL;
    if (2 * (s->n + 1) > s->cap)
        seen_grow(s);
    seen_file *f = seen_slot(s, sb.st_dev, sb.st_ino);
    if (f->name)
        return f->name;
    f->name = strdup(path);
    if (!f->name)
        fatal_status(MP_ENOMEM);
    f->dev = sb.st_dev;
    f->ino = sb.st_ino;
    s->n++;
    return NULL;
}

static void seen_free(seen_set *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->v[i].name);
    free(s->v);
}

/* Read path unless it was read before (a warning says so). */
static void read_once(mp_analysis *a, seen_set *seen, const char *path,
                      mp_errors *err)
{
    const char *first = seen_before(seen, path);
    if (first && strcmp(first, path) == 0)
        mp_errors_warn(err, path, 0, "named twice on the command line; read once");
    else if (first)
        mp_errors_warn(err, path, 0, "the same file as %s; read once", first);
    else if (mp_analysis_read_file(a, path) == MP_ENOMEM)
        fatal_status(MP_ENOMEM);
}

/* Read every input into the analysis; fatal only when memory runs out.
 * The problems of the command line itself (a directory that cannot be
 * listed, a file named twice) join those of the reader, in order. */
static void read_inputs(const options *o, mp_analysis *a)
{
    mp_errors *err = mp_analysis_errors(a, MP_STAGE_READ);
    seen_set seen = { NULL, 0, 0 };
    for (int i = 0; i < o->n_inputs && !mp_analysis_full(a); i++) {
        const char *in = o->inputs[i];
        size_t n = 1;
        char **files = is_directory(in) ? list_directory(in, &n, err) : NULL;
        for (size_t j = 0; j < n && !mp_analysis_full(a); j++)
            read_once(a, &seen, files ? files[j] : in, err);
        for (size_t j = 0; files && j < n; j++)
            free(files[j]);
        free(files);
    }
    seen_free(&seen);
}

/* ---- analysis and output ------------------------------------------------------------ */

static int finish_output(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "metapool: cannot write the report: %s\n",
                strerror(errno ? errno : EIO));
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

/* What writes one output file (write_file). */
typedef struct {
    const mp_analysis *a;
    mp_output what;             /* a plot */
    const mp_output_options *oo;
    int ipd;                    /* 1: the reconstructed data (--ipd) instead */
} file_output;

static mp_status write_output_file(const file_output *fo, FILE *f)
{
    if (fo->ipd)
        return mp_dataset_write_ipd(mp_analysis_dataset(fo->a), f);
    return mp_analysis_write(fo->a, fo->what, fo->oo, f);
}

/* Write an output file to path atomically: a temporary file beside it,
 * renamed over it once complete.  Returns EXIT_OK or EXIT_INPUT (message
 * printed). */
static int write_file(const char *path, const file_output *fo)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        fatal_status(MP_ENOMEM);
    snprintf(tmp, n, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "metapool: cannot write %s: %s\n", path, strerror(errno));
        free(tmp);
        return EXIT_INPUT;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    FILE *f = fdopen(fd, "w");
    mp_status st = MP_EIO;
    int saved = 0;
    if (f) {
        st = write_output_file(fo, f);
        saved = errno;
        if (fclose(f) != 0 && st == MP_OK) {
            st = MP_EIO;
            saved = errno;
        }
    } else {
        saved = errno;
        close(fd);
    }
    if (st == MP_OK && rename(tmp, path) != 0) {
        st = MP_EIO;
        saved = errno;
    }
    if (st != MP_OK) {
        unlink(tmp);
        if (st == MP_EIO)
            fprintf(stderr, "metapool: cannot write %s: %s\n", path,
                    strerror(saved ? saved : EIO));
        else
            fprintf(stderr, "metapool: cannot write %s: %s\n", path,
                    mp_status_string(st));
    }
    free(tmp);
    return st == MP_OK ? EXIT_OK : EXIT_INPUT;
}

static int write_report_file(const char *path, mp_output what,
                             const mp_analysis *a,
                             const mp_output_options *oo)
{
    return write_file(path, &(file_output){ a, what, oo, 0 });
}

/* A plot asked for that needs two studies, with one: said (1) or not (0). */
static int too_few_for_plots(const options *o, const mp_analysis *a)
{
    if (mp_dataset_k(mp_analysis_dataset(a)) >= 2)
        return 0;
    if (o->loo_forest)
        fprintf(stderr, "metapool: --loo-forest needs at least two studies\n");
    else if (o->baujat)
        fprintf(stderr, "metapool: --baujat needs at least two studies\n");
    return o->loo_forest || o->baujat;
}

/* After a run that failed: its diagnostics, and the exit status. */
static int run_failed(const options *o, mp_analysis *a, mp_status st)
{
    mp_stage stage = mp_analysis_failed_stage(a);
    if (stage == MP_STAGE_READ)
        return EXIT_INPUT;
    if (stage == MP_STAGE_FIT) {
        print_diagnostics(mp_analysis_errors(a, stage));
        return st == MP_ENUMERIC ? EXIT_NUMERIC : EXIT_INPUT;
    }
    if (st == MP_ENOMEM)
        fatal_status(st);
    /* the fit stands: a mistake of the command line comes first */
    if (too_few_for_plots(o, a))
        return EXIT_INPUT;
    for (mp_stage s = MP_STAGE_LEAVE_ONE_OUT; s <= stage; s++)
        print_stage(a, s);
    /* Bayesian random effects (issue 19): a quadrature that failed is a
     * model that could not be fitted */
    if (stage == MP_STAGE_BAYES && st == MP_ENUMERIC)
        return EXIT_NUMERIC;
    return EXIT_INPUT;
}

static int analyse(const options *o, mp_analysis *a)
{
    mp_status st = mp_analysis_run(a);
    /* the diagnostics of the inputs (warnings, when they allow a run) */
    print_diagnostics(mp_analysis_errors(a, MP_STAGE_READ));
    if (st != MP_OK)
        return run_failed(o, a, st);
    if (too_few_for_plots(o, a))
        return EXIT_INPUT;
    for (mp_stage s = MP_STAGE_LEAVE_ONE_OUT; s < MP_STAGE_COUNT; s++)
        print_stage(a, s);
    int svg_rc = EXIT_OK;
    if (o->forest)
        svg_rc = write_report_file(o->forest, o->an.cumulative ? MP_OUTPUT_CUMULATIVE_SVG
                                                       : MP_OUTPUT_FOREST_SVG,
                           a, &o->out);
    if (o->loo_forest && svg_rc == EXIT_OK)
        svg_rc = write_report_file(o->loo_forest, MP_OUTPUT_LOO_SVG, a, &o->out);
    if (o->ipd && svg_rc == EXIT_OK)
        svg_rc = write_file(o->ipd, &(file_output){ a, MP_OUTPUT_CSV, NULL, 1 });
    /* influence and small-study effects (issue 18) */
    if (o->funnel && svg_rc == EXIT_OK)
        svg_rc = write_report_file(o->funnel, MP_OUTPUT_FUNNEL_SVG, a, &o->out);
    if (o->baujat && svg_rc == EXIT_OK)
        svg_rc = write_report_file(o->baujat, MP_OUTPUT_BAUJAT_SVG, a, &o->out);
    if (o->tsa_plot && svg_rc == EXIT_OK)
        svg_rc = write_report_file(o->tsa_plot, MP_OUTPUT_TSA_SVG, a, &o->out);
    if (o->html && svg_rc == EXIT_OK)       /* the HTML report (issue 23) */
        svg_rc = write_report_file(o->html, MP_OUTPUT_HTML, a, &o->out);
    mp_output what = o->format == FORMAT_JSON   ? MP_OUTPUT_JSON
                     : o->format == FORMAT_CSV  ? MP_OUTPUT_CSV
                     : o->format == FORMAT_HTML ? MP_OUTPUT_HTML
                                                : MP_OUTPUT_TEXT;
    st = mp_analysis_write(a, what, &o->out, stdout);
    int rc = finish_output();
    if (st != MP_OK && rc == EXIT_OK) {
        fprintf(stderr, "metapool: cannot write the report\n");
        rc = EXIT_INPUT;
    }
    return rc == EXIT_OK ? svg_rc : rc;
}

/* --validate: every problem and warning; the summary line when there is
 * no problem.  Returns the exit status. */
static int validate(const options *o, mp_analysis *a)
{
    mp_status st = mp_analysis_check(a, o->outcome_given);
    const mp_errors *err = mp_analysis_errors(a, MP_STAGE_READ);
    print_diagnostics(err);
    if (st != MP_OK)
        return EXIT_INPUT;
    size_t n = mp_dataset_studies_read(mp_analysis_dataset(a));
    size_t w = mp_errors_warnings(err);
    printf("%zu stud%s checked: no problems found", n, n == 1 ? "y" : "ies");
    if (w)
        printf(", %zu warning%s", w, w == 1 ? "" : "s");
    printf("\n");
    return finish_output();
}

int main(int argc, char **argv)
{
    /* A report of a million studies is hundreds of megabytes: write it in
     * blocks of 256 KiB, not of stdio's 4 KiB (a system call each). */
    static char out_buffer[1 << 18];
    setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    /* the subcommands of analyses-2.md, section 5 (issue 22) */
    if (argc > 1 && strcmp(argv[1], "import") == 0)
        return cli_import(argc - 1, argv + 1, print_diagnostics);
    if (argc > 1 && strcmp(argv[1], "new") == 0)
        return cli_new(argc - 1, argv + 1);
    options o;
    parse_options(argc, argv, &o);
    mp_status st;
    mp_analysis *a = mp_analysis_new(&o.an, &st);
    if (!a)
        fatal_status(st);
    read_inputs(&o, a);
    int rc = o.validate ? validate(&o, a) : analyse(&o, a);
    mp_analysis_free(a);
    free(o.thresholds);
    return rc;
}
