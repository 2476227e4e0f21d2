// One quiz on the page: carries the reader's answers to Python and renders what it returns. It
// decides nothing: the next question, the progress figures and the result all come from
// advisor.web. Question markup is cloned from the <template> the build wrote (widget.html).
import { runtimeFor } from "./client.mjs";
import { renderControls, renderProgress } from "./controls.mjs";
import { countWord, megabytes, readUrlAnswers, urlWithAnswers } from "./dom.mjs";
import { renderResult } from "./result.mjs";
import { Messages } from "./status.mjs";

export class Quiz {
  constructor(root) {
    this.root = root;
    this.settings = JSON.parse(root.getAttribute("data-advisor-settings"));
    this.param = this.settings.param;
    this.form = root.querySelector("[data-advisor-form]");
    this.questions = root.querySelector("template[data-advisor-questions]").content;
    this.messages = new Messages(root, this.settings, () => {
      runtimeFor(this.settings).reset();
      this.start();
    });
    this.result = root.querySelector("[data-advisor-result]");
    this.progress = root.querySelector("[data-advisor-progress]");
    this.answers = new Map(); // question id -> choice id, in the order given
    this.pointerAt = -Infinity; // when the reader last pressed a pointer on the form
    this.started = false;
    this.runSeq = 0;
  }

  init() {
    this.form.addEventListener("submit", (event) => event.preventDefault());
    this.form.addEventListener("pointerdown", () => (this.pointerAt = performance.now()));
    this.form.addEventListener("change", (event) => this.onChange(event));
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      this.setState("unsupported");
      this.messages.show("Your browser cannot run the quiz (it needs WebAssembly and Web Workers).", { fallback: true });
      return;
    }
    // Back and Forward step through the reader's answers: each answer is a history entry.
    const onPop = () => {
      if (!this.root.isConnected) window.removeEventListener("popstate", onPop);
      else if (this.state() === "ready") this.run({ fromUrl: true, quiet: true });
    };
    window.addEventListener("popstate", onPop);
    // An answer clicked before this module loaded (the first question is in the page from the
    // start) counts as if given now.
    const early = this.form.querySelector("input[type=radio]:checked");
    if (early && !readUrlAnswers(this.param).length) {
      this.answers.set(early.closest("fieldset[data-question]").getAttribute("data-question"), early.value);
      this.remember();
    }
    if (readUrlAnswers(this.param).length) {
      this.start();
      return;
    }
    // Boot when the reader shows intent: the quiz comes into view, gets focus or a pointer.
    // After a failure only the reader's "Try again" starts another attempt.
    const intent = () => {
      if (this.state() === "idle") this.start();
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

  state() {
    return this.root.getAttribute("data-advisor-state");
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
    const runtime = runtimeFor(this.settings);
    const loading = (bytes) => this.messages.show(`Starting Python in your browser: ${megabytes(bytes)} of ${megabytes(this.settings.downloadBytes)} MB loaded. Later visits use the cache.`, { busy: true });
    loading(runtime.loaded);
    try {
      if (!this.subscribed) {
        this.subscribed = true;
        const alive = () => this.root.isConnected;
        runtime.subscribe((error) => this.state() !== "error" && this.showError(error), alive);
        runtime.onProgress((bytes) => this.state() === "loading" && loading(bytes), alive);
      }
      const loaded = await runtime.model(this.settings);
      this.runtime = runtime;
      this.root.setAttribute("data-advisor-runtime", `${loaded.runtime.version} on ${loaded.runtime.platform}`);
      this.setState("ready");
      this.messages.clear();
      // The address holds every answer given so far (the link's, and any clicked while
      // Python started): a retry after a failure resumes from it too.
      await this.run({ fromUrl: true });
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
    this.messages.show(`${what}: ${error.message}.`, { retry: true, fallback: true });
  }

  onChange(event) {
    const input = event.target;
    const fieldset = input.closest("fieldset[data-question]");
    if (!fieldset || input.type !== "radio") return;
    this.answers.set(fieldset.getAttribute("data-question"), input.value);
    this.fromPointer = performance.now() - this.pointerAt < this.settings.pointerWindowMs;
    this.remember();
    if (this.state() === "idle") this.start();
    else if (this.state() === "ready") this.run();
  }

  // A new history entry for the answers as they now stand.
  remember() {
    const href = urlWithAnswers(this.param, this.answers);
    if (href !== window.location.href) window.history.pushState(window.history.state, "", href);
  }

  // Ask Python for the state of the quiz and render it: with the answers in the address
  // (`fromUrl`: a link, Back/Forward, a retry) or with the reader's answers.
  async run({ fromUrl = false, quiet = false } = {}) {
    const seq = ++this.runSeq;
    this.root.setAttribute("aria-busy", "true");
    const answers = fromUrl ? readUrlAnswers(this.param) : Object.fromEntries(this.answers);
    const request = { op: "recommend", model: this.settings.model, answers, lenient: true };
    let reply;
    try {
      reply = await this.runtime.call(request, this.settings.answerTimeoutMs);
    } catch (error) {
      this.root.removeAttribute("aria-busy");
      this.showError(error);
      return;
    }
    if (seq !== this.runSeq) return; // a newer answer is on its way
    this.root.removeAttribute("aria-busy");
    if (fromUrl) {
      this.answers = new Map(Object.entries(reply.answers));
      // Write the answers kept, readably; what was dropped leaves the address.
      const href = urlWithAnswers(this.param, this.answers);
      if (href !== window.location.href) window.history.replaceState(window.history.state, "", href);
      this.messages.clearNotice();
      if (reply.ignored_total) this.showIgnored(reply);
      if (quiet) this.fromPointer = false;
    }
    this.render(reply.result, { scroll: fromUrl && !quiet });
  }

  showIgnored(reply) {
    const count = this.settings.noticeItems;
    const shown = reply.ignored.slice(0, count).map((item) => item.reason).join("; ");
    const hidden = reply.ignored_total - Math.min(reply.ignored.length, count);
    this.messages.notice(`Part of the link was ignored: ${hidden ? `${shown}; and ${hidden} more entries ignored` : shown}.`);
  }

  // ------------------------------------------------------------ rendering
  render(result, { scroll = false } = {}) {
    this.current = result;
    const wanted = result.path.map((step) => step.question);
    if (result.next_question) wanted.push(result.next_question.id);
    const existing = [...this.form.querySelectorAll("fieldset[data-question]")];
    let keep = 0;
    while (keep < existing.length && keep < wanted.length && existing[keep].getAttribute("data-question") === wanted[keep]) keep++;
    existing.slice(keep).forEach((node) => node.remove());
    let added = null;
    for (const qid of wanted.slice(keep)) {
      const fieldset = this.questions.querySelector(`fieldset[data-question="${CSS.escape(qid)}"]`).cloneNode(true);
      this.form.append(fieldset);
      added = added || fieldset;
    }
    for (const fieldset of this.form.querySelectorAll("fieldset[data-question]")) {
      const chosen = this.answers.get(fieldset.getAttribute("data-question"));
      for (const radio of fieldset.querySelectorAll("input[type=radio]")) radio.checked = radio.value === chosen;
    }
    renderProgress(this.progress, result);
    renderControls(this, result);
    if (result.complete) {
      this.result.replaceChildren(...renderResult(result, this.settings));
      this.result.hidden = false;
      const names = result.recommendation.map((o) => o.name);
      this.messages.announce(result.tie ? `${countWord(names.length)} options fit equally: ${names.join(" and ")}` : `Recommendation: ${names.join(", ")}`);
      if (this.fromPointer) this.result.focus({ preventScroll: true });
      if (this.fromPointer || scroll) this.showSummary();
    } else {
      this.result.hidden = true;
      this.result.replaceChildren();
      if (added && this.fromPointer) {
        const first = added.querySelector("input[type=radio]");
        if (first) first.focus({ preventScroll: false });
      }
      if (added) this.messages.announce(`Next question: ${added.querySelector("legend").textContent}`);
    }
    this.fromPointer = false;
  }

  // Bring the summary into view: with the quiz's progress and buttons above it when both fit
  // one screen below the page's fixed header (the CSS scroll margin), or the summary alone.
  showSummary() {
    const summary = this.result.querySelector("[data-advisor-summary]");
    const room = window.innerHeight - parseFloat(getComputedStyle(this.root).scrollMarginTop || "0");
    const whole = summary.getBoundingClientRect().bottom - this.root.getBoundingClientRect().top;
    (whole <= room ? this.root : this.result).scrollIntoView({ block: "start" });
  }

  back() {
    const path = this.current ? this.current.path : [];
    if (!path.length) return;
    const last = path[path.length - 1].question;
    this.answers.delete(last);
    this.remember();
    this.fromPointer = false;
    this.run().then(() => this.focusQuestion(last));
  }

  restart() {
    this.answers.clear();
    this.remember();
    this.messages.clearNotice();
    this.run().then(() => this.focusQuestion(null));
  }

  focusQuestion(qid) {
    const selector = qid ? `fieldset[data-question="${CSS.escape(qid)}"] input` : "fieldset[data-question] input";
    const input = this.form.querySelector(selector);
    if (input) input.focus();
  }
}
