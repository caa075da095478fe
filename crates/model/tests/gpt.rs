//! The transformer: shapes, the cache path against the full path, crop, determinism.

use burn::tensor::{Int, Tensor, TensorData};
use model::{Gpt, GptConfig, LanguageModel, ModelError, device, generate, generate_cached, next_logits};
use sampling::{Sampler, Strategy, Temperature, TopK, TopP, seeded_rng, uniform};

fn config() -> GptConfig {
    GptConfig::new().with_context(16).with_width(32).with_heads(4).with_layers(2)
}

#[test]
fn forward_shapes() {
    let model = Gpt::new(&config(), &device());
    let ids: Vec<i64> = (0..2 * 7).map(|i| i % 27).collect();
    let tokens = Tensor::<2, Int>::from_data(TensorData::new(ids, [2, 7]), &device()); // [2, 7]
    assert_eq!(model.forward(tokens).dims(), [2, 7, 27]);
}

#[test]
fn every_cached_step_equals_the_full_forward_pass() {
    let model = Gpt::new(&config(), &device());
    let mut rng = seeded_rng(5);
    let tokens: Vec<usize> = (0..32).map(|_| (uniform(&mut rng) * 27.0) as usize).collect();
    let mut cache = model.new_cache();
    let mut worst = 0.0f64;
    for t in 0..tokens.len() {
        let cached = model.step(tokens[t], &mut cache).unwrap();
        let full = next_logits(&model, &tokens[..=t]).unwrap(); // crops to the last 16 itself
        for (a, b) in cached.as_slice().iter().zip(full.as_slice()) {
            worst = worst.max((a - b).abs());
        }
        assert!(cache.len() <= 16, "the cache never holds more than the window");
    }
    assert!(worst < 1e-5, "largest difference {worst}");
}

#[test]
fn the_context_is_cropped_to_the_window() {
    let model = Gpt::new(&config(), &device());
    let long: Vec<usize> = (0..40).map(|i| (i * 7) % 27).collect();
    assert_eq!(next_logits(&model, &long).unwrap(), next_logits(&model, &long[40 - 16..]).unwrap());
    assert_ne!(next_logits(&model, &long).unwrap(), next_logits(&model, &long[40 - 15..]).unwrap());
}

#[test]
fn cached_and_uncached_generation_give_the_same_text() {
    let model = Gpt::new(&config(), &device());
    let sampler =
        Strategy::Sample(Sampler::new(Temperature::new(1.2).unwrap(), TopK::new(20), TopP::new(0.97).unwrap()));
    for (strategy, seed) in [(sampler, 1), (sampler, 2), (Strategy::Greedy, 0)] {
        let plain = generate(&model, &[0], 32, &strategy, &mut seeded_rng(seed)).unwrap();
        let cached = generate_cached(&model, &[0], 32, &strategy, &mut seeded_rng(seed)).unwrap();
        assert_eq!(plain, cached);
        assert_eq!(plain, generate(&model, &[0], 32, &strategy, &mut seeded_rng(seed)).unwrap());
    }
}

#[test]
fn bad_tokens_are_errors() {
    let model = Gpt::new(&config(), &device());
    let mut cache = model.new_cache();
    assert_eq!(model.step(27, &mut cache), Err(ModelError::BadToken(27)));
    assert!(cache.is_empty());
    assert_eq!(generate_cached(&model, &[], 3, &Strategy::Greedy, &mut seeded_rng(0)), Err(ModelError::EmptyContext));
}

#[test]
fn the_cache_holds_one_row_per_token() {
    let model = Gpt::new(&config(), &device());
    let mut cache = model.new_cache();
    for t in [0, 5, 9] {
        model.step(t, &mut cache).unwrap();
    }
    assert_eq!(cache.tokens(), &[0, 5, 9]);
    assert_eq!(cache.keys(0).len(), 3);
    assert_eq!(cache.values(1).len(), 3);
    assert_eq!(cache.keys(0)[0].len(), 32);
    assert!(cache.keys(5).is_empty());
}

mod shipped {
    use burn::module::Module;
    use model::{BigramCard, Gpt, GptCard, committed_split, device, mean_nll};

    #[test]
    fn the_default_shape_is_the_shipped_one() {
        assert_eq!(model::GptConfig::new(), GptCard::shipped().unwrap().config);
    }

    #[test]
    fn the_weights_load_and_reproduce_the_cards_validation_loss() {
        let model = Gpt::shipped(&device()).unwrap();
        let card = GptCard::shipped().unwrap();
        assert_eq!(model.num_params(), card.parameters);
        let (_, validation) = committed_split().unwrap();
        let loss = mean_nll(&model, &validation).unwrap();
        assert!((loss - card.validation_loss).abs() < 0.01, "loss {loss} vs card {}", card.validation_loss);
    }

    #[test]
    fn the_shipped_weights_are_stored_as_8_bit_integers_and_load_as_f32() {
        // Read the file without dequantizing: every float weight is burn's symmetric Q8 with one scale.
        struct Dtypes(usize, Vec<String>);
        impl burn::module::ModuleVisitor for Dtypes {
            fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<burn::tensor::Tensor<D>>) {
                self.0 += param.val().shape().num_elements();
                self.1.push(format!("{:?}", param.val().dtype()));
            }
        }
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/models/gpt.bpk")).unwrap();
        let record = burn::store::ModuleRecord::from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes)).unwrap();
        let raw = Gpt::new(&GptCard::shipped().unwrap().config, &device()).try_load_record(record).unwrap();
        let mut stored = Dtypes(0, Vec::new());
        raw.visit(&mut stored);
        assert_eq!(stored.0, GptCard::shipped().unwrap().parameters);
        assert!(stored.1.iter().all(|d| d.starts_with("QFloat") && d.contains("Q8S")), "{:?}", stored.1);
        // Loaded for use, every weight is f32 again.
        let mut loaded = Dtypes(0, Vec::new());
        Gpt::shipped(&device()).unwrap().visit(&mut loaded);
        assert!(loaded.1.iter().all(|d| d == "F32"), "{:?}", loaded.1);
    }

    #[test]
    fn the_transformer_beats_the_bigram_by_a_quarter_nat() {
        let card = GptCard::shipped().unwrap();
        let bigram = BigramCard::shipped().unwrap();
        assert_eq!(card.bigram_validation_loss, bigram.validation_loss);
        assert!(
            card.validation_loss < bigram.validation_loss - 0.25,
            "{} vs {}",
            card.validation_loss,
            bigram.validation_loss
        );
    }

    #[test]
    fn the_weights_are_small_enough_for_the_page() {
        let size =
            std::fs::metadata(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/models/gpt.bpk")).unwrap().len();
        assert!(size <= 260_000, "{size} bytes");
    }
}
