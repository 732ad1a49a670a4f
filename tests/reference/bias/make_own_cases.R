# metapool's own cases for the influence and small-study tests (issue 18),
# beside those of ../metafor-3.8/cases.tsv.  Seeded, so a rerun writes the
# same own_cases.tsv (R 4, set.seed default kind).
# usage: Rscript make_own_cases.R own_cases.tsv
set.seed(18)
a <- commandArgs(TRUE)
rows <- list()
add <- function(case, yi, vi) {
  rows[[length(rows) + 1]] <<- data.frame(case = case, study = sprintf("s%02d", seq_along(yi)),
                                          yi = yi, vi = vi)
}
se <- function(k) runif(k, 0.08, 0.6)
# k = 2: influence only (the tests need 3)
add("k2", c(0.1, 0.5), c(0.04, 0.09))
# k = 3 and k = 4: the smallest data sets the tests accept
s <- se(3); add("k3", rnorm(3, -0.2, sqrt(s^2 + 0.04)), s^2)
s <- se(4); add("k4", rnorm(4, -0.3, sqrt(s^2 + 0.02)), s^2)
# ties in the effects and in the variances: the rank test's normal
# approximation with metafor's tie correction (no exact p)
add("ties", c(-0.5, -0.5, -0.2, 0.1, 0.1, -0.3, -0.8, 0.0),
    c(0.04, 0.09, 0.04, 0.16, 0.16, 0.25, 0.09, 0.36))
# small studies with low effects: the regression slope is negative, so
# trim-and-fill fills on the right
s <- se(12); add("right", -0.1 - 1.6 * s + rnorm(12, 0, 0.05), s^2)
# the usual asymmetry: small studies with high effects, filled on the left
s <- se(14); add("left", -0.3 + 1.8 * s + rnorm(14, 0, 0.05), s^2)
# a funnel nearly symmetric about -0.2 (mirrored pairs, moved a little
# so that no rank or slope is decided by rounding, and one study in the
# middle): nothing to fill
s <- se(5); add("none", c(-0.2 + s * 0.7 + c(0.013, -0.021, 0.008, 0.017, -0.011),
                          -0.2 - s * 0.7 + c(-0.006, 0.019, -0.015, 0.004, 0.009), -0.21),
                c(s^2, (s * 1.03)^2, 0.05))
# 60 studies without ties: the exact Kendall distribution at a larger k
s <- se(60); add("k60", rnorm(60, -0.25, sqrt(s^2 + 0.03)), s^2)
# one study with most of the weight, and an outlier: influential studies
s <- c(0.03, se(7)); add("dominant", c(-0.9, rnorm(6, -0.1, 0.2), 1.4), s^2)
# effects spread over tens of log units: tau^2 in the hundreds, beyond
# the first bracket [0, 100] of Paule-Mandel's root search
s <- se(7); add("wide", rnorm(7, 0, 25), s^2)
write.table(do.call(rbind, rows), a[1], sep = "\t", quote = FALSE, row.names = FALSE)
