//! The model worker's encoder against the library that trained the tokens: the same ids on the whole
//! validation text and on fuzzed strings of any Unicode, and text back from ids.

#![cfg(not(target_arch = "wasm32"))]

use model::bpe::{Bpe, PIECE_PATTERN};
use proptest::prelude::*;

const JSON: &str = include_str!("../../../assets/models/shakespeare-tokenizer.json");

fn ours() -> Bpe {
    Bpe::from_json(JSON).expect("the committed tokenizer reads")
}

fn library() -> tokenizers::Tokenizer {
    tokenizers::Tokenizer::from_bytes(JSON.as_bytes()).expect("the library reads its own file")
}

fn validation() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/corpus/shakespeare/validation.txt");
    std::fs::read_to_string(path).expect("the validation works")
}

fn library_ids(tokenizer: &tokenizers::Tokenizer, text: &str) -> Vec<usize> {
    tokenizer.encode(text, false).expect("the library encodes").get_ids().iter().map(|&i| i as usize).collect()
}

#[test]
fn the_committed_file_is_the_pattern_and_vocabulary_the_encoder_assumes() {
    assert!(JSON.contains(&serde_json::to_string(PIECE_PATTERN).unwrap()), "the pre-tokenizer's pattern");
    assert_eq!(ours().vocab_size(), 2048);
    assert_eq!(library().get_vocab_size(true), 2048);
}

#[test]
fn the_whole_validation_text_encodes_as_the_library_encodes_it() {
    let (text, bpe, library) = (validation(), ours(), library());
    let ids = bpe.encode(&text);
    assert_eq!(ids, library_ids(&library, &text));
    assert_eq!(bpe.decode(&ids), text, "and back");
    let per_token = text.chars().count() as f64 / ids.len() as f64;
    assert!((2.5..3.0).contains(&per_token), "{per_token} characters a token");
}

#[test]
fn tokens_show_their_leading_space_and_newlines() {
    let bpe = ours();
    let ids = bpe.encode("To be,\nor not");
    let shown: Vec<String> = ids.iter().map(|&i| bpe.shown(i)).collect();
    assert_eq!(shown.concat().replace('␣', " ").replace('↵', "\n"), "To be,\nor not");
    assert!(shown.iter().any(|t| t.starts_with('␣')), "{shown:?}");
    assert!(shown.iter().all(|t| !t.is_empty()), "{shown:?}");
    assert!(Bpe::from_json("{}").is_err());
    assert_eq!(bpe.bytes(99_999), Vec::<u8>::new());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any text at all: the same ids as the library, and the text back.
    #[test]
    fn any_text_encodes_as_the_library_encodes_it(text in "\\PC{0,60}|[ \\n a-z'A-Z0-9.,!?é😀\\t]{0,80}") {
        let (bpe, library) = (ours(), library());
        let ids = bpe.encode(&text);
        prop_assert_eq!(&ids, &library_ids(&library, &text));
        prop_assert_eq!(bpe.decode(&ids), text);
    }
}
