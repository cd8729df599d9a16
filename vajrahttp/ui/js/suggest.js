// The filter box's suggestions, from the collection's stats: field names while a field is
// typed, the operators that suit the field's types after it, and its frequent values (or its
// range) after an operator. Only the clause at the caret is looked at, so the rest of the
// filter stays as typed.
import { h, clear } from "./dom.js";
import { filterField, filterLiteral, fmtInt } from "./format.js";

const MAX = 8;

// The operators worth suggesting for each type of value, most used first.
const OPS = {
  number: [">=", "<=", "=", "!=", ">", "<"],
  string: ["=", "!=", "in (", "not in ("],
  bool: ["= true", "= false"],
};

const WORD = /[^\s=!<>(),"'&|\\]/u;

// readWord returns the end of the bare word or double-quoted string starting at i.
function readWord(s, i) {
  if (s[i] === '"') {
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === "\\") j++;
      else if (s[j] === '"') return j + 1;
    }
    return s.length;
  }
  let j = i;
  while (j < s.length && WORD.test(s[j])) j++;
  return j;
}

// unquote returns the text a field token names.
function unquote(tok) {
  if (!tok.startsWith('"')) return tok;
  return tok.slice(1, tok.endsWith('"') && tok.length > 1 ? -1 : undefined).replace(/\\(["\\])/g, "$1");
}

// clauseStart finds where the clause holding the caret starts: after the last AND, OR, &&, ||
// or comma outside quotes and parentheses.
export function clauseStart(text, caret) {
  let start = 0;
  let depth = 0;
  for (let i = 0; i < caret; i++) {
    const c = text[i];
    if (c === '"') {
      i = readWord(text, i) - 1;
    } else if (c === "(") {
      depth++;
    } else if (c === ")") {
      depth = Math.max(0, depth - 1);
    } else if (depth === 0 && (c === "," || ((c === "&" || c === "|") && text[i + 1] === c))) {
      start = c === "," ? i + 1 : i + 2;
      if (c !== ",") i++;
    } else if (depth === 0 && /\s/.test(c)) {
      const m = /^\s(and|or)(?=\s)/i.exec(text.slice(i, caret + 1));
      if (m) {
        start = i + m[0].length;
        i += m[0].length - 1;
      }
    }
  }
  return start;
}

// parseClause splits the clause of text that ends at the caret into the stage being typed:
// {stage: "field", from, partial}, {stage: "op", field, from, partial} or
// {stage: "value", field, op, from, partial}, with from where the partial token starts.
export function parseClause(text, caret) {
  const start = clauseStart(text, caret);
  const s = text.slice(0, caret);
  let i = start;
  while (i < caret && /\s/.test(s[i])) i++;
  const fieldEnd = readWord(s, i);
  if (fieldEnd >= caret) return { stage: "field", from: i, partial: unquote(s.slice(i, caret)) };
  const field = unquote(s.slice(i, fieldEnd));
  let j = fieldEnd;
  while (j < caret && /\s/.test(s[j])) j++;
  const rest = s.slice(j);
  const op = /^(==|!=|<=|>=|=|<|>|not\s+in\s*\(|in\s*\(|exists)/i.exec(rest);
  if (!op || j + op[0].length === caret) return { stage: "op", field, from: j, partial: rest };
  let k = j + op[0].length;
  const opText = op[0].toLowerCase().replace(/\s+/g, " ");
  if (opText === "exists") return { stage: "done" };
  if (opText.endsWith("(")) {
    // Inside a list: the value after the last comma.
    const inner = s.slice(k);
    const comma = inner.lastIndexOf(",");
    if (inner.includes(")")) return { stage: "done" };
    k += comma + 1;
  }
  while (k < caret && /\s/.test(s[k])) k++;
  if (readWord(s, k) < caret) return { stage: "done" };
  return { stage: "value", field, op: opText, from: k, partial: s.slice(k) };
}

// typeOf is the field's main type: its only one, or the first of several.
const typeOf = (f) => f?.types?.[0] || "string";

const fold = (s) => String(s).toLocaleLowerCase();

// suggest lists what may follow at the caret: each {label, note, insert, from, to} replaces
// text[from, to) with insert.
export function suggest(fields, text, caret) {
  if (!Array.isArray(fields) || fields.length === 0) return [];
  const c = parseClause(text, caret);
  const byName = new Map(fields.map((f) => [f.name, f]));
  if (c.stage === "field") {
    const p = fold(c.partial);
    // Names that start with what was typed first, then names that contain it; the most
    // common fields first within each.
    const scored = fields
      .map((f) => ({ f, at: fold(f.name).indexOf(p) }))
      .filter((x) => x.at >= 0)
      .sort((a, b) => (b.at === 0) - (a.at === 0) || b.f.documents - a.f.documents || (a.f.name < b.f.name ? -1 : 1));
    return scored.slice(0, MAX).map(({ f }) => ({
      label: f.name,
      note: `${f.types.join(" | ") || "field"} · ${fmtInt(f.documents)} docs`,
      insert: filterField(f.name) + " ",
      from: c.from,
      to: caret,
    }));
  }
  const f = byName.get(c.field);
  if (!f) return [];
  if (c.stage === "op") {
    const p = fold(c.partial.trim());
    const ops = [...new Set([...(f.types.length ? f.types : ["string"]).flatMap((t) => OPS[t] || []), "exists"])];
    return ops
      .filter((op) => op.startsWith(p) && op !== p)
      .slice(0, MAX)
      .map((op) => ({ label: `${f.name} ${op}`, note: op === "exists" ? "has the field" : "", insert: op === "exists" || op.endsWith("(") ? op : op + " ", from: c.from, to: caret }));
  }
  if (c.stage !== "value") return [];
  const p = fold(c.partial.replace(/^"/, ""));
  const out = [];
  const add = (v, note) => {
    const lit = filterLiteral(v);
    if (out.some((s) => s.insert === lit)) return;
    if (p && !fold(v).startsWith(p) && !fold(lit).startsWith(fold(c.partial))) return;
    if (lit === c.partial) return;
    out.push({ label: `${f.name} ${c.op.replace(/\($/, "(…")} ${lit}`, note, insert: lit, from: c.from, to: caret });
  };
  const numeric = typeOf(f) === "number" || [">", ">=", "<", "<="].includes(c.op);
  if (numeric && f.min !== undefined) {
    add(f.min, "smallest");
    add(f.max, "largest");
  }
  for (const v of f.samples || []) {
    if (numeric && typeof v !== "number") continue;
    add(v, "frequent");
  }
  return out.slice(0, MAX);
}

// FilterSuggest shows suggest's list under the filter input as a listbox: arrows move, Enter
// or Tab takes the highlighted one, Esc closes it; the page's own handlers see a key only
// when the list did not use it.
export class FilterSuggest {
  constructor(input, list, fields) {
    this.input = input;
    this.list = list;
    this.fields = fields; // () => the stats' metadata
    this.items = [];
    this.active = -1;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    list.setAttribute("role", "listbox");
    input.addEventListener("keydown", (e) => this.onKey(e));
    input.addEventListener("input", () => this.refresh());
    input.addEventListener("focus", () => this.refresh());
    input.addEventListener("click", () => this.refresh());
    input.addEventListener("blur", () => this.close());
    list.addEventListener("mousedown", (e) => {
      const li = e.target.closest("li[data-i]");
      if (!li) return;
      e.preventDefault(); // keep the focus in the box
      this.take(Number(li.dataset.i));
    });
  }

  refresh() {
    if (document.activeElement !== this.input) return;
    const caret = this.input.selectionStart ?? this.input.value.length;
    this.items = suggest(this.fields(), this.input.value, caret);
    this.active = -1;
    this.render();
  }

  render() {
    const open = this.items.length > 0;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
    this.input.removeAttribute("aria-activedescendant");
    clear(this.list).append(
      ...this.items.map((s, i) =>
        h(
          "li",
          { id: `filter-suggest-${i}`, role: "option", "aria-selected": String(i === this.active), dataset: { i: String(i) }, class: i === this.active ? "active" : undefined },
          h("span", { class: "s-label" }, s.label),
          s.note ? h("span", { class: "s-note" }, s.note) : null,
        ),
      ),
    );
    if (this.active >= 0) this.input.setAttribute("aria-activedescendant", `filter-suggest-${this.active}`);
  }

  close() {
    this.items = [];
    this.active = -1;
    this.render();
  }

  onKey(e) {
    if (this.list.hidden) return;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        e.preventDefault();
        e.stopPropagation();
        const n = this.items.length;
        this.active = e.key === "ArrowDown" ? (this.active + 1) % n : (this.active - 1 + n) % n;
        this.render();
        break;
      }
      case "Enter":
      case "Tab":
        if (this.active < 0) {
          if (e.key === "Enter") this.close();
          return;
        }
        e.preventDefault();
        e.stopPropagation();
        this.take(this.active);
        break;
      case "Escape":
        e.preventDefault();
        e.stopPropagation();
        this.close();
        break;
    }
  }

  // take puts suggestion i in the box, leaves the caret after it, and tells the page.
  take(i) {
    const s = this.items[i];
    if (!s) return;
    const v = this.input.value;
    this.input.value = v.slice(0, s.from) + s.insert + v.slice(s.to);
    const at = s.from + s.insert.length;
    this.input.setSelectionRange(at, at);
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
  }
}
