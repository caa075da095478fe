//! The lesson's prose, formulas, code, quizzes and the greedy demonstration, in the source's order.

use leptos::prelude::*;
use protocol::GptConfig;
use protocol::demos::greedy::SEED;
use protocol::messages::{Reply, Request};
use sampling::StageKind;

use crate::models::{Latest, Models};
use crate::state::greedy::{greedy_parts, greedy_summary, sampled_summary, sampled_text};
use crate::state::quiz::{Attempts, Quiz, Verdict, decode_progress, encode_progress, progress, quizzes, shown_code};

/// Where the browser keeps the learner's progress; the version changes when the quizzes do.
const STORAGE_KEY: &str = "how-distributions-become-text/progress/v2";

fn storage() -> Option<web_sys::Storage> {
    crate::browser::window().and_then(|w| w.local_storage().ok().flatten())
}

/// softmax_τ(ℓ)ᵢ = exp(ℓᵢ/τ) / Σⱼ exp(ℓⱼ/τ), as MathML.
pub const TEMPERATURE_FORMULA: &str = r#"<math display="block"><mrow><msub><mi>softmax</mi><mi>τ</mi></msub><msub><mrow><mo stretchy="false">(</mo><mi>ℓ</mi><mo stretchy="false">)</mo></mrow><mi>i</mi></msub><mo>=</mo><mfrac><mrow><mi>exp</mi><mo stretchy="false">(</mo><msub><mi>ℓ</mi><mi>i</mi></msub><mo>/</mo><mi>τ</mi><mo stretchy="false">)</mo></mrow><mrow><munder><mo>∑</mo><mi>j</mi></munder><mi>exp</mi><mo stretchy="false">(</mo><msub><mi>ℓ</mi><mi>j</mi></msub><mo>/</mo><mi>τ</mi><mo stretchy="false">)</mo></mrow></mfrac></mrow></math>"#;

/// The top-k mask, as MathML.
pub const TOP_K_FORMULA: &str = r#"<math display="block"><mrow><msub><mrow><mi>ℓ</mi><mo lspace="0" rspace="0">′</mo></mrow><mi>i</mi></msub><mo>=</mo><mrow><mo>{</mo><mtable><mtr><mtd><msub><mi>ℓ</mi><mi>i</mi></msub></mtd><mtd><mtext>if</mtext><mspace width="0.5em"/><mi>i</mi><mo>∈</mo><mi>TopK</mi><mo stretchy="false">(</mo><mi>ℓ</mi><mo>,</mo><mi>k</mi><mo stretchy="false">)</mo></mtd></mtr><mtr><mtd><mo>−</mo><mi>∞</mi></mtd><mtd><mtext>otherwise</mtext></mtd></mtr></mtable></mrow></mrow></math>"#;

/// The nucleus, as MathML. The distribution is q, so that p stays the threshold.
pub const TOP_P_FORMULA: &str = r#"<math display="block"><mrow><mi>π</mi><mo>=</mo><msub><mi>argsort</mi><mo>↓</mo></msub><mo stretchy="false">(</mo><mi>q</mi><mo stretchy="false">)</mo><mo>,</mo><mspace width="1em"/><msub><mi>C</mi><mi>j</mi></msub><mo>=</mo><munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>j</mi></munderover><msub><mi>q</mi><msub><mi>π</mi><mi>i</mi></msub></msub><mo>,</mo><mspace width="1em"/><msup><mi>n</mi><mo>*</mo></msup><mo>=</mo><mi>min</mi><mo stretchy="false">{</mo><mi>j</mi><mo>:</mo><msub><mi>C</mi><mi>j</mi></msub><mo>≥</mo><mi>p</mi><mo stretchy="false">}</mo></mrow></math>"#;

/// Min-p: keep i if pᵢ ≥ p_min · maxⱼ pⱼ.
pub const MIN_P_FORMULA: &str = r#"<math display="block"><mrow><mtext>keep</mtext><mspace width="0.4em"/><mi>i</mi><mspace width="0.4em"/><mtext>if</mtext><mspace width="0.6em"/><msub><mi>p</mi><mi>i</mi></msub><mo>≥</mo><msub><mi>p</mi><mi>min</mi></msub><mo>·</mo><munder><mi>max</mi><mi>j</mi></munder><mspace width="0.2em"/><msub><mi>p</mi><mi>j</mi></msub></mrow></math>"#;

/// Top-n-σ: keep i if ℓᵢ ≥ maxⱼ ℓⱼ − n·σ(ℓ).
pub const TOP_N_SIGMA_FORMULA: &str = r#"<math display="block"><mrow><mtext>keep</mtext><mspace width="0.4em"/><mi>i</mi><mspace width="0.4em"/><mtext>if</mtext><mspace width="0.6em"/><msub><mi>ℓ</mi><mi>i</mi></msub><mo>≥</mo><munder><mi>max</mi><mi>j</mi></munder><mspace width="0.2em"/><msub><mi>ℓ</mi><mi>j</mi></msub><mo>−</mo><mi>n</mi><mo>·</mo><mi>σ</mi><mo stretchy="false">(</mo><mi>ℓ</mi><mo stretchy="false">)</mo></mrow></math>"#;

/// Typical: H = −Σ pⱼ ln pⱼ and each token's distance dᵢ = |−ln pᵢ − H| from it.
pub const TYPICAL_FORMULA: &str = r#"<math display="block"><mrow><mi>H</mi><mo>=</mo><mo>−</mo><munder><mo>∑</mo><mi>j</mi></munder><msub><mi>p</mi><mi>j</mi></msub><mi>ln</mi><msub><mi>p</mi><mi>j</mi></msub><mo>,</mo><mspace width="1em"/><msub><mi>d</mi><mi>i</mi></msub><mo>=</mo><mrow><mo>|</mo><mo>−</mo><mi>ln</mi><msub><mi>p</mi><mi>i</mi></msub><mo>−</mo><mi>H</mi><mo>|</mo></mrow></mrow></math>"#;

/// Penalties: ℓᵢ′ = ρθ(ℓᵢ) − α·[cᵢ > 0] − β·cᵢ for a token seen cᵢ > 0 times.
pub const PENALTIES_FORMULA: &str = r#"<math display="block"><mrow><msub><mrow><mi>ℓ</mi><mo lspace="0" rspace="0">′</mo></mrow><mi>i</mi></msub><mo>=</mo><mrow><mo>{</mo><mtable><mtr><mtd><msub><mi>ℓ</mi><mi>i</mi></msub><mo>/</mo><mi>θ</mi></mtd><mtd><mtext>if</mtext><mspace width="0.4em"/><msub><mi>ℓ</mi><mi>i</mi></msub><mo>&gt;</mo><mn>0</mn></mtd></mtr><mtr><mtd><msub><mi>ℓ</mi><mi>i</mi></msub><mo>·</mo><mi>θ</mi></mtd><mtd><mtext>otherwise</mtext></mtd></mtr></mtable></mrow><mo>−</mo><mi>α</mi><mo>−</mo><mi>β</mi><mo>·</mo><msub><mi>c</mi><mi>i</mi></msub><mspace width="1em"/><mtext>for a token seen</mtext><mspace width="0.4em"/><msub><mi>c</mi><mi>i</mi></msub><mo>&gt;</mo><mn>0</mn><mspace width="0.4em"/><mtext>times</mtext></mrow></math>"#;

/// One newer stage as its section shows it.
pub(crate) struct Newer {
    pub(crate) kind: StageKind,
    pub(crate) title: &'static str,
    /// What it does, its source, and where the evidence for it stands.
    pub(crate) prose: &'static str,
    pub(crate) formula: &'static str,
    /// The label and the spoken symbol of its slider.
    pub(crate) label: &'static str,
    pub(crate) symbol: &'static str,
}

/// The newer stages, in the order the section takes them.
pub(crate) const NEWER: [Newer; 4] = [
    Newer {
        kind: StageKind::MinP,
        title: "Min-p",
        prose: concat!(
            "Keep every token at least a fraction p_min as likely as the most likely one (Nguyen and ",
            "colleagues, 2024). Like top-p, the cut follows the model's confidence, and it needs no sort. ",
            "Its authors reported better text than top-p at high temperatures; later work (Schaeffer and ",
            "colleagues, 2025) reanalysed that evidence and found no clear advantage once every sampler's ",
            "settings are tuned alike, so treat it as a reasonable option rather than a proven gain."
        ),
        formula: MIN_P_FORMULA,
        label: "Min-p",
        symbol: "min-p",
    },
    Newer {
        kind: StageKind::TopNSigma,
        title: "Top-n-σ",
        prose: concat!(
            "Keep the logits within n standard deviations of the largest (Tang and colleagues, 2024). It ",
            "reads the logits, not the probabilities, so temperature does not move its cut: dividing every ",
            "logit by τ divides the gap and σ alike. It is new, and little independent evidence exists yet."
        ),
        formula: TOP_N_SIGMA_FORMULA,
        label: "Top-n-σ",
        symbol: "n",
    },
    Newer {
        kind: StageKind::Typical,
        title: "Typical sampling",
        prose: concat!(
            "Rank the tokens by the distance d between their surprisal, −ln p, and the distribution's ",
            "entropy H, closest first, and keep the shortest run of that ranking whose mass reaches m ",
            "(Meister and colleagues, 2023). Unlike every stage above it can drop the most likely token, ",
            "when that token is far likelier than the entropy suggests."
        ),
        formula: TYPICAL_FORMULA,
        label: "Typical mass",
        symbol: "m",
    },
    Newer {
        kind: StageKind::Penalties,
        title: "Penalties",
        prose: concat!(
            "The only stages that read the context. The repetition penalty θ (Keskar and colleagues, 2019) ",
            "divides a seen token's positive logit by θ and multiplies a negative one, so θ above 1 always ",
            "makes it less likely; the presence penalty α subtracts a fixed amount from every token seen at ",
            "least once, the frequency penalty β an amount per time it was seen. They fight repetition ",
            "directly, and all three engines above apply them first. Below, the context is ·ma, so ·, m and a ",
            "are the penalized symbols, and the readout follows them."
        ),
        formula: PENALTIES_FORMULA,
        label: "Repetition penalty θ",
        symbol: "θ",
    },
];

/// A formula, rendered by the browser's own MathML.
#[component]
pub fn Formula(
    /// A whole `<math>` element, written out in the source.
    mathml: &'static str,
) -> impl IntoView {
    // Focusable, so that a keyboard can scroll a formula wider than a phone's screen.
    view! { <div class="formula" tabindex="0" inner_html=mathml></div> }
}

/// Code the core really runs (the same text is a doctest of the sampling crate).
#[component]
pub fn Code(
    /// The markdown snippet, fences and hidden lines included.
    markdown: &'static str,
) -> impl IntoView {
    // Focusable, so that a keyboard can scroll a line wider than the column.
    view! { <pre class="code" tabindex="0"><code>{shown_code(markdown)}</code></pre> }
}

/// The quizzes and which have been answered right, shared by the page.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    quizzes: StoredValue<Vec<Quiz>>,
    answered: RwSignal<Vec<bool>>,
    /// Set when stored progress existed but could not be read (and was dropped).
    unreadable: bool,
}

impl Progress {
    /// The quizzes for the shipped transformer's shape, with the progress stored in this browser (stored
    /// data that cannot be read is dropped, and the learner starts afresh).
    pub fn new(config: &GptConfig) -> Self {
        let quizzes = quizzes(config);
        let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        let restored = stored.as_deref().and_then(|text| decode_progress(text, quizzes.len()));
        let unreadable = stored.is_some() && restored.is_none();
        if unreadable && let Some(s) = storage() {
            let _ = s.remove_item(STORAGE_KEY);
        }
        let answered = RwSignal::new(restored.unwrap_or_else(|| vec![false; quizzes.len()]));
        Self { quizzes: StoredValue::new(quizzes), answered, unreadable }
    }

    /// Marks quiz `index` answered and stores the progress.
    fn answer(&self, index: usize) {
        self.answered.update(|a| a[index] = true);
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, &self.answered.with_untracked(|a| encode_progress(a)));
        }
    }

    /// A short message when stored progress could not be read.
    pub fn notice(&self) -> Option<&'static str> {
        self.unreadable.then_some("Progress saved in this browser could not be read, so the questions start afresh.")
    }

    /// "answered / asked".
    pub fn readout(&self) -> String {
        self.answered.with(|a| progress(a.iter().filter(|x| **x).count(), a.len()))
    }

    /// Whether every quiz is answered.
    pub fn is_complete(&self) -> bool {
        self.answered.with(|a| a.iter().all(|x| *x))
    }

    /// How many quizzes the page asks.
    pub fn len(&self) -> usize {
        self.quizzes.with_value(Vec::len)
    }

    /// Whether the page asks no quiz (never).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether quiz `index` is answered.
    pub fn is_answered(&self, index: usize) -> bool {
        self.answered.with(|a| a.get(index).copied().unwrap_or(false))
    }
}

/// One inline quiz: it asks first, gives a hint after a wrong answer, and offers the answer after two.
#[component]
pub fn QuizView(
    /// The page's progress.
    progress: Progress,
    /// Which quiz.
    index: usize,
) -> impl IntoView {
    let quiz = StoredValue::new(progress.quizzes.with_value(|q| q[index].clone()));
    let typed = RwSignal::new(String::new());
    let attempts = RwSignal::new(Attempts::default());
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let verdict = quiz.with_value(|q| attempts.try_update(|a| a.submit(q, &typed.get_untracked())));
        if verdict == Some(Verdict::Right) {
            progress.answer(index);
        }
    };
    let input_id = format!("quiz-{index}");
    let title_id = format!("quiz-{index}-title");
    let labelled_by = title_id.clone();
    let label_for = input_id.clone();
    let (title, question) = quiz.with_value(|q| (q.title, q.question.clone()));
    view! {
        <aside class="quiz" aria-labelledby=labelled_by>
            <h3 id=title_id>{title}{move || progress.is_answered(index).then_some(" ✓")}</h3>
            <form on:submit=check>
                <label for=label_for>{question}</label>
                <div class="answer">
                    <input id=input_id type="text" inputmode="decimal" autocomplete="off"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
                    <button type="submit">"Check"</button>
                    {move || attempts.with(Attempts::can_show).then(|| view! {
                        <button type="button" class="show-answer" on:click=move |_| attempts.update(Attempts::show_answer)>
                            "Show the answer"
                        </button>
                    })}
                </div>
            </form>
            <p class="feedback" aria-live="polite" data-testid=format!("quiz-{index}-feedback")>
                {move || quiz.with_value(|q| attempts.with(|a| a.feedback(q)))}
            </p>
        </aside>
    }
}

/// The page's progress: questions answered of those asked, and a note when stored progress was dropped.
#[component]
pub fn ProgressView(
    /// The page's progress.
    progress: Progress,
) -> impl IntoView {
    view! {
        <p class="progress">
            "Questions answered: "<span data-testid="progress">{move || progress.readout()}</span>
            <span class="complete" data-testid="complete">
                {move || progress.is_complete().then_some(" · Lesson complete: every question answered.")}
            </span>
        </p>
        <p class="notice" role="status" data-testid="progress-notice">{progress.notice()}</p>
    }
}

/// Greedy against sampling on the trained transformer, both run on through its window: computed in the
/// background when the learner asks, since the runs take several hundred steps of the model.
#[component]
pub fn GreedyView(
    /// The models, in the background.
    models: Models,
    /// How many symbols the transformer reads.
    window: usize,
) -> impl IntoView {
    let demo = RwSignal::new(None::<Result<protocol::demos::greedy::GreedyDemo, String>>);
    let asked = Latest::new();
    let run = move |_| {
        asked.ask(models, Request::Greedy, move |reply| {
            demo.set(Some(match reply {
                Reply::Greedy(d) => Ok(d),
                Reply::Failed(why) => Err(why),
                other => Err(format!("unexpected answer {other:?}")),
            }));
        });
    };
    let status = move || asked.is_waiting().then(|| models.awaiting(Request::Greedy.needs()));
    view! {
        <figure class="widget greedy">
            <p class="try">
                "Try: run both, then find the two highlighted stretches and compare them symbol by symbol. "
                "Notice: the second is where the first lap started; after it, greedy can only write the lap again."
            </p>
            <div class="controls">
                <button type="button" on:click=run>"Run greedy and sampling"</button>
                <span data-testid="greedy-status" aria-live="polite">{status}</span>
            </div>
            {move || match demo.get() {
                None => view! { <p class="empty">"Press the button: the page runs the transformer live, in the background."</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(demo)) => {
                    let [before, lap, again] = greedy_parts(&demo);
                    view! {
                        <p><strong>"Greedy"</strong>" from "<code>"·"</code>", never reset: "
                            <code class="run" data-testid="greedy-run">{before}<mark class="cycle">{lap}</mark><mark class="again">{again}</mark></code></p>
                        <p data-testid="greedy-cycle">{greedy_summary(&demo)}</p>
                        <p><strong>"Sampling"</strong>" (τ = 1, seed "{SEED.to_string()}") from the same start, as many symbols: "
                            <code class="run" data-testid="sampled-run">{sampled_text(&demo)}</code></p>
                        <p data-testid="sampled-cycle">{sampled_summary(&demo)}</p>
                    }.into_any()
                }
            }}
            <figcaption>
                "Both runs come from the trained transformer, computed live in your browser when you press the "
                "button. Neither starts afresh after a ·: the context runs on across the ends of names, and the "
                "model reads its last "{window}" symbols, as it would in any long generation. It was trained on "
                "one name at a time, so a window that spans a · is new to it and its names grow strange there; "
                "what matters is only that greedy's choice is a fixed function of the window. Highlighted: one "
                "lap of greedy's cycle, then the window that closes it, the same symbols the lap began with."
            </figcaption>
        </figure>
    }
}
