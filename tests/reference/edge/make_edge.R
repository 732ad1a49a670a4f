# Edge-case reference values: what metafor 3.8 computes for small, degenerate
# and extreme data sets, including the Q-profile interval of tau^2.
# Usage (from this directory): Rscript make_edge.R
# Writes edge_cases.tsv (case, study, yi, vi) and edge_expected.tsv (the
# columns of ../metafor-3.8/expected.tsv; confint keys tau2_lower/upper,
# I2_lower/upper, H2_lower/upper in block "random" of full fits).
suppressMessages(library(metafor))
set.seed(20240611)
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg,
              data = dat.bcg)
cases <- list(
  e01_k2_homog    = list(yi = c(0.10, 0.25), vi = c(0.04, 0.09)),
  e02_k2_heterog  = list(yi = c(-0.9, 0.8), vi = c(0.02, 0.03)),
  e03_identical   = list(yi = rep(0.3, 5), vi = c(0.1, 0.2, 0.05, 0.3, 0.1)),
  e04_huge_v      = list(yi = c(0.2, -1.5, 2.5, 0.4, 0.1),
                         vi = c(2e3, 5e3, 1e4, 0.2, 3e3)),
  e05_tiny_v      = list(yi = c(0.101, 0.1, 0.1002, 0.0995, 0.3),
                         vi = c(1e-8, 2e-8, 5e-9, 1e-8, 0.1)),
  e06_dominant    = list(yi = c(0.05, 0.6, -0.4, 0.9, 0.3, -0.2),
                         vi = c(1e-5, 0.2, 0.3, 0.25, 0.4, 0.15)),
  e07_high_het    = list(yi = c(-1.2, 0.9, 0.1, 1.6, -0.5, 0.4, 2.0, -0.8),
                         vi = c(0.05, 0.08, 0.02, 0.1, 0.04, 0.06, 0.09, 0.03)),
  e08_low_het_k3  = list(yi = c(0.2, 0.22, 0.18), vi = c(0.1, 0.2, 0.15)),
  e09_bcg         = list(yi = as.numeric(bcg$yi), vi = as.numeric(bcg$vi)),
  e10_wide_k4     = list(yi = c(-12, 9, 15, -7), vi = c(0.5, 0.3, 0.8, 0.4)),
  e11_k2_equal    = list(yi = c(-0.35, -0.35), vi = c(0.3, 0.01)),
  e12_k40_mixed   = list(yi = round(rnorm(40, 0.2, 0.5), 4),
                         vi = signif(runif(40, 0.001, 2), 4))
)
con <- list(maxiter = 10000, threshold = 1e-13, tol = 1e-13)
methods <- c("DL", "REML", "PM", "SJ", "HE", "ML", "EB")
fc <- file("edge_cases.tsv", "w")
fe <- file("edge_expected.tsv", "w")
cat("case\tstudy\tyi\tvi\n", file = fc)
cat("case\tmethod\tknha\tblock\tomitted\tkey\tvalue\n", file = fe)
put <- function(cs, m, kn, block, om, key, val) {
  if (length(val) == 0 || is.null(val)) val <- NA
  cat(sprintf("%s\t%s\t%d\t%s\t%s\t%s\t%.17g\n", cs, m, kn, block, om, key, val), file = fe)
}
fitblock <- function(cs, m, kn, om, fit, fe1) {
  put(cs, m, kn, "fixed", om, "log_estimate", fe1$beta[1])
  put(cs, m, kn, "fixed", om, "se", fe1$se)
  put(cs, m, kn, "fixed", om, "p", fe1$pval)
  if (fit$k < 2) return(invisible())
  put(cs, m, kn, "random", om, "tau2", fit$tau2)
  put(cs, m, kn, "random", om, "log_estimate", fit$beta[1])
  put(cs, m, kn, "random", om, "se", fit$se)
  put(cs, m, kn, "random", om, "lower", exp(fit$ci.lb))
  put(cs, m, kn, "random", om, "upper", exp(fit$ci.ub))
  put(cs, m, kn, "random", om, "statistic", fit$zval)
  put(cs, m, kn, "random", om, "p", fit$pval)
  pr <- predict(fit)
  put(cs, m, kn, "random", om, "pi_lower", exp(pr$pi.lb))
  put(cs, m, kn, "random", om, "pi_upper", exp(pr$pi.ub))
  put(cs, m, kn, "heterogeneity", om, "Q", fit$QE)
  put(cs, m, kn, "heterogeneity", om, "p", fit$QEp)
  put(cs, m, kn, "heterogeneity", om, "I2", fit$I2)
  put(cs, m, kn, "heterogeneity", om, "H2", fit$H2)
}
ciblock <- function(cs, m, kn, fit) {
  ci <- confint(fit, control = list(tol = 1e-13, maxiter = 10000))$random
  put(cs, m, kn, "random", "-", "tau2_lower", ci["tau^2", "ci.lb"])
  put(cs, m, kn, "random", "-", "tau2_upper", ci["tau^2", "ci.ub"])
  put(cs, m, kn, "random", "-", "I2_lower", ci["I^2(%)", "ci.lb"])
  put(cs, m, kn, "random", "-", "I2_upper", ci["I^2(%)", "ci.ub"])
  put(cs, m, kn, "random", "-", "H2_lower", ci["H^2", "ci.lb"])
  put(cs, m, kn, "random", "-", "H2_upper", ci["H^2", "ci.ub"])
}
rfit <- function(y, v, m, kn)
  tryCatch(suppressWarnings(rma(y, v, method = m, test = if (kn) "knha" else "z",
                                control = con)), error = function(e) NULL)
for (cs in names(cases)) {
  yi <- cases[[cs]]$yi; vi <- cases[[cs]]$vi; k <- length(yi)
  for (j in seq_len(k))
    cat(sprintf("%s\ts%02d\t%.17g\t%.17g\n", cs, j, yi[j], vi[j]), file = fc)
  fe1 <- rma(yi, vi, method = "FE")
  for (m in methods) for (kn in c(FALSE, TRUE)) {
    fit <- rfit(yi, vi, m, kn)
    if (is.null(fit)) next
    fitblock(cs, m, kn, "-", fit, fe1)
    ciblock(cs, m, kn, fit)
    if (k >= 3) for (j in seq_len(k)) {
      f1 <- rfit(yi[-j], vi[-j], m, kn)
      if (is.null(f1)) next
      fitblock(cs, m, kn, sprintf("s%02d", j), f1,
               rma(yi[-j], vi[-j], method = "FE"))
    }
  }
}
close(fc); close(fe)
