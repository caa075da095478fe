//! The 27 symbols: `·` marks the start and end of a name, then a to z.

use sampling::TokenId;

use crate::ModelError;

/// How many symbols there are.
pub const VOCAB_SIZE: usize = 27;
/// The id of `·` as the start of a name.
pub const START: TokenId = 0;
/// The id of `·` as the end of a name (the same symbol).
pub const END: TokenId = 0;
/// The boundary symbol as shown.
const DOT: char = '·';

/// Maps characters to token ids and back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Vocab;

impl Vocab {
    /// The symbol of a token id: `·`, or a letter.
    ///
    /// # Errors
    /// [`ModelError::BadToken`] for an id of 27 or more.
    pub fn symbol(self, id: TokenId) -> Result<char, ModelError> {
        match id {
            0 => Ok(DOT),
            1..VOCAB_SIZE => Ok(char::from(b'a' + (id - 1) as u8)),
            _ => Err(ModelError::BadToken(id)),
        }
    }

    /// Every symbol, in id order.
    pub fn symbols(self) -> impl Iterator<Item = char> {
        (0..VOCAB_SIZE).map(move |id| self.symbol(id).unwrap_or(DOT))
    }

    /// The id of one character. Upper-case letters are taken as lower-case; `·` and `.` are the boundary.
    ///
    /// # Errors
    /// [`ModelError::OutOfVocabulary`] for anything else (position 0).
    pub fn id(self, c: char) -> Result<TokenId, ModelError> {
        match c.to_ascii_lowercase() {
            DOT | '.' => Ok(START),
            l @ 'a'..='z' => Ok(usize::from(l as u8 - b'a') + 1),
            _ => Err(ModelError::OutOfVocabulary { character: c, position: 0 }),
        }
    }

    /// The ids of every character of `text`.
    ///
    /// # Errors
    /// [`ModelError::OutOfVocabulary`] naming the first character outside the vocabulary and its position.
    ///
    /// ```
    /// use protocol::{ModelError, Vocab};
    /// assert_eq!(Vocab.encode("·ab"), Ok(vec![0, 1, 2]));
    /// assert_eq!(Vocab.encode("a1"), Err(ModelError::OutOfVocabulary { character: '1', position: 1 }));
    /// ```
    pub fn encode(self, text: &str) -> Result<Vec<TokenId>, ModelError> {
        text.chars()
            .enumerate()
            .map(|(position, c)| self.id(c).map_err(|_| ModelError::OutOfVocabulary { character: c, position }))
            .collect()
    }

    /// A name as a training sequence: `·name·`.
    ///
    /// # Errors
    /// As [`Vocab::encode`].
    pub fn encode_name(self, name: &str) -> Result<Vec<TokenId>, ModelError> {
        let mut ids = vec![START];
        ids.extend(self.encode(name)?);
        ids.push(END);
        Ok(ids)
    }

    /// The text of token ids.
    ///
    /// # Errors
    /// [`ModelError::BadToken`] for an id outside the vocabulary.
    pub fn decode(self, ids: &[TokenId]) -> Result<String, ModelError> {
        ids.iter().map(|&id| self.symbol(id)).collect()
    }

    /// The text of token ids, for showing: an id outside the vocabulary (no model here writes one)
    /// shows as `�` rather than failing.
    pub fn text(self, ids: &[TokenId]) -> String {
        ids.iter().map(|&id| self.symbol(id).unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
    }

    /// A name as written: the text of the symbols before the first end symbol.
    pub fn name(self, ids: &[TokenId]) -> String {
        let end = ids.iter().position(|&id| id == END).unwrap_or(ids.len());
        self.text(&ids[..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_symbol_round_trips() {
        let symbols: String = Vocab.symbols().collect();
        assert_eq!(symbols, "·abcdefghijklmnopqrstuvwxyz");
        let ids = Vocab.encode(&symbols).unwrap();
        assert_eq!(ids, (0..VOCAB_SIZE).collect::<Vec<_>>());
        assert_eq!(Vocab.decode(&ids).unwrap(), symbols);
    }

    #[test]
    fn shown_text_never_fails_and_a_name_ends_at_its_boundary() {
        assert_eq!(Vocab.text(&[0, 1, 99, 26]), "·a\u{fffd}z");
        assert_eq!(Vocab.name(&[5, 13, 13, 1, 0, 2]), "emma");
        assert_eq!(Vocab.name(&[2, 1]), "ba");
        assert_eq!(Vocab.name(&[0, 1]), "");
    }

    #[test]
    fn names_are_wrapped_in_boundaries() {
        assert_eq!(Vocab.encode_name("emma").unwrap(), vec![0, 5, 13, 13, 1, 0]);
        assert_eq!(Vocab.encode("Emma").unwrap(), Vocab.encode("emma").unwrap());
    }

    #[test]
    fn outsiders_are_named_with_their_position() {
        for (text, character, position) in [("ab c", ' ', 2), ("zoë", 'ë', 2), ("😀", '😀', 0), ("a-b", '-', 1)] {
            assert_eq!(Vocab.encode(text), Err(ModelError::OutOfVocabulary { character, position }));
        }
        assert_eq!(Vocab.symbol(27), Err(ModelError::BadToken(27)));
        assert!(Vocab.decode(&[1, 99]).is_err());
        let message = Vocab.encode("a!").unwrap_err().to_string();
        assert!(message.contains('!') && message.contains("position 1"), "{message}");
    }
}
