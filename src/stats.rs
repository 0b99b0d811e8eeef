//! Sampling uncertainty, pure and small: Wilson score intervals for a proportion, and a
//! two-proportion test for "is this group different from the rest by more than chance?".
//!
//! Answers of one case to related questions are not independent, so every test here takes as
//! its sample size the number of **cases** behind a figure, not the number of answers. For a key
//! question (one answer per case) that is exact; for a pooled score it is conservative: the
//! interval is as wide as if all of a case's answers moved together.

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval, in percent, for a proportion `p` (0–1) observed on `n` cases at
/// the given `z`. `None` when `n` is zero.
pub fn wilson(p: f64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let n = n as f64;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some((100.0 * (centre - half).max(0.0), 100.0 * (centre + half).min(1.0)))
}

/// A share observed in a group: Yes answers, relevant answers, and the cases behind them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed {
    pub yes: u64,
    pub relevant: u64,
    pub cases: u64,
}

impl Observed {
    fn share(&self) -> Option<f64> {
        (self.relevant > 0).then(|| self.yes as f64 / self.relevant as f64)
    }
}

/// Whether `group` differs from `rest` by more than chance would explain: a two-sided
/// two-proportion z-test with pooled variance, sample sizes counted in cases, at the 5% level
/// divided by `comparisons` (Bonferroni: one characteristic's groups are tested together).
/// Returns the sign of the difference when it is significant: `Some(true)` higher, `Some(false)`
/// lower.
pub fn differs(group: Observed, rest: Observed, comparisons: usize) -> Option<bool> {
    let (p1, p2) = (group.share()?, rest.share()?);
    let (n1, n2) = (group.cases as f64, rest.cases as f64);
    if n1 == 0.0 || n2 == 0.0 {
        return None;
    }
    let pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 {
        return None;
    }
    let z = (p1 - p2) / se;
    let alpha = 0.05 / comparisons.max(1) as f64;
    (two_sided_p(z) < alpha).then_some(z > 0.0)
}

/// Two-sided p-value of a standard normal statistic.
pub fn two_sided_p(z: f64) -> f64 {
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn wilson_by_hand() {
        // 77 of 100, z = 1.96: centre (0.77 + 0.019208) / 1.038416 = 0.760011;
        // half = 1.96 / 1.038416 * sqrt(0.1771/100 + 3.8416/40000) = 0.081557.
        let (lo, hi) = wilson(0.77, 100, 1.96).unwrap();
        assert!(close(lo, 67.845, 0.01) && close(hi, 84.157, 0.01), "{lo} {hi}");
        // 0 of 10: lower bound 0, upper z²/(n+z²) = 3.8416 / 13.8416 = 27.75%.
        let (lo, hi) = wilson(0.0, 10, 1.96).unwrap();
        assert_eq!(lo, 0.0);
        assert!(close(hi, 27.754, 0.01), "{hi}");
        // 10 of 10 mirrors it.
        let (lo, hi) = wilson(1.0, 10, 1.96).unwrap();
        assert!(close(lo, 72.246, 0.01) && hi == 100.0, "{lo}");
        assert_eq!(wilson(0.5, 0, Z95), None);
    }

    #[test]
    fn two_proportion_test_by_hand() {
        // 30/50 against 60/150: pooled 90/200 = 0.45; se = sqrt(0.45 * 0.55 * (1/50 + 1/150))
        // = 0.081240; z = 0.2 / 0.081240 = 2.4618; p = 0.0138: significant alone, not after
        // dividing 5% by 4 groups (0.0125).
        let g = Observed { yes: 30, relevant: 50, cases: 50 };
        let r = Observed { yes: 60, relevant: 150, cases: 150 };
        assert_eq!(differs(g, r, 1), Some(true));
        assert_eq!(differs(g, r, 4), None);
        assert!(close(two_sided_p(2.4618), 0.0138, 0.0002));
        // The other way round it is lower.
        assert_eq!(differs(r, g, 1), Some(false));
        // Nothing relevant: no test.
        assert_eq!(differs(Observed { yes: 0, relevant: 0, cases: 0 }, r, 1), None);
    }

    #[test]
    fn pooled_scores_test_on_cases_not_answers() {
        // The same shares on 10 answers per case: counted in cases the difference is not
        // significant, though 10 times as many answers would make it look so.
        let g = Observed { yes: 120, relevant: 200, cases: 20 };
        let r = Observed { yes: 500, relevant: 1000, cases: 100 };
        assert_eq!(differs(g, r, 1), None);
        assert_eq!(differs(Observed { cases: 200, ..g }, Observed { cases: 1000, ..r }, 1), Some(true));
    }

    #[test]
    fn normal_tail() {
        assert!(close(two_sided_p(1.959_964), 0.05, 1e-5));
        assert!(close(two_sided_p(0.0), 1.0, 1e-6));
        assert!(close(two_sided_p(3.0), 0.0027, 1e-4));
    }
}
