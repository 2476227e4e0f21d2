// Small helpers the quiz modules share: building DOM nodes (text always goes in as text, never
// as HTML), the answers in the page's address, and number formatting.

export function el(tag, attrs, ...children) {
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

export function absolute(url) {
  return new URL(url, window.location.href).href;
}

// ?<param>=<question>:<choice>,<question>:<choice>  (one parameter per quiz on the page)
export function readUrlAnswers(param, href = window.location.href) {
  const pairs = [];
  for (const value of new URL(href).searchParams.getAll(param)) {
    for (const token of value.split(",")) {
      if (!token) continue;
      const at = token.indexOf(":");
      pairs.push(at < 0 ? [token, ""] : [token.slice(0, at), token.slice(at + 1)]);
    }
  }
  return pairs;
}

// The page's address with `answers` (question id -> choice id) as `param`, written readably:
// `?orchestration=scale:no,lock-in:acceptable`, not `scale%3Ano%2C...`.
export function urlWithAnswers(param, answers) {
  const url = new URL(window.location.href);
  const enc = (text) => encodeURIComponent(text);
  // Other parameters (another quiz's answers among them) stay exactly as they were written.
  const keyOf = (part) => new URLSearchParams(part).keys().next().value;
  const parts = url.search.slice(1).split("&").filter((part) => part && keyOf(part) !== param);
  const value = [...answers].map(([q, c]) => `${enc(q)}:${enc(c)}`).join(",");
  if (value) parts.push(`${enc(param)}=${value}`);
  url.search = parts.length ? `?${parts.join("&")}` : "";
  return url.href;
}

export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

const WORDS = ["No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"];

// "Two", "Three", ... for a count at the start of a sentence.
export function countWord(count) {
  return WORDS[count] || String(count);
}

export function megabytes(bytes) {
  return (bytes / 1e6).toFixed(1);
}
