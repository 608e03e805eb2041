//! man/ and completions/ are generated from the clap definition; this test
//! fails when the committed copies are stale. Regenerate with:
//!     cargo run -- generate-docs .

mod common;

use std::path::Path;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn man_pages_and_completions_are_fresh() {
    let tmp = tempfile::tempdir().unwrap();
    let st = common::command()
        .arg("generate-docs")
        .arg(tmp.path())
        .status()
        .unwrap();
    assert!(st.success());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["man", "completions"] {
        let want = files(&tmp.path().join(sub));
        let have = files(&root.join(sub));
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&have),
            names(&want),
            "{sub}/ file list is stale: run `cargo run -- generate-docs .`"
        );
        for ((name, a), (_, b)) in have.iter().zip(&want) {
            assert!(
                a == b,
                "{sub}/{name} is stale: run `cargo run -- generate-docs .`"
            );
        }
        assert!(want.len() >= 5, "{sub}: too few files");
    }
}
