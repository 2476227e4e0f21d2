// Run the engine's unit tests, and optionally the CPython/Pyodide equivalence snapshot, inside
// real Pyodide (node_modules/pyodide, the runtime the guide ships) under Node, in ONE boot.
//
//   node tests/pyodide/run.mjs [--wheels DIR] [--models FILE.json --snapshot OUT.json]
//                              [--paths-only] [--report OUT.json]
//                              [--memory-snapshot FILE --stdlib ZIP]
//                              [-- PYTEST ARGS...]
//
// PYTEST ARGS naming tests (tests/unit/test_engine.py, ...) replace the default tests/unit.
//
// - Boots Pyodide offline from node_modules/pyodide: no loadPackage, no micropip, no CDN.
//   With --memory-snapshot, boots from that memory snapshot (plugin/snapshot.py: the advisor
//   already imported, the models loaded), as the quiz's worker does: the tests then run
//   against the snapshot's advisor modules. The report's "boot" says which boot it was.
//   --stdlib is the trimmed standard library the snapshot was made with (plugin/stdlib.py),
//   mounted as the worker mounts it: the equivalence snapshot runs with it alone. Pytest then
//   needs more of the standard library than the advisor (unittest, pdb, ...): Pyodide's whole
//   zip is then searched last, for pytest, and the report lists what came from there.
// - Installs every wheel in --wheels (default .cache/pyodide-wheels, filled by
//   scripts/setup.sh: pytest and its dependencies, hypothesis, PyYAML) with unpackArchive.
//   PyYAML's wheel is a CPython one: its C accelerator is deleted, its pure-Python code stays.
// - Copies the engine, its unit tests and their data into Pyodide's file system at /repo.
// - With --models (JSON: {name: model data}), writes tests.pyodide.equivalence.snapshot() of
//   them to --snapshot, before pytest runs, in a fresh interpreter as in the browser; with
//   --paths-only, without its every_combination part (every answer path and state stays).
// - Runs pytest.main on tests/unit with tests.pyodide.pyodide_plugin (which skips, with a
//   reason, what cannot run in Pyodide) and exits with pytest's status (1 if the snapshot
//   failed). --report gets the plugin's JSON summary: counts, skips and their reasons.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYODIDE_DIR = path.join(REPO, "node_modules", "pyodide");
// What the unit tests need, relative to the repository (directories are copied whole).
const COPY = ["pyproject.toml", "advisor", "docs/models", "tests/__init__.py", "tests/unit",
  "tests/broken_models", "tests/pyodide"];
const ROOT = "/repo";

function parseArgs(argv) {
  const opts = { wheels: path.join(REPO, ".cache", "pyodide-wheels"), pytest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") { opts.pytest = argv.slice(i + 1); break; }
    if (arg === "--paths-only") { opts.pathsOnly = true; continue; }
    const name = { "--wheels": "wheels", "--models": "models", "--snapshot": "snapshot",
      "--report": "report", "--memory-snapshot": "memorySnapshot", "--stdlib": "stdlib" }[arg];
    if (!name || i + 1 >= argv.length) {
      console.error(`run.mjs: unknown or incomplete argument ${arg}`);
      process.exit(2);
    }
    opts[name] = path.resolve(argv[++i]);
  }
  if (Boolean(opts.memorySnapshot) !== Boolean(opts.stdlib)) {
    console.error("run.mjs: --memory-snapshot and --stdlib go together");
    process.exit(2);
  }
  if (Boolean(opts.models) !== Boolean(opts.snapshot)) {
    console.error("run.mjs: --models and --snapshot go together");
    process.exit(2);
  }
  return opts;
}

function copyTree(FS, from, to) {
  const stat = fs.statSync(from);
  if (stat.isDirectory()) {
    FS.mkdirTree(to);
    let files = 0;
    for (const name of fs.readdirSync(from)) {
      if (name === "__pycache__" || name.startsWith(".")) continue;
      files += copyTree(FS, path.join(from, name), `${to}/${name}`);
    }
    return files;
  }
  if (from.endsWith(".pyc")) return 0;
  FS.mkdirTree(path.posix.dirname(to));
  FS.writeFile(to, new Uint8Array(fs.readFileSync(from)));
  return 1;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(PYODIDE_DIR, "pyodide.mjs"))) {
    console.error(`run.mjs: ${PYODIDE_DIR} is missing: run npm ci (scripts/setup.sh)`);
    return 2;
  }
  const wheels = fs.existsSync(opts.wheels)
    ? fs.readdirSync(opts.wheels).filter((f) => f.endsWith(".whl")).sort() : [];
  if (!wheels.some((f) => f.startsWith("pytest-"))) {
    console.error(`run.mjs: no pytest wheel in ${opts.wheels}: run scripts/setup.sh`);
    return 2;
  }

  const started = Date.now();
  const { loadPyodide } = await import(path.join(PYODIDE_DIR, "pyodide.mjs"));
  const pyodide = await loadPyodide({
    indexURL: PYODIDE_DIR + path.sep,
    ...(opts.memorySnapshot ? { _loadSnapshot: new Uint8Array(fs.readFileSync(opts.memorySnapshot)), stdLibURL: opts.stdlib } : {}),
  });
  // Which advisor modules Python holds before this script has given it any file.
  const boot = {
    memorySnapshot: Boolean(opts.memorySnapshot),
    preloaded: pyodide.runPython(
      "import sys; sorted(m for m in sys.modules if m == 'advisor' or m.startswith('advisor.'))").toJs(),
  };
  if (opts.memorySnapshot) pyodide.runPython("import random; random.seed()"); // as the worker does
  pyodide.setStdout({ write: (buf) => { process.stdout.write(buf); return buf.length; } });
  pyodide.setStderr({ write: (buf) => { process.stderr.write(buf); return buf.length; } });
  const booted = Date.now();

  const site = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  for (const wheel of wheels) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(opts.wheels, wheel)));
    pyodide.unpackArchive(bytes, "wheel", { extractDir: site });
  }
  // Native code from CPython wheels (PyYAML's _yaml...-linux-gnu.so) cannot load in
  // WebAssembly: delete it, keep the pure-Python part (PyYAML then uses its Python loader).
  pyodide.runPython(`
import pathlib
for so in pathlib.Path(${JSON.stringify(site)}).rglob("*-linux-gnu.so"):
    so.unlink()
`);
  let files = 0;
  for (const rel of COPY) {
    const from = path.join(REPO, rel);
    if (fs.existsSync(from)) files += copyTree(pyodide.FS, from, `${ROOT}/${rel}`);
  }
  pyodide.runPython(`
import os, sys
os.chdir(${JSON.stringify(ROOT)})
sys.path.insert(0, ${JSON.stringify(ROOT)})
sys.dont_write_bytecode = True
`);
  if (opts.memorySnapshot) {
    // The snapshot's modules stay as imported; the modules the browser never gets (cli,
    // source) come from the copy, as does everything else after a restore: the snapshot holds
    // Python's memory, not its file system.
    pyodide.runPython(`import advisor; advisor.__path__.insert(0, ${JSON.stringify(`${ROOT}/advisor`)})`);
  }
  console.log(`run.mjs: ${pyodide.runPython("import sys; sys.version")} on ` +
    `${pyodide.runPython("import sys; sys.platform")} (Pyodide ${pyodide.version}); ` +
    `booted in ${((booted - started) / 1000).toFixed(1)} s; ${wheels.length} wheels, ` +
    `${files} project files`);

  let failed = false;
  if (opts.models) {
    const t0 = Date.now();
    pyodide.FS.writeFile("/tmp/models.json", fs.readFileSync(opts.models, "utf-8"));
    try {
      const text = pyodide.runPython(`
import json
from tests.pyodide.equivalence import snapshot
with open("/tmp/models.json", encoding="utf-8") as f:
    _snap = snapshot(json.load(f), every_combination=${opts.pathsOnly ? "False" : "True"})
json.dumps(_snap, ensure_ascii=False)
`);
      fs.writeFileSync(opts.snapshot, text);
      console.log(`run.mjs: equivalence snapshot written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      console.error(`run.mjs: the equivalence snapshot failed:\n${err}`);
      failed = true;
    }
  }

  if (opts.stdlib) {
    pyodide.FS.writeFile("/lib/whole_stdlib.zip", new Uint8Array(fs.readFileSync(path.join(PYODIDE_DIR, "python_stdlib.zip"))));
    // Last on sys.meta_path: only what no other finder finds, including modules of packages
    // the trimmed zip holds in part (xml.etree beside the trimmed zip's xml.parsers).
    pyodide.runPython(`
import sys, zipimport
class _WholeStdlib:
    @staticmethod
    def find_spec(name, path=None, target=None):
        folder = name.rpartition(".")[0].replace(".", "/")
        try:
            found = zipimport.zipimporter("/lib/whole_stdlib.zip/" + folder)
        except zipimport.ZipImportError:
            return None
        return found.find_spec(name)
sys.meta_path.append(_WholeStdlib)
`);
  }
  const t1 = Date.now();
  const args = ["-p", "tests.pyodide.pyodide_plugin", "-p", "no:cacheprovider",
    "--pyodide-report", "/tmp/report.json", ...opts.pytest];
  if (!opts.pytest.some((a) => a.startsWith("tests/"))) args.push("tests/unit");
  pyodide.globals.set("pytest_args", pyodide.toPy(args));
  const status = pyodide.runPython(`
import pytest
int(pytest.main(list(pytest_args)))
`);
  const seconds = ((Date.now() - t1) / 1000).toFixed(1);
  let summary = "";
  if (pyodide.FS.analyzePath("/tmp/report.json").exists) {
    const r = JSON.parse(pyodide.FS.readFile("/tmp/report.json", { encoding: "utf8" }));
    r.boot = boot;
    if (opts.stdlib) {
      boot.fromWholeStdlib = pyodide.runPython(
        "import sys; sorted(n for n, m in list(sys.modules.items()) if (getattr(m, '__file__', None) or '').startswith('/lib/whole_stdlib.zip/'))").toJs();
    }
    if (opts.report) fs.writeFileSync(opts.report, JSON.stringify(r, null, 1));
    summary = `: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped, ${r.errors} errors`;
  }
  console.log(`run.mjs: pytest exited ${status} in ${seconds} s${summary}; ` +
    `total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failed && status === 0 ? 1 : status;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(3);
});
