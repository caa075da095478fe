//! A question a widget asks before it shows the answer: radio buttons, then the widget's reveal.

use leptos::prelude::*;

use crate::state::predict::Prediction;

/// The choices of a prediction, as a group of radio buttons.
#[component]
pub fn PredictView(
    /// The prediction, picked here.
    prediction: RwSignal<Prediction>,
    /// The question, also the group's accessible name.
    question: String,
    /// A name unique on the page, for the radio group.
    name: &'static str,
) -> impl IntoView {
    let choices = prediction.with_untracked(|p| p.choices().to_vec());
    view! {
        <fieldset class="predict" data-testid=format!("{name}-prediction")>
            <legend>{question}</legend>
            {choices
                .into_iter()
                .enumerate()
                .map(|(i, choice)| view! {
                    <label>
                        <input type="radio" name=name value=i.to_string()
                            prop:checked=move || prediction.with(|p| p.picked() == Some(i))
                            on:change=move |_| prediction.update(|p| p.pick(i)) />
                        {choice.label}
                    </label>
                })
                .collect_view()}
        </fieldset>
    }
}
