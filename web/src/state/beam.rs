//! Beam search on the trained transformer: what the page says against it for open-ended text (the
//! search itself is `protocol::demos::beam`'s, run in the background).

use protocol::DecodingTable;

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
}
