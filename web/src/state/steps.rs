//! The autoregressive loop as the page shows it (the recorded steps are `protocol::demos::steps`').

use sampling::TokenId;

/// The `n` largest values of a distribution (or logits), with their tokens, largest first.
pub fn top(values: &[f64], n: usize) -> Vec<(TokenId, f64)> {
    let mut order: Vec<TokenId> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    order.into_iter().take(n).map(|i| (i, values[i])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_lists_the_largest_first() {
        assert_eq!(top(&[0.1, 0.5, 0.2, 0.5], 3), vec![(1, 0.5), (3, 0.5), (2, 0.2)]);
    }

    #[test]
    fn the_strip_of_a_step_lands_on_its_chosen_token() {
        // A recorded step's u falls in the chosen token's stretch of the final distribution.
        let next = |_: &[TokenId]| sampling::Logits::new((0..27).map(|t| (t % 4) as f64).collect());
        let steps = protocol::demos::steps::record(16, |c| Ok(next(c)?)).unwrap();
        for step in &steps {
            let last = sampling::Distribution::from_probs(step.stages[3].clone()).unwrap();
            let strip = crate::state::strip::intervals(&last);
            assert_eq!(crate::state::strip::landing(&strip, step.u).map(|i| i.token), Some(step.chosen));
        }
    }
}
