// The result, summary first: the recommendation, one sentence of why and the answers that
// decided it, within the first screen; then, folded, why not each other option, what one
// different answer would change, caveats, sources and the decision record. Every word of
// guidance comes from Python's result; this module only lays it out.
import { countWord, el, plural } from "./dom.mjs";

//: The most deciding answers the summary lists; the decision record has them all.
const SUMMARY_ANSWERS = 4;

export function renderResult(result, settings) {
  const link = (id, name) => {
    const href = settings.optionUrls[id];
    return href ? el("a", { href }, name) : el("span", {}, name);
  };
  const tie = result.tie;
  const picks = result.recommendation;
  const summary = el("div", { class: "advisor__summary", "data-advisor-summary": true });
  summary.append(el("h3", { class: "advisor__result-title", text: tie ? `${countWord(picks.length)} options fit equally well` : "Our recommendation" }));
  const cards = el("div", { class: tie ? "advisor__picks advisor__picks--tie" : "advisor__picks" });
  for (const option of picks) {
    cards.append(el("div", { class: "advisor__pick", "data-recommendation": option.id },
      el("p", { class: "advisor__pick-name" }, link(option.id, option.name)),
      el("p", { class: "advisor__pick-summary", text: option.summary })));
  }
  summary.append(cards);
  if (tie) summary.append(el("p", { class: "advisor__decide" }, el("strong", { text: "What decides between them: " }), tie.decide));
  // One sentence of why; the rest of the reason where the screen has room (and in the record).
  // Its citations go with the rest of it: a phone shows the first sentence alone.
  if (result.rule) {
    const cited = cites(result.rule.sources);
    summary.append(el("p", { class: "advisor__because" }, el("strong", { text: "Why: " }), result.rule.lead,
      result.rule.rest || cited ? el("span", { class: "advisor__because-rest" },
        result.rule.rest ? ` ${result.rule.rest}` : "", cited) : null));
  }
  if (result.trace.length) {
    const shown = result.trace.slice(0, SUMMARY_ANSWERS);
    const more = result.trace.length - shown.length;
    summary.append(el("p", { class: "advisor__decided-title", text: "Decided by your answers:" }),
      el("ul", { class: "advisor__decided" },
        ...shown.map((step) => el("li", {}, `${step.question_text} `, el("strong", { text: step.choice_label }))),
        more ? el("li", { class: "advisor__decided-more", text: `and ${more} more, in the decision record below` }) : null));
  }
  summary.append(actions(result, settings));

  const folds = [];
  if (result.why_not.length) {
    folds.push(fold(`Why not the ${plural(result.why_not.length, "other option", "other options")}`, "why-not",
      el("ul", { class: "advisor__why-not" }, ...result.why_not.map((item) =>
        el("li", {}, link(item.option, item.name), `: ${item.reason || item.reasons[0] || ""}`)))));
  }
  if (result.what_would_change.length) folds.push(fold("What one different answer would change", "changes", changes(result)));
  if (result.caveats.length) {
    const names = new Map(picks.map((option) => [option.id, option.name]));
    folds.push(fold(`Caveats (${result.caveats.length})`, "caveats",
      el("ul", { class: "advisor__caveats" }, ...result.caveats.map((caveat) =>
        el("li", {}, picks.length > 1 ? `${names.get(caveat.option)}: ${caveat.text}` : caveat.text,
          cites(caveat.sources))))));
  }
  folds.push(fold("Sources", "sources", sources(result, settings, picks, link)));
  folds.push(fold("Decision record", "record", el("pre", { class: "advisor__record-text" }, el("code", { text: result.decision_record }))));
  const version = settings.version ? el("p", { class: "advisor__version", text: `Guide version ${settings.version}` }) : null;
  return [summary, ...folds, version].filter(Boolean);
}

// The sources the deciding rule cites, then where each option's own sources are listed.
function sources(result, settings, picks, link) {
  const cited = (result.rule && result.rule.sources) || [];
  const list = el("ul", { class: "advisor__sources" }, ...cited.map((source) => el("li", {},
    source.url ? el("a", { href: source.url, rel: "noopener" }, source.title) : source.title,
    source.section ? `, ${source.section}` : "")));
  const paged = picks.filter((option) => settings.optionUrls[option.id]);
  const pages = paged.length ? el("p", {}, "Each option's sources, and when it was last reviewed: ",
    ...paged.flatMap((option, i) => [i ? ", " : "", link(option.id, option.name)]), ".") : null;
  return el("div", {}, cited.length ? list : null, pages);
}

// The pages a statement cites, as short links after it: " (Title, section; Title)".
function cites(sources) {
  if (!sources || !sources.length) return null;
  const parts = sources.flatMap((source, i) => [i ? "; " : "",
    source.url ? el("a", { href: source.url, rel: "noopener" }, source.title) : source.title,
    source.section ? `, ${source.section}` : ""]);
  return el("span", { class: "advisor__cites" }, " (", ...parts, ")");
}

function fold(title, name, ...content) {
  return el("details", { class: "advisor__fold", "data-advisor-fold": name }, el("summary", { text: title }), ...content);
}

// The changes grouped by where they lead, each group once.
function changes(result) {
  const groups = new Map();
  for (const change of result.what_would_change) {
    const key = `${change.decided}:${change.outcome.join(",")}`;
    if (!groups.has(key)) groups.set(key, { change, items: [] });
    groups.get(key).items.push(change);
  }
  const list = el("ul", { class: "advisor__changes" });
  for (const { change, items } of groups.values()) {
    const names = change.outcome_names.join(" or ");
    list.append(el("li", {},
      el("strong", { text: change.decided ? `${names}` : `More questions, then ${names}` }), " if you answered:",
      el("ul", {}, ...items.map((item) => el("li", { text: `“${item.to_label}” to “${item.question_text}”` })))));
  }
  return list;
}

function actions(result, settings) {
  const box = el("div", { class: "advisor__result-actions" });
  const copy = el("button", { type: "button", class: "md-button md-button--primary", "data-advisor-copy": true, text: "Copy as decision record" });
  const copied = el("span", { class: "advisor__copied", role: "status" });
  copy.addEventListener("click", () => copyRecord(result.decision_record, copied));
  box.append(copy);
  if (settings.diagramUrl && result.path.length) {
    // The diagram's anchor for this path (plugin/diagram.py anchor(), templates/decision-tree.md).
    const path = result.path.map((step) => `${step.question}:${step.choice}`).join(",");
    box.append(el("a", { class: "md-button", href: `${settings.diagramUrl}#${settings.model}=${path}`, "data-advisor-path": true, text: "See your path" }));
  }
  if (settings.reportUrl) {
    const names = result.recommendation.map((option) => option.name).join(" or ");
    const body = "What looks wrong, and why (your sources are welcome):\n\n\n\n---\nThe advice as the guide gave it:\n\n" + result.decision_record;
    const href = `${settings.reportUrl}?title=${encodeURIComponent(`Advice: ${names || "no recommendation"}`)}&body=${encodeURIComponent(body)}`;
    box.append(el("a", { class: "md-button", href, target: "_blank", rel: "noopener", "data-advisor-report": true, text: "Report a problem with this advice" }));
  }
  box.append(copied);
  return box;
}

async function copyRecord(text, feedback) {
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
