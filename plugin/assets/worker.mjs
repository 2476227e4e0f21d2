// The advisor's Web Worker: boots Pyodide from the site itself, unpacks the advisor package and
// passes JSON to advisor.web.handle. It makes no decision of its own.
//
// Messages in:  {id, op: "boot", indexUrl, archive, lock, modelUrl,
//                snapshot: {url, pyodide, bytes, sha256, stdlib: {url, bytes, sha256}} | null}
//               (reply: where the boot time went, and `snapshot`: "used" (the build's),
//               "stored" (one this browser kept from an earlier visit), null (none named or
//               kept) or why the one tried could not be used)
//               {id, op: "load", modelUrl, version}
//               {id, op: "call", request}          (request: a JSON string for advisor.web)
// Messages out: {id, ok: true, value} | {id, ok: false, error}
//               {progress: bytes}                  (bytes of the runtime's files arrived)

import { countDownloads, downloaded } from "./download.mjs";
import { fetchSnapshot, lookUpStored, openStore, serveChecked, sha256, storedSnapshot, storeKey, storeSnapshot } from "./snapshots.mjs";

let pyodide = null;
let handle = null;
let failBoot = null;

// Pyodide reports some boot failures (the wasm file missing, truncated or refused) only as an
// unhandled rejection and then never settles: turn that into a failed boot, at once.
self.addEventListener("unhandledrejection", (event) => {
  if (failBoot) {
    event.preventDefault();
    failBoot(event.reason);
  }
});

// Pyodide 314 swallows a failed WebAssembly compile (garbage or a wrong MIME type served as
// the wasm): it logs a warning and never settles, and the reader would wait the whole boot
// limit. Watch the compile itself, and fail the boot at once when it fails.
for (const name of ["instantiateStreaming", "instantiate"]) {
  const original = WebAssembly[name];
  if (typeof original !== "function") continue;
  WebAssembly[name] = function (...args) {
    const compiled = original.apply(this, args);
    compiled.catch((error) => {
      if (failBoot) failBoot(new Error(`pyodide.asm.wasm: ${error.message}`));
    });
    return compiled;
  };
}

// The page's "… MB loaded": every download counted, from before Pyodide starts.
countDownloads((bytes) => self.postMessage({ progress: bytes }));

// A Python exception reaches the page as its last line ("ModuleNotFoundError: No module named
// 'advisor'"), never as a traceback.
function plain(error) {
  const text = String((error && error.message) || error);
  if (!/Traceback \(most recent call last\)/.test(text)) return text;
  const lines = text.trim().split("\n").map((line) => line.trim()).filter(Boolean);
  return lines[lines.length - 1];
}

// Python that exits while starting leaves only "Program terminated with exit(1)"; what it
// printed says why. A standard library that does not import means the site serves runtime
// files of different builds (python_stdlib.zip from another Pyodide, or damaged).
function explainExit(error, said) {
  const message = plain(error);
  if (!/Program terminated|exit\(\d+\)/.test(message)) return error;
  const fatal = said.map((line) => line.trim()).filter((line) => /^Fatal Python error/.test(line)).pop();
  const why = fatal ? ` (Python said: “${fatal}”)` : "";
  if (said.some((line) => /encodings|python_stdlib|stdlib/.test(line))) {
    return new Error(`Python stopped while starting${why}: the standard library this site serves (python_stdlib.zip) does not belong to its Pyodide, or is damaged. Fix: publish the whole built site again, so that every runtime file comes from one build`);
  }
  return new Error(`Python stopped while starting${why}. Fix: publish the whole built site again, so that every runtime file comes from one build`);
}

async function fetchOk(url, what) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${what} could not be loaded (${response.status} ${response.statusText || "error"} for ${url})`);
  }
  return response;
}

let mayStore = null; // {key, version} after a stock boot that can keep a snapshot
let mayRenew = null; // the same after a boot from the kept copy: renewed if a model was not in it
let toStore = null; // the same, once a model is loaded: the snapshot is due

// Taken right after the model's load and before any answer reaches Python (a call that comes
// first takes it first), so the copy holds the engine and the models, nothing the reader chose.
function takeSnapshot() {
  if (!toStore) return;
  const job = toStore;
  toStore = null;
  let bytes;
  try {
    bytes = pyodide.makeMemorySnapshot();
  } catch (error) {
    return; // Pyodide cannot snapshot this interpreter: later visits boot the stock way
  }
  storeSnapshot(job, bytes);
}

// `loading`, or a failure Pyodide reports only as an unhandled rejection (see above).
async function withBootFailure(loading) {
  const failed = new Promise((_, reject) => {
    failBoot = (reason) => reject(new Error(`the Python runtime failed to load (${(reason && reason.message) || reason})`));
  });
  try {
    return await Promise.race([loading, failed]);
  } finally {
    failBoot = null;
  }
}

// Boot Pyodide and the advisor once; reply with where the time went (ms), for the benchmark.
async function boot({ indexUrl, archive, lock, modelUrl, snapshot }) {
  if (handle) return null;
  const started = performance.now();
  // Fetch the advisor package and the model while Pyodide boots, not after.
  const packageBytes = fetchOk(archive, "The advisor package").then((r) => r.arrayBuffer());
  if (modelUrl) prefetchModel(modelUrl);
  packageBytes.catch(() => {}); // reported below, when it is awaited
  const key = storeKey(indexUrl, archive);
  const lookup = lookUpStored(key); // Cache Storage, looked up while pyodide.mjs loads
  const { loadPyodide, version } = await import(new URL("pyodide.mjs", indexUrl).href);
  // After that import, not before: a download started at the worker's first instant is never
  // seen by Playwright's request routing, which the fallback tests rely on; it costs one
  // small request's time.
  const fetched = snapshot ? fetchSnapshot(snapshot) : null;
  const said = []; // Python's last lines on stderr while it starts, to explain an exit
  const stderr = (line) => { said.push(line); if (said.length > 20) said.shift(); };
  const options = { indexURL: indexUrl, lockFileContents: lock, stdout: () => {}, stderr };
  let snapshotUsed = null;
  let storeWaitMs = 0; // before a stock boot: looking in Cache Storage for a kept copy
  const tried = []; // why each snapshot tried could not be used
  const fromSnapshot = async (bytes, extra = {}, stdlib = null) => {
    bytes.catch(() => {}); // loadPyodide awaits it; a rejection here is no runtime failure
    try {
      pyodide = await withBootFailure(loadPyodide({ ...options, ...extra, _loadSnapshot: bytes }));
      // The pair: Python's memory holds the table of contents of the zip it was made with.
      if (stdlib && pyodide.globals.get("_snapshot_stdlib") !== stdlib) {
        throw new Error("the snapshot was made with another standard library than the one the page names");
      }
      pyodide.runPython("import random; random.seed()");
      return true;
    } catch (error) {
      pyodide = null;
      tried.push(String((error && error.message) || error));
      return false;
    }
  };
  if (fetched) {
    // The build's snapshot boots with the trimmed standard library it was made with; the
    // stock boot and the kept copy (made from a stock boot) keep Pyodide's whole one.
    const undo = fetched.stdlib.url ? serveChecked(fetched.stdlib.url, fetched.stdlib.bytes) : () => {};
    try {
      if (await fromSnapshot(fetched.verified(version), { stdLibURL: fetched.stdlib.url }, snapshot.stdlib && snapshot.stdlib.sha256)) snapshotUsed = "used";
    } finally {
      undo();
    }
  }
  const looking = performance.now();
  if (!pyodide) {
    const stored = await storedSnapshot(key, lookup, version);
    // Able to snapshot again: a page whose model changed since the copy was made replaces it.
    if (stored && (await fromSnapshot(stored.bytes, { _makeSnapshot: true }))) {
      snapshotUsed = "stored";
      mayRenew = { key, version };
    }
    else if (stored) stored.forget(); // never tried again
  }
  if (!pyodide) {
    said.length = 0;
    const canStore = (await openStore()) !== null;
    storeWaitMs = performance.now() - looking;
    try {
      pyodide = await withBootFailure(loadPyodide({ ...options, _makeSnapshot: canStore }));
    } catch (error) {
      throw explainExit(error, said);
    }
    if (canStore) mayStore = { key, version };
  }
  const pyodideReady = performance.now();
  const bytes = await packageBytes;
  const packageReady = performance.now();
  try {
    if (!snapshotUsed) {
      const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
      pyodide.unpackArchive(bytes, "zip", { extractDir: sitePackages });
    }
    handle = pyodide.pyimport("advisor.web").handle;
  } catch (error) {
    throw new Error(`the advisor package could not be loaded (${plain(error)})`);
  }
  self.postMessage({ progress: downloaded() });
  const done = performance.now();
  return {
    loadPyodideMs: pyodideReady - started,
    waitPackageMs: packageReady - pyodideReady,
    unpackImportMs: done - packageReady,
    storeWaitMs,
    snapshot: snapshotUsed || (tried.length ? tried.join("; ") : null), // null: none to try
  };
}

function call(request) {
  if (!handle) throw new Error("Python is not running yet");
  takeSnapshot();
  return handle(request);
}

const models = new Map(); // model URL -> promise of its JSON text

function prefetchModel(modelUrl) {
  if (!models.has(modelUrl)) {
    const text = fetchOk(modelUrl, "The guide model").then((r) => r.text());
    text.catch(() => models.delete(modelUrl)); // a retry fetches again
    models.set(modelUrl, text);
  }
  return models.get(modelUrl);
}

async function load({ modelUrl, version, expect }) {
  const text = await prefetchModel(modelUrl);
  const head = `{"op":"load","version":${JSON.stringify(version)},"expect":${JSON.stringify(expect)},"source":"${await sha256(new TextEncoder().encode(text))}"`;
  // An interpreter from a snapshot holds the model of this very file already: no parse.
  let reply = call(`${head}}`);
  if (JSON.parse(reply).error?.type === "UnknownSource") {
    // The model's JSON goes to Python as it came, without a parse and re-serialise here.
    reply = call(`${head},"model":${text}}`);
  }
  const loaded = JSON.parse(reply);
  if (mayRenew && loaded.ok && !loaded.reused) mayStore = mayRenew;
  mayRenew = null; // the first load only: later ones may follow the reader's answers
  if (mayStore && loaded.ok) {
    [toStore, mayStore] = [mayStore, null];
    setTimeout(takeSnapshot, 0); // after this reply
  }
  return reply;
}

self.onmessage = async (event) => {
  const { id, op } = event.data;
  try {
    let value;
    if (op === "boot") value = await boot(event.data);
    else if (op === "load") value = await load(event.data);
    else if (op === "call") value = call(event.data.request);
    else throw new Error(`unknown operation ${op}`);
    self.postMessage({ id, ok: true, value });
  } catch (error) {
    self.postMessage({ id, ok: false, error: plain(error) });
  }
};
