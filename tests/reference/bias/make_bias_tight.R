# Reference figures for influence(), baujat(), regtest(), ranktest() and
# trimfill() (metafor 3.8) as make_bias.R, but
#  - every estimator metapool has (FE, DL, HE, SJ, REML, ML, PM, EB; FE
#    without Hartung-Knapp, which metafor does not mean for it);
#  - iterative estimators converged tightly (threshold and tol 1e-13, as
#    ../make_cases.R): make_bias.R keeps metafor's default threshold 1e-5,
#    with which REML's tau^2 stops up to 1.6e-3 (relative) short of the
#    estimate, too far for a 6-digit comparison;
#  - trimfill() given the same control (its own fits otherwise use
#    metafor's defaults);
#  - more figures: Egger's df, the rank test's exactness, trim-and-fill's
#    k0_se, the filled studies and the whole adjusted random block.
#  - k = 2 too (make_bias.R starts at 3).
# usage: Rscript make_bias_tight.R CASES.tsv YCOL VCOL OUT.tsv
#   (YCOL, VCOL: the names of the columns of log effects and variances)
suppressMessages(library(metafor))
pdf(NULL)  # baujat() draws; keep its plot out of the tree
a <- commandArgs(TRUE)
cases <- read.delim(a[1], colClasses = c(case = "character", study = "character"))
ycol <- a[2]; vcol <- a[3]
out <- file(a[4], "w")
cat("case\tmethod\tknha\tblock\tid\tkey\tvalue\n", file = out)
put <- function(cs, m, kn, block, id, key, v) {
  v <- if (is.null(v) || length(v) == 0 || is.na(v)) "NA" else if (is.logical(v)) as.character(v) else sprintf("%.17g", v)
  cat(cs, m, kn, block, id, key, v, sep = "\t", file = out); cat("\n", file = out)
}
for (cs in unique(cases$case)) {
  d <- cases[cases$case == cs, ]
  yi <- d[[ycol]]; vi <- d[[vcol]]
  k <- nrow(d)
  # 1e-13 absolute, or relative to the spread of the effects where tau^2
  # is so large (case "wide" of make_own_cases.R: ~1000) that a change of
  # 1e-13 is below its rounding and Fisher scoring could never stop
  eps <- 1e-13 * max(1, var(yi))
  con <- list(stepadj = 0.5, maxiter = 10000, threshold = eps, tol = eps)
  if (k < 2) next  # k = 2: influence() and ranktest() exist, the others fail
  for (m in c("FE", "DL", "HE", "SJ", "REML", "ML", "PM", "EB")) for (kn in c(FALSE, TRUE)) {
    if (m == "FE" && kn) next
    fit <- try(rma(yi, vi, method = m, test = if (kn) "knha" else "z", control = con), silent = TRUE)
    if (inherits(fit, "try-error")) next
    K <- as.integer(kn)
    # influence(): the JSON key of each column of its `inf` table
    inf.keys <- c(rstudent = "rstudent", dffits = "dffits", cook_d = "cook.d",
                  cov_r = "cov.r", tau2_del = "tau2.del", QE_del = "QE.del",
                  hat = "hat", weight = "weight")
    inf <- try(influence(fit), silent = TRUE)
    if (!inherits(inf, "try-error")) for (i in seq_len(k)) {
      for (key in names(inf.keys)) put(cs, m, K, "influence", d$study[i], key, inf$inf[[inf.keys[[key]]]][i])
      put(cs, m, K, "influence", d$study[i], "dfbetas", inf$dfbs$intrcpt[i])
      put(cs, m, K, "influence", d$study[i], "influential", inf$is.infl[i])
    }
    b <- try(baujat(fit, progbar = FALSE), silent = TRUE)
    if (!inherits(b, "try-error")) for (i in seq_len(k)) {
      put(cs, m, K, "baujat", d$study[i], "x", b$x[i]); put(cs, m, K, "baujat", d$study[i], "y", b$y[i])
    }
    if (m != "FE") {
      rt <- try(regtest(fit, model = "rma", predictor = "sei"), silent = TRUE)
      if (!inherits(rt, "try-error")) {
        put(cs, m, K, "egger", "-", "statistic", rt$zval); put(cs, m, K, "egger", "-", "p", rt$pval)
        put(cs, m, K, "egger", "-", "df", rt$dfs)
        put(cs, m, K, "egger", "-", "limit_log_estimate", rt$est)
        put(cs, m, K, "egger", "-", "limit_lower", exp(rt$ci.lb)); put(cs, m, K, "egger", "-", "limit_upper", exp(rt$ci.ub))
      }
    }
    if (!kn) {
      rk <- try(ranktest(fit), silent = TRUE)
      if (!inherits(rk, "try-error")) {
        ys <- (yi - weighted.mean(yi, 1 / vi)) / sqrt(vi - 1 / sum(1 / vi))
        put(cs, m, K, "rank", "-", "tau", rk$tau); put(cs, m, K, "rank", "-", "p", rk$pval)
        put(cs, m, K, "rank", "-", "exact", !(length(unique(ys)) < k || length(unique(vi)) < k))
      }
    }
    if (m != "FE") {
      tf <- try(trimfill(fit, control = con), silent = TRUE)
      if (!inherits(tf, "try-error")) {
        put(cs, m, K, "trimfill", "-", "k0", tf$k0)
        put(cs, m, K, "trimfill", "-", "k0_se", tf$se.k0)
        put(cs, m, K, "trimfill", "-", "side_left", tf$side == "left")
        put(cs, m, K, "trimfill", "-", "log_estimate", as.numeric(tf$beta)); put(cs, m, K, "trimfill", "-", "se", tf$se)
        put(cs, m, K, "trimfill", "-", "tau2", tf$tau2)
        put(cs, m, K, "trimfill", "-", "lower", exp(tf$ci.lb)); put(cs, m, K, "trimfill", "-", "upper", exp(tf$ci.ub))
        put(cs, m, K, "trimfill", "-", "statistic", tf$zval); put(cs, m, K, "trimfill", "-", "p", tf$pval)
        fi <- which(tf$fill)
        for (j in seq_along(fi)) {
          put(cs, m, K, "filled", sprintf("f%d", j), "yi", tf$yi[fi[j]])
          put(cs, m, K, "filled", sprintf("f%d", j), "se", sqrt(tf$vi[fi[j]]))
        }
      }
    }
  }
}
close(out)
