// The source view: the cited lines highlighted inside their surroundings, and a
// "kopieer bronvermelding" button. Used by the chat page's side panel and by /bron/{doc_id}.
import { apiJson, describeError } from "./api.js";
import { label, placeText, t } from "./i18n.js";
import { announce } from "./page.js";

const DEFAULT_CONTEXT = 8;
const MAX_CONTEXT = 50;
const MORE_CONTEXT = 16;

export function sourceUrl(target) {
  const params = new URLSearchParams();
  for (const name of ["line_start", "line_end", "page", "page_end"]) {
    if (target[name]) params.set(name, target[name]);
  }
  const query = params.toString();
  return `/bron/${encodeURIComponent(target.doc_id)}${query ? `?${query}` : ""}`;
}

// A link that opens the source view; its data-* attributes carry the target.
export function sourceLink(target, text) {
  const link = document.createElement("a");
  link.href = sourceUrl(target);
  link.className = "source-link";
  link.dataset.docId = target.doc_id;
  for (const [name, key] of [
    ["line_start", "lineStart"],
    ["line_end", "lineEnd"],
    ["page", "page"],
    ["page_end", "pageEnd"],
  ]) {
    if (target[name]) link.dataset[key] = target[name];
  }
  if (text !== undefined) link.textContent = text;
  return link;
}

export function targetOf(element) {
  const data = element.dataset;
  return {
    doc_id: data.docId,
    line_start: Number(data.lineStart) || null,
    line_end: Number(data.lineEnd) || null,
    page: Number(data.sourcePage || data.page) || null,
    page_end: Number(data.sourcePageEnd || data.pageEnd) || null,
  };
}

export async function copyText(text, textarea) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      /* permission refused: fall back to selecting the text */
    }
  }
  textarea.focus();
  textarea.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

function lineRow(line, cited) {
  const row = document.createElement("div");
  row.className = cited ? "source-line cited" : "source-line";
  row.dataset.line = line.line;
  if (line.page) row.dataset.page = line.page;
  const number = document.createElement("span");
  number.className = "line-number";
  number.textContent = line.line;
  number.setAttribute("aria-hidden", "true");
  const text = document.createElement(cited ? "mark" : "span");
  text.className = "line-text";
  text.textContent = line.text || "\u00a0";
  row.append(number, text);
  return row;
}

function header(data, level) {
  const head = document.createElement("div");
  head.className = "source-meta";
  const title = document.createElement(`h${level}`);
  title.className = "source-title";
  title.textContent = data.title;
  const meta = document.createElement("p");
  meta.className = "meta";
  // the server names the place ("p. 2, r. 36–39"; a DOCX by heading and paragraph)
  const place = data.location || placeText(data.line_start, data.line_end, data.page);
  // a person reads titles, pages and lines; the file name stays in the API fields
  meta.textContent = [data.municipality, data.year, place].filter(Boolean).join(" · ");
  head.append(title, meta);
  return head;
}

function citationBox(data) {
  const box = document.createElement("div");
  box.className = "citation-box";
  const caption = label(document.createElement("label"), "source_citation_label");
  caption.htmlFor = "citation-text";
  const textarea = document.createElement("textarea");
  textarea.id = "citation-text";
  textarea.readOnly = true;
  textarea.rows = 3;
  textarea.value = data.citation;
  const button = label(document.createElement("button"), "copy_citation");
  button.type = "button";
  button.className = "copy-citation";
  const status = document.createElement("span");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    const ok = await copyText(data.citation, textarea);
    label(status, ok ? "copied" : "copy_failed");
    status.classList.toggle("failed", !ok);
    if (ok) button.focus();
  });
  box.append(caption, textarea, button, status);
  return box;
}

function body(data) {
  const lines = document.createElement("div");
  lines.className = "source-lines";
  lines.append(...data.context_before.map((line) => lineRow(line, false)));
  const passage = document.createElement("div");
  passage.className = "passage";
  passage.setAttribute("role", "group");
  passage.dataset.i18nAttr = "aria-label:cited_lines";
  passage.setAttribute("aria-label", t("cited_lines"));
  passage.append(...data.lines.map((line) => lineRow(line, true)));
  lines.append(passage, ...data.context_after.map((line) => lineRow(line, false)));
  return lines;
}

// scroll the lines box (not the page) so that the cited lines sit in its middle
function centrePassage(container) {
  const box = container.querySelector(".source-lines");
  const passage = container.querySelector(".passage");
  if (!box || !passage) return;
  const offset = passage.offsetTop - box.offsetTop;
  box.scrollTop = Math.max(0, offset - (box.clientHeight - passage.offsetHeight) / 2);
}

// options: permalink (a link to /bron/...), context (lines around), level (of the title heading)
export async function showPassage(container, target, options = {}) {
  const { permalink = false, context = DEFAULT_CONTEXT, level = 3 } = options;
  container.setAttribute("aria-busy", "true");
  container.replaceChildren(label(document.createElement("p"), "source_loading"));
  const params = new URLSearchParams({ context: String(context) });
  for (const name of ["line_start", "line_end", "page", "page_end"]) {
    if (target[name]) params.set(name, target[name]);
  }
  let data;
  try {
    data = await apiJson(`/api/v1/documents/${encodeURIComponent(target.doc_id)}/passage?${params}`);
  } catch (error) {
    const message = document.createElement("p");
    message.className = "error";
    message.setAttribute("role", "alert");
    message.textContent = describeError(error);
    container.replaceChildren(message);
    container.removeAttribute("aria-busy");
    return null;
  }
  const parts = [header(data, level), body(data), citationBox(data)];
  const actions = document.createElement("p");
  actions.className = "source-actions";
  if (context < MAX_CONTEXT) {
    const more = label(document.createElement("button"), "source_more");
    more.type = "button";
    more.className = "secondary source-more";
    more.addEventListener("click", async () => {
      const wider = Math.min(MAX_CONTEXT, context + MORE_CONTEXT);
      await showPassage(container, target, { ...options, context: wider });
      container.querySelector(".source-more, .copy-citation")?.focus();
    });
    actions.append(more);
  }
  if (permalink) {
    const link = label(document.createElement("a"), "source_permalink");
    link.href = sourceUrl(target);
    link.target = "_blank";
    link.rel = "noopener";
    actions.append(link);
  }
  if (actions.childElementCount) parts.push(actions);
  container.replaceChildren(...parts);
  container.removeAttribute("aria-busy");
  centrePassage(container);
  announce(`${data.title}, ${data.location || placeText(data.line_start, data.line_end, data.page)}`);
  return data;
}
