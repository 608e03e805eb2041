//! No output lands on an input: before a command writes anything, every
//! output path is compared with every input and every other output by the
//! file it reaches, not by its spelling, and an output that already holds
//! a payqr key file is refused outright.
//!
//! Two paths are "the same" when they reach the same existing file
//! (device and inode on Unix, so hard links and symlinks count), or when
//! they name the same directory entry once the directories on the way are
//! resolved (so `out/../a.csv` and `a.csv` clash before either exists).

use std::path::{Component, Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ClobberError {
    #[error(
        "{flag} {path} and {other_flag} {other} are the same file; refusing to write one over the other (nothing was written)"
    )]
    Same {
        flag: String,
        path: PathBuf,
        other_flag: String,
        other: PathBuf,
    },
    #[error(
        "{flag} {path}: holds a payqr key file; refusing to write over it (nothing was written)"
    )]
    KeyFile { flag: String, path: PathBuf },
    #[error(
        "{flag} {path}: lies where --out-dir {out_dir} puts a code's file; refusing to risk writing over it (nothing was written)"
    )]
    CodeSlot {
        flag: String,
        path: PathBuf,
        out_dir: PathBuf,
    },
}

/// What a path reaches: the existing file (if any) and the directory
/// entry a write-and-rename would replace.
struct Place {
    file: Option<FileId>,
    entry: Option<PathBuf>,
}

use crate::fs::platform::FileId;

fn file_id(path: &Path) -> Option<FileId> {
    crate::fs::platform::path_id(path).ok()
}

impl Place {
    fn of(path: &Path) -> Place {
        Place {
            file: file_id(path),
            entry: entry_of(path),
        }
    }

    fn same(&self, other: &Place) -> bool {
        (self.file.is_some() && self.file == other.file)
            || (self.entry.is_some() && self.entry == other.entry)
    }
}

/// The directory entry `path` names: its parent directory resolved
/// (symlinks, `..`) as far as it exists, then the file name. The last
/// component is not followed: a rename replaces the entry itself.
pub fn entry_of(path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    let name = abs.file_name()?.to_owned();
    Some(resolve_dir(abs.parent()?).join(name))
}

/// Canonicalizes the deepest existing ancestor of `dir` and appends the
/// rest lexically (it does not exist yet, so holds no symlink).
fn resolve_dir(dir: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut cur = dir;
    loop {
        if let Ok(mut real) = std::fs::canonicalize(cur) {
            for c in rest.iter().rev() {
                match c {
                    Component::ParentDir => {
                        real.pop();
                    }
                    Component::CurDir => {}
                    c => real.push(c),
                }
            }
            return real;
        }
        match (cur.parent(), cur.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                cur = parent;
            }
            _ => return dir.to_path_buf(),
        }
    }
}

/// Refuses, before anything is written, an output that is the same file
/// as an input or as another output, or that holds a key file. Items are
/// (flag, path); a file that is read and written in place (the ledger,
/// the trust list) is listed once, as an output. `is_key_file` is
/// `trust::keys::is_key_file`, passed in because what a key file looks like
/// is the trust layer's business, which stands on this one.
pub fn check(
    inputs: &[(&str, &Path)],
    outputs: &[(&str, &Path)],
    is_key_file: impl Fn(&Path) -> bool,
) -> Result<(), ClobberError> {
    let ins: Vec<Place> = inputs.iter().map(|(_, p)| Place::of(p)).collect();
    let outs: Vec<Place> = outputs.iter().map(|(_, p)| Place::of(p)).collect();
    for (i, (flag, path)) in outputs.iter().enumerate() {
        let earlier = outputs[..i].iter().zip(&outs[..i]);
        let clash = earlier
            .chain(inputs.iter().zip(&ins))
            .find(|(_, place)| place.same(&outs[i]));
        if let Some(((other_flag, other), _)) = clash {
            return Err(ClobberError::Same {
                flag: flag.to_string(),
                path: path.to_path_buf(),
                other_flag: other_flag.to_string(),
                other: other.to_path_buf(),
            });
        }
        if is_key_file(path) {
            return Err(ClobberError::KeyFile {
                flag: flag.to_string(),
                path: path.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Refuses a file of `protected` that sits where a batch into `out_dir`
/// could put a code's file. `slot` tells, from a file name, the shard
/// directory such a file goes to (None: no code file has that name). Both
/// the entry the path names and the file it reaches are checked, since
/// either could be replaced.
pub fn check_out_dir(
    out_dir: &Path,
    protected: &[(&str, &Path)],
    slot: impl Fn(&str) -> Option<String>,
) -> Result<(), ClobberError> {
    for (flag, path) in protected {
        let real = std::fs::canonicalize(path).ok();
        for entry in [entry_of(path), real].into_iter().flatten() {
            let Some(name) = entry.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(shard) = slot(name) else { continue };
            if entry_of(&out_dir.join(shard).join(name)).as_ref() == Some(&entry) {
                return Err(ClobberError::CodeSlot {
                    flag: flag.to_string(),
                    path: path.to_path_buf(),
                    out_dir: out_dir.to_path_buf(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::keys::is_key_file;

    #[test]
    fn same_file_by_any_path_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let a = d.path().join("a.jsonl");
        std::fs::write(&a, b"x").unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        let dotted = d.path().join("sub/../a.jsonl");
        let new = d.path().join("new.csv");
        let new_dotted = d.path().join("sub/../new.csv");
        let fresh_dir = d.path().join("nodir/x/../new.csv");
        assert!(check(&[("--ledger", &a)], &[("--report", &dotted)], is_key_file).is_err());
        assert!(
            check(
                &[],
                &[("--report", &new), ("--html", &new_dotted)],
                is_key_file
            )
            .is_err()
        );
        assert!(check(&[("--ledger", &a)], &[("--report", &new)], is_key_file).is_ok());
        assert_eq!(
            entry_of(&fresh_dir),
            Some(
                std::fs::canonicalize(d.path())
                    .unwrap()
                    .join("nodir/new.csv")
            )
        );
        #[cfg(unix)]
        {
            let hard = d.path().join("hard");
            std::fs::hard_link(&a, &hard).unwrap();
            let soft = d.path().join("soft");
            std::os::unix::fs::symlink(&a, &soft).unwrap();
            for p in [&hard, &soft] {
                let e = check(&[("--ledger", &a)], &[("--html", p)], is_key_file).unwrap_err();
                assert!(e.to_string().contains("--html") && e.to_string().contains("--ledger"));
            }
        }
    }

    #[test]
    fn key_files_are_never_outputs() {
        let d = tempfile::tempdir().unwrap();
        let k = crate::trust::keys::IssuerKey::generate("x", "X", 0).unwrap();
        let (key, public) = k.save(&d.path().join("k"), false).unwrap();
        // Renamed: found by content, not by name.
        let renamed = d.path().join("k.txt");
        std::fs::rename(&public, &renamed).unwrap();
        for p in [&key, &renamed] {
            assert!(matches!(
                check(&[], &[("--png", p)], is_key_file),
                Err(ClobberError::KeyFile { .. })
            ));
        }
    }

    #[test]
    fn a_file_in_a_code_slot_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        std::fs::create_dir_all(out.join("ab")).unwrap();
        let victim = out.join("ab/ab01.png");
        std::fs::write(&victim, b"x").unwrap();
        let slot = |n: &str| n.ends_with(".png").then(|| n[..2].to_string());
        assert!(check_out_dir(&out, &[("--from", &victim)], slot).is_err());
        let elsewhere = d.path().join("ab01.png");
        std::fs::write(&elsewhere, b"x").unwrap();
        assert!(check_out_dir(&out, &[("--from", &elsewhere)], slot).is_ok());
    }
}
