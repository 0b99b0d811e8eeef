//! Accessibility gates: every chart carries alt text that states its message from the data, and
//! a published build refuses an image without alt text (PDF/UA-1).

mod common;

use common::*;
use inspection_reports::date::Date;
use inspection_reports::project::{self, Settings};
use inspection_reports::typeset::{Engine, TypesetJob};

#[test]
fn every_chart_has_alt_text_with_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,No\nc4,Female,Yes,Yes,Yes\n";
    mini_project(dir.path(), &[("a", "Area A", "Summary.", cases), ("b", "Area B", "Summary.", cases)]);
    std::fs::create_dir_all(dir.path().join("data/aggregates")).unwrap();
    std::fs::write(
        dir.path().join("data/aggregates/all.yaml"),
        "id: all\ntitle: All areas\nsubtitle: Test\nframework: mini\ninspections: {period: 2020-21}\nperiod: 2020-21\npublication_date: 2020-10-01\nstatus: published\nsummary: Summary.\n",
    )
    .unwrap();
    let dump = dir.path().join("typst");
    let mut s = Settings::for_root(dir.path());
    s.templates = root().join("report-templates");
    s.fonts = root().join("fonts");
    s.output = dir.path().join("out");
    s.dump_typst = Some(dump.clone());
    let summary = project::run(&s, &|_| {});
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    assert_eq!(summary.built.len(), 3);

    let mut charts = 0;
    for report in ["mini/2020-21/a", "mini/2020-21/b", "aggregate/all"] {
        let data: serde_json::Value = serde_json::from_slice(&std::fs::read(dump.join(report).join("files/data.json")).unwrap()).unwrap();
        for c in data["charts"].as_array().expect("charts") {
            let (alt, caption) = (c["alt"].as_str().unwrap_or(""), c["caption"].as_str().unwrap_or(""));
            assert!(alt.len() > 40, "{report}: chart {} has no real alt text: `{alt}`", c["path"]);
            assert_ne!(alt, caption, "{report}: alt text repeats the caption");
            assert!(alt.contains('%') || alt.contains(" of "), "{report}: alt text states no figure: `{alt}`");
            assert!(!c["table"]["rows"].as_array().unwrap().is_empty(), "{report}: chart without its data table");
            // The chart's file is among the files Typst was given.
            assert!(dump.join(report).join("files").join(c["path"].as_str().unwrap().trim_start_matches('/')).is_file());
            charts += 1;
        }
    }
    assert!(charts >= 4, "only {charts} charts");
}

#[test]
fn published_build_refuses_an_image_without_alt_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.typ"),
        "#set document(title: \"A report\")\n#set text(lang: \"en\")\n= Heading\n#image(\"/chart.svg\", width: 5cm)\n",
    )
    .unwrap();
    let engine = Engine::new(dir.path(), &root().join("fonts")).unwrap();
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>"#.to_vec();
    let job = |enforce_ua| TypesetJob {
        template: "t.typ".into(),
        files: vec![("/chart.svg".into(), svg.clone())],
        ident: "t".into(),
        date: Date::parse("2020-01-01").unwrap(),
        enforce_ua,
    };
    let err = engine.compile_pdf(&job(true)).err().expect("an image without alt text must fail PDF/UA");
    assert!(err.to_string().to_lowercase().contains("alt"), "message should name the missing alt text: {err}");
    // A draft is not held to it (it is tagged, but inspectors see it while data changes).
    assert!(engine.compile_pdf(&job(false)).is_ok());
}
