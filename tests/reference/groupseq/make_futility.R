#!/usr/bin/env Rscript
# Reference non-binding futility boundaries for tests/check_groupseq.c, by
# the brute force of spending.R beside it (efficacy boundaries under the
# null, then beta spending under the drift theta = z_{1-alpha/2} +
# z_{power}, mvtnorm rectangles and uniroot).
#
#   Rscript make_futility.R            (writes futility.tsv here)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "spending.R"))
sets <- list(
  list("obf", 0.05, 0.8, 0, c(0.25, 0.5, 0.75, 1)),
  list("obf", 0.05, 0.9, 0, c(0.3, 0.6, 0.8, 1.1)),
  list("pocock", 0.05, 0.8, 0, c(0.2, 0.4, 0.6, 0.8, 1)),
  list("pocock", 0.05, 0.8, 0, c(0.1, 0.5)),
  list("hsd", 0.05, 0.8, -4, c(0.33, 0.66, 1)),
  list("hsd", 0.10, 0.85, -2, c(0.15, 0.4, 0.7, 0.9)),
  list("obf", 0.01, 0.8, 0, c(0.5, 0.75, 0.9))
)
out <- file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "futility.tsv")
cat("set\tspending\talpha\tpower\tlook\tfraction\tbound\tfutility\n", file = out)
for (i in seq_along(sets)) {
  s <- sets[[i]]
  kind <- s[[1]]; alpha <- s[[2]]; power <- s[[3]]; g <- s[[4]]; t <- s[[5]]
  c <- bounds(t, kind, alpha, g)
  a <- futility(t, c, kind, 1 - power, g, qnorm(1 - alpha / 2) + qnorm(power))
  name <- if (kind == "hsd") sprintf("hsd:%g", g) else kind
  for (k in seq_along(t))
    cat(i, name, alpha, power, k, sprintf("%.17g", t[k]), sprintf("%.17g", c[k]),
        sprintf("%.17g\n", a[k]), sep = "\t", file = out, append = TRUE)
  message(i, " ", name, " ", paste(format(a, digits = 10), collapse = " "))
}
