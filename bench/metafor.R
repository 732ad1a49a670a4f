# bench/metafor.R - the same analysis as metapool in R's metafor, timed.
# Usage: Rscript bench/metafor.R CSV METHOD LOO
# CSV is metapool's CSV report of the collection (its study rows hold the
# log effects and standard errors metapool derived); METHOD a tau^2
# estimator; LOO 1 to add leave1out().  Prints the elapsed seconds of
# rma() (+ leave1out()) alone, reading excluded.
suppressMessages(library(metafor))
args <- commandArgs(TRUE)
d <- read.csv(args[1])
d <- d[d$row == "study", ]
# Where metafor's Fisher scoring does not converge (REML on the k = 10
# collection oscillates), it is run again with step halving (control
# stepadj = 0.5, as help(rma) advises); the time is that of both runs.
fit_rma <- function() {
  tryCatch(rma(d$log_estimate, sei = d$se, method = args[2]),
           error = function(e) rma(d$log_estimate, sei = d$se, method = args[2],
                                   control = list(stepadj = 0.5)))
}
t <- system.time({
  fit <- fit_rma()
  if (args[3] == "1") l <- leave1out(fit)
})[["elapsed"]]
cat(sprintf("%.4f\n", t))
