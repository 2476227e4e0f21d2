// The quiz's entry point, a classic script on every page of the guide. Where a page holds a
// quiz it imports the quiz's modules (their names carry content hashes, written in at build
// time), and starts each quiz; on pages without one it does nothing else. It stays a classic
// script so that a page opened from disk (file://), where browsers refuse modules, can still
// say plainly what to do.
(function () {
  "use strict";
  const here = document.currentScript ? document.currentScript.src : window.location.href;
  let quizModule = null;

  function fail(root, state, text) {
    root.setAttribute("data-advisor-state", state);
    const status = root.querySelector("[data-advisor-status]");
    if (!status) return;
    status.textContent = text;
    const settings = JSON.parse(root.getAttribute("data-advisor-settings") || "{}");
    if (settings.fallback) {
      const link = document.createElement("a");
      link.href = settings.fallback;
      link.textContent = "See every answer and its recommendation";
      status.append(" ", link, ".");
    }
  }

  function initAll() {
    const roots = [...document.querySelectorAll("[data-advisor]:not([data-advisor-bound])")];
    if (!roots.length) return;
    for (const root of roots) root.setAttribute("data-advisor-bound", "");
    if (window.location.protocol === "file:") {
      for (const root of roots) {
        fail(root, "unsupported", "The quiz runs Python in your browser, which browsers allow only for pages served over HTTP, not opened as files. Serve the site folder over HTTP (for example `python3 -m http.server` inside it) and open it from there.");
      }
      return;
    }
    quizModule = quizModule || import(new URL("./quiz.mjs", here).href);
    quizModule.then(({ Quiz }) => {
      for (const root of roots) {
        try {
          new Quiz(root).init();
        } catch (error) {
          fail(root, "error", `The quiz could not start: ${error.message}.`);
        }
      }
    }, (error) => {
      quizModule = null;
      for (const root of roots) fail(root, "error", `The quiz could not start: its script did not load (${error.message}).`);
    });
  }

  // Start at once (this script runs after the page's content), and again on each page that
  // Material's instant navigation swaps in without reloading scripts.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(initAll);
})();
