//! Loading a secret key given with `--key`, with the mistakes a clerk
//! makes named for what they are (the `.pub` given instead of the `.key`).

use std::path::Path;

use super::Failure;

/// Words shown to the user, in one place.
pub mod text {
    pub const IS_PUBLIC: &str =
        "is a public key (PREFIX.pub): --key takes the secret key file, PREFIX.key";
    pub const IS_PUBLIC_HINT: &str =
        "the .pub goes to verifiers (payqr trust add); sign with the .key beside it";
}

/// A public key file given where the secret key belongs: say so, and name
/// the secret half (instead of "chmod 600" and a missing field).
pub fn refuse_public(path: &Path) -> Result<(), Failure> {
    if is_public_key_file(path) {
        let mut hint = text::IS_PUBLIC_HINT.to_string();
        if path.extension().is_some_and(|e| e == "pub") {
            hint = format!("{hint}: {}", path.with_extension("key").display());
        }
        return Err(Failure::new(format!("{}: {}", path.display(), text::IS_PUBLIC)).hint(hint));
    }
    Ok(())
}

/// Whether the file is a payqr public key file (read only if small: key
/// files are a few hundred bytes).
fn is_public_key_file(path: &Path) -> bool {
    let small = std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() < 64 * 1024);
    if !small {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| {
        v["payqr"]
            .as_str()
            .is_some_and(|tag| tag.contains("public key"))
            && v.get("seed").is_none()
    })
}

/// Creates the folder a new key goes into when it is missing, readable by
/// its owner only (0700 on Unix): `keygen --out keys/bj-2026` in a fresh
/// checkout. Returns the folder when it was created.
pub fn make_key_dir(prefix: &Path) -> Result<Option<std::path::PathBuf>, Failure> {
    let Some(dir) = prefix.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(None);
    };
    if dir.exists() {
        return Ok(None);
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| {
        Failure::new(format!(
            "{}: cannot create the key folder: {e}",
            dir.display()
        ))
    })?;
    Ok(Some(dir.to_path_buf()))
}
