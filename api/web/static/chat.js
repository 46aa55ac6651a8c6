// The chat page: ask (streamed answer), follow-ups in one conversation, filters for the next
// question, and the source panel that opens a cited passage.
import { ApiError, apiFetch, apiJson, clearError, showError } from "./api.js";
import { createTurn, renderCharts, renderFinal, showTurnError, streamToken } from "./answer_view.js";
import { label, t } from "./i18n.js";
import { announce, initPage } from "./page.js";
import { showPassage, targetOf } from "./source_view.js";
import { readEvents } from "./stream.js";

const maxChars = Number(document.body.dataset.maxQuestionChars) || 2000;
const $ = (id) => document.getElementById(id);
const form = $("ask-form");
const question = $("question");
const count = $("question-count");
const askButton = $("ask-button");
const conversation = $("conversation");
const errorBox = $("chat-error");
const panel = $("source-panel");
const filterSelects = ["municipality", "year", "doc_type"].map((name) => $(`filter-${name}`));
const state = { conversationId: null, turns: 0, busy: false, panelOpener: null };

const length = (text) => [...text].length;

function updateCount() {
  const n = length(question.value.trim());
  label(count, "chars_used", { n, max: maxChars });
  count.classList.toggle("over", n > maxChars);
}

function currentFilters() {
  const [municipality, year, docType] = filterSelects.map((select) => select.value || null);
  return { municipality, year: year ? Number(year) : null, doc_type: docType };
}

function problemWith(text) {
  if (!text) return t("err_empty");
  if (length(text) > maxChars) return t("err_too_long", { n: length(text), max: maxChars });
  return null;
}

function setConversation(id) {
  state.conversationId = id;
  conversation.dataset.conversationId = id || "";
}

async function streamAnswer(turn, body) {
  const response = await apiFetch("/api/v1/ask/stream", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  let final = null;
  try {
    await readEvents(response, (event, data) => {
      if (event === "token") streamToken(turn, data.text);
      else if (event === "final") final = data;
    });
  } catch {
    final = null;
  }
  if (!final) throw new ApiError("interrupted", t("err_interrupted"));
  return final;
}

async function ask(text) {
  const problem = problemWith(text);
  if (problem) {
    showError(errorBox, problem);
    question.focus();
    return;
  }
  clearError(errorBox);
  state.busy = true;
  askButton.disabled = true;
  $("intro").hidden = true;
  const filters = currentFilters();
  const turn = createTurn(++state.turns, text, filters);
  conversation.append(turn.root);
  turn.root.scrollIntoView({ block: "start" });
  const body = { question: text, filters };
  if (state.conversationId) body.conversation_id = state.conversationId;
  try {
    const final = await streamAnswer(turn, body);
    setConversation(final.conversation_id);
    renderFinal(turn, final);
    announce(t(`status_${final.status}`));
    question.value = "";
    updateCount();
    renderCharts(turn, final.figures);
  } catch (error) {
    showTurnError(turn, error);
  } finally {
    state.busy = false;
    askButton.disabled = false;
    question.focus();
  }
}

function fillSelect(select, values) {
  const chosen = select.value;
  select.replaceChildren(select.options[0]);
  for (const value of values) select.append(new Option(String(value), String(value)));
  select.value = values.map(String).includes(chosen) ? chosen : "";
}

async function loadFilters() {
  try {
    const { documents } = await apiJson("/api/v1/documents");
    const distinct = (name) => [...new Set(documents.map((d) => d[name]).filter((v) => v != null))];
    fillSelect(filterSelects[0], distinct("municipality").sort());
    fillSelect(filterSelects[1], distinct("year").sort((a, b) => b - a));
    fillSelect(filterSelects[2], distinct("doc_type").sort());
  } catch (error) {
    showError(errorBox, error);
  }
}

function openSource(link) {
  state.panelOpener = link;
  for (const active of conversation.querySelectorAll(".citation.active")) active.classList.remove("active");
  if (link.dataset.cite) document.getElementById(link.dataset.cite)?.classList.add("active");
  panel.hidden = false;
  $("chat-layout").classList.add("with-source");
  $("source-panel-heading").focus();
  return showPassage($("source-view"), targetOf(link), { permalink: true });
}

function closeSource() {
  panel.hidden = true;
  $("chat-layout").classList.remove("with-source");
  state.panelOpener?.focus();
}

function newConversation() {
  setConversation(null);
  conversation.replaceChildren();
  state.turns = 0;
  $("intro").hidden = false;
  clearError(errorBox);
  if (!panel.hidden) closeSource();
  question.focus();
}

function init() {
  initPage();
  updateCount();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!state.busy) ask(question.value.trim());
  });
  question.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  question.addEventListener("input", updateCount);
  $("new-conversation").addEventListener("click", newConversation);
  for (const button of document.querySelectorAll("[data-example]")) {
    button.addEventListener("click", () => {
      question.value = t(button.dataset.example);
      updateCount();
      form.requestSubmit();
    });
  }
  conversation.addEventListener("click", (event) => {
    const link = event.target.closest("a.source-link");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    openSource(link);
  });
  $("source-close").addEventListener("click", closeSource);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeSource();
  });
  document.addEventListener("pa:auth", loadFilters);
  loadFilters();
}

init();
