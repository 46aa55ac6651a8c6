// The chat page: ask (streamed answer, which Stop cancels), follow-ups in one conversation,
// filters for the next question, the list of this key's conversations (resume one; the open one
// is resumed after a reload), and the source panel that opens a cited passage.
import { ApiError, apiFetch, apiJson, clearError, showError } from "./api.js";
import {
  createTurn,
  renderCharts,
  renderFinal,
  setDocumentTitles,
  showTurnError,
  showTurnStopped,
  streamToken,
} from "./answer_view.js";
import { closeHistoryDrawer, initHistory, loadHistory, markCurrent } from "./history.js";
import { label, t } from "./i18n.js";
import { announce, initPage } from "./page.js";
import { showPassage, targetOf } from "./source_view.js";
import { readEvents } from "./stream.js";
import { showTurnActions } from "./turn_actions.js";

const maxChars = Number(document.body.dataset.maxQuestionChars) || 2000;
const OPEN_CONVERSATION = "policy_assistant_conversation";
const $ = (id) => document.getElementById(id);
const form = $("ask-form");
const question = $("question");
const count = $("question-count");
const askButton = $("ask-button");
const stopButton = $("stop-button");
const conversation = $("conversation");
const errorBox = $("chat-error");
const panel = $("source-panel");
const wide = window.matchMedia("(min-width: 901px)");
const filterSelects = ["municipality", "year", "doc_type"].map((name) => $(`filter-${name}`));
const state = { conversationId: null, turns: 0, busy: false, controller: null, panelOpener: null };

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

function updateFiltersSummary() {
  const n = filterSelects.filter((select) => select.value).length;
  label($("filters-summary"), n ? "filters_count" : "filters_heading", n ? { n } : undefined);
}

function problemWith(text) {
  if (!text) return t("err_empty");
  if (length(text) > maxChars) return t("err_too_long", { n: length(text), max: maxChars });
  return null;
}

// a new conversation gets its id here, so that even a stopped first question belongs to it
function newConversationId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function remember(id) {
  try {
    if (id) sessionStorage.setItem(OPEN_CONVERSATION, id);
    else sessionStorage.removeItem(OPEN_CONVERSATION);
  } catch {
    /* storage disabled: the list still resumes it */
  }
}

function setConversation(id) {
  state.conversationId = id;
  conversation.dataset.conversationId = id || "";
  remember(id);
  markCurrent(id);
}

async function streamAnswer(turn, body, signal) {
  const response = await apiFetch("/api/v1/ask/stream", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(body),
    signal,
  });
  let final = null;
  try {
    await readEvents(response, (event, data) => {
      if (event === "token") streamToken(turn, data.text);
      else if (event === "final") final = data;
    });
  } catch (error) {
    if (signal.aborted) throw error;
    final = null;
  }
  if (!final) throw new ApiError("interrupted", t("err_interrupted"));
  return final;
}

function setBusy(busy) {
  state.busy = busy;
  askButton.disabled = busy;
  askButton.hidden = busy;
  stopButton.hidden = !busy;
}

async function ask(text, filters = currentFilters()) {
  const problem = problemWith(text);
  if (problem) {
    showError(errorBox, problem);
    question.focus();
    return;
  }
  clearError(errorBox);
  if (!state.conversationId) setConversation(newConversationId());
  state.controller = new AbortController();
  setBusy(true);
  $("intro").hidden = true;
  const turn = createTurn(++state.turns, text, filters);
  conversation.append(turn.root);
  turn.root.scrollIntoView({ block: "start" });
  const body = { question: text, filters, conversation_id: state.conversationId };
  try {
    const final = await streamAnswer(turn, body, state.controller.signal);
    setConversation(final.conversation_id);
    renderFinal(turn, final);
    turn.root.scrollIntoView({ block: "start" }); // the answer fills the screen, from its question
    announce(t(`status_${final.status}`));
    if (question.value.trim() === text) question.value = "";
    updateCount();
    renderCharts(turn, final.figures);
    loadHistory();
  } catch (error) {
    if (state.controller.signal.aborted) {
      showTurnStopped(turn);
      announce(t("stopped"));
    } else {
      showTurnError(turn, error);
    }
  } finally {
    showTurnActions(turn, (done) => {
      if (!state.busy) ask(done.question, done.filters);
    });
    setBusy(false);
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
    setDocumentTitles(documents);
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
  if (link.dataset.cite) {
    const cited = document.getElementById(link.dataset.cite);
    cited?.classList.add("active");
    const collapsed = cited?.closest("details");
    if (collapsed) collapsed.open = true;
  }
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

function clearConversation() {
  state.controller?.abort();
  setConversation(null);
  conversation.replaceChildren();
  state.turns = 0;
  $("intro").hidden = false;
  clearError(errorBox);
  if (!panel.hidden) closeSource();
}

// a conversation from the list (or the one open before a reload), turn by turn
async function resume(id, { quiet = false } = {}) {
  if (state.busy) return;
  clearConversation();
  $("intro").hidden = true;
  const loading = label(document.createElement("p"), "history_loading");
  loading.className = "pending";
  conversation.before(loading);
  try {
    const { turns } = await apiJson(`/api/v1/conversations/${encodeURIComponent(id)}`);
    for (const saved of turns) {
      const turn = createTurn(++state.turns, saved.question, {});
      conversation.append(turn.root);
      renderFinal(turn, { ...saved, conversation_id: id });
      showTurnActions(turn, (done) => {
        if (!state.busy) ask(done.question, done.filters);
      });
    }
    setConversation(id);
    conversation.lastElementChild?.scrollIntoView({ block: "start" });
    if (!quiet) announce(t("resumed"));
  } catch (error) {
    clearConversation();
    if (!quiet) showError(errorBox, error);
  } finally {
    loading.remove();
    if (!quiet) question.focus();
  }
}

function openConversationBeforeReload() {
  try {
    return sessionStorage.getItem(OPEN_CONVERSATION);
  } catch {
    return null;
  }
}

function init() {
  initPage();
  updateCount();
  if (wide.matches) $("filters-box").open = true;
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
  stopButton.addEventListener("click", () => state.controller?.abort());
  for (const select of filterSelects) select.addEventListener("change", updateFiltersSummary);
  $("new-conversation").addEventListener("click", () => {
    clearConversation();
    closeHistoryDrawer();
    question.focus();
  });
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
  initHistory((id) => resume(id));
  document.addEventListener("pa:auth", loadFilters);
  loadFilters();
  loadHistory();
  const open = openConversationBeforeReload();
  if (open) resume(open, { quiet: true });
}

init();
