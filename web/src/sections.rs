//! The page's sections, in order: one list of anchors and titles drives the headings, the table of
//! contents and the end-to-end tests, and each section is its own component.

use leptos::prelude::*;

use crate::island::island;
use crate::lesson::{Code, Formula, NEWER, TEMPERATURE_FORMULA, TOP_K_FORMULA, TOP_P_FORMULA};
use crate::parts::Parts;

/// Every section's anchor and title, in the order of the page.
pub const SECTIONS: [(&str, &str); 13] = [
    ("loop", "The same forward pass, no loss"),
    ("greedy", "Greedy: why deterministic decoding loops"),
    ("temperature", "Temperature: divide before softmax"),
    ("top-k", "Top-k: cut the tail by rank"),
    ("top-p", "Top-p, the nucleus: cut the tail by mass"),
    ("order", "The order of the pipeline"),
    ("engines", "Why engines disagree: the order of the stages"),
    ("beyond", "Beyond temperature, top-k and top-p"),
    ("beam", "Why not beam search"),
    ("kv", "The KV cache"),
    ("speculative", "Fewer steps of the big model"),
    ("control", "Prompt, sampler, seed: the whole control surface"),
    ("summary", "Summary"),
];

/// The title of section `id` in [`SECTIONS`].
pub fn title(id: &str) -> &'static str {
    SECTIONS.iter().find(|(i, _)| *i == id).map_or("", |(_, t)| *t)
}

/// A section: its heading, from [`SECTIONS`], then its content.
fn section(id: &'static str, content: impl IntoView + 'static) -> impl IntoView {
    let (heading, labelled_by) = (format!("{id}-title"), format!("{id}-title"));
    view! {
        <section id=id aria-labelledby=labelled_by>
            <h2 id=heading>{title(id)}</h2>
            {content}
        </section>
    }
}

/// Every section, in order.
#[component]
pub fn Sections(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    view! {
        <LoopSection parts=parts.clone() />
        <GreedySection parts=parts.clone() />
        <TemperatureSection parts=parts.clone() />
        <TopKSection parts=parts.clone() />
        <TopPSection parts=parts.clone() />
        <OrderSection parts=parts.clone() />
        <EnginesSection parts=parts.clone() />
        <BeyondSection parts=parts.clone() />
        <BeamSection parts=parts.clone() />
        <KvSection parts=parts.clone() />
        <SpeculativeSection parts=parts.clone() />
        <ControlSection parts />
        <SummarySection />
    }
}

/// The loop: the same forward pass as training, run one token at a time.
#[component]
fn LoopSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "loop",
        view! {
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
        {island("loop", &parts)}
        <p>
            "The same four steps run on text. The second model below was trained by this project on "
            "Shakespeare's works; its tokens are word pieces, from a vocabulary of "
            {parts.opening().map(|o| crate::state::kv::group_thousands(o.text.config.vocab as u64)).unwrap_or_default()}
            ", and it reads at most "{parts.opening().map(|o| o.text.config.context).unwrap_or_default()}" of them. "
            "Unlike the recording above, every step here runs live when you ask for it."
        </p>
        {island("loop-text", &parts)}
        <p>"In Rust, with this project's sampling core (the code runs as a test):"</p>
        <Code markdown=include_str!("../snippets/loop.md") />
        },
    )
}

/// Greedy decoding, and the cycle it must fall into.
#[component]
fn GreedySection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "greedy",
        view! {
        <p>
            "The simplest way to pick is to take the largest logit every time: argmax, or greedy decoding. "
            "It has no randomness: the next token is a fixed function of what the model reads. A "
            "transformer reads a bounded window (this page's reads its last "{parts.config.context}" symbols), "
            "and there are only finitely many windows. So a long enough greedy run must at some point read a window it "
            "has read before, and from there it writes exactly what it wrote after that window the first "
            "time, and so on forever: a cycle. Below, the trained transformer runs greedily without ever "
            "resetting its context, and the page finds the first window it reads twice."
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
        {island("greedy", &parts)}
        <p>
            "A model of names reads only a few symbols, so its cycle is easy to prove and slow to arrive. Text is "
            "where the claim matters. The model below was trained by this project on Shakespeare's works: it reads "
            "word pieces (whole common words, parts of rare ones) and a window of "{parts.opening().map(|o| o.text.config.context).unwrap_or_default()}" of them. "
            "Within one window's worth of writing, a window that long cannot come back whole, so the argument "
            "above guarantees no cycle here. Below, the page tests the claim on this model instead: whether greedy "
            "falls into an exact loop before its window is full, and how often its phrases come back."
        </p>
        {island("greedy-text", &parts)}
        {island("quiz-0", &parts)}
        },
    )
}

/// Temperature: the formula, two quizzes, the worked example and the bars.
#[component]
fn TemperatureSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "temperature",
        view! {
        <p>
            "Temperature is one division. Every logit is divided by τ, and softmax runs as usual:"
        </p>
        <Formula mathml=TEMPERATURE_FORMULA />
        <ul>
            <li>"τ = 1 leaves the model's distribution as it is."</li>
            <li>"τ below 1 stretches the gaps between logits; as τ approaches 0 the largest logit takes all the mass, which is greedy."</li>
            <li>"τ above 1 shrinks the gaps; as τ grows, every token approaches the same probability, 1/|V|."</li>
        </ul>
        <p>"Work two cases out before the example below shows them:"</p>
        {island("quiz-1", &parts)}
        {island("quiz-2", &parts)}
        {island("worked-example", &parts)}
        <p>
            "The same division works on any logits. Below it acts on a real model: a character bigram fit to "
            "US census names, which gives the probability of each next symbol given only the current one. "
            "Switch to the transformer and type the start of a name to drag the same sliders over its "
            "distribution of the next symbol, which reads the whole prefix. Because dividing by a positive τ never reorders the logits, the most likely symbol stays the "
            "most likely at every temperature; only its lead changes."
        </p>
        {island("bars", &parts)}
        },
    )
}

/// Top-k: the formula and what k does.
#[component]
fn TopKSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    let vocab = parts.opening().map(|o| o.text.config.vocab).unwrap_or_default();
    let rest = vocab.saturating_sub(crate::state::text_bars::TOP_BARS);
    let group = |n: usize| crate::state::kv::group_thousands(n as u64);
    section(
        "top-k",
        view! {
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
        <p>
            "Twenty-seven symbols have no long tail to speak of. A vocabulary of word pieces has one: below, "
            "the Shakespeare model's distribution of the token after a prompt, its "{crate::state::text_bars::TOP_BARS}
            " most likely tokens each as a bar and the other "{group(rest)}" together as one. Temperature, top-k "
            "and top-p act on all "{group(vocab)}"; the last bar shows how much of the tail they leave."
        </p>
        {island("bars-text", &parts)}
        },
    )
}

/// Top-p: the formula, a quiz, and the nucleus widget.
#[component]
fn TopPSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "top-p",
        view! {
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
        <p>"Common settings are p = 0.9 or 0.95. Count one nucleus by hand before the widget does it for you:"</p>
        {island("quiz-3", &parts)}
        {island("nucleus", &parts)}
        },
    )
}

/// The order of the stages, the textbook code beside the core, and the stage view.
#[component]
fn OrderSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "order",
        view! {
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
            "choices."
        </p>
        <p>
            "The whole mechanism fits in a short function: sort, keep k, softmax, walk the running sum "
            "to p keeping the token that reaches it, renormalize, draw once. First that textbook version, "
            "then the same pipeline through this page's core, one stage per line. The textbook version "
            "ends by checking that the core's one-call distribution is the same; both listings run as "
            "tests of the core."
        </p>
        <div class="code-pair">
            <Code markdown=include_str!("../snippets/textbook.md") />
            <Code markdown=include_str!("../snippets/pipeline.md") />
        </div>
        <p>"And the bigram row after each stage:"</p>
        {island("stages", &parts)}
        },
    )
}

/// Why engines disagree: the same stages in another order, on the worked example and on the model.
#[component]
fn EnginesSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "engines",
        view! {
            <p>
                "The question users of sampling tools ask most is why the same settings give different text "
                "in different programs. One reason is the order of the stages. The engines apply the same "
                "edits, but Hugging Face transformers and vLLM divide by τ before they truncate, while "
                "llama.cpp's default chain truncates first and applies temperature last. Temperature first "
                "changes which tokens top-p and min-p keep; temperature last only reshapes the ones they kept."
            </p>
            <p>"Work the worked example through llama.cpp's order before the lab shows it:"</p>
            {island("quiz-5", &parts)}
            {island("order-lab", &parts)}
            <p>
                "The order is not the only difference. Engines break ties in top-k differently, some measure "
                "top-p's mass before renormalizing what top-k left, and each has its own random number "
                "generator, so the same seed gives different draws in different programs even where the "
                "distributions agree."
            </p>
        },
    )
}

/// The newer stages: min-p, top-n-σ, typical sampling and the penalties, each with its formula and a
/// live control on the transformer.
#[component]
fn BeyondSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "beyond",
        view! {
            <p>
                "Engines offer more stages than the three above. Each is one more edit of the logits, so each "
                "can be added to the builder under the bars, in any place of the order. Below, each acts alone "
                "on the transformer's distribution after ·ma (computed by the transformer when the page was "
                "built); the stage itself runs live as you move its slider: watch what it keeps."
            </p>
            {NEWER
                .iter()
                .map(|n| view! {
                    <h3>{n.title}</h3>
                    <p>{n.prose}</p>
                    <Formula mathml=n.formula />
                    {island(n.kind.name(), &parts)}
                })
                .collect_view()}
        },
    )
}

/// The decoding methods compared on the Shakespeare model (precomputed), and what the table shows.
fn text_decoding(
    table: &protocol::decoding::TextDecodingTable,
    parameters: usize,
    window: usize,
) -> impl IntoView + use<> {
    let said = crate::state::beam::text_table_summary(table, parameters);
    let caption = format!(
        "Decoding methods on the Shakespeare model, precomputed by a task (cargo xtask decoding-table) and \
         checked by a test: {}-token continuations of {} lines of the held-out plays, the sampled methods from \
         seed {}, beside the plays' own next {} tokens; past the window of {window} each step reads the last {window}",
        table.length, table.prompts, table.seed, table.length
    );
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="scores methods" data-testid="text-decoding-table">
                <caption>{caption}</caption>
                <thead><tr>
                    <th scope="col">"method"</th>
                    <th scope="col">"log-likelihood per token"</th>
                    <th scope="col">"per character"</th>
                    <th scope="col">"repeated 4-grams within one continuation"</th>
                    <th scope="col">"distinct-2 across them"</th>
                </tr></thead>
                <tbody>
                    {crate::state::beam::text_rows(table).into_iter().map(|[m, t, c, r, d]| view! {
                        <tr><th scope="row">{m}</th><td>{t}</td><td>{c}</td><td>{r}</td><td>{d}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p data-testid="text-decoding-summary">{said}</p>
    }
}

/// Beam search: length bias, why not for open-ended text, and the comparison.
#[component]
fn BeamSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "beam",
        view! {
        <p>
            "Beam search keeps the B most likely partial sequences, extends each by every token, and prunes "
            "back to the B best by joint probability. For translation, where the source leaves little "
            "freedom and the likeliest output is usually the right one, it is the standard."
        </p>
        <p>
            "Ranked by the sum of log-probabilities, it is biased toward short outputs: every extra "
            "symbol multiplies in one more probability below 1, so it can only lower the score. Among "
            "names of similar quality the shorter one wins. Translation systems correct for this by "
            "dividing the score by a power α of the length: Google's translation system (Wu et al. 2016) "
            "by ((5 + length)/6)ᵅ, Hugging Face's beam search by lengthᵅ, the form the widgets below use."
        </p>
        {island("beam-argument", &parts)}
        {island("beam", &parts)}
        <p>
            "Names are short. On text, the same search continues your prompt to the end of the line with the "
            "Shakespeare model. A line can end early, as a name does, so the "
            "length bias shows again, and with more beams and a long line the search finds phrases that "
            "repeat."
        </p>
        {island("beam-text", &parts)}
        {parts.opening().ok().map(|o| text_decoding(&o.text_decoding, o.text.parameters, o.text.config.context))}
        },
    )
}

/// The KV cache: the step-through, the cost of a step, and the totals.
#[component]
fn KvSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    let (shipped, gpt2) = &parts.costs;
    section(
        "kv",
        view! {
        <p>
            "Every step of generation runs the model on the whole context. Without care, step t runs all t "
            "tokens through every layer again, although, with attention that only looks back, nothing "
            "computed for the first t − 1 has changed since the step before. The cache keeps every key "
            "and value once computed; each step then runs only the new token and attends from it over the "
            "cache. The output is the same and the work smaller. (Keys and values are what attention compares against and averages: each token "
            "contributes one of each per layer and head.)"
        </p>
        {island("kv", &parts)}
        <p>
            "Where does a cached step's work go? The breakdown above splits it. The projections, the MLP "
            "and the output head act on the new token alone: the same work at every step, however long "
            "the context. Attention compares the new query with every cached key and averages the cached "
            "values: work in proportion to t, the number of tokens in the context. In this model, "
            {shipped.sentence()}". In the shape of GPT-2 small (width 768, 12 layers, 50,257 tokens), "
            "counted by the same code, "{gpt2.sentence()}". Counted exactly, the crossover is the first t at or "
            "past 6 × width + vocabulary ÷ (2 × layers), so attention dominates a cached step only in contexts far "
            "longer than either window."
        </p>
        {island("quiz-4", &parts)}
        <p>
            "Summed over a generation of T tokens: with the cache, the fixed part is paid T times and "
            "attention 1 + 2 + … + T times a small amount, so the total is linear in T plus a quadratic "
            "term with a small coefficient. Without the cache, step t recomputes all t rows: the fixed "
            "part alone sums to about T²/2 rows' worth, and attention, which then relates every pair of "
            "rows at every step, grows as T³. Training needs no cache: it processes all positions at "
            "once in one pass, so there is no past to keep."
        </p>
        <p>
            "The names model's window is short, so attention stays a sliver of its steps. The Shakespeare "
            "model reads up to "{parts.opening().map(|o| o.text.config.context).unwrap_or_default()}" word "
            "pieces: there, counted by the same code, "
            {parts.opening().map(|o| crate::state::kv::CostModel::of(&o.text.config).sentence()).unwrap_or_default()}
            ". Below, a run from your prompt to a full window, step by step, with what the cache holds in bytes."
        </p>
        {island("kv-text", &parts)}
        {parts.opening().ok().map(|o| view! { <crate::widgets::text_kv::TextKvWork config=o.text.config.clone() /> })}
        <p data-testid="kv-memory-sentence">
            {parts.opening().map(|o| crate::state::kv::memory_sentence(&o.text.config)).unwrap_or_default()}
        </p>
        },
    )
}

/// Speculative sampling: a draft guesses, the big model checks in one pass, the text stays the big
/// model's.
#[component]
fn SpeculativeSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "speculative",
        view! {
        <p>
            "The cache makes each step of the big model cheaper. Speculative sampling (Leviathan et al. and Chen "
            "et al., 2023) makes fewer of them. A small, fast draft model guesses the next γ tokens one at a time; "
            "the big model, the target, then reads all γ guesses in one pass, which gives its distribution p at "
            "every guessed position at once, and one position more. On a GPU, at the small batches of serving a "
            "few users, a pass over a few positions costs about as much as a pass over one, because such a "
            "step is limited by reading the model's weights, not by arithmetic; so each guess the target keeps "
            "saves one of its steps, at the price of the draft's own steps (Leviathan et al. give the expected "
            "speedup with both costs in it). The drafts used today are a smaller model of the same family, a "
            "light head reading the target's own features (EAGLE), extra heads on the target (Medusa), or "
            "heads trained with the model to predict several tokens at once (multi-token prediction)."
        </p>
        <p>
            "Which guesses to keep? Write q for the draft's distribution. A guess x is kept with probability "
            "min(1, p(x)/q(x)): always when the target likes x at least as much as the draft did, and less "
            "often the more the draft over-proposes it. At the first rejected guess the round ends with a token "
            "drawn from the residual max(0, p − q), normalized: the mass the draft gave too little. When every "
            "guess is kept, one more token comes from the target's p. Kept or replaced, each token is then "
            "distributed exactly as p: a guess comes out with probability q(x) · min(1, p(x)/q(x)) = min(p(x), "
            "q(x)), and the residual supplies the rest: a guess is rejected with probability 1 − Σ min(p, q), "
            "which equals Σ max(0, p − q), the very sum that normalizes the residual, so x comes from it with "
            "probability max(0, p(x) − q(x)) = p(x) − min(p(x), q(x)). A poor draft only makes it slower, "
            "never wrong."
        </p>
        {island("quiz-6", &parts)}
        <p>
            "Here the bigram drafts and the transformer checks. Both use the same sampler settings, so what is "
            "preserved is the text plain sampling with those settings from the transformer would give: its "
            "distribution, not its exact tokens (the two methods read the random numbers differently)."
        </p>
        {island("speculative", &parts)}
        <p>
            "How much it saves depends on how often the target agrees with the draft: the passes per token fall "
            "as the guesses kept rise, and a larger γ helps only while guesses late in a round still survive. "
            "Served models pair a large target with a much smaller model of the same family as the draft, or "
            "draft from n-grams of the prompt; inference servers such as vLLM and llama.cpp offer it."
        </p>
        },
    )
}

/// Prompt, sampler and seed.
#[component]
fn ControlSection(
    /// What the page loaded.
    parts: Parts,
) -> impl IntoView {
    section(
        "control",
        view! {
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
        {island("control", &parts)}
        },
    )
}

/// What the page showed, in one paragraph.
#[component]
fn SummarySection() -> impl IntoView {
    section(
        "summary",
        view! {
        <p>
            "A model turns a context into logits; the sampler turns logits into one token: temperature, then "
            "top-k, then top-p, then a single draw; other engines order the same stages differently and "
            "add more, and the order alone changes the result. Greedy choice falls into a cycle, beam search finds "
            "likelier text than people write and only one of it, sampling keeps text varied, and the KV "
            "cache spares each step from redoing the past. The distributions themselves came "
            "from training on data; everything on this page only decides how to read them."
        </p>
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_has_a_unique_anchor_and_a_title() {
        let ids: std::collections::HashSet<_> = SECTIONS.iter().map(|(id, _)| id).collect();
        assert_eq!(ids.len(), SECTIONS.len());
        assert_eq!(title("kv"), "The KV cache");
        assert_eq!(title("nowhere"), "");
        // The source lesson's order.
        let order: Vec<&str> = SECTIONS.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            order,
            [
                "loop",
                "greedy",
                "temperature",
                "top-k",
                "top-p",
                "order",
                "engines",
                "beyond",
                "beam",
                "kv",
                "speculative",
                "control",
                "summary"
            ]
        );
    }
}
