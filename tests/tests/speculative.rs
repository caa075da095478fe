//! Speculative sampling on the page: rounds run from the keyboard show what the same rounds show when
//! computed here, natively; the draws land on the transformer's bars.

use e2e::{Key, Page, with_page};
use fantoccini::Locator;
use model::demos::speculative::Session;
use model::{Bigram, Gpt, Vocab, device};
use protocol::demos::speculative::{Fate, SpecView};
use web::state::bars::symbol;
use web::state::speculative::Draws;

/// The last round's table, one (guess, verdict) pair a row.
async fn round(page: &Page) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for row in page.client.find_all(Locator::Css("[data-testid=spec-round] tbody tr")).await.unwrap() {
        let guess = row.find(Locator::Css("th")).await.unwrap().text().await.unwrap();
        out.push((guess, page.attr(&row, "data-fate").await));
    }
    out
}

/// The same rounds computed natively, as the table writes them.
fn expected(view: &SpecView) -> Vec<(String, String)> {
    view.rows.iter().map(|r| (symbol(r.token), format!("{:?}", r.fate).to_lowercase())).collect()
}

#[tokio::test]
async fn rounds_from_the_keyboard_match_the_same_rounds_computed_natively() {
    with_page(|page| async move {
        page.open().await;
        let (bigram, gpt) = (Bigram::shipped(&device()).unwrap(), Gpt::shipped(&device()).unwrap());
        let mut native = Session::new(&bigram, &gpt).unwrap();

        // γ from 4 down to 2 with the arrow keys, as on any slider.
        let gamma = page.by_role("slider", "Guesses a round").await;
        page.press(&gamma, Key::Left, 2).await;
        page.wait_for_text("[data-testid=spec-gamma]", "2").await;

        let draft = page.by_role("button", "Draft and check").await;
        let (mut kept, mut rejected) = (0, 0);
        for n in 1..=12usize {
            page.press(&draft, Key::Enter, 1).await;
            native.step(&gpt, 2).unwrap();
            let view = native.view(&gpt).unwrap();
            page.wait_for_text("[data-testid=spec-passes]", &n.to_string()).await;
            let rows = round(&page).await;
            assert_eq!(rows, expected(&view), "round {n}");
            assert!(rows.len() <= 2);
            kept += view.rows.iter().filter(|r| r.fate == Fate::Accepted).count();
            rejected += view.rows.iter().filter(|r| r.fate == Fate::Rejected).count();
            page.wait_for_text("[data-testid=spec-symbols]", &view.tally.tokens.to_string()).await;
            page.wait_for_text("[data-testid=spec-per-symbol]", &format!("{:.2}", view.tally.passes_per_token())).await;
            // The residual's chart is shown exactly when a guess was rejected.
            let shown = page.client.find(Locator::Css("[data-testid=spec-residual]")).await.is_ok();
            assert_eq!(shown, view.residual.is_some(), "round {n}");
        }
        assert!(kept > 0 && rejected > 0, "both verdicts were seen ({kept} kept, {rejected} rejected)");
        let (settled, accepted, next) = native.view(&gpt).unwrap().parts;
        assert_eq!(page.text("[data-testid=spec-text]").await, format!("{settled}{accepted}{next}"));

        // Start over, then three presses without waiting: the rounds queue and run in order.
        page.by_role("button", "Start over").await.click().await.unwrap();
        page.wait_for_text("[data-testid=spec-passes]", "0").await;
        native.reset(&gpt).unwrap();
        page.press(&draft, Key::Enter, 3).await;
        for _ in 0..3 {
            native.step(&gpt, 2).unwrap();
        }
        page.wait_for_text("[data-testid=spec-passes]", "3").await;
        let view = native.view(&gpt).unwrap();
        assert_eq!(round(&page).await, expected(&view));
        let (settled, accepted, next) = view.parts;
        assert_eq!(page.text("[data-testid=spec-text]").await, format!("{settled}{accepted}{next}"));
        page.assert_responds().await;
    })
    .await;
}

#[tokio::test]
async fn ten_thousand_draws_land_on_the_transformers_bars() {
    with_page(|page| async move {
        page.open().await;
        let (bigram, gpt) = (Bigram::shipped(&device()).unwrap(), Gpt::shipped(&device()).unwrap());
        let mut native = Session::new(&bigram, &gpt).unwrap();
        let apart = |native: &Session| Draws::new(&native.view(&gpt).unwrap()).unwrap().models_apart().0;
        // Rounds until the two models disagree after the text so far, the same on the page.
        let draft = page.by_role("button", "Draft and check").await;
        while apart(&native) < 0.2 {
            native.step(&gpt, protocol::demos::speculative::GAMMA_START).unwrap();
            page.press(&draft, Key::Enter, 1).await;
            let passes = native.view(&gpt).unwrap().tally.target_passes;
            page.wait_for_text("[data-testid=spec-passes]", &passes.to_string()).await;
        }
        let between = apart(&native);
        page.by_role("button", "Draw 10,000 by the rule").await.click().await.unwrap();
        page.wait_for("the draws to finish", || async {
            page.text("[data-testid=spec-draws]").await.starts_with("10000 draws")
        })
        .await;
        let text = page.text("[data-testid=spec-draws]").await;
        let number = |after: &str| -> f64 {
            let rest = &text[text.find(after).unwrap_or_else(|| panic!("{after} in {text}")) + after.len()..];
            rest.split([' ', ';', ',']).next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{text}"))
        };
        let (to_p, to_q) = (number("transformer's p "), number("bigram's q "));
        assert!(to_p < 0.03 && to_q > between - to_p - 0.001, "{text} (the models {between:.3} apart)");
        assert!(text.contains(&format!("after {}:", Vocab.text(&native.view(&gpt).unwrap().context))), "{text}");
        assert!(page.client.find(Locator::Css("[data-testid=spec-draws-chart] .axes")).await.is_ok());
    })
    .await;
}
