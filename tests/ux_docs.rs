//! Issue 17, docs that stay true: demo.sh (the walkthrough of every user
//! on the shipped fixtures, which README quotes) runs and prints the same
//! twice; every --help example is a whole command whose flags exist; man
//! pages have the sections readers look for; completions offer values.

mod common;

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn demo(out: &Path) -> (i32, String) {
    let mut bash = Command::new("bash");
    // demo.sh's checks read English: no inherited locale or config.
    for k in common::LANGUAGE_ENV {
        bash.env_remove(k);
    }
    let o = bash
        .arg(root().join("demo.sh"))
        .env("PAYQR_BIN", env!("CARGO_BIN_EXE_payqr"))
        .env("PAYQR_DEMO_OUT", out)
        .env_remove("PAYQR_CONFIG")
        .env_remove("PAYQR_TRUST")
        .env_remove("PAYQR_LEDGER")
        .env_remove("PAYQR_TZ")
        .env("NO_COLOR", "1")
        .output()
        .expect("run demo.sh");
    let mut text = String::from_utf8_lossy(&o.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), text)
}

#[test]
fn demo_runs_on_the_fixtures_and_prints_the_same_twice() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("demo-out");
    let (rc1, first) = demo(&out);
    assert_eq!(rc1, 0, "{first}");
    assert!(first.contains("demo: all steps done"), "{first}");
    assert!(first.contains(": identical"), "notice reprint: {first}");
    let (rc2, second) = demo(&out);
    assert_eq!(rc2, 0, "{second}");
    if first != second {
        let diff: Vec<String> = first
            .lines()
            .zip(second.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("- {a}\n+ {b}"))
            .collect();
        panic!("two runs differ:\n{}", diff.join("\n"));
    }
}

fn help(args: &[&str]) -> String {
    let o = common::command().args(args).arg("--help").output().unwrap();
    assert!(o.status.success(), "{args:?}");
    String::from_utf8(o.stdout).unwrap()
}

fn subcommands(path: &[&str]) -> Vec<Vec<String>> {
    let text = help(path);
    let mut out = vec![];
    let mut in_cmds = false;
    for l in text.lines() {
        if l == "Commands:" {
            in_cmds = true;
            continue;
        }
        if in_cmds {
            if l.is_empty() || !l.starts_with("  ") {
                break;
            }
            // A description wrapped onto the next line, not a subcommand.
            if l.starts_with("   ") {
                continue;
            }
            let name = l.split_whitespace().next().unwrap();
            if name == "help" {
                continue;
            }
            let mut p: Vec<String> = path.iter().map(|s| s.to_string()).collect();
            p.push(name.to_string());
            let refs: Vec<&str> = p.iter().map(String::as_str).collect();
            let deeper = subcommands(&refs);
            if deeper.is_empty() {
                out.push(p);
            } else {
                out.extend(deeper);
            }
        }
    }
    out
}

/// Every example in every --help: lines joined at a trailing backslash
/// give whole `payqr SUBCOMMAND ...` commands (a continuation line without
/// the backslash before it shows up as a line starting with `--`), and
/// every flag they use is one the subcommand has.
#[test]
fn every_help_example_is_a_whole_command_with_real_flags() {
    let all = subcommands(&[]);
    assert!(all.len() > 10, "{all:?}");
    for path in all {
        let refs: Vec<&str> = path.iter().map(String::as_str).collect();
        let text = help(&refs);
        let start = text
            .find("Example")
            .unwrap_or_else(|| panic!("{path:?}: no example"));
        let mut commands: Vec<String> = vec![];
        let mut continued = false;
        // The line before was (part of) a command.
        let mut after_command = false;
        for l in text[start..].lines().skip(1) {
            let t = l.trim();
            if continued {
                commands.last_mut().unwrap().push(' ');
                commands
                    .last_mut()
                    .unwrap()
                    .push_str(t.trim_end_matches('\\'));
            } else if t.starts_with("--") && after_command {
                panic!("{path:?}: {t:?} continues a command without a backslash before it");
            } else if let Some(i) = t.find("payqr ").filter(|_| l.starts_with("  ")) {
                commands.push(t[i..].trim_end_matches('\\').to_string());
            } else {
                after_command = false;
                continued = false;
                continue;
            }
            after_command = true;
            continued = t.ends_with('\\');
        }
        assert!(
            !commands.is_empty(),
            "{path:?}: no payqr command in its examples"
        );
        for c in commands
            .iter()
            .filter(|c| c.starts_with(&format!("payqr {}", path.join(" "))))
        {
            for flag in c.split_whitespace().filter(|w| w.starts_with("--")) {
                let flag = flag.split('=').next().unwrap();
                assert!(
                    text.contains(&format!("{flag} ")) || text.contains(&format!("{flag}\n")),
                    "{path:?}: example uses {flag}, which it does not have: {c}"
                );
            }
        }
    }
}

#[test]
fn man_pages_have_the_usual_sections_and_completions_offer_values() {
    for entry in std::fs::read_dir(root().join("man")).unwrap() {
        let p = entry.unwrap().path();
        let page = std::fs::read_to_string(&p).unwrap();
        for section in [
            ".SH EXAMPLES",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
            ".SH \"SEE ALSO\"",
        ] {
            assert!(page.contains(section), "{}: no {section}", p.display());
        }
        assert!(page.contains("130"), "{}: exit status 130", p.display());
        assert!(page.contains("PAYQR_TRUST"), "{}", p.display());
    }
    let bash = std::fs::read_to_string(root().join("completions/payqr.bash")).unwrap();
    for values in [
        "fine bill",
        "png svg notice-svg",
        "pq emv",
        "auto generic wechat alipay",
    ] {
        assert!(bash.contains(values), "bash completion lacks {values:?}");
    }
    let fish = std::fs::read_to_string(root().join("completions/payqr.fish")).unwrap();
    assert!(fish.contains("fine") && fish.contains("notice-svg"), "fish");
}
