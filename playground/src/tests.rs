//! The article's programs, run as written, against the built-in scenarios.

use reactor_engine::{LabRun, LabRunOptions};
use reactor_protocol::Record;

use crate::examples::{ARTICLE_HANDLER, ARTICLE_PEER, ARTICLE_SPAWN};
use crate::{Limits, compile};

fn run(source: &str, peer: &str) -> Vec<Record> {
    let compiled =
        compile(source, peer, &Limits::default()).unwrap_or_else(|error| panic!("{error}"));
    compiled.load(LabRunOptions::default()).unwrap().run()
}

fn kinds(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|record| {
            serde_json::to_value(record).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn scenario(id: &str) -> Vec<Record> {
    LabRun::load(id, LabRunOptions::default()).unwrap().run()
}

#[test]
fn article_spawn_example_makes_spawn_lifecycles_records() {
    let records = run(ARTICLE_SPAWN, "");
    assert_eq!(kinds(&records), kinds(&scenario("spawn_lifecycle")));
    let printed: Vec<&Record> = records
        .iter()
        .filter(|record| matches!(&record.event, reactor_protocol::Event::Output { text, .. } if text == "done!"))
        .collect();
    assert_eq!(printed.len(), 1);
    let span = printed[0].span.expect("println! carries its line");
    assert_eq!((span.line, span.column), (5, 9));
}

#[test]
fn article_handle_connection_makes_tcp_reads_records() {
    let records = run(ARTICLE_HANDLER, ARTICLE_PEER);
    assert_eq!(kinds(&records), kinds(&scenario("tcp_read")));
}

#[test]
fn each_example_makes_its_scenarios_record_kinds_and_output() {
    for example in crate::examples::EXAMPLES {
        let Some(id) = example.scenario else { continue };
        let records = run(example.program, example.peer);
        let outputs = |records: &[Record]| -> Vec<String> {
            records
                .iter()
                .filter_map(|record| match &record.event {
                    reactor_protocol::Event::Output { text, .. } => Some(text.clone()),
                    _ => None,
                })
                .collect()
        };
        let expected = scenario(id);
        assert_eq!(outputs(&records), outputs(&expected), "{}", example.id);
        assert_eq!(
            kinds(&records),
            kinds(&expected),
            "{} against {id}",
            example.id
        );
    }
}

#[test]
fn an_async_move_block_takes_the_stream_it_uses() {
    let inline = ARTICLE_HANDLER.replace(
        "tokio::spawn(handle_connection(stream))",
        "tokio::spawn(async move {\n        let mut buf = [0u8; 1024];\n        let n = stream.read(&mut buf).await.unwrap();\n        println!(\"Read {} bytes\", n);\n    })",
    );
    assert_ne!(inline, ARTICLE_HANDLER);
    // The stream closes when the task that took it ends, as in tcp_read.
    assert_eq!(
        kinds(&run(&inline, ARTICLE_PEER)),
        kinds(&scenario("tcp_read"))
    );
}
