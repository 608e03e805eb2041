//! A real PostgreSQL server for the tests of the PostgreSQL ledger:
//! `initdb` into a temporary directory, `pg_ctl start` listening on a
//! Unix socket in that directory only (no TCP port), stopped and removed
//! when dropped. No mock.
//!
//! PostgreSQL not installed fails the test loudly (a test that passes
//! without a server proves nothing); PAYQR_SKIP_PG=1 skips it instead,
//! saying so. As root (CI, containers) the server runs as the `postgres`
//! user: initdb refuses root.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use payqr::code::currency::Currency;
use payqr::code::{Code, CodeId, KeyId, Kind};
use payqr::trust::keys::IssuerKey;

pub struct PgServer {
    /// Holds the data directory and the socket; removed on drop.
    dir: tempfile::TempDir,
    bin: PathBuf,
    /// `Some(user)` when server commands run as that user (we are root).
    run_as: Option<String>,
}

/// Where PostgreSQL's server programs are: the newest
/// /usr/lib/postgresql/N/bin (Debian), else `pg_config --bindir`, else
/// the PATH.
fn find_bin() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    if let Ok(o) = Command::new("pg_config").arg("--bindir").output()
        && o.status.success()
    {
        let bin = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
        if bin.join("initdb").exists() {
            return Some(bin);
        }
    }
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p).find(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl PgServer {
    /// A fresh server, or `None` (after saying SKIPPED) when PostgreSQL
    /// is missing and PAYQR_SKIP_PG=1. Panics when it is missing
    /// otherwise.
    pub fn start() -> Option<PgServer> {
        let Some(bin) = find_bin() else {
            if std::env::var("PAYQR_SKIP_PG").as_deref() == Ok("1") {
                eprintln!(
                    "\n*** SKIPPED: PostgreSQL not installed (PAYQR_SKIP_PG=1): the PostgreSQL \
                     ledger was NOT tested ***\n"
                );
                return None;
            }
            panic!(
                "PostgreSQL not installed: apt-get install postgresql \
                 (or set PAYQR_SKIP_PG=1 to skip these tests, saying so)"
            );
        };
        // Short: a socket path is limited to ~107 bytes.
        let dir = tempfile::Builder::new()
            .prefix("pqpg")
            .tempdir_in("/tmp")
            .unwrap();
        let run_as = is_root().then(|| "postgres".to_string());
        if let Some(user) = &run_as {
            let ok = Command::new("chown")
                .args([&format!("{user}:"), dir.path().to_str().unwrap()])
                .status()
                .unwrap()
                .success();
            assert!(ok, "chown {user} {}", dir.path().display());
        }
        let s = PgServer { dir, bin, run_as };
        let data = s.data();
        let out = s.server_cmd(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "payqr",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale",
                "C",
            ],
        );
        assert!(out.status.success(), "initdb: {}", text(&out));
        // Unix socket in our directory only; fsync stays on: a commit
        // must survive `pg_ctl restart -m immediate` for the right reason.
        let conf = format!(
            "listen_addresses = ''\nunix_socket_directories = '{}'\nmax_connections = 60\n\
             shared_buffers = 32MB\nfsync = on\nsynchronous_commit = on\n",
            s.dir.path().display()
        );
        let conf_path = data.join("postgresql.conf");
        let mut all = std::fs::read_to_string(&conf_path).unwrap();
        all.push_str(&conf);
        std::fs::write(&conf_path, all).unwrap();
        s.pg_ctl(&["start", "-w", "-t", "60"]);
        Some(s)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn server_cmd(&self, prog: &str, args: &[&str]) -> Output {
        let exe = self.bin.join(prog);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        cmd.args(args).current_dir(self.dir.path());
        cmd.output()
            .unwrap_or_else(|e| panic!("{}: {e}", exe.display()))
    }

    /// Runs `pg_ctl ACTION` on this server (log in the temp dir).
    pub fn pg_ctl(&self, args: &[&str]) {
        let data = self.data();
        let log = self.dir.path().join("server.log");
        let mut full = vec!["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap()];
        full.extend_from_slice(args);
        let out = self.server_cmd("pg_ctl", &full);
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(
            out.status.success(),
            "pg_ctl {args:?}: {}\nserver log:\n{log_text}",
            text(&out)
        );
    }

    /// `pg_ctl restart -m immediate`: the server is killed without a
    /// checkpoint and recovers from its WAL, as after a crash.
    pub fn restart_immediate(&self) {
        self.pg_ctl(&["restart", "-m", "immediate", "-w", "-t", "60"]);
    }

    /// The socket directory.
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A connection string for the `postgres` database and `schema`.
    pub fn url(&self, schema: &str) -> String {
        format!(
            "postgresql:///postgres?host={}&user=payqr&schema={schema}",
            self.dir.path().display()
        )
    }

    /// Runs SQL with psql (as the superuser payqr); returns stdout.
    pub fn psql(&self, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h"])
            .arg(self.dir.path())
            .args(["-U", "payqr", "-d", "postgres", "-c", sql])
            .output()
            .unwrap();
        assert!(out.status.success(), "psql {sql}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.data();
        let _ = self.server_cmd(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "stop",
                "-m",
                "immediate",
                "-w",
            ],
        );
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `n` fines signed with the test key (setup()'s test-issuer.key in
/// `dir`), issued at common::ISSUED for 4 hours: their payload texts,
/// made in this process (a thousand `payqr issue` runs would take long).
pub fn sign_many(dir: &Path, prefix: &str, n: usize) -> Vec<String> {
    sign_many_with_ids(dir, prefix, n)
        .into_iter()
        .map(|(text, _)| text)
        .collect()
}

/// [`sign_many`] with each code's id (hex) beside its text.
pub fn sign_many_with_ids(dir: &Path, prefix: &str, n: usize) -> Vec<(String, String)> {
    let key = IssuerKey::load(&dir.join("test-issuer.key")).unwrap();
    let issued_at = 1_795_392_000; // 2026-11-23T00:00:00Z = common::ISSUED
    (0..n)
        .map(|i| {
            let signed = Code {
                issuer: key.issuer.clone(),
                key_id: KeyId::of(&key.signing_key.verifying_key()),
                code_id: CodeId::random(),
                kind: Kind::Fine,
                amount: 20000,
                currency: Currency::from_code("CNY").unwrap(),
                payee: "110000-FINES".into(),
                reference: format!("{prefix}{i}"),
                issued_at,
                expires_at: issued_at + 4 * 3600,
                description: None,
            }
            .sign(&key.signing_key)
            .unwrap();
            (signed.to_text(), signed.code.code_id.to_string())
        })
        .collect()
}
