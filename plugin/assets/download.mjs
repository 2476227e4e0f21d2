// How many bytes of the runtime have arrived, told to the page as they come: the bodies of
// fetches as they stream, and the modules Pyodide imports once each has loaded. Installed by
// the worker before Pyodide loads.
let arrived = 0;
let told = 0;
let tell = () => {};

function count(bytes) {
  arrived += bytes;
  if (arrived - told >= 200_000) {
    told = arrived;
    tell(arrived);
  }
}

async function countBody(body) {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      count(value.byteLength);
    }
  } catch (error) {
    // the fetch itself reports a broken body
  }
}

// Count every download from now on, calling `report(bytes so far)` every 200 kB or so.
export function countDownloads(report) {
  tell = report;
  const plainFetch = self.fetch.bind(self);
  self.fetch = async (...args) => {
    const response = await plainFetch(...args);
    // Count a copy: the response itself goes on untouched, so the browser keeps its compiled
    // WebAssembly cache (keyed on the response's URL) and a warm boot stays fast.
    if (response.ok && response.body) countBody(response.clone().body);
    return response;
  };
  if (typeof PerformanceObserver === "function") {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.initiatorType !== "fetch" && /\.m?js$/.test(new URL(entry.name).pathname)) count(entry.decodedBodySize || 0);
      }
    }).observe({ type: "resource", buffered: true });
  }
}

// The bytes counted so far.
export function downloaded() {
  return arrived;
}
