//! Data never becomes code: names and narratives with Typst or MiniJinja syntax appear
//! literally in the PDF, and a template cannot be made to read files outside the project.

use crate::common::*;

#[test]
fn hostile_text_renders_literally() {
    let dir = tempfile::tempdir().unwrap();
    let area = r#"Evil #read("/etc/passwd") $x$ *b* _i_ <l> @ref // {{ x }} {% raw %} \ ]"#;
    let summary = r##"#set page(fill: red) ] $ * _ <label> @ref // {{ 1 + 1 }} {% if true %}yes{% endif %} back\slash"##;
    let cases = "case_id,sex,q1,q2,q3\nc1,Male,Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n";
    mini_project(dir.path(), &[("evil", area, summary, cases)]);
    let out = dir.path().join("output");
    let result = build(dir.path(), &out, false);
    assert!(result.problems.is_empty(), "{}", result.problems);
    let text = squash(&pdf_text(&out.join("mini/2020-21/evil.pdf")));
    for literal in [area, summary] {
        assert!(text.contains(&squash(literal)), "`{literal}` not found literally in:\n{text}");
    }
    assert!(!text.contains("root:"), "a file outside the project was read");
}

#[test]
fn templates_cannot_read_outside_the_project() {
    use inspection_reports::date::Date;
    use inspection_reports::typeset::{Engine, TypesetJob};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.typ"), "#set document(title: [t])\n#read(\"/etc/passwd\")\n#read(\"../../../../etc/passwd\")").unwrap();
    let engine = Engine::new(dir.path(), &root().join("fonts")).unwrap();
    let job = TypesetJob { template: "main.typ".into(), files: vec![], ident: "t".into(), date: Date::parse("2020-01-01").unwrap(), enforce_ua: false };
    let err = engine.compile_pdf(&job).err().expect("reading a file outside the project must fail");
    assert!(err.message.contains("not found"), "{}", err.message);
    assert!(!err.message.contains("root:"));

    std::fs::write(dir.path().join("pkg.typ"), "#import \"@preview/example:0.1.0\": *").unwrap();
    let engine = Engine::new(dir.path(), &root().join("fonts")).unwrap();
    let err = engine.compile_pdf(&TypesetJob { template: "pkg.typ".into(), ..job }).err().expect("no package downloads");
    assert!(err.message.contains("packages are not available"), "{}", err.message);
}

#[test]
fn hostile_framework_texts_and_case_values_render_literally() {
    let dir = tempfile::tempdir().unwrap();
    let question = r#"Was #read("/etc/passwd") done? $x$ *b* <l> @r // {{ q }} {% raw %} \"#;
    let value = r#"#set text(red) ]{{ v }}"#;
    let title = r#"Headline #emph[x] {% if 1 %}"#;
    let cases = format!("case_id,sex,q1,q2,q3\nc1,\"{value}\",Yes,Yes,Yes\nc2,Female,Yes,No,Yes\nc3,Male,No,Yes,Yes\n");
    mini_project(dir.path(), &[("evil", "Area", "Summary.", &cases)]);
    let fw = MINI_FRAMEWORK
        .replace("\"Question one?\"", &serde_json::to_string(question).unwrap())
        .replace("[Male, Female]", &format!("[Male, Female, {}]", serde_json::to_string(value).unwrap()))
        .replace("title: Headline one", &format!("title: {}", serde_json::to_string(title).unwrap()));
    std::fs::write(dir.path().join("data/frameworks/mini.yaml"), fw).unwrap();
    let out = dir.path().join("output");
    let result = build(dir.path(), &out, false);
    assert!(result.problems.is_empty(), "{}", result.problems);
    // Without spaces: a line may break after the `/` of a path, which the text of the PDF gives
    // as a space.
    let bare = |s: &str| s.split_whitespace().collect::<String>();
    let text = bare(&pdf_text(&out.join("mini/2020-21/evil.pdf")));
    for literal in [question, value, title] {
        assert!(text.contains(&bare(literal)), "`{literal}` not found literally in {text}");
    }
}
