#!/usr/bin/env Rscript
# Reference trial sequential analyses for tests/check_tsa.c: cumulative
# fits by metafor's rma() (DerSimonian-Laird or fixed effect) on the
# studies in year order, D^2 = 1 - se_FE^2 / se_DL^2 (Wetterslev et al.
# 2009), the required information (z_{1-a/2} + z_{power})^2 / ln(HR)^2,
# and efficacy and futility boundaries by the brute force of
# ../groupseq/spending.R (mvtnorm).
#
#   Rscript make_tsa.R            (writes cases.tsv and expected.tsv here)
here <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))
source(file.path(here, "..", "groupseq", "spending.R"))
suppressMessages(library(metafor))

# The five overall-survival trials of studies/ (log HR, SE from
# `metapool -f csv studies/*.xml` at d34a76b; ABCSG-28, E2108, JCOG1017,
# MF07-01, Tata Memorial, in the order metapool reads them).
stage4 <- data.frame(
  year = c(2019, 2022, 2023, 2018, 2015),
  y = c(0.3696154552144672, 0.10436001532424286, -0.15431736038435728,
        -0.4155154439616658, 0.03922071315328133),
  se = c(0.3353771661489278, 0.1876037063327797, 0.1356970938296238,
         0.14936920295119188, 0.1284183406555309))
set.seed(2026)
sim <- function(k, mu, tau, smin, smax, years) {
  s <- runif(k, smin, smax)
  data.frame(year = years, y = rnorm(k, mu, sqrt(s^2 + tau^2)), se = s)
}
cases <- list(
  list(id = "stage4-random-obf", d = stage4, hr = 0.8, alpha = 0.05, power = 0.8, sp = "obf", g = 0, random = TRUE),
  list(id = "stage4-fixed-obf", d = stage4, hr = 0.8, alpha = 0.05, power = 0.8, sp = "obf", g = 0, random = FALSE),
  list(id = "stage4-random-hr07-pocock", d = stage4, hr = 0.7, alpha = 0.05, power = 0.9, sp = "pocock", g = 0, random = TRUE),
  list(id = "benefit-fixed-pocock", d = sim(6, -0.35, 0, 0.12, 0.2, 2001:2006), hr = 0.75, alpha = 0.05, power = 0.8, sp = "pocock", g = 0, random = FALSE),
  list(id = "harm-random-hsd", d = sim(7, 0.4, 0.1, 0.1, 0.25, c(2000, 2003, 2003, 2005, 2008, 2008, 2010)), hr = 1.3, alpha = 0.05, power = 0.8, sp = "hsd", g = -4, random = TRUE),
  list(id = "tiny-look-and-past-one", d = rbind(data.frame(year = 1999, y = -0.5, se = 3),
       sim(8, -0.15, 0.05, 0.05, 0.12, 2000:2007)), hr = 0.85, alpha = 0.01, power = 0.8, sp = "obf", g = 0, random = TRUE),
  list(id = "hr-above-one-fixed-hsd", d = sim(4, 0.1, 0, 0.15, 0.3, c(2010, 2012, 2014, 2016)), hr = 1.25, alpha = 0.1, power = 0.85, sp = "hsd", g = 1, random = FALSE),
  list(id = "stage4-random-obf-futility", d = stage4, hr = 0.8, alpha = 0.05, power = 0.8, sp = "obf", g = 0, random = TRUE, fut = TRUE),
  list(id = "null-fixed-pocock-futility", d = sim(6, 0, 0, 0.1, 0.2, 2001:2006), hr = 0.8, alpha = 0.05, power = 0.9, sp = "pocock", g = 0, random = FALSE, fut = TRUE),
  list(id = "hr-above-one-futility", d = sim(5, 0.02, 0, 0.12, 0.25, 2011:2015), hr = 1.3, alpha = 0.05, power = 0.8, sp = "hsd", g = -2, random = TRUE, fut = TRUE)
)

analyse <- function(cs) {
  d <- cs$d; k <- nrow(d); o <- order(d$year)
  method <- if (cs$random) "DL" else "FE"
  required <- (qnorm(1 - cs$alpha / 2) + qnorm(cs$power))^2 / log(cs$hr)^2
  D2 <- 0
  if (cs$random && k > 1) {
    fe <- rma(d$y, sei = d$se, method = "FE"); re <- rma(d$y, sei = d$se, method = "DL")
    D2 <- max(0, 1 - fe$se^2 / re$se^2)
  }
  adjusted <- required / (1 - D2)
  info <- cumsum(1 / d$se[o]^2); frac <- info / adjusted
  est <- se <- numeric(k)
  for (j in 1:k) {
    f <- rma(d$y[o[1:j]], sei = d$se[o[1:j]], method = if (j == 1) "FE" else method)
    est[j] <- f$b[1]; se[j] <- f$se
  }
  # new looks: at least 1% past the last new look, none after the first >= 1
  new <- logical(k); last <- 0; done <- FALSE
  for (j in 1:k) if (!done && frac[j] - last >= 0.01) { new[j] <- TRUE; last <- frac[j]; done <- frac[j] >= 1 }
  b <- rep(Inf, k); fu <- rep(NA, k)
  dir <- if (cs$hr < 1) -1 else 1
  if (any(new)) {
    nb <- bounds(frac[new], cs$sp, cs$alpha, cs$g)
    nf <- if (isTRUE(cs$fut)) futility(frac[new], nb, cs$sp, 1 - cs$power, cs$g,
                                       qnorm(1 - cs$alpha / 2) + qnorm(cs$power)) else rep(NA, sum(new))
    cur <- Inf; curf <- NA; m <- 0
    for (j in 1:k) { if (new[j]) { m <- m + 1; cur <- nb[m]; curf <- nf[m] }; b[j] <- cur; fu[j] <- dir * curf }
  }
  z <- est / se
  crossed <- ifelse(z <= -b, 1, ifelse(z >= b, 2, ifelse(!is.na(fu) & dir * z <= dir * fu, 3, 0)))
  list(case = c(required_information = required, D2 = D2, adjusted_required_information = adjusted),
       looks = data.frame(added = o - 1, information = info, fraction = frac, z = z, boundary = b,
                          futility = fu, new_look = as.integer(new), crossed = crossed, log_estimate = est, se = se,
                          lower = est - b * se, upper = est + b * se))
}

cf <- file.path(here, "cases.tsv"); ef <- file.path(here, "expected.tsv")
cat("case\thr\talpha\tpower\tspending\tmodel\tfutility\trow\tyear\ty\tv\n", file = cf)
cat("case\tlook\tkey\tvalue\n", file = ef)
num <- function(x) ifelse(is.na(x), "nan", ifelse(is.infinite(x), ifelse(x > 0, "inf", "-inf"), sprintf("%.17g", x)))
for (cs in cases) {
  sp <- if (cs$sp == "hsd") sprintf("hsd:%g", cs$g) else cs$sp
  for (i in seq_len(nrow(cs$d)))
    cat(cs$id, cs$hr, cs$alpha, cs$power, sp, if (cs$random) "random" else "fixed",
        if (isTRUE(cs$fut)) "futility" else "-", i - 1,
        cs$d$year[i], num(cs$d$y[i]), paste0(num(cs$d$se[i]^2), "\n"), sep = "\t", file = cf, append = TRUE)
  r <- analyse(cs)
  for (key in names(r$case))
    cat(cs$id, "-", key, paste0(num(r$case[[key]]), "\n"), sep = "\t", file = ef, append = TRUE)
  for (j in seq_len(nrow(r$looks))) for (key in names(r$looks))
    cat(cs$id, j - 1, key, paste0(num(r$looks[j, key]), "\n"), sep = "\t", file = ef, append = TRUE)
  message(cs$id, ": fractions ", paste(format(r$looks$fraction, digits = 4), collapse = " "),
          "; crossed ", paste(r$looks$crossed, collapse = ""))
}
