// Make a Pyodide memory snapshot of an interpreter that has the advisor imported and the
// guide's models loaded, for the quiz's worker to boot from (plugin/snapshot.py runs this).
//
//   node plugin/snapshot.mjs SPEC.json
//
// SPEC: {"runtime": DIR, "archive": ZIP, "stdlib": ZIP, "models": [JSON file, ...], "out": FILE}
//
// "stdlib" is the trimmed standard library (plugin/stdlib.py) that the worker boots the
// snapshot with. Python keeps the table of contents of the standard library's zip in its
// memory, so the snapshot is made with that very zip mounted, never with Pyodide's whole one.
//
// Pyodide's snapshot API is private (`_makeSnapshot`, `makeMemorySnapshot`, `_loadSnapshot`):
// tests/plugin/test_snapshot.py and the browser tests pin what the guide relies on.
//
// The snapshot is the interpreter's whole WebAssembly memory. To make it the same bytes on
// every build, everything that differs between two runs is fixed here: the hash seed, the
// random module's seed, and the clock that Python reads at start-up is left out of the heap by
// not keeping any value computed from it (see `settle` below).
import nodeCrypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

function fail(message) {
  console.error(`snapshot.mjs: ${message}`);
  process.exit(2);
}

// What differs between two runs, made the same: entropy (Python seeds its hash secret, the
// random module and its allocator's free-list keys from it), the wall clock (file times in
// Pyodide's in-memory file system, stat results) and the monotonic clock.
function fixTheWorld() {
  let state = 0x9e3779b9;
  const next = () => {
    // xorshift32: not for secrets; nothing in the snapshot guards a secret
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state;
  };
  const fill = (view) => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
    return view;
  };
  nodeCrypto.randomFillSync = fill; // what Pyodide's getentropy calls under Node
  globalThis.crypto.getRandomValues = fill;
  Math.random = () => next() / 2 ** 32;
  const EPOCH = Date.UTC(2000, 0, 1);
  Date.now = () => EPOCH;
  let tick = 0;
  performance.now = () => (tick += 0.001);
}

// Memory the allocator has taken back still holds what was there (source text read from the
// standard library's zip, the parser's trees, the models' JSON): bytes gzip cannot shrink,
// which every reader downloads. Allocating zero-filled blocks until the allocator has to take
// new memory (its break moves) overwrites those free blocks with zeros; freeing them leaves
// the interpreter as it was. The snapshot keeps its size (no memory is added) and its `.gz`
// copy loses about 0.6 MB (6.2 to 5.5 MB). Blocks of 2 kB are above Python's small-object
// allocator, so they come from the C allocator's free lists.
function scrubFreeMemory(pyodide) {
  const heap = pyodide._module; // private, as is the snapshot API: the tests pin what is used
  const breakAt = heap._emscripten_get_sbrk_ptr();
  const brk = () => heap.HEAPU32[breakAt >>> 2];
  const size = heap.HEAPU8.buffer.byteLength;
  const start = brk();
  pyodide.runPython("_scrub = []\ndef _scrub_one(n):\n    _scrub.append(bytearray(n))");
  const one = pyodide.globals.get("_scrub_one");
  for (let n = 0; brk() === start && n < 100_000; n++) one(2048);
  one.destroy();
  pyodide.runPython("del _scrub, _scrub_one; import gc; gc.collect()");
  if (heap.HEAPU8.buffer.byteLength !== size) fail("scrubbing free memory grew the heap");
}

async function main() {
  if (process.argv.length !== 3) fail("usage: node plugin/snapshot.mjs SPEC.json");
  fixTheWorld();
  const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf-8"));
  const runtime = path.resolve(spec.runtime) + path.sep;
  const { loadPyodide, version } = await import(path.join(runtime, "pyodide.mjs"));
  const lock = JSON.parse(fs.readFileSync(path.join(runtime, "pyodide-lock.json"), "utf-8"));
  const pyodide = await loadPyodide({
    indexURL: runtime,
    stdLibURL: path.resolve(spec.stdlib),
    lockFileContents: { info: lock.info, packages: {} },
    env: { PYTHONHASHSEED: "0" },
    stdout: (line) => console.error(`python: ${line}`),
    stderr: (line) => console.error(`python: ${line}`),
    _makeSnapshot: true,
  });
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
  pyodide.unpackArchive(new Uint8Array(fs.readFileSync(spec.archive)), "zip",
    { extractDir: sitePackages });
  // Each model with the SHA-256 of its file, which the worker sends to find it loaded.
  pyodide.globals.set("_model_texts", pyodide.toPy(spec.models.map((file) => {
    const bytes = fs.readFileSync(file);
    return [bytes.toString("utf-8"), nodeCrypto.createHash("sha256").update(bytes).digest("hex")];
  })));
  // Import every browser module of the advisor and load each model as the worker would, so
  // that the reader's first request finds the code compiled and the memo tables built.
  const loaded = pyodide.runPython(`
import importlib, json, pkgutil, random
importlib.invalidate_caches()  # the clock stands still: directory times cannot tell
import advisor
for _info in sorted(pkgutil.iter_modules(advisor.__path__), key=lambda m: m.name):
    importlib.import_module(f"advisor.{_info.name}")
from advisor.web import handle as _handle
_replies = [json.loads(_handle(json.dumps({"op": "load", "version": None, "source": s,
                                           "model": json.loads(t)})))
            for t, s in _model_texts]
del _model_texts
random.seed(0)
[r.get("model") if r.get("ok") else "error: " + r["error"]["message"] for r in _replies]
`).toJs();
  const errors = loaded.filter((m) => String(m).startsWith("error: "));
  if (errors.length) fail(`a model does not load in Pyodide: ${errors.join("; ")}`);
  pyodide.runPython("del _replies, _info, _handle; import gc; gc.collect()");
  // The standard library's SHA-256, kept in the snapshot: the worker boots it only with that zip.
  pyodide.globals.set("_snapshot_stdlib",
    nodeCrypto.createHash("sha256").update(fs.readFileSync(spec.stdlib)).digest("hex"));
  scrubFreeMemory(pyodide);
  const snapshot = pyodide.makeMemorySnapshot();
  fs.writeFileSync(spec.out, snapshot);
  console.log(JSON.stringify({ pyodide: version, bytes: snapshot.length, models: loaded }));
}

main().then(() => process.exit(0), (error) => fail(String((error && error.stack) || error)));
