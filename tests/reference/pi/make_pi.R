# make_pi.R - reference prediction intervals for metapool's --pi methods.
#
# Usage: Rscript make_pi.R   (in this directory; reads ../metafor-3.8/cases.tsv,
# writes expected.tsv)
#
# For every data set of ../metafor-3.8/cases.tsv and every tau^2 estimator,
# the prediction interval mu +/- crit * sqrt(se^2 + tau2) on the ratio scale:
#   z     metafor 3.8 predict() of rma(yi, vi, method = m)  (crit = z)
#   t-k1  metafor 3.8 predict() of rma(yi, vi, method = m, test = "t")
#         (crit = t with k - 1 df, se not rescaled)
#   t-k2  Higgins, Thompson and Spiegelhalter 2009 (J R Stat Soc A 172:137),
#         Cochrane Handbook ch. 10.10.4.3: crit = t with k - 2 df, from the
#         z fit's mu, se and tau2, for k >= 3 (written out here, since
#         metafor 3.8 has no such option)
# Output: case, method, pi, key (pi_lower, pi_upper), value (17 digits).
suppressMessages(library(metafor))
cases <- read.delim("../metafor-3.8/cases.tsv", stringsAsFactors = FALSE)
methods <- c("DL", "REML", "PM", "SJ", "HE", "ML", "EB")
# iterative estimators converged tightly, as in ../make_cases.R
ctrl <- list(maxiter = 10000, threshold = 1e-13, tol = 1e-13)
out <- data.frame()
add <- function(case, m, pi, lo, hi) {
    rbind(out, data.frame(case = case, method = m, pi = pi,
                          key = c("pi_lower", "pi_upper"),
                          value = sprintf("%.17g", exp(c(lo, hi)))))
}
for (case in unique(cases$case)) {
    d <- cases[cases$case == case, ]
    k <- nrow(d)
    for (m in methods) {
        fz <- try(rma(d$yi, d$vi, method = m, control = ctrl), silent = TRUE)
        ft <- try(rma(d$yi, d$vi, method = m, test = "t", control = ctrl),
                  silent = TRUE)
        if (inherits(fz, "try-error") || inherits(ft, "try-error"))
            next
        pz <- predict(fz)
        out <- add(case, m, "z", pz$pi.lb, pz$pi.ub)
        pt <- predict(ft)
        out <- add(case, m, "t-k1", pt$pi.lb, pt$pi.ub)
        if (k >= 3) {
            mu <- as.numeric(coef(fz)); se <- fz$se; tau2 <- fz$tau2
            crit <- qt(0.975, k - 2)
            out <- add(case, m, "t-k2", mu - crit * sqrt(se^2 + tau2),
                       mu + crit * sqrt(se^2 + tau2))
        }
    }
}
write.table(out, "expected.tsv", sep = "\t", quote = FALSE, row.names = FALSE)
