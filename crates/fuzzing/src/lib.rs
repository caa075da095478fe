//! The properties the fuzzers check. Each function takes raw bytes, builds an input from them with
//! `arbitrary`, calls the public API and panics if an invariant does not hold. A panic inside the API is
//! a finding too: no input may make it panic.
//!
//! `fuzz/` (a cargo-fuzz project, nightly only) runs these under libFuzzer; `tests/corpus.rs` replays
//! the committed corpus with stable Rust, so CI checks every input found so far.

use arbitrary::{Arbitrary, Unstructured};
use protocol::{ModelError, Vocab};
use sampling::{
    Distribution, Logits, MinP, Penalties, Pipeline, Sampler, SamplingError, Stage, Strategy, Temperature, TopK,
    TopNSigma, TopP, Typical, seeded_rng,
};

/// One logit, with the unusual values common enough to be found quickly.
#[derive(Debug, Clone, Copy, Arbitrary)]
enum Logit {
    /// Any bit pattern: NaN payloads, subnormals, infinities, huge values.
    Bits(f64),
    /// Masked.
    NegInf,
    /// A value shared with every other `Same` (ties).
    Same,
    /// Near the largest finite value, either sign.
    Huge(bool),
    /// A small integer, as in worked examples.
    Small(i8),
}

impl Logit {
    fn value(self) -> f64 {
        match self {
            Self::Bits(v) => v,
            Self::NegInf => f64::NEG_INFINITY,
            Self::Same => 1.5,
            Self::Huge(negative) => {
                if negative {
                    -f64::MAX
                } else {
                    f64::MAX
                }
            }
            Self::Small(i) => f64::from(i),
        }
    }
}

/// Arbitrary logits and settings.
#[derive(Debug, Arbitrary)]
struct SamplerInput {
    logits: Vec<Logit>,
    /// Appends (4,096 + 256 n) model-like logits from a seed, shifted: vocabularies large enough for the
    /// fast path's bracketed top-p, from a few bytes of input.
    grow: Option<(u8, u64, i8)>,
    tau: Logit,
    k: u16,
    p: Logit,
    seed: u64,
    u: f64,
}

/// The input `data` decodes to, for a report: logits, τ, k, p, seed.
pub fn describe_sampler(data: &[u8]) -> String {
    match SamplerInput::arbitrary_take_rest(Unstructured::new(data)) {
        Ok(i) => {
            let head: Vec<f64> = i.logits.iter().map(|l| l.value()).collect();
            let (v, tau, k, p, seed) = (values_of(&i).len(), i.tau.value(), i.k, i.p.value(), i.seed);
            format!("logits {head:?} then {:?} grown (V = {v}), τ {tau}, k {k}, p {p}, seed {seed}", i.grow)
        }
        Err(e) => format!("no input ({e})"),
    }
}

/// The logits of an input: the fuzzed ones, then the grown ones.
fn values_of(input: &SamplerInput) -> Vec<f64> {
    grown(&input.logits, input.grow)
}

/// `logits`, then (4,096 + 256 n) model-like logits from a seed, shifted, when `grow` says so.
fn grown(logits: &[Logit], grow: Option<(u8, u64, i8)>) -> Vec<f64> {
    let mut values: Vec<f64> = logits.iter().map(|l| l.value()).collect();
    if let Some((n, seed, offset)) = grow {
        let grown = sampling::reference::model_like_logits(4096 + 256 * usize::from(n), seed);
        values.extend(grown.into_iter().map(|v| f64::from(v) + f64::from(offset)));
    }
    values
}

/// Tolerance for a distribution's total mass.
const MASS: f64 = 1e-6;

/// Builds logits and a sampler from `data` through the public constructors, and checks every result:
/// refused exactly when the input is invalid (with the reason), and when accepted, a distribution of
/// the right length summing to 1 that gives no mass to a masked token, a draw in range that is never a
/// masked or cut token, greedy equal to the argmax, and the fast path, the staged one (what the widgets draw) and the textbook
/// reference keeping the same tokens with the same probabilities.
pub fn sampler(data: &[u8]) {
    let Ok(input) = SamplerInput::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let values = values_of(&input);

    let logits = Logits::new(values.clone());
    let expected = if values.is_empty() {
        Err(SamplingError::Empty)
    } else if let Some(index) = values.iter().position(|v| v.is_nan()) {
        Err(SamplingError::NanLogit { index })
    } else if let Some(index) = values.iter().position(|&v| v == f64::INFINITY) {
        Err(SamplingError::InfiniteLogit { index })
    } else if !values.iter().any(|v| v.is_finite()) {
        Err(SamplingError::AllMasked)
    } else {
        Ok(())
    };
    assert_eq!(logits.as_ref().map(|_| ()), expected.as_ref().map(|_| ()), "{values:?}");
    if let (Err(got), Err(want)) = (&logits, &expected) {
        assert_eq!(got, want);
    }

    let tau = input.tau.value();
    let temperature = Temperature::new(tau);
    assert_eq!(temperature.is_ok(), tau.is_finite() && tau > 0.0, "τ = {tau}");
    let p = input.p.value();
    let top_p = TopP::new(p);
    assert_eq!(top_p.is_ok(), p > 0.0 && p <= 1.0, "p = {p}");

    let (Ok(logits), Ok(temperature), Ok(top_p)) = (logits, temperature, top_p) else { return };
    let sampler = Sampler::new(temperature, TopK::new(usize::from(input.k)), top_p);
    let v = logits.len();

    let dist = sampler.distribution(&logits);
    check_distribution(&dist, &logits);
    let staged = sampling::softmax(&sampler.stages(&logits)[2].logits);
    check_distribution(&staged, &logits);
    let textbook = sampling::reference::distribution(&sampler, &logits);
    for (i, ((a, b), c)) in dist.probs().iter().zip(staged.probs()).zip(textbook.probs()).enumerate() {
        assert!((a - b).abs() <= 1e-9 && (a - c).abs() <= 1e-9, "token {i}: fast {a}, stages {b}, textbook {c}");
        assert_eq!((*a > 0.0, *b > 0.0), (*c > 0.0, *c > 0.0), "token {i}: kept by fast, stages; textbook keeps: {c}");
    }

    let chosen = sampler.choose(&logits, &mut seeded_rng(input.seed));
    assert!(chosen < v, "choice {chosen} of {v}");
    assert!(logits.is_kept(chosen), "choice {chosen} is masked");
    assert!(dist.probs()[chosen] > 0.0, "choice {chosen} was cut");

    let greedy = Strategy::Greedy.choose(&logits, &mut seeded_rng(input.seed));
    assert_eq!(greedy, logits.argmax());
    assert!(logits.is_kept(greedy));

    let u = if input.u.is_finite() { input.u.abs().fract() } else { 0.5 };
    let picked = dist.pick(u);
    assert!(picked < v && dist.probs()[picked] > 0.0, "pick({u}) = {picked}");
}

fn check_distribution(dist: &Distribution, logits: &Logits) {
    assert_eq!(dist.len(), logits.len());
    let total: f64 = dist.probs().iter().sum();
    assert!((total - 1.0).abs() <= MASS, "mass {total}");
    for (i, &q) in dist.probs().iter().enumerate() {
        assert!(q.is_finite() && (0.0..=1.0).contains(&q), "probability {i} is {q}");
        if !logits.is_kept(i) {
            assert_eq!(q, 0.0, "masked token {i} has mass");
        }
    }
}

/// One stage of an arbitrary pipeline, with raw settings that may be invalid.
#[derive(Debug, Arbitrary)]
enum RawStage {
    Penalties(Logit, Logit, Logit),
    Temperature(Logit),
    TopK(u16),
    TopP(Logit),
    MinP(Logit),
    Typical(Logit),
    TopNSigma(Logit),
}

impl RawStage {
    /// The stage through its public constructor, checked to refuse exactly the invalid settings.
    fn build(&self) -> Option<Stage> {
        let checked = |value: f64, valid: bool, built: Result<Stage, SamplingError>| {
            assert_eq!(built.is_ok(), valid, "{self:?} ({value})");
            built.ok()
        };
        match *self {
            Self::Penalties(r, a, b) => {
                let (r, a, b) = (r.value(), a.value(), b.value());
                let valid = r.is_finite() && r > 0.0 && a.is_finite() && b.is_finite();
                checked(r, valid, Penalties::new(r, a, b).map(Stage::Penalties))
            }
            Self::Temperature(t) => {
                let t = t.value();
                checked(t, t.is_finite() && t > 0.0, Temperature::new(t).map(Stage::Temperature))
            }
            Self::TopK(k) => Some(Stage::TopK(TopK::new(usize::from(k)))),
            Self::TopP(p) => {
                let p = p.value();
                checked(p, p > 0.0 && p <= 1.0, TopP::new(p).map(Stage::TopP))
            }
            Self::MinP(m) => {
                let m = m.value();
                checked(m, (0.0..=1.0).contains(&m), MinP::new(m).map(Stage::MinP))
            }
            Self::Typical(t) => {
                let t = t.value();
                checked(t, t > 0.0 && t <= 1.0, Typical::new(t).map(Stage::Typical))
            }
            Self::TopNSigma(n) => {
                let n = n.value();
                checked(n, n.is_finite() && n >= 0.0, TopNSigma::new(n).map(Stage::TopNSigma))
            }
        }
    }
}

/// Arbitrary logits, stages in any order, a context for the penalties.
#[derive(Debug, Arbitrary)]
struct PipelineInput {
    logits: Vec<Logit>,
    /// Appends (4,096 + 256 n) model-like logits from a seed, shifted: vocabularies large enough for the
    /// bracketed nucleus and the block-wise selections.
    grow: Option<(u8, u64, i8)>,
    stages: Vec<RawStage>,
    context: Vec<u16>,
    seed: u64,
}

/// Builds a pipeline of arbitrary stages in arbitrary order from `data`, and checks that the stages
/// refuse exactly the invalid settings and that, on valid logits, the result is a distribution within
/// what every stage on the way kept, that the draw is a kept token, and that the path `choose` takes
/// (fast where the order allows) draws what the staged path draws.
pub fn pipeline(data: &[u8]) {
    let Ok(input) = PipelineInput::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let stages: Vec<Option<Stage>> = input.stages.iter().map(RawStage::build).collect();
    let Ok(logits) = Logits::new(grown(&input.logits, input.grow)) else { return };
    let pipeline = stages.into_iter().flatten().fold(Pipeline::new(), Pipeline::then);
    let context: Vec<usize> = input.context.iter().map(|&t| usize::from(t)).collect();
    let trace = pipeline.trace(&logits, &context);
    let dist = pipeline.distribution(&logits, &context);
    check_distribution(&dist, &logits);
    for step in &trace {
        for (i, &q) in dist.probs().iter().enumerate() {
            assert!(q == 0.0 || step.logits.is_kept(i), "{:?} dropped token {i}, which kept mass {q}", step.stage);
        }
    }
    let staged = sampling::softmax(&pipeline.apply(&logits, &context));
    for (i, (a, b)) in dist.probs().iter().zip(staged.probs()).enumerate() {
        assert!((a - b).abs() <= 1e-9, "token {i}: {a} against the staged {b}");
    }
    let chosen = pipeline.choose(&logits, &context, &mut seeded_rng(input.seed));
    assert!(dist.probs()[chosen] > 0.0, "choice {chosen} was cut");
}

/// The input `data` decodes to, for a report.
pub fn describe_pipeline(data: &[u8]) -> String {
    match PipelineInput::arbitrary_take_rest(Unstructured::new(data)) {
        Ok(i) => format!("{i:?}"),
        Err(e) => format!("no input ({e})"),
    }
}

/// Arbitrary text for the prompt path, sometimes repeated into a very long input.
#[derive(Debug, Arbitrary)]
struct PromptInput {
    text: String,
    repeat: u8,
    query: String,
    seed: u64,
    length: u8,
}

/// The vocabulary and the control surface's prompt path on arbitrary Unicode: encoding refuses exactly
/// the characters outside `·`, `.`, a–z and A–Z (naming the first and its position) and round-trips the
/// rest; settings read from any address never panic and stay usable; running a prompt either refuses it
/// with the first bad character or writes a name that starts with it.
pub fn prompt(data: &[u8], model: &model::Bigram) {
    let Ok(input) = PromptInput::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let text = input.text.repeat(usize::from(input.repeat % 64) + 1);

    let allowed = |c: char| matches!(c.to_ascii_lowercase(), '·' | '.' | 'a'..='z');
    let first_bad = text.chars().enumerate().find(|&(_, c)| !allowed(c));
    match (Vocab.encode(&text), first_bad) {
        (Ok(ids), None) => {
            assert_eq!(ids.len(), text.chars().count());
            let back = Vocab.decode(&ids).expect("ids from encode decode");
            let normal: String = text.chars().map(|c| if c == '.' { '·' } else { c.to_ascii_lowercase() }).collect();
            assert_eq!(back, normal);
        }
        (Err(ModelError::OutOfVocabulary { character, position }), Some((at, bad))) => {
            assert_eq!((character, position), (bad, at));
        }
        (other, bad) => panic!("encode gave {other:?} for first bad character {bad:?}"),
    }

    let (settings, notes) = protocol::control::Settings::from_query(&input.query);
    assert!(settings.sampler().is_ok(), "settings from an address are always usable: {settings:?}");
    assert!(notes.iter().all(|n| n.chars().count() <= 120), "{notes:?}");

    let run = protocol::control::Settings {
        prompt: text.chars().take(64).collect(),
        seed: input.seed,
        length: usize::from(input.length % 4) + 1,
        ..settings
    };
    match model::control::run(&run, model) {
        Ok(output) => {
            assert!(output.text.starts_with(&run.prompt), "{output:?}");
            assert_eq!(output.hash.len(), 8);
        }
        Err(ModelError::OutOfVocabulary { character, .. }) => {
            assert!(!allowed(character) || character == '·' || character == '.')
        }
        Err(e) => panic!("the prompt path failed: {e}"),
    }
}
