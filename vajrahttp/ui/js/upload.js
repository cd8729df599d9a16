// The upload panel: a JSONL file goes to the collection as NDJSON in pieces cut at line ends,
// each committed by the server before the next is sent. Memory holds one piece whatever the
// file's size, progress is exact, and a cancel keeps what was already committed.
import { h, clear, $ } from "./dom.js";
import { ApiError, isAbort, postNDJSON } from "./api.js";
import { fmtBytes, fmtInt, plural } from "./format.js";

export const PIECE = 4 << 20;
const NL = 0x0a;

// countLines counts the newline bytes of buf.
function countLines(buf) {
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === NL) n++;
  return n;
}

// nextPiece finds the end of the piece starting at start: the end of the last whole line within
// PIECE bytes, or of the first line if that one is longer. It returns [end, lines in the piece].
export async function nextPiece(file, start, piece = PIECE) {
  let end = Math.min(start + piece, file.size);
  for (;;) {
    const buf = new Uint8Array(await file.slice(start, end).arrayBuffer());
    if (end === file.size) return [end, countLines(buf)];
    const last = buf.lastIndexOf(NL);
    if (last >= 0) return [start + last + 1, countLines(buf.subarray(0, last + 1))];
    end = Math.min(end + piece, file.size);
  }
}

// withoutLine drops the "line N: " a detail starts with: the report says the line in its own
// column.
const withoutLine = (detail) => String(detail ?? "").replace(/^line \d+: /, "");

// Upload drives one file into one collection. Events: progress({sent, total, upserted}),
// done(report).
export class Upload {
  constructor(file, collection, onError, piece = PIECE) {
    this.file = file;
    this.collection = collection;
    this.onError = onError;
    this.piece = piece;
    this.cancelled = false;
    this.current = null;
  }

  cancel() {
    this.cancelled = true;
    this.current?.abort();
  }

  async run(progress) {
    const rep = { upserted: 0, batches: 0, errors: [], error_count: 0, pieces: 0, stopped: null };
    let start = 0;
    let sent = 0;
    let firstLine = 1;
    while (start < this.file.size && !this.cancelled) {
      const [end, lines] = await nextPiece(this.file, start, this.piece);
      progress({ sent: start, total: this.file.size, upserted: rep.upserted, phase: "sending" });
      let res;
      let stop = null;
      const base = start;
      try {
        this.current = postNDJSON(this.collection, this.file.slice(start, end), this.onError, firstLine, (loaded) => {
          sent = base + loaded;
          progress({ sent, total: this.file.size, upserted: rep.upserted, phase: loaded >= end - base ? "committing" : "sending" });
        });
        res = await this.current;
        sent = end;
      } catch (err) {
        if (isAbort(err)) {
          rep.stopped = "cancelled";
          break;
        }
        if (!(err instanceof ApiError)) throw err;
        sent = end;
        // A stopped NDJSON upload answers a problem that still counts what was committed.
        res = err.problem;
        stop = err;
      }
      rep.upserted += res.upserted || 0;
      rep.batches += res.batches || 0;
      rep.error_count += res.error_count || 0;
      // Lines are the file's: each piece went with its first line's number.
      for (const e of res.errors || []) rep.errors.push({ ...e, detail: withoutLine(e.detail) });
      rep.pieces++;
      if (stop) {
        rep.stopped = stop;
        break;
      }
      start = end;
      firstLine += lines;
    }
    this.current = null;
    if (this.cancelled && !rep.stopped) rep.stopped = "cancelled";
    progress({ sent, total: this.file.size, upserted: rep.upserted, phase: "done" });
    return rep;
  }
}

// reportView renders the outcome of an upload.
export function reportView(file, rep) {
  const out = [];
  const ok = !rep.stopped && rep.error_count === 0;
  const head = h("p", { class: `report-head ${ok ? "ok" : rep.stopped ? "bad" : "warn"}` });
  head.append(`${plural(rep.upserted, "document")} added from ${file.name}`);
  if (rep.batches) head.append(` in ${plural(rep.batches, "commit")}`);
  head.append(".");
  out.push(head);
  if (rep.stopped === "cancelled") {
    out.push(h("p", null, "Cancelled: everything sent before was committed and stays."));
  } else if (rep.stopped instanceof ApiError) {
    const e = rep.stopped;
    const at = rep.errors.length ? ` at line ${fmtInt(rep.errors[rep.errors.length - 1].line)}` : "";
    out.push(h("p", { class: "error-text" }, `Stopped${at}: ${withoutLine(e.message)}`, e.code ? h("code", { class: "code" }, e.code) : null));
    if (rep.upserted) out.push(h("p", null, "Every line before it was committed."));
  }
  if (rep.error_count) {
    out.push(h("p", null, `${plural(rep.error_count, "line")} rejected${rep.error_count > rep.errors.length ? ` (first ${rep.errors.length} listed)` : ""}:`));
    out.push(
      h(
        "table",
        { class: "errors" },
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "line"), h("th", { scope: "col" }, "code"), h("th", { scope: "col" }, "what"))),
        h(
          "tbody",
          null,
          rep.errors.slice(0, 200).map((e) => h("tr", null, h("td", null, fmtInt(e.line)), h("td", null, h("code", null, e.code)), h("td", null, e.detail))),
        ),
      ),
    );
  }
  return out;
}

// UploadPanel wires the drop zone, the file input and the progress display.
export class UploadPanel {
  constructor({ collection, onDone }) {
    this.collection = collection; // () => {name, read_only} of the selected collection
    this.onDone = onDone;
    this.active = null;
    const drop = $("#drop");
    const input = $("#file");
    drop.addEventListener("dragover", (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      const file = e.dataTransfer?.files?.[0];
      if (file) this.start(file);
    });
    drop.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        input.click();
      }
    });
    drop.addEventListener("click", (e) => {
      if (e.target === drop || !e.target.closest("label")) input.click();
    });
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      input.value = "";
      if (file) this.start(file);
    });
    $("#upload-cancel").addEventListener("click", () => this.active?.cancel());
  }

  // refresh shows which collection uploads go to and whether it takes them.
  refresh() {
    const c = this.collection();
    $("#upload-target").textContent = c?.name || "…";
    const note = $("#upload-note");
    const blocked = !c || c.read_only;
    note.hidden = !blocked;
    note.textContent = !c ? "Pick or create a collection first." : c.read_only ? `${c.name} is read-only (built in). Create a collection below to add documents.` : "";
    $("#drop").classList.toggle("disabled", blocked);
    $("#drop").setAttribute("aria-disabled", String(blocked));
    $("#file").disabled = blocked;
  }

  async start(file) {
    const c = this.collection();
    if (!c || c.read_only || this.active) return;
    const upload = new Upload(file, c.name, $("#on-error").value);
    this.active = upload;
    const box = $("#upload-progress");
    const bar = $("#upload-bar");
    box.hidden = false;
    $("#upload-cancel").hidden = false;
    clear($("#upload-result"));
    $("#upload-file").textContent = `${file.name} · ${fmtBytes(file.size)}`;
    const t0 = performance.now();
    const show = ({ sent, total, upserted, phase }) => {
      bar.max = Math.max(1, total);
      bar.value = sent;
      const secs = (performance.now() - t0) / 1000;
      const rate = secs > 0.5 ? ` · ${fmtBytes(sent / secs)}/s` : "";
      $("#upload-numbers").textContent = `${fmtBytes(sent)} of ${fmtBytes(total)}${rate}`;
      $("#upload-phase").textContent =
        phase === "done" ? `${plural(upserted, "document")} added` : `${phase === "committing" ? "committing" : "sending"} · ${plural(upserted, "document")} added so far`;
    };
    let rep;
    try {
      rep = await upload.run(show);
    } catch (err) {
      rep = { upserted: 0, batches: 0, errors: [], error_count: 0, stopped: err instanceof ApiError ? err : new ApiError(0, { detail: String(err) }) };
    }
    this.active = null;
    $("#upload-cancel").hidden = true;
    clear($("#upload-result")).append(...reportView(file, rep));
    this.onDone?.(rep);
  }
}
