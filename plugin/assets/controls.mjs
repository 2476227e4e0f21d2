// The quiz's progress line and its buttons (Back, Start over, Copy link), drawn from what
// Python returned: the figures are Python's, the buttons call back into the quiz.
import { el, plural } from "./dom.mjs";

export function renderProgress(node, result) {
  const { answered, total_max: most } = result.progress;
  node.textContent = result.complete
    ? `Done: ${plural(answered, "question", "questions")} answered`
    : `Question ${answered + 1} of at most ${most}`;
  node.style.setProperty("--advisor-progress", `${Math.round((100 * answered) / Math.max(most, 1))}%`);
}

// The button bar after the progress line, made on the first render; Back is off at the first
// question and the bar is hidden until the reader has answered something.
export function renderControls(quiz, result) {
  let bar = quiz.root.querySelector("[data-advisor-controls]");
  if (!bar) {
    const button = (attr, text) => el("button", { type: "button", class: "md-button", [attr]: true, text });
    const copied = el("span", { class: "advisor__copied", role: "status" });
    bar = el("div", { class: "advisor__controls", "data-advisor-controls": true },
      button("data-advisor-back", "Back"), button("data-advisor-restart", "Start over"),
      button("data-advisor-copy-link", "Copy link"), copied);
    bar.querySelector("[data-advisor-back]").addEventListener("click", () => quiz.back());
    bar.querySelector("[data-advisor-restart]").addEventListener("click", () => quiz.restart());
    bar.querySelector("[data-advisor-copy-link]").addEventListener("click", () => quiz.messages.copyLink(copied));
    quiz.progress.after(bar);
  }
  bar.querySelector("[data-advisor-back]").disabled = result.path.length === 0;
  bar.hidden = quiz.answers.size === 0;
}
