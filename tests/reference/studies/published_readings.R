# Which readings of the trials' published figures reproduce the pooled
# overall survival (and, for Ren 2024, distant progression-free survival)
# of the published meta-analyses compared in
# studies/README.md ("Published meta-analyses beside this library's pool").
# Not used by any test: it documents the README's explanations, and its
# output is committed beside it.
#
# Usage (from anywhere):  Rscript tests/reference/studies/published_readings.R
# Writes tests/reference/studies/published_readings.txt next to this script.
#
# Inputs are the trials' published figures, each as printed in its source
# (the sources are in the studies/*.xml notes); a "reading" is one choice of
# report, direction and interval level per trial.  Each is converted as
# metapool-study(5) says (y = ln HR, se = (ln upper - ln lower) / (2 z)),
# and pooled with metafor 3.8, generic inverse variance.
suppressMessages(library(metafor))

args <- commandArgs(FALSE)
me <- sub("^--file=", "", args[grep("^--file=", args)])
here <- normalizePath(dirname(me))
out <- file(file.path(here, "published_readings.txt"), "w")
say <- function(...) cat(sprintf(...), "\n", sep = "", file = out)

# One reading: y and se from a hazard ratio and its interval at LEVEL;
# INVERT for a ratio published as control / experimental (ABCSG-28).
hr <- function(est, lo, up, level = 0.95, invert = FALSE) {
  y <- log(est)
  c(y = if (invert) -y else y,
    se = (log(up) - log(lo)) / (2 * qnorm((1 + level) / 2)))
}

# The candidate readings of each trial (name -> reading).
readings <- list(
  tata = list("1.04 (0.81-1.34)" = hr(1.04, 0.81, 1.34)),
  mf07 = list("2018 0.66 (0.49-0.88)" = hr(0.66, 0.49, 0.88),
              "2021 0.71 (0.59-0.86)" = hr(0.71, 0.59, 0.86)),
  abcsg = list("0.691 inverted (surgery/no surgery)" = hr(0.691, 0.358, 1.333, invert = TRUE),
               "0.691 as printed (no surgery/surgery)" = hr(0.691, 0.358, 1.333)),
  e2108 = list("2022 1.11 (0.82-1.52) at 90%" = hr(1.11, 0.82, 1.52, 0.90),
               "2022 1.11 (0.82-1.52) read as 95%" = hr(1.11, 0.82, 1.52),
               "ASCO 2020 1.09 (0.80-1.49) at 90%" = hr(1.09, 0.80, 1.49, 0.90),
               "ASCO 2020 1.09 (0.80-1.49) read as 95%" = hr(1.09, 0.80, 1.49)),
  jcog = list("0.857 (0.686-1.072) at 90%" = hr(0.857, 0.686, 1.072, 0.90),
              "0.857 (0.686-1.072) read as 95%" = hr(0.857, 0.686, 1.072)))

fmt <- function(f) sprintf("%.3f (%.3f-%.3f), Q %.2f, I2 %.1f%%",
                           exp(f$beta[1]), exp(f$ci.lb), exp(f$ci.ub), f$QE, f$I2)
# TRUE when the pooled HR and bounds round, to two decimals, to TARGET.
matches <- function(f, target)
  identical(sprintf("%.2f", exp(c(f$beta[1], f$ci.lb, f$ci.ub))), target)

# Every combination of one reading per trial in TRIALS.
grid <- function(trials) expand.grid(lapply(readings[trials], names), stringsAsFactors = FALSE)
pool <- function(row, method) {
  m <- do.call(rbind, Map(function(t, r) readings[[t]][[r]], names(row), row))
  rma(m[, "y"], sei = m[, "se"], method = method)
}

# 1. Tosello 2018 (Cochrane), 2 RCTs: HR 0.83 (0.53 to 1.31).
say("== Tosello 2018 (Cochrane CD011276): published OS HR 0.83 (0.53 to 1.31), 2 RCTs")
two <- rbind(readings$tata[[1]], readings$mf07[[1]])
say("Tata + MF07-01 2018, DL, full precision:           %s", fmt(rma(two[, "y"], sei = two[, "se"], method = "DL")))
say("the same, ln HR and se rounded to 2 decimals, DL:  %s",
    fmt(rma(round(two[, "y"], 2), sei = round(two[, "se"], 2), method = "DL")))

# 2. Villacampa 2024, 5 RCTs, random effects: HR 0.93 (0.76 to 1.14).
say("")
say("== Villacampa 2024: published OS HR 0.93 (0.76 to 1.14), 5 RCTs, random effects")
g <- grid(c("tata", "mf07", "abcsg", "e2108", "jcog"))
methods <- c("DL", "REML", "PM", "EB", "ML", "HE", "SJ", "HS")
n <- 0
for (i in seq_len(nrow(g))) for (m in methods) {
  f <- pool(unlist(g[i, ]), m)
  if (matches(f, c("0.93", "0.76", "1.14"))) {
    n <- n + 1
    say("%-4s %s | %s | %s | %s -> %s", m, g$mf07[i], g$abcsg[i], g$e2108[i], g$jcog[i], fmt(f))
  }
}
say("%d of %d readings x estimators reproduce it", n, nrow(g) * length(methods))

# 3. Sidiropoulou 2023, 4 RCTs, RevMan: HR 1.03 (0.67 to 1.58), I2 88%, chi2 24.57.
say("")
say("== Sidiropoulou 2023: published OS HR 1.03 (0.67 to 1.58), I2 88%%, chi-square 24.57, 4 RCTs")
best <- NULL
for (four in combn(names(readings), 4, simplify = FALSE)) {
  g <- grid(four)
  for (i in seq_len(nrow(g))) {
    f <- pool(unlist(g[i, ]), "DL")
    best <- rbind(best, data.frame(trials = paste(four, collapse = "+"),
                                   reading = paste(unlist(g[i, ]), collapse = " | "),
                                   Q = f$QE, text = fmt(f), stringsAsFactors = FALSE))
  }
}
best <- best[order(-best$Q), ]
say("%d readings of 4 of the 5 trials; the largest Q among them:", nrow(best))
for (i in 1:3) say("  %s: %s -> %s", best$trials[i], best$reading[i], best$text[i])

# 4. Ren 2024 (figures of its preprint), DPFS: HR 0.96 (0.41 to 2.22).  The
#    two trials with a DPFS hazard ratio: Tata Memorial as extracted by the
#    Cochrane review, ABCSG-28 as printed (no surgery / surgery) or inverted.
say("")
say("== Ren 2024: published DPFS HR 0.96 (0.41 to 2.22)")
tata_dpfs <- hr(1.42, 1.08, 1.86)
for (inv in c(TRUE, FALSE)) {
  m <- rbind(tata_dpfs, hr(0.598, 0.343, 1.043, invert = inv))
  say("Tata 1.42 (1.08-1.86) + ABCSG-28 0.598 (0.343-1.043) %-36s DL: %s",
      if (inv) "inverted (surgery/no surgery)," else "as printed (no surgery/surgery),",
      fmt(rma(m[, "y"], sei = m[, "se"], method = "DL")))
}
close(out)
