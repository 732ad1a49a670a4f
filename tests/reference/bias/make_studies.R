# The shipped trials (studies/*.xml, overall survival) as a cases table for
# make_bias_tight.R: case "studies", study (the descriptor's id), yi, vi.
# Each <hazard-ratio> is converted as metapool-study(5) says, here with
# xml2, independently of metapool's reader:
#   yi = ln(estimate), negated when reference="experimental"
#   se = (ln(upper) - ln(lower)) / (2 qnorm((1 + level) / 2)), vi = se^2
# usage (from this folder): Rscript make_studies.R ../../../studies studies_cases.tsv
suppressMessages(library(xml2))
a <- commandArgs(TRUE)
files <- sort(Sys.glob(file.path(a[1], "*.xml")), method = "radix")  # metapool's order
rows <- lapply(files, function(f) {
  doc <- read_xml(f)
  hr <- xml_find_first(doc, "//outcome[@name='OS']/hazard-ratio")
  if (inherits(hr, "xml_missing")) return(NULL)
  num <- function(n, default = NA) { v <- xml_attr(hr, n); if (is.na(v)) default else as.numeric(v) }
  yi <- log(num("estimate"))
  if (identical(xml_attr(hr, "reference"), "experimental")) yi <- -yi
  se <- (log(num("upper")) - log(num("lower"))) / (2 * qnorm((1 + num("level", 0.95)) / 2))
  data.frame(case = "studies", study = xml_attr(doc, "id"), yi = yi, vi = se^2)
})
d <- do.call(rbind, rows)
stopifnot(nrow(d) == 5)
write.table(format(d, digits = 17), a[2], sep = "\t", quote = FALSE, row.names = FALSE)
