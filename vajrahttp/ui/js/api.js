// The JSON API under /v1, with the bearer key of this tab and problem+json errors as ApiError.

const KEY = "vajra.key";

// ApiError is a problem document (RFC 9457) the server answered, or a network failure.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = problem.code || (status === 0 ? "network" : "http");
    this.field = problem.field;
    this.position = problem.position;
    this.problem = problem;
  }
}

export const isAbort = (err) => err?.name === "AbortError";

// Key storage: sessionStorage, so a key lives as long as the tab and never reaches disk.
export function getKey() {
  try {
    return sessionStorage.getItem(KEY) || "";
  } catch {
    return "";
  }
}

export function setKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY, key);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage can be off (private modes); the key then lasts until the page reloads.
  }
  memoryKey = key;
}

let memoryKey = "";

export function authHeaders() {
  const key = getKey() || memoryKey;
  return key ? { Authorization: `Bearer ${key}` } : {};
}

export const collectionPath = (name) => `/v1/collections/${encodeURIComponent(name)}`;

// problemOf reads an error body: a problem document, or whatever text came back.
async function problemOf(res) {
  const text = await res.text().catch(() => "");
  try {
    const p = JSON.parse(text);
    if (p && typeof p === "object") return p;
  } catch {
    // not JSON: fall through
  }
  return { title: res.statusText, detail: text.trim() || `HTTP ${res.status}` };
}

// request sends a JSON request and returns the decoded answer (null for 204).
export async function request(path, { method = "GET", body, signal, headers } = {}) {
  const init = { method, signal, headers: { Accept: "application/json", ...authHeaders(), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" || body instanceof Blob ? body : JSON.stringify(body);
    if (!init.headers["Content-Type"]) init.headers["Content-Type"] = "application/json";
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(0, { title: "Network error", detail: `the server did not answer (${err.message})` });
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  if (res.status === 204) return null;
  return res.json();
}

export const listCollections = (signal) => request("/v1/collections", { signal });
export const collectionStats = (name, signal) => request(collectionPath(name), { signal });
export const getDocument = (name, id, signal) =>
  request(`${collectionPath(name)}/documents/${encodeURIComponent(id)}`, { signal });
export const createCollection = (name, spec) => request(collectionPath(name), { method: "PUT", body: spec });

// search runs one search and adds the round trip time (ms) to the answer.
export async function search(name, body, signal) {
  const t0 = performance.now();
  const res = await request(`${collectionPath(name)}/search`, { method: "POST", body, signal });
  res.round_trip_ms = performance.now() - t0;
  return res;
}

// postNDJSON sends a slice of a file as NDJSON with upload progress (fetch has no upload
// progress, and streamed fetch bodies need HTTP/2); firstLine is the file's line number of the
// slice's first line, so the server's line numbers are the file's. onProgress gets the bytes
// sent so far. The returned promise has abort().
export function postNDJSON(name, blob, onError, firstLine, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", `${collectionPath(name)}/documents?on_error=${encodeURIComponent(onError)}&first_line=${firstLine}`);
    xhr.setRequestHeader("Content-Type", "application/x-ndjson");
    xhr.setRequestHeader("Accept", "application/json");
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
    xhr.onload = () => {
      let body;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { detail: xhr.responseText.trim() || `HTTP ${xhr.status}` };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(new ApiError(0, { title: "Network error", detail: "the upload was cut off" }));
    xhr.onabort = () => reject(new DOMException("upload cancelled", "AbortError"));
    xhr.send(blob);
  });
  promise.abort = () => xhr.abort();
  return promise;
}
