//! The Polars part: answer frame, set membership join, group-bys.
//!
//! Areas are aggregated a chunk at a time and every total is the sum of its areas' figures
//! (cases belong to one area, so nothing needs all areas in one frame): memory holds one
//! chunk's answers, however many areas a set has. Key columns are integer codes (area, case,
//! question, set, and characteristic values as ingest coded them), decoded when the figures
//! are read back.

use std::collections::BTreeMap;
use std::sync::Arc;

use polars::prelude::*;

use super::{question_sets, AreaCases, Figure, GroupFigures, SetFigures, SetId, SetIndex};
use crate::framework::{Answer, FrameworkSpec};

/// Answers per chunk (a few areas): measured on 1,000 areas of 150 cases, chunks of 2^15 to 2^16
/// answers aggregate fastest (Polars' fixed cost per query against its work on larger frames)
/// and keep a chunk's frames to a few MiB.
const CHUNK_ANSWERS: usize = 1 << 16;

/// Aggregates the cases of `areas` under `framework`: each area's figures and their total.
pub fn aggregate(framework: &FrameworkSpec, areas: &[AreaCases<'_>]) -> PolarsResult<SetFigures> {
    let figures = aggregate_areas(framework, areas)?;
    Ok(SetFigures::pooled(areas.iter().map(|a| a.inspection_id.to_string()).zip(figures)))
}

/// The figures of each area, in the order given.
fn aggregate_areas(framework: &FrameworkSpec, areas: &[AreaCases<'_>]) -> PolarsResult<Vec<GroupFigures>> {
    let codes = Codes::new(framework);
    let index = SetIndex::new(framework);
    let mut out = Vec::with_capacity(areas.len());
    let mut start = 0;
    while start < areas.len() {
        let mut end = start;
        let mut answers = 0;
        while end < areas.len() && (end == start || answers + areas[end].cases.len() * framework.questions.len() <= CHUNK_ANSWERS) {
            answers += areas[end].cases.len() * framework.questions.len();
            end += 1;
        }
        out.extend(aggregate_chunk(framework, &codes, &index, &areas[start..end])?);
        start = end;
    }
    Ok(out)
}

/// Integer codes of the pooled sets (scores and sections) and their questions. A single
/// question is not a pooled set: its figures come straight from the answers. A set's code is
/// its position in [`SetIndex`]; a question's code is its index in the framework, and its
/// position `pooled + code`.
struct Codes {
    pooled: usize,
    /// `(set, question)` codes.
    membership: Vec<(u32, u32)>,
}

impl Codes {
    fn new(framework: &FrameworkSpec) -> Codes {
        let index: BTreeMap<&str, u32> = framework.questions.iter().enumerate().map(|(i, q)| (q.id.as_str(), i as u32)).collect();
        let mut pooled = 0;
        let mut membership = Vec::new();
        for (_, questions) in question_sets(framework).into_iter().filter(|(id, _)| !matches!(id, SetId::Question(_))) {
            for q in &questions {
                if let Some(&qi) = index.get(q.as_str()) {
                    membership.push((pooled as u32, qi));
                }
            }
            pooled += 1;
        }
        Codes { pooled, membership }
    }
}

fn aggregate_chunk(framework: &FrameworkSpec, codes: &Codes, index: &Arc<SetIndex>, areas: &[AreaCases<'_>]) -> PolarsResult<Vec<GroupFigures>> {
    debug_assert_eq!(codes.pooled, index.pooled());
    // Characteristics broken down, and those of the questions' published splits.
    let breakdown: Vec<usize> = framework
        .characteristics
        .iter()
        .enumerate()
        .filter(|(_, c)| c.breakdown || framework.questions.iter().any(|q| q.splits.iter().any(|s| s.column == c.column)))
        .map(|(i, _)| i)
        .collect();

    // One row per relevant answer (Yes or No): a Not applicable answer adds nothing to any sum,
    // and a case whose answers in a set are all Not applicable is not a relevant case of it.
    let mut area: Vec<u32> = Vec::new();
    let mut case: Vec<u32> = Vec::new();
    let mut question: Vec<u32> = Vec::new();
    let mut yes: Vec<u32> = Vec::new();
    // Per case (numbered across the chunk): the codes of its characteristics.
    let mut case_area: Vec<u32> = Vec::new();
    let mut case_chars: Vec<Vec<u32>> = vec![Vec::new(); breakdown.len()];
    for (ai, a) in areas.iter().enumerate() {
        let first_case = case_area.len() as u32;
        for ci in 0..a.cases.len() {
            case_area.push(ai as u32);
            for (k, &c) in breakdown.iter().enumerate() {
                case_chars[k].push(u32::from(a.cases.characteristics[c][ci]));
            }
        }
        for (qi, column) in a.cases.answers.iter().enumerate() {
            for (ci, answer) in column.iter().enumerate() {
                if matches!(answer, Answer::Yes | Answer::No) {
                    area.push(ai as u32);
                    case.push(first_case + ci as u32);
                    question.push(qi as u32);
                    yes.push(u32::from(*answer == Answer::Yes));
                }
            }
        }
    }
    let answers = DataFrame::new_infer_height(vec![
        Column::new("area".into(), area),
        Column::new("case".into(), case),
        Column::new("question".into(), question),
        Column::new("yes".into(), yes),
    ])?
    .lazy();
    let (set_codes, question_codes): (Vec<u32>, Vec<u32>) = codes.membership.iter().copied().unzip();
    let members = DataFrame::new_infer_height(vec![Column::new("set".into(), set_codes), Column::new("question".into(), question_codes)])?;
    let mut case_columns = vec![Column::new("case".into(), (0..case_area.len() as u32).collect::<Vec<u32>>()), Column::new("area".into(), case_area)];
    for (k, values) in case_chars.into_iter().enumerate() {
        case_columns.push(Column::new(format!("c{k}").into(), values));
    }
    let cases = DataFrame::new_infer_height(case_columns)?;

    let mut out: Vec<GroupFigures> = areas.iter().map(|a| GroupFigures::empty(index, a.cases.len() as u64)).collect();

    // Single questions: every relevant answer is a relevant case.
    let by_question = answers
        .clone()
        .group_by([col("area"), col("question")])
        .agg([col("yes").cast(DataType::UInt64).sum().alias("yes"), col("yes").count().cast(DataType::UInt64).alias("relevant")])
        .collect()?;
    let (area, question) = (by_question.column("area")?.u32()?, by_question.column("question")?.u32()?);
    let (yes, relevant) = (by_question.column("yes")?.u64()?, by_question.column("relevant")?.u64()?);
    for i in 0..by_question.height() {
        let (a, q, y, r) = (area.get(i).unwrap_or(0), question.get(i).unwrap_or(0), yes.get(i).unwrap_or(0), relevant.get(i).unwrap_or(0));
        out[a as usize].set_figure(codes.pooled + q as usize, Figure { yes: y, no: r - y, cases: r });
    }

    // Pooled sets: one row per case and set with at least one relevant answer, its
    // characteristics joined from the case frame. Every figure below is a group-by of it.
    let per_case = answers
        .select([col("case"), col("question"), col("yes")])
        .join(members.lazy(), [col("question")], [col("question")], JoinArgs::new(JoinType::Inner))
        .group_by([col("case"), col("set")])
        .agg([col("yes").sum().alias("yes"), col("yes").count().alias("relevant")])
        .join(cases.lazy(), [col("case")], [col("case")], JoinArgs::new(JoinType::Inner))
        .collect()?
        .lazy();
    for (key, fig) in figures(per_case.clone(), &["area"])? {
        out[key[0] as usize].set_figure(key[1] as usize, fig);
    }
    for (k, &c) in breakdown.iter().enumerate() {
        for (key, fig) in figures(per_case.clone(), &["area", &format!("c{k}")])? {
            out[key[0] as usize].set_breakdown(c, key[1] as usize, key[2] as usize, fig);
        }
    }

    // Sample counts by every characteristic, every listed value (zero included).
    for (ci, c) in framework.characteristics.iter().enumerate() {
        for (a, group) in areas.iter().zip(out.iter_mut()) {
            let mut by_code = vec![0u64; c.values.len()];
            for &v in &a.cases.characteristics[ci] {
                by_code[usize::from(v)] += 1;
            }
            group.set_sample(ci, by_code);
        }
    }
    Ok(out)
}

/// Groups the per-case frame by `by` and the set: Yes, No, and cases with at least one
/// relevant answer. Keys come back as codes in the order `by…, set`.
fn figures(per_case: LazyFrame, by: &[&str]) -> PolarsResult<Vec<(Vec<u32>, Figure)>> {
    let mut keys: Vec<Expr> = by.iter().map(|c| col(*c)).collect();
    keys.push(col("set"));
    let grouped = per_case
        .group_by(keys)
        .agg([
            col("yes").cast(DataType::UInt64).sum().alias("yes"),
            col("relevant").cast(DataType::UInt64).sum().alias("relevant"),
            col("yes").count().alias("cases"),
        ])
        .collect()?;
    let key_columns: Vec<&UInt32Chunked> =
        by.iter().copied().chain(["set"]).map(|name| grouped.column(name).and_then(|c| c.u32())).collect::<PolarsResult<_>>()?;
    let yes = grouped.column("yes")?.u64()?;
    let relevant = grouped.column("relevant")?.u64()?;
    let cases = grouped.column("cases")?.cast(&DataType::UInt64)?;
    let cases = cases.u64()?;
    let mut out = Vec::with_capacity(grouped.height());
    for i in 0..grouped.height() {
        let key = key_columns.iter().map(|c| c.get(i).unwrap_or_default()).collect();
        let (y, r) = (yes.get(i).unwrap_or(0), relevant.get(i).unwrap_or(0));
        out.push((key, Figure { yes: y, no: r - y, cases: cases.get(i).unwrap_or(0) }));
    }
    Ok(out)
}
