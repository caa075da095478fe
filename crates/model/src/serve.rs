//! What the model worker does, as plain Rust that runs natively too: it takes the weights files as they
//! arrive, checks them against the models' cards, loads them, and answers the page's requests.
//!
//! The browser's part (receiving messages, fetching the files with progress, the clock) is the worker
//! crate's; everything here is tested natively.

use protocol::control::{Model, prompt_context};
use protocol::demos::beam::beam_names;
use protocol::demos::greedy::GreedyDemo;
use protocol::demos::kv::comparison_length;
use protocol::demos::speculative::MEASURED_NAMES;
use protocol::messages::{Reply, Request, Status, Which};

use crate::bpe::Bpe;
use crate::demos::speculative::Session;
use crate::{Bigram, BigramCard, Gpt, GptCard, ModelError, device, next_logits};

/// A model the worker is waiting for, has, or cannot have.
#[derive(Debug)]
enum Slot<T> {
    Waiting,
    Ready(T),
    Unavailable(String),
}

impl<T> Slot<T> {
    fn get(&self, which: Which) -> Result<&T, ModelError> {
        match self {
            Self::Ready(model) => Ok(model),
            Self::Waiting => Err(ModelError::Unavailable(format!("{} has not loaded yet.", which.name()))),
            Self::Unavailable(why) => Err(ModelError::Unavailable(why.clone())),
        }
    }
}

/// The worker's models and the speculative step-through's state.
#[derive(Debug)]
pub struct Worker {
    bigram: Slot<Bigram>,
    gpt: Slot<Gpt>,
    text: Slot<(Gpt, Bpe)>,
    spec: Option<Session>,
}

impl Default for Worker {
    fn default() -> Self {
        Self::new()
    }
}

/// The length and SHA-256 a model's card gives its weights file.
///
/// # Errors
/// [`ModelError::Weights`] if the shipped card does not parse (a test checks it does).
pub fn expected(which: Which) -> Result<(u64, String), ModelError> {
    Ok(match which {
        Which::Bigram => BigramCard::shipped().map(|c| (c.weights_bytes, c.weights_sha256))?,
        Which::Transformer => GptCard::shipped().map(|c| (c.weights_bytes, c.weights_sha256))?,
        Which::Shakespeare => crate::text::card().map(|c| (c.weights_bytes, c.weights_sha256))?,
    })
}

/// The bytes of every file `which` needs, its weights and those beside them: the progress line's total.
///
/// # Errors
/// As [`expected`].
pub fn expected_total(which: Which) -> Result<u64, ModelError> {
    let extra = match which {
        Which::Shakespeare => crate::text::card()?.tokenizer_bytes,
        _ => 0,
    };
    Ok(expected(which)?.0 + extra)
}

impl Worker {
    /// No model loaded yet.
    pub fn new() -> Self {
        Self { bigram: Slot::Waiting, gpt: Slot::Waiting, text: Slot::Waiting, spec: None }
    }

    /// Takes the bytes of `which`'s weights file: checked against the card, then loaded. Returns the
    /// model's status after it, which the page is told.
    pub fn load(&mut self, which: Which, bytes: &[u8]) -> Status {
        let checked = expected(which).and_then(|(length, sha)| crate::check(which.file(), bytes, length, &sha));
        let outcome = match which {
            Which::Bigram => {
                checked.and_then(|()| Bigram::from_bytes(bytes, &device())).map(|m| self.bigram = Slot::Ready(m))
            }
            Which::Transformer => checked
                .and_then(|()| GptCard::shipped())
                .and_then(|card| crate::from_bytes(Gpt::new(&card.config, &device()), bytes))
                .map(|m| self.gpt = Slot::Ready(m)),
            Which::Shakespeare => checked.and_then(|()| {
                Err(ModelError::Unavailable(format!("{} comes with its tokens: load it with them", which.file())))
            }),
        };
        self.settle(which, outcome)
    }

    /// Takes the Shakespeare model's weights and the file of its tokens, both checked against its card,
    /// then loaded. Returns the model's status after it.
    pub fn load_text(&mut self, weights: &[u8], tokens: &[u8]) -> Status {
        let which = Which::Shakespeare;
        let outcome = crate::text::load_tokenizer(tokens)
            .and_then(|bpe| Ok((crate::text::load(weights, &device())?, bpe)))
            .map(|m| self.text = Slot::Ready(m));
        self.settle(which, outcome)
    }

    /// The status after a load's `outcome`: ready, or unavailable with the reason.
    fn settle(&mut self, which: Which, outcome: Result<(), ModelError>) -> Status {
        match outcome {
            Ok(()) => Status::Ready,
            Err(e) => self.fail(which, &format!("{} could not be loaded: {e}.", which.name())),
        }
    }

    /// Marks `which` as one that will not load, for `reason` (a sentence); returns its status.
    pub fn fail(&mut self, which: Which, reason: &str) -> Status {
        match which {
            Which::Bigram => self.bigram = Slot::Unavailable(reason.into()),
            Which::Transformer => self.gpt = Slot::Unavailable(reason.into()),
            Which::Shakespeare => self.text = Slot::Unavailable(reason.into()),
        }
        Status::Unavailable(reason.into())
    }

    /// Whether `which` has neither loaded nor failed yet.
    pub fn is_waiting(&self, which: Which) -> bool {
        match which {
            Which::Bigram => matches!(self.bigram, Slot::Waiting),
            Which::Transformer => matches!(self.gpt, Slot::Waiting),
            Which::Shakespeare => matches!(self.text, Slot::Waiting),
        }
    }

    /// Whether `request` can run now, or must wait for a model still loading.
    pub fn is_waiting_for(&self, request: &Request) -> bool {
        request.needs().iter().any(|&w| self.is_waiting(w))
    }

    /// Answers `request`, timing what it times with `now` (milliseconds from any origin). A request
    /// that fails is answered with the reason, as a sentence.
    pub fn handle(&mut self, request: Request, now: &dyn Fn() -> f64) -> Reply {
        // Every model the request needs that is missing is named, not only the first.
        let missing: Vec<String> = request
            .needs()
            .iter()
            .filter_map(|&w| match w {
                Which::Bigram => self.bigram.get(w).err(),
                Which::Transformer => self.gpt.get(w).err(),
                Which::Shakespeare => self.text.get(w).err(),
            })
            .map(|e| e.to_string())
            .collect();
        if !missing.is_empty() {
            return Reply::Failed(missing.join(" "));
        }
        self.answer(request, now).unwrap_or_else(|e| Reply::Failed(e.to_string()))
    }

    fn answer(&mut self, request: Request, now: &dyn Fn() -> f64) -> Result<Reply, ModelError> {
        let names = || self.gpt.get(Which::Transformer);
        let next = |context: &[usize]| next_logits(names()?, context);
        Ok(match request {
            Request::Logits { prompt } => {
                let logits = next_logits(names()?, &prompt_context(&prompt)?)?;
                Reply::Logits { prompt, logits: logits.as_slice().iter().map(|&l| l as f32).collect() }
            }
            Request::Greedy => Reply::Greedy(GreedyDemo::run(names()?.context(), next)?),
            Request::Generate(settings) => Reply::Generated(match settings.model {
                Model::Names => crate::control::run(&settings, names()?)?,
                Model::Shakespeare => {
                    let (model, bpe) = self.text.get(Which::Shakespeare)?;
                    crate::text::generate(model, bpe, &settings)?
                }
            }),
            Request::Beam { width, alpha } => Reply::Beams(beam_names(next, width, alpha)?),
            Request::KvCompare => {
                let n = comparison_length(&GptCard::shipped()?.config);
                Reply::KvCompared(crate::demos::kv::compare(names()?, n, now)?)
            }
            Request::SpecReset | Request::SpecRound { .. } => {
                let (bigram, gpt) = (self.bigram.get(Which::Bigram)?, self.gpt.get(Which::Transformer)?);
                let session = match &mut self.spec {
                    Some(session) => session,
                    empty => empty.insert(Session::new(bigram, gpt)?),
                };
                match request {
                    Request::SpecRound { gamma } => session.step(gpt, gamma)?,
                    _ => session.reset(gpt)?,
                }
                Reply::Spec(session.view(gpt)?)
            }
            Request::SpecMeasure { gamma } => {
                let (bigram, gpt) = (self.bigram.get(Which::Bigram)?, names()?);
                Reply::SpecMeasured(crate::demos::speculative::measure(bigram, gpt, gamma, MEASURED_NAMES, now)?)
            }
            Request::TextGreedy { prompt } => {
                let (model, bpe) = self.text.get(Which::Shakespeare)?;
                Reply::TextRun(crate::text::greedy_run(model, bpe, &prompt)?)
            }
            Request::TextNext { prompt, appended } => {
                let (model, bpe) = self.text.get(Which::Shakespeare)?;
                Reply::TextNext(crate::text::next(model, bpe, &prompt, &appended)?)
            }
            Request::TextKvRun { prompt } => {
                let (model, bpe) = self.text.get(Which::Shakespeare)?;
                Reply::TextKvRun(crate::text::kv_run(model, bpe, &prompt)?)
            }
            Request::TextKvCompare { prompt } => {
                let (model, bpe) = self.text.get(Which::Shakespeare)?;
                Reply::KvCompared(crate::text::kv_compare(model, bpe, &prompt, now)?)
            }
            Request::TextBeam { prompt, width, alpha } => {
                let (model, bpe) = self.text.get(Which::Shakespeare)?;
                Reply::TextBeams(crate::text::beam_lines(model, bpe, &prompt, width, alpha)?)
            }
        })
    }
}
