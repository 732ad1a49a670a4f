# SPDX-License-Identifier: GPL-3.0-or-later
# tests/reference/import/make_reviews.R - the RevMan 5 reviews of
# tests/data/import/ (own, invented data in the structure RevMan 5 writes,
# as in R meta's Fleiss1993.rm5), with the pooled figures RevMan stores in
# each outcome computed by metafor for the model the outcome names:
# inverse variance (METHOD="IV"), fixed (RANDOM="NO") or DerSimonian-Laird
# random effects (RANDOM="YES"); O-E and variance pooled as RevMan does,
# exp(sum(O-E) / sum(V)) with se 1 / sqrt(sum(V)).
#   Rscript tests/reference/import/make_reviews.R tests/data/import
# writes chemo.rm5 (ISO-8859-1, Latin-1 study names, dichotomous outcomes
# and a continuous one) and survival.rm5 (UTF-8, generic inverse variance
# hazard ratios with subgroups, O-E and variance).
suppressMessages(library(metafor))
out <- commandArgs(TRUE)[1]
if (is.na(out)) out <- "."
g <- function(x) sprintf("%.15g", x)

pooled <- function(yi, vi, random) {
  fit <- rma(yi, vi, method = if (random) "DL" else "FE")
  sprintf('CHI2="%s" CI_END="%s" CI_START="%s" EFFECT_SIZE="%s" RANDOM="%s" TAU2="%s" Z="%s"',
          g(fit$QE), g(exp(fit$ci.ub)), g(exp(fit$ci.lb)), g(exp(fit$b[1])),
          if (random) "YES" else "NO", g(fit$tau2), g(fit$zval))
}

study_xml <- function(id, name, year, au, ti, so, doi) {
  c(sprintf('<STUDY DATA_SOURCE="PUB" ID="%s" NAME="%s" YEAR="%s">', id, name, year),
    '<REFERENCE PRIMARY="YES" TYPE="JOURNAL_ARTICLE">',
    sprintf('<AU>%s</AU>', au), sprintf('<TI>%s</TI>', ti), sprintf('<SO>%s</SO>', so),
    sprintf('<YR>%s</YR>', year), '<VL>12</VL>', '<PG>100-9</PG>',
    if (is.na(doi)) '<IDENTIFIERS/>' else
      c('<IDENTIFIERS>', sprintf('<IDENTIFIER TYPE="DOI" VALUE="%s"/>', doi), '</IDENTIFIERS>'),
    '</REFERENCE>', '<IDENTIFIERS/>', '</STUDY>')
}

review <- function(file, encoding, title, studies, analyses) {
  lines <- c(sprintf('<?xml version="1.0" encoding="%s" standalone="no"?>', encoding),
             '<COCHRANE_REVIEW DESCRIPTION="" ID="1" REVMAN_SUB_VERSION="5.4.0" REVMAN_VERSION="5" STAGE="R" TYPE="INTERVENTION">',
             '<COVER_SHEET>', sprintf('<TITLE>%s</TITLE>', title), '</COVER_SHEET>',
             '<STUDIES_AND_REFERENCES>', '<STUDIES>', '<INCLUDED_STUDIES>',
             studies, '</INCLUDED_STUDIES>', '</STUDIES>', '</STUDIES_AND_REFERENCES>',
             '<ANALYSES_AND_DATA CALCULATED_DATA="YES">', analyses,
             '</ANALYSES_AND_DATA>', '</COCHRANE_REVIEW>')
  con <- file(file.path(out, file), open = "w", encoding = if (encoding == "UTF-8") "UTF-8" else "latin1")
  writeLines(lines, con)
  close(con)
}

labels <- c('<GROUP_LABEL_1>Chemotherapy</GROUP_LABEL_1>', '<GROUP_LABEL_2>Observation</GROUP_LABEL_2>',
            '<GRAPH_LABEL_1>Favours chemotherapy</GRAPH_LABEL_1>', '<GRAPH_LABEL_2>Favours observation</GRAPH_LABEL_2>')

# ---- chemo.rm5: dichotomous ----
chemo <- data.frame(id = c("STD-M_x00fc_ller-1999", "STD-_x00d8_rsted-2003", "STD-Smith-2005", "STD-Tan-2010"),
                    name = c("M\u00fcller 1999", "\u00d8rsted 2003", "Smith 2005", "Tan 2010"),
                    year = c(1999, 2003, 2005, 2010),
                    au = c("M\u00fcller K, Sch\u00e4fer B", "\u00d8rsted H", "Smith J, O'Brien P", "Tan W"),
                    doi = c("10.1000/mueller.1999", NA, "10.1000/smith.2005", NA),
                    e1 = c(15, 22, 40, 9), n1 = c(120, 150, 310, 60),
                    e2 = c(25, 30, 52, 14), n2 = c(118, 148, 305, 61),
                    r1 = c(30, 60, 70, 10), r2 = c(44, 50, 100, 31))
studies <- unlist(lapply(seq_len(nrow(chemo)), function(i) with(chemo[i, ],
  study_xml(id, name, year, au, "Adjuvant chemotherapy &amp; observation", "J Clin Oncol", doi))))
dich <- function(no, name, measure, random, e1, e2) {
  es <- escalc(measure, ai = e1, n1i = chemo$n1, ci = e2, n2i = chemo$n2)
  c(sprintf('<DICH_OUTCOME %s EFFECT_MEASURE="%s" ID="CMP-001.%02d" METHOD="IV" NO="%d" SUBGROUPS="NO" TOTALS="YES">',
            pooled(es$yi, es$vi, random), measure, no, no),
    sprintf('<NAME>%s</NAME>', name), labels,
    sprintf('<DICH_DATA EFFECT_SIZE="%s" EVENTS_1="%d" EVENTS_2="%d" SE="%s" STUDY_ID="%s" TOTAL_1="%d" TOTAL_2="%d"/>',
            g(exp(es$yi)), e1, e2, g(sqrt(es$vi)), chemo$id, chemo$n1, chemo$n2),
    '</DICH_OUTCOME>')
}
analyses <- c('<COMPARISON ID="CMP-001" NO="1">', '<NAME>Chemotherapy versus observation</NAME>',
              dich(1, "Death at 5 years", "RR", FALSE, chemo$e1, chemo$e2),
              dich(2, "Recurrence", "OR", TRUE, chemo$r1, chemo$r2),
              '<CONT_OUTCOME EFFECT_MEASURE="MD" ID="CMP-001.03" NO="3" RANDOM="NO">',
              '<NAME>Quality of life</NAME>', labels,
              sprintf('<CONT_DATA MEAN_1="70" MEAN_2="72" SD_1="10" SD_2="11" STUDY_ID="%s" TOTAL_1="50" TOTAL_2="50"/>', chemo$id[1:2]),
              '</CONT_OUTCOME>', '</COMPARISON>')
review("chemo.rm5", "ISO-8859-1", "Adjuvant chemotherapy (invented data)", studies, analyses)

# ---- survival.rm5: hazard ratios, subgroups, O-E and variance ----
surv <- data.frame(id = sprintf("STD-%s", c("Alpha", "Beta", "Gamma", "Delta", "Epsilon")),
                   name = c("ALPHA", "BETA-2", "GAMMA trial", "DELTA", "EPSILON"),
                   year = c(2001, 2004, 2008, 2012, 2015),
                   hr = c(0.72, 0.95, 0.61, 1.08, 0.83), se = c(0.21, 0.15, 0.28, 0.18, 0.12),
                   group = c("Node negative", "Node negative", "Node positive", "Node positive", "Node positive"),
                   oe = c(-6.1, -2.3, -9.8, 1.7, -4.4), v = c(20.5, 35.2, 18.1, 27.9, 51.3))
studies <- unlist(lapply(seq_len(nrow(surv)), function(i) with(surv[i, ],
  study_xml(id, name, year, "Doe J", "A trial of adjuvant therapy", "Lancet Oncol", NA))))
iv_rows <- function(sel) sprintf('<IV_DATA EFFECT_SIZE="%s" SE="%s" STUDY_ID="%s"/>',
                                 g(surv$hr[sel]), g(surv$se[sel]), surv$id[sel])
subgroup <- function(no, label) {
  sel <- surv$group == label
  c(sprintf('<IV_SUBGROUP %s ID="CMP-001.01.%02d" NO="%d">', pooled(log(surv$hr[sel]), surv$se[sel]^2, TRUE), no, no),
    sprintf('<NAME>%s</NAME>', label), iv_rows(sel), '</IV_SUBGROUP>')
}
oe_fit <- c(sum(surv$oe) / sum(surv$v), 1 / sqrt(sum(surv$v)))
analyses <- c('<COMPARISON ID="CMP-001" NO="1">', '<NAME>Adjuvant therapy versus none</NAME>',
              sprintf('<IV_OUTCOME %s EFFECT_MEASURE="HR" ID="CMP-001.01" LOG_DATA="YES" METHOD="IV" NO="1" SUBGROUPS="YES" TOTALS="YES">',
                      pooled(log(surv$hr), surv$se^2, TRUE)),
              '<NAME>Overall survival</NAME>', labels, '<EFFECT_MEASURE>Hazard Ratio</EFFECT_MEASURE>',
              subgroup(1, "Node negative"), subgroup(2, "Node positive"), '</IV_OUTCOME>',
              sprintf('<IPD_OUTCOME CI_END="%s" CI_START="%s" EFFECT_SIZE="%s" ID="CMP-001.02" METHOD="EXP_O_E_VAR" NO="2" RANDOM="NO" TOTALS="YES">',
                      g(exp(oe_fit[1] + qnorm(0.975) * oe_fit[2])), g(exp(oe_fit[1] - qnorm(0.975) * oe_fit[2])), g(exp(oe_fit[1]))),
              '<NAME>Disease-free survival</NAME>', labels, '<EFFECT_MEASURE>Hazard Ratio</EFFECT_MEASURE>',
              sprintf('<IPD_DATA O_E="%s" STUDY_ID="%s" VAR="%s"/>', g(surv$oe), surv$id, g(surv$v)),
              '</IPD_OUTCOME>', '</COMPARISON>')
review("survival.rm5", "UTF-8", "Adjuvant therapy and survival (invented data)", studies, analyses)
