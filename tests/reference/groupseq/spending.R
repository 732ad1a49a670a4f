# Alpha spending functions and two-sided boundaries by brute force, shared
# by make_groupseq.R and ../tsa/make_tsa.R (source it from their folder):
# for each look k in turn, uniroot() finds c_k such that
#   P(|Z_j| < c_j, j < k) - P(|Z_j| < c_j, j <= k) = 2 (a(t_k) - a(t_{k-1})),
# the probabilities being rectangles of the multivariate normal of the
# canonical joint distribution, corr(Z_i, Z_j) = sqrt(t_i / t_j), computed
# by mvtnorm::pmvnorm with Miwa's deterministic algorithm.
suppressMessages(library(mvtnorm))
spend <- function(kind, a, t, g) {
  t <- pmin(t, 1)
  switch(kind,
    obf = 2 * pnorm(-qnorm(1 - a / 2) / sqrt(t)),
    pocock = a * log(1 + (exp(1) - 1) * t),
    hsd = if (g == 0) a * t else a * (1 - exp(-g * t)) / (1 - exp(-g)))
}
bounds <- function(t, kind, alpha, g) {
  K <- length(t); c <- numeric(K)
  S <- outer(t, t, function(a, b) sqrt(pmin(a, b) / pmax(a, b)))
  cont <- function(k, ck) {
    b <- c(c[seq_len(k - 1)], ck)
    if (k == 1) return(1 - 2 * pnorm(-ck))
    pmvnorm(lower = -b, upper = b, sigma = S[1:k, 1:k, drop = FALSE],
            algorithm = Miwa(steps = 4096))[1]
  }
  prevcont <- 1; prev <- 0
  for (k in 1:K) {
    a <- spend(kind, alpha / 2, t[k], g)
    target <- 2 * (a - prev)
    f <- function(ck) (prevcont - cont(k, ck)) - target
    c[k] <- if (k == 1) qnorm(target / 2, lower.tail = FALSE) else uniroot(f, c(0.3, 15), tol = 1e-13)$root
    prevcont <- cont(k, c[k]); prev <- a
  }
  c
}
# Non-binding futility boundaries by beta spending under drift theta (the
# mean of Z_k is theta sqrt(t_k)), given the efficacy boundaries c: a_k
# solves P(max(a_j, -c_j) < Z_j < c_j, j < k; Z_k <= a_k) = b(t_k) - b(t_{k-1});
# the wedge closes (a = c) at the first fraction >= 1 or where a would
# pass c.
futility <- function(t, c, kind, beta, g, theta) {
  K <- length(t); a <- numeric(K); m <- theta * sqrt(t)
  S <- outer(t, t, function(x, y) sqrt(pmin(x, y) / pmax(x, y)))
  closed <- FALSE; prev <- 0
  for (k in 1:K) {
    b <- spend(kind, beta, t[k], g); target <- b - prev
    if (closed || t[k] >= 1) a[k] <- c[k] else {
      f <- if (k == 1) function(ak) pnorm(ak - m[1]) - target else {
        lo <- pmax(a[1:(k - 1)], -c[1:(k - 1)]); hi <- c[1:(k - 1)]
        function(ak) pmvnorm(lower = c(lo, -Inf), upper = c(hi, ak), mean = m[1:k],
                             sigma = S[1:k, 1:k], algorithm = Miwa(steps = 4096))[1] - target
      }
      a[k] <- min(uniroot(f, m[k] + c(-12, 12), tol = 1e-13)$root, c[k])
    }
    closed <- a[k] >= c[k]; prev <- b
  }
  a
}
