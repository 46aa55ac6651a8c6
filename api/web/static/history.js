// The list of this key's conversations (GET /api/v1/conversations): newest first, kept on the
// server, so it survives a reload. A click resumes one. On a phone the list is a drawer.
import { apiJson } from "./api.js";
import { currentLang, label } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const narrow = window.matchMedia("(max-width: 900px)");
let onResume = () => {};
let currentId = null;

function when(iso) {
  const locale = currentLang() === "nl" ? "nl-NL" : "en-GB";
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

function item(conversation) {
  const li = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "history-item";
  button.dataset.conversationId = conversation.conversation_id;
  if (conversation.conversation_id === currentId) button.setAttribute("aria-current", "true");
  const title = document.createElement("span");
  title.className = "history-title";
  title.textContent = conversation.title;
  const meta = document.createElement("span");
  meta.className = "meta";
  const turns = document.createElement("span");
  if (conversation.turns === 1) label(turns, "history_turn_one");
  else label(turns, "history_turns", { n: conversation.turns });
  meta.append(turns, ` · ${when(conversation.updated_at)}`);
  button.append(title, meta);
  li.append(button);
  return li;
}

export async function loadHistory() {
  let conversations = [];
  try {
    ({ conversations } = await apiJson("/api/v1/conversations?limit=50"));
  } catch {
    return; // the list is extra: asking works without it (a 401 opens the key dialog)
  }
  $("history-list").replaceChildren(...conversations.map(item));
  $("history-empty").hidden = conversations.length > 0;
}

export function markCurrent(id) {
  currentId = id;
  for (const button of $("history-list").querySelectorAll(".history-item")) {
    if (button.dataset.conversationId === id) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

function setOpen(open) {
  $("history").classList.toggle("open", open);
  $("history-toggle").setAttribute("aria-expanded", String(open));
  if (open) $("history-heading").focus();
  else if (narrow.matches) $("history-toggle").focus();
}

export function closeHistoryDrawer() {
  if ($("history").classList.contains("open")) setOpen(false);
}

export function initHistory(resume) {
  onResume = resume;
  $("history-toggle").addEventListener("click", () => setOpen(!$("history").classList.contains("open")));
  $("history-close").addEventListener("click", () => setOpen(false));
  $("history").addEventListener("keydown", (event) => {
    if (event.key === "Escape" && narrow.matches) setOpen(false);
  });
  $("history-list").addEventListener("click", (event) => {
    const button = event.target.closest(".history-item");
    if (!button) return;
    if (narrow.matches) setOpen(false);
    onResume(button.dataset.conversationId);
  });
  document.addEventListener("pa:auth", loadHistory);
  document.addEventListener("pa:lang", loadHistory);
}
