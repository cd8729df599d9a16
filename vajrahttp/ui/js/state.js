// The query state and its mirror in the URL hash, so that any view can be shared as a link:
// #c=wikipedia&q=solar+power&mode=hybrid&w=0.5&fusion=rrf&f=year+%3E%3D+2020&view=compare

export const MODES = ["lexical", "vector", "hybrid"];
export const VIEWS = ["search", "compare", "upload"];
export const FUSIONS = ["rrf", "linear", "relative"];
export const PAGE = 10;
export const RRF_K = 60;

export function defaults() {
  return { collection: "", q: "", mode: "", weight: 0.5, fusion: "rrf", filter: "", view: "search" };
}

// readHash returns the state the hash describes; bad values fall back to the defaults.
export function readHash(hash = location.hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const st = defaults();
  st.collection = p.get("c") || "";
  st.q = p.get("q") || "";
  st.filter = p.get("f") || "";
  const mode = p.get("mode");
  if (MODES.includes(mode)) st.mode = mode;
  const view = p.get("view");
  if (VIEWS.includes(view)) st.view = view;
  const fusion = p.get("fusion");
  if (FUSIONS.includes(fusion)) st.fusion = fusion;
  const w = Number.parseFloat(p.get("w"));
  if (Number.isFinite(w) && w >= 0 && w <= 1) st.weight = w;
  return st;
}

export function hashOf(st) {
  const p = new URLSearchParams();
  if (st.collection) p.set("c", st.collection);
  if (st.q) p.set("q", st.q);
  if (st.mode) p.set("mode", st.mode);
  if (st.weight !== 0.5) p.set("w", String(st.weight));
  if (st.fusion !== "rrf") p.set("fusion", st.fusion);
  if (st.filter) p.set("f", st.filter);
  if (st.view !== "search") p.set("view", st.view);
  const s = p.toString();
  return s ? "#" + s : "";
}

// writeHash replaces the current history entry: typing a query must not fill the back button.
export function writeHash(st) {
  const h = hashOf(st);
  if (h !== location.hash && !(h === "" && location.hash === "")) {
    history.replaceState(null, "", h || location.pathname + location.search);
  }
}

// searchBody is the request for one page of st in mode.
export function searchBody(st, mode, { offset = 0, limit = PAGE, explain = false, count = false } = {}) {
  const body = { query: st.q, mode, limit, offset, highlight: true };
  if (count) body.count = true;
  if (st.filter.trim()) body.filter = st.filter;
  if (mode === "hybrid") {
    body.fusion = { method: st.fusion, lexical_weight: st.weight };
    if (st.fusion === "rrf") body.fusion.rrf_k = RRF_K;
  }
  if (explain) body.explain = true;
  return body;
}
