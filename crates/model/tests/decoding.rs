//! The committed decoding table: recomputed (on fewer generations, so it runs in a debug build) and
//! checked for Holtzman et al.'s trends.

use model::{DecodingTable, Gpt, decoding_table, device};

fn committed() -> DecodingTable {
    let text = include_str!("../../../assets/models/decoding.json");
    burn::config::Config::load_binary(text.as_bytes()).unwrap()
}

/// The trends; `fine` adds the ones that need many generations to show (nucleus between greedy and pure
/// sampling, which differ by a few tenths of a nat).
fn check_trends(table: &DecodingTable, fine: bool) {
    let row = |name: &str| table.rows.iter().find(|r| r.method == name).unwrap_or_else(|| panic!("no row {name}"));
    let (greedy, beam16, pure, nucleus) =
        (row("greedy"), row("beam, B = 16"), row("pure sampling"), row("nucleus, p = 0.9"));
    // Greedy and beam: the likeliest and the most repetitive.
    assert!(beam16.log_likelihood >= greedy.log_likelihood);
    assert!(greedy.log_likelihood > nucleus.log_likelihood && greedy.log_likelihood > pure.log_likelihood);
    if fine {
        assert!(nucleus.log_likelihood > pure.log_likelihood);
    }
    assert!(greedy.repeated_trigrams > nucleus.repeated_trigrams);
    assert!(beam16.repeated_trigrams > pure.repeated_trigrams);
    assert_eq!((greedy.distinct, beam16.distinct), (1, 1));
    assert!(pure.distinct > table.generations * 9 / 10);
}

#[test]
fn the_committed_table_shows_the_trends() {
    let table = committed();
    assert_eq!(table.generations, 100);
    assert_eq!(table.rows.len(), 7);
    check_trends(&table, true);
}

#[test]
fn a_recomputation_agrees_with_the_committed_table() {
    let small = decoding_table(&Gpt::shipped(&device()).unwrap(), 12, committed().seed).unwrap();
    check_trends(&small, false);
    // The deterministic methods give the same name however many times they run.
    for name in ["greedy", "beam, B = 4", "beam, B = 16"] {
        let a = small.rows.iter().find(|r| r.method == name).unwrap();
        let b = committed().rows.into_iter().find(|r| r.method == name).unwrap();
        assert!((a.log_likelihood - b.log_likelihood).abs() < 1e-9, "{name}");
    }
}
