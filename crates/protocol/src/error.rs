//! The model crate's one error type.

/// What went wrong building, loading or running a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A character the vocabulary does not have.
    #[error(
        "“{character}” (at position {position}) is not allowed: the vocabulary is a–z and ·, and a prompt, the start of one name, takes only a–z"
    )]
    OutOfVocabulary {
        /// The offending character.
        character: char,
        /// Its position in the text, counted in characters.
        position: usize,
    },
    /// A token id outside the vocabulary.
    #[error("token id {0} is outside the vocabulary")]
    BadToken(usize),
    /// A corpus line that is not a name.
    #[error("corpus line {line}: {reason}")]
    BadCorpus {
        /// The 1-based line number.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// Weights that do not load into the model.
    #[error("the weights do not load: {0}")]
    Weights(String),
    /// An empty context where a model needs at least one token.
    #[error("the context is empty")]
    EmptyContext,
    /// An empty prompt where a model continues text.
    #[error("Type a few words first: the model continues what you write.")]
    EmptyPrompt,
    /// A prompt that leaves a model too little room in its window.
    #[error(
        "The prompt is {tokens} tokens; this model reads {window}, so keep it to {most} to leave it room to write."
    )]
    PromptTooLong {
        /// The prompt's tokens.
        tokens: usize,
        /// The longest prompt taken.
        most: usize,
        /// The model's window.
        window: usize,
    },
    /// A beam search wider than the worker runs.
    #[error("{width} beams is more than the {most} the model worker runs on text.")]
    BeamTooWide {
        /// The width asked for.
        width: usize,
        /// The widest it runs.
        most: usize,
    },
    /// A message between the page and the model worker, or the page's opening data, that cannot be read.
    #[error("a message of the model worker cannot be read: {0}")]
    Message(String),
    /// A model that is not available: its weights did not load, or the model worker did not start.
    #[error("{0}")]
    Unavailable(String),
    /// The sampling core refused the model's output.
    #[error(transparent)]
    Sampling(#[from] sampling::SamplingError),
}
