#!/usr/bin/env Rscript
# Reference Cox fits for tests/check_survival.c: survival::coxph(Surv(time,
# event) ~ arm, ties = "efron") run to convergence (eps 1e-14) on
# simulated individual data of two arms: without ties, with the ties of
# monthly and of coarse rounding, censoring at event times, unbalanced
# arms; and data without a finite estimate (an arm without events, an arm
# whose events all come after the other arm has left), where coxph warns
# that the coefficient may be infinite.
#
#   Rscript make_cox.R            (writes ipd.tsv and cox-expected.tsv here)
suppressMessages(library(survival))
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))
set.seed(2026)
simulate <- function(n1, n0, hr, rate = 0.05, cens = 0.02, round_to = 0) {
  arm <- c(rep(1, n1), rep(0, n0))
  t <- rexp(n1 + n0, rate * ifelse(arm == 1, hr, 1))
  c <- pmin(rexp(n1 + n0, cens), 60)
  time <- pmin(t, c); event <- as.integer(t <= c)
  if (round_to > 0) time <- pmax(round_to, round(time / round_to) * round_to)
  data.frame(time = time, event = event, arm = arm)
}
cases <- list(
  "no-ties" = simulate(200, 200, 0.7),
  "monthly-ties" = simulate(150, 160, 0.8, round_to = 1),
  "coarse-ties" = simulate(80, 90, 1.3, round_to = 6),
  "small-censored-at-event-times" = data.frame(
    time = c(1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 2, 2, 3, 3, 4, 5, 5, 6, 8, 9),
    event = c(1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1),
    arm = c(rep(1, 10), rep(0, 10))),
  "unbalanced" = simulate(30, 300, 0.5, round_to = 0.5),
  "no-events-experimental" = data.frame(
    time = c(3, 5, 8, 9, 12, 2, 4, 4, 7, 10), event = c(0, 0, 0, 0, 0, 1, 1, 0, 1, 1),
    arm = c(rep(1, 5), rep(0, 5))),
  "control-events-after-experimental-left" = data.frame(
    time = c(1, 2, 3, 4, 5, 6, 7, 8), event = c(1, 1, 0, 1, 0, 1, 1, 0),
    arm = c(1, 1, 1, 1, 0, 0, 0, 0))
)
ipd <- file.path(here, "ipd.tsv"); exp <- file.path(here, "cox-expected.tsv")
cat("case\ttime\tevent\tarm\n", file = ipd)
cat("case\tlog_hr\tse\tloglik\tloglik0\n", file = exp)
for (name in names(cases)) {
  d <- cases[[name]]
  write.table(cbind(case = name, time = sprintf("%.17g", d$time), event = d$event, arm = d$arm),
              ipd, sep = "\t", quote = FALSE, row.names = FALSE, col.names = FALSE, append = TRUE)
  w <- NULL
  f <- withCallingHandlers(coxph(Surv(time, event) ~ arm, data = d, ties = "efron",
                                 control = coxph.control(eps = 1e-14, iter.max = 200, toler.chol = 1e-15)),
                           warning = function(x) { w <<- conditionMessage(x); invokeRestart("muffleWarning") })
  if (!is.null(w)) {
    cat(name, "infinite", "infinite", "NA", "NA\n", sep = "\t", file = exp, append = TRUE)
    message(name, ": ", w)
  } else {
    cat(name, sprintf("%.17g", coef(f)), sprintf("%.17g", sqrt(vcov(f))),
        sprintf("%.17g", f$loglik[2]), sprintf("%.17g\n", f$loglik[1]), sep = "\t", file = exp, append = TRUE)
    message(name, ": ", format(coef(f), digits = 10), " (", format(sqrt(vcov(f)), digits = 10), ")")
  }
}
