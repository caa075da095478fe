//! The bigram: its fit, its forward pass, its shipped weights and their recorded loss.

use burn::tensor::{Int, Tensor, TensorData};
use model::{
    Bigram, BigramCard, BigramCounts, Corpus, LanguageModel, ModelError, VOCAB_SIZE, Vocab, committed_split, device,
    generate, mean_nll, next_logits,
};
use sampling::{Sampler, Strategy, Temperature, TopK, TopP, seeded_rng, softmax};

fn tiny() -> Bigram {
    let names = ["ab".to_string(), "abb".to_string(), "b".to_string()];
    Bigram::fit(&BigramCounts::from_sequences(&Corpus::encode(&names).unwrap()).unwrap(), &device())
}

#[test]
fn the_fit_is_add_one_smoothed_counts() {
    // Sequences ·ab·, ·abb·, ·b·: after a: b twice; after b: · three times, b once; after ·: a twice, b once.
    let bigram = tiny();
    let row = |c| softmax(&bigram.row(Vocab.id(c).unwrap()).unwrap()).probs().to_vec();
    let (dot, a, b) = (0, 1, 2);
    assert!((row('a')[b] - 3.0 / 29.0).abs() < 1e-6);
    assert!((row('a')[a] - 1.0 / 29.0).abs() < 1e-6);
    assert!((row('b')[dot] - 4.0 / 31.0).abs() < 1e-6);
    assert!((row('·')[a] - 3.0 / 30.0).abs() < 1e-6);
    // A symbol never seen still has a chance after every other.
    assert!(row('z').iter().all(|&p| (p - 1.0 / 27.0).abs() < 1e-6));
}

#[test]
fn forward_gives_the_row_of_each_position() {
    let bigram = tiny();
    let ids = [0i64, 1, 2, 2, 0, 1];
    let tokens = Tensor::<2, Int>::from_data(TensorData::new(ids.to_vec(), [2, 3]), &device()); // [2, 3]
    let logits = bigram.forward(tokens); // [2, 3, 27]
    assert_eq!(logits.dims(), [2, 3, VOCAB_SIZE]);
    let values: Vec<f32> = logits.into_data().try_to_vec().unwrap();
    for (position, &id) in ids.iter().enumerate() {
        let expected = bigram.row(id as usize).unwrap();
        let got = &values[position * VOCAB_SIZE..(position + 1) * VOCAB_SIZE];
        for (g, e) in got.iter().zip(expected.as_slice()) {
            assert!((f64::from(*g) - e).abs() < 1e-6);
        }
    }
}

#[test]
fn next_logits_reads_the_last_symbol() {
    let bigram = tiny();
    assert_eq!(next_logits(&bigram, &[0, 1, 2]).unwrap(), bigram.row(2).unwrap());
    assert_eq!(next_logits(&bigram, &[]), Err(ModelError::EmptyContext));
    assert_eq!(next_logits(&bigram, &[0, 27]), Err(ModelError::BadToken(27)));
}

#[test]
fn the_shipped_weights_load_and_reproduce_the_recorded_validation_loss() {
    let bigram = Bigram::shipped(&device()).unwrap();
    let card = BigramCard::shipped().unwrap();
    let (train, validation) = committed_split().unwrap();
    assert_eq!((train.len(), validation.len()), (card.train_names, card.validation_names));
    let loss = mean_nll(&bigram, &validation).unwrap();
    assert!((loss - card.validation_loss).abs() < 1e-4, "loss {loss} vs card {}", card.validation_loss);
    // Far better than guessing uniformly among 27 symbols (ln 27 = 3.30 nats).
    assert!(loss < 2.7, "{loss}");
}

#[test]
fn the_shipped_weights_are_the_fit_of_the_training_split() {
    let (train, _) = committed_split().unwrap();
    let counts = BigramCounts::from_sequences(&train).unwrap();
    let fitted = Bigram::fit(&counts, &device());
    let shipped = Bigram::shipped(&device()).unwrap();
    for (a, b) in fitted.table().unwrap().iter().zip(shipped.table().unwrap()) {
        for (x, y) in a.as_slice().iter().zip(b.as_slice()) {
            assert!((x - y).abs() < 1e-6);
        }
    }
}

#[test]
fn weights_round_trip_through_bytes_and_garbage_is_an_error() {
    let bigram = tiny();
    let rows = bigram.table().unwrap();
    let back = Bigram::from_bytes(&bigram.to_bytes().unwrap(), &device()).unwrap();
    assert_eq!(back.table().unwrap(), rows);
    assert!(matches!(Bigram::from_bytes(b"not weights", &device()), Err(ModelError::Weights(_))));
}

#[test]
fn generation_is_reproducible_and_ends_at_the_boundary() {
    let bigram = Bigram::shipped(&device()).unwrap();
    let strategy =
        Strategy::Sample(Sampler::new(Temperature::new(0.9).unwrap(), TopK::new(10), TopP::new(0.95).unwrap()));
    let run = |seed| generate(&bigram, &[0], 40, &strategy, &mut seeded_rng(seed)).unwrap();
    assert_eq!(run(7), run(7));
    assert_ne!((1..6).map(run).collect::<Vec<_>>(), vec![run(7); 5]);
    let tokens = run(3);
    assert!(tokens.len() <= 40 && (tokens.len() == 40 || tokens.last() == Some(&0)));
    // Greedy from · always picks the most likely first letter, then the most likely follower, ...
    let greedy = generate(&bigram, &[0], 12, &Strategy::Greedy, &mut seeded_rng(0)).unwrap();
    let first = bigram.row(0).unwrap().argmax();
    assert_eq!(greedy[0], first);
}
