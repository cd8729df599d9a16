// Number formats shared by the views.
const int = new Intl.NumberFormat("en-US");

export const fmtInt = (n) => int.format(n ?? 0);

export function fmtMs(ms) {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return "";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 10000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

// fmtScore prints a score with four significant digits, whatever its scale (BM25 ~10, RRF ~0.01).
export function fmtScore(x) {
  if (x === undefined || x === null || !Number.isFinite(x)) return "–";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 0.001) return x.toPrecision(4).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return x.toExponential(2);
}

export function fmtBytes(n) {
  if (!Number.isFinite(n)) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export const plural = (n, one, many = one + "s") => `${fmtInt(n)} ${n === 1 ? one : many}`;

// metadataText prints a metadata value the way a filter would write it.
export function metadataText(v) {
  if (Array.isArray(v)) return v.map(metadataText).join(", ");
  if (v !== null && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

// filterLiteral writes a value in the filter syntax: strings always quoted.
export function filterLiteral(v) {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return `"${String(v).replace(/["\\]/g, (c) => "\\" + c)}"`;
}

// filterField writes a field name, quoted when it is not a plain word.
export function filterField(name) {
  return /^[\p{L}\p{N}_.-]+$/u.test(name) && !/^(and|or|not|in|exists)$/i.test(name) && !/^[-+]?\d/.test(name)
    ? name
    : filterLiteral(name);
}
