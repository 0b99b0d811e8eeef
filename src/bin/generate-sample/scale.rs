//! The synthetic scale corpus for benchmarks: N areas of M cases under every framework of a data
//! folder, made on demand into a folder of its own (never committed). Figures are plausible but
//! fitted to nothing; every framework is handled from its file alone.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use inspection_reports::framework::{self, FrameworkSpec, StandardRule};

use crate::narrative;
use crate::rng::Rng;
use crate::write::{self, Area};

/// Writes `out/frameworks` (copied from `data/frameworks`), `out/inspections/<framework>-scale/…`
/// and one aggregate definition per framework.
pub fn corpus(data: &Path, out: &Path, areas: usize, cases: usize, seed: u64) -> Result<(), String> {
    if areas == 0 || cases == 0 {
        return Err("--scale and --cases must be at least 1".into());
    }
    let frameworks_in = data.join("frameworks");
    let frameworks_out = out.join("frameworks");
    let _ = std::fs::remove_dir_all(out.join("inspections"));
    let _ = std::fs::remove_dir_all(out.join("aggregates"));
    std::fs::create_dir_all(&frameworks_out).map_err(|e| format!("{}: {e}", frameworks_out.display()))?;
    let mut paths: Vec<_> = std::fs::read_dir(&frameworks_in)
        .map_err(|e| format!("{}: {e}", frameworks_in.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    let mut rng = Rng::new(seed);
    for path in paths {
        let fw = framework::load(&path).map_err(|e| e.to_string())?;
        let name = path.file_name().expect("a file");
        std::fs::copy(&path, frameworks_out.join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
        framework_corpus(&fw, out, areas, cases, &mut rng)?;
        eprintln!("{}: {areas} areas of {cases} cases", fw.id);
    }
    Ok(())
}

fn framework_corpus(fw: &FrameworkSpec, out: &Path, areas: usize, cases: usize, rng: &mut Rng) -> Result<(), String> {
    let period = "scale";
    let dir = out.join("inspections").join(format!("{}-{period}", fw.id));
    // Providers named by provider-specific standards take turns; otherwise each area is its own.
    let providers: Vec<String> = fw.standards.iter().filter_map(|s| s.providers.clone()).flatten().collect::<BTreeSet<_>>().into_iter().collect();
    let ratings = ['O', 'G', 'R', 'I'];
    for k in 0..areas {
        let name = format!("{} area {:04}", fw.short_name, k + 1);
        let provider = if providers.is_empty() { format!("{name} provider") } else { providers[k % providers.len()].clone() };
        let area = Area {
            name: name.clone(),
            kind: fw.unit.clone(),
            region: format!("Region {}", k % 9 + 1),
            provider: provider.clone(),
            period: period.into(),
            publication: format!("2019-{:02}-{:02}", k % 12 + 1, k % 28 + 1),
            status: "published",
        };
        let case_rows: Vec<HashMap<String, String>> = (0..cases)
            .map(|_| {
                fw.characteristics
                    .iter()
                    .map(|c| {
                        let value =
                            if c.values.contains(&provider) { provider.clone() } else { c.values[rng.range(0, c.values.len() as u32 - 1) as usize].clone() };
                        (c.column.clone(), value)
                    })
                    .collect()
            })
            .collect();
        // Questions that only other providers' standards use are not relevant here.
        let foreign: BTreeSet<&str> =
            fw.standards.iter().filter(|s| !s.applies_to(&provider)).flat_map(|s| s.key_questions.iter().map(String::as_str)).collect();
        let quality = rng.uniform(0.45, 0.92);
        let (relevant, yes): (Vec<u32>, Vec<u32>) = fw
            .questions
            .iter()
            .map(|q| {
                if foreign.contains(q.id.as_str()) {
                    return (0, 0);
                }
                let r = (cases as f64 * rng.uniform(0.55, 1.0)).round() as u32;
                let y = (f64::from(r) * (quality + rng.uniform(-0.08, 0.08)).clamp(0.0, 1.0)).round() as u32;
                (r, y.min(r))
            })
            .unzip();
        let standards: Vec<_> = fw.standards.iter().filter(|s| s.applies_to(&provider)).collect();
        let mut narr = if standards.is_empty() {
            narrative::headline(fw, &area, &relevant, &yes, rng)
        } else {
            let letters: Vec<char> = standards.iter().map(|_| ratings[rng.range(0, 3) as usize]).collect();
            let mut n = narrative::standards(fw, &area, &standards, &letters, &relevant, &yes, rng);
            n.judged = standards
                .iter()
                .zip(&letters)
                .filter(|(s, _)| s.rule == StandardRule::Judged)
                .map(|(s, l)| (s.id.clone(), write::rating_id(*l).to_string()))
                .collect();
            n
        };
        narr.context.push("Synthetic area of the benchmark scale corpus.".into());
        write::inspection(fw, &dir, &area, &case_rows, &relevant, &yes, &HashMap::new(), &HashMap::new(), rng, &narr)?;
    }
    write::aggregate(
        out,
        &format!("{}-{period}", fw.id),
        &format!("{}: scale corpus of {areas} areas", fw.name),
        "Synthetic areas for the benchmark",
        &fw.id,
        period,
        "2019-12-01",
        "A synthetic corpus made by `generate-sample --scale` to measure how the pipeline scales. Its figures mean nothing.",
    )
}
