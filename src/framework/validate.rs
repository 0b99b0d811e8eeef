//! Consistency checks of a framework: every reference resolves, bands are sound.

use std::collections::HashSet;

use super::{Era, FrameworkSpec, ScoreKind, StandardRule};
use crate::error::{Location, Problem, Problems};

pub(super) fn validate(spec: &FrameworkSpec) -> Problems {
    let mut problems = Problems::default();
    let at = |key: String| Location::file(&spec.source).key(key);
    let mut err = |key: String, msg: String, hint: &str| problems.push(Problem::data(at(key), msg).with_hint(hint));

    if let Err(why) = crate::ids::check(&spec.id) {
        err("id".into(), format!("framework id `{}` {why}", spec.id), crate::ids::HINT);
    }
    if matches!(spec.id.as_str(), "aggregate" | "drafts") {
        err("id".into(), format!("framework id `{}` is reserved: the output folder of that name holds other reports", spec.id), "choose another id");
    }
    // Every id a report or an inspection file refers to names one thing.
    unique(&mut err, "sections", "id", spec.sections.iter().map(|s| s.id.as_str()), "section");
    unique(&mut err, "scores", "id", spec.scores.iter().map(|s| s.id.as_str()), "score");
    unique(&mut err, "domains", "id", spec.domains.iter().map(|d| d.id.as_str()), "domain");
    unique(&mut err, "characteristics", "column", spec.characteristics.iter().map(|c| c.column.as_str()), "characteristic column");
    unique(&mut err, "judged_sections", "id", spec.judged_sections.iter().map(|j| j.id.as_str()), "judged section");
    if let Some(r) = &spec.ratings {
        unique(&mut err, "ratings.levels", "id", r.levels.iter().map(|l| l.id.as_str()), "rating");
    }
    // One standard id may stand for two standards only when no provider has both (the 2018
    // adult standards: 3.1 is court reports for the NPS, unpaid work for a CRC).
    for (i, a) in spec.standards.iter().enumerate() {
        for b in &spec.standards[..i] {
            let overlap = match (&a.providers, &b.providers) {
                (Some(pa), Some(pb)) => pa.iter().any(|p| pb.contains(p)),
                _ => true,
            };
            if a.id == b.id && overlap {
                err(
                    format!("standards[{i}].id"),
                    format!("standard id `{}` appears twice for the same provider", a.id),
                    "give every standard its own id, or `providers` lists that do not overlap",
                );
            }
        }
        let mut seen = HashSet::new();
        for q in &a.key_questions {
            if !seen.insert(q.as_str()) {
                err(format!("standards[{i}].key_questions"), format!("standard `{}` lists key question `{q}` twice", a.id), "list each key question once");
            }
        }
    }
    for (i, s) in spec.scores.iter().enumerate() {
        let mut seen = HashSet::new();
        for q in &s.questions {
            if !seen.insert(q.as_str()) {
                err(
                    format!("scores[{i}].questions"),
                    format!("score `{}` lists question `{q}` twice: its answers would be counted twice", s.id),
                    "list each question once",
                );
            }
        }
    }
    // An answer word means one thing.
    let words = [("yes", &spec.answers.yes), ("no", &spec.answers.no), ("not_applicable", &spec.answers.not_applicable)];
    for (i, (ka, wa)) in words.iter().enumerate() {
        for (kb, wb) in &words[i + 1..] {
            for w in wa.iter().filter(|w| wb.iter().any(|x| x.trim().eq_ignore_ascii_case(w.trim()))) {
                err(
                    format!("answers.{kb}"),
                    format!("`{w}` is listed under both `answers.{ka}` and `answers.{kb}`"),
                    "an answer word means one thing: keep it under one of them",
                );
            }
        }
    }

    let sections: HashSet<&str> = spec.sections.iter().map(|s| s.id.as_str()).collect();
    let mut questions = HashSet::new();
    for (i, q) in spec.questions.iter().enumerate() {
        if !questions.insert(q.id.as_str()) {
            err(format!("questions[{i}].id"), format!("question id `{}` appears twice", q.id), "give every question its own id");
        }
        if !sections.contains(q.section.as_str()) {
            err(
                format!("questions[{i}].section"),
                format!("question `{}` names unknown section `{}`", q.id, q.section),
                "add the section under `sections` or correct the id",
            );
        }
    }
    if spec.questions.is_empty() {
        err("questions".into(), "a framework needs at least one question".into(), "list the questions of the case assessment tool");
    }
    for (i, s) in spec.scores.iter().enumerate() {
        if s.questions.is_empty() {
            err(format!("scores[{i}].questions"), format!("score `{}` has no questions", s.id), "list the question ids whose answers it pools");
        }
        for q in &s.questions {
            if !questions.contains(q.as_str()) {
                err(
                    format!("scores[{i}].questions"),
                    format!("score `{}` references unknown question `{q}`", s.id),
                    "add the question under `questions` or correct the id",
                );
            }
        }
    }
    for (i, c) in spec.characteristics.iter().enumerate() {
        // Cells are matched to values without regard to case: two values that differ only in
        // case could not be told apart.
        for (j, v) in c.values.iter().enumerate() {
            if c.values[..j].iter().any(|w| w.trim().eq_ignore_ascii_case(v.trim())) {
                err(
                    format!("characteristics[{i}].values[{j}]"),
                    format!("`{v}` is listed twice among the values of `{}`", c.column),
                    "list each value once (values are matched without regard to case)",
                );
            }
        }
        if c.compare && !c.breakdown {
            err(
                format!("characteristics[{i}].compare"),
                format!("`{}` is compared but not broken down", c.column),
                "a comparison pools the breakdown figures: remove `breakdown: false` or `compare: true`",
            );
        }
        for (k, t) in c.totals.iter().enumerate() {
            for v in t.values.iter().filter(|v| !c.values.contains(v)) {
                err(
                    format!("characteristics[{i}].totals[{k}].values"),
                    format!("`{v}` is not one of the values of `{}`", c.column),
                    "a total counts some of the characteristic's `values` together: list them as they are spelt there",
                );
            }
        }
        for u in &c.unknown {
            if !c.values.contains(u) {
                err(
                    format!("characteristics[{i}].unknown"),
                    format!("`{u}` is not one of the values of `{}`", c.column),
                    "`unknown` lists some of `values`: those that mean the characteristic was not recorded",
                );
            }
        }
    }
    for (i, q) in spec.questions.iter().enumerate() {
        for (j, sp) in q.splits.iter().enumerate() {
            match spec.characteristics.iter().find(|c| c.column == sp.column) {
                None => err(
                    format!("questions[{i}].splits[{j}].column"),
                    format!("question `{}` is split by unknown characteristic `{}`", q.id, sp.column),
                    "name a column listed under `characteristics`",
                ),
                Some(c) if !c.values.contains(&sp.value) => err(
                    format!("questions[{i}].splits[{j}].value"),
                    format!("`{}` is not one of the values of `{}`", sp.value, sp.column),
                    "give one of the characteristic's `values`",
                ),
                Some(_) => {}
            }
        }
    }
    for (i, s) in spec.scores.iter().enumerate() {
        match (s.kind, &s.of) {
            (ScoreKind::SubCriterion, None) => err(
                format!("scores[{i}].of"),
                format!("sub-criterion `{}` names no general criterion", s.id),
                "add `of:` with the id of the general criterion it is part of",
            ),
            (ScoreKind::SubCriterion, Some(of)) => match spec.scores.iter().find(|p| &p.id == of && p.kind == ScoreKind::GeneralCriterion) {
                None => err(
                    format!("scores[{i}].of"),
                    format!("sub-criterion `{}` is part of `{of}`, which is not a general criterion", s.id),
                    "name a score of kind `general_criterion`",
                ),
                Some(parent) => {
                    for q in s.questions.iter().filter(|q| !parent.questions.contains(q)) {
                        err(
                            format!("scores[{i}].questions"),
                            format!("question `{q}` of sub-criterion `{}` is not a question of `{of}`", s.id),
                            "a sub-criterion pools some of its general criterion's questions",
                        );
                    }
                }
            },
            (_, Some(_)) => err(
                format!("scores[{i}].of"),
                format!("score `{}` is not a sub-criterion but has `of`", s.id),
                "only a `sub_criterion` is part of another score",
            ),
            (_, None) => {}
        }
    }
    let mut judged = HashSet::new();
    for (i, js) in spec.judged_sections.iter().enumerate() {
        if js.criteria.is_empty() {
            err(
                format!("judged_sections[{i}].criteria"),
                format!("judged section `{}` has no criteria", js.id),
                "list its criteria as {id, title, lines_of_enquiry}",
            );
        }
        for (j, c) in js.criteria.iter().enumerate() {
            if !judged.insert(c.id.as_str()) || spec.standards.iter().any(|s| s.id == c.id) {
                err(
                    format!("judged_sections[{i}].criteria[{j}].id"),
                    format!("criterion id `{}` is used twice", c.id),
                    "inspection narratives find a criterion by its id: give each its own",
                );
            }
        }
    }
    let domains: HashSet<&str> = spec.domains.iter().map(|d| d.id.as_str()).collect();
    for (i, st) in spec.standards.iter().enumerate() {
        if !domains.contains(st.domain.as_str()) {
            err(format!("standards[{i}].domain"), format!("standard `{}` names unknown domain `{}`", st.id, st.domain), "add the domain under `domains`");
        }
        match st.rule {
            StandardRule::LowestKeyQuestion if st.key_questions.is_empty() => err(
                format!("standards[{i}].key_questions"),
                format!("standard `{}` is rated from cases but has no key questions", st.id),
                "list its key questions, or set `rule: judged` for a standard rated by inspectors",
            ),
            _ => {}
        }
        for q in &st.key_questions {
            if !questions.contains(q.as_str()) {
                err(
                    format!("standards[{i}].key_questions"),
                    format!("standard `{}` references unknown question `{q}`", st.id),
                    "add the question under `questions` or correct the id",
                );
            }
        }
    }
    if spec.era == Era::Standards && spec.ratings.is_none() {
        err("ratings".into(), "a framework of rated standards needs `ratings`".into(), "add rating levels and overall bands");
    }
    if spec.era == Era::Headline && spec.headline_scores().next().is_none() {
        err("scores".into(), "a headline framework needs at least one score of kind `headline`".into(), "add the headline scores");
    }
    if let Some(r) = &spec.ratings {
        if r.levels.is_empty() {
            err("ratings.levels".into(), "no rating levels".into(), "list the ratings from best to worst");
        }
        for (i, l) in r.levels.iter().enumerate() {
            if !(0.0..=100.0).contains(&l.min_percent) {
                err(
                    format!("ratings.levels[{i}].min_percent"),
                    format!("rating `{}` starts at {}%, outside 0–100%", l.id, l.min_percent),
                    "a minimum is a percentage from 0 to 100",
                );
            }
        }
        for (i, b) in r.overall.iter().enumerate() {
            if b.min_total > b.max_total {
                err(
                    format!("ratings.overall[{i}]"),
                    format!("band `{}` runs from {} down to {}", b.rating, b.min_total, b.max_total),
                    "`min_total` is the lower end of the band, `max_total` the upper",
                );
            }
        }
        for w in r.levels.windows(2) {
            if w[0].min_percent <= w[1].min_percent {
                err(
                    "ratings.levels".into(),
                    format!("rating `{}` (from {}%) must have a higher minimum than `{}` (from {}%)", w[0].id, w[0].min_percent, w[1].id, w[1].min_percent),
                    "list levels from best to worst with falling minimums",
                );
            }
        }
        // A rating is printed as its word on its colour: the word must stay legible.
        for (i, l) in r.levels.iter().enumerate() {
            use crate::colour::{Rgb, MIN_TEXT_CONTRAST};
            match (Rgb::parse(&l.colour), Rgb::parse(&l.text_colour)) {
                (None, _) => err(format!("ratings.levels[{i}].colour"), format!("`{}` is not a colour", l.colour), "write it as #rrggbb, for example #1d6b34"),
                (_, None) => {
                    err(format!("ratings.levels[{i}].text_colour"), format!("`{}` is not a colour", l.text_colour), "write it as #rrggbb, for example #ffffff")
                }
                (Some(fill), Some(text)) if text.contrast(fill) < MIN_TEXT_CONTRAST => {
                    let best = fill.best_text();
                    let hint = format!(
                        "text needs a contrast of at least {MIN_TEXT_CONTRAST}:1 with its fill (WCAG 1.4.3); {} on {} gives {:.1}:1",
                        best.hex(),
                        l.colour,
                        best.contrast(fill)
                    );
                    err(
                        format!("ratings.levels[{i}].text_colour"),
                        format!("rating `{}`: text {} on {} has a contrast of {:.2}:1", l.id, l.text_colour, l.colour, text.contrast(fill)),
                        &hint,
                    );
                }
                _ => {}
            }
        }
        if r.levels.last().is_some_and(|l| l.min_percent > 0.0) {
            err(
                "ratings.levels".into(),
                "the lowest rating must start at 0%, or some percentages get no rating".into(),
                "set `min_percent: 0` on the last level",
            );
        }
        let mut bands: Vec<_> = r.overall.iter().collect();
        bands.sort_by_key(|b| b.min_total);
        if bands.first().is_some_and(|b| b.min_total != 0) {
            err("ratings.overall".into(), "overall bands must start at a total of 0".into(), "set `min_total: 0` on the lowest band");
        }
        for w in bands.windows(2) {
            if w[1].min_total != w[0].max_total + 1 {
                let what = if w[1].min_total <= w[0].max_total { "overlap" } else { "leave a gap" };
                err(
                    "ratings.overall".into(),
                    format!("overall bands {}–{} and {}–{} {what}", w[0].min_total, w[0].max_total, w[1].min_total, w[1].max_total),
                    "each band must start one above the previous band's maximum",
                );
            }
        }
        // The bands must reach the highest total a service can get: every standard that
        // counts (for the provider with the most) at the top level's points.
        let top = r.levels.iter().map(|l| l.points).max().unwrap_or(0);
        let mut providers: Vec<Option<&str>> = spec.standards.iter().filter_map(|s| s.providers.as_ref()).flatten().map(|p| Some(p.as_str())).collect();
        if providers.is_empty() {
            providers.push(None);
        }
        let most = providers
            .iter()
            .map(|p| spec.standards.iter().filter(|s| s.counts_towards_overall && p.is_none_or(|p| s.applies_to(p))).count() as u32 * top)
            .max()
            .unwrap_or(0);
        if let Some(highest) = bands.last() {
            if highest.max_total < most {
                err(
                    "ratings.overall".into(),
                    format!(
                        "the overall bands stop at {} points, but a service can reach {most} ({} standards at {top} points)",
                        highest.max_total,
                        most / top.max(1)
                    ),
                    "set the highest band's `max_total` to the highest total, or every total above it gets no rating",
                );
            }
        }
        for b in &r.overall {
            if r.level(&b.rating).is_none() {
                err("ratings.overall".into(), format!("band names unknown rating `{}`", b.rating), "use an id from `ratings.levels`");
            }
        }
    }
    problems
}

/// Reports every id of `ids` that appears more than once, at `key`.
fn unique<'a>(err: &mut impl FnMut(String, String, &str), key: &str, field: &str, ids: impl Iterator<Item = &'a str>, what: &str) {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            err(format!("{key}[{i}].{field}"), format!("{what} `{id}` appears twice"), "give each its own id: inspection files and reports find it by its id");
        }
    }
}
