// One question and its answer in the conversation: the streamed text, the lead in bold, the
// answer's body with the rest of its evidence folded ("meer in de bronnen", the response's
// `more`), the status in words, the figures table, the chart over periods, the first three
// citations and the rest under "meer in de bronnen" (the turn's actions are in turn_actions.js).
// Documents are named by title, page and lines, never by file name.
import { apiFetch, apiJson, describeError } from "./api.js";
import { currentLang, formatNumber, label, placeText, t } from "./i18n.js";
import { plainText, renderInline, renderMarkdown } from "./markdown.js";
import { sourceLink } from "./source_view.js";

const MAX_CHARTS = 2;
const SHOWN_CITATIONS = 3;
const titles = new Map(); // doc_id -> title, from /api/v1/documents

export function setDocumentTitles(documents) {
  for (const doc of documents) titles.set(doc.doc_id, doc.title);
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function section(turn, key, className, idSuffix = className) {
  const part = el("section", className);
  const heading = label(el("h3"), key);
  heading.id = `${turn.id}-${idSuffix}`;
  part.setAttribute("aria-labelledby", heading.id);
  part.append(heading);
  return part;
}

export function filtersText(filters) {
  return [filters.municipality, filters.year, filters.doc_type].filter(Boolean).join(", ");
}

export function createTurn(number, question, filters) {
  const id = `turn-${number}`;
  const root = el("li", "turn");
  root.id = id;
  const asked = el("div", "turn-question");
  asked.append(label(el("p", "label"), "you_asked"), el("p", "question-text", question));
  const active = filtersText(filters);
  if (active) asked.append(label(el("p", "turn-filters"), "filters_active", { filters: active }));
  const answer = el("section", "turn-answer");
  const head = el("div", "answer-head");
  const heading = label(el("h2"), "answer_heading");
  heading.id = `${id}-answer`;
  answer.setAttribute("aria-labelledby", heading.id);
  const status = el("span", "status");
  status.hidden = true;
  head.append(heading, status);
  const text = el("div", "answer-text");
  text.setAttribute("aria-live", "polite");
  text.setAttribute("aria-busy", "true");
  text.append(label(el("p", "pending"), "asking"));
  const lead = el("p", "lead");
  lead.hidden = true;
  const extra = el("div", "answer-extra");
  const actions = el("div", "turn-actions");
  actions.hidden = true;
  answer.append(head, lead, text, extra, actions);
  root.append(asked, answer);
  return { id, root, status, lead, text, extra, actions, question, filters, raw: "", citations: new Map() };
}

export function streamToken(turn, token) {
  turn.raw += token;
  turn.text.textContent = plainText(turn.raw);
}

export function showTurnError(turn, error) {
  turn.text.removeAttribute("aria-busy");
  turn.text.querySelector(".pending")?.remove();
  const message = el("p", "error", describeError(error));
  message.setAttribute("role", "alert");
  turn.extra.replaceChildren(message);
  turn.root.classList.add("failed");
}

export function showTurnStopped(turn) {
  turn.text.removeAttribute("aria-busy");
  turn.text.replaceChildren(label(el("p", "stopped"), "stopped"));
  turn.root.dataset.status = "stopped";
}

function citeMarker(turn, id) {
  const citation = turn.citations.get(id);
  if (!citation) return null;
  const link = sourceLink(citation, `[${citation.number}]`);
  link.classList.add("cite-ref");
  link.dataset.cite = `${turn.id}-${id}`;
  link.setAttribute("aria-label", `${t("citations_heading")} ${citation.number}`);
  return link;
}

function citationItem(turn, citation) {
  const item = el("li", "citation");
  item.id = `${turn.id}-${citation.id}`;
  item.dataset.docId = citation.doc_id;
  item.dataset.municipality = citation.municipality || "";
  const link = sourceLink(citation, citation.title);
  link.classList.add("cite-link");
  link.dataset.cite = item.id;
  const place = citation.location || placeText(citation.line_start, citation.line_end, citation.page);
  const meta = el("p", "meta", [citation.municipality, citation.year, place].filter(Boolean).join(" · "));
  item.append(link, meta, el("blockquote", "quote", citation.quote));
  return item;
}

// the first three citations in view; the rest collapsed under "meer in de bronnen"
function citationsList(turn, citations) {
  const part = section(turn, "citations_heading", "citations");
  const list = el("ol", "citation-list");
  list.append(...citations.slice(0, SHOWN_CITATIONS).map((c) => citationItem(turn, c)));
  part.append(list);
  const rest = citations.slice(SHOWN_CITATIONS);
  if (rest.length) {
    const more = el("details", "more-sources");
    const summary = label(el("summary"), "more_sources", { n: rest.length });
    const restList = el("ol", "citation-list");
    restList.start = SHOWN_CITATIONS + 1;
    restList.append(...rest.map((c) => citationItem(turn, c)));
    more.append(summary, restList);
    part.append(more);
  }
  return part;
}

function shortTitle(title, limit = 40) {
  return title && title.length > limit ? `${title.slice(0, limit - 1).trimEnd()}…` : title;
}

function figureCells(row) {
  const value = `${row.approx ? "≈ " : ""}${formatNumber(row.value)}`;
  const period = row.period === "unknown" ? t("period_unknown") : row.period;
  const source = sourceLink({ doc_id: row.doc_id, line_start: row.line, line_end: row.line, page: row.page });
  source.classList.add("figure-source");
  const title = row.title || titles.get(row.doc_id);
  source.title = title || row.source;
  const place = row.location || placeText(row.line, row.line, row.page);
  source.textContent = [shortTitle(title), place].filter(Boolean).join(", ");
  const kind = el("span");
  label(kind, `kind_${row.kind}`);
  const cells = [
    el("span", null, value),
    label(el("span"), `unit_${row.unit}`),
    el("span", null, period),
    kind,
    el("span", null, row.municipality),
    source,
  ];
  if (row.cumulative) cells[2].append(" (", label(el("span"), "cumulative"), ")");
  if (row.conflict) cells[0].append(" ", label(el("span", "tag"), "conflict"));
  return cells;
}

function figuresTable(turn, figures) {
  const part = section(turn, "figures_heading", "figures");
  const wrap = el("div", "table-wrap");
  const table = el("table", "data-table figures-table");
  table.setAttribute("aria-labelledby", `${turn.id}-figures`);
  const head = el("tr");
  for (const key of ["col_value", "col_unit", "col_period", "col_kind", "col_municipality", "col_source"]) {
    const th = label(el("th", key === "col_value" ? "num" : null), key);
    th.scope = "col";
    head.append(th);
  }
  const body = el("tbody");
  for (const row of figures) {
    const tr = el("tr");
    figureCells(row).forEach((cell, i) => {
      const td = el("td", i === 0 ? "num" : null);
      td.append(cell);
      tr.append(td);
    });
    body.append(tr);
  }
  table.append(el("thead"), body);
  table.tHead.append(head);
  wrap.append(table);
  part.append(wrap);
  return part;
}

// the answer text without the lead when it starts with it (the lead is shown above, in bold)
// and without the collapsed "meer in de bronnen" part at its end (shown folded, below it)
export function answerBody(response) {
  const lead = (response.lead || "").trim();
  let answer = (response.answer || "").trim();
  const more = answerMore(response);
  if (more && answer.endsWith(more)) answer = answer.slice(0, answer.length - more.length).trim();
  return lead && answer.startsWith(lead) ? answer.slice(lead.length).trim() : answer;
}

// the rest of the evidence: the response's `more`, from its heading line on
export function answerMore(response) {
  return (response.more || "").trim();
}

function moreEvidence(turn, more) {
  const details = el("details", "answer-more");
  details.append(label(el("summary"), "more_evidence"));
  const body = el("div", "answer-more-text");
  renderMarkdown(body, more.split("\n").slice(1).join("\n"), (id) => citeMarker(turn, id));
  details.append(body);
  return details;
}

export function renderFinal(turn, response) {
  turn.raw = response.answer;
  turn.response = response;
  turn.root.dataset.status = response.status;
  turn.root.dataset.conversationId = response.conversation_id;
  response.citations.forEach((citation, i) => turn.citations.set(citation.id, { ...citation, number: i + 1 }));
  label(turn.status, `status_${response.status}`);
  turn.status.className = `status status-${response.status}`;
  turn.status.hidden = false;
  const lead = (response.lead || "").trim();
  turn.lead.hidden = !lead;
  turn.lead.replaceChildren();
  if (lead) {
    const strong = el("strong");
    renderInline(strong, lead, (id) => citeMarker(turn, id));
    turn.lead.append(strong);
  }
  const body = answerBody(response);
  if (body) renderMarkdown(turn.text, body, (id) => citeMarker(turn, id));
  else if (!lead) turn.text.replaceChildren(label(el("p", "pending"), "answer_not_kept"));
  else turn.text.replaceChildren();
  const more = answerMore(response);
  if (more) turn.text.append(moreEvidence(turn, more));
  turn.text.removeAttribute("aria-busy");
  const parts = [];
  if (response.figures.length) parts.push(figuresTable(turn, response.figures));
  if (response.citations.length) parts.push(citationsList(turn, [...turn.citations.values()]));
  turn.extra.replaceChildren(...parts);
}

// The chart of a figure over periods, when /metrics knows it for more than one period.
export async function renderCharts(turn, figures) {
  const seen = new Set();
  for (const row of figures) {
    const key = `${row.subject}\u0000${row.measure}`;
    if (seen.has(key) || seen.size >= MAX_CHARTS) continue;
    seen.add(key);
    const params = new URLSearchParams({ subject: row.subject, measure: row.measure });
    try {
      const { figures: rows } = await apiJson(`/api/v1/metrics?${params}`);
      const periods = new Set(rows.map((r) => r.period).filter((p) => p !== "unknown"));
      if (periods.size < 2) continue;
      params.set("lang", currentLang());
      const blob = await (await apiFetch(`/api/v1/metrics/chart?${params}`)).blob();
      const part = section(turn, "chart_heading", "chart", `chart-${seen.size}`);
      const img = el("img", "chart-image");
      img.src = URL.createObjectURL(blob);
      img.dataset.i18nAttr = "alt:chart_alt";
      img.dataset.i18nVars = JSON.stringify({ name: `${row.subject} — ${row.measure}` });
      img.alt = t("chart_alt", { name: `${row.subject} — ${row.measure}` });
      part.append(img);
      const before = [...turn.extra.querySelectorAll(".figures, .chart")].pop();
      if (before) before.after(part);
      else turn.extra.prepend(part);
    } catch {
      /* a chart is extra: the answer stands without it */
    }
  }
}
