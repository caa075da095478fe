//! Speculative sampling with any two models: a cheap draft proposes γ tokens, the target scores them
//! all in one pass, and [`sampling::speculative::verify`] keeps exactly the target's distribution.
//!
//! What is preserved: every token that comes out is distributed as plain sampling from the target with
//! the same [`Strategy`] (temperature, top-k and top-p applied to both models' logits alike), whatever
//! the draft is. A good draft only makes it faster: more tokens per pass of the target.

use sampling::speculative::{Verdict, verify};
use sampling::{Distribution, Logits, Strategy, TokenId};

use crate::{Bigram, Gpt, KvCache, LanguageModel, ModelError, Tally, next_logits};

/// A model read token by token that keeps what it has read: it scores several new tokens at once and
/// forgets the last ones on request. What speculative sampling needs of both of its models.
pub trait Incremental {
    /// What the model keeps of the tokens read so far.
    type State;

    /// A state that has read nothing.
    fn start(&self) -> Self::State;

    /// The tokens `state` has read, in order.
    fn read<'s>(&self, state: &'s Self::State) -> &'s [TokenId];

    /// Reads `tokens` after those already read and returns the next-token logits after each of them, in
    /// one pass of the model where it can.
    ///
    /// # Errors
    /// [`ModelError::BadToken`] for an id outside the vocabulary.
    fn feed(&self, state: &mut Self::State, tokens: &[TokenId]) -> Result<Vec<Logits>, ModelError>;

    /// Forgets the last `count` tokens read.
    fn forget(&self, state: &mut Self::State, count: usize);

    /// How many tokens [`Incremental::feed`] reads in one pass from `state`.
    fn room(&self, state: &Self::State) -> usize;
}

/// The transformer with its key/value cache: a pass reads only the new tokens.
impl Incremental for Gpt {
    type State = KvCache;

    fn start(&self) -> KvCache {
        self.new_cache()
    }

    fn read<'s>(&self, state: &'s KvCache) -> &'s [TokenId] {
        state.tokens()
    }

    fn feed(&self, state: &mut KvCache, tokens: &[TokenId]) -> Result<Vec<Logits>, ModelError> {
        self.extend(tokens, state)
    }

    fn forget(&self, state: &mut KvCache, count: usize) {
        state.forget(count);
    }

    fn room(&self, state: &KvCache) -> usize {
        self.context().saturating_sub(state.len())
    }
}

/// A model that keeps nothing but the tokens it has read and computes its logits from them: every
/// such model is [`Incremental`], its state the list of tokens.
pub trait Stateless {
    /// The next-token logits after each of the last `new` tokens of `read`.
    ///
    /// # Errors
    /// [`ModelError::BadToken`] for an id outside the vocabulary, and whatever the model returns.
    fn logits_after(&self, read: &[TokenId], new: usize) -> Result<Vec<Logits>, ModelError>;

    /// How many tokens one pass reads after `read`.
    fn room(&self, read: &[TokenId]) -> usize;
}

impl<S: Stateless> Incremental for S {
    type State = Vec<TokenId>;

    fn start(&self) -> Vec<TokenId> {
        Vec::new()
    }

    fn read<'s>(&self, state: &'s Vec<TokenId>) -> &'s [TokenId] {
        state
    }

    fn feed(&self, state: &mut Vec<TokenId>, tokens: &[TokenId]) -> Result<Vec<Logits>, ModelError> {
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        state.extend_from_slice(tokens);
        self.logits_after(state, tokens.len())
    }

    fn forget(&self, state: &mut Vec<TokenId>, count: usize) {
        state.truncate(state.len().saturating_sub(count));
    }

    fn room(&self, state: &Vec<TokenId>) -> usize {
        Stateless::room(self, state)
    }
}

/// Any [`LanguageModel`] without a cache: each pass runs the model over everything read (cropped to its
/// window) and keeps the last positions. The bigram needs nothing more: its logits depend on the last
/// token only.
#[derive(Debug, Clone, Copy)]
pub struct Recompute<'m, M: ?Sized>(pub &'m M);

impl<M: LanguageModel + ?Sized> Stateless for Recompute<'_, M> {
    fn logits_after(&self, read: &[TokenId], new: usize) -> Result<Vec<Logits>, ModelError> {
        if let Some(&bad) = read.iter().find(|&&t| t >= self.0.vocab_size()) {
            return Err(ModelError::BadToken(bad));
        }
        let from = read.len() - new;
        if read.len() > self.0.context_window() {
            // Each position cropped to its own window: one pass each.
            return (from..read.len()).map(|end| next_logits(self.0, &read[..=end])).collect();
        }
        let logits = self.0.forward(crate::lm::ids_tensor(&[read], &self.0.device())); // [1, time, vocab]
        let [_, time, vocab] = logits.dims();
        let last = logits.slice([0..1, from..time, 0..vocab]).reshape([(time - from) * vocab]); // [new × vocab]
        crate::lm::to_vec(last)?.chunks(vocab).map(|row| Ok(Logits::from_f32(row)?)).collect()
    }

    fn room(&self, read: &[TokenId]) -> usize {
        self.0.context_window().saturating_sub(read.len())
    }
}

/// The bigram read from its table: the logits after a token are that token's row, so a draft from it
/// costs a lookup per token and no pass of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct BigramRows(Vec<Logits>);

impl BigramRows {
    /// The rows of `bigram`, read once.
    ///
    /// # Errors
    /// As [`Bigram::table`].
    pub fn new(bigram: &Bigram) -> Result<Self, ModelError> {
        Ok(Self(bigram.table()?))
    }
}

impl Stateless for BigramRows {
    fn logits_after(&self, read: &[TokenId], new: usize) -> Result<Vec<Logits>, ModelError> {
        read[read.len() - new..].iter().map(|&t| self.0.get(t).cloned().ok_or(ModelError::BadToken(t))).collect()
    }

    fn room(&self, _: &[TokenId]) -> usize {
        usize::MAX
    }
}

/// Any model given as a function from a context to its next-token logits (as [`sampling::generate`]
/// takes one), called on each new prefix: a pass per token.
#[derive(Debug, Clone, Copy)]
pub struct Prefixes<F>(pub F);

impl<F: Fn(&[TokenId]) -> Result<Logits, ModelError>> Stateless for Prefixes<F> {
    fn logits_after(&self, read: &[TokenId], new: usize) -> Result<Vec<Logits>, ModelError> {
        (read.len() - new..read.len()).map(|end| (self.0)(&read[..=end])).collect()
    }

    fn room(&self, _: &[TokenId]) -> usize {
        usize::MAX
    }
}

/// One round: what was drafted, both models' distributions, and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    /// The drafted tokens x₁ … x_γ (γ may be below the one asked for near the end of the window or of
    /// the text).
    pub drafted: Vec<TokenId>,
    /// The draft's distribution q at each drafted position.
    pub q: Vec<Distribution>,
    /// The target's distribution p at each drafted position and one more.
    pub p: Vec<Distribution>,
    /// Which drafts were accepted, the residual if one was rejected, and the token drawn after them.
    pub verdict: Verdict,
}

impl Round {
    /// The tokens the verdict adds: the accepted drafts, then one more (the text keeps them up to its
    /// stop token).
    pub fn tokens(&self) -> Vec<TokenId> {
        self.verdict.tokens()
    }
}

/// A text being generated by speculative sampling: both models' states, kept in step with it (the
/// models themselves are passed to each call, so the text can outlive a borrow of them).
///
/// Between rounds the draft has read the whole text and holds its logits after it; the target has read
/// all of it but the last token, which its next pass reads first, before the drafts.
pub struct Speculation<D: Incremental, T: Incremental> {
    draft_state: D::State,
    target_state: T::State,
    draft_next: Logits,
    text: Vec<TokenId>,
    prompt: usize,
    stop: Option<TokenId>,
    tally: Tally,
}

impl<D: Incremental, T: Incremental> std::fmt::Debug for Speculation<D, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Speculation").field("text", &self.text).field("tally", &self.tally).finish_non_exhaustive()
    }
}

impl<D: Incremental, T: Incremental> Speculation<D, T> {
    /// Both models read `prompt` (the target all but its last token).
    ///
    /// # Errors
    /// [`ModelError::EmptyContext`] for an empty prompt, [`ModelError::BadToken`] for an id outside the
    /// vocabulary.
    pub fn new(draft: &D, target: &T, prompt: &[TokenId]) -> Result<Self, ModelError> {
        let (_, earlier) = prompt.split_last().ok_or(ModelError::EmptyContext)?;
        let mut draft_state = draft.start();
        let draft_next = draft.feed(&mut draft_state, prompt)?.pop().ok_or(ModelError::EmptyContext)?;
        let mut target_state = target.start();
        target.feed(&mut target_state, earlier)?;
        Ok(Self {
            draft_state,
            target_state,
            draft_next,
            text: prompt.to_vec(),
            prompt: prompt.len(),
            stop: None,
            tally: Tally::default(),
        })
    }

    /// Ends the text at `stop` (the end symbol): nothing is drafted after a drafted `stop`, nothing is
    /// appended after an appended one, and [`Speculation::ended`] then says so.
    #[must_use]
    pub fn stopping_at(mut self, stop: TokenId) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Whether the generated text holds the stop token.
    pub fn ended(&self) -> bool {
        self.stop.is_some_and(|s| self.generated().contains(&s))
    }

    /// The prompt and everything generated after it.
    pub fn text(&self) -> &[TokenId] {
        &self.text
    }

    /// Everything generated after the prompt.
    pub fn generated(&self) -> &[TokenId] {
        &self.text[self.prompt..]
    }

    /// The totals so far.
    pub fn tally(&self) -> Tally {
        self.tally
    }

    /// The draft's and the target's states, for inspection (the target's cache, for one).
    pub fn states(&self) -> (&D::State, &T::State) {
        (&self.draft_state, &self.target_state)
    }

    /// One round with up to `gamma` drafts: the draft proposes them one at a time from q, the target
    /// reads the last token and the drafts in one pass, the rule accepts a prefix and draws one more
    /// token, and both models forget the rejected drafts. With γ = 0 (asked, or forced when the target's
    /// window has no room for drafts) the round is one step of plain sampling: the same token, from the
    /// same uniform, as [`crate::generate_with_cache`] draws.
    ///
    /// # Errors
    /// What the models' passes return.
    pub fn round<R: rand::Rng + ?Sized>(
        &mut self,
        draft: &D,
        target: &T,
        gamma: usize,
        strategy: &Strategy,
        rng: &mut R,
    ) -> Result<Round, ModelError> {
        let last = *self.text.last().ok_or(ModelError::EmptyContext)?;
        let gamma = gamma.min(target.room(&self.target_state).saturating_sub(1));
        let mut drafted = Vec::with_capacity(gamma);
        let mut q = Vec::with_capacity(gamma);
        for _ in 0..gamma {
            let dist = strategy.distribution(&self.draft_next);
            let token = dist.sample(rng);
            self.draft_next = draft.feed(&mut self.draft_state, &[token])?.pop().ok_or(ModelError::EmptyContext)?;
            drafted.push(token);
            q.push(dist);
            if Some(token) == self.stop {
                break; // nothing follows the end
            }
        }
        let gamma = drafted.len();
        let fed: Vec<TokenId> = std::iter::once(last).chain(drafted.iter().copied()).collect();
        let logits = target.feed(&mut self.target_state, &fed)?; // γ + 1 positions, one pass
        let p: Vec<Distribution> = logits.iter().map(|l| strategy.distribution(l)).collect();
        let verdict = if gamma == 0 {
            let next = strategy.choose(&logits[0], rng);
            Verdict { checks: Vec::new(), residual: None, next }
        } else {
            verify(&drafted, &q, &p, rng)?
        };
        let rejected = gamma - verdict.accepted();
        target.forget(&mut self.target_state, rejected);
        draft.forget(&mut self.draft_state, rejected);
        self.draft_next = draft.feed(&mut self.draft_state, &[verdict.next])?.pop().ok_or(ModelError::EmptyContext)?;
        let round = Round { drafted, q, p, verdict };
        let mut tokens = round.tokens();
        if let Some(end) = self.stop.and_then(|s| tokens.iter().position(|&t| t == s)) {
            tokens.truncate(end + 1);
        }
        self.tally.target_passes += 1;
        self.tally.drafted += gamma;
        self.tally.accepted += round.verdict.accepted();
        self.tally.tokens += tokens.len();
        self.text.extend(tokens);
        Ok(round)
    }
}

/// Generates up to `max_new` tokens after `prompt` by speculative sampling with `gamma` drafts a round,
/// stopping after `stop` if it comes out. Returns the new tokens (with the stop token, if one ended the
/// run) and the totals. Each round drafts no more than the tokens still wanted, less the one every
/// round adds.
///
/// # Errors
/// As [`Speculation::new`] and [`Speculation::round`].
#[allow(clippy::too_many_arguments)]
pub fn generate_speculative<D: Incremental, T: Incremental, R: rand::Rng + ?Sized>(
    draft: &D,
    target: &T,
    prompt: &[TokenId],
    max_new: usize,
    stop: Option<TokenId>,
    gamma: usize,
    strategy: &Strategy,
    rng: &mut R,
) -> Result<(Vec<TokenId>, Tally), ModelError> {
    let mut run = Speculation::new(draft, target, prompt)?;
    if let Some(stop) = stop {
        run = run.stopping_at(stop);
    }
    while run.generated().len() < max_new && !run.ended() {
        let wanted = max_new - run.generated().len();
        run.round(draft, target, gamma.min(wanted - 1), strategy, rng)?;
    }
    let mut tally = run.tally();
    let mut out = run.generated().to_vec();
    out.truncate(max_new);
    tally.tokens = out.len();
    Ok((out, tally))
}
