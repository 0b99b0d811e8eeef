//! Figures in words: proportion words for summaries, as the inspectorate writes them.

/// The fractions a proportion is named by, in order.
const LANDMARKS: [(f64, &str); 10] = [
    (10.0, "one in ten"),
    (20.0, "a fifth"),
    (25.0, "a quarter"),
    (100.0 / 3.0, "a third"),
    (50.0, "half"),
    (60.0, "three-fifths"),
    (200.0 / 3.0, "two-thirds"),
    (75.0, "three-quarters"),
    (80.0, "four-fifths"),
    (90.0, "nine in ten"),
];

/// The fraction named above `percent` ("half" for 41, "two-thirds" for 64), if any: for
/// phrases such as "fewer than half".
pub fn fraction_above(percent: f64) -> Option<&'static str> {
    LANDMARKS.iter().find(|(l, _)| *l > percent).map(|(_, name)| *name)
}

/// A proportion in words for summaries: the fraction it equals once rounded as the report
/// prints it (`50` "half", `67` "two-thirds"), else "just under" or "just over" a fraction
/// within two points, else "over" the fraction below it or "fewer than" the one above, whichever
/// is nearer (`37` "over a third", `30` "fewer than a third", `85` "over four-fifths").
pub fn proportion_words(percent: f64) -> String {
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
    if p < 5.0 {
        return "very few".into();
    }
    let shown = crate::framework::rules::round_half_up(p) as f64;
    for (l, name) in LANDMARKS {
        if shown == crate::framework::rules::round_half_up(l) as f64 {
            return name.to_string();
        }
    }
    for (l, name) in LANDMARKS {
        if (p - l).abs() <= 2.0 {
            return if p < l { format!("just under {name}") } else { format!("just over {name}") };
        }
    }
    let below = LANDMARKS.iter().rev().find(|(l, _)| *l < p);
    let above = LANDMARKS.iter().find(|(l, _)| *l > p);
    match (below, above) {
        (Some((a, an)), Some((b, bn))) => {
            if p - a <= b - p {
                over(an)
            } else {
                format!("fewer than {bn}")
            }
        }
        (Some((_, an)), None) => over(an),
        (None, Some((_, bn))) => format!("fewer than {bn}"),
        (None, None) => unreachable!("landmarks are not empty"),
    }
}

/// "over a third", but "more than half".
fn over(name: &str) -> String {
    if name == "half" {
        "more than half".into()
    } else {
        format!("over {name}")
    }
}

/// A count in running text, as the inspectorate writes it: one to nine in words, 10 and over
/// in figures with thousands separators (`seven`, `53`, `2,461`); 0 is `no`.
pub fn count(n: u64) -> String {
    const WORDS: [&str; 10] = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
    match WORDS.get(n as usize) {
        Some(w) => (*w).to_string(),
        None => thousands(n),
    }
}

/// `2461` as `2,461`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A title inside a sentence: its first letter small, unless its first word is an abbreviation
/// (`MAPPA`, `OASys`).
pub fn lower_first(title: &str) -> String {
    let first = title.split_whitespace().next().unwrap_or("");
    if first.chars().skip(1).any(|c| c.is_uppercase()) {
        return title.to_string();
    }
    let mut cs = title.chars();
    match cs.next() {
        Some(c) => c.to_lowercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// A clause as a sentence: its first letter capital.
pub fn upper_first(clause: &str) -> String {
    let mut cs = clause.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// A numbered title's number and the rest (`2.1 Positive outcomes …` gives `2.1` and
/// `Positive outcomes …`); `None` for a title without a number.
pub fn title_number(title: &str) -> Option<(&str, &str)> {
    let (first, rest) = title.split_once(' ')?;
    (first.chars().all(|c| c.is_ascii_digit() || c == '.') && first.chars().any(|c| c.is_ascii_digit())).then_some((first, rest))
}

/// Names in running text: `A`, `A and B`, `A, B and C` (no serial comma, as the inspectorate
/// writes).
pub fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_title_is_told_from_its_number() {
        assert_eq!(title_number("2.1 Positive outcomes are promoted"), Some(("2.1", "Positive outcomes are promoted")));
        assert_eq!(title_number("6 Leadership, management"), Some(("6", "Leadership, management")));
        assert_eq!(title_number("Risk of harm to others"), None);
        assert_eq!(title_number("Offender's journey"), None);
    }

    #[test]
    fn the_fraction_above_a_share() {
        assert_eq!(fraction_above(41.0), Some("half"));
        assert_eq!(fraction_above(64.0), Some("two-thirds"));
        assert_eq!(fraction_above(50.0), Some("three-fifths"));
        assert_eq!(fraction_above(95.0), None);
    }

    #[test]
    fn names_joined_as_in_running_text() {
        assert_eq!(and_list(&[]), "");
        assert_eq!(and_list(&["Lambeth"]), "Lambeth");
        assert_eq!(and_list(&["Greenwich", "Lambeth"]), "Greenwich and Lambeth");
        assert_eq!(and_list(&["Ealing", "Greenwich", "Lambeth"]), "Ealing, Greenwich and Lambeth");
    }

    #[test]
    fn counts_in_running_text() {
        for (n, words) in
            [(0, "no"), (1, "one"), (7, "seven"), (9, "nine"), (10, "10"), (53, "53"), (999, "999"), (1000, "1,000"), (2461, "2,461"), (1234567, "1,234,567")]
        {
            assert_eq!(count(n), words, "{n}");
        }
        assert_eq!(thousands(7), "7");
    }

    #[test]
    fn proportions_read_as_the_inspectorate_writes_them() {
        // (percentage, words): each row checked by hand against its nearest fractions.
        let table: [(f64, &str); 30] = [
            (0.0, "none"),
            (3.0, "very few"),
            (8.0, "just under one in ten"),
            (15.0, "over one in ten"),
            (20.0, "a fifth"),
            (25.0, "a quarter"),
            (29.0, "over a quarter"),
            (30.0, "fewer than a third"),
            (33.0, "a third"),
            (33.4, "a third"),
            (35.0, "just over a third"),
            (37.0, "over a third"),
            (40.0, "over a third"),
            (45.0, "fewer than half"),
            (46.0, "fewer than half"),
            (48.0, "just under half"),
            (50.0, "half"),
            (55.0, "more than half"),
            (60.0, "three-fifths"),
            (64.0, "fewer than two-thirds"),
            (66.6, "two-thirds"),
            (71.0, "fewer than three-quarters"),
            (73.0, "just under three-quarters"),
            (77.0, "just over three-quarters"),
            (79.0, "just under four-fifths"),
            (85.0, "over four-fifths"),
            (88.0, "just under nine in ten"),
            (94.0, "over nine in ten"),
            (97.0, "almost all"),
            (100.0, "all"),
        ];
        for (p, words) in table {
            assert_eq!(proportion_words(p), words, "{p}%");
        }
        // 79% to 94% are not all "most": the fraction is named.
        let words: std::collections::BTreeSet<String> = (79..=94).map(|p| proportion_words(p as f64)).collect();
        assert!(words.len() >= 5 && !words.contains("most"), "{words:?}");
    }

    #[test]
    fn titles_in_sentences_keep_their_abbreviations() {
        assert_eq!(super::lower_first("Risk of harm"), "risk of harm");
        assert_eq!(super::lower_first("MAPPA were used effectively"), "MAPPA were used effectively");
        assert_eq!(super::lower_first("OASys screening"), "OASys screening");
        assert_eq!(super::upper_first("an accurate screening"), "An accurate screening");
    }
}
