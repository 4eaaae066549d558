# Generates the benchmark data: 10^6 survival rows (km.csv) and 10^5 rows with 3 covariates (cox.csv).
# Times are whole days (1..3650, heavy ties as in registries); two arms, four sites (strata).
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "bench/out/stats"
dir.create(out, recursive = TRUE, showWarnings = FALSE)
set.seed(42)
n <- 1e6
arm <- sample(c("control", "msc"), n, replace = TRUE)
rate <- ifelse(arm == "msc", 1 / 1800, 1 / 1400)
event_time <- ceiling(rexp(n, rate))
censor_time <- ceiling(runif(n, 30, 3650))
time <- pmin(event_time, censor_time, 3650)
status <- as.integer(event_time <= pmin(censor_time, 3650))
site <- sample(paste0("s", 1:4), n, replace = TRUE)
write.csv(data.frame(id = seq_len(n), time = time, status = status, arm = arm, site = site),
          file.path(out, "km.csv"), row.names = FALSE, quote = FALSE)
m <- 1e5
age <- round(rnorm(m, 35, 10), 1); female <- rbinom(m, 1, 0.9); sledai <- rpois(m, 8)
lp <- 0.02 * (age - 35) - 0.3 * female + 0.05 * (sledai - 8)
et <- ceiling(rexp(m, exp(lp) / 1500)); ct <- ceiling(runif(m, 30, 3650))
write.csv(data.frame(time = pmin(et, ct), status = as.integer(et <= ct), age = age, female = female, sledai = sledai),
          file.path(out, "cox.csv"), row.names = FALSE, quote = FALSE)
cat("wrote", file.path(out, "km.csv"), "and", file.path(out, "cox.csv"), "\n")
