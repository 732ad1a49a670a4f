#!/usr/bin/env Rscript
# Reference posterior figures of the normal-normal hierarchical model for
# tests/check_bayes.c, by brute force in base R: integrate() over tau of
# prior x marginal likelihood (mu integrated out analytically), uniroot()
# on the integrated cdf for quantiles, optimize() on the width for the
# shortest intervals and on the density for the modes.  It shares no code
# and no algorithm choice with src/mp_bayes.c beyond the model itself
# (metapool finds shortest intervals by equal densities; here they are
# found by minimizing the width).
#
#   Rscript make_bayes.R            (writes cases.tsv and expected.tsv here)
#
# The first case is the Crins et al. (2014) example of Roever (2020,
# J Stat Softw 93(6)): log odds ratios from metafor's escalc("OR"),
# mu ~ N(0, 4^2), tau ~ half-normal(0.5).
suppressMessages(library(metafor))
options(digits = 17)
tol <- 1e-11

crins <- local({
  d <- data.frame(ae = c(14, 16, 3, 9, 4, 0), an = c(61, 28, 18, 54, 36, 50),
                  ce = c(15, 19, 8, 29, 11, 3), cn = c(20, 28, 12, 54, 36, 34))
  es <- escalc(measure = "OR", ai = ae, n1i = an, ci = ce, n2i = cn, data = d)
  list(y = as.numeric(es$yi), v = as.numeric(es$vi))
})

set.seed(2026)
sim <- function(k, mu, tau, smin, smax) {
  s <- runif(k, smin, smax)
  list(y = rnorm(k, mu, sqrt(s^2 + tau^2)), v = s^2)
}
# The five overall-survival trials of studies/ as metapool reads them
# (log HR and its SE from `metapool -f csv studies/*.xml`, commit d34a76b:
# ABCSG-28, E2108, JCOG1017, MF07-01, Tata Memorial).
stage4 <- list(y = c(0.3696154552144672, 0.10436001532424286, -0.15431736038435728,
                     -0.4155154439616658, 0.03922071315328133),
               v = c(0.3353771661489278, 0.1876037063327797, 0.1356970938296238,
                     0.14936920295119188, 0.1284183406555309)^2)

cases <- list(
  list(id = "crins", d = crins, tau = "halfnormal:0.5", mu = "normal:0:4", level = 0.95, th = c(1, 0.5)),
  list(id = "k1-halfnormal", d = sim(1, -0.2, 0.2, 0.1, 0.3), tau = "halfnormal:0.5", mu = "uniform", level = 0.95, th = 1),
  list(id = "k1-halfcauchy-normal", d = sim(1, 0.1, 0.3, 0.2, 0.4), tau = "halfcauchy:1", mu = "normal:0:1", level = 0.95, th = 1),
  list(id = "k2-halfcauchy", d = sim(2, -0.3, 0.2, 0.1, 0.3), tau = "halfcauchy:0.5", mu = "uniform", level = 0.95, th = c(1, 0.8)),
  list(id = "k2-jeffreys-normal", d = sim(2, -0.3, 0.2, 0.1, 0.3), tau = "jeffreys", mu = "normal:0:1", level = 0.95, th = 1),
  list(id = "k3-halft", d = sim(3, -0.5, 0.3, 0.15, 0.5), tau = "halft:0.5:3", mu = "normal:0:2", level = 0.9, th = 1),
  list(id = "k5-stage4-lognormal", d = stage4, tau = "lognormal:-3:1.5", mu = "uniform", level = 0.95, th = c(1, 0.9)),
  list(id = "k5-stage4-halfnormal", d = stage4, tau = "halfnormal:0.5", mu = "uniform", level = 0.95, th = c(1, 0.9)),
  list(id = "k6-wide-halfcauchy", d = sim(6, 0.2, 0.8, 0.1, 0.4), tau = "halfcauchy:1", mu = "uniform", level = 0.95, th = 1),
  list(id = "k8-homogeneous", d = sim(8, -0.1, 0, 0.2, 0.3), tau = "halfnormal:0.5", mu = "uniform", level = 0.99, th = 1),
  list(id = "k10-uniform", d = sim(10, -0.2, 0.25, 0.1, 0.5), tau = "uniform:2", mu = "uniform", level = 0.95, th = 1),
  list(id = "k4-uniform-tight", d = sim(4, 0.3, 0.6, 0.2, 0.3), tau = "uniform:0.5", mu = "uniform", level = 0.8, th = c(0.9, 1.1)),
  list(id = "k20-jeffreys", d = sim(20, -0.15, 0.2, 0.05, 0.6), tau = "jeffreys", mu = "uniform", level = 0.95, th = 1),
  list(id = "k40-halfnormal", d = sim(40, 0.05, 0.15, 0.05, 0.4), tau = "halfnormal:1", mu = "normal:0:10", level = 0.95, th = 1)
)

tau_prior <- function(spec, v) {
  f <- strsplit(spec, ":")[[1]]; p <- as.numeric(f[-1])
  switch(f[1],
    halfnormal = list(d = function(t) 2 * dnorm(t, 0, p[1]), upper = Inf),
    halfcauchy = list(d = function(t) 2 * dcauchy(t, 0, p[1]), upper = Inf),
    halft = list(d = function(t) 2 * dt(t / p[1], p[2]) / p[1], upper = Inf),
    lognormal = list(d = function(t) ifelse(t > 0, dlnorm(t^2, p[1], p[2]) * 2 * t, 0), upper = Inf),
    uniform = list(d = function(t) ifelse(t <= p[1], 1 / p[1], 0), upper = p[1]),
    jeffreys = list(d = function(t) sapply(t, function(u) sqrt(sum((u / (v + u^2))^2))), upper = Inf))
}

# Given tau: mu | tau ~ N(m, 1/W), and log p(y | tau).
given <- function(t, y, v, mu) {
  f <- strsplit(mu, ":")[[1]]
  vv <- v + t^2; yy <- y
  if (f[1] == "normal") { vv <- c(vv, as.numeric(f[3])^2); yy <- c(yy, as.numeric(f[2])) }
  w <- 1 / vv; W <- sum(w); m <- sum(w * yy) / W
  list(m = m, W = W, ll = -0.5 * sum(log(2 * pi * vv)) - 0.5 * sum(w * (yy - m)^2) + 0.5 * log(2 * pi / W))
}

analyse <- function(cs) {
  y <- cs$d$y; v <- cs$d$v; k <- length(y); L <- cs$level
  pr <- tau_prior(cs$tau, v)
  lp <- function(t) log(pr$d(t)) + given(t, y, v, cs$mu)$ll
  # the peak, to scale the density and to split the integrals there
  up <- min(pr$upper, 50)
  grid <- c(0, exp(seq(log(1e-6), log(up), length.out = 400)))
  lg <- sapply(grid, lp)
  ref <- max(lg)
  mode0 <- grid[which.max(lg)]
  g <- function(t) sapply(t, function(u) if (u > pr$upper) 0 else exp(lp(u) - ref))
  brk <- sort(unique(c(0, mode0, mode0 * 2 + 0.05, mode0 * 4 + 0.5, 3, pr$upper)))
  brk <- brk[brk <= pr$upper]
  I <- function(f, a = 0, b = pr$upper) {
    pts <- sort(unique(c(a, brk[brk > a & brk < b], b)))
    s <- 0
    for (i in seq_len(length(pts) - 1))
      s <- s + integrate(function(t) g(t) * f(t), pts[i], pts[i + 1], rel.tol = tol, subdivisions = 2000L)$value
    s
  }
  one <- function(t) rep(1, length(t))
  Z <- I(one)
  out <- list()
  put <- function(key, value) out[[key]] <<- value
  # tau
  tcdf <- function(x) I(one, 0, x) / Z
  tq <- function(p) if (p <= 0) 0 else uniroot(function(x) tcdf(x) - p, c(0, min(pr$upper, 20)), tol = 1e-14)$root
  put("tau.median", tq(0.5)); put("tau.lower", tq((1 - L) / 2)); put("tau.upper", tq((1 + L) / 2))
  # optimize() never evaluates the ends of its interval: compare them too
  tmo <- optimize(function(t) lp(t), c(0, min(pr$upper, 5)), maximum = TRUE, tol = 1e-12)$maximum
  for (e in c(0, if (pr$upper < Inf) pr$upper)) if (lp(e) >= lp(tmo)) tmo <- e
  put("tau.mode", tmo)
  tailexp <- (if (grepl("^normal", cs$mu)) k else k - 1) +
    switch(strsplit(cs$tau, ":")[[1]][1], halfcauchy = 2, halft = as.numeric(strsplit(cs$tau, ":")[[1]][3]) + 1, jeffreys = 1, Inf)
  if (pr$upper < Inf) tailexp <- Inf
  tm <- if (tailexp > 2) I(function(t) t) / Z else NA
  put("tau.mean", tm)
  put("tau.sd", if (tailexp > 3) sqrt(I(function(t) (t - tm)^2) / Z) else NA)
  w <- optimize(function(p) tq(p + L) - tq(p), c(0, 1 - L), tol = 1e-12)
  p0 <- w$minimum
  if (tq(L) <= w$objective) p0 <- 0
  if (pr$upper < Inf && pr$upper - tq(1 - L) <= min(w$objective, tq(L))) p0 <- 1 - L
  put("tau.shortest_lower", tq(p0)); put("tau.shortest_upper", tq(p0 + L))
  put("tau.p_above_1", if (pr$upper <= 1) 0 else I(one, 1, pr$upper) / Z)
  # mixtures over tau
  comp <- function(kind, i) function(t) {
    gv <- given(t, y, v, cs$mu)
    if (kind == "mu") return(c(gv$m, 1 / gv$W))
    if (kind == "new") return(c(gv$m, 1 / gv$W + t^2))
    b <- v[i] / (v[i] + t^2)
    c(b * gv$m + (1 - b) * y[i], v[i] * (1 - b) + b^2 / gv$W)
  }
  mix <- function(cf, name, full, var_t2) {
    MV <- function(t) sapply(t, cf)
    mcdf <- function(x) I(function(t) { a <- MV(t); pnorm(x, a[1, ], sqrt(a[2, ])) }) / Z
    mpdf <- function(x) I(function(t) { a <- MV(t); dnorm(x, a[1, ], sqrt(a[2, ])) }) / Z
    mean <- I(function(t) MV(t)[1, ]) / Z
    sdv <- if (var_t2 && tailexp <= 3) NA else sqrt(I(function(t) { a <- MV(t); a[2, ] + (a[1, ] - mean)^2 }) / Z)
    sc <- if (is.na(sdv)) 3 else sdv
    q <- function(p) uniroot(function(x) mcdf(x) - p, mean + c(-60, 60) * sc, tol = 1e-14)$root
    put(paste0(name, ".median"), q(0.5)); put(paste0(name, ".mean"), mean); put(paste0(name, ".sd"), sdv)
    put(paste0(name, ".lower"), q((1 - L) / 2)); put(paste0(name, ".upper"), q((1 + L) / 2))
    if (full) {
      put(paste0(name, ".mode"), optimize(mpdf, q(0.5) + c(-2, 2) * sc, maximum = TRUE, tol = 1e-12)$maximum)
      w <- optimize(function(p) q(p + L) - q(p), c(1e-9, 1 - L - 1e-9), tol = 1e-12)
      put(paste0(name, ".shortest_lower"), q(w$minimum)); put(paste0(name, ".shortest_upper"), q(w$minimum + L))
      for (r in cs$th) put(sprintf("p_below.%.17g", r), mcdf(log(r)))
      put("mu.p_above_0", 1 - mcdf(0))
    }
  }
  flat <- !grepl("^normal", cs$mu)
  mix(comp("mu"), "mu", TRUE, flat)
  mix(comp("new"), "prediction", FALSE, TRUE)
  for (i in seq_len(k)) mix(comp("study", i), sprintf("shrinkage.%d", i - 1), FALSE, FALSE)
  put("marginal_likelihood", if (!flat && cs$tau != "jeffreys") Z * exp(ref) else NA)
  out
}

here <- if (length(a <- commandArgs(trailingOnly = TRUE))) a[1] else "."
cf <- file.path(here, "cases.tsv"); ef <- file.path(here, "expected.tsv")
cat("case\ttau_prior\tmu_prior\tlevel\tthresholds\tstudy\ty\tv\n", file = cf)
cat("case\tkey\tvalue\n", file = ef)
for (cs in cases) {
  for (i in seq_along(cs$d$y))
    cat(cs$id, cs$tau, cs$mu, sprintf("%.17g", cs$level), paste(sprintf("%.17g", cs$th), collapse = ","),
        i - 1, sprintf("%.17g", cs$d$y[i]), paste0(sprintf("%.17g", cs$d$v[i]), "\n"),
        sep = "\t", file = cf, append = TRUE)
  res <- analyse(cs)
  for (key in names(res))
    cat(cs$id, "\t", key, "\t", if (is.na(res[[key]])) "NA" else sprintf("%.17g", res[[key]]), "\n", file = ef, append = TRUE, sep = "")
  message(cs$id, " done")
}
