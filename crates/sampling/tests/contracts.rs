//! Small contracts that the larger tests pass through without checking: accessors read back what was
//! set, names are the page's, the draw's boundaries are the textbook's, and the benchmarks' inputs are
//! the ones the table describes. Each test here was written against a mutant that survived the rest.
#![cfg(not(target_arch = "wasm32"))]

use sampling::reference::{self, BENCH_CHAIN_VOCABS};
use sampling::{
    Distribution, Engine, Logits, MinP, Penalties, Pipeline, Sampler, Stage, StageKind, Temperature, TopK, TopP,
    Typical, examples, seeded_rng,
};

/// A generator whose every draw is one chosen u in [0, 1) (a multiple of 2⁻⁵³).
struct Fixed(u64);

impl Fixed {
    fn at(u: f64) -> Self {
        Self(((u * (1u64 << 53) as f64) as u64) << 11)
    }
}

impl rand::TryRng for Fixed {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.0 >> 32) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        dst.fill(0);
        Ok(())
    }
}

#[test]
fn a_draw_on_a_boundary_goes_to_the_next_token_on_every_path() {
    // Equal logits over a power-of-two vocabulary: every weight is exactly 1 and every probability exactly
    // 1 / V, so u = j / V lands exactly on the end of token j − 1, and
    // the inverse transform (running sum > u × total) must give token j, as the textbook's pick does.
    let k8 = Sampler::new(Temperature::ONE, TopK::new(8), TopP::OFF);
    for (vocab, sampler) in [(4, Sampler::default()), (16, k8), (512, Sampler::default()), (2048, Sampler::default())] {
        let logits = Logits::new(vec![0.0; vocab]).unwrap();
        let kept = sampler.top_k.get().unwrap_or(vocab).min(vocab);
        let textbook = reference::distribution(&sampler, &logits);
        for eighth in 0..8 {
            let u = f64::from(eighth) / 8.0;
            let expected = textbook.pick(u);
            assert_eq!(expected, (u * kept as f64) as usize, "V = {vocab}, u = {u}");
            assert_eq!(sampler.choose(&logits, &mut Fixed::at(u)), expected, "V = {vocab}, u = {u}");
            assert_eq!(textbook.categorical().pick(u), expected, "V = {vocab}, u = {u}");
        }
    }
}

#[test]
fn the_walked_and_the_tabled_draw_agree_on_every_boundary() {
    // Random distributions with zeros, u on each running sum and its neighbours: Distribution::pick and
    // Categorical::pick must agree exactly, and never land on a zero.
    let mut rng = seeded_rng(5);
    for _ in 0..200 {
        let weights: Vec<f64> = (0..12)
            .map(|_| {
                let w = sampling::uniform(&mut rng);
                if w < 0.3 { 0.0 } else { w }
            })
            .chain([1.0])
            .collect();
        let dist = Distribution::from_probs(weights).unwrap();
        let table = dist.categorical();
        let mut sum = 0.0;
        for &p in dist.probs().iter().filter(|p| **p > 0.0) {
            sum += p;
            for u in [sum, sum.next_down(), sum.next_up(), 1.0, 0.0] {
                let (a, b) = (dist.pick(u), table.pick(u));
                assert_eq!(a, b, "u = {u} over {:?}", dist.probs());
                assert!(dist.probs()[a] > 0.0);
            }
        }
    }
}

#[test]
fn settings_read_back_as_set() {
    assert_eq!(Typical::new(0.8).unwrap().get(), 0.8);
    assert!(Typical::new(1.0).unwrap().is_off() && !Typical::new(0.8).unwrap().is_off());
    assert_eq!(Temperature::new(0.7).unwrap().get(), 0.7);
    assert_eq!(Temperature::ONE.get(), 1.0);
    let penalties = Penalties::new(1.3, 0.4, -0.2).unwrap();
    assert_eq!(penalties.get(), (1.3, 0.4, -0.2));
    assert_eq!(Penalties::OFF.get(), (1.0, 0.0, 0.0));
    assert!(Penalties::OFF.is_off() && !penalties.is_off());
    assert!(MinP::OFF.is_off() && MinP::new(0.0).unwrap().is_off() && !MinP::new(0.05).unwrap().is_off());
    let mut pipeline = Pipeline::new();
    pipeline.stages_mut().push(Stage::TopK(TopK::new(3)));
    assert_eq!(pipeline.stages(), &[Stage::TopK(TopK::new(3))]);
}

#[test]
fn a_pipeline_with_penalties_first_runs_on_the_sampler_path_with_them() {
    let penalties = Penalties::new(1.5, 0.0, 0.0).unwrap();
    let tau = Temperature::new(0.7).unwrap();
    let pipeline = Pipeline::new().then(Stage::Penalties(penalties)).then(Stage::Temperature(tau));
    let (p, sampler) = pipeline.as_sampler(10).expect("penalties then temperature fit the sampler path");
    assert_eq!(p, penalties);
    assert_eq!(sampler, Sampler { temperature: tau, ..Sampler::default() });
}

#[test]
fn names_are_the_pages() {
    let kinds: Vec<&str> = StageKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(kinds[..2], ["penalties", "temperature"]);
    assert!(kinds.iter().all(|n| !n.is_empty()));
    assert_eq!(kinds.iter().collect::<std::collections::HashSet<_>>().len(), kinds.len(), "{kinds:?}");
    let engines: Vec<&str> = Engine::ALL.iter().map(|e| e.name()).collect();
    assert_eq!(engines, ["Hugging Face transformers", "llama.cpp", "vLLM"]);
    assert_eq!(examples::listed(&examples::SIX_TOKENS), "(0.50, 0.20, 0.15, 0.08, 0.05, 0.02)");
    assert_eq!(examples::listed(&[]), "()");
}

#[test]
fn the_reference_draws_only_what_survives() {
    // Token 0 is masked: a textbook draw that returned a default id would land on it.
    let logits = Logits::new(vec![f64::NEG_INFINITY, 1.0, 0.5, 0.0]).unwrap();
    let sampler = Sampler::default();
    let chain = &reference::bench_chains()[0].run;
    let mut rng = seeded_rng(3);
    let mut seen = [0usize; 4];
    for _ in 0..400 {
        seen[reference::choose(&sampler, &logits, &mut rng)] += 1;
        seen[reference::choose_staged(chain, &logits, &mut rng)] += 1;
    }
    assert_eq!(seen[0], 0, "{seen:?}");
    assert!(seen[1] > seen[2] && seen[2] > seen[3] && seen[3] > 0, "{seen:?}");
}

#[test]
fn the_benchmarks_inputs_are_the_ones_described() {
    // The same numbers on every platform for a seed (these were computed natively and in Chromium).
    assert_eq!(reference::model_like_logits(4, 42), [-7.9190335, -6.625547, -5.8334394, -5.383386]);
    // llama.cpp's chain with its defaults: top-k 40, typical 0.95, top-p 0.95, min-p 0.05, τ 0.8.
    let llama = &reference::bench_chains()[1].run;
    for stage in [
        Stage::TopK(TopK::new(40)),
        Stage::Typical(Typical::new(0.95).unwrap()),
        Stage::TopP(TopP::new(0.95).unwrap()),
        Stage::MinP(MinP::new(0.05).unwrap()),
        Stage::Temperature(Temperature::new(0.8).unwrap()),
    ] {
        assert!(llama.stages().contains(&stage), "{stage:?} in {:?}", llama.stages());
    }
    assert_eq!(BENCH_CHAIN_VOCABS, [50_257, 151_936]);
}

#[test]
fn top_p_on_a_tie_at_the_cut_keeps_the_lower_ids_in_the_fast_stage_too() {
    // Ten high logits over thousands of equal ones: the nucleus ends inside the tie, and only the lowest
    // ids of the tied tokens are kept. The pipeline's reduced path (the fast kept set) must agree.
    let mut values = vec![3.0; 10];
    values.extend(std::iter::repeat_n(0.0, 4990));
    let logits = Logits::new(values).unwrap();
    for p in [0.2, 0.5, 0.9] {
        let top_p = TopP::new(p).unwrap();
        // A min-p stage after top-p keeps the pipeline off the sampler's path: top-p's kept set is found
        // by the reduced path's own search, then min-p (far below every survivor here) runs on it.
        let min_p = MinP::new(1e-9).unwrap();
        let pipeline = Pipeline::new().then(Stage::TopP(top_p)).then(Stage::MinP(min_p));
        assert!(pipeline.as_sampler(logits.len()).is_none() && pipeline.reducible_at(logits.len()) == Some(0));
        let fast = pipeline.distribution(&logits, &[]);
        let textbook = sampling::softmax(&min_p.apply(&top_p.apply(&logits)));
        let kept = |d: &Distribution| d.probs().iter().filter(|q| **q > 0.0).count();
        assert_eq!(kept(&fast), kept(&textbook), "p = {p}");
        assert!(kept(&fast) > 10 && kept(&fast) < 5000, "p = {p}: {}", kept(&fast));
        assert!(fast.total_variation(&textbook).unwrap() < 1e-9, "p = {p}");
    }
}

#[test]
fn the_largest_u_never_lands_on_a_masked_token() {
    // Summing token by token may fall a hair short of the total summed four at a time; the draw then
    // takes the last kept token, never a masked one after it.
    for seed in 0..300 {
        let mut values: Vec<f64> = reference::model_like_logits(700, seed).iter().map(|&v| f64::from(v)).collect();
        values.extend([f64::NEG_INFINITY; 5]);
        let logits = Logits::new(values).unwrap();
        for sampler in [Sampler::default(), Sampler::new(Temperature::ONE, TopK::OFF, TopP::new(0.9).unwrap())] {
            let token = sampler.choose(&logits, &mut Fixed(u64::MAX));
            assert!(logits.is_kept(token), "seed {seed}: {token}");
            assert_eq!(token, reference::distribution(&sampler, &logits).pick(1.0), "seed {seed}");
        }
    }
}

#[test]
fn the_nucleus_statistics_are_the_sorted_example() {
    // The six-token example in a shuffled order, with a masked token for the logits' version.
    let probs = [0.15, 0.02, 0.50, 0.08, 0.20, 0.05];
    let nucleus = sampling::Nucleus::new(&Distribution::from_probs(probs.to_vec()).unwrap(), TopP::new(0.9).unwrap());
    assert_eq!(nucleus.order(), &[2, 4, 0, 3, 5, 1]);
    assert_eq!(nucleus.sorted(), &examples::SIX_TOKENS);
    let expected = [0.50, 0.70, 0.85, 0.93, 0.98, 1.0];
    assert_eq!(nucleus.cumulative().len(), expected.len());
    assert!(
        nucleus.cumulative().iter().zip(expected).all(|(c, e)| (c - e).abs() < 1e-12),
        "{:?}",
        nucleus.cumulative()
    );
    assert_eq!((nucleus.size(), nucleus.total(), nucleus.kept()), (4, 6, &[2, 4, 0, 3][..]));
    let mut values: Vec<f64> = probs.iter().map(|p| p.ln()).collect();
    values.push(f64::NEG_INFINITY);
    let of_logits = sampling::Nucleus::of_logits(&Logits::new(values).unwrap(), TopP::new(0.9).unwrap());
    assert_eq!(of_logits.order(), &[2, 4, 0, 3, 5, 1, 6]);
    assert_eq!(of_logits.total(), 7);
    assert_eq!(of_logits.sorted()[6], 0.0);
}

#[test]
fn typical_sampling_ignores_a_token_whose_probability_underflows() {
    // Token 2 is alive but its probability rounds to 0: it adds nothing to the entropy (0 · ln 0 would be
    // NaN) and is the least typical.
    let logits = Logits::new(vec![0.0, 0.3, -800.0]).unwrap();
    let kept = Typical::new(0.5).unwrap().apply(&logits);
    assert!(!kept.is_kept(2));
    assert!(kept.is_kept(0) || kept.is_kept(1));
    let all = Typical::new(0.999).unwrap().apply(&logits);
    assert!(all.is_kept(0) && all.is_kept(1) && !all.is_kept(2), "{:?}", all.as_slice());
}
