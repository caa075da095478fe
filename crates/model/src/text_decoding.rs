//! Decoding methods compared on the Shakespeare model, after Holtzman et al. (2020), Table 1: long
//! continuations of lines of the held-out plays by each method, beside the plays' own text, measured for
//! likelihood under the model, repetition within one continuation and diversity across them.

use protocol::decoding::{TextDecodingTable, TextMethodRow, distinct_n, repeated_share};
use sampling::{BeamSearch, Logits, MinP, Pipeline, Stage, Temperature, TokenId, TopK, TopP, log_softmax, seeded_rng};

use crate::bpe::Bpe;
use crate::{Gpt, ModelError};

/// The committed table, computed by `cargo xtask decoding-table`.
const SHIPPED_TABLE: &str = include_str!("../../../assets/models/text-decoding.json");

/// The table committed beside the Shakespeare model.
///
/// # Errors
/// [`ModelError::Weights`] if the committed table does not parse.
pub fn shipped_text_table() -> Result<TextDecodingTable, ModelError> {
    serde_json::from_str(SHIPPED_TABLE).map_err(|e| ModelError::Weights(format!("text decoding table: {e}")))
}

/// The row of the held-out text itself.
pub const HELD_OUT: &str = "the held-out plays' own text";

/// A line of `text` to continue and the text that follows it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The line, with its line break.
    pub prompt: String,
    /// Everything after it.
    pub following: String,
}

/// `count` passages of `text`: lines of at least four words, evenly spaced through it (the lines
/// [`crate::text::validation_prompts`] picks), each with the text that follows it.
pub fn passages(text: &str, count: usize) -> Vec<Passage> {
    let mut lines = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        at += line.len();
        if line.split_whitespace().count() >= 4 {
            lines.push((line.trim_end_matches('\n'), at));
        }
    }
    let n = count.min(lines.len());
    (0..n)
        .map(|i| {
            let (line, end) = lines[i * lines.len() / n];
            Passage { prompt: format!("{line}\n"), following: text[end..].to_string() }
        })
        .collect()
}

/// How a method picks the next token.
#[derive(Debug, Clone)]
enum Method {
    /// The held-out text's own next token.
    HeldOut,
    Greedy,
    Beam(usize),
    Sample(Pipeline),
}

/// `length` tokens after `ids`, each picked by `pick` from the logits and the context so far, with the
/// summed log-probability the model's own distribution gives them. Cached while the context fits the
/// window; past it, each step reads the last window whole.
fn write(
    model: &Gpt,
    ids: &[TokenId],
    length: usize,
    mut pick: impl FnMut(&Logits, &[TokenId]) -> TokenId,
) -> Result<(Vec<TokenId>, f64), ModelError> {
    let window = model.context();
    let mut cache = model.new_cache();
    let start = ids.len().saturating_sub(window);
    let mut logits = model.extend(&ids[start..], &mut cache)?.pop().ok_or(ModelError::EmptyPrompt)?; // [vocab]
    let mut context = ids.to_vec();
    let mut log_prob = 0.0;
    for i in 0..length {
        let token = pick(&logits, &context);
        log_prob += log_softmax(&logits).get(token).copied().ok_or(ModelError::BadToken(token))?;
        context.push(token);
        if i + 1 == length {
            break;
        }
        logits = if context.len() <= window {
            model.step(token, &mut cache)? // [vocab]
        } else {
            crate::next_logits(model, &context[context.len() - window..])? // [vocab]
        };
    }
    Ok((context.split_off(ids.len()), log_prob))
}

/// Computes the table on `model` (tokens by `bpe`): `length`-token continuations of each of `passages`
/// by greedy decoding, beam search (B = 4 and 16), pure sampling, temperature 0.7, top-k 40, top-p 0.9
/// and min-p 0.05 (each sampled method with its own generator seeded `seed`, run through the passages in
/// order), beside the passages' own next `length` tokens.
///
/// # Errors
/// Whatever the model returns; [`ModelError::EmptyPrompt`] for a passage without a line.
pub fn text_decoding_table(
    model: &Gpt,
    bpe: &Bpe,
    passages: &[Passage],
    length: usize,
    seed: u64,
) -> Result<TextDecodingTable, ModelError> {
    let sampled = |stages: &[Stage]| Method::Sample(stages.iter().fold(Pipeline::new(), |p, s| p.then(*s)));
    let methods = [
        (HELD_OUT, Method::HeldOut),
        ("greedy", Method::Greedy),
        ("beam, B = 4", Method::Beam(4)),
        ("beam, B = 16", Method::Beam(16)),
        ("pure sampling", sampled(&[])),
        ("temperature 0.7", sampled(&[Stage::Temperature(Temperature::new(0.7)?)])),
        ("top-k, k = 40", sampled(&[Stage::TopK(TopK::new(40))])),
        ("top-p, p = 0.9", sampled(&[Stage::TopP(TopP::new(0.9)?)])),
        ("min-p, p = 0.05", sampled(&[Stage::MinP(MinP::new(0.05)?)])),
    ];
    let mut rows = Vec::new();
    for (name, method) in methods {
        let mut rng = seeded_rng(seed);
        let (mut outputs, mut log_prob, mut characters) = (Vec::new(), 0.0, 0);
        for passage in passages {
            let ids = bpe.encode(&passage.prompt);
            let (tokens, lp) = match &method {
                Method::HeldOut => {
                    let real: Vec<TokenId> = bpe.encode(&passage.following).into_iter().take(length).collect();
                    let mut next = real.iter().copied();
                    let (tokens, lp) = write(model, &ids, real.len(), |_, _| next.next().unwrap_or_default())?;
                    debug_assert_eq!(tokens, real);
                    (tokens, lp)
                }
                Method::Greedy => write(model, &ids, length, |logits, _| logits.argmax())?,
                Method::Beam(width) => {
                    let beams = crate::text::beam_search(model, &ids, &BeamSearch::new(*width, length, None)?)?;
                    let best = beams.into_iter().next().ok_or(ModelError::EmptyContext)?;
                    (best.tokens, best.log_prob)
                }
                Method::Sample(pipeline) => {
                    write(model, &ids, length, |logits, context| pipeline.choose(logits, context, &mut rng))?
                }
            };
            characters += bpe.decode(&tokens).chars().count();
            log_prob += lp;
            outputs.push(tokens);
        }
        let tokens: usize = outputs.iter().map(Vec::len).sum();
        rows.push(TextMethodRow {
            method: name.to_string(),
            per_token: log_prob / tokens.max(1) as f64,
            per_character: log_prob / characters.max(1) as f64,
            repeated_4grams: outputs.iter().map(|o| repeated_share(o, 4)).sum::<f64>() / outputs.len().max(1) as f64,
            distinct_2: distinct_n(&outputs, 2),
        });
    }
    Ok(TextDecodingTable { prompts: passages.len(), length, seed, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_are_the_validation_prompts_with_what_follows_them() {
        let text = "A B\nOne two three four\nmiddle\nFive six seven eight nine\nlast line here\n";
        let found = passages(text, 2);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].prompt, "One two three four\n");
        assert_eq!(found[0].following, "middle\nFive six seven eight nine\nlast line here\n");
        assert_eq!(found[1].prompt, "Five six seven eight nine\n");
        assert_eq!(found[1].following, "last line here\n");
        let prompts: Vec<String> = found.iter().map(|p| p.prompt.clone()).collect();
        assert_eq!(prompts, crate::text::validation_prompts(text, 2));
        assert!(passages("", 3).is_empty());
    }
}
