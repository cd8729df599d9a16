// Highlights arrive as [start, end) UTF-8 byte offsets into the text the server sent. The
// browser's strings are UTF-16, so offsets are resolved on the UTF-8 bytes and each piece is
// decoded back: a highlight never splits a character, whatever the script.
import { h } from "./dom.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false });

// normalizeRanges sorts ranges, clamps them to [0, length], drops empty or malformed ones and
// merges overlaps, so that a bad range from anywhere cannot break the rendering.
export function normalizeRanges(ranges, length) {
  if (!Array.isArray(ranges)) return [];
  const ok = ranges
    .filter((r) => Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]))
    .map(([a, b]) => [Math.max(0, Math.min(a, length)), Math.max(0, Math.min(b, length))])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out = [];
  for (const r of ok) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

// continuation says whether b is a UTF-8 continuation byte (10xxxxxx).
const continuation = (b) => (b & 0xc0) === 0x80;

// snap moves a byte offset back to the start of the character it falls in.
function snap(bytes, i) {
  while (i > 0 && i < bytes.length && continuation(bytes[i])) i--;
  return i;
}

// segments splits text into [{text, mark}] pieces following byte ranges.
export function segments(text, ranges) {
  const str = String(text ?? "");
  const bytes = encoder.encode(str);
  const rs = normalizeRanges(ranges, bytes.length);
  if (rs.length === 0) return str ? [{ text: str, mark: false }] : [];
  const out = [];
  let at = 0;
  for (const [a0, b0] of rs) {
    const a = snap(bytes, a0);
    const b = snap(bytes, b0);
    if (a < at || b <= a) continue;
    if (a > at) out.push({ text: decoder.decode(bytes.subarray(at, a)), mark: false });
    out.push({ text: decoder.decode(bytes.subarray(a, b)), mark: true });
    at = b;
  }
  if (at < bytes.length) out.push({ text: decoder.decode(bytes.subarray(at)), mark: false });
  return out;
}

// highlighted returns a fragment of text nodes with <mark> around the highlighted ranges.
export function highlighted(text, ranges) {
  const frag = document.createDocumentFragment();
  for (const seg of segments(text, ranges)) {
    frag.append(seg.mark ? h("mark", null, seg.text) : document.createTextNode(seg.text));
  }
  return frag;
}

// charIndex converts a byte offset into text to a UTF-16 index (for the filter error caret).
export function charIndex(text, byteOffset) {
  const bytes = encoder.encode(String(text ?? ""));
  const at = snap(bytes, Math.max(0, Math.min(byteOffset, bytes.length)));
  return decoder.decode(bytes.subarray(0, at)).length;
}
