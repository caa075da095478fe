//! The committed decoding table: recomputed (on fewer generations, so it runs in a debug build) and
//! checked for Holtzman et al.'s trends; the README's copy checked against it.

use model::{DecodingTable, Gpt, decoding_table, device};

fn committed() -> DecodingTable {
    model::shipped_table().unwrap()
}

/// The trends; `fine` adds the ones that need many generations to show (nucleus between greedy and pure
/// sampling, which differ by a few tenths of a nat).
fn check_trends(table: &DecodingTable, fine: bool) {
    let row = |name: &str| table.rows.iter().find(|r| r.method == name).unwrap_or_else(|| panic!("no row {name}"));
    let (greedy, beam16, pure, nucleus) =
        (row("greedy"), row("beam, B = 16"), row("pure sampling"), row("nucleus, p = 0.9"));
    // Greedy and beam: the likeliest names, and one name only.
    assert!(beam16.log_likelihood >= greedy.log_likelihood);
    assert!(greedy.log_likelihood > nucleus.log_likelihood && greedy.log_likelihood > pure.log_likelihood);
    if fine {
        assert!(nucleus.log_likelihood > pure.log_likelihood);
    }
    assert_eq!((greedy.distinct, beam16.distinct), (1, 1));
    assert!(pure.distinct > table.generations * 9 / 10);
    assert!(greedy.distinct_2 < pure.distinct_2 && beam16.distinct_2 < nucleus.distinct_2);
    // Within one long run, greedy repeats itself more than sampling does.
    assert!(greedy.repeated_trigrams > pure.repeated_trigrams);
    assert!(greedy.repeated_trigrams > nucleus.repeated_trigrams);
}

#[test]
fn the_committed_table_shows_the_trends() {
    let table = committed();
    assert_eq!((table.generations, table.run_length), (100, 200));
    assert_eq!(table.rows.len(), 7);
    check_trends(&table, true);
}

#[test]
fn a_recomputation_agrees_with_the_committed_table() {
    let c = committed();
    let small = decoding_table(&Gpt::shipped(&device()).unwrap(), 12, c.seed, c.run_length, 2).unwrap();
    check_trends(&small, false);
    // The deterministic methods give the same names and runs however many times they run. The table
    // was made on Flex; another backend sums in another order, so its figures agree to rounding only.
    let close = if cfg!(feature = "ndarray") { 1e-4 } else { 1e-9 };
    for name in ["greedy", "beam, B = 4", "beam, B = 16"] {
        let a = small.rows.iter().find(|r| r.method == name).unwrap();
        let b = c.rows.iter().find(|r| r.method == name).unwrap();
        assert!(
            (a.log_likelihood - b.log_likelihood).abs() < close,
            "{name}: {} {}",
            a.log_likelihood,
            b.log_likelihood
        );
        assert!((a.repeated_trigrams - b.repeated_trigrams).abs() < 1e-12, "{name}");
    }
}

#[test]
fn the_readme_shows_the_committed_table() {
    let readme = include_str!("../../../README.md");
    let expected = format!("<!-- decoding:begin -->\n{}<!-- decoding:end -->", committed().markdown());
    assert!(readme.contains(&expected), "README.md's decoding table differs: run `cargo xtask decoding-table`");
}
