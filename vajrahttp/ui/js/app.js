// The web UI's controller: collection picker, search as you type, compare, explain, upload,
// keyboard, and the URL hash that makes every view a link.
import { $, $$, h, clear, append, isTyping } from "./dom.js";
import * as api from "./api.js";
import { ApiError, isAbort } from "./api.js";
import { readHash, writeHash, searchBody, MODES, PAGE } from "./state.js";
import { renderHit, metadataChips } from "./results.js";
import { renderExplain } from "./explain.js";
import { Compare, ORDER } from "./compare.js";
import { UploadPanel } from "./upload.js";
import { FilterSuggest } from "./suggest.js";
import { initTheme, toggleTheme } from "./theme.js";
import { charIndex } from "./highlight.js";
import { fmtInt, fmtMs, fmtBytes, plural, filterField, filterLiteral } from "./format.js";

const QUERY_DELAY = 120;
const FILTER_DELAY = 350;

class App {
  constructor() {
    this.st = readHash();
    this.collections = [];
    this.stats = null;
    this.timer = 0;
    this.ctl = null;
    this.explainCtl = null;
    this.page = null;
    this.compareData = null;
    this.drawerCard = null;
    this.explainCache = new Map();
    this.compare = new Compare($("#compare"), $("#compare-legend"));
    // Before bind(): its keys (Enter on a suggestion) come before the filter box's own.
    this.suggest = new FilterSuggest($("#filter"), $("#filter-suggest"), () => this.stats?.metadata || []);
    this.upload = new UploadPanel({
      collection: () => this.current(),
      onDone: () => this.loadCollections(true),
    });
  }

  async init() {
    initTheme($("#theme-button"));
    this.bind();
    this.syncControls();
    this.showView();
    await this.loadCollections();
  }

  current() {
    return this.collections.find((c) => c.name === this.st.collection) || null;
  }

  // ---- collections -------------------------------------------------------------------

  async loadCollections(keepView = false) {
    let list;
    try {
      list = (await api.listCollections()).collections || [];
    } catch (err) {
      this.fail(err);
      return;
    }
    this.collections = list;
    const sel = $("#collection");
    clear(sel).append(...list.map((c) => h("option", { value: c.name }, c.read_only ? `${c.name} (read-only)` : c.name)));
    sel.disabled = list.length === 0;
    if (!list.length) {
      $("#stats").textContent = "No collections yet: create one under Add documents.";
      this.st.collection = "";
      this.upload.refresh();
      if (!keepView) this.setView("upload");
      return;
    }
    if (!this.current()) this.st.collection = list[0].name;
    sel.value = this.st.collection;
    await this.chooseCollection(this.st.collection, keepView);
  }

  async chooseCollection(name, keepView = false) {
    this.st.collection = name;
    $("#collection").value = name;
    const c = this.current();
    const modes = c?.modes || ["lexical"];
    if (!modes.includes(this.st.mode)) this.st.mode = modes.includes("hybrid") ? "hybrid" : modes[0];
    this.explainCache.clear();
    this.syncControls();
    this.upload.refresh();
    writeHash(this.st);
    try {
      this.stats = await api.collectionStats(name);
      this.showStats();
    } catch (err) {
      this.fail(err);
    }
    if (!keepView) this.run();
  }

  showStats() {
    const st = this.stats;
    if (!st) return;
    const parts = [plural(st.documents, "document"), plural(st.terms, "term")];
    parts.push(st.vectors ? `${st.dimension}-d ${st.embedder?.kind || ""} vectors`.replace("  ", " ") : "no vectors");
    if (st.bytes_on_disk) parts.push(fmtBytes(st.bytes_on_disk));
    const el = $("#stats");
    el.textContent = parts.join(" · ");
    const details = [`${fmtInt(st.documents)} documents, ${fmtInt(st.terms)} terms, ${fmtInt(st.segments)} segments`];
    if (st.vectors) details.push(`${fmtInt(st.vectors)} vectors of ${st.dimension} dimensions: ${[st.embedder?.kind, st.embedder?.model, st.metric, st.profile && st.profile + " profile"].filter(Boolean).join(", ")}`);
    if (st.bytes_on_disk) details.push(`${fmtBytes(st.bytes_on_disk)} on disk, ${fmtBytes(st.log_bytes)} in the log`);
    el.title = details.join("\n");
    const fields = st.metadata_fields || [];
    const filter = $("#filter");
    filter.placeholder = fields.length ? `Filter on ${fields.slice(0, 4).join(", ")}${fields.length > 4 ? ", …" : ""}` : "Filter (these documents have no metadata)";
    filter.title = fields.length ? `Metadata fields: ${fields.join(", ")}` : "";
    this.suggest.refresh();
  }

  // ---- controls and state --------------------------------------------------------------

  syncControls() {
    const st = this.st;
    const q = $("#q");
    if (q.value !== st.q) q.value = st.q;
    const f = $("#filter");
    if (f.value !== st.filter) f.value = st.filter;
    $("#weight").value = String(st.weight);
    $("#weight-out").value = st.weight.toFixed(2);
    $("#fusion").value = st.fusion;
    const modes = this.current()?.modes || MODES;
    for (const b of $$(".mode")) {
      const m = b.dataset.mode;
      b.setAttribute("aria-checked", String(m === st.mode));
      b.tabIndex = m === st.mode ? 0 : -1;
      b.disabled = !modes.includes(m);
      b.title = b.disabled ? `${m}: this collection has no vectors` : b.title.replace(/^.*: this collection has no vectors$/, m);
    }
    const hybridControls = st.view === "compare" || st.mode === "hybrid";
    $("#weight-box").classList.toggle("off", !hybridControls || !modes.includes("hybrid"));
    $("#weight").disabled = !hybridControls || !modes.includes("hybrid");
    $("#fusion").disabled = $("#weight").disabled;
    q.placeholder = st.collection ? `Search ${st.collection}…` : "Search…";
  }

  setState(patch, delay = 0) {
    Object.assign(this.st, patch);
    writeHash(this.st);
    this.syncControls();
    this.schedule(delay);
  }

  schedule(delay) {
    clearTimeout(this.timer);
    if (delay <= 0) this.run();
    else this.timer = setTimeout(() => this.run(), delay);
  }

  setView(view) {
    if (this.st.view === view) return;
    this.st.view = view;
    writeHash(this.st);
    this.closeDrawer(false);
    this.showView();
    this.syncControls();
    this.run();
  }

  showView() {
    const v = this.st.view;
    for (const b of $$(".view-tab")) b.setAttribute("aria-pressed", String(b.dataset.view === v));
    $("#view-search").hidden = v !== "search";
    $("#view-compare").hidden = v !== "compare";
    $("#view-upload").hidden = v !== "upload";
    $("#querybar").hidden = v === "upload";
    $("#querybar").classList.toggle("comparing", v === "compare");
    document.body.dataset.view = v;
  }

  run() {
    clearTimeout(this.timer);
    if (!this.st.collection) return;
    if (this.st.view === "search") this.runSearch();
    else if (this.st.view === "compare") this.runCompare();
    else this.upload.refresh();
  }

  // ---- search --------------------------------------------------------------------------

  newRequest() {
    this.ctl?.abort();
    this.ctl = new AbortController();
    return this.ctl;
  }

  busy(on) {
    clearTimeout(this.busyTimer);
    if (on) this.busyTimer = setTimeout(() => document.body.classList.add("busy"), 150);
    else document.body.classList.remove("busy");
  }

  // unsearchable answers a query with nothing to search for (no letter or digit: the
  // embedder refuses it, BM25 finds no term) without asking the server.
  unsearchable() {
    const q = this.st.q.trim();
    if (!q) {
      this.ctl?.abort();
      this.busy(false);
      this.landing();
      return true;
    }
    if (/[\p{L}\p{N}]/u.test(q)) return false;
    this.ctl?.abort();
    this.busy(false);
    const el = clear($("#status"));
    el.classList.remove("error");
    el.append("Type a word or a number to search.");
    return true;
  }

  async runSearch(append = false) {
    const st = this.st;
    if (this.unsearchable()) return;
    const ctl = this.newRequest();
    const offset = append && this.page ? this.page.count : 0;
    // How many documents match is worth its cost only in lexical mode (in the others every
    // document with a vector is in the ranking), and only once per query.
    const body = searchBody(st, st.mode, { offset, count: st.mode === "lexical" && offset === 0 });
    this.busy(true);
    $("#results").classList.add("stale");
    let res;
    try {
      res = await api.search(st.collection, body, ctl.signal);
    } catch (err) {
      if (isAbort(err)) return;
      this.busy(false);
      $("#results").classList.remove("stale");
      this.fail(err);
      return;
    }
    if (ctl !== this.ctl) return;
    this.busy(false);
    this.filterError(null);
    const list = $("#results");
    list.classList.remove("stale");
    list.dataset.query = body.query;
    if (!append || !this.page) {
      this.page = { pages: [], count: 0, mode: body.mode, total: res.total_matches };
      clear(list);
    }
    const pageIndex = this.page.pages.length;
    this.page.pages.push({ body, terms: res.terms, fusion: res.fusion });
    res.hits.forEach((hit, i) => {
      const li = renderHit(hit, offset + i + 1, body.mode);
      li.dataset.page = String(pageIndex);
      li.dataset.mode = body.mode;
      list.append(li);
    });
    this.page.count += res.hits.length;
    const first = list.querySelector(".hit");
    if (first && !list.querySelector('.hit[tabindex="0"]')) first.tabIndex = 0;
    // has_more says whether the next page has hits; an older server does not say it.
    $("#more").hidden = res.has_more === undefined ? res.hits.length < PAGE : !res.has_more;
    this.empty(this.page.count === 0 ? res : null);
    this.status(res, body.mode);
  }

  status(res, mode) {
    const el = clear($("#status"));
    el.classList.remove("error");
    const n = this.page?.count ?? res.hits.length;
    const total = this.page?.total;
    // dom.append, not Element.append, which would write a null child as "null".
    append(el, [
      h("strong", null, n === 0 ? "No results" : total > n ? `${fmtInt(n)} of ${plural(total, "result")}` : `${plural(n, "result")}`),
      h("span", { class: "took", title: "time the engine took" }, ` in ${fmtMs(res.took_ms)}`),
      h("span", { class: "rtt", title: "round trip from this browser" }, ` · ${fmtMs(res.round_trip_ms)} round trip`),
      mode === "hybrid" && res.total_candidates ? h("span", { class: "rtt" }, ` · ${fmtInt(res.total_candidates)} candidates fused`) : null,
    ]);
  }

  empty(res) {
    const box = $("#empty");
    box.hidden = !res;
    if (!res) return;
    const tips = [];
    if (res.mode === "lexical" && (!res.terms || res.terms.length === 0)) {
      tips.push("Every word of this query is a stopword, so BM25 has nothing to match.");
    } else {
      tips.push(`Nothing matches “${this.st.q}”${this.st.filter ? " with this filter" : ""}.`);
    }
    const actions = [];
    if (this.st.filter) actions.push(h("button", { type: "button", class: "quiet", dataset: { act: "clear-filter" } }, "Clear the filter"));
    if (this.st.mode !== "vector" && this.current()?.modes.includes("vector")) actions.push(h("button", { type: "button", class: "quiet", dataset: { act: "mode-vector" } }, "Try vector search"));
    append(clear(box), [h("p", null, tips), actions.length ? h("p", { class: "actions" }, actions) : null]);
  }

  landing() {
    this.page = null;
    clear($("#results"));
    $("#more").hidden = true;
    clear($("#status"));
    if (this.st.view === "compare") {
      this.compare.placeholder("Type a query to see lexical, hybrid and vector results side by side.");
      return;
    }
    const st = this.stats;
    const box = clear($("#empty"));
    box.hidden = false;
    const numbers = st
      ? h(
          "div",
          { class: "landing-numbers" },
          h("div", null, h("strong", null, fmtInt(st.documents)), h("span", null, "documents")),
          h("div", null, h("strong", null, fmtInt(st.terms)), h("span", null, "terms")),
          h("div", null, h("strong", null, st.vectors ? `${st.dimension}` : "–"), h("span", null, st.vectors ? "dimensions" : "no vectors")),
        )
      : null;
    box.append(
      h("div", { class: "landing" }, numbers, h("p", null, "Type to search: results follow every key. ", h("kbd", null, "/"), " jumps here from anywhere, ", h("kbd", null, "↓"), " walks the results, ", h("kbd", null, "e"), " explains one. ", h("strong", null, "Compare"), " shows the three modes side by side.")),
    );
  }

  // ---- errors ------------------------------------------------------------------------

  fail(err) {
    if (err instanceof ApiError && err.code === "invalid_filter") {
      this.filterError(err);
      return;
    }
    const el = clear($("#status"));
    el.classList.add("error");
    if (err instanceof ApiError && (err.code === "unauthorized" || err.code === "forbidden")) {
      el.append(h("strong", null, err.code === "unauthorized" ? "This server needs a key. " : "This key may not do that. "), err.message);
      this.openKeyPanel();
      return;
    }
    append(el, [h("strong", null, "Error: "), err.message, err.code ? h("code", { class: "code" }, err.code) : null]);
  }

  // filterError shows a filter problem under the filter box, pointing at the position.
  filterError(err) {
    const box = $("#filter-error");
    const input = $("#filter");
    if (!err) {
      box.hidden = true;
      clear(box);
      input.removeAttribute("aria-invalid");
      return;
    }
    input.setAttribute("aria-invalid", "true");
    box.hidden = false;
    const text = this.st.filter;
    const msg = err.message.replace(/^(vajra: invalid filter: )?filter: (at \d+: )?/, "");
    const children = [];
    if (Number.isInteger(err.position)) {
      const at = charIndex(text, err.position);
      const rest = text.slice(at);
      const tok = rest.match(/^\S*/)[0];
      children.push(
        h("code", { class: "filter-echo", "aria-hidden": "true" }, text.slice(0, at), tok ? h("mark", null, tok) : h("span", { class: "caret" }, " "), rest.slice(tok.length)),
      );
      children.push(h("span", { class: "filter-msg" }, `At ${at + 1}: ${msg}`));
    } else {
      children.push(h("span", { class: "filter-msg" }, msg));
    }
    clear(box).append(...children);
    clear($("#status"));
  }

  // ---- compare -----------------------------------------------------------------------

  async runCompare() {
    const st = this.st;
    if (this.unsearchable()) return;
    const ctl = this.newRequest();
    const modes = this.current()?.modes || [];
    this.busy(true);
    const results = await Promise.all(
      ORDER.map((mode) => {
        if (!modes.includes(mode)) return { unavailable: true };
        const body = searchBody(st, mode);
        return api.search(st.collection, body, ctl.signal).then(
          (res) => ({ ...res, body }),
          (error) => ({ error, body }),
        );
      }),
    );
    if (ctl !== this.ctl || ctl.signal.aborted) return;
    this.busy(false);
    const filterErr = results.find((r) => r.error?.code === "invalid_filter");
    this.filterError(filterErr ? filterErr.error : null);
    const other = results.find((r) => r.error && !isAbort(r.error) && r.error.code !== "invalid_filter");
    if (other) this.fail(other.error);
    if (filterErr) return;
    this.compareData = Object.fromEntries(ORDER.map((m, i) => [m, results[i]]));
    this.compare.render(this.compareData);
    $("#compare").dataset.query = st.q;
    const el = clear($("#status"));
    el.classList.remove("error");
    el.append(
      h("strong", null, "Side by side"),
      ...ORDER.filter((m) => this.compareData[m].took_ms !== undefined).map((m) => h("span", { class: "took" }, ` · ${m} ${fmtMs(this.compareData[m].took_ms)}`)),
    );
  }

  // ---- explain drawer ------------------------------------------------------------------

  // cardContext returns what asking for a card's explanation needs: the mode, the request body
  // of the page it came from and the query terms.
  cardContext(card) {
    if (card.classList.contains("c-card")) {
      const col = this.compareData?.[card.dataset.mode];
      return col?.body ? { mode: card.dataset.mode, body: col.body, terms: col.terms, fusion: col.fusion } : null;
    }
    const page = this.page?.pages[Number(card.dataset.page)];
    return page ? { mode: page.body.mode, body: page.body, terms: page.terms, fusion: page.fusion } : null;
  }

  async openExplain(card) {
    const ctx = this.cardContext(card);
    if (!ctx) return;
    for (const c of $$(".explained")) c.classList.remove("explained");
    card.classList.add("explained");
    this.drawerCard = card;
    const drawer = $("#drawer");
    drawer.hidden = false;
    document.body.classList.add("drawer-open");
    const title = card.querySelector(".hit-title, .c-title")?.textContent || card.dataset.id;
    $("#drawer-kicker").textContent = `Explain · ${ctx.mode} · #${card.dataset.rank}`;
    $("#drawer-title").textContent = title;
    const body = clear($("#drawer-body"));
    body.append(h("p", { class: "x-loading" }, "Asking the engine…"));
    this.explainCtl?.abort();
    const ctl = (this.explainCtl = new AbortController());
    const id = card.dataset.id;
    // The page's own request, explaining this one document: the engine explains nothing else.
    const key = JSON.stringify([ctx.body, id]);
    let res = this.explainCache.get(key);
    try {
      if (!res) {
        res = await api.search(this.st.collection, { ...ctx.body, highlight: false, explain_ids: [id] }, ctl.signal);
        this.explainCache.set(key, res);
      }
    } catch (err) {
      if (isAbort(err)) return;
      clear(body).append(h("p", { class: "error-text" }, `The explanation did not come: ${err.message}`));
      return;
    }
    if (ctl !== this.explainCtl) return;
    let hit = res.hits.find((x) => x.id === id && x.explain);
    clear(body);
    if (!hit) {
      // The collection changed since the page was shown: the document ranks elsewhere now.
      const x = (res.explanations || []).find((e) => e.id === id);
      if (!x) return;
      body.append(h("p", { class: "x-note" }, x.rank ? `The collection changed: this document now ranks #${x.rank}.` : "The collection changed: this query no longer ranks this document."));
      hit = { id, score: x.score, lexical: x.lexical_side, vector: x.vector_side, explain: x, metadata: {} };
    }
    body.append(renderExplain(hit, ctx.body, res.terms || ctx.terms, res.fusion || ctx.fusion), this.documentSection(hit));
  }

  documentSection(hit) {
    const chips = metadataChips(hit.metadata, 50);
    const full = h("div", { class: "doc-full" });
    const button = h("button", { type: "button", class: "quiet", dataset: { act: "load-doc", id: hit.id } }, "Show the whole document");
    return h(
      "section",
      { class: "x-section" },
      h("h3", null, "Document"),
      h("p", { class: "x-note" }, h("span", { class: "chip id-chip" }, hit.id)),
      chips.length ? h("div", { class: "hit-meta" }, chips) : null,
      full,
      h("p", null, button),
    );
  }

  async loadDocument(button) {
    const full = button.closest(".x-section").querySelector(".doc-full");
    button.disabled = true;
    try {
      const doc = await api.getDocument(this.st.collection, button.dataset.id);
      append(clear(full), [doc.title ? h("h4", null, doc.title) : null, h("p", { class: "doc-content" }, doc.content)]);
      button.parentElement.remove();
    } catch (err) {
      clear(full).append(h("p", { class: "error-text" }, err.message));
      button.disabled = false;
    }
  }

  closeDrawer(refocus = true) {
    const drawer = $("#drawer");
    if (drawer.hidden) return;
    drawer.hidden = true;
    this.explainCtl?.abort();
    document.body.classList.remove("drawer-open");
    const card = this.drawerCard;
    card?.classList.remove("explained");
    this.drawerCard = null;
    if (refocus && card?.isConnected) card.focus();
  }

  // ---- keyboard ------------------------------------------------------------------------

  cards() {
    return this.st.view === "compare" ? $$("#compare .c-card") : $$("#results .hit");
  }

  focusCard(card) {
    if (!card) return;
    for (const c of this.cards()) c.tabIndex = -1;
    card.tabIndex = 0;
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
    if (this.drawerCard && this.drawerCard !== card) this.openExplain(card);
  }

  // selected is the card the keyboard is on: the focused one, or the explained one while the
  // focus is in the drawer.
  selected() {
    const el = document.activeElement;
    return el?.closest?.(".hit, .c-card") || (el?.closest?.("#drawer") ? this.drawerCard : null);
  }

  move(delta) {
    const active = this.selected();
    if (this.st.view === "compare") {
      const col = active ? active.closest(".c-col") : $("#compare .c-col.hybrid") || $("#compare .c-col");
      const list = col ? $$(".c-card", col) : [];
      if (!list.length) return;
      const i = active ? list.indexOf(active) : -1;
      if (i + delta < 0 && delta < 0) return this.focusSearch();
      this.focusCard(list[Math.max(0, Math.min(list.length - 1, i + delta))]);
      return;
    }
    const list = this.cards();
    if (!list.length) return;
    const i = active ? list.indexOf(active) : -1;
    if (i + delta < 0) return this.focusSearch();
    this.focusCard(list[Math.min(list.length - 1, i + delta)]);
  }

  // moveColumn goes to the neighbouring column: to the same document when it is there, else
  // to the same rank.
  moveColumn(delta) {
    if (this.st.view !== "compare") return;
    const active = this.selected();
    const cols = $$("#compare .c-col");
    const at = active ? cols.indexOf(active.closest(".c-col")) : 1;
    const next = cols[at + delta];
    if (!next) return;
    const cards = $$(".c-card", next);
    if (!cards.length) return;
    const same = active && cards.find((c) => c.dataset.id === active.dataset.id);
    const rank = active ? Number(active.dataset.rank) : 1;
    this.focusCard(same || cards[Math.min(cards.length, rank) - 1]);
  }

  focusSearch() {
    const q = $("#q");
    q.focus();
    q.select();
  }

  onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const typing = isTyping(e.target);
    if (e.key === "Escape") {
      if ($("#help").open) return;
      if (!$("#drawer").hidden) {
        e.preventDefault();
        this.closeDrawer();
      } else if (!$("#key-panel").hidden && e.target.closest?.("#key-panel")) {
        $("#key-panel").hidden = true;
        $("#key-button").focus();
      } else if (typing) {
        e.target.blur();
      }
      return;
    }
    if (typing) {
      if (e.target.id === "q" && e.key === "ArrowDown") {
        e.preventDefault();
        this.move(1);
      } else if (e.target.id === "q" && e.key === "Enter") {
        e.preventDefault();
        this.run();
      }
      return;
    }
    const onCard = e.target.matches?.(".hit, .c-card");
    switch (e.key) {
      case "/":
        e.preventDefault();
        this.focusSearch();
        break;
      case "?":
        e.preventDefault();
        $("#help").showModal();
        break;
      case "ArrowDown":
      case "j":
        e.preventDefault();
        this.move(1);
        break;
      case "ArrowUp":
      case "k":
        e.preventDefault();
        this.move(-1);
        break;
      case "ArrowLeft":
      case "ArrowRight":
        if (this.st.view === "compare" && !e.target.matches?.("[role=radio], input, select")) {
          e.preventDefault();
          this.moveColumn(e.key === "ArrowLeft" ? -1 : 1);
        } else if (e.target.matches?.(".mode")) {
          e.preventDefault();
          this.stepMode(e.key === "ArrowLeft" ? -1 : 1);
        }
        break;
      case "Enter":
      case "e":
        if (onCard) {
          e.preventDefault();
          this.openExplain(e.target);
        }
        break;
      case "1":
      case "2":
      case "3": {
        const m = MODES[Number(e.key) - 1];
        if (this.current()?.modes.includes(m)) this.setState({ mode: m });
        break;
      }
      case "c":
        this.setView(this.st.view === "compare" ? "search" : "compare");
        break;
      case "t":
        toggleTheme($("#theme-button"));
        break;
    }
  }

  stepMode(delta) {
    const modes = MODES.filter((m) => this.current()?.modes.includes(m));
    const i = modes.indexOf(this.st.mode);
    const m = modes[(i + delta + modes.length) % modes.length];
    this.setState({ mode: m });
    $(`.mode[data-mode="${m}"]`).focus();
  }

  // ---- key panel -----------------------------------------------------------------------

  openKeyPanel() {
    const panel = $("#key-panel");
    panel.hidden = false;
    $("#key-button").setAttribute("aria-expanded", "true");
    const input = $("#api-key");
    input.value = api.getKey();
    input.focus();
  }

  keyState() {
    const el = $("#upload-key-state");
    clear(el).append(
      api.getKey() ? h("span", { class: "ok" }, "key set for this tab") : h("span", null, "no key set"),
      " ",
      h("button", { type: "button", class: "quiet", dataset: { act: "key" } }, api.getKey() ? "change" : "enter the admin key"),
    );
    $("#key-button").classList.toggle("has-key", !!api.getKey());
  }

  // ---- wiring --------------------------------------------------------------------------

  bind() {
    $("#q").addEventListener("input", (e) => this.setState({ q: e.target.value }, QUERY_DELAY));
    $("#filter").addEventListener("input", (e) => this.setState({ filter: e.target.value }, FILTER_DELAY));
    $("#filter").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.defaultPrevented) {
        e.preventDefault();
        this.run();
      }
    });
    $("#weight").addEventListener("input", (e) => this.setState({ weight: Number(e.target.value) }, QUERY_DELAY));
    $("#fusion").addEventListener("change", (e) => this.setState({ fusion: e.target.value }));
    for (const b of $$(".mode")) b.addEventListener("click", () => this.setState({ mode: b.dataset.mode }));
    for (const b of $$(".view-tab")) b.addEventListener("click", () => this.setView(b.dataset.view));
    $("#collection").addEventListener("change", (e) => this.chooseCollection(e.target.value));
    $("#more").addEventListener("click", () => this.runSearch(true));
    $("#drawer-close").addEventListener("click", () => this.closeDrawer());
    $("#help-button").addEventListener("click", () => $("#help").showModal());
    $("#key-button").addEventListener("click", () => {
      if ($("#key-panel").hidden) this.openKeyPanel();
      else {
        $("#key-panel").hidden = true;
        $("#key-button").setAttribute("aria-expanded", "false");
      }
    });
    $("#key-panel").addEventListener("submit", (e) => {
      e.preventDefault();
      api.setKey($("#api-key").value.trim());
      $("#key-panel").hidden = true;
      this.keyState();
      this.loadCollections(this.st.view === "upload");
    });
    $("#key-forget").addEventListener("click", () => {
      api.setKey("");
      $("#api-key").value = "";
      this.keyState();
    });
    $("#create").addEventListener("submit", (e) => {
      e.preventDefault();
      this.create();
    });
    document.addEventListener("keydown", (e) => this.onKey(e));
    document.addEventListener("click", (e) => this.onClick(e));
    addEventListener("hashchange", () => this.fromHash());
    this.keyState();
  }

  onClick(e) {
    const t = e.target;
    const act = t.closest?.("[data-act]");
    if (act) {
      switch (act.dataset.act) {
        case "clear-filter":
          this.setState({ filter: "" });
          return;
        case "mode-vector":
          this.setState({ mode: "vector" });
          return;
        case "load-doc":
          this.loadDocument(act);
          return;
        case "key":
          this.openKeyPanel();
          return;
      }
    }
    const chip = t.closest?.("button.chip.meta");
    if (chip) {
      this.addFilter(chip.dataset.field, JSON.parse(chip.dataset.value));
      return;
    }
    const card = t.closest?.(".hit, .c-card");
    if (!card) return;
    if (t.closest(".explain-btn, .hit-title, .c-title") || this.drawerCard) {
      this.focusCard(card);
      this.openExplain(card);
    } else if (!getSelection()?.toString()) {
      this.focusCard(card);
    }
  }

  addFilter(field, value) {
    const clause = `${filterField(field)} = ${filterLiteral(value)}`;
    const cur = this.st.filter.trim();
    if (cur.includes(clause)) return;
    this.setState({ filter: cur ? `${cur} AND ${clause}` : clause });
  }

  fromHash() {
    const next = readHash();
    const collectionChanged = next.collection && next.collection !== this.st.collection;
    const viewChanged = next.view !== this.st.view;
    this.st = { ...next, collection: next.collection || this.st.collection, mode: next.mode || this.st.mode };
    this.showView();
    if (collectionChanged && this.collections.some((c) => c.name === next.collection)) {
      this.chooseCollection(next.collection);
      return;
    }
    this.syncControls();
    if (viewChanged) this.closeDrawer(false);
    this.run();
  }

  async create() {
    const name = $("#create-name").value.trim();
    const kind = $("#create-embedder").value;
    const dim = Number.parseInt($("#create-dim").value, 10);
    const profile = $("#create-profile").value;
    const spec = { embedder: { kind } };
    if (Number.isInteger(dim) && dim > 0 && kind !== "none") spec.embedder.dim = dim;
    if (profile && kind !== "none") spec.vector = { profile };
    const out = clear($("#create-result"));
    out.classList.remove("error-text");
    try {
      await api.createCollection(name, spec);
    } catch (err) {
      out.classList.add("error-text");
      append(out, [err.message, err.code ? h("code", { class: "code" }, err.code) : null]);
      if (err.code === "unauthorized" || err.code === "forbidden") this.openKeyPanel();
      return;
    }
    out.append(`Created ${name}. Drop a file above to fill it.`);
    this.st.collection = name;
    await this.loadCollections(true);
  }
}

const app = new App();
app.init();
