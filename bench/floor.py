"""The floor: a blank page that boots the site's own Pyodide files in a module worker and runs
``import sys``, nothing else. No quiz can answer sooner than this page is ready.

The benchmark writes it into a temporary folder that the server maps to ``/__bench__/floor/``
beside the built site; it loads the runtime from the site's own URLs (the very files the quiz
loads) and passes the lock file's ``info`` inline, as the widget does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pyodide floor</title></head>
<body><p>Booting Pyodide in a module worker…</p>
<script type="module">
const floor = window.__floor = {{ created: null, ready: null, reply: null, error: null }};
const indexUrl = new URL({index_url}, location.href).href;
floor.created = performance.now();
const worker = new Worker(new URL("worker.mjs", location.href), {{ type: "module" }});
worker.onmessage = (event) => {{
  floor.ready = performance.now();
  floor.reply = event.data;
  document.documentElement.dataset.state = event.data.ok ? "ready" : "error";
}};
worker.onerror = (event) => {{
  floor.error = event.message || "the worker stopped";
  document.documentElement.dataset.state = "error";
}};
worker.postMessage({{ indexUrl, lock: {lock} }});
</script>
</body></html>
"""

WORKER = """// The floor worker: the guide worker's import and loadPyodide call, then `import sys`.
self.onmessage = async ({ data }) => {
  const started = performance.now();
  try {
    const { loadPyodide } = await import(new URL("pyodide.mjs", data.indexUrl).href);
    const pyodide = await loadPyodide({
      indexURL: data.indexUrl,
      lockFileContents: data.lock,
      stdout: () => {},
      stderr: () => {},
    });
    pyodide.runPython("import sys");
    const version = pyodide.runPython("sys.version");
    self.postMessage({ ok: true, ms: performance.now() - started, version });
  } catch (error) {
    self.postMessage({ ok: false, error: String((error && error.message) || error) });
  }
};
"""


def write_floor(folder: Path, runtime_url: str, lock: dict[str, Any]) -> Path:
    """Write the floor page into `folder`; `runtime_url` is the site's runtime folder as an
    absolute path (``/assets/advisor/pyodide-<version>/``), `lock` what the widget passes."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(
        PAGE.format(index_url=json.dumps(runtime_url), lock=json.dumps(lock)), encoding="utf-8"
    )
    (folder / "worker.mjs").write_text(WORKER, encoding="utf-8")
    return folder
