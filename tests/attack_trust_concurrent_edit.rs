//! Attack: edit one trust list from several processes at once, through
//! different paths that reach it (the plain name, a symlink, a relative
//! `..` path, the absolute path). Every edit must survive: a `trust revoke`
//! racing `trust add`s must never be lost while both exit 0 (issue 13,
//! route 5: on a2f0fc4 the revocation was lost in 16 of 40 rounds).

// Unix only: the attacks use symlinks (Windows makes them only with a privilege); the rest of
// the suite runs on Windows under Wine (scripts/wine-test.sh).
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

const ROUNDS: usize = 40;

fn payqr(dir: &Path, args: &[&str]) -> std::process::Output {
    common::command()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run payqr")
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    common::command()
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn payqr")
}

/// Makes a key pair PREFIX.key/.pub in `dir`; returns its key id.
fn keygen(dir: &Path, issuer: &str, prefix: &str) -> String {
    let o = payqr(
        dir,
        &[
            "keygen",
            "--unencrypted",
            "--issuer",
            issuer,
            "--name",
            issuer,
            "--out",
            prefix,
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    out.lines()
        .find_map(|l| l.strip_prefix("key_id "))
        .expect("key_id line")
        .trim()
        .to_string()
}

/// (issuer, key_id, revoked) of every key in the list.
fn listed(dir: &Path, trust: &str) -> Vec<(String, String, bool)> {
    let o = payqr(dir, &["trust", "list", "--trust", trust, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["issuer"].as_str().unwrap().to_string(),
                v["key_id"].as_str().unwrap().to_string(),
                v["status"] == "revoked",
            )
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn concurrent_add_and_revoke_through_many_paths_lose_no_edit() {
    let keys = tempfile::tempdir().unwrap();
    let k = keys.path();
    let a = keygen(k, "city-a", "a");
    let others: Vec<(String, String)> = ["b", "c", "d"]
        .iter()
        .map(|p| (format!("city-{p}"), keygen(k, &format!("city-{p}"), p)))
        .collect();

    let (mut lost_revocations, mut lost_additions, mut link_replaced) = (0, 0, 0);
    for round in 0..ROUNDS {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::os::unix::fs::symlink("trust.json", dir.join("link.json")).unwrap();
        let abs: PathBuf = dir.join("trust.json");
        let pubs: Vec<PathBuf> = ["a", "b", "c", "d"]
            .iter()
            .map(|p| k.join(format!("{p}.pub")))
            .collect();
        let o = payqr(
            dir,
            &[
                "trust",
                "add",
                pubs[0].to_str().unwrap(),
                "--trust",
                "trust.json",
            ],
        );
        assert!(o.status.success());

        // One revocation and three additions, each through another path.
        let children = vec![
            spawn(dir, &["trust", "revoke", &a, "--trust", "trust.json"]),
            spawn(
                dir,
                &[
                    "trust",
                    "add",
                    pubs[1].to_str().unwrap(),
                    "--trust",
                    "link.json",
                ],
            ),
            spawn(
                &dir.join("sub"),
                &[
                    "trust",
                    "add",
                    pubs[2].to_str().unwrap(),
                    "--trust",
                    "../sub/../trust.json",
                ],
            ),
            spawn(
                Path::new("/"),
                &[
                    "trust",
                    "add",
                    pubs[3].to_str().unwrap(),
                    "--trust",
                    abs.to_str().unwrap(),
                ],
            ),
        ];
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert!(
                o.status.success(),
                "round {round}: exit {:?}: {}",
                o.status.code(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        // The symlink is still a symlink: an edit through it changed the
        // list it points to, not the link.
        if !std::fs::symlink_metadata(dir.join("link.json"))
            .unwrap()
            .file_type()
            .is_symlink()
        {
            link_replaced += 1;
        }
        let list = listed(dir, "trust.json");
        if !list.iter().any(|(_, id, r)| id == &a && *r) {
            lost_revocations += 1;
        }
        let added = others
            .iter()
            .all(|(iss, id)| list.iter().any(|(i, k, _)| i == iss && k == id));
        if !(added && list.len() == 4) {
            lost_additions += 1;
        }
    }
    assert!(
        (lost_revocations, lost_additions, link_replaced) == (0, 0, 0),
        "of {ROUNDS} rounds: revocation lost in {lost_revocations}, an addition lost in \
         {lost_additions}, the symlink replaced by a file in {link_replaced}"
    );
}
