# Reference results for subgroup and cumulative meta-analysis from metafor.
# Usage: Rscript make_groups.R OUTDIR SEED NCASES; the files here: Rscript make_groups.R . 2026 10
# Writes OUTDIR/cases.tsv (case, study, g, year, yi, sei) and
# OUTDIR/expected.tsv (case, method, knha, part, which, block, key, value):
#   part "sub", which = subgroup value ("-" for studies without one):
#        separate rma() fits per subgroup (FE block from method = "FE");
#   part "subtest", which "-": rma(est, sei = se, method = "FE") across the
#        subgroups' random-effects estimates (FE estimate for a single study),
#        without the studies that lack a value (metapool's default, as
#        metafor drops rows with a missing moderator);
#   part "subtest-all", which "-": the same with those studies as a group of
#        their own (metapool --by-missing=include);
#   part "cum", which = step k: cumul() of the fit ordered by year (ties in
#        input order), steps with k >= 2, plus the FE cumul() for every step.
suppressMessages(library(metafor))
args <- commandArgs(TRUE)
out <- args[1]; seed <- as.integer(args[2]); ncases <- as.integer(args[3])
set.seed(seed)
dir.create(out, showWarnings = FALSE, recursive = TRUE)
cases <- file(file.path(out, "cases.tsv"), "w")
expd <- file(file.path(out, "expected.tsv"), "w")
cat("case\tstudy\tg\tyear\tyi\tsei\n", file = cases)
cat("case\tmethod\tknha\tpart\twhich\tblock\tkey\tvalue\n", file = expd)
ctl <- list(maxiter = 10000, threshold = 1e-13, tol = 1e-13)
put <- function(cs, m, kn, part, which, block, key, val) {
  if (length(val) == 0 || is.null(val)) val <- NA
  cat(sprintf("%s\t%s\t%d\t%s\t%s\t%s\t%s\t%.17g\n", cs, m, kn, part, which,
              block, key, val), file = expd)
}
fitblocks <- function(cs, m, kn, part, which, fit, fe) {
  put(cs, m, kn, part, which, "fixed", "log_estimate", fe$beta[1])
  put(cs, m, kn, part, which, "fixed", "se", fe$se)
  put(cs, m, kn, part, which, "fixed", "p", fe$pval)
  if (is.null(fit)) return(invisible())
  put(cs, m, kn, part, which, "random", "tau2", fit$tau2)
  put(cs, m, kn, part, which, "random", "log_estimate", fit$beta[1])
  put(cs, m, kn, part, which, "random", "se", fit$se)
  put(cs, m, kn, part, which, "random", "lower", exp(fit$ci.lb))
  put(cs, m, kn, part, which, "random", "upper", exp(fit$ci.ub))
  put(cs, m, kn, part, which, "random", "p", fit$pval)
  put(cs, m, kn, part, which, "heterogeneity", "Q", fit$QE)
  put(cs, m, kn, part, which, "heterogeneity", "I2", fit$I2)
}
methods <- c("DL", "REML", "PM", "SJ", "HE", "ML", "EB")
for (ci in seq_len(ncases)) {
  cs <- sprintf("g%03d", ci)
  k <- sample(c(4, 6, 9, 15, 25), 1)
  tau <- sample(c(0, 0.1, 0.3, 0.6), 1)
  g <- sample(c("a", "b", "c", NA), k, replace = TRUE, prob = c(0.4, 0.3, 0.2, 0.1))
  if (sum(!is.na(g)) == 0) g[1] <- "a"
  shift <- c(a = 0, b = 0.3, c = -0.2)
  mu <- rnorm(1, 0, 0.3)
  vi <- runif(k, 0.01, 0.3)
  sei <- signif(sqrt(vi), 6)
  yi <- signif(rnorm(k, mu + ifelse(is.na(g), 0, shift[g]), sqrt(vi + tau^2)), 6)
  year <- sample(2000:2010, k, replace = TRUE)
  for (j in seq_len(k))
    cat(sprintf("%s\ts%02d\t%s\t%d\t%.17g\t%.17g\n", cs, j, ifelse(is.na(g[j]), "-", g[j]),
                year[j], yi[j], sei[j]), file = cases)
  gl <- ifelse(is.na(g), "-", g)
  for (m in methods) for (kn in c(FALSE, TRUE)) {
    test <- if (kn) "knha" else "z"
    ests <- c(); ses <- c(); labs <- c(); ok <- TRUE
    for (v in unique(gl)) {
      s <- gl == v
      fe <- rma(yi[s], sei = sei[s], method = "FE")
      fit <- NULL
      if (sum(s) >= 2) {
        fit <- tryCatch(rma(yi[s], sei = sei[s], method = m, test = test, control = ctl),
                        error = function(e) NULL)
        if (is.null(fit)) { ok <- FALSE; next }
      }
      fitblocks(cs, m, kn, "sub", v, fit, fe)
      src <- if (is.null(fit)) fe else fit
      ests <- c(ests, src$beta[1]); ses <- c(ses, src$se); labs <- c(labs, v)
    }
    given <- labs != "-"
    if (ok && sum(given) >= 2) {
      t <- rma(ests[given], sei = ses[given], method = "FE")
      put(cs, m, kn, "subtest", "-", "test", "Q", t$QE)
      put(cs, m, kn, "subtest", "-", "test", "p", t$QEp)
    }
    if (ok && length(ests) >= 2) {
      t <- rma(ests, sei = ses, method = "FE")
      put(cs, m, kn, "subtest-all", "-", "test", "Q", t$QE)
      put(cs, m, kn, "subtest-all", "-", "test", "p", t$QEp)
    }
    # cumul() sorts by the variable given (metafor >= 3.0; ties in input order)
    full <- tryCatch(rma(yi, sei = sei, method = m, test = test, control = ctl),
                     error = function(e) NULL)
    fefull <- rma(yi, sei = sei, method = "FE")
    cf <- cumul(fefull, order = year)
    for (j in seq_len(k)) {
      put(cs, m, kn, "cum", j, "fixed", "log_estimate", cf$estimate[j])
      put(cs, m, kn, "cum", j, "fixed", "se", cf$se[j])
    }
    if (is.null(full)) next
    cr <- tryCatch(cumul(full, order = year), error = function(e) NULL)
    if (is.null(cr)) next
    for (j in 2:k) {
      if (is.na(cr$estimate[j])) next
      put(cs, m, kn, "cum", j, "random", "log_estimate", cr$estimate[j])
      put(cs, m, kn, "cum", j, "random", "se", cr$se[j])
      put(cs, m, kn, "cum", j, "random", "p", cr$pval[j])
      put(cs, m, kn, "cum", j, "random", "tau2", cr$tau2[j])
      put(cs, m, kn, "cum", j, "heterogeneity", "Q", cr$Q[j])
      put(cs, m, kn, "cum", j, "heterogeneity", "I2", cr$I2[j])
    }
  }
}
close(cases); close(expd)
