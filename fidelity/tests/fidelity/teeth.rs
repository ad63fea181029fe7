//! The comparator has teeth: a park moved by 5 ms fails the comparison,
//! on the engine's own parks and on the real comparison with Tokio, where
//! Tokio's self-wakes are left out.

use reactor_fidelity::compare::{self, TOLERANCE_MS};
use reactor_fidelity::observed::{Observed, Park};
use reactor_fidelity::program::{Clock, Program};

use crate::support::{engine, tokio};

#[test]
fn moving_one_engine_park_by_5_ms_fails_the_comparison() {
    let parks = &engine(Program::SpawnLifecycle).parks;
    assert!(
        parks.iter().any(|park| park.asked_ms.is_some()),
        "spawn_lifecycle parks on a timer"
    );
    assert_eq!(
        compare::compare_parks(("engine", "engine"), parks, parks),
        Ok(())
    );

    for (index, park) in parks.iter().enumerate() {
        let Some(asked) = park.asked_ms else { continue };
        let mut moved = parks.clone();
        moved[index].asked_ms = Some(asked + 5.0);
        let table = compare::compare_parks(("engine", "moved"), parks, &moved)
            .expect_err("a park 5 ms off must not match");
        let marked: Vec<&str> = table.lines().filter(|line| line.starts_with('✗')).collect();
        assert_eq!(marked.len(), 1, "{table}");
        assert!(
            marked[0].starts_with(&format!("✗ {index} ")),
            "row {index} is the one marked\n{table}"
        );
        // Within the tolerance it still matches.
        moved[index].asked_ms = Some(asked + TOLERANCE_MS);
        assert_eq!(
            compare::compare_parks(("engine", "moved"), parks, &moved),
            Ok(())
        );
    }
}

/// `observed` with park `index` asking 5 ms later (`None` if it waits forever).
fn moved(observed: &Observed, index: usize) -> Option<Observed> {
    let mut moved = observed.clone();
    let park: &mut Park = &mut moved.parks[index];
    park.asked_ms = Some(park.asked_ms? + 5.0);
    Some(moved)
}

/// The comparison the `against_engine` tests make, self-wakes left out:
/// every timer program matches, and moving any one park of either side by
/// 5 ms (Tokio's self-wakes included) makes it fail.
#[test]
fn moving_any_park_by_5_ms_fails_the_comparison_with_tokio() {
    let mut example = None;
    for program in Program::ALL {
        if program.comparison_clock() != Clock::Paused {
            continue;
        }
        let tokio = &tokio(program, Clock::Paused).observed;
        let engine = &*engine(program);
        let names = ("Tokio (paused clock)", "engine");
        if let Err(table) = compare::compare((names.0, tokio), (names.1, engine)) {
            panic!("{program}: does not match to begin with\n{table}");
        }
        for index in 0..tokio.parks.len() {
            if let Some(tokio) = moved(tokio, index) {
                let result = compare::compare((names.0, &tokio), (names.1, engine));
                assert!(
                    result.is_err(),
                    "{program}: Tokio #{index} moved by 5 ms matches"
                );
            }
        }
        for index in 0..engine.parks.len() {
            if let Some(engine) = moved(engine, index) {
                let table = compare::compare((names.0, tokio), (names.1, &engine))
                    .expect_err("an engine park 5 ms off must not match");
                if program == Program::SpawnLifecycle && index == 1 {
                    example = Some(table);
                }
            }
        }
    }
    // What a developer sees: spawn_lifecycle with the engine's park for
    // the 1000 ms deadline moved to 1005 ms.
    let example = example.expect("spawn_lifecycle has an engine park #1");
    println!("{example}");
    let marked: Vec<&str> = example
        .lines()
        .filter(|line| line.starts_with('✗'))
        .collect();
    assert_eq!(marked.len(), 1, "{example}");
    assert!(marked[0].contains("1005.000"), "{example}");
    assert!(example.contains("1 self-wake left out (#0)"), "{example}");
}
