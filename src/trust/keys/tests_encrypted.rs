use super::*;
use crate::trust::keyfile_crypt::CryptError;

const PASS: &[u8] = b"correct horse battery staple";

/// The JSON block of docs/FORMAT.md §2.1's test vector.
fn doc_vector() -> &'static str {
    let doc = include_str!("../../../docs/FORMAT.md");
    let from = doc
        .find("Test vector (checked by `trust::keys::tests_encrypted")
        .expect("vector section");
    let rest = &doc[from..];
    let start = rest.find("```json\n").expect("json block") + 8;
    let end = start + rest[start..].find("```").expect("block end");
    &rest[start..end]
}

#[test]
fn format_md_encrypted_vector() {
    let text = doc_vector();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.key");
    atomic::write_secret(&path, text.as_bytes(), false).unwrap();
    let k = IssuerKey::open(&path, &mut |_| Ok(Zeroizing::new(PASS.to_vec()))).unwrap();
    let seed: [u8; 32] = std::array::from_fn(|i| i as u8);
    assert_eq!(k.id_secret(), &seed);
    assert_eq!(k.key_id.to_string(), "77e071e8");
    assert_eq!(k.storage, Storage::Encrypted);
    // And sealing again with the stated salt and nonce gives the file.
    let mut f: SealedFile = serde_json::from_str(text).unwrap();
    let sealed = keyfile_crypt::seal_with(
        &seed,
        PASS,
        &f.aad(),
        f.encryption.cost(),
        [0x11; 16],
        [0x22; 24],
    )
    .unwrap();
    assert_eq!(sealed, f.encryption);
    f.encryption = sealed;
    let mut again = serde_json::to_string_pretty(&f).unwrap();
    again.push('\n');
    assert_eq!(again, text);
}

#[test]
fn every_field_is_authenticated() {
    let text = doc_vector();
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("\"TEST VECTOR\"", "\"TEST VECTOS\""),
        ("2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"),
        ("\"t\": 1,", "\"t\": 2,"),
        ("\"m_kib\": 64,", "\"m_kib\": 128,"),
        ("SlgZ", "SlgY"),
    ] {
        assert!(text.contains(from), "{from}");
        let path = dir.path().join(format!("{}.key", from.len()));
        let _ = std::fs::remove_file(&path);
        atomic::write_secret(&path, text.replace(from, to).as_bytes(), false).unwrap();
        let e = IssuerKey::open(&path, &mut |_| Ok(Zeroizing::new(PASS.to_vec())))
            .err()
            .unwrap_or_else(|| panic!("{from} -> {to} was accepted"));
        assert!(
            matches!(
                e,
                KeyError::Crypt {
                    source: CryptError::Authentication,
                    ..
                }
            ),
            "{from}: {e}"
        );
    }
}

#[test]
fn clear_loader_refuses_encrypted_and_wrong_passphrase_is_one_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.key");
    atomic::write_secret(&path, doc_vector().as_bytes(), false).unwrap();
    assert!(matches!(
        IssuerKey::load(&path),
        Err(KeyError::Unlock { .. })
    ));
    let e = IssuerKey::open(&path, &mut |_| Ok(Zeroizing::new(b"wrong".to_vec())))
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: wrong passphrase, or the file was altered (authentication failed)",
            path.display()
        )
    );
}

#[test]
fn encrypt_file_keeps_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let k = IssuerKey::from_seed("x", "X", [4; 32], 0).unwrap();
    let (kp, _) = k.save(&dir.path().join("x"), false).unwrap();
    encrypt_file(&kp, b"pw").unwrap();
    assert!(!std::fs::read_to_string(&kp).unwrap().contains("seed"));
    let back = IssuerKey::open(&kp, &mut |_| Ok(Zeroizing::new(b"pw".to_vec()))).unwrap();
    assert_eq!(back.key_id, k.key_id);
    assert_eq!(back.id_secret(), &[4; 32]);
    assert!(matches!(
        encrypt_file(&kp, b"pw"),
        Err(KeyError::AlreadyEncrypted(_))
    ));
}
