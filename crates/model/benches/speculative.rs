//! Speculative sampling on the page's models, natively: the bigram drafts (from its table of rows), the
//! cached transformer verifies. One batch of names (the same seeds for every contender) by plain cached sampling and with
//! γ = 1, 2, 4, 8 drafts a round (`speculative/plain/16`, `speculative/gamma4/16`); criterion times each
//! batch, and the totals of a larger batch (target
//! passes per token, acceptance) go to the file named by `SPECULATIVE_OUT` as JSON, for `cargo xtask
//! bench`'s table.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use model::{Bigram, BigramRows, END, Gpt, MAX_NAME, START, Tally, device, generate_cached, generate_speculative};
use sampling::{Strategy, seeded_rng};

/// The drafts per round measured.
const GAMMAS: [usize; 4] = [1, 2, 4, 8];
/// Names per timed batch.
const BATCH: u64 = 16;
/// Names the totals are counted over.
const COUNTED: u64 = 500;

fn speculative(c: &mut Criterion) {
    let device = device();
    let (bigram, gpt) =
        (Bigram::shipped(&device).expect("the bigram"), Gpt::shipped(&device).expect("the transformer"));
    let draft = BigramRows::new(&bigram).expect("the bigram's rows");
    let strategy = Strategy::default();
    let name = |gamma: Option<usize>, seed: u64| -> (Vec<usize>, Tally) {
        let mut rng = seeded_rng(seed);
        match gamma {
            None => {
                let tokens = generate_cached(&gpt, &[START], MAX_NAME, &strategy, &mut rng).expect("a name");
                let n = tokens.len();
                (tokens, Tally { target_passes: n, drafted: 0, accepted: 0, tokens: n })
            }
            Some(g) => generate_speculative(&draft, &gpt, &[START], MAX_NAME, Some(END), g, &strategy, &mut rng)
                .expect("a name"),
        }
    };
    let mut totals = Vec::new();
    let mut group = c.benchmark_group("speculative");
    for gamma in std::iter::once(None).chain(GAMMAS.map(Some)) {
        let mut sum = Tally::default();
        for seed in 0..COUNTED {
            let (_, t) = name(gamma, seed);
            sum.target_passes += t.target_passes;
            sum.drafted += t.drafted;
            sum.accepted += t.accepted;
            sum.tokens += t.tokens;
        }
        totals.push(serde_json_line(gamma, sum));
        let id = gamma.map_or_else(|| "plain".to_string(), |g| format!("gamma{g}"));
        group.bench_function(BenchmarkId::new(id, BATCH), |b| {
            b.iter(|| (0..BATCH).map(|seed| name(gamma, black_box(seed)).0.len()).sum::<usize>());
        });
    }
    group.finish();
    let json = format!("[{}]\n", totals.join(",\n"));
    match std::env::var_os("SPECULATIVE_OUT") {
        Some(path) => std::fs::write(path, json).expect("the totals written"),
        None => print!("{json}"),
    }
}

/// One contender's totals as a JSON object (γ null for plain sampling).
fn serde_json_line(gamma: Option<usize>, t: Tally) -> String {
    let gamma = gamma.map_or_else(|| "null".to_string(), |g| g.to_string());
    format!(
        r#"{{"gamma": {gamma}, "names": {COUNTED}, "batch": {BATCH}, "target_passes": {}, "drafted": {}, "accepted": {}, "tokens": {}}}"#,
        t.target_passes, t.drafted, t.accepted, t.tokens
    )
}

criterion_group!(benches, speculative);
criterion_main!(benches);
