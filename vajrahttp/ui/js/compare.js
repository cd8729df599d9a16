// The compare view: one query as lexical | hybrid | vector side by side. Hybrid sits between
// its two inputs so that lines can follow each document from where each side ranked it to
// where fusion put it. A document in more than one column has one colour everywhere; each card
// says where the other columns rank it and by how much that moves it.
import { h, s, clear, $$ } from "./dom.js";
import { highlighted } from "./highlight.js";
import { fmtMs, fmtScore } from "./format.js";

export const ORDER = ["lexical", "hybrid", "vector"];
const LABEL = { lexical: "Lexical", hybrid: "Hybrid", vector: "Vector" };
const SHORT = { lexical: "BM25", hybrid: "hybrid", vector: "vector" };
const SUB = { lexical: "BM25 over the words", hybrid: "both, fused", vector: "nearest embeddings" };

// Hues picked to stay apart from each other and readable on light and dark backgrounds.
const HUES = [262, 24, 190, 330, 140, 45, 210, 0, 100, 290, 170, 60];

// ranksOf maps each document id to its rank in each column that has it.
export function ranksOf(columns) {
  const ranks = new Map();
  for (const mode of ORDER) {
    const hits = columns[mode]?.hits || [];
    hits.forEach((hit, i) => {
      if (!ranks.has(hit.id)) ranks.set(hit.id, {});
      const r = ranks.get(hit.id);
      if (!r[mode]) r[mode] = i + 1;
    });
  }
  return ranks;
}

// overlap counts the documents the columns share.
export function overlap(ranks) {
  const out = { "lexical+hybrid": 0, "hybrid+vector": 0, "lexical+vector": 0, all: 0 };
  for (const r of ranks.values()) {
    if (r.lexical && r.hybrid) out["lexical+hybrid"]++;
    if (r.hybrid && r.vector) out["hybrid+vector"]++;
    if (r.lexical && r.vector) out["lexical+vector"]++;
    if (r.lexical && r.hybrid && r.vector) out.all++;
  }
  return out;
}

// colours gives every document found in two or more columns a hue, in hybrid order first.
function colours(ranks) {
  const shared = [...ranks.entries()].filter(([, r]) => Object.keys(r).length > 1);
  const key = (r) => [r.hybrid ?? 1e9, Math.min(r.lexical ?? 1e9, r.vector ?? 1e9)];
  shared.sort((a, b) => key(a[1])[0] - key(b[1])[0] || key(a[1])[1] - key(b[1])[1]);
  const out = new Map();
  shared.forEach(([id], i) => out.set(id, HUES[i % HUES.length]));
  return out;
}

// moveChip says where another column ranks the document. Arrows tell what fusion did: in the
// hybrid column, how far it moved from that side's rank; in a side column, on the hybrid chip,
// where fusion took it from this side's rank. Two sides' ranks are only listed.
function moveChip(other, mode, here, there, sideRank) {
  const rank = there ?? sideRank;
  if (!rank) {
    return h("span", { class: `move ${other} none`, title: `not in the ${LABEL[other].toLowerCase()} column` }, `${SHORT[other]} –`);
  }
  const beyond = !there;
  const chip = h("span", { class: `move ${other}${beyond ? " beyond" : ""}` }, `${SHORT[other]} #${rank}`);
  let title = beyond ? `the ${SHORT[other]} side ranked it ${rank}, below this column's cut` : `${rank} in the ${LABEL[other].toLowerCase()} column`;
  if (mode === "hybrid" || other === "hybrid") {
    const [from, to] = mode === "hybrid" ? [rank, here] : [here, rank];
    const up = from - to;
    chip.append(up === 0 ? h("span", { class: "delta same" }, "=") : h("span", { class: `delta ${up > 0 ? "up" : "down"}` }, up > 0 ? `▲${up}` : `▼${-up}`));
    const side = mode === "hybrid" ? SHORT[other] : SHORT[mode];
    title += up === 0 ? `; fusion kept its ${side} rank` : `; fusion moved it ${Math.abs(up)} ${Math.abs(up) === 1 ? "place" : "places"} ${up > 0 ? "up" : "down"} from its ${side} rank`;
  }
  chip.title = title;
  return chip;
}

function card(hit, mode, rank, ranks, hue) {
  const r = ranks.get(hit.id) || {};
  const others = ORDER.filter((m) => m !== mode);
  const sideRank = (m) => (mode === "hybrid" ? hit[m]?.rank : undefined);
  const shared = hue !== undefined;
  const title = hit.title || hit.id;
  return h(
    "li",
    {
      class: `c-card${shared ? " shared" : " solo"}`,
      tabindex: "-1",
      dataset: { id: hit.id, mode, rank: String(rank) },
      style: shared ? { "--doc-hue": hue } : undefined,
      "aria-label": `${LABEL[mode]} ${rank}. ${title}${shared ? "" : " (only in this column)"}`,
    },
    h("span", { class: "c-rank" }, String(rank)),
    h(
      "div",
      { class: "c-body" },
      h("span", { class: "c-title" }, hit.title ? highlighted(hit.title, hit.snippet?.title_highlights) : hit.id),
      hit.snippet?.text ? h("span", { class: "c-snippet" }, highlighted(hit.snippet.text, hit.snippet.highlights)) : null,
      h(
        "span",
        { class: "c-moves" },
        others.map((m) => moveChip(m, mode, rank, r[m], sideRank(m))),
        shared ? null : h("span", { class: "only" }, "only here"),
        h("span", { class: "c-score", title: "score" }, fmtScore(hit.score)),
      ),
    ),
  );
}

function column(mode, col, ranks, hues) {
  const head = h("div", { class: `c-head ${mode}` }, h("h2", null, LABEL[mode]), h("span", { class: "c-sub" }, SUB[mode]));
  const body = h("ol", { class: "c-list", "aria-label": `${LABEL[mode]} results` });
  if (!col) {
    body.append(h("li", { class: "c-empty" }, "…"));
  } else if (col.unavailable) {
    body.append(h("li", { class: "c-empty" }, "This collection has no vectors."));
  } else if (col.error) {
    body.append(h("li", { class: "c-empty error" }, col.error.message));
  } else if (!col.hits.length) {
    body.append(h("li", { class: "c-empty" }, "No results."));
  } else {
    head.append(h("span", { class: "c-took" }, fmtMs(col.took_ms)));
    col.hits.forEach((hit, i) => body.append(card(hit, mode, i + 1, ranks, hues.get(hit.id))));
  }
  return h("div", { class: `c-col ${mode}`, dataset: { mode } }, head, body);
}

// legend describes the overlap in words.
export function legend(ranks) {
  const o = overlap(ranks);
  return [
    h("span", { class: "legend-item" }, h("span", { class: "swatch shared" }), "same colour = same document"),
    h("span", { class: "legend-item" }, h("span", { class: "swatch solo" }), "only in one column"),
    h("span", { class: "legend-item" }, h("span", { class: "delta up" }, "▲"), h("span", { class: "delta down" }, "▼"), " places fusion moved it"),
    h("span", { class: "legend-counts" }, `shared: lexical·hybrid ${o["lexical+hybrid"]}, hybrid·vector ${o["hybrid+vector"]}, lexical·vector ${o["lexical+vector"]}, all three ${o.all}`),
  ];
}

// Compare renders the three columns into root and keeps their connecting lines in place.
export class Compare {
  constructor(root, legendEl) {
    this.root = root;
    this.legendEl = legendEl;
    this.svg = null;
    this.resize = new ResizeObserver(() => this.drawLines());
    this.resize.observe(root);
    root.addEventListener("pointerover", (e) => this.light(e.target.closest?.(".c-card")));
    root.addEventListener("pointerleave", () => this.light(null));
    root.addEventListener("focusin", (e) => this.light(e.target.closest?.(".c-card")));
  }

  render(columns) {
    const ranks = ranksOf(columns);
    const hues = colours(ranks);
    this.svg = s("svg", { class: "c-lines", "aria-hidden": "true" });
    clear(this.root).append(...ORDER.map((m) => column(m, columns[m], ranks, hues)), this.svg);
    clear(this.legendEl).append(...legend(ranks));
    requestAnimationFrame(() => this.drawLines());
  }

  placeholder(text) {
    clear(this.legendEl);
    clear(this.root).append(h("p", { class: "c-placeholder" }, text));
    this.svg = null;
  }

  // drawLines joins each document's cards in neighbouring columns; stacked columns (a phone)
  // get no lines, the rank chips say the same.
  drawLines() {
    const svg = this.svg;
    if (!svg || !svg.isConnected) return;
    clear(svg);
    const box = this.root.getBoundingClientRect();
    svg.setAttribute("width", String(box.width));
    svg.setAttribute("height", String(box.height));
    svg.setAttribute("viewBox", `0 0 ${box.width} ${box.height}`);
    const cols = ORDER.map((m) => this.root.querySelector(`.c-col.${m}`));
    for (let i = 0; i + 1 < cols.length; i++) {
      const [a, b] = [cols[i], cols[i + 1]];
      if (!a || !b) continue;
      if (b.getBoundingClientRect().left < a.getBoundingClientRect().right) return;
      for (const ca of a.querySelectorAll(".c-card.shared")) {
        const cb = b.querySelector(`.c-card[data-id="${CSS.escape(ca.dataset.id)}"]`);
        if (!cb) continue;
        const ra = ca.getBoundingClientRect();
        const rb = cb.getBoundingClientRect();
        const x1 = ra.right - box.left;
        const y1 = ra.top + ra.height / 2 - box.top;
        const x2 = rb.left - box.left;
        const y2 = rb.top + rb.height / 2 - box.top;
        const mx = (x1 + x2) / 2;
        svg.append(
          s("path", {
            d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`,
            class: "c-line",
            dataset: { id: ca.dataset.id },
            style: { "--doc-hue": ca.style.getPropertyValue("--doc-hue") },
          }),
        );
      }
    }
  }

  // light marks every card and line of the document under the pointer or focus.
  light(cardEl) {
    const id = cardEl?.classList.contains("shared") ? cardEl.dataset.id : null;
    this.root.classList.toggle("linking", !!id);
    for (const el of $$(".lit", this.root)) el.classList.remove("lit");
    if (!id) return;
    for (const el of $$(`[data-id="${CSS.escape(id)}"]`, this.root)) el.classList.add("lit");
  }
}
