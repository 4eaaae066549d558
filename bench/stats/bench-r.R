# In-process timings of R's survfit + survdiff (10^6 rows) and coxph (10^5 rows, 3 covariates, Efron).
# Reading the CSV is not timed. Prints the median of 5 runs in milliseconds.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) > 0) args[1] else "bench/out/stats"
d <- read.csv(file.path(dir, "km.csv"))
c <- read.csv(file.path(dir, "cox.csv"))
med <- function(f, reps = 5) median(sapply(seq_len(reps), function(i) system.time(f())[["elapsed"]])) * 1000
km <- med(function() { f <- survfit(Surv(time, status) ~ arm, d); t <- survdiff(Surv(time, status) ~ arm, d) })
km_full <- med(function() { f <- survfit(Surv(time, status) ~ arm, d); s <- summary(f, censored = TRUE); q <- quantile(f, 0.5)
                            t <- survdiff(Surv(time, status) ~ arm, d) })
cox <- med(function() coxph(Surv(time, status) ~ age + female + sledai, c))
cat(sprintf("r_km_logrank_ms=%.1f   (survfit + survdiff)\nr_km_logrank_summary_ms=%.1f   (plus summary(censored = TRUE) and quantile)\nr_cox_ms=%.1f\n", km, km_full, cox))
