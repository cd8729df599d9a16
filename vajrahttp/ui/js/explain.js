// The explain drawer's content: how a hit's score was made. BM25's per-term contributions,
// the vector similarity, where each side ranked the document and how fusion added them up.
import { h } from "./dom.js";
import { fmtInt, fmtScore } from "./format.js";
import { RRF_K } from "./state.js";

// FIELD_NAMES name the BM25 fields for a server whose explanations do not ("fields").
const FIELD_NAMES = ["title", "content"];

function section(title, ...children) {
  return h("section", { class: "x-section" }, h("h3", null, title), ...children);
}

function bar(fraction, kind) {
  const pct = Math.max(0, Math.min(1, fraction)) * 100;
  return h("span", { class: `bar ${kind}`, "aria-hidden": "true" }, h("span", { style: { width: pct.toFixed(1) + "%" } }));
}

// fusionOf is the fusion a hybrid search used: what its answer says ("fusion", defaults filled
// in by the engine), else what the request asked for.
export function fusionOf(body, used) {
  if (used?.method) return { method: used.method, weight: used.lexical_weight, k: used.rrf_k, depth: used.depth };
  const f = body?.fusion || {};
  return { method: f.method || "rrf", weight: f.lexical_weight ?? 0.5, k: f.rrf_k ?? RRF_K, depth: f.depth };
}

// sideFormula explains one side's contribution to a fused score.
function sideFormula(side, weight, fusion) {
  if (!side?.rank) return "absent from this side: adds 0";
  const w = weight.toFixed(2);
  switch (fusion.method) {
    case "rrf":
      return `${w} / (${fusion.k} + ${side.rank}) = ${fmtScore(side.contribution)}`;
    case "linear":
      return `${w} × min-max(${fmtScore(side.score)}) = ${fmtScore(side.contribution)}`;
    default:
      return `${w} × relative(${fmtScore(side.score)}) = ${fmtScore(side.contribution)}`;
  }
}

const METHOD_TEXT = {
  rrf: (f) => `Reciprocal rank fusion: each side adds its weight / (k + rank), k = ${f.k}; raw scores are not used.`,
  linear: () => "Linear fusion: each side's scores are min-max normalised over its candidates, then weighted.",
  relative: () => "Relative-score fusion: each side's score is taken relative to its best, then weighted.",
};

const depthText = (f) => (f.depth ? ` Each side brought its best ${fmtInt(f.depth)} candidates.` : "");

function fusionSection(hit, x, fusion) {
  const lex = x.lexical_side || hit.lexical;
  const vec = x.vector_side || hit.vector;
  const lc = lex?.contribution || 0;
  const vc = vec?.contribution || 0;
  const total = lc + vc || 1;
  const sideCard = (kind, label, side, weight, scoreName) =>
    h(
      "div",
      { class: `x-side ${kind}` },
      h("div", { class: "x-side-head" }, h("span", { class: "x-side-name" }, label), h("span", { class: "x-side-rank" }, side?.rank ? `rank ${side.rank}` : "not ranked")),
      side?.rank ? h("div", { class: "x-side-score" }, `${scoreName} ${fmtScore(side.score)}`) : null,
      h("div", { class: "x-formula" }, sideFormula(side, weight, fusion)),
    );
  return section(
    "How fusion combined them",
    h("p", { class: "x-note" }, METHOD_TEXT[fusion.method](fusion) + depthText(fusion)),
    h(
      "div",
      { class: "x-sides" },
      sideCard("lexical", "Lexical (BM25)", lex, fusion.weight, "BM25"),
      h("span", { class: "x-plus", "aria-hidden": "true" }, "+"),
      sideCard("vector", "Vector", vec, 1 - fusion.weight, "similarity"),
    ),
    h(
      "div",
      { class: "x-total" },
      h(
        "span",
        { class: "share big", role: "img", "aria-label": `${Math.round((100 * lc) / total)}% from BM25` },
        h("span", { class: "share-lex", style: { width: ((100 * lc) / total).toFixed(1) + "%" } }),
        h("span", { class: "share-vec", style: { width: ((100 * vc) / total).toFixed(1) + "%" } }),
      ),
      h("span", { class: "x-sum" }, `${fmtScore(lc)} + ${fmtScore(vc)} = `, h("strong", null, fmtScore(x.score ?? hit.score))),
    ),
  );
}

function tfText(t, weights, names) {
  if (!Array.isArray(t.field_tf) || !Array.isArray(weights) || t.field_tf.length !== weights.length) return String(t.tf);
  const parts = t.field_tf.map((n, i) => `${names?.[i] || FIELD_NAMES[i] || "field " + i} ${n} × ${weights[i]}`);
  return `${t.tf} = ${parts.join(" + ")}`;
}

// fieldWeightsText says how much a match in each field counts ("title ×2, content ×1").
function fieldWeightsText(lx) {
  const names = Array.isArray(lx.fields) ? lx.fields : FIELD_NAMES;
  return "Matches count " + lx.field_weights.map((w, i) => `×${w} in the ${names[i] || "field " + i}`).join(", ");
}

function bm25Section(lx, queryTerms) {
  const terms = Array.isArray(lx.terms) ? lx.terms : [];
  const max = Math.max(...terms.map((t) => t.contribution), 1e-12);
  const seen = new Set(terms.map((t) => t.term));
  const missing = (queryTerms || []).filter((t) => !seen.has(t));
  const first = terms[0];
  const rows = terms.map((t) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, h("span", { class: "term" }, t.term), t.weight !== 1 ? h("span", { class: "x-weight" }, ` ×${fmtScore(t.weight)}`) : null),
      h("td", { title: tfText(t, lx.field_weights, lx.fields) }, fmtInt(t.tf)),
      h("td", null, fmtInt(t.df)),
      h("td", null, t.idf.toFixed(2)),
      h("td", null, h("span", { class: "x-contrib" }, bar(t.contribution / max, "lexical"), h("span", null, fmtScore(t.contribution)))),
    ),
  );
  return section(
    "BM25: what each query term brought",
    terms.length
      ? h(
          "table",
          { class: "x-terms" },
          h("thead", null, h("tr", null, h("th", { scope: "col" }, "term"), h("th", { scope: "col", title: "term frequency, field-weighted" }, "tf"), h("th", { scope: "col", title: "documents with the term" }, "df"), h("th", { scope: "col" }, "idf"), h("th", { scope: "col" }, "contribution"))),
          h("tbody", null, rows),
          h("tfoot", null, h("tr", null, h("th", { scope: "row", colspan: "4" }, "BM25 score"), h("td", null, h("strong", null, fmtScore(lx.score))))),
        )
      : h("p", { class: "x-note" }, "No query term occurs in this document."),
    missing.length ? h("p", { class: "x-note" }, "Not in this document: ", missing.map((t, i) => [i ? ", " : "", h("span", { class: "term" }, t)])) : null,
    first
      ? h(
          "p",
          { class: "x-note x-formula-note" },
          `idf × tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)), with k1 = ${first.k1}, b = ${first.b}, `,
          `this document ${fmtInt(first.dl)} terms long against ${first.avg_dl.toFixed(1)} on average, over ${fmtInt(lx.docs)} documents.`,
          Array.isArray(lx.field_weights) ? ` ${fieldWeightsText(lx)}.` : "",
        )
      : null,
  );
}

function vectorSection(vx, side) {
  const sim = vx.similarity;
  const metric = vx.metric || "cosine";
  const frac = metric === "cosine" ? (sim + 1) / 2 : null;
  return section(
    "Vector similarity",
    h(
      "div",
      { class: "x-vector" },
      h("span", { class: "x-big vector" }, fmtScore(sim)),
      h("span", { class: "x-note" }, `${metric}${side?.rank ? `, rank ${side.rank} on the vector side` : ""}`),
    ),
    frac !== null ? h("div", { class: "x-scale" }, bar(frac, "vector"), h("span", { class: "x-scale-labels", "aria-hidden": "true" }, h("span", null, "−1"), h("span", null, "0"), h("span", null, "1"))) : null,
  );
}

// renderExplain builds the drawer body for hit (which carries .explain), found by the request
// body that gave it; terms are the query's analysed terms, used the fusion the answer reports.
export function renderExplain(hit, body, terms, used) {
  const x = hit.explain || {};
  const mode = x.mode || body.mode;
  const frag = document.createDocumentFragment();
  const fusion = fusionOf(body, used);
  frag.append(
    h(
      "div",
      { class: "x-summary" },
      h("span", { class: `mode-badge ${mode}` }, mode),
      h("span", null, `rank ${x.rank ?? "?"}`),
      h("span", null, `score ${fmtScore(x.score ?? hit.score)}`),
      mode === "hybrid" ? h("span", null, `${fusion.method.toUpperCase()}, lexical weight ${fusion.weight.toFixed(2)}`) : null,
    ),
  );
  if (mode === "hybrid") frag.append(fusionSection(hit, x, fusion));
  if (x.lexical) frag.append(bm25Section(x.lexical, terms));
  else if (mode === "hybrid") frag.append(section("BM25", h("p", { class: "x-note" }, "The lexical side did not rank this document: no query term matched, or it was below the fusion depth.")));
  if (x.vector) frag.append(vectorSection(x.vector, x.vector_side || hit.vector));
  return frag;
}
