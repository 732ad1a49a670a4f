# Reference values for tests/cli/studies.sh: what R metafor (3.8) computes
# for the shipped stage IV pool (studies/*.xml, outcomes OS and DPFS) and for the
# Reinhorn et al. (The Breast 2021) reproduction (tests/data/reinhorn/ and
# tests/data/reinhorn-corrected/).
#
# Usage (from anywhere):  Rscript tests/reference/studies/make_reference.R
# Writes tests/reference/studies/expected.tsv next to this script.
#
# The figures are NOT hard-coded: each descriptor is parsed here with base
# R's regmatches, and its OS (or DPFS) <hazard-ratio> is converted exactly as
# metapool-study(5) says:
#   y  = ln(estimate)
#   se = (ln(upper) - ln(lower)) / (2 z((1 + level) / 2))
#   reference="experimental" -> y = -y
# so a change to a descriptor changes the reference only when this script
# is rerun (and the test then fails until it is).
#
# expected.tsv: analysis, key (block.key of metapool's JSON report), value
# (%.17g).  Ratios (lower, upper, pi_lower, pi_upper) are on the ratio
# scale, as in the JSON report; log_estimate, se and tau2 on the log scale.
suppressMessages(library(metafor))

args <- commandArgs(FALSE)
me <- sub("^--file=", "", args[grep("^--file=", args)])
here <- normalizePath(dirname(me))
top <- normalizePath(file.path(here, "..", "..", ".."))

attr1 <- function(tag, name) {
  m <- regmatches(tag, regexpr(paste0("\\b", name, "=\"[^\"]*\""), tag))
  if (length(m) == 0) return(NA_character_)
  sub("^[^\"]*\"([^\"]*)\"$", "\\1", m)
}

# One study file -> its hazard ratio for OUTCOME as (yi, sei), by the
# format's rules; NULL when the study has no such outcome (metapool leaves
# it out of that pool with a warning).
read_outcome <- function(path, outcome) {
  x <- paste(readLines(path, warn = FALSE), collapse = "\n")
  id <- attr1(regmatches(x, regexpr("<study [^>]*>", x)), "id")
  pat <- paste0("(?s)<outcome name=\"", outcome, "\">.*?</outcome>")
  oc <- regmatches(x, regexpr(pat, x, perl = TRUE))
  if (length(oc) == 0) return(NULL)
  hr <- regmatches(oc, regexpr("<hazard-ratio[^>]*/>", oc))
  stopifnot(length(hr) == 1)
  est <- as.numeric(attr1(hr, "estimate"))
  lo <- as.numeric(attr1(hr, "lower"))
  up <- as.numeric(attr1(hr, "upper"))
  lev <- attr1(hr, "level")
  lev <- if (is.na(lev)) 0.95 else as.numeric(lev)
  ref <- attr1(hr, "reference")
  stopifnot(!is.na(lo), !is.na(up))          # all shipped figures are intervals
  yi <- log(est)
  if (!is.na(ref) && ref == "experimental") yi <- -yi
  sei <- (log(up) - log(lo)) / (2 * qnorm((1 + lev) / 2))
  data.frame(id = id, yi = yi, sei = sei, stringsAsFactors = FALSE)
}

read_dir <- function(dir, outcome = "OS") {
  files <- sort(Sys.glob(file.path(top, dir, "*.xml")), method = "radix")  # byte order, as metapool
  do.call(rbind, lapply(files, read_outcome, outcome = outcome))
}

out <- file(file.path(here, "expected.tsv"), "w")
cat("analysis\tkey\tvalue\n", file = out)
put <- function(analysis, key, val) cat(sprintf("%s\t%s\t%.17g\n", analysis, key, val), file = out)
ctl <- list(maxiter = 10000, threshold = 1e-13, tol = 1e-13)

emit <- function(analysis, d, method, knha) {
  fe <- rma(d$yi, sei = d$sei, method = "FE")
  fit <- rma(d$yi, sei = d$sei, method = method, test = if (knha) "knha" else "z", control = ctl)
  pr <- predict(fit)
  put(analysis, "fixed.log_estimate", fe$beta[1])
  put(analysis, "fixed.se", fe$se)
  put(analysis, "fixed.p", fe$pval)
  put(analysis, "random.tau2", fit$tau2)
  put(analysis, "random.log_estimate", fit$beta[1])
  put(analysis, "random.se", fit$se)
  put(analysis, "random.estimate", exp(fit$beta[1]))
  put(analysis, "random.lower", exp(fit$ci.lb))
  put(analysis, "random.upper", exp(fit$ci.ub))
  put(analysis, "random.p", fit$pval)
  put(analysis, "random.pi_lower", exp(pr$pi.lb))
  put(analysis, "random.pi_upper", exp(pr$pi.ub))
  put(analysis, "heterogeneity.Q", fit$QE)
  put(analysis, "heterogeneity.I2", fit$I2)
  fit
}

# 1. The shipped pool, studies/*.xml (top level only; studies/imni/ is a
#    different question and is never pooled with it).
studies <- read_dir("studies")
stopifnot(nrow(studies) == 5)
invisible(emit("studies-DL", studies, "DL", FALSE))
invisible(emit("studies-REML-hksj", studies, "REML", TRUE))

# 1b. The shipped DPFS pool: the studies of studies/*.xml that have a DPFS
#     outcome (ABCSG-28 and Tata Memorial, the latter from the Cochrane
#     review's extraction; see studies/README.md).
dpfs <- read_dir("studies", "DPFS")
stopifnot(nrow(dpfs) == 2)
invisible(emit("studies-DPFS-DL", dpfs, "DL", FALSE))
invisible(emit("studies-DPFS-REML-hksj", dpfs, "REML", TRUE))

# 2. Reinhorn et al. 2021 as the paper read its inputs (E2108's 90% interval
#    taken as 95%), and 3. the same with E2108 at its true level 0.90.
rein <- read_dir("tests/data/reinhorn")
stopifnot(nrow(rein) == 4)
r1 <- emit("reinhorn-DL", rein, "DL", FALSE)
corr <- read_dir("tests/data/reinhorn-corrected")
stopifnot(nrow(corr) == 4)
r2 <- emit("reinhorn-corrected-DL", corr, "DL", FALSE)
close(out)

# A human-readable summary on standard output (not used by the test).
show <- function(lab, f) cat(sprintf("%-24s HR %.4f (%.4f to %.4f), p = %.4f, I2 = %.1f%%\n",
                                     lab, exp(f$beta[1]), exp(f$ci.lb), exp(f$ci.ub), f$pval, f$I2))
show("studies DL", rma(studies$yi, sei = studies$sei, method = "DL"))
show("studies REML+HKSJ", rma(studies$yi, sei = studies$sei, method = "REML", test = "knha", control = ctl))
show("studies DPFS DL", rma(dpfs$yi, sei = dpfs$sei, method = "DL"))
show("reinhorn (published)", r1)
show("reinhorn corrected", r2)
