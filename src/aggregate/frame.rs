//! The Polars part: long frame, set membership join, group-bys.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::{question_sets, AreaCases, Figure, GroupFigures, SetFigures, SetId};
use crate::framework::{Answer, FrameworkSpec};

/// Aggregates the cases of `areas` under `framework`.
pub fn aggregate(framework: &FrameworkSpec, areas: &[AreaCases<'_>]) -> PolarsResult<SetFigures> {
    let long = long_frame(framework, areas)?;
    let members = membership_frame(framework)?;
    // One row per case and set, computed once: every figure below is a group-by of it. A case's
    // characteristics are the same on all its rows, so they ride along with `first`.
    let mut per_case_aggs = vec![col("yes").sum().alias("yes"), col("no").sum().alias("no")];
    per_case_aggs.extend(framework.characteristics.iter().filter(|c| c.breakdown).map(|c| col(c.column.as_str()).first()));
    let joined = long
        .lazy()
        .join(members.lazy(), [col("question")], [col("question")], JoinArgs::new(JoinType::Inner))
        .group_by([col("area"), col("case"), col("set")])
        .agg(per_case_aggs)
        .with_column(((col("yes") + col("no")).gt(lit(0))).cast(DataType::UInt32).alias("relevant_case"))
        .collect()?
        .lazy();

    let mut out = SetFigures::default();
    for a in areas {
        out.areas.insert(a.inspection_id.to_string(), GroupFigures { cases: a.cases.len() as u64, ..Default::default() });
    }
    out.total.cases = areas.iter().map(|a| a.cases.len() as u64).sum();

    // Figures per area and in total.
    for (key, fig) in figures(joined.clone(), &["area"])? {
        let set = SetId::from_key(&key[1]).expect("set keys are made by question_sets");
        out.areas.get_mut(&key[0]).expect("area of the frame").figures.insert(set, fig);
    }
    for (key, fig) in figures(joined.clone(), &[])? {
        let set = SetId::from_key(&key[0]).expect("set keys are made by question_sets");
        out.total.figures.insert(set, fig);
    }

    // Breakdowns and sample counts by every characteristic.
    for c in framework.characteristics.iter().filter(|c| c.breakdown) {
        let column = c.column.as_str();
        for (key, fig) in figures(joined.clone(), &["area", column])? {
            let set = SetId::from_key(&key[2]).expect("set key");
            let area = out.areas.get_mut(&key[0]).expect("area of the frame");
            area.breakdowns.entry(c.column.clone()).or_default().entry(key[1].clone()).or_default().insert(set, fig);
        }
        for (key, fig) in figures(joined.clone(), &[column])? {
            let set = SetId::from_key(&key[1]).expect("set key");
            out.total.breakdowns.entry(c.column.clone()).or_default().entry(key[0].clone()).or_default().insert(set, fig);
        }
    }
    for (ci, c) in framework.characteristics.iter().enumerate() {
        for a in areas {
            let mut counts: BTreeMap<String, u64> = c.values.iter().map(|v| (v.clone(), 0)).collect();
            for v in &a.cases.characteristics[ci] {
                *counts.entry(v.clone()).or_default() += 1;
            }
            for (v, n) in &counts {
                *out.total.sample.entry(c.column.clone()).or_default().entry(v.clone()).or_default() += n;
            }
            out.areas.get_mut(a.inspection_id).expect("area").sample.insert(c.column.clone(), counts);
        }
    }
    Ok(out)
}

/// One row per answer: area, case, question, yes (0/1), no (0/1), characteristics.
fn long_frame(framework: &FrameworkSpec, areas: &[AreaCases<'_>]) -> PolarsResult<DataFrame> {
    let rows: usize = areas.iter().map(|a| a.cases.len() * framework.questions.len()).sum();
    let mut area = Vec::with_capacity(rows);
    // Cases numbered across areas (ids are unique within an area only): a number, not a string
    // per answer, keeps the frame small at a thousand areas.
    let mut case: Vec<u32> = Vec::with_capacity(rows);
    let mut first_case = 0u32;
    let mut question = Vec::with_capacity(rows);
    let mut yes = Vec::with_capacity(rows);
    let mut no = Vec::with_capacity(rows);
    let mut chars: Vec<Vec<&str>> = vec![Vec::with_capacity(rows); framework.characteristics.len()];
    for a in areas {
        for (qi, q) in framework.questions.iter().enumerate() {
            for ci in 0..a.cases.case_ids.len() {
                let answer = a.cases.answers[qi][ci];
                area.push(a.inspection_id);
                case.push(first_case + ci as u32);
                question.push(q.id.as_str());
                yes.push(u32::from(answer == Answer::Yes));
                no.push(u32::from(answer == Answer::No));
                for (k, column) in chars.iter_mut().enumerate() {
                    column.push(a.cases.characteristics[k][ci].as_str());
                }
            }
        }
        first_case += a.cases.case_ids.len() as u32;
    }
    let mut columns = vec![
        Column::new("area".into(), area),
        Column::new("case".into(), case),
        Column::new("question".into(), question),
        Column::new("yes".into(), yes),
        Column::new("no".into(), no),
    ];
    for (c, values) in framework.characteristics.iter().zip(chars) {
        columns.push(Column::new(c.column.as_str().into(), values));
    }
    DataFrame::new_infer_height(columns)
}

/// Which question belongs to which set.
fn membership_frame(framework: &FrameworkSpec) -> PolarsResult<DataFrame> {
    let mut set = Vec::new();
    let mut question = Vec::new();
    for (id, qs) in question_sets(framework) {
        for q in qs {
            set.push(id.key());
            question.push(q);
        }
    }
    DataFrame::new_infer_height(vec![Column::new("set".into(), set), Column::new("question".into(), question)])
}

/// Groups the per-case frame by `by` and the set: Yes, No, and cases with at least one
/// relevant answer.
/// Keys come back as strings in the order `by…, set`.
fn figures(joined: LazyFrame, by: &[&str]) -> PolarsResult<Vec<(Vec<String>, Figure)>> {
    let mut keys: Vec<Expr> = by.iter().map(|c| col(*c)).collect();
    keys.push(col("set"));
    let grouped = joined
        .group_by(keys)
        .agg([col("yes").sum(), col("no").sum(), col("relevant_case").sum()])
        .collect()?;

    let mut key_columns = Vec::new();
    for name in by.iter().copied().chain(["set"]) {
        key_columns.push(grouped.column(name)?.str()?.clone());
    }
    let yes = grouped.column("yes")?.cast(&DataType::UInt64)?;
    let no = grouped.column("no")?.cast(&DataType::UInt64)?;
    let cases = grouped.column("relevant_case")?.cast(&DataType::UInt64)?;
    let (yes, no, cases) = (yes.u64()?, no.u64()?, cases.u64()?);
    let mut out = Vec::with_capacity(grouped.height());
    for i in 0..grouped.height() {
        let key = key_columns.iter().map(|c| c.get(i).unwrap_or_default().to_string()).collect();
        let fig = Figure { yes: yes.get(i).unwrap_or(0), no: no.get(i).unwrap_or(0), cases: cases.get(i).unwrap_or(0) };
        out.push((key, fig));
    }
    Ok(out)
}
