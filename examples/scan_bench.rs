//! Times `payqr::verify::scan::scan_file` on each image named on the command line
//! (used by benches/photos.sh): one line per image,
//! `PATH<TAB>MILLISECONDS<TAB>JSON array of texts` (or `{"error": ...}`).
//!
//! Images are read one after another on one thread, so the times are per
//! image, comparable with the peers the bench script runs the same way.

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    for arg in std::env::args_os().skip(1) {
        let path = PathBuf::from(arg);
        let start = Instant::now();
        let result = payqr::verify::scan::scan_file(&path);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let found = match result {
            Ok(texts) => serde_json::json!(texts),
            Err(e) => serde_json::json!({ "error": e.to_string() }),
        };
        println!("{}\t{ms:.3}\t{found}", path.display());
    }
}
