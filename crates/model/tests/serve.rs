//! The model worker's part that runs natively: weights checked against their cards, requests answered
//! as the functions they stand for answer them, the opening data.

use model::demos::speculative::Session;
use model::serve::{Worker, expected};
use model::{Bigram, Gpt, ModelError, device, next_logits};
use protocol::control::Settings;
use protocol::demos::greedy::GreedyDemo;
use protocol::messages::{OPENING_PROMPTS, Reply, Request, Status, Which, decode_text, encode_text};

fn file(which: Which) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/models").join(which.file()))
        .unwrap()
}

fn clock() -> f64 {
    0.0
}

#[test]
fn the_cards_describe_the_shipped_files() {
    for which in Which::EVERY {
        let bytes = file(which);
        let (length, sha) = expected(which).unwrap();
        assert_eq!(bytes.len() as u64, length, "{which:?}");
        assert_eq!(model::sha256_hex(&bytes), sha, "{which:?}");
    }
}

#[test]
fn damaged_weights_are_refused_with_a_reason_and_requests_fail_with_it() {
    let mut truncated = Worker::new();
    let bytes = file(Which::Transformer);
    let status = truncated.load(Which::Transformer, &bytes[..bytes.len() / 2]);
    let Status::Unavailable(why) = status else { panic!("{status:?}") };
    let half = bytes.len() / 2;
    assert_eq!(
        why,
        format!(
            "The transformer could not be loaded: gpt.bpk has {half} bytes where its card says {}: the file is \
             incomplete or not this model's.",
            bytes.len()
        )
    );
    assert_eq!(truncated.handle(Request::Greedy, &clock), Reply::Failed(why.clone()));
    assert!(!truncated.is_waiting_for(&Request::Greedy));

    let mut corrupt = Worker::new();
    let mut flipped = bytes.clone();
    flipped[1000] ^= 0x40;
    let Status::Unavailable(why) = corrupt.load(Which::Transformer, &flipped) else { panic!() };
    assert_eq!(
        why,
        "The transformer could not be loaded: gpt.bpk does not match its card's SHA-256: the file is damaged."
    );

    let mut missing = Worker::new();
    let status = missing.fail(Which::Bigram, "The bigram could not be loaded: bigram.bpk was not found (404).");
    assert!(matches!(status, Status::Unavailable(_)));
    assert_eq!(missing.load(Which::Transformer, &bytes), Status::Ready);
    let Reply::Failed(why) = missing.handle(Request::SpecRound { gamma: 2 }, &clock) else { panic!() };
    assert!(why.contains("404"), "{why}");
    // Both missing: both are named.
    let Reply::Failed(why) = corrupt.handle(Request::SpecRound { gamma: 2 }, &clock) else { panic!() };
    assert_eq!(
        why,
        "The bigram has not loaded yet. The transformer could not be loaded: gpt.bpk does not match its card's \
         SHA-256: the file is damaged."
    );
    assert!(matches!(missing.handle(Request::Greedy, &clock), Reply::Greedy(_)), "the transformer alone still works");
}

#[test]
fn requests_wait_for_their_models_then_answer_as_the_functions_do() {
    let mut worker = Worker::new();
    assert!(worker.is_waiting_for(&Request::Greedy));
    assert!(matches!(worker.handle(Request::Greedy, &clock), Reply::Failed(why) if why.contains("not loaded yet")));
    assert_eq!(worker.load(Which::Transformer, &file(Which::Transformer)), Status::Ready);
    assert!(!worker.is_waiting_for(&Request::Greedy));
    assert!(worker.is_waiting_for(&Request::SpecRound { gamma: 1 }), "the draft is still loading");
    assert_eq!(worker.load(Which::Bigram, &file(Which::Bigram)), Status::Ready);

    let (bigram, gpt) = (Bigram::shipped(&device()).unwrap(), Gpt::shipped(&device()).unwrap());
    let Reply::Logits { prompt, logits } = worker.handle(Request::Logits { prompt: "ma".into() }, &clock) else {
        panic!()
    };
    let direct = next_logits(&gpt, &protocol::control::prompt_context("ma").unwrap()).unwrap();
    assert_eq!((prompt.as_str(), sampling::Logits::from_f32(&logits).unwrap()), ("ma", direct));
    assert!(
        matches!(worker.handle(Request::Logits { prompt: "m1".into() }, &clock), Reply::Failed(why) if why.contains("“1”"))
    );

    let settings = Settings { seed: 11, ..Settings::default() };
    let Reply::Generated(out) = worker.handle(Request::Generate(settings.clone()), &clock) else { panic!() };
    assert_eq!(out, model::control::run(&settings, &gpt).unwrap());

    let Reply::Greedy(demo) = worker.handle(Request::Greedy, &clock) else { panic!() };
    assert_eq!(demo, GreedyDemo::run(gpt.context(), |c| next_logits(&gpt, c)).unwrap());

    // The step-through keeps its state between requests, as the session does.
    let mut session = Session::new(&bigram, &gpt).unwrap();
    for gamma in [4, 1, 8, 2] {
        session.step(&gpt, gamma).unwrap();
        assert_eq!(worker.handle(Request::SpecRound { gamma }, &clock), Reply::Spec(session.view(&gpt).unwrap()));
    }
    session.reset(&gpt).unwrap();
    assert_eq!(worker.handle(Request::SpecReset, &clock), Reply::Spec(session.view(&gpt).unwrap()));

    let Reply::KvCompared(kv) = worker.handle(Request::KvCompare, &clock) else { panic!() };
    assert_eq!(kv.tokens, 32);
    assert!(kv.difference < 1e-5);
    let Reply::SpecMeasured(m) = worker.handle(Request::SpecMeasure { gamma: 3 }, &clock) else { panic!() };
    assert_eq!(m.tally, model::demos::speculative::names(&bigram, &gpt, 3, 20).unwrap());
    assert!(matches!(worker.handle(Request::Beam { width: 0, alpha: 0.0 }, &clock), Reply::Failed(_)));
}

#[test]
fn the_opening_data_holds_every_first_state_and_travels_as_text() {
    let opening = model::opening().unwrap();
    let gpt = Gpt::shipped(&device()).unwrap();
    assert_eq!(opening.config, model::GptCard::shipped().unwrap().config);
    assert_eq!(opening.bigram.len(), 27);
    for prompt in OPENING_PROMPTS {
        let direct = model::control::prompt_logits(&gpt, prompt).unwrap().0;
        assert_eq!(sampling::Logits::from_f32(opening.after(prompt).unwrap()).unwrap(), direct);
    }
    let steps = protocol::demos::steps::record(gpt.context(), |c| next_logits(&gpt, c)).unwrap();
    assert_eq!(protocol::demos::steps::replay(gpt.context(), &opening.loop_outputs).unwrap(), steps);
    let text = encode_text(&opening).unwrap();
    assert_eq!(decode_text(&text).unwrap(), opening);
    assert!(text.len() < 24_000, "the opening data stays small: {} bytes of base64", text.len());
    assert!(matches!(decode_text(&text[..100]), Err(ModelError::Message(_))));
}
