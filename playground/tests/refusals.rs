//! Programs outside the subset: each refused at the right line and column,
//! with a message that names the construct (the table in docs/playground.md).

use reactor_playground::{Limits, compile};

/// `main`'s frame: the construct under test goes on line 3.
fn in_main(line: &str) -> String {
    format!("#[tokio::main]\nasync fn main() {{\n{line}\n}}\n")
}

#[test]
fn twenty_constructs_are_refused_where_they_are_with_their_name() {
    let cases: Vec<(String, u32, u32, &str)> = vec![
        (in_main("    let add = |a, b| a + b;"), 3, 15, "closures"),
        (
            "struct Point { x: i32 }\n#[tokio::main]\nasync fn main() {}".into(),
            1,
            1,
            "structs",
        ),
        (
            "enum E { A }\n#[tokio::main]\nasync fn main() {}".into(),
            1,
            1,
            "enums",
        ),
        (
            "trait T {}\n#[tokio::main]\nasync fn main() {}".into(),
            1,
            1,
            "traits",
        ),
        (
            "impl X {}\n#[tokio::main]\nasync fn main() {}".into(),
            1,
            1,
            "`impl` blocks",
        ),
        (
            "use serde::Deserialize;\n#[tokio::main]\nasync fn main() {}".into(),
            1,
            5,
            "`serde`",
        ),
        (
            "use tokio::prelude::*;\n#[tokio::main]\nasync fn main() {}".into(),
            1,
            21,
            "glob imports",
        ),
        (in_main("    let x = 1.5;"), 3, 13, "floating-point"),
        (in_main("    let c = 'a';"), 3, 13, "character literals"),
        (in_main("    let v = [1, 2, 3];"), 3, 13, "array literals"),
        (
            in_main("    let m = tokio::sync::Mutex::new(0);"),
            3,
            13,
            "`tokio::sync::Mutex::new`",
        ),
        (in_main("    let n = 1 << 3;"), 3, 15, "bit operators"),
        (
            in_main("    'outer: loop { break 'outer; }"),
            3,
            5,
            "labels",
        ),
        (
            in_main("    while let Ok(n) = f() {}"),
            3,
            11,
            "`while let`",
        ),
        (in_main("    let s = x.name;"), 3, 15, "named fields"),
        (
            in_main("    let m = HashMap::new();"),
            3,
            13,
            "`HashMap::new`",
        ),
        (in_main("    let t = x.trim();"), 3, 15, "method `trim`"),
        (in_main("    unsafe { }"), 3, 5, "`unsafe`"),
        ("async fn main() {}".into(), 1, 10, "#[tokio::main]"),
        (
            "fn helper() { sleep().await; }\n#[tokio::main]\nasync fn main() {}".into(),
            1,
            23,
            "`.await` is only allowed",
        ),
        (
            in_main("    let n = match 3 { x if x > 1 => 1, _ => 0 };"),
            3,
            28,
            "match guards",
        ),
        (in_main("    let d = dbg!(3);"), 3, 13, "`dbg!`"),
        (
            in_main("    println!(\"{:>5}\", 3);"),
            3,
            14,
            "only `{}` and `{:?}`",
        ),
        (
            "#[tokio::main(flavor = \"current_thread\", worker_threads = 2)]\nasync fn main() {}"
                .into(),
            1,
            59,
            "`worker_threads` only goes with",
        ),
        (
            "#[tokio::main]\nasync fn main() {\n    let x = ;\n}".into(),
            3,
            13,
            "not valid Rust",
        ),
    ];
    assert!(cases.len() >= 20);
    let mut wrong = Vec::new();
    for (source, line, column, named) in &cases {
        let Err(error) = compile(source, "", &Limits::default()) else {
            wrong.push(format!("{source}\n→ accepted"));
            continue;
        };
        if !error.message.contains(named)
            || (error.line, error.column) != (*line, *column)
            || error.in_peer
        {
            wrong.push(format!(
                "{source}\n→ {error}\n(expected {line}:{column}, naming {named})"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn a_program_too_long_or_nested_too_deep_is_refused_before_parsing() {
    let limits = Limits::default();
    let long = format!(
        "// {}\n#[tokio::main]\nasync fn main() {{}}",
        "x".repeat(limits.max_source_bytes)
    );
    let error = compile(&long, "", &limits).unwrap_err();
    assert!(error.message.contains("at most"), "{error}");
    let deep = in_main(&format!(
        "    let x = {}1{};",
        "(".repeat(100),
        ")".repeat(100)
    ));
    let error = compile(&deep, "", &limits).unwrap_err();
    assert!(error.message.contains("nested"), "{error}");
    let chain = in_main(&format!("    let x = 1{};", " + 1".repeat(200)));
    let error = compile(&chain, "", &limits).unwrap_err();
    assert!(error.message.contains("nested"), "{error}");
}

#[test]
fn a_peer_mistake_is_said_of_the_peer() {
    let source = "#[tokio::main]\nasync fn main() {}";
    let error = compile(source, "at 0 ms connect\nat 1 ms dance", &Limits::default()).unwrap_err();
    assert!(error.in_peer);
    assert_eq!((error.line, error.column), (2, 9));
}
