//! The scoring rules, pure and small: percentages, display rounding, rating bands.
//!
//! Percentages are kept exact (as counts) for decisions and rounded half up only for display.

use serde::{Deserialize, Serialize};

/// Yes and No answers counted over some set of answers; Not applicable is left out of both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub yes: u64,
    pub no: u64,
}

impl Tally {
    pub fn new(yes: u64, no: u64) -> Self {
        Self { yes, no }
    }
    /// Answers that count: Yes + No.
    pub fn relevant(&self) -> u64 {
        self.yes + self.no
    }
    /// The exact percentage, `None` when nothing was relevant.
    pub fn percent(&self) -> Option<f64> {
        (self.relevant() > 0).then(|| 100.0 * self.yes as f64 / self.relevant() as f64)
    }
    /// The percentage rounded half up to a whole number, computed on the counts so that
    /// 72.5 is never 72.49999 in floating point.
    pub fn rounded_percent(&self) -> Option<u64> {
        let n = self.relevant();
        (n > 0).then(|| (200 * self.yes + n) / (2 * n))
    }
}

impl std::ops::Add for Tally {
    type Output = Tally;
    fn add(self, o: Tally) -> Tally {
        Tally { yes: self.yes + o.yes, no: self.no + o.no }
    }
}

impl std::iter::Sum for Tally {
    fn sum<I: Iterator<Item = Tally>>(iter: I) -> Tally {
        iter.fold(Tally::default(), |a, b| a + b)
    }
}

/// Rounds a percentage half up for display (72.5 → 73, 72.4999 → 72).
pub fn round_half_up(percent: f64) -> i64 {
    // A tiny allowance absorbs binary representation error of values such as 72.5.
    (percent + 0.5 + 1e-9).floor() as i64
}

/// Rating rules of a framework: levels with their bands and points, and bands on the total.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingRules {
    /// From best to worst.
    pub levels: Vec<RatingLevel>,
    /// Bands on the summed points of the standards that count, best first.
    pub overall: Vec<TotalBand>,
}

/// One rating (Outstanding, Good, ...).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingLevel {
    pub id: String,
    pub label: String,
    /// A key-question percentage at or above this (and below the next level's) gets this rating.
    pub min_percent: f64,
    pub points: u32,
    /// Fill colour in tables and charts; the label and `mark` carry the meaning, never colour alone.
    pub colour: String,
    /// Text colour on the fill, chosen for a contrast of at least 4.5:1.
    pub text_colour: String,
    /// A short mark printed beside the colour (for example `★★★`).
    pub mark: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotalBand {
    pub rating: String,
    pub min_total: u32,
    pub max_total: u32,
}

/// A rating given: which level, by id.
pub type Rating = String;

impl RatingRules {
    pub fn level(&self, id: &str) -> Option<&RatingLevel> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// The rating of an exact percentage: the best level whose minimum it reaches.
    pub fn rate_percent(&self, percent: f64) -> &RatingLevel {
        self.levels.iter().find(|l| percent >= l.min_percent).or_else(|| self.levels.last()).expect("validated: a rating scale has at least one level")
    }

    /// The overall rating of a points total, `None` if the total falls in no band.
    pub fn rate_total(&self, total: u32) -> Option<&RatingLevel> {
        self.overall.iter().find(|b| (b.min_total..=b.max_total).contains(&total)).and_then(|b| self.level(&b.rating))
    }

    /// The deciding figure of a standard rated by its lowest key question.
    pub fn lowest(tallies: &[Tally]) -> Option<f64> {
        tallies.iter().filter_map(Tally::percent).min_by(f64::total_cmp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RatingRules {
        let level = |id: &str, min: f64, points: u32| RatingLevel {
            id: id.into(),
            label: id.into(),
            min_percent: min,
            points,
            colour: "#000".into(),
            text_colour: "#fff".into(),
            mark: String::new(),
        };
        let band = |id: &str, min: u32, max: u32| TotalBand { rating: id.into(), min_total: min, max_total: max };
        RatingRules {
            levels: vec![level("outstanding", 80.0, 3), level("good", 65.0, 2), level("requires_improvement", 50.0, 1), level("inadequate", 0.0, 0)],
            overall: vec![band("outstanding", 26, 30), band("good", 16, 25), band("requires_improvement", 6, 15), band("inadequate", 0, 5)],
        }
    }

    #[test]
    fn not_applicable_is_left_out() {
        // 3 Yes, 1 No, any number of N/A: 75%.
        let t = Tally::new(3, 1);
        assert_eq!(t.relevant(), 4);
        assert_eq!(t.percent(), Some(75.0));
        assert_eq!(Tally::new(0, 0).percent(), None);
        assert_eq!(Tally::new(0, 0).rounded_percent(), None);
    }

    #[test]
    fn pooled_differs_from_mean_of_questions() {
        // Question A: 9 of 10 Yes (90%); question B: 1 of 2 Yes (50%).
        // Mean of the two percentages is 70%; pooled is 10 of 12 = 83.3%.
        let a = Tally::new(9, 1);
        let b = Tally::new(1, 1);
        let pooled = a + b;
        assert_eq!(pooled, Tally::new(10, 2));
        assert_eq!(pooled.rounded_percent(), Some(83));
        let mean = (a.percent().unwrap() + b.percent().unwrap()) / 2.0;
        assert_eq!(round_half_up(mean), 70);
    }

    #[test]
    fn rounding_is_half_up_on_counts() {
        assert_eq!(Tally::new(145, 55).rounded_percent(), Some(73)); // 72.5
        assert_eq!(Tally::new(29, 11).rounded_percent(), Some(73)); // 72.5
        assert_eq!(Tally::new(1, 7).rounded_percent(), Some(13)); // 12.5
        assert_eq!(Tally::new(2, 1).rounded_percent(), Some(67)); // 66.67
        assert_eq!(Tally::new(1, 2).rounded_percent(), Some(33)); // 33.33
        assert_eq!(Tally::new(1, 199).rounded_percent(), Some(1)); // 0.5
        assert_eq!(Tally::new(0, 5).rounded_percent(), Some(0));
        assert_eq!(Tally::new(5, 0).rounded_percent(), Some(100));
        assert_eq!(round_half_up(72.5), 73);
        assert_eq!(round_half_up(72.4999), 72);
        assert_eq!(round_half_up(0.5), 1);
    }

    #[test]
    fn band_edges() {
        let r = rules();
        let at = |p: f64| r.rate_percent(p).id.clone();
        assert_eq!(at(49.99), "inadequate");
        assert_eq!(at(50.0), "requires_improvement");
        assert_eq!(at(64.99), "requires_improvement");
        assert_eq!(at(65.0), "good");
        assert_eq!(at(79.99), "good");
        assert_eq!(at(80.0), "outstanding");
        assert_eq!(at(0.0), "inadequate");
        assert_eq!(at(100.0), "outstanding");
        // 79.99 is displayed as 80 but rated on the exact value.
        assert_eq!(round_half_up(79.99), 80);
    }

    #[test]
    fn exact_counts_at_band_edges() {
        let r = rules();
        // 13 of 20 is exactly 65%: Good. 12 of 20 is 60%: Requires improvement.
        assert_eq!(r.rate_percent(Tally::new(13, 7).percent().unwrap()).id, "good");
        // 159 of 200 is 79.5%: shown as 80% but rated Good, not Outstanding.
        let t = Tally::new(159, 41);
        assert_eq!(t.rounded_percent(), Some(80));
        assert_eq!(r.rate_percent(t.percent().unwrap()).id, "good");
    }

    #[test]
    fn lowest_key_question_decides() {
        let r = rules();
        // 90%, 70%, 85%: the lowest (70%) decides: Good, not Outstanding.
        let kqs = [Tally::new(9, 1), Tally::new(7, 3), Tally::new(17, 3)];
        let lowest = RatingRules::lowest(&kqs).unwrap();
        assert_eq!(lowest, 70.0);
        assert_eq!(r.rate_percent(lowest).id, "good");
        // A key question with no relevant cases does not decide.
        let kqs = [Tally::new(9, 1), Tally::new(0, 0)];
        assert_eq!(RatingRules::lowest(&kqs), Some(90.0));
        assert_eq!(RatingRules::lowest(&[Tally::new(0, 0)]), None);
    }

    #[test]
    fn total_bands() {
        let r = rules();
        let at = |t: u32| r.rate_total(t).map(|l| l.id.clone());
        assert_eq!(at(0).as_deref(), Some("inadequate"));
        assert_eq!(at(5).as_deref(), Some("inadequate"));
        assert_eq!(at(6).as_deref(), Some("requires_improvement"));
        assert_eq!(at(15).as_deref(), Some("requires_improvement"));
        assert_eq!(at(16).as_deref(), Some("good"));
        assert_eq!(at(25).as_deref(), Some("good"));
        assert_eq!(at(26).as_deref(), Some("outstanding"));
        assert_eq!(at(30).as_deref(), Some("outstanding"));
        assert_eq!(at(31), None);
    }
}
