//! The acceptance rule of speculative sampling (Leviathan et al. 2023; Chen et al. 2023): a cheap draft
//! model proposes γ tokens, the target model scores them all at once, and this rule keeps exactly the
//! target's distribution.
//!
//! Write q for the draft's distribution and p for the target's at each position. A drafted token x is
//! accepted with probability min(1, p(x)/q(x)); at the first rejection the next token is drawn from the
//! residual max(0, p − q), normalized, and the round ends; if all γ are accepted, one more token is drawn
//! from the target's distribution after them. Whatever q is, each token that comes out is distributed as
//! p: P(x) = q(x)·min(1, p(x)/q(x)) + (1 − Σ_y min(p(y), q(y)))·max(0, p(x) − q(x))/Σ_y max(0, p(y) − q(y))
//! = min(p(x), q(x)) + max(0, p(x) − q(x)) = p(x).
//!
//! p and q are whatever distributions the caller samples from: after temperature, top-k and top-p (see
//! [`Strategy::distribution`](crate::Strategy::distribution)), so what is preserved is the distribution
//! of the tokens that plain sampling with those settings from the target would produce.

use crate::{Distribution, Result, SamplingError, TokenId, uniform};

/// One drafted token, checked against the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The drafted token x.
    pub token: TokenId,
    /// q(x): its probability under the draft.
    pub q: f64,
    /// p(x): its probability under the target.
    pub p: f64,
    /// The uniform number u in [0, 1) drawn for it: x is accepted when u < p(x)/q(x).
    pub u: f64,
    /// Whether it was accepted.
    pub accepted: bool,
}

impl Check {
    /// min(1, p(x)/q(x)): the probability that this token is accepted.
    pub fn acceptance(&self) -> f64 {
        acceptance(self.p, self.q)
    }
}

/// min(1, p/q), the probability of accepting a drafted token of draft probability q and target
/// probability p; 1 when q = 0 < p (such a token is never drafted), 0 when both are 0.
pub fn acceptance(p: f64, q: f64) -> f64 {
    if p >= q { if p > 0.0 { 1.0 } else { 0.0 } } else { p / q }
}

/// What one round of speculative sampling decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The drafted tokens checked, in order: every accepted one, then the rejected one if any (the
    /// tokens after a rejection are never checked).
    pub checks: Vec<Check>,
    /// The normalized residual max(0, p − q) at the rejected position, which `next` was drawn from;
    /// `None` when every drafted token was accepted.
    pub residual: Option<Distribution>,
    /// The token drawn after the accepted ones: from the residual, or from the target's distribution
    /// after every drafted token.
    pub next: TokenId,
}

impl Verdict {
    /// How many drafted tokens were accepted.
    pub fn accepted(&self) -> usize {
        self.checks.iter().take_while(|c| c.accepted).count()
    }

    /// The tokens this round adds to the text: the accepted drafts, then `next`.
    pub fn tokens(&self) -> Vec<TokenId> {
        self.checks.iter().filter(|c| c.accepted).map(|c| c.token).chain([self.next]).collect()
    }
}

/// The normalized residual max(0, p − q). When rounding leaves no positive difference (p and q equal),
/// p itself, which is then the same distribution.
///
/// # Errors
/// [`SamplingError::WrongLength`] when p and q are over vocabularies of different sizes.
pub fn residual(p: &Distribution, q: &Distribution) -> Result<Distribution> {
    if p.len() != q.len() {
        return Err(SamplingError::WrongLength { expected: p.len(), got: q.len() });
    }
    let diff: Vec<f64> = p.probs().iter().zip(q.probs()).map(|(&a, &b)| (a - b).max(0.0)).collect();
    Distribution::from_probs(diff).or_else(|_| Ok(p.clone()))
}

/// Checks `drafted` (γ tokens, drawn from `q[0]`, …, `q[γ − 1]` in turn) against the target's
/// distributions `p[0]`, …, `p[γ]` at the same positions and one more, with uniforms from `rng`: the
/// rule of the module's documentation. γ = 0 is plain sampling from `p[0]`.
///
/// Draws one uniform per token checked, then one token (a uniform) from the residual or from `p[γ]`.
///
/// # Errors
/// [`SamplingError::DraftMismatch`] unless there are γ draft and γ + 1 target distributions,
/// [`SamplingError::WrongLength`] when they are not all over one vocabulary, and
/// [`SamplingError::TokenOutOfRange`] for a drafted token outside it.
pub fn verify<R: rand::Rng + ?Sized>(
    drafted: &[TokenId],
    q: &[Distribution],
    p: &[Distribution],
    rng: &mut R,
) -> Result<Verdict> {
    let gamma = drafted.len();
    if q.len() != gamma || p.len() != gamma + 1 {
        return Err(SamplingError::DraftMismatch { drafted: gamma, q: q.len(), p: p.len() });
    }
    let vocab = p[0].len();
    if let Some(other) = q.iter().chain(p).find(|d| d.len() != vocab) {
        return Err(SamplingError::WrongLength { expected: vocab, got: other.len() });
    }
    if let Some(&token) = drafted.iter().find(|&&t| t >= vocab) {
        return Err(SamplingError::TokenOutOfRange { token, vocab });
    }
    let mut checks = Vec::with_capacity(gamma);
    for (i, &token) in drafted.iter().enumerate() {
        let (pq, pp) = (q[i].probs()[token], p[i].probs()[token]);
        let u = uniform(rng);
        let accepted = u < acceptance(pp, pq);
        checks.push(Check { token, q: pq, p: pp, u, accepted });
        if !accepted {
            let residual = residual(&p[i], &q[i])?;
            let next = residual.sample(rng);
            return Ok(Verdict { checks, residual: Some(residual), next });
        }
    }
    Ok(Verdict { checks, residual: None, next: p[gamma].sample(rng) })
}

/// One token by the rule, from one position's distributions alone: a draft x from q, accepted with
/// probability min(1, p(x)/q(x)), else a draw from the residual. Returns the token and whether it was
/// the draft's. Distributed as p: the first token of every round is made this way.
///
/// # Errors
/// [`SamplingError::WrongLength`] when p and q are over vocabularies of different sizes.
pub fn draw_one<R: rand::Rng + ?Sized>(q: &Distribution, p: &Distribution, rng: &mut R) -> Result<(TokenId, bool)> {
    if p.len() != q.len() {
        return Err(SamplingError::WrongLength { expected: p.len(), got: q.len() });
    }
    let x = q.sample(rng);
    if uniform(rng) < acceptance(p.probs()[x], q.probs()[x]) {
        Ok((x, true))
    } else {
        Ok((residual(p, q)?.sample(rng), false))
    }
}

#[cfg(test)]
mod tests {
    use super::{acceptance, draw_one, residual, verify};
    use crate::{Distribution, SamplingError, seeded_rng};

    fn dist(probs: &[f64]) -> Distribution {
        Distribution::from_probs(probs.to_vec()).unwrap()
    }

    #[test]
    fn acceptance_is_min_of_one_and_the_ratio() {
        assert_eq!(acceptance(0.2, 0.4), 0.5);
        assert_eq!(acceptance(0.4, 0.2), 1.0);
        assert_eq!(acceptance(0.3, 0.3), 1.0);
        assert_eq!(acceptance(0.0, 0.3), 0.0);
        assert_eq!(acceptance(0.3, 0.0), 1.0);
        assert_eq!(acceptance(0.0, 0.0), 0.0);
    }

    #[test]
    fn the_residual_is_the_normalized_excess_of_p_over_q() {
        let r = residual(&dist(&[0.5, 0.3, 0.2]), &dist(&[0.2, 0.6, 0.2])).unwrap();
        assert_eq!(r.probs(), &[1.0, 0.0, 0.0]);
        let r = residual(&dist(&[0.5, 0.3, 0.2]), &dist(&[0.1, 0.1, 0.8])).unwrap();
        assert!((r.probs()[0] - 0.4 / 0.6).abs() < 1e-12 && (r.probs()[1] - 0.2 / 0.6).abs() < 1e-12);
        assert_eq!(r.probs()[2], 0.0);
        // Equal distributions leave nothing over: the residual is p.
        let p = dist(&[0.25, 0.75]);
        assert_eq!(residual(&p, &p).unwrap(), p);
        assert!(matches!(residual(&p, &dist(&[1.0])), Err(SamplingError::WrongLength { .. })));
    }

    #[test]
    fn a_draft_equal_to_the_target_is_always_accepted() {
        let p = dist(&[0.1, 0.2, 0.3, 0.4]);
        let mut rng = seeded_rng(3);
        for _ in 0..1000 {
            let drafted = [p.sample(&mut rng), p.sample(&mut rng), p.sample(&mut rng)];
            let v = verify(&drafted, &[p.clone(), p.clone(), p.clone()], &vec![p.clone(); 4], &mut rng).unwrap();
            assert_eq!(v.accepted(), 3);
            assert!(v.residual.is_none());
            assert_eq!(&v.tokens()[..3], &drafted);
        }
    }

    #[test]
    fn a_token_the_target_never_draws_is_always_rejected_and_never_comes_out() {
        let q = dist(&[0.5, 0.5, 0.0]);
        let p = dist(&[0.0, 0.5, 0.5]);
        let mut rng = seeded_rng(4);
        for _ in 0..1000 {
            let v = verify(&[0], std::slice::from_ref(&q), &[p.clone(), p.clone()], &mut rng).unwrap();
            assert!(!v.checks[0].accepted);
            assert_eq!(v.next, 2, "the residual holds token 2 only");
            assert_eq!(v.tokens(), vec![2]);
        }
    }

    #[test]
    fn zero_drafts_is_plain_sampling_from_the_target() {
        let p = dist(&[0.1, 0.2, 0.7]);
        let (mut a, mut b) = (seeded_rng(9), seeded_rng(9));
        for _ in 0..100 {
            let v = verify(&[], &[], std::slice::from_ref(&p), &mut a).unwrap();
            assert_eq!(v.tokens(), vec![p.sample(&mut b)]);
        }
    }

    /// 200,000 tokens by the rule from a draft far from the target follow the target (every cell within
    /// five standard deviations of its expected count), and the drafts accepted are Σ min(p, q) of them.
    #[test]
    fn one_token_by_the_rule_is_distributed_as_the_target() {
        let q = dist(&[0.5, 0.3, 0.1, 0.1, 0.0]);
        let p = dist(&[0.1, 0.2, 0.3, 0.25, 0.15]);
        let mut rng = seeded_rng(8);
        const N: usize = 200_000;
        let (mut counts, mut accepted) = ([0usize; 5], 0usize);
        for _ in 0..N {
            let (x, drafted) = draw_one(&q, &p, &mut rng).unwrap();
            counts[x] += 1;
            accepted += usize::from(drafted);
        }
        for (i, (&c, &prob)) in counts.iter().zip(p.probs()).enumerate() {
            let (e, sd) = (prob * N as f64, (prob * (1.0 - prob) * N as f64).sqrt());
            assert!((c as f64 - e).abs() < 5.0 * sd, "token {i}: {c} against {e:.0}");
        }
        let overlap: f64 = p.probs().iter().zip(q.probs()).map(|(a, b)| a.min(*b)).sum();
        let sd = (overlap * (1.0 - overlap) * N as f64).sqrt();
        assert!((accepted as f64 - overlap * N as f64).abs() < 5.0 * sd, "{accepted} drafts accepted");
        assert!(draw_one(&q, &dist(&[1.0]), &mut rng).is_err());
    }

    #[test]
    fn lists_that_do_not_line_up_are_errors() {
        let p = dist(&[0.5, 0.5]);
        let mut rng = seeded_rng(1);
        let mismatch = |r: crate::Result<super::Verdict>| matches!(r, Err(SamplingError::DraftMismatch { .. }));
        assert!(mismatch(verify(&[0], &[], &[p.clone(), p.clone()], &mut rng)));
        assert!(mismatch(verify(&[0], std::slice::from_ref(&p), std::slice::from_ref(&p), &mut rng)));
        assert!(matches!(
            verify(&[0], &[dist(&[1.0, 0.0, 0.0])], &[p.clone(), p.clone()], &mut rng),
            Err(SamplingError::WrongLength { .. })
        ));
        assert!(matches!(
            verify(&[5], std::slice::from_ref(&p), &[p.clone(), p.clone()], &mut rng),
            Err(SamplingError::TokenOutOfRange { token: 5, vocab: 2 })
        ));
    }
}
