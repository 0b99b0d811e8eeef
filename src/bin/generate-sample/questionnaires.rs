//! Questionnaires of the 2011–12 programmes whose pooled shares the annual report published:
//! counts chosen so that every published share comes out exactly, then shared out over the
//! areas.

use std::collections::HashMap;

use crate::fit::{apportion, window};
use crate::narrative::Questionnaire;

/// Which share of a question a published finding is: one answer's, or that of the positive
/// answers together (the first half of them, rounded up, as reports count them).
#[derive(Clone, Copy)]
pub enum Share {
    Answer(usize),
    Positive,
}

pub struct Item {
    pub text: &'static str,
    pub findings: &'static [(Share, &'static str)],
}

pub struct Def {
    pub title: &'static str,
    pub respondents: &'static str,
    /// The area's summary; `{n}` is replaced by its number of questionnaires.
    pub summary: &'static str,
    pub answers: &'static [&'static str],
    /// Questionnaires returned over all areas: a published count (`count` names its finding),
    /// or a plausible number where none was published.
    pub returned: u32,
    pub count: Option<&'static str>,
    pub items: &'static [Item],
}

/// Counts of each answer, summing to `n`, whose shares round (half up) to the published ones.
fn solve(item: &Item, answers: usize, n: u32, figures: &HashMap<String, u32>) -> Option<Vec<u32>> {
    let mut wins = vec![(0u32, n); answers];
    let mut positive = None;
    for (share, subject) in item.findings {
        let w = window(*figures.get(*subject)?, n);
        match share {
            Share::Answer(i) => wins[*i] = (wins[*i].0.max(w.0), wins[*i].1.min(w.1)),
            Share::Positive => positive = Some(w),
        }
    }
    let k = answers.div_ceil(2);
    // Depth-first over the answers but the last, which takes what is left.
    fn go(i: usize, left: u32, wins: &[(u32, u32)], acc: &mut Vec<u32>, k: usize, positive: Option<(u32, u32)>) -> bool {
        if i == wins.len() - 1 {
            if left < wins[i].0 || left > wins[i].1 {
                return false;
            }
            acc.push(left);
            let good: u32 = acc[..k].iter().sum();
            if positive.is_none_or(|(lo, hi)| good >= lo && good <= hi) {
                return true;
            }
            acc.pop();
            return false;
        }
        // Near the middle of the window first: counts plausible, not at an edge.
        // What the answers after this one can take, at least and at most.
        let rest_lo: u32 = wins[i + 1..].iter().map(|w| w.0).sum();
        let rest_hi: u32 = wins[i + 1..].iter().map(|w| w.1).sum();
        let lo = wins[i].0.max(left.saturating_sub(rest_hi));
        let hi = wins[i].1.min(left.saturating_sub(rest_lo));
        if lo > hi {
            return false;
        }
        let mut cands: Vec<u32> = (lo..=hi).collect();
        let mid = (lo + hi) / 2;
        cands.sort_by_key(|c| c.abs_diff(mid));
        for c in cands {
            acc.push(c);
            if go(i + 1, left - c, wins, acc, k, positive) {
                return true;
            }
            acc.pop();
        }
        false
    }
    let mut acc = Vec::new();
    go(0, n, &wins, &mut acc, k, positive).then_some(acc)
}

/// The questionnaire of each area (weights: the areas' numbers of cases), whose pooled counts
/// reproduce every published share of `def`.
pub fn share_out(def: &Def, weights: &[u32], figures: &HashMap<String, u32>) -> Result<Vec<Questionnaire>, String> {
    let returned = match def.count {
        Some(subject) => *figures.get(subject).ok_or_else(|| format!("no published count `{subject}`"))?,
        None => def.returned,
    };
    // A question may have been left blank on a few questionnaires: where the published shares
    // cannot all hold on every questionnaire, fewer answered it.
    let pooled: Vec<Vec<u32>> = def
        .items
        .iter()
        .map(|item| {
            (0..=returned / 50)
                .find_map(|blank| solve(item, def.answers.len(), returned - blank, figures))
                .ok_or_else(|| format!("{}: no counts give the published shares of `{}`", def.title, item.text))
        })
        .collect::<Result<_, _>>()?;
    let share: Vec<f64> = weights.iter().map(|&w| f64::from(w)).collect();
    let mut per_area: Vec<Vec<Vec<u32>>> = vec![Vec::new(); weights.len()];
    for counts in &pooled {
        // Each area's answers to the question (by its weight), then its answers shared among
        // the answers still to give out: every area answers each question the same number of
        // times where the questions have the same total, and the pooled counts are exact.
        let total: u32 = counts.iter().sum();
        let per = apportion(total, &vec![total; weights.len()], &share);
        let mut left = counts.clone();
        for (a, area) in per_area.iter_mut().enumerate() {
            let weights: Vec<f64> = left.iter().map(|&c| f64::from(c)).collect();
            let got = apportion(per[a], &left, &weights);
            left.iter_mut().zip(&got).for_each(|(l, g)| *l -= g);
            area.push(got);
        }
    }
    Ok(per_area
        .into_iter()
        .map(|counts| {
            let n = counts.iter().map(|c| c.iter().sum::<u32>()).max().unwrap_or(0);
            (
                def.title.to_string(),
                def.respondents.to_string(),
                def.summary.replace("{n}", &n.to_string()),
                def.answers.iter().map(|a| a.to_string()).collect(),
                def.items
                    .iter()
                    .zip(counts)
                    .map(|(item, c)| {
                        let findings = item
                            .findings
                            .iter()
                            .map(|(share, subject)| {
                                let key = match share {
                                    Share::Answer(i) => def.answers[*i].to_string(),
                                    Share::Positive => "positive".to_string(),
                                };
                                (key, subject.to_string())
                            })
                            .collect();
                        (item.text.to_string(), c, findings)
                    })
                    .collect(),
            )
        })
        .collect())
}

// The questions of the staff feedback questionnaire that OMI 2 and CCI asked alike (their
// findings share their subjects in the findings file, each of its own programme).
const COURTEOUS: Item = Item {
    text: "Were the discussions with you undertaken in a professional, impartial and courteous manner?",
    findings: &[
        (Share::Answer(0), "staff_professional_courteous_yes_definitely"),
        (Share::Answer(1), "staff_professional_courteous_reasonably"),
        (Share::Answer(2), "staff_professional_courteous_not_really"),
    ],
};
const DIVERSITY: Item = Item {
    text: "In your opinion did the inspection pay sufficient attention to race equality and wider diversity issues?",
    findings: &[
        (Share::Answer(0), "staff_diversity_attention_yes_definitely"),
        (Share::Answer(1), "staff_diversity_attention_reasonably"),
        (Share::Answer(2), "staff_diversity_attention_not_really"),
    ],
};
const IDEAS: Item = Item {
    text: "Did the assessor give you ideas on how to improve your practice?",
    findings: &[
        (Share::Answer(0), "staff_ideas_to_improve_yes_definitely"),
        (Share::Answer(1), "staff_ideas_to_improve_some"),
        (Share::Answer(2), "staff_ideas_to_improve_not_really"),
    ],
};

const FEEDBACK: &[&str] = &["Yes, definitely", "Reasonably or some", "Not really or not at all"];
const YES_NO: &[&str] = &["Yes", "No"];

/// The questionnaires of OMI 2 in 2011–12 (annual report 2.11, 2.14, 2.22–2.26).
pub const OMI2: &[Def] = &[
    Def {
        title: "Offender managers’ feedback on the inspection",
        respondents: "offender managers",
        summary: "{n} offender managers whose cases we inspected returned our questionnaire about the inspection.",
        answers: FEEDBACK,
        returned: 0,
        count: Some("staff_questionnaires"),
        items: &[
            COURTEOUS,
            DIVERSITY,
            Item {
                text: "Did the assessor give you feedback on good practice?",
                findings: &[
                    (Share::Answer(0), "staff_feedback_good_practice_yes_definitely"),
                    (Share::Answer(1), "staff_feedback_good_practice_some"),
                    (Share::Answer(2), "staff_feedback_good_practice_not_really"),
                ],
            },
            IDEAS,
        ],
    },
    Def {
        title: "Offender managers’ obstacles to changing practice",
        respondents: "offender managers",
        summary: "{n} offender managers answered our question about what would get in the way of changing their practice.",
        answers: YES_NO,
        returned: 0,
        count: Some("staff_questionnaires"),
        items: &[Item {
            text: "Are there any factors that would get in the way of you changing your practice, or continuing with good practice?",
            findings: &[(Share::Answer(0), "staff_obstacles_to_changing_practice")],
        }],
    },
    Def {
        title: "Views of those under supervision",
        respondents: "individuals under supervision",
        summary: "{n} individuals whose cases we inspected returned our questionnaire.",
        answers: YES_NO,
        returned: 1_186,
        count: None,
        items: &[
            Item {
                text: "When your sentence plan was drawn up, did you feel involved in the process?",
                findings: &[(Share::Answer(0), "su_involved_in_sentence_planning")],
            },
            Item {
                text: "Has the work of the probation service made you think about your offending and how you might avoid it in the future?",
                findings: &[(Share::Answer(0), "su_think_about_offending")],
            },
            Item { text: "Have you become more aware of the victims of crime?", findings: &[(Share::Answer(0), "su_more_aware_of_victims")] },
            Item { text: "Do you feel less likely to offend in the future?", findings: &[(Share::Answer(0), "su_less_likely_to_offend")] },
        ],
    },
    Def {
        title: "Sentencers’ views",
        respondents: "sentencers",
        summary: "{n} magistrates and judges returned our questionnaire.",
        answers: YES_NO,
        returned: 150,
        count: None,
        items: &[Item { text: "Are staffing levels in court always sufficient?", findings: &[(Share::Answer(1), "sentencers_court_staffing_concern")] }],
    },
];

/// The questionnaires of CCI in 2011–12 (annual report 3.11, 3.12, 3.14).
pub const CCI: &[Def] = &[
    Def {
        title: "Case managers’ feedback on the inspection",
        respondents: "case managers",
        summary: "{n} case managers whose cases we inspected returned our questionnaire about the inspection.",
        answers: FEEDBACK,
        returned: 0,
        count: Some("staff_questionnaires"),
        items: &[
            COURTEOUS,
            DIVERSITY,
            Item {
                text: "Did the assessor give you feedback on good practice?",
                findings: &[
                    (Share::Answer(0), "staff_feedback_good_practice_yes_definitely"),
                    (Share::Answer(1), "staff_feedback_good_practice_some"),
                    (Share::Answer(2), "staff_feedback_good_practice_not_really"),
                    (Share::Positive, "staff_feedback_good_practice_any"),
                ],
            },
            // Not `staff_advised_how_to_improve_any` (97%): with 2% "not really" the other two
            // are at least 97.5%, which rounds to 98%.
            IDEAS,
        ],
    },
    Def {
        title: "Children and young people’s views",
        respondents: "children and young people",
        summary: "{n} children and young people whose cases we inspected returned our questionnaire.",
        answers: YES_NO,
        returned: 0,
        count: Some("su_questionnaires"),
        items: &[
            Item {
                text: "Do you feel less likely to reoffend because of your work with the YOT?",
                findings: &[(Share::Answer(0), "su_less_likely_to_reoffend")],
            },
            Item { text: "Has your life got better because of your work with the YOT?", findings: &[(Share::Answer(0), "su_life_got_better")] },
            Item {
                text: "Did your YOT worker make it easy for you to understand how they could help?",
                findings: &[(Share::Answer(0), "su_easy_to_understand_help")],
            },
        ],
    },
    Def {
        title: "Victims’ views",
        respondents: "victims",
        summary: "{n} victims in contact with the YOT returned our questionnaire.",
        answers: YES_NO,
        returned: 0,
        count: Some("victim_questionnaires"),
        items: &[
            Item { text: "Are you satisfied with the service you received from the YOT?", findings: &[(Share::Answer(0), "victim_satisfied_with_service")] },
            Item {
                text: "Did the YOT give you an opportunity to talk about your concerns about the offence?",
                findings: &[(Share::Answer(0), "victim_opportunity_to_talk")],
            },
            Item { text: "Did the YOT pay attention to your safety?", findings: &[(Share::Answer(0), "victim_safety_attention")] },
        ],
    },
];
