//! Beam search on the trained transformer: what the page says against it for open-ended text (the
//! search itself is `protocol::demos::beam`'s, run in the background).

use protocol::DecodingTable;
use protocol::decoding::TextDecodingTable;

/// The argument against beam search for open-ended text, with the numbers of the table and of the
/// model's card: real names score about the validation loss per symbol, and so does pure sampling,
/// while beam search scores far above.
pub fn why_not_beam(table: &DecodingTable, validation_loss: f64) -> String {
    let row = |name: &str| table.rows.iter().find(|r| r.method == name);
    let (Some(beam), Some(pure)) = (row("beam, B = 16"), row("pure sampling")) else { return String::new() };
    format!(
        "No α fixes the deeper problem with open-ended text. Beam search looks for the likeliest output, \
         and real text is not the likeliest: real names, held out from training, score {:.2} nats per \
         symbol under this model (its validation loss), and pure sampling's names score {:.2}, about the \
         same, while beam search's (B = 16) score {:.2}, far likelier than real names are. It is also \
         deterministic: one prompt, one answer ({} distinct name in {}). Chat and story models sample \
         instead; beam search stays useful where one best answer exists: translation, summaries, \
         constrained outputs.",
        -validation_loss, pure.log_likelihood, beam.log_likelihood, beam.distinct, table.generations
    )
}

/// A number with `digits` decimals and a true minus sign.
fn minus(x: f64, digits: usize) -> String {
    format!("{x:.digits$}").replace('-', "−")
}

/// The rows of the table on text as the page shows them: method, log-likelihood per token and per
/// character, repeated 4-grams (a percentage) and distinct-2.
pub fn text_rows(table: &TextDecodingTable) -> Vec<[String; 5]> {
    table
        .rows
        .iter()
        .map(|r| {
            [
                r.method.clone(),
                minus(r.per_token, 2),
                minus(r.per_character, 2),
                format!("{:.0} %", r.repeated_4grams * 100.0),
                format!("{:.2}", r.distinct_2),
            ]
        })
        .collect()
}

/// What the table on text shows, in its own numbers, and what it cannot show. Empty if a row it quotes
/// is missing.
pub fn text_table_summary(table: &TextDecodingTable, parameters: usize) -> String {
    let row = |m: &str| table.row(m);
    let names = ["the held-out plays' own text", "greedy", "beam, B = 16", "pure sampling"];
    let (Some(real), Some(greedy), Some(beam), Some(pure)) =
        (row(names[0]), row(names[1]), row(names[2]), row(names[3]))
    else {
        return String::new();
    };
    let cuts: Vec<_> =
        table.rows.iter().filter(|r| !names.contains(&r.method.as_str()) && !r.method.starts_with("beam")).collect();
    let (low, high) =
        cuts.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), r| (l.min(r.per_token), h.max(r.per_token)));
    let most_repeated = cuts.iter().map(|r| r.repeated_4grams).fold(0.0, f64::max);
    let percent = |x: f64| format!("{:.0} %", x * 100.0);
    let two = |x: f64| format!("{x:.2}");
    format!(
        "On text the names' pattern comes back, sharper. Greedy decoding and beam search (B = 16) write \
         continuations this model finds far likelier than the plays' own next lines ({} and {} nats per token, \
         against {}), and they repeat themselves: {} and {} of the 4-grams in one continuation came earlier in \
         it, against {} in the plays; across prompts their distinct-2 is {} and {}, against the plays' {}. Pure \
         sampling comes closest to the plays ({} per token, distinct-2 {}): drawn from the model's own \
         beliefs, its text surprises the model about as much as Shakespeare's does. The truncations sit between, at {} to {} per \
         token, repeating at most {} of their 4-grams. What the table cannot say: it scores text by the model \
         that wrote it, not by a reader, and it is one small model ({} parameters) on one author's works, so \
         its figures are not those of a large model, only its trends are the ones Holtzman et al. (2020) \
         report for GPT-2.",
        minus(greedy.per_token, 2),
        minus(beam.per_token, 2),
        minus(real.per_token, 2),
        percent(greedy.repeated_4grams),
        percent(beam.repeated_4grams),
        percent(real.repeated_4grams),
        two(greedy.distinct_2),
        two(beam.distinct_2),
        two(real.distinct_2),
        minus(pure.per_token, 2),
        two(pure.distinct_2),
        minus(low, 2),
        minus(high, 2),
        percent(most_repeated),
        crate::state::kv::group_thousands(parameters as u64),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses() {
        let table = model::shipped_table().unwrap();
        assert_eq!(table.rows.len(), 7);
        assert_eq!(table.rows[0].method, "greedy");
    }

    #[test]
    fn the_argument_quotes_the_table_and_the_card() {
        let table = model::shipped_table().unwrap();
        let text = why_not_beam(&table, 2.1247);
        assert!(text.contains("score -2.12 nats per symbol"), "{text}");
        assert!(text.contains("(1 distinct name in 100)"), "{text}");
        let empty = DecodingTable { rows: vec![], ..table };
        assert_eq!(why_not_beam(&empty, 2.0), "");
    }

    #[test]
    fn the_table_on_text_is_read_in_its_own_numbers() {
        let table = model::text_decoding::shipped_text_table().unwrap();
        let rows = text_rows(&table);
        assert_eq!(rows.len(), table.rows.len());
        assert_eq!(rows[0][0], "the held-out plays' own text");
        let said = text_table_summary(&table, 1_234_567);
        let real = table.row("the held-out plays' own text").unwrap();
        assert!(said.contains(&format!("against {})", minus(real.per_token, 2))), "{said}");
        assert!(said.contains("one small model (1,234,567 parameters)"), "{said}");
        // Every figure quoted is one of the table's cells.
        let cells: Vec<&String> = rows.iter().flatten().collect();
        for quoted in ["greedy", "beam, B = 16", "pure sampling"] {
            let r = table.row(quoted).unwrap();
            assert!(said.contains(&minus(r.per_token, 2)) && cells.contains(&&minus(r.per_token, 2)), "{quoted}");
        }
        let empty = TextDecodingTable { rows: vec![], ..table };
        assert_eq!(text_table_summary(&empty, 1), "");
    }
}
