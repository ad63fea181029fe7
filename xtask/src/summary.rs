//! Run `cargo test`, pass its output through, and end with one total line.
//!
//! `cargo test` prints a `test result:` line per test binary; with dozens of
//! binaries the last one says little. We add them up and finish with a line in
//! the same format covering the whole workspace.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// Counts from `test result:` lines.
#[derive(Debug, Default, PartialEq, Eq)]
struct Totals {
    passed: u64,
    failed: u64,
    ignored: u64,
    binaries: u64,
}

impl Totals {
    /// Add the counts of one `test result: ok. 3 passed; 0 failed; 1 ignored; ...` line.
    fn add_line(&mut self, line: &str) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        self.binaries += 1;
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(count)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(count) = count.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => self.passed += count,
                "failed" => self.failed += count,
                "ignored" => self.ignored += count,
                _ => {}
            }
        }
    }
}

/// Run the `cargo test` command, echoing its output, then print the workspace total.
pub fn run_and_total(mut command: Command) -> Result<()> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot start cargo test")?;
    let stdout = child.stdout.take().context("cargo test stdout")?;
    let mut totals = Totals::default();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        totals.add_line(&line);
    }
    let status = child.wait()?;
    let verdict = if status.success() && totals.failed == 0 {
        "ok"
    } else {
        "FAILED"
    };
    println!(
        "\ntest result: {verdict}. {} passed; {} failed; {} ignored; 0 measured; 0 filtered out (workspace total over {} test binaries)",
        totals.passed, totals.failed, totals.ignored, totals.binaries
    );
    if !status.success() {
        bail!("cargo test failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_up_result_lines_and_ignores_the_rest() {
        let mut totals = Totals::default();
        totals.add_line("test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        totals.add_line("running 2 tests");
        totals.add_line(
            "test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out",
        );
        assert_eq!(
            totals,
            Totals {
                passed: 4,
                failed: 2,
                ignored: 1,
                binaries: 2
            }
        );
    }
}
