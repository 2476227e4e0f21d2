// The worker's memory snapshots (worker.mjs boots from them): the build's, fetched and checked
// against what the page says of it, and one this browser keeps in Cache Storage. Neither
// decides anything: a snapshot that fails a check is refused, and the worker boots the stock way.

// The build's memory snapshot (plugin/snapshot.py): Python with the advisor imported and the
// models loaded, and the trimmed standard library it was made with (plugin/stdlib.py), which
// the snapshot boot mounts in place of Pyodide's whole python_stdlib.zip. Both downloads start
// with the boot; `verified` resolves to the snapshot's bytes only when the page says it was
// made for this very Pyodide and both files have the size and SHA-256 the page gives, and
// rejects otherwise (the caller then boots the stock way, with the whole standard library).
// The check overlaps the download of the runtime, which loadPyodide starts before it awaits
// the snapshot. `stdlib` is the checked zip's URL and bytes (for loadPyodide's stdLibURL).
export function fetchSnapshot({ url, pyodide, bytes: size, sha256: digest, stdlib }) {
  const download = new AbortController(); // stopped as soon as the snapshot cannot be used
  const get = (what, fileUrl) => {
    const body = fetch(fileUrl, { signal: download.signal }).then((r) => {
      if (!r.ok) throw new Error(`${what} could not be loaded (${r.status} ${r.statusText || "error"} for ${fileUrl})`);
      return r.arrayBuffer();
    });
    body.catch(() => {});
    return body;
  };
  const check = async (what, body, expected) => {
    const bytes = await body;
    if (bytes.byteLength !== expected.bytes) throw new Error(`${what} has ${bytes.byteLength} bytes, not ${expected.bytes}`);
    if ((await sha256(bytes)) !== expected.sha256) throw new Error(`${what} does not match its SHA-256`);
    return bytes;
  };
  const body = get("The snapshot", url);
  const library = stdlib
    ? check("the snapshot's standard library", get("The snapshot's standard library", stdlib.url), stdlib)
    : Promise.reject(new Error("the page names no standard library for the snapshot"));
  library.catch(() => {});
  const verified = async (pyodideVersion) => {
    if (pyodide !== pyodideVersion) {
      download.abort();
      throw new Error(`the snapshot was made for Pyodide ${pyodide}, not ${pyodideVersion}`);
    }
    const [bytes] = await Promise.all([check("the snapshot", body, { bytes: size, sha256: digest }), library]);
    return bytes;
  };
  return { verified, stdlib: { url: stdlib ? stdlib.url : null, bytes: library } };
}

// While a snapshot boot runs, Pyodide's own download of `url` (its stdLibURL) gets the bytes
// already checked by fetchSnapshot instead of a second download. When they failed their check
// it gets an empty file, never an error: the boot has already failed on the snapshot's check
// by then (loadPyodide awaits it before it mounts anything), and an error here would surface
// later as an unhandled rejection, in the middle of the stock boot. Returns the undo.
export function serveChecked(url, bytes) {
  const plainFetch = self.fetch;
  const target = new URL(url, self.location).href;
  self.fetch = (input, init) => {
    const asked = input instanceof Request ? input.url : String(input);
    if (asked !== target) return plainFetch(input, init);
    return bytes.then((b) => new Response(b), () => new Response(new Uint8Array(0)));
  };
  return () => { self.fetch = plainFetch; };
}

function hex(digest) {
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256(bytes) {
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}

// A snapshot this browser made itself, kept in Cache Storage: when the page names no build
// snapshot (or it fails), the stock boot's interpreter is snapshotted once its model is
// loaded, and later visits boot from that copy. It adds no byte to the site; it is kept per
// runtime folder and advisor archive (both named by version or content), one per site, and
// checked like the build's (Pyodide version, size, SHA-256) before Pyodide gets it.
const STORE = "advisor-snapshots";

export function storeKey(indexUrl, archive) {
  // Under the site's asset folder, so that a new runtime folder replaces the old copy too.
  const site = new URL("../", indexUrl).href;
  return `${site}advisor-snapshot?runtime=${encodeURIComponent(indexUrl)}&archive=${encodeURIComponent(archive)}`;
}

let opened = null;
export function openStore() {
  // None outside secure contexts; null too when the browser refuses storage.
  opened ||= self.caches ? self.caches.open(STORE).catch(() => null) : Promise.resolve(null);
  return opened;
}

// What is kept under `key`: {store, response}, or null.
export async function lookUpStored(key) {
  const store = await openStore();
  const response = store && (await store.match(key).catch(() => null));
  return response ? { store, response } : null;
}

// The stored snapshot's checked bytes (a promise), or null when none is kept.
export async function storedSnapshot(key, lookup, pyodideVersion) {
  const found = await lookup;
  if (!found) return null;
  const { store, response } = found;
  const checked = (async () => {
    const made = response.headers.get("x-advisor-pyodide");
    if (made !== pyodideVersion) throw new Error(`the stored snapshot was made for Pyodide ${made}, not ${pyodideVersion}`);
    const bytes = await response.arrayBuffer();
    const size = Number(response.headers.get("x-advisor-bytes"));
    if (bytes.byteLength !== size) throw new Error(`the stored snapshot has ${bytes.byteLength} bytes, not ${size}`);
    if ((await sha256(bytes)) !== response.headers.get("x-advisor-sha256")) throw new Error("the stored snapshot does not match its SHA-256");
    return bytes;
  })();
  return { bytes: checked, forget: () => store.delete(key).catch(() => {}) };
}

export async function storeSnapshot({ key, version }, bytes) {
  try {
    const digest = await sha256(bytes);
    const store = await openStore();
    if (!store) return;
    const prefix = key.slice(0, key.indexOf("?") + 1);
    for (const old of await store.keys()) {
      if (old.url.startsWith(prefix) && old.url !== key) await store.delete(old); // one per site
    }
    await store.put(key, new Response(bytes, {
      headers: { "content-type": "application/octet-stream", "x-advisor-pyodide": version, "x-advisor-bytes": String(bytes.byteLength), "x-advisor-sha256": digest },
    }));
  } catch (error) {
    // no room: later visits boot the stock way
  }
}
