//! The page's opening data, computed natively from the shipped models when the page is built: every
//! widget's first state, by the same code the model worker runs later.

use protocol::demos::beam::{ALPHA_START, BEAM_SEED, SAMPLED_NAMES, WIDTH_START, beam_names, sampled_names};
use protocol::demos::steps::{outputs, record};
use protocol::messages::{OPENING_PROMPTS, Opening};

use crate::control::prompt_logits;
use crate::demos::speculative::Session;
use crate::{Bigram, Gpt, GptCard, ModelError, device, next_logits, shipped_table};

/// Logits as the models compute them, in `f32`.
fn as_f32(logits: &sampling::Logits) -> Vec<f32> {
    logits.as_slice().iter().map(|&l| l as f32).collect()
}

/// Computes the opening data from the shipped models.
///
/// # Errors
/// Whatever the models return (never, for the shipped weights: a test builds it).
pub fn opening() -> Result<Opening, ModelError> {
    let card = GptCard::shipped()?;
    let (bigram, gpt) = (Bigram::shipped(&device())?, Gpt::shipped(&device())?);
    let next = |context: &[usize]| next_logits(&gpt, context);
    let after = OPENING_PROMPTS
        .iter()
        .map(|p| Ok((p.to_string(), as_f32(&prompt_logits(&gpt, p)?.0))))
        .collect::<Result<_, ModelError>>()?;
    Ok(Opening {
        validation_loss: card.validation_loss,
        decoding: shipped_table()?,
        bigram: bigram.table()?.iter().map(as_f32).collect(),
        loop_outputs: outputs(&record(gpt.context(), next)?),
        kv: crate::demos::kv::record(&gpt, card.config.head_dim())?,
        after,
        beams: beam_names(next, WIDTH_START, ALPHA_START)?,
        sampled: sampled_names(next, SAMPLED_NAMES, BEAM_SEED)?,
        speculative: Session::new(&bigram, &gpt)?.view(&gpt)?,
        config: card.config,
        // The card without its prompts: the page shows only what was measured from them.
        text: crate::text::TextCard {
            greedy: crate::text::GreedyMeasured { prompts: Vec::new(), ..crate::text::card()?.greedy },
            ..crate::text::card()?
        },
        text_decoding: crate::text_decoding::shipped_text_table()?,
    })
}
