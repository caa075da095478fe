//! Prompt, sampler and seed: the whole control surface, read from an address or a form, and a
//! fingerprint of what they produce. Here, not in the page, so that the fuzzer and the model worker
//! reach it without building Leptos or burn; the run itself is the model crate's.

use serde::{Deserialize, Serialize};

use crate::{ModelError, START, Vocab};
use sampling::{Sampler, SamplingError, Temperature, TokenId, TopK, TopP};

/// The most tokens one run may add.
pub const MAX_LENGTH: usize = 40;

/// The longest prompt a link may carry for the Shakespeare model, in characters (a names prompt:
/// [`MAX_LENGTH`]).
pub const MAX_TEXT_PROMPT: usize = 400;

/// Which model the control surface runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Model {
    /// The transformer of names: the prompt is the start of a name, a–z.
    #[default]
    Names,
    /// The Shakespeare model: the prompt is any text.
    Shakespeare,
}

impl Model {
    /// Both, in the order the form offers them.
    pub const ALL: [Self; 2] = [Self::Names, Self::Shakespeare];

    /// Its value in a link.
    pub fn key(self) -> &'static str {
        match self {
            Self::Names => "names",
            Self::Shakespeare => "shakespeare",
        }
    }

    /// Its label in the form.
    pub fn label(self) -> &'static str {
        match self {
            Self::Names => "Names (the transformer)",
            Self::Shakespeare => "Shakespeare (word pieces)",
        }
    }

    /// The longest prompt a link carries for it, in characters.
    pub fn max_prompt(self) -> usize {
        match self {
            Self::Names => MAX_LENGTH,
            Self::Shakespeare => MAX_TEXT_PROMPT,
        }
    }
}

/// Everything that decides the output once the weights are fixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The model that runs.
    pub model: Model,
    /// What to continue: for names the start of one, a–z only (may be empty); for Shakespeare any text.
    pub prompt: String,
    /// τ.
    pub tau: f64,
    /// Top-k (0 = off).
    pub k: usize,
    /// Top-p (1 = off).
    pub p: f64,
    /// The seed of the draws.
    pub seed: u64,
    /// How many symbols to add at most.
    pub length: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self { model: Model::Names, prompt: "ma".into(), tau: 0.8, k: 0, p: 0.95, seed: 7, length: 20 }
    }
}

/// The control surface's form as typed: one text per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    /// The model chosen.
    pub model: Model,
    /// What to continue, checked by the model's tokens when run.
    pub prompt: String,
    /// τ as typed, a decimal number greater than 0.
    pub tau: String,
    /// Top-k as typed, a whole number (0 is off).
    pub k: String,
    /// Top-p as typed, in (0, 1] (1 is off).
    pub p: String,
    /// The seed as typed, a whole number: it fixes every draw.
    pub seed: String,
    /// How many symbols to add at most, as typed.
    pub length: String,
}

impl Form {
    /// The form showing `settings`.
    pub fn of(settings: &Settings) -> Self {
        Self {
            model: settings.model,
            prompt: settings.prompt.clone(),
            tau: settings.tau.to_string(),
            k: settings.k.to_string(),
            p: settings.p.to_string(),
            seed: settings.seed.to_string(),
            length: settings.length.to_string(),
        }
    }

    /// The settings the form describes. Numbers are checked for their kind here; their ranges when the
    /// settings run (so that τ = 0, say, is refused by the core with its own reason). The length is
    /// clamped to 1 ..= [`MAX_LENGTH`].
    ///
    /// # Errors
    /// A sentence naming the first field that is not a number of its kind.
    pub fn parse(&self) -> Result<Settings, String> {
        let number =
            |name: &str, text: &str| text.trim().parse::<f64>().map_err(|_| format!("{name} must be a number"));
        let whole =
            |name: &str, text: &str| text.trim().parse::<u64>().map_err(|_| format!("{name} must be a whole number"));
        Ok(Settings {
            model: self.model,
            // A names prompt is letters, spaces around them a slip; a text prompt is kept as typed.
            prompt: match self.model {
                Model::Names => self.prompt.trim().to_string(),
                Model::Shakespeare => self.prompt.clone(),
            },
            tau: number("τ", &self.tau)?,
            k: usize::try_from(whole("k", &self.k)?).unwrap_or(usize::MAX),
            p: number("p", &self.p)?,
            seed: whole("The seed", &self.seed)?,
            length: usize::try_from(whole("The length", &self.length)?).unwrap_or(MAX_LENGTH).clamp(1, MAX_LENGTH),
        })
    }
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// The prompt followed by what the model added (without the closing `·`).
    pub text: String,
    /// A short fingerprint of the text's bytes.
    pub hash: String,
}

/// The context a prompt stands for: `·` (a name starts) followed by the prompt's letters.
///
/// # Errors
/// [`ModelError::OutOfVocabulary`] naming the first character that is not a letter (`·` included:
/// a prompt is the start of one name).
pub fn prompt_context(prompt: &str) -> Result<Vec<TokenId>, ModelError> {
    let tokens = Vocab.encode(prompt)?;
    if let Some(position) = tokens.iter().position(|&t| t == START) {
        let character = prompt.chars().nth(position).unwrap_or('·');
        return Err(ModelError::OutOfVocabulary { character, position });
    }
    Ok(std::iter::once(START).chain(tokens).collect())
}

/// FNV-1a over bytes, 64 bits. Written out because the fingerprint must be the same on every platform
/// and in every Rust version, which `std`'s hasher does not promise.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl Settings {
    /// The sampler these settings describe.
    ///
    /// # Errors
    /// [`SamplingError`] for a τ or p out of range.
    pub fn sampler(&self) -> Result<Sampler, SamplingError> {
        Ok(Sampler::new(Temperature::new(self.tau)?, TopK::new(self.k), TopP::new(self.p)?))
    }

    /// The settings as a URL query, so that a link reproduces the same output (the model only when it
    /// is not the default, so that older links read the same).
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
        if self.model != Model::default() {
            query.append_pair("model", self.model.key());
        }
        query.append_pair("prompt", &self.prompt);
        for (key, value) in [
            ("t", self.tau.to_string()),
            ("k", self.k.to_string()),
            ("p", self.p.to_string()),
            ("seed", self.seed.to_string()),
            ("len", self.length.to_string()),
        ] {
            query.append_pair(key, &value);
        }
        query.finish()
    }

    /// Settings from a URL query; missing values keep their defaults, and unusable ones are named in
    /// the notes (each "key=value: why") and keep their defaults too. The prompt is kept as written
    /// (a–z or not) so that a bad one is reported when it runs, not silently changed.
    pub fn from_query(query: &str) -> (Self, Vec<String>) {
        let mut s = Self::default();
        let mut notes = Vec::new();
        let mut prompt = None;
        for (key, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
            let (key, value) = (key.as_ref(), value.as_ref());
            let pair = format!("{key}={value}");
            let problem = match key {
                "model" => set(
                    &mut s.model,
                    Model::ALL.into_iter().find(|m| m.key() == value),
                    "the model is names or shakespeare",
                ),
                "prompt" => {
                    prompt = Some(pair.clone());
                    s.prompt = value.to_string();
                    None
                }
                "t" => set(
                    &mut s.tau,
                    value.parse().ok().filter(|t: &f64| t.is_finite() && *t > 0.0),
                    "τ must be a positive number",
                ),
                "k" => set(&mut s.k, value.parse().ok(), "k must be a whole number"),
                "p" => set(&mut s.p, value.parse().ok().filter(|p: &f64| *p > 0.0 && *p <= 1.0), "p must be in (0, 1]"),
                "seed" => set(&mut s.seed, value.parse().ok(), "the seed must be a whole number"),
                "len" => set(
                    &mut s.length,
                    value.parse().ok().filter(|l| (1..=MAX_LENGTH).contains(l)),
                    &format!("the length must be from 1 to {MAX_LENGTH}"),
                ),
                _ => Some("not a setting".to_string()),
            };
            if let Some(why) = problem {
                notes.push(note(&pair, &why));
            }
        }
        // The prompt is cut once the model is known, wherever the two stand in the link.
        let most = s.model.max_prompt();
        if let Some(pair) = prompt.filter(|_| s.prompt.chars().count() > most) {
            s.prompt = s.prompt.chars().take(most).collect();
            notes.push(note(&pair, &format!("at most {most} characters are kept")));
        }
        (s, notes)
    }
}

/// A note on a setting of a link: the pair, cut short, and why it was not used as written.
fn note(pair: &str, why: &str) -> String {
    let shown: String = pair.chars().take(24).collect();
    let cut = if shown.len() < pair.len() { "…" } else { "" };
    format!("{shown}{cut}: {why}")
}

/// Puts `parsed` in `slot` if there is one; otherwise returns why not.
fn set<T>(slot: &mut T, parsed: Option<T>, why: &str) -> Option<String> {
    match parsed {
        Some(value) => {
            *slot = value;
            None
        }
        None => Some(why.to_string()),
    }
}

impl Output {
    /// What a run of `prompt` produced when the model of names `added` these symbols (up to the end).
    pub fn of(prompt: &str, added: &[TokenId]) -> Self {
        Self::text(format!("{prompt}{}", Vocab.name(added)))
    }

    /// A run that produced `text`, with its fingerprint.
    pub fn text(text: String) -> Self {
        let hash = format!("{:016x}", fnv1a(text.as_bytes()));
        Self { text, hash: hash[..8].to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_round_trips_and_names_the_first_bad_field() {
        let s = Settings { model: Model::Names, prompt: "jo".into(), tau: 1.3, k: 5, p: 0.9, seed: 42, length: 12 };
        assert_eq!(Form::of(&s).parse(), Ok(s.clone()));
        let text = Settings { model: Model::Shakespeare, prompt: " O, ".into(), ..s.clone() };
        assert_eq!(Form::of(&text).parse(), Ok(text), "a text prompt keeps its spaces");
        let spaced = Form { prompt: " jo ".into(), tau: " 1.3".into(), ..Form::of(&s) };
        assert_eq!(spaced.parse(), Ok(s.clone()));
        assert_eq!(Form { tau: "hot".into(), ..Form::of(&s) }.parse(), Err("τ must be a number".into()));
        assert_eq!(Form { k: "-1".into(), ..Form::of(&s) }.parse(), Err("k must be a whole number".into()));
        assert_eq!(
            Form { seed: "1.5".into(), p: "x".into(), ..Form::of(&s) }.parse(),
            Err("p must be a number".into())
        );
        assert_eq!(Form { length: "999".into(), ..Form::of(&s) }.parse().unwrap().length, MAX_LENGTH);
        assert_eq!(Form { length: "0".into(), ..Form::of(&s) }.parse().unwrap().length, 1);
        // Out-of-range numbers parse; the sampler refuses them with the core's reason.
        let cold = Form { tau: "0".into(), ..Form::of(&s) }.parse().unwrap();
        assert!(cold.sampler().is_err());
    }

    #[test]
    fn a_prompt_is_a_name_started_after_the_boundary() {
        assert_eq!(prompt_context("ab"), Ok(vec![START, 1, 2]));
        assert_eq!(prompt_context(""), Ok(vec![START]));
        assert_eq!(prompt_context("a·"), Err(ModelError::OutOfVocabulary { character: '·', position: 1 }));
        assert!(matches!(prompt_context("é"), Err(ModelError::OutOfVocabulary { character: 'é', position: 0 })));
    }

    #[test]
    fn settings_round_trip_through_the_url() {
        let s = Settings { model: Model::Names, prompt: "jo".into(), tau: 1.3, k: 5, p: 0.9, seed: 42, length: 12 };
        assert_eq!(s.to_query(), "?prompt=jo&t=1.3&k=5&p=0.9&seed=42&len=12", "links made before the model choice");
        assert_eq!(Settings::from_query(&s.to_query()), (s, vec![]));
        let text = Settings {
            model: Model::Shakespeare,
            prompt: "To be, or not to be & c.\n¿Qué? 100% = ½".into(),
            tau: 0.7,
            k: 40,
            p: 1.0,
            seed: 3,
            length: 40,
        };
        assert!(text.to_query().starts_with("?model=shakespeare&prompt=To+be%2C+or"), "{}", text.to_query());
        assert_eq!(Settings::from_query(&text.to_query()), (text, vec![]));
        assert_eq!(Settings::from_query(""), (Settings::default(), vec![]));
        assert_eq!(Settings::from_query("?"), (Settings::default(), vec![]));
    }

    #[test]
    fn unusable_values_in_the_url_keep_their_defaults_and_are_named() {
        let (junk, notes) = Settings::from_query("?t=-1&p=7&seed=x&len=999&k=&zzz=1&t=NaN&p=0.5");
        assert_eq!(junk, Settings { p: 0.5, ..Settings::default() });
        assert_eq!(
            notes,
            [
                "t=-1: τ must be a positive number",
                "p=7: p must be in (0, 1]",
                "seed=x: the seed must be a whole number",
                "len=999: the length must be from 1 to 40",
                "k=: k must be a whole number",
                "zzz=1: not a setting",
                "t=NaN: τ must be a positive number",
            ]
        );
        // Long or strange input is cut in the note and never breaks it.
        let long = format!("?prompt={}&{}=1&model=novel", "a".repeat(500), "é".repeat(100));
        let (s, notes) = Settings::from_query(&long);
        assert_eq!(s.prompt.len(), MAX_LENGTH);
        assert_eq!(notes.len(), 3);
        assert!(notes.iter().all(|n| n.chars().count() < 80), "{notes:?}");
        assert!(notes.contains(&"model=novel: the model is names or shakespeare".to_string()), "{notes:?}");
        // A text prompt may be longer, whichever comes first in the link.
        let (s, notes) = Settings::from_query(&format!("?prompt={}&model=shakespeare", "a".repeat(500)));
        assert_eq!((s.prompt.len(), notes.len()), (MAX_TEXT_PROMPT, 1));
    }

    #[test]
    fn fnv_matches_its_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn an_output_is_the_prompt_then_the_name_with_a_fingerprint() {
        let out = Output::of("ma", &[18, 1, 0, 5]);
        assert_eq!(out.text, "mara");
        assert_eq!(out.hash, format!("{:016x}", fnv1a(b"mara"))[..8]);
    }
}
