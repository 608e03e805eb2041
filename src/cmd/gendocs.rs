//! `payqr generate-docs DIR` (hidden): writes DIR/man/*.1 and
//! DIR/completions/* from the clap definition, so they never drift from it.
//! Man pages get the sections readers look for (EXAMPLES, EXIT STATUS,
//! ENVIRONMENT, FILES, SEE ALSO); completions offer the values of flags
//! that take one of a few words (`--kind fine|bill`, `--format`, ...).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::builder::PossibleValuesParser;
use clap_complete::Shell;

use super::common::{CmdResult, Failure, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory that receives man/ and completions/.
    pub dir: PathBuf,
}

/// `cli` is the clap tree, handed in by the caller so this module does not
/// import the one that names it (no module cycle).
pub fn run(a: Args, cli: clap::Command) -> CmdResult {
    generate(&a.dir, cli).map_err(|e| Failure::new(format!("{}: {e}", a.dir.display())))?;
    Ok(Outcome::Success)
}

/// The flags whose values are a few words, per subcommand: offered by the
/// completions and listed in the man pages. (Parsing keeps its own
/// checks, which also accept aliases and any letter case.)
const VALUES: &[(&str, &str, &[&str])] = &[
    ("issue", "kind", &["fine", "bill"]),
    ("issue", "format", &["png", "svg", "notice-svg"]),
    ("issue", "profile", &["pq", "emv"]),
    ("issue", "encoding", &["utf-8", "gbk", "gb18030"]),
    (
        "reconcile",
        "format",
        &[
            "auto", "generic", "wechat", "alipay", "camt052", "camt053", "camt054",
        ],
    ),
    ("reconcile", "encoding", &["utf-8", "gbk", "gb18030"]),
];

fn with_values(mut cmd: clap::Command) -> clap::Command {
    for (sub, arg, values) in VALUES {
        cmd = cmd.mut_subcommand(sub, |c| {
            c.mut_arg(*arg, |a| a.value_parser(PossibleValuesParser::new(*values)))
        });
    }
    cmd
}

fn generate(dir: &Path, tree: clap::Command) -> std::io::Result<()> {
    let man = dir.join("man");
    let comp = dir.join("completions");
    std::fs::create_dir_all(&man)?;
    std::fs::create_dir_all(&comp)?;
    let cli = || with_values(tree.clone());
    let mut root = cli().disable_help_subcommand(true);
    root.build();
    man_pages(&root, &root, &man)?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        clap_complete::generate_to(shell, &mut cli(), "payqr", &comp)?;
    }
    Ok(())
}

fn man_pages(root: &clap::Command, cmd: &clap::Command, dir: &Path) -> std::io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(root, sub, dir)?;
    }
    let page = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    page.render_title(&mut out)?;
    page.render_name_section(&mut out)?;
    page.render_synopsis_section(&mut out)?;
    page.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        page.render_options_section(&mut out)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        page.render_subcommands_section(&mut out)?;
    }
    write!(out, "{}", sections(root, cmd))?;
    page.render_version_section(&mut out)?;
    let mut f = std::fs::File::create(dir.join(page.get_filename()))?;
    f.write_all(&out)?;
    f.flush()
}

/// Text as roff: backslashes escaped, no line read as a request.
fn roff(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.replace('\\', "\\e");
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn display_name(cmd: &clap::Command) -> String {
    cmd.get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_string()
}

/// EXAMPLES (the help's examples and notes), EXIT STATUS, ENVIRONMENT,
/// FILES and SEE ALSO.
fn sections(root: &clap::Command, cmd: &clap::Command) -> String {
    let mut s = String::new();
    let examples = match cmd.get_after_help() {
        Some(h) if cmd.get_name() != root.get_name() => h.to_string(),
        _ => ROOT_EXAMPLES.to_string(),
    };
    s.push_str(".SH EXAMPLES\n.nf\n");
    s.push_str(&roff(&examples));
    s.push_str("\n.fi\n");
    s.push_str(".SH \"EXIT STATUS\"\n.nf\n");
    s.push_str(&roff(EXIT_STATUS));
    s.push_str("\n.fi\n.SH ENVIRONMENT\n.nf\n");
    s.push_str(&roff(ENVIRONMENT));
    s.push_str("\n.fi\n.SH FILES\n.nf\n");
    s.push_str(&roff(FILES));
    s.push_str("\n.fi\n.SH \"SEE ALSO\"\n");
    let me = display_name(cmd);
    let mut see: Vec<String> = vec![];
    if me != display_name(root) {
        see.push("payqr(1)".into());
    }
    fn all(c: &clap::Command, out: &mut Vec<String>) {
        for sub in c.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_subcommands().any(|x| !x.is_hide_set()) {
                all(sub, out);
            } else {
                out.push(display_name(sub));
            }
        }
    }
    let mut pages = vec![];
    all(root, &mut pages);
    see.extend(
        pages
            .into_iter()
            .filter(|p| *p != me)
            .map(|p| format!("{p}(1)")),
    );
    s.push_str(&see.join(", "));
    s.push_str("\n.PP\nREADME.md and docs/FORMAT.md in the payqr sources.\n");
    s
}

const ROOT_EXAMPLES: &str = "\
payqr keygen --issuer bj-traffic --name \"Beijing traffic police\" --out keys/bj-2026
payqr trust add keys/bj-2026.pub --trust trust.json
payqr issue --key keys/bj-2026.key --from fines.csv --out-dir out/ --ledger ledger.jsonl \\
    --currency CNY --payee BJ-FINES --expires-in 30d
payqr verify --trust trust.json --ledger ledger.jsonl photo.jpg
payqr redeem --trust trust.json --ledger ledger.jsonl --txn POS-0001 photo.jpg
payqr reconcile --ledger ledger.jsonl --settlement wechat.csv --report report.csv";

const EXIT_STATUS: &str = "\
0    success: every code valid or redeemed, no discrepancy
1    negative result: a code is not valid, a redemption was refused,
     stdin held no code, or reconciliation found discrepancies
2    usage or input error (bad flags, unreadable file, bad CSV row)
130  interrupted (Ctrl-C); a batch issue keeps what it finished:
     rerun the same command to go on";

const ENVIRONMENT: &str = "\
PAYQR_CONFIG   the config file (instead of the user config folder's)
PAYQR_TRUST    default for --trust
PAYQR_LEDGER   default for --ledger
PAYQR_TZ       default for --tz
NO_COLOR       when set and not empty: no colour in verdicts
CLICOLOR_FORCE when set and not 0: colour even when stdout is no terminal
Precedence: flag > environment > config file > built-in (payqr config show).";

const FILES: &str = "\
$XDG_CONFIG_HOME/payqr/payqr.toml (else ~/.config/payqr/payqr.toml;
    %APPDATA%\\payqr\\payqr.toml on Windows): defaults, as
    trust = \"...\", ledger = \"...\", tz = \"+08:00\"
PREFIX.key, PREFIX.pub   an issuer's secret key (mode 0600) and public key
LEDGER.lock, LEDGER.idx, LEDGER.ckpt   beside a ledger: its lock, index and
    checkpoint (docs/FORMAT.md section 4)
TRUST.lock   beside a trust list while it is edited";
