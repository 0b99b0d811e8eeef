//! Fits case-level answers to published figures exactly.
//!
//! Each question feeds one headline score. For every area and score the number of Yes answers
//! is chosen inside the window that rounds (half up) to the published figure; the windows' slack
//! then steers the pooled aggregate onto its published figure; Yes answers are spread over the
//! questions by plausible question-level rates; finally single Yes answers are moved between
//! questions of the same area and score (which changes no area's headline figure) until the
//! general criteria pool to their published figures.

// Index loops read best in a numeric fit over areas × questions.
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

/// Relevant and Yes answers per area and question (framework question order).
pub struct Fit {
    pub relevant: Vec<Vec<u32>>,
    pub yes: Vec<Vec<u32>>,
}

fn window(p: u32, n: u32) -> (u32, u32) {
    // Smallest y with (200y + n) / 2n >= p, largest with it <= p: rounding half up to p.
    let n64 = u64::from(n);
    let lo = ((2 * u64::from(p)).saturating_sub(1) * n64).div_ceil(200);
    let hi = ((2 * u64::from(p) + 1) * n64).div_ceil(200).saturating_sub(1);
    (lo as u32, hi.min(n64) as u32)
}

pub fn fit(
    fw: &FrameworkSpec,
    areas: &[AreaPlan],
    aggregate: &[u32],
    criteria: &[(&str, u32)],
    params: &HashMap<&str, QuestionParams>,
    rng: &mut Rng,
) -> Result<Fit, String> {
    let headlines: Vec<_> = fw.scores.iter().filter(|s| s.kind == ScoreKind::Headline).collect();
    let qn = fw.questions.len();
    let thread: Vec<usize> = fw
        .questions
        .iter()
        .map(|q| headlines.iter().position(|h| h.questions.contains(&q.id)).ok_or_else(|| format!("question {} feeds no headline score", q.id)))
        .collect::<Result<_, _>>()?;
    let param = |qi: usize| params.get(fw.questions[qi].id.as_str()).copied().unwrap_or_default();

    // Relevant answers.
    let mut relevant = vec![vec![0u32; qn]; areas.len()];
    for (a, plan) in areas.iter().enumerate() {
        for qi in 0..qn {
            let p = param(qi);
            let eligible = plan.cases.iter().filter(|c| p.eligible.is_none_or(|(col, vals)| vals.contains(&c[col].as_str()))).count() as f64;
            let r = (eligible * p.alpha * rng.uniform(0.92, 1.08)).round().min(eligible).max(1.0);
            relevant[a][qi] = r as u32;
        }
    }

    // Yes per area and headline, inside the rounding window, steered to the aggregate.
    let mut yes_t = vec![vec![0u32; headlines.len()]; areas.len()];
    let mut win = vec![vec![(0u32, 0u32); headlines.len()]; areas.len()];
    let n_t = |a: usize, t: usize| -> u32 { (0..qn).filter(|&q| thread[q] == t).map(|q| relevant[a][q]).sum() };
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
        let total_n: u32 = (0..areas.len()).map(|a| n_t(a, t)).sum();
        let target = f64::from(aggregate[t]);
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

    // Spread over questions by their relative rates.
    let mut yes = vec![vec![0u32; qn]; areas.len()];
    for a in 0..areas.len() {
        for t in 0..headlines.len() {
            let qs: Vec<usize> = (0..qn).filter(|&q| thread[q] == t).collect();
            let caps: Vec<u32> = qs.iter().map(|&q| relevant[a][q]).collect();
            let weights: Vec<f64> = qs.iter().map(|&q| f64::from(relevant[a][q]) * param(q).beta * rng.uniform(0.9, 1.1)).collect();
            for (k, y) in apportion(yes_t[a][t], &caps, &weights).into_iter().enumerate() {
                yes[a][qs[k]] = y;
            }
        }
    }

    // Steer general criteria by moving single Yes answers within an area and score.
    let crit_of: Vec<Option<usize>> =
        fw.questions.iter().map(|q| criteria.iter().position(|(id, _)| fw.scores.iter().any(|s| s.id == *id && s.questions.contains(&q.id)))).collect();
    let crit_totals = |yes: &Vec<Vec<u32>>| -> Vec<(u64, u64)> {
        let mut out = vec![(0u64, 0u64); criteria.len()];
        for a in 0..areas.len() {
            for q in 0..qn {
                if let Some(c) = crit_of[q] {
                    out[c].0 += u64::from(yes[a][q]);
                    out[c].1 += u64::from(relevant[a][q]);
                }
            }
        }
        out
    };
    let betas: Vec<f64> = (0..qn).map(|q| param(q).beta).collect();
    let mut thread_yes: Vec<u64> = (0..headlines.len()).map(|t| (0..areas.len()).map(|a| u64::from(yes_t[a][t])).sum()).collect();
    let thread_n: Vec<u64> = (0..headlines.len()).map(|t| (0..areas.len()).map(|a| u64::from(n_t(a, t))).sum()).collect();
    if !criteria.is_empty() {
        let mut totals = crit_totals(&yes);
        for iteration in 0..200_000 {
            if std::env::var_os("GEN_DEBUG").is_some() && iteration % 1000 == 0 {
                eprintln!("{iteration}: {:?}", totals.iter().map(|&(y, n)| 100.0 * y as f64 / n as f64).collect::<Vec<_>>());
            }
            let err: Vec<f64> = totals.iter().zip(criteria).map(|(&(y, n), &(_, t))| 100.0 * y as f64 / n as f64 - f64::from(t)).collect();
            let (cmax, emax) = err.iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1)).expect("criteria");
            let (cmin, emin) = err.iter().copied().enumerate().min_by(|a, b| a.1.total_cmp(&b.1)).expect("criteria");
            if emax <= 0.25 && emin >= -0.25 {
                break;
            }
            // Take a Yes from the criterion most over its target and give it to the one most under.
            // When every criterion is over (or every one under) its target, moving answers between
            // them cannot help: take one Yes away (or add one) where the area's and the set's
            // headline figures still round to their published values.
            if !(emax > 0.25 && emin < -0.25) {
                let remove = emax > 0.25;
                let c = if remove { cmax } else { cmin };
                let level = |a: usize, q: usize| f64::from(yes[a][q]) / f64::from(relevant[a][q].max(1)) / betas[q];
                let mut cands: Vec<(usize, usize)> = (0..areas.len())
                    .flat_map(|a| (0..qn).map(move |q| (a, q)))
                    .filter(|&(_, q)| crit_of[q] == Some(c))
                    .filter(|&(a, q)| {
                        let t = thread[q];
                        if remove {
                            f64::from(yes[a][q]) - 1.0 >= 0.35 * f64::from(relevant[a][q])
                                && yes_t[a][t] > win[a][t].0
                                && 100.0 * (thread_yes[t] - 1) as f64 / thread_n[t] as f64 >= f64::from(aggregate[t]) - 0.45
                        } else {
                            f64::from(yes[a][q]) + 1.0 <= 0.98 * f64::from(relevant[a][q])
                                && yes_t[a][t] < win[a][t].1
                                && 100.0 * (thread_yes[t] + 1) as f64 / thread_n[t] as f64 <= f64::from(aggregate[t]) + 0.45
                        }
                    })
                    .collect();
                cands.sort_by(|x, y| level(x.0, x.1).total_cmp(&level(y.0, y.1)).then(x.cmp(y)));
                let pick = if remove { cands.last() } else { cands.first() };
                let Some(&(a, q)) = pick else { return Err("general criteria: no slack left in the headline windows".into()) };
                let t = thread[q];
                if remove {
                    yes[a][q] -= 1;
                    yes_t[a][t] -= 1;
                    thread_yes[t] -= 1;
                    totals[c].0 -= 1;
                } else {
                    yes[a][q] += 1;
                    yes_t[a][t] += 1;
                    thread_yes[t] += 1;
                    totals[c].0 += 1;
                }
                continue;
            }
            let (from, to) = (Some(cmax), Some(cmin));
            // Take the Yes from the answer set furthest above its plausible rate, and give it to
            // the question of the same area and score furthest below: no question is drained.
            let level = |a: usize, q: usize| f64::from(yes[a][q]) / f64::from(relevant[a][q].max(1)) / betas[q];
            let can_lose = |a: usize, q: usize| f64::from(yes[a][q]) - 1.0 >= 0.35 * f64::from(relevant[a][q]);
            let can_gain = |a: usize, q: usize| f64::from(yes[a][q]) + 1.0 <= 0.98 * f64::from(relevant[a][q]);
            let is_src = |q: usize| match from {
                Some(c) => crit_of[q] == Some(c),
                None => crit_of[q] != to,
            };
            let is_dst = |q: usize| match to {
                Some(c) => crit_of[q] == Some(c),
                None => crit_of[q] != from,
            };
            let mut sources: Vec<(usize, usize)> =
                (0..areas.len()).flat_map(|a| (0..qn).map(move |q| (a, q))).filter(|&(a, q)| is_src(q) && can_lose(a, q)).collect();
            sources.sort_by(|x, y| level(y.0, y.1).total_cmp(&level(x.0, x.1)).then(x.cmp(y)));
            let mut chosen = None;
            for &(a, q1) in sources.iter().take(200) {
                let best = (0..qn)
                    .filter(|&q| thread[q] == thread[q1] && q != q1 && is_dst(q) && can_gain(a, q))
                    .min_by(|&x, &y| level(a, x).total_cmp(&level(a, y)).then(x.cmp(&y)));
                if let Some(q2) = best {
                    chosen = Some((a, q1, q2));
                    break;
                }
            }
            let Some((a, q1, q2)) = chosen else { return Err("general criteria: no move left".into()) };
            yes[a][q1] -= 1;
            yes[a][q2] += 1;
            if let Some(c) = crit_of[q1] {
                totals[c].0 -= 1;
            }
            if let Some(c) = crit_of[q2] {
                totals[c].0 += 1;
            }
        }
    }

    // Verify every target with the pipeline's own rounding.
    for (a, plan) in areas.iter().enumerate() {
        for t in 0..headlines.len() {
            let (y, n) = (0..qn).filter(|&q| thread[q] == t).fold((0u64, 0u64), |acc, q| (acc.0 + u64::from(yes[a][q]), acc.1 + u64::from(relevant[a][q])));
            let got = Tally::new(y, n - y).rounded_percent();
            if got != Some(u64::from(plan.targets[t])) {
                return Err(format!("area {a} {}: {got:?} instead of {}", headlines[t].id, plan.targets[t]));
            }
        }
    }
    for t in 0..headlines.len() {
        let thread = &thread;
        let (y, n) = (0..areas.len())
            .flat_map(|a| (0..qn).filter(move |&q| thread[q] == t).map(move |q| (a, q)))
            .fold((0u64, 0u64), |acc, (a, q)| (acc.0 + u64::from(yes[a][q]), acc.1 + u64::from(relevant[a][q])));
        let got = Tally::new(y, n - y).rounded_percent();
        if got != Some(u64::from(aggregate[t])) {
            return Err(format!("aggregate {}: {got:?} instead of {}", headlines[t].id, aggregate[t]));
        }
    }
    for (c, &(y, n)) in crit_totals(&yes).iter().enumerate() {
        let got = Tally::new(y, n - y).rounded_percent();
        if got != Some(u64::from(criteria[c].1)) {
            return Err(format!("criterion {}: {got:?} instead of {}", criteria[c].0, criteria[c].1));
        }
    }
    Ok(Fit { relevant, yes })
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
