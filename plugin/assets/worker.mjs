// The advisor's Web Worker: boots Pyodide from the site itself, unpacks the advisor package and
// passes JSON to advisor.web.handle. It makes no decision of its own.
//
// Messages in:  {id, op: "boot", indexUrl, archive, lock}
//               {id, op: "load", modelUrl, version}
//               {id, op: "call", request}          (request: a JSON string for advisor.web)
// Messages out: {id, ok: true, value} | {id, ok: false, error}

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

async function fetchOk(url, what) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`${what} could not be loaded (${response.status} ${response.statusText || "error"} for ${url})`);
  }
  return response;
}

// Boot Pyodide and the advisor once; reply with where the time went (ms), for the benchmark.
async function boot({ indexUrl, archive, lock, modelUrl }) {
  if (handle) return null;
  const started = performance.now();
  // Fetch the advisor package and the model while Pyodide boots, not after.
  const packageBytes = fetchOk(archive, "The advisor package").then((r) => r.arrayBuffer());
  if (modelUrl) prefetchModel(modelUrl);
  packageBytes.catch(() => {}); // reported below, when it is awaited
  const { loadPyodide } = await import(new URL("pyodide.mjs", indexUrl).href);
  const failed = new Promise((_, reject) => {
    failBoot = (reason) => reject(new Error(`the Python runtime failed to load (${(reason && reason.message) || reason})`));
  });
  try {
    pyodide = await Promise.race([
      loadPyodide({ indexURL: indexUrl, lockFileContents: lock, stdout: () => {}, stderr: () => {} }),
      failed,
    ]);
  } finally {
    failBoot = null;
  }
  const pyodideReady = performance.now();
  const bytes = await packageBytes;
  const packageReady = performance.now();
  const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
  pyodide.unpackArchive(bytes, "zip", { extractDir: sitePackages });
  const web = pyodide.pyimport("advisor.web");
  handle = web.handle;
  const done = performance.now();
  return {
    loadPyodideMs: pyodideReady - started,
    waitPackageMs: packageReady - pyodideReady,
    unpackImportMs: done - packageReady,
  };
}

function call(request) {
  if (!handle) throw new Error("Python is not running yet");
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

async function load({ modelUrl, version }) {
  const text = await prefetchModel(modelUrl);
  // The model's JSON goes to Python as it came, without a parse and re-serialise here.
  return call(`{"op":"load","version":${JSON.stringify(version)},"model":${text}}`);
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
    self.postMessage({ id, ok: false, error: String((error && error.message) || error) });
  }
};
