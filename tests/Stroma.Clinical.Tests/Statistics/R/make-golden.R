# Writes the golden files the Statistics tests compare with (to 1e-8 relative).
# Run from the repository root:  Rscript tests/Stroma.Clinical.Tests/Statistics/R/make-golden.R
# Made with R 4.2.2 and survival 3.5-3 (the versions are written to Golden/versions.txt).
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
out <- file.path(dirname(here), "Golden")
dir.create(out, showWarnings = FALSE)
writeLines(c(R.version.string, paste("survival", packageVersion("survival"))), file.path(out, "versions.txt"))

num <- function(x) ifelse(is.na(x) & !is.nan(x), "NA", ifelse(is.nan(x), "NaN", sprintf("%.17g", x)))
put <- function(df, name) {
  for (j in seq_along(df)) if (is.numeric(df[[j]])) df[[j]] <- num(df[[j]])
  write.table(df, file.path(out, name), sep = ",", quote = FALSE, row.names = FALSE, na = "NA")
}

# ---- data sets -----------------------------------------------------------------------------------
set.seed(20261125)
n <- 300
ties <- data.frame(
  time = sample(1:12, n, replace = TRUE),              # heavy ties: 12 distinct times for 300 rows
  status = rbinom(n, 1, 0.6),                          # censoring at the same times as events
  arm = sample(c("A", "B", "C"), n, replace = TRUE),
  site = sample(c("s1", "s2"), n, replace = TRUE),
  x1 = round(rnorm(n), 1), x2 = rbinom(n, 1, 0.4), x3 = sample(1:4, n, replace = TRUE))
# Group "Z" reaches zero (its last time is an event); group "N" never reaches a median (few events);
# group "H" sits exactly at 0.5 after time 2 (R averages with the next time).
edge <- data.frame(
  time   = c(1, 2, 2, 3, 4, 4, 5,   1, 3, 5, 7, 9, 11, 13, 15,   1, 2, 3, 4),
  status = c(1, 1, 0, 1, 1, 1, 1,   0, 1, 0, 0, 0, 1, 0, 0,      1, 1, 0, 0),
  group  = c(rep("Z", 7), rep("N", 8), rep("H", 4)))
lungd <- lung[, c("inst", "time", "status", "age", "sex", "ph.ecog")]
amld <- aml
amld$x <- as.character(amld$x)
ovd <- ovarian[, c("futime", "fustat", "age", "resid.ds", "rx", "ecog.ps")]
put(lungd, "lung.csv"); put(amld, "aml.csv"); put(ovd, "ovarian.csv"); put(ties, "ties.csv"); put(edge, "edge.csv")

# ---- Kaplan-Meier --------------------------------------------------------------------------------
km <- function(d, time, status, group, conf, name) {
  f <- if (is.null(group)) survfit(Surv(d[[time]], d[[status]]) ~ 1, conf.type = conf)
       else survfit(Surv(d[[time]], d[[status]]) ~ d[[group]], conf.type = conf)
  s <- summary(f, censored = TRUE)
  g <- if (is.null(s$strata)) rep("", length(s$time)) else sub("^.*=", "", as.character(s$strata))
  put(data.frame(group = g, time = s$time, n_risk = s$n.risk, n_event = s$n.event, n_censor = s$n.censor,
                 surv = s$surv, std_err = s$std.err, lower = s$lower, upper = s$upper),
      paste0("km-", name, "-", conf, ".csv"))
  q <- quantile(f, 0.5)
  gn <- if (is.null(f$strata)) "" else sub("^.*=", "", names(f$strata))
  put(data.frame(group = gn, median = as.vector(q$quantile), lower = as.vector(q$lower), upper = as.vector(q$upper)),
      paste0("median-", name, "-", conf, ".csv"))
  f
}
for (conf in c("log", "log-log")) {
  km(amld, "time", "status", "x", conf, "aml")
  km(lungd, "time", "status", "sex", conf, "lung")
  km(lungd, "time", "status", NULL, conf, "lung1")
  km(ovd, "futime", "fustat", "rx", conf, "ovarian")
  km(ties, "time", "status", "arm", conf, "ties")
  km(edge, "time", "status", "group", conf, "edge")
}
# survival at given times (summary(fit, times=)), default log intervals
f <- survfit(Surv(time, status) ~ sex, lungd)
s <- summary(f, times = c(0, 100, 365, 500.5, 1000, 2000), extend = FALSE)
put(data.frame(group = sub("^.*=", "", as.character(s$strata)), time = s$time, n_risk = s$n.risk, surv = s$surv,
               std_err = s$std.err, lower = s$lower, upper = s$upper), "km-lung-times.csv")

# ---- log-rank ------------------------------------------------------------------------------------
lr <- function(fo, d, name) {
  t <- survdiff(fo, d)
  data.frame(name = name, chisq = t$chisq, df = length(t$n) - 1, p = pchisq(t$chisq, length(t$n) - 1, lower.tail = FALSE))
}
put(rbind(
  lr(Surv(time, status) ~ x, amld, "aml"),
  lr(Surv(time, status) ~ sex, lungd, "lung"),
  lr(Surv(futime, fustat) ~ rx, ovd, "ovarian"),
  lr(Surv(time, status) ~ arm, ties, "ties"),
  lr(Surv(time, status) ~ group, edge, "edge"),
  lr(Surv(time, status) ~ sex + strata(inst), lungd[!is.na(lungd$inst), ], "lung-strata-inst"),
  lr(Surv(time, status) ~ arm + strata(site), ties, "ties-strata-site"),
  lr(Surv(futime, fustat) ~ rx + strata(resid.ds), ovd, "ovarian-strata-resid")), "logrank.csv")

# ---- Cox -----------------------------------------------------------------------------------------
coxrows <- list(); coxtests <- list()
cx <- function(fo, d, name, ties_) {
  m <- coxph(fo, d, ties = ties_)
  sm <- summary(m)
  co <- sm$coefficients
  coxrows[[length(coxrows) + 1]] <<- data.frame(name = name, ties = ties_, term = rownames(co), coef = co[, 1],
      hr = co[, 2], se = co[, 3], z = co[, 4], p = co[, 5])
  coxtests[[length(coxtests) + 1]] <<- data.frame(name = name, ties = ties_, n = m$n, events = m$nevent,
      loglik0 = m$loglik[1], loglik = m$loglik[2], lr = sm$logtest[1], lr_df = sm$logtest[2], lr_p = sm$logtest[3],
      wald = m$wald.test, wald_p = pchisq(m$wald.test, length(m$coefficients), lower.tail = FALSE), score = sm$sctest[1], score_p = sm$sctest[3], iter = m$iter)
}
for (tt in c("efron", "breslow")) {
  cx(Surv(time, status) ~ age + sex + ph.ecog, lungd, "lung", tt)
  cx(Surv(futime, fustat) ~ age + rx + ecog.ps, ovd, "ovarian", tt)
  cx(Surv(time, status) ~ x1 + x2 + x3, ties, "ties", tt)
  cx(Surv(time, status) ~ age, lungd, "lung-age", tt)
}
put(do.call(rbind, coxrows), "cox-coef.csv")
put(do.call(rbind, coxtests), "cox-tests.csv")

# ---- Cox: R's warnings (infinite coefficient, out of iterations) and singular designs -------------------------
# separation.csv: every subject with x = 1 fails before any with x = 0 is censored or fails, so beta(x) -> Inf.
# singular.csv: ties.csv plus a constant k and x12 = x1 + 2*x2 (R drops k and x12: coefficient NA).
sep <- data.frame(time = 1:12, status = c(1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1),
                  x = c(1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0), age = c(61, 45, 70, 52, 66, 58, 49, 63, 71, 55, 60, 47))
sing <- ties[, c("time", "status", "x1", "x2")]
sing$k <- 5; sing$x12 <- sing$x1 + 2 * sing$x2
sing <- sing[, c("time", "status", "x1", "k", "x2", "x12")]
put(sep, "separation.csv"); put(sing, "singular.csv")
edgerows <- list()
cxe <- function(fo, d, name, ties_, iter_max) {
  msgs <- character(0)
  m <- withCallingHandlers(coxph(fo, d, ties = ties_, iter.max = iter_max),
                           warning = function(w) { msgs <<- c(msgs, conditionMessage(w)); invokeRestart("muffleWarning") })
  co <- summary(m)$coefficients
  # After running out of iterations coxfit6 reports a variance that is not the inverse information at the
  # coefficients it reports; se_at_coef is that inverse information (a fit started at coef with iter.max = 0).
  se0 <- if (any(is.na(coef(m)))) co[, 3] else sqrt(diag(coxph(fo, d, ties = ties_, init = coef(m), iter.max = 0)$var))
  edgerows[[length(edgerows) + 1]] <<- data.frame(name = name, ties = ties_, iter_max = iter_max, term = rownames(co),
      coef = co[, 1], se = co[, 3], se_at_coef = se0, iter = m$iter, loglik = m$loglik[2], lr = summary(m)$logtest[1],
      lr_df = summary(m)$logtest[2], warning = gsub("[, ]+", " ", trimws(paste(msgs, collapse = " | "))))
}
for (tt in c("efron", "breslow")) {
  cxe(Surv(time, status) ~ x + age, sep, "separation", tt, 20)
  cxe(Surv(time, status) ~ x + age, sep, "separation", tt, 3)
  cxe(Surv(time, status) ~ x1 + k + x2 + x12, sing, "singular", tt, 20)
}
put(do.call(rbind, edgerows), "cox-edge.csv")

# ---- paired tests and descriptives ---------------------------------------------------------------
set.seed(7)
pairs <- list(
  sleep = data.frame(before = sleep$extra[1:10], after = sleep$extra[11:20]),  # ties and a zero difference
  small = data.frame(before = round(rnorm(12, 2.24, 1.43), 3), after = round(rnorm(12, 1.41, 1.33), 3)),
  large = data.frame(before = round(rnorm(60, 10, 3), 4), after = round(rnorm(60, 9.5, 3), 4)),
  tied = data.frame(before = c(sample(1:5, 40, TRUE), NA), after = c(sample(1:5, 40, TRUE), 3)))
pt_ <- list(); desc <- list()
for (nm in names(pairs)) {
  d <- pairs[[nm]]
  put(d, paste0("paired-", nm, ".csv"))
  t <- t.test(d$after, d$before, paired = TRUE)
  w <- suppressWarnings(wilcox.test(d$after, d$before, paired = TRUE))
  pt_[[nm]] <- data.frame(name = nm, t = t$statistic, df = t$parameter, p = t$p.value, mean_diff = t$estimate,
      lower = t$conf.int[1], upper = t$conf.int[2], v = w$statistic, wilcoxon_p = w$p.value)
  for (col in c("before", "after")) {
    x <- d[[col]]; y <- x[!is.na(x)]
    q <- quantile(y, c(0.25, 0.5, 0.75))
    desc[[paste(nm, col)]] <- data.frame(name = nm, column = col, n = length(y), missing = sum(is.na(x)),
        mean = mean(y), sd = sd(y), median = median(y), q1 = q[[1]], q3 = q[[3]], min = min(y), max = max(y))
  }
}
put(do.call(rbind, pt_), "paired.csv")
put(do.call(rbind, desc), "descriptive.csv")
# Wilcoxon exact branch on its own (n < 50, no ties, no zeros) and normal branch cases
wx <- list(
  c(1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30) - c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29),
  c(-3.1, 2.2, 5.3, -0.4, 7.5, 6.6, 1.9, 8.8, -2.7, 4.1),
  c(1, 2, 2, 3, -1, 4, 0, 5, -2, 6, 6, 7))
wrows <- lapply(seq_along(wx), function(i) { w <- wilcox.test(wx[[i]]); data.frame(case = i, v = w$statistic, p = w$p.value) })
put(do.call(rbind, wrows), "wilcoxon.csv")
writeLines(sapply(wx, function(v) paste(sprintf("%.17g", v), collapse = " ")), file.path(out, "wilcoxon-data.txt"))

# Hodges-Lehmann estimate and confidence interval: wilcox.test(..., conf.int = TRUE) for each exact/correct choice
# (exact = NA stands for R's default NULL), on the paired sets (after - before) and the one-sample cases above.
hl <- list()
samples <- c(lapply(pairs, function(d) { ok <- complete.cases(d); d$after[ok] - d$before[ok] }), setNames(wx, paste0("case", seq_along(wx))))
for (nm in names(samples)) for (ex in list(NULL, TRUE, FALSE)) for (co in c(TRUE, FALSE)) for (cl in c(0.95, 0.99)) {
  msgs <- character(0)
  w <- withCallingHandlers(wilcox.test(samples[[nm]], exact = ex, correct = co, conf.int = TRUE, conf.level = cl),
                           warning = function(m) { msgs <<- c(msgs, conditionMessage(m)); invokeRestart("muffleWarning") })
  hl[[length(hl) + 1]] <- data.frame(name = nm, exact = if (is.null(ex)) NA else ex, correct = co, conf = cl,
      v = w$statistic, p = w$p.value, estimate = w$estimate, lower = w$conf.int[1], upper = w$conf.int[2],
      conf_level = attr(w$conf.int, "conf.level"), method = gsub(" ", "_", w$method),
      warning = gsub("[, ]+", "_", paste(msgs, collapse = "|")))
}
put(do.call(rbind, hl), "wilcoxon-ci.csv")

# ---- binomial intervals and McNemar --------------------------------------------------------------
xs <- c(13, 11, 0, 10, 1, 37, 5, 20, 0, 1)
ns <- c(40, 40, 10, 10, 1, 40, 1000, 40, 1, 2)
put(do.call(rbind, lapply(seq_along(xs), function(i) {
  b <- binom.test(xs[i], ns[i]); w <- prop.test(xs[i], ns[i], correct = FALSE)
  data.frame(x = xs[i], n = ns[i], cp_lower = b$conf.int[1], cp_upper = b$conf.int[2],
             wilson_lower = w$conf.int[1], wilson_upper = w$conf.int[2])
})), "binomial.csv")
tabs <- list(c(10, 5, 12, 13), c(20, 8, 8, 4), c(3, 0, 7, 9), c(794, 86, 150, 570), c(4, 1, 9, 6), c(0, 30, 31, 2))
put(do.call(rbind, lapply(tabs, function(v) {
  m <- suppressWarnings(mcnemar.test(matrix(v, 2, byrow = TRUE)))
  u <- suppressWarnings(mcnemar.test(matrix(v, 2, byrow = TRUE), correct = FALSE))
  data.frame(a = v[1], b = v[2], c = v[3], d = v[4], statistic = m$statistic, p = m$p.value,
             statistic_uncorrected = u$statistic, p_uncorrected = u$p.value,
             exact_p = binom.test(v[2], v[2] + v[3])$p.value)  # the exact (conditional binomial) McNemar test
})), "mcnemar.csv")

# ---- special functions ---------------------------------------------------------------------------
z <- c(-37, -20, -8.3, -5, -3, -1.96, -1, -0.5, -1e-3, 0, 1e-8, 0.3, 1, 1.959963984540054, 2.5, 5, 9, 20)
p <- c(1e-300, 1e-20, 1e-10, 1e-5, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-10)
sf <- rbind(
  data.frame(f = "pnorm", a = NA, b = NA, x = z, value = pnorm(z)),
  data.frame(f = "qnorm", a = NA, b = NA, x = p, value = qnorm(p)))
for (df in c(1, 2, 3.5, 9, 30, 200)) {
  tt <- c(-40, -3, -1, 0.2, 1, 2.262, 5, 60)
  sf <- rbind(sf, data.frame(f = "pt", a = df, b = NA, x = tt, value = pt(tt, df)),
                  data.frame(f = "qt", a = df, b = NA, x = c(0.005, 0.025, 0.5, 0.9, 0.975), value = qt(c(0.005, 0.025, 0.5, 0.9, 0.975), df)))
  ch <- c(0.001, 0.5, 1, 3.84, 10, 50, 300)
  sf <- rbind(sf, data.frame(f = "pchisq_upper", a = df, b = NA, x = ch, value = pchisq(ch, df, lower.tail = FALSE)))
}
for (ab in list(c(0.5, 0.5), c(1, 3), c(13, 28), c(2.5, 40), c(200, 300), c(1, 1000), c(0.1, 9))) {
  xx <- c(1e-6, 0.01, 0.2, 0.4, 0.5, 0.7, 0.999)
  sf <- rbind(sf, data.frame(f = "pbeta", a = ab[1], b = ab[2], x = xx, value = pbeta(xx, ab[1], ab[2])),
                  data.frame(f = "qbeta", a = ab[1], b = ab[2], x = c(0.025, 0.5, 0.975), value = qbeta(c(0.025, 0.5, 0.975), ab[1], ab[2])))
}
for (a in c(0.5, 1, 3.3, 25, 400)) {
  xx <- c(0.01, 0.5, 1, 3, 24, 30, 420)
  sf <- rbind(sf, data.frame(f = "pgamma", a = a, b = NA, x = xx, value = pgamma(xx, a)),
                  data.frame(f = "pgamma_upper", a = a, b = NA, x = xx, value = pgamma(xx, a, lower.tail = FALSE)))
}
put(sf, "special.csv")
cat("golden files written to", out, "\n")
