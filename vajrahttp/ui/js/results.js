// One search result as a card: highlighted title and snippet, metadata chips, the score and,
// for hybrid, where each side ranked it.
import { h } from "./dom.js";
import { highlighted } from "./highlight.js";
import { fmtScore, metadataText } from "./format.js";

const MAX_CHIPS = 8;

// metadataChips returns buttons that add "field = value" to the filter (data-field, data-value
// carry the JSON of the value so that numbers stay numbers).
export function metadataChips(metadata, max = MAX_CHIPS) {
  if (!metadata || typeof metadata !== "object") return [];
  const chips = [];
  for (const [field, value] of Object.entries(metadata)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      const filterable = ["string", "number", "boolean"].includes(typeof v);
      chips.push(
        h(
          filterable ? "button" : "span",
          {
            type: filterable ? "button" : undefined,
            class: "chip meta",
            title: filterable ? `Filter on ${field} = ${metadataText(v)}` : field,
            dataset: filterable ? { field, value: JSON.stringify(v) } : undefined,
          },
          h("span", { class: "chip-key" }, field),
          h("span", { class: "chip-value" }, metadataText(v)),
        ),
      );
    }
  }
  if (chips.length > max) {
    const more = chips.length - max;
    return [...chips.slice(0, max), h("span", { class: "chip more-chips" }, `+${more}`)];
  }
  return chips;
}

// sideBadge names where a side ranked a hybrid hit ("BM25 #3"), or that it did not.
export function sideBadge(kind, side) {
  const label = kind === "lexical" ? "BM25" : "vector";
  if (!side || !side.rank) {
    return h("span", { class: `side ${kind} absent`, title: `not among the ${label} candidates` }, `${label} –`);
  }
  const title = kind === "lexical" ? `BM25 rank ${side.rank}, score ${fmtScore(side.score)}` : `vector rank ${side.rank}, similarity ${fmtScore(side.score)}`;
  return h("span", { class: `side ${kind}`, title }, `${label} #${side.rank}`);
}

// shareBar shows how much of a hybrid score each side brought.
export function shareBar(hit) {
  const l = Math.max(0, hit.lexical?.contribution || 0);
  const v = Math.max(0, hit.vector?.contribution || 0);
  const sum = l + v;
  if (!(sum > 0)) return null;
  const lp = ((100 * l) / sum).toFixed(1);
  return h(
    "span",
    { class: "share", role: "img", "aria-label": `${Math.round((100 * l) / sum)}% of the score from BM25, the rest from the vector side` },
    h("span", { class: "share-lex", style: { width: lp + "%" } }),
    h("span", { class: "share-vec", style: { width: (100 - lp).toFixed(1) + "%" } }),
  );
}

// renderHit builds the card of hit at rank (1-based) for mode.
export function renderHit(hit, rank, mode) {
  const snippet = hit.snippet;
  const title = hit.title || hit.id;
  const titleNode = hit.title ? highlighted(hit.title, snippet?.title_highlights) : document.createTextNode(hit.id);
  const scoreLabel = mode === "vector" ? "similarity" : mode === "lexical" ? "BM25 score" : "fused score";
  const side = h("div", { class: "hit-side" }, h("span", { class: "score", title: scoreLabel }, fmtScore(hit.score)));
  if (mode === "hybrid") {
    side.append(shareBar(hit) || "", h("span", { class: "sides" }, sideBadge("lexical", hit.lexical), sideBadge("vector", hit.vector)));
  }
  side.append(h("button", { type: "button", class: "explain-btn", "aria-label": `Explain result ${rank}: ${title}` }, "Explain"));
  return h(
    "li",
    { class: "hit", tabindex: "-1", dataset: { id: hit.id, rank: String(rank) }, "aria-label": `${rank}. ${title}` },
    h("span", { class: "hit-rank", "aria-hidden": "true" }, String(rank)),
    h(
      "div",
      { class: "hit-main" },
      h("h3", { class: "hit-title" }, titleNode),
      snippet?.text ? h("p", { class: "hit-snippet" }, highlighted(snippet.text, snippet.highlights)) : null,
      h("div", { class: "hit-meta" }, h("span", { class: "chip id-chip", title: "document id" }, hit.id), metadataChips(hit.metadata)),
    ),
    side,
  );
}
