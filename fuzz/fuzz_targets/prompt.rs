//! The vocabulary and the prompt path on arbitrary Unicode (checks in `fuzzing::prompt`).
#![no_main]

use std::sync::LazyLock;

static BIGRAM: LazyLock<model::Bigram> =
    LazyLock::new(|| model::Bigram::shipped(&model::device()).expect("the shipped bigram loads"));

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::prompt(data, &BIGRAM));
