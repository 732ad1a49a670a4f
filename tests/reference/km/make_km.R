#!/usr/bin/env Rscript
# Round-trip references for tests/check_guyot.c: two-arm individual data
# simulated here, their Kaplan-Meier curves (survival::survfit) and numbers
# at risk as a paper would print them, and the Cox fit of the ORIGINAL
# data (coxph, ties = "efron", eps 1e-14).  Reconstructing each arm by
# Guyot et al.'s algorithm and fitting the reconstructed data must give:
#   - "dense" cases (a point and a number at risk at every event time of
#     either arm): the original fit to 1e-6, since every risk set is then
#     that of the original data;
#   - "sparse" cases (numbers at risk every 6 months, as printed under a
#     figure, and one row past the curve's end): the original log HR within
#     0.05.
#
#   Rscript make_km.R            (writes km.tsv and km-expected.tsv here)
suppressMessages(library(survival))
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))
set.seed(2026)
simulate <- function(n1, n0, hr, rate = 0.04, cens = 0.015, round_to = 0.1) {
  arm <- c(rep(1, n1), rep(0, n0))
  t <- rexp(n1 + n0, rate * ifelse(arm == 1, hr, 1))
  c <- pmin(rexp(n1 + n0, cens), 48)
  time <- pmax(round_to, round(pmin(t, c) / round_to) * round_to)
  data.frame(time = time, event = as.integer(t <= c), arm = arm)
}
# S(t) of one arm at times tt (right-continuous, 1 before the first event)
surv_at <- function(d, a, tt) {
  f <- survfit(Surv(time, event) ~ 1, data = d[d$arm == a, ])
  s <- summary(f, times = tt, extend = TRUE)$surv
  s
}
risk_at <- function(d, a, tt) sapply(tt, function(x) sum(d$time[d$arm == a] >= x))
cases <- list(
  list(id = "dense-200", d = simulate(100, 100, 0.7), dense = TRUE),
  list(id = "dense-ties", d = simulate(80, 90, 1.2, round_to = 1), dense = TRUE),
  list(id = "dense-unbalanced", d = simulate(60, 150, 0.6, round_to = 0.5), dense = TRUE),
  list(id = "sparse-300", d = simulate(150, 150, 0.75), dense = FALSE),
  list(id = "sparse-400", d = simulate(200, 200, 0.8, round_to = 0.05), dense = FALSE)
)
kf <- file.path(here, "km.tsv"); ef <- file.path(here, "km-expected.tsv")
cat("case\tarm\tkind\ttime\tvalue\n", file = kf)
cat("case\tdense\tlog_hr\tse\tevents_experimental\tevents_control\n", file = ef)
for (cs in cases) {
  d <- cs$d
  ev <- sort(unique(d$time[d$event == 1]))
  for (a in c(1, 0)) {
    if (cs$dense) {
      pts <- c(0, ev); rt <- c(0, ev)
    } else {
      # the curve at every event time (a digitiser's points), the numbers
      # at risk every 6 months, one more row (0) past the last point
      pts <- c(0, ev); rt <- seq(0, max(d$time) + 6, by = 6)
    }
    s <- c(1, surv_at(d, a, pts[-1]))
    nr <- risk_at(d, a, rt)
    nr[1] <- sum(d$arm == a)
    rows <- rbind(data.frame(kind = "point", time = pts, value = s),
                  data.frame(kind = "risk", time = rt, value = nr))
    write.table(cbind(case = cs$id, arm = a, kind = rows$kind,
                      time = sprintf("%.17g", rows$time), value = sprintf("%.17g", rows$value)),
                kf, sep = "\t", quote = FALSE, row.names = FALSE, col.names = FALSE, append = TRUE)
  }
  f <- coxph(Surv(time, event) ~ arm, data = d, ties = "efron",
             control = coxph.control(eps = 1e-14, iter.max = 200, toler.chol = 1e-15))
  cat(cs$id, as.integer(cs$dense), sprintf("%.17g", coef(f)), sprintf("%.17g", sqrt(vcov(f))),
      sum(d$event[d$arm == 1]), sum(d$event[d$arm == 0]), sep = "\t", file = ef, append = TRUE)
  cat("\n", file = ef, append = TRUE)
  message(cs$id, ": log HR ", format(coef(f), digits = 8), " (", format(sqrt(vcov(f)), digits = 8), ")")
}
