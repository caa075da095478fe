//! The lesson page "How distributions become text".
//!
//! Components render state; the state and every number on the page live in plain structs in
//! [`state`], tested natively. No arithmetic happens inside `view!`.

pub mod lesson;
mod perf;
pub mod state;
pub mod widgets;

use std::rc::Rc;

use leptos::prelude::*;
use model::{Bigram, Gpt, GptCard, GptConfig, ModelError, device};

use crate::lesson::{Code, Formula, GreedyView, Progress, QuizView, TEMPERATURE_FORMULA, TOP_K_FORMULA, TOP_P_FORMULA};
use crate::state::bars::{BigramBars, interesting_context};
use crate::state::greedy::GreedyDemo;
use crate::state::kv::{CostModel, KvDemo};

/// The sections, their anchors and titles, in the order of the page.
const SECTIONS: [(&str, &str); 10] = [
    ("loop", "The same forward pass, no loss"),
    ("greedy", "Greedy: why deterministic decoding loops"),
    ("temperature", "Temperature: divide before softmax"),
    ("top-k", "Top-k: cut the tail by rank"),
    ("top-p", "Top-p, the nucleus: cut the tail by mass"),
    ("order", "The order of the pipeline"),
    ("beam", "Why not beam search"),
    ("kv", "The KV cache"),
    ("control", "Prompt, sampler, seed: the whole control surface"),
    ("summary", "Summary"),
];

/// Everything the page computes from the shipped models when it starts.
struct Loaded {
    bars: RwSignal<BigramBars>,
    gpt: Rc<Gpt>,
    card: GptCard,
    kv: RwSignal<KvDemo>,
    greedy: GreedyDemo,
    steps: Vec<crate::state::steps::LoopStep>,
}

fn load() -> Result<Loaded, ModelError> {
    let table = Bigram::shipped(&device())?.table()?;
    let context = interesting_context(&table);
    let card = GptCard::shipped()?;
    let gpt = Gpt::shipped(&device())?;
    let kv = KvDemo::record(&gpt, card.config.clone())?;
    let greedy = GreedyDemo::run(&gpt)?;
    let steps = crate::state::steps::record(&gpt)?;
    Ok(Loaded {
        steps,
        bars: RwSignal::new(BigramBars::new(table, context)),
        gpt: Rc::new(gpt),
        card,
        kv: RwSignal::new(kv),
        greedy,
    })
}

/// A clear message in place of a part of the page that could not be built.
fn failed(what: &str, error: &ModelError) -> AnyView {
    view! { <p class="error" role="alert">{format!("{what} could not be loaded: {error}")}</p> }.into_any()
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let loaded = load();
    let config = loaded.as_ref().map(|l| l.card.config.clone()).unwrap_or_else(|_| GptConfig::new());
    let progress = Progress::new(&config);
    let (shipped, gpt2) = (CostModel::of(&config), CostModel::of(&GptConfig::gpt2_small()));
    let beam_argument = match (&loaded, crate::state::beam::shipped_table()) {
        (Ok(l), Ok(table)) => crate::state::beam::why_not_beam(&table, l.card.validation_loss),
        _ => String::new(),
    };
    let (bars, kv, greedy, gpt) = match &loaded {
        Ok(l) => (Ok(l.bars), Ok(l.kv), Ok(l.greedy.clone()), Ok(Rc::clone(&l.gpt))),
        Err(e) => (Err(e.clone()), Err(e.clone()), Err(e.clone()), Err(e.clone())),
    };
    let loop_steps = loaded.as_ref().map(|l| l.steps.clone()).map_err(Clone::clone);
    // The reading time, counted from the page's own words once it has rendered.
    let reading = RwSignal::new(None::<usize>);
    request_animation_frame(move || {
        let words = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("main").ok().flatten())
            .and_then(|m| m.text_content())
            .map_or(0, |t| t.split_whitespace().count());
        reading.set(Some(crate::state::quiz::reading_minutes(words)));
    });
    let with_gpt = |f: &dyn Fn(Rc<Gpt>) -> AnyView| match &gpt {
        Ok(model) => f(Rc::clone(model)),
        Err(e) => failed("The transformer", e),
    };
    let with_bars = move |f: fn(RwSignal<BigramBars>) -> AnyView| match &bars {
        Ok(b) => f(*b),
        Err(e) => failed("The bigram", e),
    };

    view! {
        <main class="lesson">
            <header>
                <p class="kicker">"Tokenization, training and sampling"</p>
                <h1>"How distributions become text"</h1>
                <p class="lede">
                    "A language model does not write. For every token it knows it hands back a score, a logit, and "
                    "a small separate procedure turns those scores into one choice. Repeat the choice and text "
                    "appears. This page is about that procedure: greedy choice and why it loops, temperature, "
                    "top-k and top-p as edits of the logits in a fixed order, why beam search is left out, and the "
                    "key/value cache, which spares every step from recomputing the past."
                </p>
                <p class="meta">
                    <span data-testid="reading-time">{move || reading.get().map(|m| format!("About {m} min read"))}</span>
                </p>
                <nav aria-label="On this page" class="toc">
                    <ol>
                        {SECTIONS
                            .iter()
                            .map(|(id, title)| view! { <li><a href=format!("#{id}")>{*title}</a></li> })
                            .collect_view()}
                    </ol>
                </nav>
                <p class="progress">
                    "Questions answered: "<span data-testid="progress">{move || progress.readout()}</span>
                    <span class="complete" data-testid="complete">
                        {move || progress.is_complete().then_some(" · Lesson complete: every question answered.")}
                    </span>
                </p>
                <p class="notice" role="status" data-testid="progress-notice">{progress.notice()}</p>
            </header>

            <section id="loop" aria-labelledby="loop-title">
                <h2 id="loop-title">"The same forward pass, no loss"</h2>
                <p>
                    "Training and generation run the very same forward pass. Training compares its logits with the "
                    "true next tokens, takes a loss, and steps the weights. Generation keeps no loss and changes no "
                    "weight: it reads only the logits of the last position, turns them into one token, appends "
                    "that token to the context, and runs the model again. It stops at a length limit or when it "
                    "draws a stop symbol (here · ends a name). The recorded run below is not stopped at the end "
                    "of a name, so that you can watch the loop pass a · and start the next name."
                </p>
                <ol class="steps">
                    <li>"Crop the context to the model's window."</li>
                    <li>"Run the model; keep the last position's logits."</li>
                    <li>"Pick one token from them (the subject of this page)."</li>
                    <li>"Append it, and repeat."</li>
                </ol>
                <p>"Here is that loop on this page's trained transformer, one step at a time:"</p>
                {match loop_steps {
                    Ok(steps) => view! { <widgets::steps::LoopView steps /> }.into_any(),
                    Err(e) => failed("The transformer", &e),
                }}
                <p>"In Rust, with this project's sampling core (the code runs as a test):"</p>
                <Code markdown=include_str!("../snippets/loop.md") />
            </section>

            <section id="greedy" aria-labelledby="greedy-title">
                <h2 id="greedy-title">"Greedy: why deterministic decoding loops"</h2>
                <p>
                    "The simplest way to pick is to take the largest logit every time: argmax, or greedy decoding. "
                    "It has no randomness: the next token is a fixed function of what the model reads. A "
                    "transformer reads a bounded window (this page's reads its last "{config.context}" symbols), "
                    "and there are only finitely many windows. So a long enough greedy run must at some point read a window it "
                    "has read before, and from there it writes exactly what it wrote after that window the first "
                    "time, and so on forever: a cycle. Below, the trained transformer is run greedily without "
                    "ever resetting its context, and the page finds the first window it reads twice."
                </p>
                <p>
                    "Large models read thousands of tokens, so an exact repeat of their whole window is far off, "
                    "yet greedy decoding still leads them into repeating phrases. Holtzman and colleagues (2020) "
                    "observed that the most likely continuation is rarely a good one for open-ended text, and "
                    "that in large models repetition feeds itself: each time a phrase "
                    "repeats, the model gives repeating it once more a higher probability. Translation suffers "
                    "less, since the source sentence pins the output down; open-ended writing, where variety is "
                    "the point, suffers most."
                </p>
                {match greedy {
                    Ok(demo) => view! { <GreedyView demo /> }.into_any(),
                    Err(e) => failed("The transformer", &e),
                }}
                <QuizView progress index=0 />
            </section>

            <section id="temperature" aria-labelledby="temperature-title">
                <h2 id="temperature-title">"Temperature: divide before softmax"</h2>
                <p>
                    "Temperature is one division. Every logit is divided by τ, and softmax runs as usual:"
                </p>
                <Formula mathml=TEMPERATURE_FORMULA />
                <ul>
                    <li>"τ = 1 leaves the model's distribution as it is."</li>
                    <li>"τ below 1 stretches the gaps between logits; as τ approaches 0 the largest logit takes all the mass, which is greedy."</li>
                    <li>"τ above 1 shrinks the gaps; as τ grows, every token approaches the same probability, 1/|V|."</li>
                </ul>
                <widgets::temperature::TemperatureExample />
                <p>
                    "The same division works on any logits. Below it acts on a real model: a character bigram fit to "
                    "US census names, which gives the probability of each next symbol given only the current one. "
                    "Because dividing by a positive τ never reorders the logits, the most likely symbol stays the "
                    "most likely at every temperature; only its lead changes."
                </p>
                {with_bars(|bars| view! { <widgets::bars::BigramBarsWidget state=bars /> }.into_any())}
                <QuizView progress index=1 />
                <QuizView progress index=2 />
            </section>

            <section id="top-k" aria-labelledby="top-k-title">
                <h2 id="top-k-title">"Top-k: cut the tail by rank"</h2>
                <p>
                    "Temperature reshapes the whole distribution but keeps every token possible. Over a large "
                    "vocabulary the many unlikely tokens add up: each is rare, together they are drawn often enough "
                    "to derail a sentence. Top-k keeps only the k largest logits, sets the rest to −∞ (probability "
                    "0 after softmax) and renormalizes:"
                </p>
                <Formula mathml=TOP_K_FORMULA />
                <p>
                    "k = 1 is greedy; k = |V| changes nothing. Deployed models often use k between 40 and 200. Slide "
                    "top-k in the bars above and watch the short bars vanish."
                </p>
            </section>

            <section id="top-p" aria-labelledby="top-p-title">
                <h2 id="top-p-title">"Top-p, the nucleus: cut the tail by mass"</h2>
                <p>
                    "A fixed k ignores how sure the model is. When one token holds nearly all the mass, k = 50 still "
                    "lets 49 poor ones in; when the mass is spread over many, k = 10 throws good ones away. Top-p "
                    "sorts the tokens from most to least likely and keeps the shortest run whose mass reaches p:"
                </p>
                <Formula mathml=TOP_P_FORMULA />
                <p>
                    "Here q is the distribution top-p is given (after temperature and top-k) and p the threshold. "
                    "The first n* tokens are kept and renormalized; the size of the kept set follows the model's "
                    "confidence."
                </p>
                {with_bars(|bars| view! { <widgets::nucleus::NucleusView bars /> }.into_any())}
                <p>"Common settings are p = 0.9 or 0.95."</p>
                <QuizView progress index=3 />
            </section>

            <section id="order" aria-labelledby="order-title">
                <h2 id="order-title">"The order of the pipeline"</h2>
                <ol class="steps">
                    <li><strong>"Temperature"</strong>" reshapes the whole distribution."</li>
                    <li><strong>"Top-k"</strong>" masks all but the k largest logits."</li>
                    <li><strong>"Top-p"</strong>" masks, among the survivors, everything past the nucleus of their renormalized mass."</li>
                    <li><strong>"Sample"</strong>": one softmax over what is left, one categorical draw."</li>
                </ol>
                <p>
                    "Every step is an edit of the same vector of logits, and none needs to know about the others: "
                    "temperature rescales every logit, and the two truncations only write −∞ into the ones they "
                    "cut. "
                    "Libraries differ in the details (which ties top-k keeps, whether temperature comes first, "
                    "whether top-p measures mass before or after renormalizing); this page's core documents its "
                    "choices. The same pipeline in Rust, and the bigram row after each stage:"
                </p>
                <Code markdown=include_str!("../snippets/pipeline.md") />
                {with_bars(|bars| view! { <widgets::stages::StageView state=bars /> }.into_any())}
            </section>

            <section id="beam" aria-labelledby="beam-title">
                <h2 id="beam-title">"Why not beam search"</h2>
                <p>
                    "Beam search keeps the B most likely partial sequences, extends each by every token, and prunes "
                    "back to the B best by joint probability. For translation, where the source leaves little "
                    "freedom and the likeliest output is usually the right one, it is the standard."
                </p>
                <p>
                    "Ranked by the sum of log-probabilities, it is biased toward short outputs: every extra "
                    "symbol multiplies in one more probability below 1, so it can only lower the score. Among "
                    "names of similar quality the shorter one wins. Translation systems correct for this by "
                    "dividing the score by the length raised to a power α (Wu et al. 2016); the widget below "
                    "has that knob."
                </p>
                <p>{beam_argument}</p>
                {with_gpt(&|model| view! { <widgets::beam::BeamView model /> }.into_any())}
            </section>

            <section id="kv" aria-labelledby="kv-title">
                <h2 id="kv-title">"The KV cache"</h2>
                <p>
                    "Every step of generation runs the model on the whole context. Without care, step t runs all t "
                    "tokens through every layer again, although, with attention that only looks back, nothing "
                    "computed for the first t − 1 has changed since the step before. The cache keeps every key "
                    "and value once computed; each step then runs only the new token and attends from it over the "
                    "cache. The output is the same and the work smaller. (Keys and values are what attention compares against and averages: each token "
                    "contributes one of each per layer and head.)"
                </p>
                {match kv {
                    Ok(demo) => with_gpt(&move |model| view! { <widgets::kv::KvCacheWidget model demo /> }.into_any()),
                    Err(e) => failed("The transformer", &e),
                }}
                <p>
                    "Where does a cached step's work go? The breakdown above splits it. The projections, the MLP "
                    "and the output head act on the new token alone: the same work at every step, however long "
                    "the context. Attention compares the new query with every cached key and averages the cached "
                    "values: work in proportion to t, the number of tokens in the context. In this model, "
                    {shipped.sentence()}". In the shape of GPT-2 small (width 768, 12 layers, 50,257 tokens), "
                    "counted by the same code, "{gpt2.sentence()}". The crossover sits near 6 × width tokens "
                    "for shapes like these, so attention dominates a cached step only in contexts far longer "
                    "than either window."
                </p>
                <p>
                    "Summed over a generation of T tokens: with the cache, the fixed part is paid T times and "
                    "attention 1 + 2 + … + T times a small amount, so the total is linear in T plus a quadratic "
                    "term with a small coefficient. Without the cache, step t recomputes all t rows: the fixed "
                    "part alone sums to about T²/2 rows' worth, and attention, which then relates every pair of "
                    "rows at every step, grows as T³. Training needs no cache: it processes all positions at "
                    "once in one pass, so there is no past to keep."
                </p>
                <QuizView progress index=4 />
            </section>

            <section id="control" aria-labelledby="control-title">
                <h2 id="control-title">"Prompt, sampler, seed: the whole control surface"</h2>
                <p>
                    "Once the weights are fixed, and with the decoding method (sampling, not beam search) and "
                    "the stopping rule (a length limit and the end symbol) fixed too, three things decide the "
                    "output:"
                </p>
                <ol class="steps">
                    <li><strong>"The prompt"</strong>": what the model conditions on."</li>
                    <li><strong>"The sampler"</strong>": τ, k and p."</li>
                    <li><strong>"The seed"</strong>": where the random number generator starts."</li>
                </ol>
                <p>
                    "The same three give the same text, byte for byte; change any one and the same model takes "
                    "another path. The decoder and the stopping rule are knobs too, and so are the penalties some "
                    "engines add; none of them makes the model know more: they only choose differently from the "
                    "distributions it already gives. Try it on the transformer: a prompt is the start of a name, "
                    "in a–z."
                </p>
                <p>
                    "Byte for byte holds here because this page computes on your CPU in a fixed order, and its "
                    "random numbers come from a named generator (ChaCha8) that gives the same stream on every "
                    "machine. Served models on GPUs generally do not promise this: batching other requests "
                    "beside yours changes the order of floating-point sums, and some GPU kernels are not "
                    "deterministic. vLLM, for one, documents what it takes to make its outputs reproducible; "
                    "a seed alone is not enough there."
                </p>
                {with_gpt(&|model| view! { <widgets::control::ControlSurface model /> }.into_any())}
            </section>

            <section id="summary" aria-labelledby="summary-title">
                <h2 id="summary-title">"Summary"</h2>
                <p>
                    "A model turns a context into logits; the sampler turns logits into one token: temperature, then "
                    "top-k, then top-p, then a single draw. Greedy choice falls into a cycle, beam search finds "
                    "likelier text than people write and only one of it, sampling keeps text varied, and the KV "
                    "cache spares each step from redoing the past. The distributions themselves came "
                    "from training on data; everything on this page only decides how to read them."
                </p>
            </section>
        </main>
    }
}
