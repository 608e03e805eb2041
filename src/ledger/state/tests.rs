use super::Sorted;

/// A tiny deterministic generator (xorshift): no test dependency.
fn keys(seed: u64, n: usize) -> Vec<u32> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 5000) as u32
        })
        .collect()
}

#[test]
fn sealing_in_chunks_matches_one_sort_and_finds_duplicates() {
    for chunk in [1, 3, 63, 64, 500, 4000] {
        let all = keys(chunk as u64 + 1, 4000);
        let mut s: Sorted<u32, u32> = Sorted::default();
        let mut first_dup = None;
        for (c, part) in all.chunks(chunk).enumerate() {
            for (j, &k) in part.iter().enumerate() {
                s.push(k, (c * chunk + j) as u32);
            }
            let twice = s.seal();
            if first_dup.is_none() {
                first_dup = twice;
            }
            assert!(s.items.windows(2).all(|w| w[0] <= w[1]), "chunk {chunk}");
        }
        let mut want: Vec<(u32, u32)> = all.iter().copied().zip(0..).collect();
        want.sort_unstable();
        assert_eq!(s.items, want, "chunk {chunk}");
        // 4,000 draws from 5,000 keys repeat early; the first seal
        // that saw a repeat names the later of a repeated pair.
        let dup = first_dup.expect("a repeated key");
        let k = all[dup as usize];
        assert!(all[..dup as usize].contains(&k), "chunk {chunk}: {dup}");
        let found: Vec<u32> = s.range(k).iter().map(|e| e.1).collect();
        assert!(found.len() >= 2 && found.contains(&dup));
    }
}
