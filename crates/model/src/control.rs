//! The control surface run on a model: prompt, sampler and seed in, a name and its fingerprint out.
//! The settings themselves, their parsing and the fingerprint are [`protocol::control`]'s.

use protocol::control::{MAX_LENGTH, Output, Settings, prompt_context};
use sampling::{Logits, Strategy, TokenId, seeded_rng};

use crate::{LanguageModel, ModelError, generate};

/// Runs the model on `settings`: `·` and the prompt as context, then up to `length` symbols, ending at
/// `·`.
///
/// # Errors
/// [`ModelError::OutOfVocabulary`] naming the first character of the prompt that is not a–z, or a
/// sampling error for invalid settings. Nothing runs then.
pub fn run<M: LanguageModel + ?Sized>(settings: &Settings, model: &M) -> Result<Output, ModelError> {
    let context = prompt_context(&settings.prompt)?;
    let strategy = Strategy::Sample(settings.sampler()?);
    let mut rng = seeded_rng(settings.seed);
    let added = generate(model, &context, settings.length.min(MAX_LENGTH), &strategy, &mut rng)?;
    Ok(Output::of(&settings.prompt, &added))
}

/// The model's next-symbol logits after `·` and `prompt`, with that context.
///
/// # Errors
/// As [`prompt_context`], and whatever the model returns.
pub fn prompt_logits<M: LanguageModel + ?Sized>(model: &M, prompt: &str) -> Result<(Logits, Vec<TokenId>), ModelError> {
    let context = prompt_context(prompt)?;
    Ok((crate::next_logits(model, &context)?, context))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Bigram, START, device};
    use protocol::control::Form;

    fn bigram() -> Bigram {
        Bigram::shipped(&device()).unwrap()
    }

    #[test]
    fn the_same_settings_give_the_same_bytes() {
        let s = Settings::default();
        let a = run(&s, &bigram()).unwrap();
        assert_eq!(a, run(&s, &bigram()).unwrap());
        assert!(a.text.starts_with("ma"));
        assert_eq!(a.hash.len(), 8);
        let others: Vec<Output> =
            (8..13).map(|seed| run(&Settings { seed, ..s.clone() }, &bigram()).unwrap()).collect();
        assert!(others.iter().any(|o| o.hash != a.hash), "another seed takes another path");
    }

    #[test]
    fn a_bad_prompt_is_named_and_nothing_runs() {
        let s = Settings { prompt: "ma1".into(), ..Settings::default() };
        assert_eq!(run(&s, &bigram()), Err(ModelError::OutOfVocabulary { character: '1', position: 2 }));
        let dot = Settings { prompt: "a.b".into(), ..Settings::default() };
        assert!(matches!(run(&dot, &bigram()), Err(ModelError::OutOfVocabulary { position: 1, .. })));
        let bad_tau = Settings { tau: 0.0, ..Settings::default() };
        assert!(matches!(run(&bad_tau, &bigram()), Err(ModelError::Sampling(_))));
    }

    #[test]
    fn a_prompt_gives_the_models_logits_after_it() {
        let (logits, context) = prompt_logits(&bigram(), "ma").unwrap();
        assert_eq!(context, vec![START, 13, 1]);
        assert_eq!(logits, crate::next_logits(&bigram(), &context).unwrap());
        assert!(matches!(prompt_logits(&bigram(), "m1"), Err(ModelError::OutOfVocabulary { character: '1', .. })));
    }

    #[test]
    fn out_of_range_numbers_parse_and_the_run_refuses_them() {
        let cold = Form { tau: "0".into(), ..Form::of(&Settings::default()) }.parse().unwrap();
        assert!(matches!(run(&cold, &bigram()), Err(ModelError::Sampling(_))));
    }
}
