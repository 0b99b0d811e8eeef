//! Accessibility gates: every chart carries alt text that states its message from the data, and
//! a published build refuses an image without alt text (PDF/UA-1).

use crate::common::*;
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
    // A questionnaire in area a: its chart too must carry alt text, and the aggregate pools it.
    let a = dir.path().join("data/inspections/a/inspection.yaml");
    let mut yaml = std::fs::read_to_string(&a).unwrap();
    yaml.push_str("questionnaires:\n  - title: Victims' views\n    respondents: victims\n    answers: [\"Yes, definitely\", \"Yes, reasonably\", \"Not really\"]\n    questions:\n      - {text: Were you kept informed?, counts: [4, 2, 1]}\n");
    std::fs::write(&a, yaml).unwrap();
    let dump = dir.path().join("typst");
    let mut s = Settings::for_root(dir.path());
    s.templates = root().join("report-templates");
    s.fonts = root().join("fonts");
    s.output = dir.path().join("out");
    s.dump_typst = Some(dump.clone());
    let summary = project::run(&s, &|_| {});
    assert!(summary.problems.is_empty(), "{}", summary.problems);
    assert_eq!(summary.built.len(), 3);

    // Every chart anywhere in the report model: an object with a `path` to an SVG.
    fn find_charts<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
        match v {
            serde_json::Value::Object(m) if m.get("path").and_then(|p| p.as_str()).is_some_and(|p| p.ends_with(".svg")) => out.push(v),
            serde_json::Value::Object(m) => m.values().for_each(|x| find_charts(x, out)),
            serde_json::Value::Array(xs) => xs.iter().for_each(|x| find_charts(x, out)),
            _ => {}
        }
    }
    let mut charts = 0;
    let mut questionnaires = 0;
    for report in ["mini/2020-21/a", "mini/2020-21/b", "aggregate/all"] {
        let data: serde_json::Value = serde_json::from_slice(&std::fs::read(dump.join(report).join("files/data.json")).unwrap()).unwrap();
        let mut found = Vec::new();
        find_charts(&data, &mut found);
        questionnaires += found.iter().filter(|c| c["path"].as_str().unwrap().contains("questionnaire")).count();
        for c in found {
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
    assert_eq!(questionnaires, 2, "the questionnaire chart of area a and of the aggregate");
}

#[test]
fn published_build_refuses_an_image_without_alt_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.typ"), "#set document(title: \"A report\")\n#set text(lang: \"en\")\n= Heading\n#image(\"/chart.svg\", width: 5cm)\n")
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

/// Text colours of the templates against the backgrounds they are printed on: at least 4.5:1
/// (WCAG 1.4.3). Every colour of the palette in `lib/style.typ` must be checked here, so a new
/// colour cannot slip in unchecked.
#[test]
fn template_text_colours_have_enough_contrast() {
    use inspection_reports::colour::{Rgb, MIN_TEXT_CONTRAST};
    let style = std::fs::read_to_string(root().join("report-templates/lib/style.typ")).unwrap();
    let mut palette = std::collections::BTreeMap::new();
    for line in style.lines() {
        // `#let name = rgb("#rrggbb")`
        if let Some((name, rest)) = line.strip_prefix("#let ").and_then(|l| l.split_once(" = rgb(\"")) {
            let hex = rest.split('"').next().unwrap();
            palette.insert(name.trim().to_string(), Rgb::parse(hex).unwrap_or_else(|| panic!("palette colour {name}: `{hex}` is not #rrggbb")));
        }
    }
    palette.insert("white".into(), Rgb(255, 255, 255));
    assert!(palette.len() >= 5, "palette not found in style.typ: {palette:?}");
    // (text, background, where)
    let pairs = [
        ("ink", "white", "body text"),
        ("brand", "white", "headings"),
        ("muted", "white", "running header, footer, captions"),
        ("ink", "header-fill", "table header rows"),
        ("muted", "header-fill", "notes in shaded rows"),
        ("white", "brand", "cover"),
        ("draft-colour", "white", "draft mark"),
    ];
    let mut checked = std::collections::BTreeSet::new();
    for (text, background, place) in pairs {
        let (t, b) = (palette[text], palette[background]);
        let ratio = t.contrast(b);
        assert!(ratio >= MIN_TEXT_CONTRAST, "{place}: {text} on {background} has a contrast of {ratio:.2}:1");
        checked.insert(text);
        checked.insert(background);
    }
    // Rules are lines, not text: WCAG asks 3:1 of graphics that carry meaning, and table rules
    // carry none. Every other colour must have been checked above.
    for name in palette.keys() {
        assert!(checked.contains(name.as_str()) || name == "rule-colour", "palette colour `{name}` is not checked for contrast");
    }
}

/// The rating colours of every framework shipped: their words stay legible on their fills.
#[test]
fn shipped_rating_colours_have_enough_contrast() {
    use inspection_reports::colour::{Rgb, MIN_TEXT_CONTRAST};
    let mut levels = 0;
    for entry in std::fs::read_dir(root().join("data/frameworks")).unwrap() {
        let path = entry.unwrap().path();
        let fw = inspection_reports::framework::load(&path).unwrap_or_else(|p| panic!("{p}"));
        for l in fw.ratings.iter().flat_map(|r| &r.levels) {
            let ratio = Rgb::parse(&l.text_colour).unwrap().contrast(Rgb::parse(&l.colour).unwrap());
            assert!(ratio >= MIN_TEXT_CONTRAST, "{}: {} text on fill {:.2}:1", path.display(), l.id, ratio);
            levels += 1;
        }
    }
    assert!(levels >= 4, "no rating level checked");
}
