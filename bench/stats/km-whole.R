# The whole job a statistician runs in R: read the CSV, Kaplan-Meier by arm with summary(censored = TRUE),
# medians, log-rank; write the table. Compared with `stroma stats km ... --format json` end to end.
suppressPackageStartupMessages(library(survival))
d <- read.csv(commandArgs(trailingOnly = TRUE)[1])
f <- survfit(Surv(time, status) ~ arm, d)
s <- summary(f, censored = TRUE)
write.csv(data.frame(group = s$strata, time = s$time, n_risk = s$n.risk, n_event = s$n.event, n_censor = s$n.censor,
                     surv = s$surv, std_err = s$std.err, lower = s$lower, upper = s$upper), stdout(), row.names = FALSE)
print(quantile(f, 0.5))
print(survdiff(Surv(time, status) ~ arm, d))
