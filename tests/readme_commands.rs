//! Issue 17, docs that stay true: every command in README.md runs as
//! written. The ```sh blocks are taken from README.md in order and run top
//! to bottom by one bash, in a fresh copy of fixtures/, with the payqr under
//! test first on PATH and no PAYQR_*, LANG or LC_* in the environment. Each
//! command (a line, with its `\` continuations) must exit 0, or the code a
//! `# exit N` comment on it names; the first that does not fails the test,
//! naming its README line and quoting its stderr.
//!
//! A block that cannot run here is fenced ```sh norun: REASON; those are
//! listed in NOT_RUN below, so a new one fails until it is added there with
//! its reason. Any other shell fence, and any fence without an info string,
//! fails the test: an unrunnable command cannot slip in unnoticed.
//!
//! The verdict sample under "The merchant" is compared with what payqr
//! printed for the README command that produces it, times masked.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Blocks fenced ```sh norun, by their first line, with why they are not run.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "bash demo.sh",
        "builds payqr and runs the test suite (tests/ux_docs.rs runs demo.sh)",
    ),
    (
        "payqr release verify --pub payqr-release.pub SHA256SUMS",
        "needs a downloaded release",
    ),
    (
        "apt-get install gcc-mingw-w64-x86-64 musl-tools",
        "installs system packages and cross-builds a release",
    ),
    (
        "cargo run -- generate-docs .",
        "rewrites the repository's man/ and completions/ (tests/docs_fresh.rs checks them)",
    ),
    (
        "cargo run --release --example synth_photos",
        "a benchmark (release build, installs zxing-cpp and ZBar)",
    ),
    (
        "PAYQR_PHOTO_CORPUS=../shared/corpus/qr-photos cargo test",
        "needs a photo corpus kept outside the repository",
    ),
    (
        "cargo install cargo-fuzz",
        "installs cargo-fuzz and needs a nightly toolchain",
    ),
];

/// The README command whose stdout the verdict sample shows.
const SAMPLE_COMMAND: &str =
    "payqr verify --trust trust.json --ledger ledger.jsonl --tz +08:00 fine.png";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Fence {
    /// 1-based README line of the opening fence.
    line: usize,
    info: String,
    /// (README line, text) of each line inside the fence.
    body: Vec<(usize, String)>,
}

fn fences(readme: &str) -> Vec<Fence> {
    let mut out = vec![];
    let mut open: Option<Fence> = None;
    for (i, l) in readme.lines().enumerate() {
        let n = i + 1;
        match (&mut open, l.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Fence {
                    line: n,
                    info: info.trim().to_owned(),
                    body: vec![],
                })
            }
            (Some(_), Some("")) => out.push(open.take().expect("open fence")),
            (Some(f), _) => f.body.push((n, l.to_owned())),
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "README.md: a fence is never closed");
    out
}

/// One command: the README line it starts on, its text (continuation lines
/// kept), and the exit code it is expected to give.
struct Cmd {
    line: usize,
    text: String,
    want: i32,
}

fn commands(f: &Fence) -> Vec<Cmd> {
    let mut out = vec![];
    let mut cur: Option<Cmd> = None;
    for (n, l) in &f.body {
        let t = l.trim();
        if cur.is_none() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        let c = cur.get_or_insert_with(|| Cmd {
            line: *n,
            text: String::new(),
            want: 0,
        });
        c.text.push_str(l);
        c.text.push('\n');
        if let Some(w) = exit_marker(l) {
            c.want = w;
        }
        if !l.trim_end().ends_with('\\') {
            out.push(cur.take().expect("command"));
        }
    }
    if let Some(c) = cur {
        panic!("README.md:{}: command ends in a continuation", c.line);
    }
    out
}

/// `# exit N` in a line's trailing comment.
fn exit_marker(line: &str) -> Option<i32> {
    let i = line.find("# exit ")?;
    let digits: String = line[i + 7..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn is_shell(info: &str) -> bool {
    let lang = info.split_whitespace().next().unwrap_or("");
    ["sh", "bash", "shell", "console", "zsh", "powershell"].contains(&lang)
}

/// The blocks to run, after checking every fence is either run, listed in
/// NOT_RUN, or not a shell block.
fn runnable(readme: &str) -> Vec<Fence> {
    let mut run = vec![];
    let mut skipped = vec![];
    let mut problems = vec![];
    for f in fences(readme) {
        let first = f
            .body
            .iter()
            .map(|(_, l)| l.trim())
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("")
            .to_owned();
        if f.info.is_empty() {
            problems.push(format!(
                "README.md:{}: a fence without an info string (```text for output, ```sh for commands)",
                f.line
            ));
        } else if f.info == "sh" {
            run.push(f);
        } else if let Some(reason) = f.info.strip_prefix("sh norun:") {
            match NOT_RUN.iter().find(|(start, _)| first.starts_with(start)) {
                Some(_) if !reason.trim().is_empty() => skipped.push((f.line, first)),
                Some(_) => problems.push(format!(
                    "README.md:{}: ```sh norun: needs its reason",
                    f.line
                )),
                None => problems.push(format!(
                    "README.md:{}: ```{} block `{first}` is not run and not in NOT_RUN of tests/readme_commands.rs",
                    f.line, f.info
                )),
            }
        } else if is_shell(&f.info) {
            problems.push(format!(
                "README.md:{}: ```{} block `{first}`: fence commands as ```sh (run by this test) or ```sh norun: REASON",
                f.line, f.info
            ));
        }
    }
    for (start, _) in NOT_RUN {
        if !skipped.iter().any(|(_, first)| first.starts_with(start)) {
            problems.push(format!(
                "NOT_RUN lists `{start}`, which no ```sh norun block of README.md starts with"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (line, first) in &skipped {
        eprintln!("not run (```sh norun): README.md:{line}: {first}");
    }
    run
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// The script: each command in a `{ }` group in the same shell (so `cd`,
/// variables and files carry over), its stdout and stderr kept per command,
/// its exit code checked against the expected one.
fn script(cmds: &[Cmd], logs: &Path) -> String {
    let mut s = String::from(
        "set -o pipefail\n\
         check() { if [ \"$1\" != \"$2\" ]; then\n\
           printf 'README.md:%s: exit %s, expected %s\\n' \"$3\" \"$1\" \"$2\" >&2\n\
           cat \"$4\" >&2; exit 100; fi; }\n",
    );
    for c in cmds {
        let out = logs.join(format!("{}.out", c.line));
        let err = logs.join(format!("{}.err", c.line));
        s.push_str(&format!(
            "{{ {}}} >'{}' 2>'{}' </dev/null\ncheck $? {} {} '{}'\n",
            c.text,
            out.display(),
            err.display(),
            c.want,
            c.line,
            err.display()
        ));
    }
    s
}

/// What varies from run to run: times and durations, and the code id (the
/// README's key is made by keygen, so it is new each run); the rest of a
/// verdict does not.
fn mask(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines() {
        let mut l = line.to_owned();
        if let Some(i) = l.find("expires in ") {
            l.truncate(i);
            l.push_str("expires in <time>");
        }
        if let Some(i) = l.find(", code ") {
            let id = &l[i + 7..];
            if id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                l.truncate(i);
                l.push_str(", code <code id>");
            }
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

#[test]
fn every_readme_command_runs_as_written_on_the_fixtures() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let blocks = runnable(&readme);
    let cmds: Vec<Cmd> = blocks.iter().flat_map(commands).collect();
    assert!(
        cmds.len() >= 10,
        "only {} README commands found",
        cmds.len()
    );

    let d = tempfile::tempdir().unwrap();
    let work = d.path().join("payqr");
    copy_dir(&root().join("fixtures"), &work.join("fixtures"));
    let bin = d.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = env!("CARGO_BIN_EXE_payqr");
    #[cfg(unix)]
    std::os::unix::fs::symlink(exe, bin.join("payqr")).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(exe, bin.join("payqr.exe")).unwrap();
    let logs = d.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let script_path = d.path().join("readme.sh");
    std::fs::write(&script_path, script(&cmds, &logs)).unwrap();

    let mut c = Command::new("bash");
    c.arg(&script_path).current_dir(&work);
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("PAYQR_") || k.starts_with("LC_") || k == "LANG" || k == "LANGUAGE" {
            c.env_remove(&k);
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin.clone()];
    paths.extend(std::env::split_paths(&path));
    c.env("PATH", std::env::join_paths(paths).unwrap())
        .env("HOME", d.path())
        .env_remove("XDG_CONFIG_HOME")
        .env("NO_COLOR", "1");
    let o = c.output().expect("run bash");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success(),
        "a README command failed (bash exit {:?}):\n{stderr}",
        o.status.code()
    );

    // Every command's stderr: one line per problem, never a panic.
    let outputs: BTreeMap<usize, &Cmd> = cmds.iter().map(|c| (c.line, c)).collect();
    for (line, c) in &outputs {
        let err = std::fs::read_to_string(logs.join(format!("{line}.err"))).unwrap();
        assert!(
            !err.contains("panicked"),
            "README.md:{line}: {}panicked:\n{err}",
            c.text
        );
    }

    // The verdict sample under "The merchant" is what payqr printed.
    let sample_cmd = cmds
        .iter()
        .find(|c| c.text.trim() == SAMPLE_COMMAND)
        .unwrap_or_else(|| panic!("README.md runs no `{SAMPLE_COMMAND}`"));
    let sample = fences(&readme)
        .into_iter()
        .find(|f| {
            f.line > sample_cmd.line
                && f.info == "text"
                && f.body.first().is_some_and(|(_, l)| l.starts_with("VALID"))
        })
        .expect("a ```text verdict sample after the merchant's verify");
    let shown: String = sample.body.iter().map(|(_, l)| format!("{l}\n")).collect();
    let printed = std::fs::read_to_string(logs.join(format!("{}.out", sample_cmd.line))).unwrap();
    assert_eq!(
        mask(&shown),
        mask(&printed),
        "README.md:{}: the verdict sample differs from what `{SAMPLE_COMMAND}` (README.md:{}) printed",
        sample.line,
        sample_cmd.line
    );
}

#[test]
fn exit_markers_are_read() {
    assert_eq!(exit_marker("payqr verify x   # exit 1: refused"), Some(1));
    assert_eq!(exit_marker("payqr verify x   # exits quietly"), None);
    assert_eq!(exit_marker("payqr verify x"), None);
    let f = Fence {
        line: 1,
        info: "sh".into(),
        body: vec![
            (2, "# a comment".into()),
            (3, "payqr a \\".into()),
            (4, "    --b   # exit 2".into()),
            (5, "payqr c".into()),
        ],
    };
    let c = commands(&f);
    assert_eq!(c.len(), 2);
    assert_eq!((c[0].line, c[0].want), (3, 2));
    assert_eq!((c[1].line, c[1].want), (5, 0));
}
