//! The control surface: prompt, sampler and seed in, a name and its fingerprint out.

use leptos::prelude::*;
use protocol::control::{Form, Model, Output, Settings, prompt_context};
use protocol::messages::{Reply, Request, Which};

use crate::models::Models;

/// The settings in the page's address, if any, and notes on the values that could not be used.
fn settings_from_address() -> (Settings, Vec<String>) {
    let query = crate::browser::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    Settings::from_query(&query)
}

/// Puts the settings in the address without reloading, so the link reproduces the run.
fn settings_to_address(settings: &Settings) {
    if let Some(history) = crate::browser::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&settings.to_query()));
    }
}

/// A labelled text field bound to a string signal.
#[component]
fn Field(
    /// The visible label, also the accessible name.
    label: &'static str,
    /// The text in the field, shared with the form.
    value: RwSignal<String>,
    /// A hint for on-screen keyboards.
    #[prop(default = "text")]
    inputmode: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input type="text" inputmode=inputmode autocomplete="off" spellcheck="false"
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}

/// The model the control surface runs, as a group of radio buttons.
#[component]
fn ModelChoice(
    /// The chosen model, shared with the form.
    model: RwSignal<Model>,
) -> impl IntoView {
    view! {
        <fieldset class="model-choice">
            <legend>"Model"</legend>
            {Model::ALL.into_iter().map(|m| view! {
                <label class="choice">
                    <input type="radio" name="control-model" prop:checked=move || model.get() == m
                        on:change=move |_| model.set(m) />
                    <span>{m.label()}</span>
                </label>
            }).collect_view()}
        </fieldset>
    }
}

/// The control surface on the trained models.
#[component]
pub fn ControlSurface(
    /// The models, in the background: the runs are the transformer's.
    models: Models,
) -> impl IntoView {
    let (initial, ignored) = settings_from_address();
    let notice = (!ignored.is_empty())
        .then(|| format!("From the page's address, defaults were used instead of: {}.", ignored.join("; ")));
    let form = Form::of(&initial);
    let model = RwSignal::new(form.model);
    let (prompt, tau, k) = (RwSignal::new(form.prompt), RwSignal::new(form.tau), RwSignal::new(form.k));
    let (p, seed, length) = (RwSignal::new(form.p), RwSignal::new(form.seed), RwSignal::new(form.length));
    let runs = RwSignal::new(Vec::<(String, Output)>::new());
    let error = RwSignal::new(None::<String>);

    let read = move || -> Result<Settings, String> {
        Form {
            model: model.get_untracked(),
            prompt: prompt.get_untracked(),
            tau: tau.get_untracked(),
            k: k.get_untracked(),
            p: p.get_untracked(),
            seed: seed.get_untracked(),
            length: length.get_untracked(),
        }
        .parse()
    };
    // Runs queue: every press is one run, answered in order.
    let pending = RwSignal::new(0usize);
    let generate = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Settings the core refuses, and names prompts outside a–z, are named here before anything runs
        // (a text prompt is checked by the worker, which holds its tokens).
        let checked = read().and_then(|settings| {
            if settings.model == Model::Names {
                prompt_context(&settings.prompt).map_err(|e| e.to_string())?;
            }
            settings.sampler().map_err(|e| e.to_string())?;
            Ok(settings)
        });
        let settings = match checked {
            Ok(settings) => settings,
            Err(message) => return error.set(Some(message)),
        };
        error.set(None);
        pending.update(|n| *n += 1);
        models.ask(Request::Generate(settings.clone()), move |reply| {
            pending.update(|n| *n -= 1);
            match reply {
                Reply::Generated(output) => {
                    settings_to_address(&settings);
                    runs.update(|r| {
                        r.insert(0, (settings.to_query(), output));
                        r.truncate(5);
                    });
                }
                Reply::Failed(why) => error.set(Some(why)),
                other => error.set(Some(format!("An unexpected answer: {other:?}"))),
            }
        });
    };
    let status = move || (pending.get() > 0).then(|| models.awaiting(&[Which::of(model.get())]));

    view! {
        <figure class="widget control">
            <p class="try">
                "Try: press Generate twice without changing anything, then change only the seed and generate "
                "again; then pick Shakespeare and do the same. Notice: the same three settings give the same text "
                "and fingerprint; a new seed alone gives another."
            </p>
            <form on:submit=generate>
                <ModelChoice model />
                <div class="controls">
                    <Field label="Prompt" value=prompt />
                    <Field label="Temperature τ" value=tau inputmode="decimal" />
                    <Field label="Top-k (0 = off)" value=k inputmode="numeric" />
                    <Field label="Top-p (1 = off)" value=p inputmode="decimal" />
                    <Field label="Seed" value=seed inputmode="numeric" />
                    <Field label="Length" value=length inputmode="numeric" />
                </div>
                <button type="submit">"Generate"</button>
            </form>
            <p class="status" aria-live="polite" data-testid="control-status">{status}</p>
            <p class="notice" role="status" data-testid="control-notice">{notice}</p>
            <p class="error" role="alert" data-testid="control-error">{move || error.get()}</p>
            <ol class="runs" aria-live="polite" data-testid="control-runs">
                {move || {
                    runs.get()
                        .into_iter()
                        .map(|(query, out)| {
                            view! {
                                <li>
                                    <code class="name output">{out.text}</code>" "
                                    <span class="hash" title="FNV-1a of the output bytes">{out.hash}</span>" "
                                    <a href=query.clone()>{query.clone()}</a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
            <figcaption>
                "The newest run is first, computed live in your browser. Generate twice with the same settings: the "
                "text and its fingerprint (a hash of the output's bytes) repeat exactly. Change only the seed, and "
                "the same model writes something else. The settings are kept in the page's address, so a link "
                "reproduces a run. The Shakespeare model is fetched the first time it runs; its length counts "
                "word pieces, the names model's letters."
            </figcaption>
        </figure>
    }
}
