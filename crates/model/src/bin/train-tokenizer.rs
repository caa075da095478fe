//! Trains the Shakespeare model's tokens with Hugging Face's `tokenizers` library: byte-level BPE with a
//! vocabulary of 2,048, on the training works only, and writes `assets/models/shakespeare-tokenizer.json`
//! (the library's own format, which the model worker reads with `model::bpe`). Run it as
//! `cargo xtask tokenizer`; it takes about a second.

use std::path::Path;

use model::bpe::PIECE_PATTERN;
use tokenizers::decoders::DecoderWrapper;
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::{BPE, BpeTrainerBuilder};
use tokenizers::normalizers::NormalizerWrapper;
use tokenizers::pre_tokenizers::PreTokenizerWrapper;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::processors::PostProcessorWrapper;
use tokenizers::{SplitDelimiterBehavior, TokenizerBuilder};

/// Tokens in all: the 256 bytes and 1,792 merges.
const VOCAB: usize = 2048;

fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("assets/corpus/shakespeare");
    // Cut into words, numbers, symbols, newlines and spaces; then each byte as one character.
    let split = Split::new(SplitPattern::Regex(PIECE_PATTERN.into()), SplitDelimiterBehavior::Isolated, false)?;
    let bytes = ByteLevel::new(false, false, false);
    let pre = Sequence::new(vec![PreTokenizerWrapper::Split(split), PreTokenizerWrapper::ByteLevel(bytes)]);
    let mut trainer = BpeTrainerBuilder::new()
        .vocab_size(VOCAB)
        .min_frequency(2)
        .initial_alphabet(ByteLevel::alphabet().into_iter().collect())
        .show_progress(false)
        .build();
    let mut tokenizer =
        TokenizerBuilder::<BPE, NormalizerWrapper, Sequence, PostProcessorWrapper, DecoderWrapper>::new()
            .with_model(BPE::default())
            .with_pre_tokenizer(Some(pre))
            .with_decoder(Some(DecoderWrapper::ByteLevel(ByteLevelDecoder::new(false, false, false))))
            .build()?;
    let train = corpus.join("train.txt").to_string_lossy().into_owned();
    tokenizer.train_from_files(&mut trainer, vec![train])?;
    tokenizer.save(root.join("assets/models/shakespeare-tokenizer.json"), true)?;
    let validation = std::fs::read_to_string(corpus.join("validation.txt"))?;
    let tokens = tokenizer.encode(validation.as_str(), false)?.get_ids().len();
    println!(
        "{} tokens; the validation works: {} characters in {tokens} tokens, {:.3} characters a token",
        tokenizer.get_vocab_size(true),
        validation.chars().count(),
        validation.chars().count() as f64 / tokens as f64
    );
    Ok(())
}
