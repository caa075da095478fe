//! Speculative sampling on the page's two models: the bigram drafts, the transformer verifies. The
//! tokens that come out are distributed as the transformer's, whatever the settings and γ; the cache is
//! rolled back exactly; γ = 0 is plain sampling.

use std::cell::RefCell;
use std::collections::HashMap;

use model::{
    Bigram, BigramRows, END, Gpt, GptConfig, Incremental, LanguageModel, ModelError, Prefixes, Recompute, START,
    Speculation, Vocab, device, generate_cached, generate_speculative, next_logits,
};
use sampling::{Logits, Sampler, Strategy, Temperature, TokenId, TopK, TopP, seeded_rng};

fn sampler(tau: f64, k: usize, p: f64) -> Strategy {
    Strategy::Sample(Sampler::new(Temperature::new(tau).unwrap(), TopK::new(k), TopP::new(p).unwrap()))
}

/// A model's [`next_logits`] on every prefix, each computed once: the same distributions as the model's,
/// fast enough for a hundred thousand rounds (read through [`Prefixes`]).
struct Memo<'m, M: ?Sized> {
    model: &'m M,
    seen: RefCell<HashMap<Vec<TokenId>, Logits>>,
}

impl<'m, M: LanguageModel + ?Sized> Memo<'m, M> {
    fn new(model: &'m M) -> Self {
        Self { model, seen: RefCell::default() }
    }

    fn logits(&self, context: &[TokenId]) -> Result<Logits, ModelError> {
        if let Some(l) = self.seen.borrow().get(context) {
            return Ok(l.clone());
        }
        let l = next_logits(self.model, context)?;
        self.seen.borrow_mut().insert(context.to_vec(), l.clone());
        Ok(l)
    }
}

/// The upper 10⁻⁶ point of the chi-square distribution with `df` degrees of freedom (Wilson–Hilferty).
fn chi_square_bound(df: usize) -> f64 {
    let (df, z) = (df as f64, 4.753);
    let a = 2.0 / (9.0 * df);
    df * (1.0 - a + z * a.sqrt()).powi(3)
}

/// Pearson's statistic of `counts` against `expected` probabilities over `n` draws, cells expected
/// fewer than 5 times pooled into one (with any cell `expected` lacks); with its degrees of freedom. +∞
/// when something came out that has no expected mass at all.
fn chi_square(counts: &HashMap<Vec<TokenId>, usize>, expected: &HashMap<Vec<TokenId>, f64>, n: usize) -> (f64, usize) {
    let (mut stat, mut cells, mut pooled_e, mut pooled_o) = (0.0, 0usize, 0.0, 0.0);
    for (cell, &prob) in expected {
        let e = prob * n as f64;
        let o = counts.get(cell).copied().unwrap_or(0) as f64;
        if e < 5.0 {
            pooled_e += e;
            pooled_o += o;
        } else {
            stat += (o - e).powi(2) / e;
            cells += 1;
        }
    }
    let outside: usize = counts.iter().filter(|(c, _)| !expected.contains_key(*c)).map(|(_, &o)| o).sum();
    pooled_o += outside as f64;
    if pooled_e > 0.0 {
        stat += (pooled_o - pooled_e).powi(2) / pooled_e;
        cells += 1;
    } else if pooled_o > 0.0 {
        stat = f64::INFINITY; // what came out includes something expected never to
    }
    (stat, cells - 1)
}

/// The target's probability of each pair of next tokens after `prefix` under `strategy`.
fn pairs<M: LanguageModel + ?Sized>(
    target: &Memo<M>,
    prefix: &[TokenId],
    strategy: &Strategy,
) -> HashMap<Vec<TokenId>, f64> {
    let first = strategy.distribution(&target.logits(prefix).unwrap());
    let mut out = HashMap::new();
    for (a, &pa) in first.probs().iter().enumerate().filter(|(_, p)| **p > 0.0) {
        if a == END {
            out.insert(vec![a], pa); // the name ends: no second token
            continue;
        }
        let context: Vec<TokenId> = prefix.iter().copied().chain([a]).collect();
        let second = strategy.distribution(&target.logits(&context).unwrap());
        for (b, &pb) in second.probs().iter().enumerate().filter(|(_, p)| **p > 0.0) {
            out.insert(vec![a, b], pa * pb);
        }
    }
    out
}

/// For a fixed prefix, the first two tokens that speculative sampling (bigram draft, transformer
/// target) produces are distributed as the transformer's, over 100,000 seeded runs, for several
/// settings and γ. The same test tells the draft's own distribution apart, so it could fail.
#[test]
fn the_tokens_are_distributed_as_the_targets_for_every_setting_and_gamma() {
    let device = device();
    let (bigram, gpt) = (Bigram::shipped(&device).unwrap(), Gpt::shipped(&device).unwrap());
    let (draft_memo, target_memo) = (Memo::new(&bigram), Memo::new(&gpt));
    let draft = Prefixes(|c: &[TokenId]| draft_memo.logits(c));
    let target = Prefixes(|c: &[TokenId]| target_memo.logits(c));
    let prefix = Vocab.encode("·ma").unwrap();
    let cases = [(1.0, 0, 1.0, 1), (0.7, 5, 1.0, 2), (1.5, 0, 0.9, 4), (1.0, 10, 0.8, 8)];
    const RUNS: usize = 100_000;
    for (i, (tau, k, p, gamma)) in cases.into_iter().enumerate() {
        let strategy = sampler(tau, k, p);
        let expected = pairs(&target_memo, &prefix, &strategy);
        let mut counts: HashMap<Vec<TokenId>, usize> = HashMap::new();
        let mut rng = seeded_rng(100 + i as u64);
        let mut accepted = 0;
        for _ in 0..RUNS {
            let (tokens, tally) =
                generate_speculative(&draft, &target, &prefix, 2, Some(END), gamma, &strategy, &mut rng).unwrap();
            accepted += tally.accepted;
            *counts.entry(tokens).or_default() += 1;
        }
        let (stat, df) = chi_square(&counts, &expected, RUNS);
        let bound = chi_square_bound(df);
        let at = format!("τ {tau}, k {k}, p {p}, γ {gamma}: χ² {stat:.1} over {df} degrees of freedom");
        assert!(stat < bound, "{at}, above {bound:.1}");
        assert!(accepted > RUNS / 4, "{at}: the draft is accepted often ({accepted} in {RUNS} runs)");
        // The draft's own distribution of the first token differs from the target's: the same test
        // would see it.
        let draft_first = strategy.distribution(&draft_memo.logits(&prefix).unwrap());
        let as_draft: HashMap<Vec<TokenId>, f64> =
            draft_first.probs().iter().enumerate().filter(|(_, p)| **p > 0.0).map(|(a, &p)| (vec![a], p)).collect();
        let firsts: HashMap<Vec<TokenId>, usize> = counts.iter().fold(HashMap::new(), |mut m, (c, &n)| {
            *m.entry(vec![c[0]]).or_default() += n;
            m
        });
        let (stat, df) = chi_square(&firsts, &as_draft, RUNS);
        assert!(stat > 10.0 * chi_square_bound(df), "{at}: the draft's distribution is not what came out");
    }
}

/// The real path, the transformer's key/value cache included, over fewer runs: the first token after a
/// prefix follows the target's distribution.
#[test]
fn with_the_cache_the_first_token_is_distributed_as_the_targets() {
    let device = device();
    let (bigram, gpt) = (Bigram::shipped(&device).unwrap(), Gpt::shipped(&device).unwrap());
    let prefix = Vocab.encode("·ka").unwrap();
    let strategy = sampler(1.2, 0, 0.95);
    let expected: HashMap<Vec<TokenId>, f64> = strategy
        .distribution(&next_logits(&gpt, &prefix).unwrap())
        .probs()
        .iter()
        .enumerate()
        .filter(|(_, p)| **p > 0.0)
        .map(|(a, &p)| (vec![a], p))
        .collect();
    const RUNS: usize = 3_000;
    let mut counts: HashMap<Vec<TokenId>, usize> = HashMap::new();
    let mut rng = seeded_rng(7);
    let draft = Recompute(&bigram);
    for _ in 0..RUNS {
        let mut run = Speculation::new(&draft, &gpt, &prefix).unwrap();
        let round = run.round(&draft, &gpt, 3, &strategy, &mut rng).unwrap();
        *counts.entry(vec![round.tokens()[0]]).or_default() += 1;
    }
    let (stat, df) = chi_square(&counts, &expected, RUNS);
    assert!(stat < chi_square_bound(df), "χ² {stat:.1} over {df} degrees of freedom");
}

#[test]
fn gamma_zero_is_plain_cached_sampling_token_for_token() {
    let device = device();
    let (bigram, gpt) = (Bigram::shipped(&device).unwrap(), Gpt::shipped(&device).unwrap());
    let strategy = sampler(1.0, 0, 0.9);
    for seed in 0..5 {
        let prompt = [START];
        let plain = generate_cached(&gpt, &prompt, 15, &strategy, &mut seeded_rng(seed)).unwrap();
        let (spec, tally) = generate_speculative(
            &Recompute(&bigram),
            &gpt,
            &prompt,
            15,
            Some(END),
            0,
            &strategy,
            &mut seeded_rng(seed),
        )
        .unwrap();
        assert_eq!(spec, plain, "seed {seed}");
        assert_eq!(tally.target_passes, spec.len(), "one pass per token");
        assert_eq!(tally.drafted, 0);
    }
}

#[test]
fn a_draft_identical_to_the_target_is_always_accepted() {
    let bigram = Bigram::shipped(&device()).unwrap();
    let strategy = sampler(1.0, 0, 1.0);
    let mut rng = seeded_rng(2);
    let model = Recompute(&bigram);
    let mut run = Speculation::new(&model, &model, &[START]).unwrap();
    for _ in 0..200 {
        let round = run.round(&model, &model, 4, &strategy, &mut rng).unwrap();
        assert_eq!(round.verdict.accepted(), 4, "{:?}", round.verdict);
        assert!(round.verdict.residual.is_none());
    }
    let tally = run.tally();
    assert_eq!((tally.target_passes, tally.drafted, tally.accepted, tally.tokens), (200, 800, 800, 1000));
    assert_eq!(tally.passes_per_token(), 0.2);
}

/// Feeding several tokens in one pass gives the logits and the cache of feeding them one at a time.
#[test]
fn one_pass_over_several_tokens_equals_one_step_each() {
    let model = Gpt::new(&GptConfig::new().with_context(16).with_width(32).with_heads(4).with_layers(2), &device());
    let tokens = [START, 5, 9, 1, 20, 14, 3];
    let mut stepped = model.new_cache();
    let one_by_one: Vec<Logits> = tokens.iter().map(|&t| model.step(t, &mut stepped).unwrap()).collect();
    let mut batched = model.new_cache();
    let mut together = model.extend(&tokens[..2], &mut batched).unwrap();
    together.extend(model.extend(&tokens[2..], &mut batched).unwrap());
    assert_eq!(batched.tokens(), stepped.tokens());
    for (a, b) in together.iter().zip(&one_by_one) {
        for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
            assert!((x - y).abs() < 1e-5, "{x} against {y}");
        }
    }
    assert_caches_match(&batched, &stepped);
}

fn assert_caches_match(a: &model::KvCache, b: &model::KvCache) {
    assert_eq!(a.tokens(), b.tokens());
    for layer in 0..2 {
        for (rows_a, rows_b) in [(a.keys(layer), b.keys(layer)), (a.values(layer), b.values(layer))] {
            assert_eq!(rows_a.len(), rows_b.len(), "layer {layer}");
            for (x, y) in rows_a.iter().flatten().zip(rows_b.iter().flatten()) {
                assert!((x - y).abs() < 1e-5, "layer {layer}: {x} against {y}");
            }
        }
    }
}

/// After every round, rejections included, the target's cache is the cache that stepping the text
/// (all but its last token) builds: the rejected drafts leave no trace.
#[test]
fn the_cache_after_a_rejection_is_the_cache_of_the_accepted_tokens() {
    let device = device();
    let (bigram, gpt) = (Bigram::shipped(&device).unwrap(), Gpt::shipped(&device).unwrap());
    let strategy = sampler(1.0, 0, 1.0);
    let mut rng = seeded_rng(11);
    let mut rejections = 0;
    let draft = BigramRows::new(&bigram).unwrap();
    for _ in 0..20 {
        let mut run = Speculation::new(&draft, &gpt, &[START]).unwrap();
        while run.text().len() < 12 && !run.generated().contains(&END) {
            let round = run.round(&draft, &gpt, 4, &strategy, &mut rng).unwrap();
            rejections += usize::from(round.verdict.residual.is_some());
            let text = run.text();
            let mut rebuilt = gpt.new_cache();
            for &t in &text[..text.len() - 1] {
                gpt.step(t, &mut rebuilt).unwrap();
            }
            assert_caches_match(run.states().1, &rebuilt);
            assert_eq!(run.states().0, &text.to_vec(), "the draft has read the whole text");
        }
    }
    assert!(rejections > 10, "rejections happened ({rejections})");
}

#[test]
fn the_same_prompt_settings_gamma_and_seed_give_the_same_tokens() {
    let device = device();
    let (bigram, gpt) = (Bigram::shipped(&device).unwrap(), Gpt::shipped(&device).unwrap());
    let strategy = sampler(0.9, 0, 0.95);
    let run = |seed| {
        generate_speculative(&Recompute(&bigram), &gpt, &[START], 15, Some(END), 3, &strategy, &mut seeded_rng(seed))
            .unwrap()
    };
    assert_eq!(run(4), run(4));
    let (tokens, tally) = run(4);
    assert!(tokens.len() <= 15);
    assert!(tokens.iter().position(|&t| t == END).is_none_or(|i| i == tokens.len() - 1), "nothing after the end");
    assert!(tally.passes_per_token() <= 1.0);
}

/// The bigram's table as a draft reads the same logits as the bigram's forward pass.
#[test]
fn the_bigram_rows_are_the_bigrams_logits() {
    let bigram = Bigram::shipped(&device()).unwrap();
    let (rows, recompute) = (BigramRows::new(&bigram).unwrap(), Recompute(&bigram));
    let text = Vocab.encode("·emma·zoe").unwrap();
    let (mut a, mut b) = (rows.start(), recompute.start());
    assert_eq!(rows.feed(&mut a, &text[..3]).unwrap(), recompute.feed(&mut b, &text[..3]).unwrap());
    assert_eq!(rows.feed(&mut a, &text[3..]).unwrap(), recompute.feed(&mut b, &text[3..]).unwrap());
    assert!(matches!(rows.feed(&mut a, &[27]), Err(ModelError::BadToken(27))));
}

#[test]
fn an_empty_prompt_and_a_bad_token_are_errors() {
    let device = device();
    let (bigram, gpt) = (Bigram::shipped(&device).unwrap(), Gpt::shipped(&device).unwrap());
    assert!(matches!(Speculation::new(&Recompute(&bigram), &gpt, &[]), Err(ModelError::EmptyContext)));
    assert!(matches!(Speculation::new(&Recompute(&bigram), &gpt, &[START, 40]), Err(ModelError::BadToken(40))));
}
