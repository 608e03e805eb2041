use super::*;

#[test]
fn save_load_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("bj");
    let k = IssuerKey::generate("bj-traffic", "北京交管", 1_795_000_000).unwrap();
    let (kp, pp) = k.save(&prefix, false).unwrap();
    let back = IssuerKey::load(&kp).unwrap();
    assert_eq!(back.key_id, k.key_id);
    assert_eq!(back.name, "北京交管");
    let p = PublicKeyFile::load(&pp).unwrap();
    assert_eq!(p.verifying_key().unwrap(), k.signing_key.verifying_key());
    assert!(matches!(k.save(&prefix, false), Err(KeyError::Exists(_))));
}

// Unix only: Windows warns about a readable key (src/fs/winacl.rs says why).
#[cfg(unix)]
#[test]
fn open_secret_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let k = IssuerKey::generate("x", "X", 0).unwrap();
    let (kp, _) = k.save(&dir.path().join("x"), false).unwrap();
    std::fs::set_permissions(&kp, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(matches!(
        IssuerKey::load(&kp),
        Err(KeyError::TooOpen { .. })
    ));
}

#[test]
fn tampered_public_file_rejected() {
    let k = IssuerKey::generate("x", "X", 0).unwrap();
    let other = IssuerKey::generate("x", "X", 0).unwrap();
    let mut p = k.public();
    p.public_key = other.public().public_key;
    assert!(p.check().is_err());
}
