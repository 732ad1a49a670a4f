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
t <- system.time({
  fit <- rma(d$log_estimate, sei = d$se, method = args[2])
  if (args[3] == "1") l <- leave1out(fit)
})[["elapsed"]]
cat(sprintf("%.4f\n", t))
