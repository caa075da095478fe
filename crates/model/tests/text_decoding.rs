//! The decoding table on the Shakespeare model: recomputed on a few prompts with shorter continuations,
//! it shows the trends the committed table shows, and the README carries the committed table.

use model::bpe::Bpe;
use model::text::{TOKENIZER, load};
use model::text_decoding::{HELD_OUT, passages, shipped_text_table, text_decoding_table};
use protocol::decoding::TextDecodingTable;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What the page and the README say the table shows.
fn assert_trends(table: &TextDecodingTable) {
    let row = |m: &str| table.row(m).unwrap_or_else(|| panic!("no row {m}")).clone();
    let (real, greedy, beam4, beam16, pure) =
        (row(HELD_OUT), row("greedy"), row("beam, B = 4"), row("beam, B = 16"), row("pure sampling"));
    // Search finds text the model finds likelier than the writer's; pure sampling scores about as the
    // writer's text does (both are draws from what the model believes, the one from its own beliefs).
    for searched in [&greedy, &beam4, &beam16] {
        assert!(
            searched.per_token > real.per_token + 1.0,
            "{} {} vs {}",
            searched.method,
            searched.per_token,
            real.per_token
        );
        assert!(searched.per_token > pure.per_token + 1.0, "{}", searched.method);
        // ... and repeats itself far more, and varies less across prompts.
        assert!(searched.repeated_4grams > 2.0 * real.repeated_4grams.max(pure.repeated_4grams), "{}", searched.method);
        assert!(searched.distinct_2 < pure.distinct_2, "{}", searched.method);
    }
    assert!((pure.per_token - real.per_token).abs() < 0.75, "{} vs {}", pure.per_token, real.per_token);
    // ... and comes closest to it of every method.
    for r in table.rows.iter().filter(|r| r.method != HELD_OUT) {
        assert!((r.per_token - real.per_token).abs() >= (pure.per_token - real.per_token).abs(), "{}", r.method);
    }
    // The truncations sit between: likelier than pure sampling, less repetitive than search.
    for cut in ["temperature 0.7", "top-k, k = 40", "top-p, p = 0.9", "min-p, p = 0.05"] {
        let r = row(cut);
        assert!(r.per_token > pure.per_token && r.per_token < beam16.per_token, "{cut}: {}", r.per_token);
        assert!(r.repeated_4grams < greedy.repeated_4grams, "{cut}");
    }
    for r in &table.rows {
        assert!(r.per_character > r.per_token, "{}: a token is more than one character", r.method);
    }
}

#[test]
fn the_committed_table_shows_the_trends_and_the_readme_carries_it() {
    let table = shipped_text_table().unwrap();
    assert_eq!((table.prompts, table.length), (50, 200));
    assert_eq!(table.rows.len(), 9);
    assert_trends(&table);
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains(&format!("<!-- text-decoding:begin -->\n{}<!-- text-decoding:end -->", table.markdown())));
}

#[test]
fn recomputed_on_a_few_prompts_the_table_shows_the_same_trends() {
    let model = load(&std::fs::read(root().join("assets/models/shakespeare.bpk")).unwrap(), &model::device()).unwrap();
    let bpe = Bpe::from_json(TOKENIZER).unwrap();
    let validation = std::fs::read_to_string(root().join("assets/corpus/shakespeare/validation.txt")).unwrap();
    let table = text_decoding_table(&model, &bpe, &passages(&validation, 4), 64, 2020).unwrap();
    assert_eq!((table.prompts, table.length), (4, 64));
    assert_trends(&table);
    // Deterministic: the same prompts, the same table.
    let again = text_decoding_table(&model, &bpe, &passages(&validation, 4)[..1], 16, 2020).unwrap();
    assert_eq!(again, text_decoding_table(&model, &bpe, &passages(&validation, 4)[..1], 16, 2020).unwrap());
}
