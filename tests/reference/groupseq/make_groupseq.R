#!/usr/bin/env Rscript
# Reference two-sided alpha-spending boundaries for tests/check_groupseq.c,
# by the brute force of spending.R beside it (mvtnorm's multivariate normal
# rectangles and uniroot): it shares no code and no method with
# src/mp_groupseq.c (recursive numerical integration).
#
#   Rscript make_groupseq.R            (writes expected.tsv here)
source(file.path(dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE))), "spending.R"))
sets <- list(
  list("obf", 0.05, 0, c(0.5, 0.75, 1)),
  list("obf", 0.05, 0, c(0.25, 0.5, 0.75, 1)),
  list("obf", 0.05, 0, 1),
  list("obf", 0.05, 0, c(0.1, 1)),
  list("obf", 0.01, 0, c(0.2, 0.4, 0.6, 0.8, 1)),
  list("obf", 0.05, 0, c(0.05, 0.3, 0.31, 0.9)),
  list("obf", 0.10, 0, c(0.33, 0.66, 1.2)),
  list("obf", 0.05, 0, c(0.15, 0.45, 0.6, 0.95, 1.4)),
  list("pocock", 0.05, 0, c(0.5, 1)),
  list("pocock", 0.05, 0, c(0.2, 0.4, 0.6, 0.8, 1)),
  list("pocock", 0.01, 0, c(0.3, 0.5, 0.9)),
  list("pocock", 0.10, 0, c(0.12, 0.25, 0.8, 1.1)),
  list("pocock", 0.05, 0, c(0.6, 0.62, 0.7, 1)),
  list("hsd", 0.05, -4, c(0.25, 0.5, 0.75, 1)),
  list("hsd", 0.05, -2, c(0.4, 0.7, 1)),
  list("hsd", 0.05, 1, c(0.3, 0.6, 0.9, 1)),
  list("hsd", 0.05, 0, c(0.5, 1)),
  list("hsd", 0.01, -8, c(0.1, 0.35, 0.55, 1.05)),
  list("hsd", 0.05, 4, c(0.2, 0.5, 1)),
  list("hsd", 0.10, -1, c(0.18, 0.27, 0.5, 0.71, 0.93))
)
here <- if (length(a <- commandArgs(trailingOnly = TRUE))) a[1] else "."
out <- file.path(here, "expected.tsv")
cat("set\tspending\talpha\tlook\tfraction\tbound\n", file = out)
for (i in seq_along(sets)) {
  s <- sets[[i]]
  kind <- s[[1]]; alpha <- s[[2]]; g <- s[[3]]; t <- s[[4]]
  b <- bounds(t, kind, alpha, g)
  name <- if (kind == "hsd") sprintf("hsd:%g", g) else kind
  for (k in seq_along(t))
    cat(i, name, sprintf("%.17g", alpha), k, sprintf("%.17g", t[k]),
        sprintf("%.17g\n", b[k]), sep = "\t", file = out, append = TRUE)
  message(i, " ", name, " ", paste(format(b, digits = 10), collapse = " "))
}
print(warnings())
