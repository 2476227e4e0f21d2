// The advisor quiz in the page. It renders what the Python engine returns and carries the
// reader's answers to it; it decides nothing itself. Python runs in a module Web Worker
// (worker.mjs), booted once per page however many quizzes the page holds.
(function () {
  "use strict";

  // ---------------------------------------------------------------- the shared runtime
  const runtimes = new Map(); // worker URL -> Runtime

  class Runtime {
    constructor(settings) {
      this.settings = settings;
      this.listeners = new Set(); // quizzes to tell when the worker dies
      this.reset();
    }

    // Call `listener(error)` whenever the worker fails, while `alive()` holds.
    subscribe(listener, alive) {
      const entry = (error) => (alive() ? listener(error) : this.listeners.delete(entry));
      this.listeners.add(entry);
    }

    reset() {
      if (this.worker) this.worker.terminate();
      this.worker = null;
      this.booting = null;
      this.models = new Map();
      this.pending = new Map();
      this.seq = 0;
    }

    // Send one message to the worker; reject on error, crash or time-out.
    send(message, timeoutMs) {
      if (!this.worker) return Promise.reject(new Error("the Python worker stopped"));
      const id = ++this.seq;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new Error(`no answer from Python after ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        this.pending.set(id, { resolve, reject, timer });
        this.worker.postMessage({ id, ...message });
      });
    }

    fail(error) {
      for (const { reject, timer } of this.pending.values()) {
        clearTimeout(timer);
        reject(error);
      }
      this.pending.clear();
      this.reset();
      for (const listener of [...this.listeners]) listener(error);
    }

    boot() {
      if (this.booting) return this.booting;
      const s = this.settings;
      this.worker = new Worker(absolute(s.worker), { type: "module" });
      this.worker.onmessage = (event) => {
        const { id, ok, value, error } = event.data;
        const entry = this.pending.get(id);
        if (!entry) return;
        this.pending.delete(id);
        clearTimeout(entry.timer);
        if (ok) entry.resolve(value);
        else entry.reject(new Error(error));
      };
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.fail(new Error(event.message || "the Python worker stopped"));
      };
      this.worker.onmessageerror = () => this.fail(new Error("the Python worker sent an unreadable message"));
      this.booting = this.send(
        { op: "boot", indexUrl: absolute(s.indexUrl), archive: absolute(s.archive), lock: s.lock, modelUrl: absolute(s.modelUrl),
          snapshot: s.snapshot ? { ...s.snapshot, url: absolute(s.snapshot.url) } : null },
        s.timeout * 1000,
      ).catch((error) => {
        this.fail(error);
        throw error;
      });
      return this.booting;
    }

    // Boot if needed, then load one model (once); resolves to the load reply.
    model(settings) {
      if (!this.models.has(settings.modelUrl)) {
        const loading = this.boot()
          .then(() => this.send({ op: "load", modelUrl: absolute(settings.modelUrl), version: settings.version || null }, settings.timeout * 1000))
          .then((reply) => {
            const data = JSON.parse(reply);
            if (!data.ok) throw new Error(data.error.message);
            return data;
          });
        loading.catch(() => this.models.delete(settings.modelUrl));
        this.models.set(settings.modelUrl, loading);
      }
      return this.models.get(settings.modelUrl);
    }

    async call(request, timeoutMs) {
      const reply = JSON.parse(await this.send({ op: "call", request: JSON.stringify(request) }, timeoutMs));
      if (!reply.ok) throw new Error(reply.error.message);
      return reply;
    }
  }

  function absolute(url) {
    return new URL(url, window.location.href).href;
  }

  function runtimeFor(settings) {
    const key = absolute(settings.worker);
    if (!runtimes.has(key)) runtimes.set(key, new Runtime(settings));
    return runtimes.get(key);
  }

  // ---------------------------------------------------------------- small DOM helpers
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // ---------------------------------------------------------------- URL state
  // ?<model>=<question>:<choice>,<question>:<choice>  (one parameter per quiz on the page)
  function readUrlAnswers(model) {
    const raw = new URLSearchParams(window.location.search).getAll(model);
    const pairs = [];
    for (const value of raw) {
      for (const token of value.split(",")) {
        if (!token) continue;
        const at = token.indexOf(":");
        pairs.push(at < 0 ? [token, ""] : [token.slice(0, at), token.slice(at + 1)]);
      }
    }
    return pairs;
  }

  function writeUrlAnswers(model, answers) {
    const url = new URL(window.location.href);
    const value = [...answers].map(([q, c]) => `${q}:${c}`).join(",");
    if (value) url.searchParams.set(model, value);
    else url.searchParams.delete(model);
    if (url.href !== window.location.href) window.history.replaceState(window.history.state, "", url.href);
  }

  // ---------------------------------------------------------------- one quiz
  class Quiz {
    constructor(root) {
      this.root = root;
      this.settings = JSON.parse(root.getAttribute("data-advisor-settings"));
      this.model = this.settings.model;
      this.form = root.querySelector("[data-advisor-form]");
      this.status = root.querySelector("[data-advisor-status]");
      this.result = root.querySelector("[data-advisor-result]");
      this.progress = root.querySelector("[data-advisor-progress]");
      this.answers = new Map(); // question id -> choice id, in the order given
      this.questions = new Map(); // question id -> question, from Python
      this.pointerAt = -Infinity; // when the reader last pressed a pointer on the form
      this.started = false;
      this.runSeq = 0;
      this.notice = null;
    }

    init() {
      this.root.setAttribute("data-advisor-bound", "");
      this.form.addEventListener("submit", (event) => event.preventDefault());
      this.form.addEventListener("pointerdown", () => (this.pointerAt = performance.now()));
      this.form.addEventListener("change", (event) => this.onChange(event));
      if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
        this.setState("unsupported");
        this.showStatus("Your browser cannot run the quiz (it needs WebAssembly and Web Workers).", { fallback: true });
        return;
      }
      const fromUrl = readUrlAnswers(this.model);
      if (fromUrl.length) {
        this.urlPairs = fromUrl;
        this.start();
        return;
      }
      // Boot when the reader shows intent: the quiz comes into view, gets focus or a pointer.
      // After a failure only the reader's "Try again" starts another attempt.
      const intent = () => {
        if (this.root.getAttribute("data-advisor-state") === "idle") this.start();
      };
      this.root.addEventListener("focusin", intent, { once: true });
      this.root.addEventListener("pointerenter", intent, { once: true });
      if ("IntersectionObserver" in window) {
        const observer = new IntersectionObserver((entries) => {
          if (entries.some((entry) => entry.isIntersecting)) {
            observer.disconnect();
            intent();
          }
        });
        observer.observe(this.root);
      }
    }

    setState(state) {
      this.root.setAttribute("data-advisor-state", state);
    }

    start() {
      if (this.started) return;
      this.started = true;
      this.connect();
    }

    async connect() {
      this.setState("loading");
      this.root.setAttribute("aria-busy", "true");
      this.showStatus("Starting Python in your browser… The first visit downloads about 6 MB; later visits use the cache.", { busy: true });
      try {
        const runtime = runtimeFor(this.settings);
        if (!this.subscribed) {
          this.subscribed = true;
          runtime.subscribe((error) => {
            if (this.root.getAttribute("data-advisor-state") !== "error") this.showError(error);
          }, () => this.root.isConnected);
        }
        const loaded = await runtime.model(this.settings);
        this.runtime = runtime;
        for (const question of loaded.questions || []) this.questions.set(question.id, question);
        this.root.setAttribute("data-advisor-runtime", `${loaded.runtime.version} on ${loaded.runtime.platform}`);
        this.setState("ready");
        this.clearStatus();
        await this.run(this.urlPairs || null);
        this.urlPairs = null;
      } catch (error) {
        this.showError(error);
      }
    }

    showError(error) {
      this.setState("error");
      this.root.removeAttribute("aria-busy");
      this.started = false;
      const what = this.runtime ? "Python stopped working in your browser" : "The quiz could not start Python";
      this.runtime = null;
      this.showStatus(`${what}: ${error.message}.`, { retry: true, fallback: true });
    }

    onChange(event) {
      const input = event.target;
      const fieldset = input.closest("fieldset[data-question]");
      if (!fieldset || input.type !== "radio") return;
      const qid = fieldset.getAttribute("data-question");
      this.answers.set(qid, input.value);
      this.fromPointer = performance.now() - this.pointerAt < 1500;
      writeUrlAnswers(this.model, this.answers);
      if (this.root.getAttribute("data-advisor-state") === "idle") this.start();
      else if (this.root.getAttribute("data-advisor-state") === "ready") this.run();
    }

    // Ask Python for the state of the quiz with the current answers and render it.
    async run(urlPairs) {
      const seq = ++this.runSeq;
      this.root.setAttribute("aria-busy", "true");
      const request = urlPairs
        ? { op: "recommend", model: this.model, answers: urlPairs, lenient: true }
        : { op: "recommend", model: this.model, answers: Object.fromEntries(this.answers), lenient: true };
      let reply;
      try {
        reply = await this.runtime.call(request, 10000);
      } catch (error) {
        this.root.removeAttribute("aria-busy");
        this.showError(error);
        return;
      }
      if (seq !== this.runSeq) return; // a newer answer is on its way
      this.root.removeAttribute("aria-busy");
      if (urlPairs) {
        this.answers = new Map(Object.entries(reply.answers || {}));
        if (reply.ignored_total) {
          // Python lists the first entries it dropped and counts them all; show five.
          const shown = reply.ignored.slice(0, 5).map((item) => item.reason).join("; ");
          const hidden = reply.ignored_total - Math.min(reply.ignored.length, 5);
          const what = hidden ? `${shown}; and ${hidden} more entries ignored` : shown;
          this.showNotice(`Part of the link was ignored: ${what}.`);
        }
      }
      this.render(reply.result);
    }

    // ------------------------------------------------------------ rendering
    render(result) {
      this.current = result;
      const wanted = result.path.map((step) => step.question);
      if (result.next_question) {
        this.questions.set(result.next_question.id, result.next_question);
        wanted.push(result.next_question.id);
      }
      const existing = [...this.form.querySelectorAll("fieldset[data-question]")];
      let keep = 0;
      while (keep < existing.length && keep < wanted.length && existing[keep].getAttribute("data-question") === wanted[keep]) keep++;
      existing.slice(keep).forEach((node) => node.remove());
      let added = null;
      for (const qid of wanted.slice(keep)) {
        const fieldset = this.renderQuestion(this.questions.get(qid));
        this.form.append(fieldset);
        added = added || fieldset;
      }
      for (const fieldset of this.form.querySelectorAll("fieldset[data-question]")) {
        const chosen = this.answers.get(fieldset.getAttribute("data-question"));
        for (const radio of fieldset.querySelectorAll("input[type=radio]")) radio.checked = radio.value === chosen;
      }
      this.renderProgress(result);
      this.renderControls(result);
      if (result.complete) {
        this.renderResult(result);
      } else {
        this.result.hidden = true;
        this.result.replaceChildren();
        if (added && this.fromPointer) {
          const first = added.querySelector("input[type=radio]");
          if (first) first.focus({ preventScroll: false });
        }
        if (added) this.announce(`Next question: ${this.questions.get(added.getAttribute("data-question")).text}`);
      }
      this.fromPointer = false;
    }

    renderQuestion(question) {
      const base = `advisor-${this.model}-${question.id}`;
      const helpId = question.help ? `${base}-help` : null;
      const fieldset = el("fieldset", { class: "advisor__question", "data-question": question.id },
        el("legend", { class: "advisor__legend", text: question.text }),
        question.help ? el("p", { class: "advisor__help", id: helpId, text: question.help }) : null);
      for (const choice of question.choices) {
        fieldset.append(el("label", { class: "advisor__choice" },
          el("input", { type: "radio", name: base, value: choice.id, "aria-describedby": helpId }),
          el("span", { class: "advisor__choice-text" },
            el("span", { class: "advisor__choice-label", text: choice.label }),
            choice.help ? el("span", { class: "advisor__choice-help", text: choice.help }) : null)));
      }
      return fieldset;
    }

    renderProgress(result) {
      const done = result.progress.answered;
      const most = done + result.progress.remaining_max;
      this.progress.textContent = result.complete
        ? `Done: ${done} question${done === 1 ? "" : "s"} answered`
        : `Question ${done + 1} of at most ${most}`;
      this.progress.style.setProperty("--advisor-progress", `${Math.round((100 * done) / Math.max(most, 1))}%`);
    }

    renderControls(result) {
      let bar = this.root.querySelector("[data-advisor-controls]");
      if (!bar) {
        bar = el("div", { class: "advisor__controls", "data-advisor-controls": true },
          el("button", { type: "button", class: "md-button", "data-advisor-back": true, text: "Back" }),
          el("button", { type: "button", class: "md-button", "data-advisor-restart": true, text: "Start over" }));
        bar.querySelector("[data-advisor-back]").addEventListener("click", () => this.back());
        bar.querySelector("[data-advisor-restart]").addEventListener("click", () => this.restart());
        this.form.after(bar);
      }
      bar.querySelector("[data-advisor-back]").disabled = result.path.length === 0;
      bar.querySelector("[data-advisor-restart]").disabled = this.answers.size === 0;
    }

    back() {
      const path = this.current ? this.current.path : [];
      if (!path.length) return;
      const last = path[path.length - 1].question;
      this.answers.delete(last);
      writeUrlAnswers(this.model, this.answers);
      this.fromPointer = false;
      this.run().then(() => this.focusQuestion(last));
    }

    restart() {
      this.answers.clear();
      writeUrlAnswers(this.model, this.answers);
      this.clearNotice();
      this.run().then(() => this.focusQuestion(null));
    }

    focusQuestion(qid) {
      const selector = qid ? `fieldset[data-question="${CSS.escape(qid)}"] input` : "fieldset[data-question] input";
      const input = this.form.querySelector(selector);
      if (input) input.focus();
    }

    optionLink(option) {
      const href = this.settings.optionUrls[option.id];
      return href ? el("a", { href }, option.name) : el("span", {}, option.name);
    }

    renderResult(result) {
      const names = new Map(result.recommendation.map((option) => [option.id, option.name]));
      const tie = result.tie;
      const box = [];
      box.push(el("h3", { class: "advisor__result-title", text: tie ? "Two options fit equally well" : "Our recommendation" }));
      for (const option of result.recommendation) {
        box.push(el("div", { class: "advisor__pick", "data-recommendation": option.id },
          el("p", { class: "advisor__pick-name" }, this.optionLink(option)),
          el("p", { class: "advisor__pick-summary", text: option.summary })));
      }
      if (tie) box.push(el("p", { class: "advisor__decide" }, el("strong", { text: "What decides between them: " }), tie.decide));
      if (result.rule) {
        const why = el("ul", { class: "advisor__trace" });
        for (const step of result.trace) why.append(el("li", {}, `${step.question_text} `, el("strong", { text: step.choice_label })));
        box.push(el("h4", { text: "Why" }), el("p", { text: result.rule.because }), why);
      }
      if (result.why_not.length) {
        const list = el("ul", { class: "advisor__why-not" });
        for (const item of result.why_not) {
          const [first, ...more] = item.reasons;
          const entry = el("li", {}, this.optionLink({ id: item.option, name: item.name }), `: ${first || ""}`);
          if (more.length) {
            entry.append(el("details", { class: "advisor__more" },
              el("summary", { text: `${more.length} more reason${more.length === 1 ? "" : "s"}` }),
              el("ul", {}, ...more.map((reason) => el("li", { text: reason })))));
          }
          list.append(entry);
        }
        box.push(el("h4", { text: "Why not the others" }), list);
      }
      if (result.what_would_change.length) {
        const list = el("ul", { class: "advisor__changes" });
        for (const change of result.what_would_change) {
          const outcome = change.decided
            ? `${change.outcome_names.join(" or ")}`
            : `more questions, then possibly ${change.outcome_names.join(" or ")}`;
          list.append(el("li", {}, `If you answered “${change.to_label}” to “${change.question_text}”: `, el("strong", { text: outcome })));
        }
        box.push(el("h4", { text: "What would change the answer" }), list);
      }
      if (result.caveats.length) {
        const list = el("ul", { class: "advisor__caveats" });
        for (const caveat of result.caveats) {
          const name = names.get(caveat.option) || caveat.option;
          list.append(el("li", {}, names.size > 1 ? `${name}: ${caveat.text}` : caveat.text));
        }
        box.push(el("h4", { text: "Caveats" }), list);
      }
      const copy = el("button", { type: "button", class: "md-button md-button--primary", "data-advisor-copy": true, text: "Copy as decision record" });
      const copied = el("span", { class: "advisor__copied", role: "status" });
      copy.addEventListener("click", () => this.copyRecord(result.decision_record, copied));
      box.push(el("div", { class: "advisor__result-actions" }, copy, copied));
      if (this.settings.version) box.push(el("p", { class: "advisor__version", text: `Guide version ${this.settings.version}` }));
      this.result.replaceChildren(...box);
      this.result.hidden = false;
      const title = tie
        ? `Two options fit equally: ${result.recommendation.map((o) => o.name).join(" and ")}`
        : `Recommendation: ${result.recommendation.map((o) => o.name).join(", ")}`;
      this.announce(title);
      if (this.fromPointer) this.result.focus({ preventScroll: false });
    }

    async copyRecord(text, feedback) {
      try {
        await navigator.clipboard.writeText(text);
        feedback.textContent = "Copied. Paste it into your pull request.";
      } catch (error) {
        const area = el("textarea", { class: "advisor__record", readonly: true, rows: 12, "aria-label": "Decision record" });
        area.value = text;
        feedback.replaceChildren("The clipboard is not available here; select the text below and copy it.", area);
        area.select();
      }
    }

    // ------------------------------------------------------------ status line
    announce(text) {
      this.status.textContent = text;
    }

    clearStatus() {
      this.status.replaceChildren();
      this.status.classList.remove("advisor__status--busy", "advisor__status--error");
    }

    showStatus(text, { busy = false, retry = false, fallback = false } = {}) {
      this.clearStatus();
      this.status.classList.toggle("advisor__status--busy", busy);
      this.status.classList.toggle("advisor__status--error", retry);
      this.status.append(el("span", { text }));
      if (retry) {
        const button = el("button", { type: "button", class: "md-button", "data-advisor-retry": true, text: "Try again" });
        button.addEventListener("click", () => {
          runtimeFor(this.settings).reset();
          this.start();
        });
        this.status.append(" ", button);
      }
      if (fallback && this.settings.fallback) {
        this.status.append(" ", el("a", { href: this.settings.fallback, text: "See every answer and its recommendation" }), ".");
      }
    }

    showNotice(text) {
      this.clearNotice();
      this.notice = el("p", { class: "advisor__notice", "data-advisor-notice": true, text });
      this.form.before(this.notice);
    }

    clearNotice() {
      if (this.notice) this.notice.remove();
      this.notice = null;
    }
  }

  function initAll() {
    for (const root of document.querySelectorAll("[data-advisor]:not([data-advisor-bound])")) {
      try {
        new Quiz(root).init();
      } catch (error) {
        root.setAttribute("data-advisor-state", "error");
        const status = root.querySelector("[data-advisor-status]");
        if (status) status.textContent = `The quiz could not start: ${error.message}`;
      }
    }
  }

  // Start at once (this script runs after the page's content), and again on each page that
  // Material's instant navigation swaps in without reloading scripts.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(initAll);
})();
