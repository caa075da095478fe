//! The Shakespeare model's tokens: byte-pair encoding over bytes, as Hugging Face's `tokenizers` library
//! trains and writes it (`cargo xtask tokenizer`), read from the library's own JSON and encoded here, in
//! a few lines the model worker can carry (a test holds them equal to the library on the whole
//! validation text and on fuzzed strings).
//!
//! Text is first cut into pieces by one pattern (a word with an optional space before it, a number, a
//! run of other symbols, a run of newlines, a run of spaces), each piece's UTF-8 bytes are written as the
//! 256 printable characters of the byte-level alphabet (GPT-2's: a space is `Ġ`, a newline `Ċ`), and the
//! merges learned in training are applied in their order. Every string encodes: any byte is a token.

use std::collections::HashMap;

use sampling::TokenId;

use crate::ModelError;

/// The pre-tokenizer's pattern, as the trained tokenizer's JSON holds it (a test checks it does).
pub const PIECE_PATTERN: &str = r"[ ]?[A-Za-z']+|[ ]?[0-9]+|[ ]?[^A-Za-z0-9' \n]+|\n+|[ ]+";

/// The byte-level alphabet: the character each byte is written as (GPT-2's table: printable bytes stand
/// for themselves, the others are moved above U+00FF).
fn byte_chars() -> [char; 256] {
    let mut table = ['\0'; 256];
    let mut next = 256u32;
    for b in 0..=255u8 {
        let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
        table[usize::from(b)] = if printable {
            char::from(b)
        } else {
            let c = char::from_u32(next).unwrap_or('\u{FFFD}');
            next += 1;
            c
        };
    }
    table
}

/// A trained byte-level BPE: its tokens by id and its merges by rank.
#[derive(Debug, Clone)]
pub struct Bpe {
    /// Each token's text in the byte-level alphabet, by id.
    tokens: Vec<String>,
    /// The id of each byte's one-character token.
    byte_ids: [TokenId; 256],
    /// For a pair of ids, the rank of its merge and the id it makes.
    merges: HashMap<(TokenId, TokenId), (usize, TokenId)>,
    /// Each byte-level character's byte.
    char_bytes: HashMap<char, u8>,
}

/// The part of the library's JSON this reads.
#[derive(serde::Deserialize)]
struct Json {
    model: JsonModel,
}

#[derive(serde::Deserialize)]
struct JsonModel {
    vocab: HashMap<String, TokenId>,
    merges: Vec<(String, String)>,
}

impl Bpe {
    /// The tokenizer in `json`, as `tokenizers` saves it.
    ///
    /// # Errors
    /// [`ModelError::Weights`] for JSON that is not such a tokenizer: ids that do not run from 0, a byte
    /// without its token, or a merge of unknown tokens.
    pub fn from_json(json: &str) -> Result<Self, ModelError> {
        let bad = |why: String| ModelError::Weights(format!("the tokenizer: {why}"));
        let parsed: Json = serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
        let mut tokens = vec![String::new(); parsed.model.vocab.len()];
        for (token, &id) in &parsed.model.vocab {
            let slot = tokens.get_mut(id).ok_or_else(|| bad(format!("id {id} is past the vocabulary")))?;
            *slot = token.clone();
        }
        let ids: HashMap<&str, TokenId> = parsed.model.vocab.iter().map(|(t, &i)| (t.as_str(), i)).collect();
        let table = byte_chars();
        let mut byte_ids = [0; 256];
        for (b, c) in table.iter().enumerate() {
            byte_ids[b] = *ids.get(c.to_string().as_str()).ok_or_else(|| bad(format!("no token for byte {b}")))?;
        }
        let mut merges = HashMap::new();
        for (rank, (a, b)) in parsed.model.merges.iter().enumerate() {
            let id = |t: &str| ids.get(t).copied().ok_or_else(|| bad(format!("the merge of {a} {b} names {t}")));
            merges.insert((id(a)?, id(b)?), (rank, id(&format!("{a}{b}"))?));
        }
        let char_bytes = table.iter().enumerate().map(|(b, &c)| (c, b as u8)).collect();
        Ok(Self { tokens, byte_ids, merges, char_bytes })
    }

    /// How many tokens there are.
    pub fn vocab_size(&self) -> usize {
        self.tokens.len()
    }

    /// The ids of `text`'s tokens. Every string has them.
    pub fn encode(&self, text: &str) -> Vec<TokenId> {
        pieces(text)
            .flat_map(|piece| self.merge(piece.bytes().map(|b| self.byte_ids[usize::from(b)]).collect()))
            .collect()
    }

    /// Applies the merges to one piece's byte tokens, lowest rank first (the leftmost of equal pairs).
    fn merge(&self, mut ids: Vec<TokenId>) -> Vec<TokenId> {
        loop {
            let best = ids
                .windows(2)
                .enumerate()
                .filter_map(|(at, pair)| self.merges.get(&(pair[0], pair[1])).map(|&(rank, id)| (rank, at, id)))
                .min();
            let Some((_, at, id)) = best else { return ids };
            ids[at] = id;
            ids.remove(at + 1);
        }
    }

    /// The bytes of a token (none for an id outside the vocabulary).
    pub fn bytes(&self, id: TokenId) -> Vec<u8> {
        self.tokens
            .get(id)
            .map_or_else(Vec::new, |t| t.chars().filter_map(|c| self.char_bytes.get(&c).copied()).collect())
    }

    /// The text of `ids`; bytes that do not form UTF-8 (a token cut from a character) show as `�`.
    pub fn decode(&self, ids: &[TokenId]) -> String {
        String::from_utf8_lossy(&ids.iter().flat_map(|&id| self.bytes(id)).collect::<Vec<u8>>()).into_owned()
    }

    /// A token as the page shows it: its text, with a leading space as `␣` and each newline as `↵`, so
    /// that no token looks empty.
    pub fn shown(&self, id: TokenId) -> String {
        let text = String::from_utf8_lossy(&self.bytes(id)).into_owned();
        let text = text.replace('\n', "↵");
        match text.strip_prefix(' ') {
            Some(rest) => format!("␣{rest}"),
            None => text,
        }
    }
}

/// The pieces of `text` as [`PIECE_PATTERN`] cuts them: leftmost-first alternatives, each greedy.
pub fn pieces(text: &str) -> impl Iterator<Item = &str> {
    let word = |c: char| c.is_ascii_alphabetic() || c == '\'';
    let number = |c: char| c.is_ascii_digit();
    let other = |c: char| !(c.is_ascii_alphanumeric() || c == '\'' || c == ' ' || c == '\n');
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        // The length of a run of `class` from byte `from`.
        let run = |from: usize, class: &dyn Fn(char) -> bool| {
            rest[from..].char_indices().find(|&(_, c)| !class(c)).map_or(rest.len() - from, |(i, _)| i)
        };
        let second = rest[first.len_utf8()..].chars().next();
        let mut taken = 0;
        for class in [&word as &dyn Fn(char) -> bool, &number, &other] {
            if first == ' ' && second.is_some_and(class) {
                taken = 1 + run(1, class);
            } else if class(first) {
                taken = run(0, class);
            }
            if taken > 0 {
                break;
            }
        }
        if taken == 0 {
            taken = if first == '\n' { run(0, &|c| c == '\n') } else { run(0, &|c| c == ' ') };
        }
        let (piece, after) = rest.split_at(taken);
        rest = after;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_cuts_words_numbers_symbols_newlines_and_spaces() {
        let cut: Vec<&str> = pieces("'Tis now, 12 o'clock!\n\n  Who's there?? é  ").collect();
        assert_eq!(
            cut,
            ["'Tis", " now", ",", " 12", " o'clock", "!", "\n\n", "  ", "Who's", " there", "??", " é", "  "]
        );
        assert_eq!(pieces("").count(), 0);
        assert_eq!(pieces(" \n").collect::<Vec<_>>(), [" ", "\n"]);
        assert_eq!(pieces("a\tb").collect::<Vec<_>>(), ["a", "\t", "b"]);
    }

    #[test]
    fn the_byte_alphabet_is_gpt2s() {
        let table = byte_chars();
        assert_eq!((table[usize::from(b' ')], table[usize::from(b'\n')], table[usize::from(b'A')]), ('Ġ', 'Ċ', 'A'));
        let distinct: std::collections::HashSet<char> = table.iter().copied().collect();
        assert_eq!(distinct.len(), 256);
    }
}
