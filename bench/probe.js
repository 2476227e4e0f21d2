// Injected into every benchmark page before its own scripts (Playwright add_init_script).
// It only records timestamps (performance.now(), milliseconds since the page's navigation
// started) into window.__bench; it changes nothing the page does.
//   longtasks  [start, duration]             PerformanceObserver "longtask", buffered
//   workers    [t, url]                      every Worker constructed
//   posts      [t, workerUrl, id, op]        messages with an "op" sent to a worker
//   replies    [t, workerUrl, id, ok]        messages with an "id" received from a worker
//   changes    [t, question, value, trusted] every change event (capture phase)
//   added      [t, question, readyState, frameT]  fieldset[data-question] inserted, and the
//                                                 first frame after it (rAF + a task)
//   recs       [t, [option ids], frameT]     [data-recommendation] inserted
//   states     [t, state]                    data-advisor-state changes
(() => {
  if (window.__bench) return;
  const now = () => performance.now();
  const B = (window.__bench = {
    longtasks: [], workers: [], posts: [], replies: [], changes: [], added: [], recs: [], states: [],
  });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) B.longtasks.push([entry.startTime, entry.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (error) {
    B.longtaskError = String(error);
  }
  const afterFrame = (done) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => done(now());
      channel.port2.postMessage(0);
    });

  const Native = window.Worker;
  if (Native) {
    window.Worker = class extends Native {
      constructor(url, options) {
        const at = now();
        super(url, options);
        const href = new URL(String(url), location.href).href;
        this.__benchUrl = href;
        B.workers.push([at, href]);
        this.addEventListener("message", (event) => {
          const data = event.data;
          if (data && typeof data === "object" && "id" in data) {
            B.replies.push([now(), href, data.id, !!data.ok]);
            if (data.value && typeof data.value === "object" && "loadPyodideMs" in data.value) B.bootPhases = data.value;
          }
        });
      }
      postMessage(message, ...rest) {
        if (message && typeof message === "object" && "op" in message) {
          B.posts.push([now(), this.__benchUrl, message.id, message.op]);
        }
        return super.postMessage(message, ...rest);
      }
    };
  }

  new MutationObserver((records) => {
    const at = now();
    const recs = [];
    for (const record of records) {
      if (record.type === "attributes") {
        B.states.push([at, record.target.getAttribute(record.attributeName)]);
        continue;
      }
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        const fieldsets = node.matches("fieldset[data-question]") ? [node] : node.querySelectorAll("fieldset[data-question]");
        for (const fieldset of fieldsets) {
          const entry = [at, fieldset.getAttribute("data-question"), document.readyState, null];
          B.added.push(entry);
          afterFrame((t) => (entry[3] = t));
        }
        const picks = node.matches("[data-recommendation]") ? [node] : node.querySelectorAll("[data-recommendation]");
        for (const pick of picks) recs.push(pick.getAttribute("data-recommendation"));
      }
    }
    if (recs.length) {
      const entry = [at, recs, null];
      B.recs.push(entry);
      afterFrame((t) => (entry[2] = t));
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-advisor-state"] });

  document.addEventListener("change", (event) => {
    const target = event.target;
    const fieldset = target.closest && target.closest("fieldset[data-question]");
    B.changes.push([now(), fieldset ? fieldset.getAttribute("data-question") : null, target.value, event.isTrusted]);
  }, true);
})();
