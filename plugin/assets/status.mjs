// What the quiz tells the reader besides questions and results: the status line (loading,
// errors with "Try again" and the static fallback, announcements for screen readers), the
// notice about a link's ignored parts, and copying the page's link.
import { el } from "./dom.mjs";

export class Messages {
  constructor(root, settings, retry) {
    this.root = root;
    this.settings = settings;
    this.retry = retry;
    this.status = root.querySelector("[data-advisor-status]");
    this.form = root.querySelector("[data-advisor-form]");
    this.noticeNode = null;
  }

  async copyLink(feedback) {
    const href = window.location.href;
    try {
      await navigator.clipboard.writeText(href);
      feedback.textContent = "Link copied: it opens the quiz with these answers.";
    } catch (error) {
      const field = el("input", { class: "advisor__link", readonly: true, "aria-label": "Link to these answers" });
      field.value = href;
      feedback.replaceChildren("Copy this link: ", field);
      field.select();
    }
  }

  // ------------------------------------------------------------ status line
  announce(text) {
    this.status.textContent = text;
  }

  clear() {
    this.status.replaceChildren();
    this.status.classList.remove("advisor__status--busy", "advisor__status--error");
  }

  show(text, { busy = false, retry = false, fallback = false } = {}) {
    this.clear();
    this.status.classList.toggle("advisor__status--busy", busy);
    this.status.classList.toggle("advisor__status--error", retry);
    this.status.append(el("span", { text }));
    if (retry) {
      const button = el("button", { type: "button", class: "md-button", "data-advisor-retry": true, text: "Try again" });
      button.addEventListener("click", () => {
        this.retry();
      });
      this.status.append(" ", button);
    }
    if (fallback && this.settings.fallback) this.status.append(" ", el("a", { href: this.settings.fallback, text: "See every answer and its recommendation" }), ".");
  }

  notice(text) {
    this.clearNotice();
    this.noticeNode = el("p", { class: "advisor__notice", "data-advisor-notice": true, text });
    this.form.before(this.noticeNode);
  }

  clearNotice() {
    if (this.noticeNode) this.noticeNode.remove();
    this.noticeNode = null;
  }
}
