//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) with stable Rust: every input the
//! fuzzers kept must still pass every check. `cargo xtask fuzz` grows the corpus with libFuzzer.

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no corpus at {}: {e}", dir.display()))
        .flatten()
        .map(|entry| (entry.file_name().to_string_lossy().into_owned(), std::fs::read(entry.path()).unwrap()))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 20, "a corpus of {} inputs for {target} is too small to mean anything", inputs.len());
    inputs
}

#[test]
fn every_sampler_input_in_the_corpus_passes() {
    for (name, bytes) in corpus("sampler") {
        let outcome = std::panic::catch_unwind(|| fuzzing::sampler(&bytes));
        assert!(outcome.is_ok(), "fuzz/corpus/sampler/{name} fails: {}", fuzzing::describe_sampler(&bytes));
    }
}

#[test]
fn every_pipeline_input_in_the_corpus_passes() {
    for (name, bytes) in corpus("pipeline") {
        let outcome = std::panic::catch_unwind(|| fuzzing::pipeline(&bytes));
        assert!(outcome.is_ok(), "fuzz/corpus/pipeline/{name} fails: {}", fuzzing::describe_pipeline(&bytes));
    }
}

#[test]
fn every_prompt_input_in_the_corpus_passes() {
    let bigram = model::Bigram::shipped(&model::device()).unwrap();
    for (name, bytes) in corpus("prompt") {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fuzzing::prompt(&bytes, &bigram)));
        assert!(outcome.is_ok(), "fuzz/corpus/prompt/{name} fails");
    }
}

/// `FUZZ_INPUT=path cargo test -p fuzzing --test corpus replay -- --nocapture` decodes and runs one file,
/// a crash libFuzzer wrote, say.
#[test]
fn replay() {
    let Some(path) = std::env::var_os("FUZZ_INPUT") else { return };
    let bytes = std::fs::read(&path).unwrap();
    eprintln!("{}", fuzzing::describe_sampler(&bytes));
    fuzzing::sampler(&bytes);
}
