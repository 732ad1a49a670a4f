# Reference values for the convergence tests of tests/check_fit.c (issue 15).
# R 4.2 with metafor 3.8; run: Rscript make_convergence.R > convergence.out
suppressPackageStartupMessages(library(metafor))
cat("metafor", as.character(packageVersion("metafor")), "\n")
p17 <- function(name, x) cat(name, format(x, digits = 17), "\n")
con <- list(maxiter = 10000, threshold = 1e-13)

# 1. Six studies where REML Fisher scoring oscillates: metafor's default
#    step fails; with stepadj = 0.5 it converges.
y <- c(-0.65912, -0.607028980372706, -1.1907275775759154, -1.1749725425590334,
       -0.931186, -1.03818)
v <- c(0.016059225625, 0.35428328491461775, 0.086330565149208241,
       0.343218012081274, 0.279765887041, 0.161960368249)
try_rma <- function(label, ...) {
  f <- tryCatch(rma(y, v, ...), error = function(e) conditionMessage(e))
  cat(label, if (is.character(f)) f else
      paste("converged, tau2", format(f$tau2, digits = 17)), "\n")
}
try_rma("six REML, default control:", method = "REML")
try_rma("six REML, maxiter 1000, threshold 1e-12 (metapool's defaults):",
        method = "REML", control = list(maxiter = 1000, threshold = 1e-12))
try_rma("six REML, maxiter 10000, threshold 1e-13:", method = "REML", control = con)
fit <- rma(y, v, method = "REML", control = c(con, stepadj = 0.5))
p17("six REML stepadj=0.5 tau2", fit$tau2)
# the root of the REML estimating equation Y'PPY - tr P = 0, by uniroot
reml_score <- function(t) {
  w <- 1 / (v + t); sw <- sum(w); mu <- sum(w * y) / sw
  sum(w^2 * (y - mu)^2) - (sw - sum(w^2) / sw)
}
r <- uniroot(reml_score, c(0, 1), tol = 1e-16, maxiter = 1000)
p17("six REML score root", r$root)

# 2. PM: the root of QE(tau2) = k - 1 lies beyond metafor's search
#    interval [0, max(100, 10 mad(y)^2)] = [0, 100].
y <- c(-18, 0, 0.05, 0.1, 18.094)
v <- c(0.04, 0.01, 0.02, 0.03, 0.05)
p17("wide mad", mad(y))
f <- tryCatch(rma(y, v, method = "PM", control = con),
              error = function(e) conditionMessage(e))
cat("wide PM default:", if (is.character(f)) f else "converged", "\n")
QE <- function(t) { w <- 1 / (v + t); mu <- sum(w * y) / sum(w); sum(w * (y - mu)^2) }
r <- uniroot(function(t) QE(t) - (length(y) - 1), c(0, 1e4), tol = 1e-14,
             maxiter = 1000)
p17("wide PM root", r$root)
p17("wide PM QE(root) - (k-1)", QE(r$root) - (length(y) - 1))
fit <- rma(y, v, method = "PM", control = list(tau2.max = 1e4))
p17("wide PM metafor tau2.max=1e4 (default tol)", fit$tau2)
