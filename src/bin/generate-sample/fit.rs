//! Fits case-level answers to published figures exactly.
//!
//! Each question feeds one headline score. For every area and score the number of Yes answers
//! is chosen inside the window that rounds (half up) to the published figure, and the windows'
//! slack steers the pooled aggregate onto its published figure. Yes answers are then spread over
//! the questions by plausible rates. Finally a descent moves single Yes answers until every
//! pooled target holds: general criteria and sub-criteria, question-level findings and a
//! question's findings among the cases of one characteristic value (a split). It moves a Yes
//! between two questions of the same area and headline score, which changes no area's headline
//! figure, or adds or takes one where the area's figure still rounds to its published value.

// Index loops read best in a numeric fit over areas × cells.
#![allow(clippy::needless_range_loop)]

use std::collections::HashMap;

use inspection_reports::framework::rules::Tally;
use inspection_reports::framework::{FrameworkSpec, ScoreKind};

use crate::rng::Rng;

/// How a question behaves in the sample.
#[derive(Clone, Copy)]
pub struct QuestionParams {
    /// Share of eligible cases to which the question is relevant.
    pub alpha: f64,
    /// Relative rate of Yes among relevant answers.
    pub beta: f64,
    /// Only cases with this value in this column are eligible.
    pub eligible: Option<(&'static str, &'static [&'static str])>,
}

impl Default for QuestionParams {
    fn default() -> Self {
        QuestionParams { alpha: 0.95, beta: 0.8, eligible: None }
    }
}

/// One area to fit: its headline targets (in framework order) and its cases' characteristics.
pub struct AreaPlan {
    pub targets: Vec<u32>,
    /// Column → value, per case.
    pub cases: Vec<HashMap<String, String>>,
}

/// A pooled figure over every area that the sample must reproduce.
pub enum Target {
    /// A score of the framework (headline, general criterion, sub-criterion).
    Score(String, u32),
    /// A question; the figure is the share of No answers where the framework reports it so.
    Question(String, u32),
    /// A question among the cases with the value of its split (the framework's `splits`).
    Split(String, u32),
}

/// Where a question's answers are counted: all its relevant cases, or, for a question with a
/// split, those with the split's value (`inside`) and the others apart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Part {
    All,
    Inside,
    Outside,
}

/// Relevant and Yes answers per area and cell; a cell is a question, or one part of a question
/// with a split.
pub struct Fit {
    pub cells: Vec<(usize, Part)>,
    pub relevant: Vec<Vec<u32>>,
    pub yes: Vec<Vec<u32>>,
}

/// One area's answers per question (framework order), and those inside each question's split.
pub struct Answers {
    pub relevant: Vec<u32>,
    pub yes: Vec<u32>,
    /// Question index → relevant and Yes answers among the cases of its split's value.
    pub inside: HashMap<usize, (u32, u32)>,
}

impl Fit {
    pub fn answers(&self, area: usize, questions: usize) -> Answers {
        let mut out = Answers { relevant: vec![0; questions], yes: vec![0; questions], inside: HashMap::new() };
        for (k, &(q, part)) in self.cells.iter().enumerate() {
            out.relevant[q] += self.relevant[area][k];
            out.yes[q] += self.yes[area][k];
            if part == Part::Inside {
                out.inside.insert(q, (self.relevant[area][k], self.yes[area][k]));
            }
        }
        out
    }
}

/// The counts of `n` whose share rounds (half up) to `p` percent.
pub fn window(p: u32, n: u32) -> (u32, u32) {
    // Smallest y with (200y + n) / 2n >= p, largest with it <= p: rounding half up to p.
    let n64 = u64::from(n);
    let lo = ((2 * u64::from(p)).saturating_sub(1) * n64).div_ceil(200);
    let hi = ((2 * u64::from(p) + 1) * n64).div_ceil(200).saturating_sub(1);
    (lo as u32, hi.min(n64) as u32)
}

/// The Yes answers out of `n` for which the pooled figure rounds to `p`: of Yes, or of No for a
/// negative figure.
fn yes_window(p: u32, n: u32, negative: bool) -> (u32, u32) {
    let (lo, hi) = window(p, n);
    if negative {
        (n - hi, n - lo)
    } else {
        (lo, hi)
    }
}

struct Group {
    label: String,
    cells: Vec<usize>,
    percent: u32,
    negative: bool,
    lo: u64,
    hi: u64,
    sum: u64,
}

impl Group {
    fn violation(&self, sum: u64) -> u64 {
        if sum < self.lo {
            self.lo - sum
        } else {
            sum.saturating_sub(self.hi)
        }
    }
}

pub fn fit(fw: &FrameworkSpec, areas: &[AreaPlan], targets: &[Target], params: &HashMap<&str, QuestionParams>, rng: &mut Rng) -> Result<Fit, String> {
    let headlines: Vec<_> = fw.scores.iter().filter(|s| s.kind == ScoreKind::Headline).collect();
    let qn = fw.questions.len();
    let q_thread: Vec<usize> = fw
        .questions
        .iter()
        .map(|q| headlines.iter().position(|h| h.questions.contains(&q.id)).ok_or_else(|| format!("question {} feeds no headline score", q.id)))
        .collect::<Result<_, _>>()?;
    let param = |qi: usize| params.get(fw.questions[qi].id.as_str()).copied().unwrap_or_default();

    // Cells: a question, or the two parts of a question with a published split.
    let split_of = |qi: usize| fw.questions[qi].splits.first().map(|s| (s.column.as_str(), s.value.as_str()));
    let mut cells: Vec<(usize, Part)> = Vec::new();
    for qi in 0..qn {
        if split_of(qi).is_some() {
            cells.push((qi, Part::Inside));
            cells.push((qi, Part::Outside));
        } else {
            cells.push((qi, Part::All));
        }
    }
    let cn = cells.len();
    let thread: Vec<usize> = cells.iter().map(|&(q, _)| q_thread[q]).collect();

    // Relevant answers.
    let mut relevant = vec![vec![0u32; cn]; areas.len()];
    for (a, plan) in areas.iter().enumerate() {
        for (k, &(qi, part)) in cells.iter().enumerate() {
            let p = param(qi);
            let eligible = plan
                .cases
                .iter()
                .filter(|c| p.eligible.is_none_or(|(col, vals)| vals.contains(&c[col].as_str())))
                .filter(|c| match (part, split_of(qi)) {
                    (Part::All, _) | (_, None) => true,
                    (Part::Inside, Some((col, val))) => c[col] == val,
                    (Part::Outside, Some((col, val))) => c[col] != val,
                })
                .count() as f64;
            let r = (eligible * p.alpha * rng.uniform(0.92, 1.08)).round().min(eligible).max(if part == Part::All { 1.0 } else { 0.0 });
            relevant[a][k] = r as u32;
        }
    }

    // The pooled targets.
    let question_target = |id: &str| targets.iter().find(|t| matches!(t, Target::Question(q, _) if q == id));
    let mut groups: Vec<Group> = Vec::new();
    for t in targets {
        let (label, cs, percent, negative) = match t {
            Target::Score(id, p) => {
                let s = fw.scores.iter().find(|s| &s.id == id).ok_or_else(|| format!("no score {id}"))?;
                let cs: Vec<usize> = (0..cn).filter(|&k| s.questions.contains(&fw.questions[cells[k].0].id)).collect();
                (id.clone(), cs, *p, false)
            }
            Target::Question(id, p) => {
                let qi = fw.questions.iter().position(|q| &q.id == id).ok_or_else(|| format!("no question {id}"))?;
                (id.clone(), (0..cn).filter(|&k| cells[k].0 == qi).collect(), *p, fw.questions[qi].negative())
            }
            Target::Split(id, p) => {
                let qi = fw.questions.iter().position(|q| &q.id == id).ok_or_else(|| format!("no question {id}"))?;
                (
                    format!("{id} (split)"),
                    vec![cells.iter().position(|&c| c == (qi, Part::Inside)).ok_or_else(|| format!("question {id} has no split"))?],
                    *p,
                    fw.questions[qi].negative(),
                )
            }
        };
        let n: u32 = (0..areas.len()).flat_map(|a| cs.iter().map(move |&k| (a, k))).map(|(a, k)| relevant[a][k]).sum();
        let (lo, hi) = yes_window(percent, n, negative);
        if lo > hi {
            return Err(format!("{label}: too few answers ({n}) to reach {percent}%"));
        }
        groups.push(Group { label, cells: cs, percent, negative, lo: u64::from(lo), hi: u64::from(hi), sum: 0 });
    }
    let aggregate: Vec<Option<u32>> = headlines
        .iter()
        .map(|h| {
            targets.iter().find_map(|t| match t {
                Target::Score(id, p) if *id == h.id => Some(*p),
                _ => None,
            })
        })
        .collect();

    // Yes per area and headline, inside the rounding window, steered to the aggregate.
    let mut yes_t = vec![vec![0u32; headlines.len()]; areas.len()];
    let mut win = vec![vec![(0u32, 0u32); headlines.len()]; areas.len()];
    let n_t = |a: usize, t: usize| -> u32 { (0..cn).filter(|&k| thread[k] == t).map(|k| relevant[a][k]).sum() };
    for (a, plan) in areas.iter().enumerate() {
        for t in 0..headlines.len() {
            let n = n_t(a, t);
            let (lo, hi) = window(plan.targets[t], n);
            if lo > hi {
                return Err(format!("area {a} score {t}: too few answers ({n}) to reach {}%", plan.targets[t]));
            }
            win[a][t] = (lo, hi);
            yes_t[a][t] = ((f64::from(plan.targets[t]) * f64::from(n) / 100.0).round() as u32).clamp(lo, hi);
        }
    }
    for t in 0..headlines.len() {
        let Some(target) = aggregate[t] else { continue };
        let total_n: u32 = (0..areas.len()).map(|a| n_t(a, t)).sum();
        let target = f64::from(target);
        for _ in 0..1_000_000 {
            let total_y: u32 = (0..areas.len()).map(|a| yes_t[a][t]).sum();
            let pct = 100.0 * f64::from(total_y) / f64::from(total_n);
            if (pct - target).abs() <= 0.2 {
                break;
            }
            let up = pct < target;
            let movable: Vec<usize> = (0..areas.len()).filter(|&a| if up { yes_t[a][t] < win[a][t].1 } else { yes_t[a][t] > win[a][t].0 }).collect();
            if movable.is_empty() {
                if (pct - target).abs() < 0.45 {
                    break;
                }
                return Err(format!("{}: aggregate stuck at {pct:.2}% for a target of {target}%", headlines[t].id));
            }
            let a = movable[rng.range(0, movable.len() as u32 - 1) as usize];
            if up {
                yes_t[a][t] += 1
            } else {
                yes_t[a][t] -= 1
            }
        }
    }

    // Spread over the cells by their rates: a question's published figure where it has one,
    // its plausible rate otherwise.
    let rate: Vec<f64> = cells
        .iter()
        .map(|&(qi, _)| {
            let q = &fw.questions[qi];
            match question_target(&q.id) {
                Some(Target::Question(_, p)) if q.negative() => 1.0 - f64::from(*p) / 100.0,
                Some(Target::Question(_, p)) => f64::from(*p) / 100.0,
                _ => param(qi).beta,
            }
        })
        .collect();
    let mut yes = vec![vec![0u32; cn]; areas.len()];
    for a in 0..areas.len() {
        for t in 0..headlines.len() {
            let ks: Vec<usize> = (0..cn).filter(|&k| thread[k] == t).collect();
            let caps: Vec<u32> = ks.iter().map(|&k| relevant[a][k]).collect();
            let weights: Vec<f64> = ks.iter().map(|&k| f64::from(relevant[a][k]) * rate[k] * rng.uniform(0.9, 1.1)).collect();
            for (i, y) in apportion(yes_t[a][t], &caps, &weights).into_iter().enumerate() {
                yes[a][ks[i]] = y;
            }
        }
    }

    // Descent: one Yes at a time, until every pooled target holds.
    let member: Vec<Vec<usize>> = (0..cn).map(|k| (0..groups.len()).filter(|&g| groups[g].cells.contains(&k)).collect()).collect();
    for g in &mut groups {
        g.sum = (0..areas.len()).flat_map(|a| g.cells.iter().map(move |&k| (a, k))).map(|(a, k)| u64::from(yes[a][k])).sum();
    }
    // A cell's answers stay plausible: between a third and 98% Yes.
    let floor = |r: u32| (f64::from(r) * 0.34).ceil() as u32;
    let ceiling = |r: u32| ((f64::from(r) * 0.98).floor() as u32).max(floor(r));
    let level = |yes: &Vec<Vec<u32>>, a: usize, k: usize| f64::from(yes[a][k]) / f64::from(relevant[a][k].max(1)) / rate[k].max(0.05);
    let delta = |groups: &[Group], changes: &[(usize, i64)]| -> i64 {
        let mut d: HashMap<usize, i64> = HashMap::new();
        for &(k, by) in changes {
            for &g in &member[k] {
                *d.entry(g).or_default() += by;
            }
        }
        d.iter()
            .map(|(&g, &by)| {
                let grp = &groups[g];
                grp.violation((grp.sum as i64 + by) as u64) as i64 - grp.violation(grp.sum) as i64
            })
            .sum()
    };
    for _ in 0..200_000 {
        let total: u64 = groups.iter().map(|g| g.violation(g.sum)).sum();
        if total == 0 {
            break;
        }
        // Candidate moves by their effect on the total violation, best first; a move's effect
        // depends only on its cells, since every target pools all areas.
        let mut moves: Vec<(i64, usize, Option<usize>, i64)> = Vec::new();
        for k1 in 0..cn {
            for k2 in 0..cn {
                if k1 != k2 && thread[k1] == thread[k2] {
                    let d = delta(&groups, &[(k1, -1), (k2, 1)]);
                    if d < 0 {
                        moves.push((d, k1, Some(k2), 0));
                    }
                }
            }
            for by in [-1i64, 1] {
                let d = delta(&groups, &[(k1, by)]);
                if d < 0 {
                    moves.push((d, k1, None, by));
                }
            }
        }
        moves.sort_by_key(|m| (m.0, m.2.is_none(), m.1, m.2, m.3));
        let mut done = false;
        for &(_, k1, k2, by) in &moves {
            let pick = match k2 {
                Some(k2) => (0..areas.len())
                    .filter(|&a| yes[a][k1] > floor(relevant[a][k1]) && yes[a][k2] < ceiling(relevant[a][k2]))
                    .max_by(|&x, &y| (level(&yes, x, k1) - level(&yes, x, k2)).total_cmp(&(level(&yes, y, k1) - level(&yes, y, k2))).then(y.cmp(&x))),
                None => {
                    let t = thread[k1];
                    let ok = |a: usize| {
                        if by < 0 {
                            yes[a][k1] > floor(relevant[a][k1]) && yes_t[a][t] > win[a][t].0
                        } else {
                            yes[a][k1] < ceiling(relevant[a][k1]) && yes_t[a][t] < win[a][t].1
                        }
                    };
                    let cands = (0..areas.len()).filter(|&a| ok(a));
                    if by < 0 {
                        cands.max_by(|&x, &y| level(&yes, x, k1).total_cmp(&level(&yes, y, k1)).then(y.cmp(&x)))
                    } else {
                        cands.min_by(|&x, &y| level(&yes, x, k1).total_cmp(&level(&yes, y, k1)).then(x.cmp(&y)))
                    }
                }
            };
            let Some(a) = pick else { continue };
            let mut apply = |k: usize, by: i64| {
                yes[a][k] = (i64::from(yes[a][k]) + by) as u32;
                for &g in &member[k] {
                    groups[g].sum = (groups[g].sum as i64 + by) as u64;
                }
            };
            match k2 {
                Some(k2) => {
                    apply(k1, -1);
                    apply(k2, 1);
                }
                None => {
                    apply(k1, by);
                    let t = thread[k1];
                    yes_t[a][t] = (i64::from(yes_t[a][t]) + by) as u32;
                }
            }
            done = true;
            break;
        }
        if !done {
            let worst: Vec<String> =
                groups.iter().filter(|g| g.violation(g.sum) > 0).map(|g| format!("{} ({}%, {} answers off)", g.label, g.percent, g.violation(g.sum))).collect();
            return Err(format!("no move left: {}", worst.join(", ")));
        }
    }

    // Verify every target with the pipeline's own rounding.
    for (a, plan) in areas.iter().enumerate() {
        for t in 0..headlines.len() {
            let (y, n) = (0..cn).filter(|&k| thread[k] == t).fold((0u64, 0u64), |acc, k| (acc.0 + u64::from(yes[a][k]), acc.1 + u64::from(relevant[a][k])));
            let got = Tally::new(y, n - y).rounded_percent();
            if got != Some(u64::from(plan.targets[t])) {
                return Err(format!("area {a} {}: {got:?} instead of {}", headlines[t].id, plan.targets[t]));
            }
        }
    }
    for g in &groups {
        let (y, n) = (0..areas.len())
            .flat_map(|a| g.cells.iter().map(move |&k| (a, k)))
            .fold((0u64, 0u64), |acc, (a, k)| (acc.0 + u64::from(yes[a][k]), acc.1 + u64::from(relevant[a][k])));
        let got = if g.negative { Tally::new(n - y, y) } else { Tally::new(y, n - y) }.rounded_percent();
        if got != Some(u64::from(g.percent)) {
            return Err(format!("{}: {got:?} instead of {}", g.label, g.percent));
        }
    }
    Ok(Fit { cells, relevant, yes })
}

/// Splits `total` into parts proportional to `weights`, none above its cap.
pub fn apportion(total: u32, caps: &[u32], weights: &[f64]) -> Vec<u32> {
    let mut out = vec![0u32; caps.len()];
    let mut left = total;
    let mut open: Vec<usize> = (0..caps.len()).filter(|&i| caps[i] > 0).collect();
    while left > 0 && !open.is_empty() {
        let w: f64 = open.iter().map(|&i| weights[i].max(1e-9)).sum();
        let mut given = 0;
        let mut fracs = Vec::new();
        for &i in &open {
            let ideal = f64::from(left) * weights[i].max(1e-9) / w;
            let room = caps[i] - out[i];
            let take = (ideal.floor() as u32).min(room);
            out[i] += take;
            given += take;
            fracs.push((ideal - ideal.floor(), i));
        }
        left -= given;
        fracs.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, i) in fracs {
            if left == 0 {
                break;
            }
            if out[i] < caps[i] {
                out[i] += 1;
                left -= 1;
            }
        }
        open.retain(|&i| out[i] < caps[i]);
    }
    out
}
