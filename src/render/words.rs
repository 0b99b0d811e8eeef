//! Figures in words: percentages and proportion words for summaries.

/// A proportion in words for summaries: 73 → "just under three-quarters", 40 → "fewer than half".
pub fn proportion_words(percent: f64) -> String {
    const FRACTIONS: [(f64, &str); 5] = [(25.0, "a quarter"), (100.0 / 3.0, "a third"), (50.0, "half"), (200.0 / 3.0, "two-thirds"), (75.0, "three-quarters")];
    let p = percent;
    if p <= 0.0 {
        return "none".into();
    }
    if p >= 100.0 {
        return "all".into();
    }
    if p >= 95.0 {
        return "almost all".into();
    }
    if p <= 5.0 {
        return "very few".into();
    }
    for (f, name) in FRACTIONS {
        if (p - f).abs() <= 3.0 {
            return if p < f - 0.5 {
                format!("just under {name}")
            } else if p > f + 0.5 {
                format!("just over {name}")
            } else {
                name.to_string()
            };
        }
    }
    match p {
        p if p < 25.0 => "fewer than a quarter",
        p if p < 100.0 / 3.0 => "more than a quarter",
        p if p < 50.0 => "fewer than half",
        p if p < 200.0 / 3.0 => "more than half",
        p if p < 75.0 => "more than two-thirds",
        _ => "most",
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(proportion_words(73.0), "just under three-quarters");
        assert_eq!(proportion_words(75.0), "three-quarters");
        assert_eq!(proportion_words(77.0), "just over three-quarters");
        assert_eq!(proportion_words(40.0), "fewer than half");
        assert_eq!(proportion_words(48.0), "just under half");
        assert_eq!(proportion_words(50.0), "half");
        assert_eq!(proportion_words(58.0), "more than half");
        assert_eq!(proportion_words(85.0), "most");
        assert_eq!(proportion_words(97.0), "almost all");
        assert_eq!(proportion_words(2.0), "very few");
        assert_eq!(proportion_words(15.0), "fewer than a quarter");
        assert_eq!(proportion_words(66.0), "just under two-thirds");
        assert_eq!(proportion_words(67.0), "two-thirds");
        assert_eq!(proportion_words(100.0), "all");
        assert_eq!(proportion_words(0.0), "none");
    }
}
