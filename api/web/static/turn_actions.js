// What a person does with a finished turn: copy the answer as plain text (lead, answer, sources
// by title, page and lines, never a file name) and ask the same question again.
import { answerBody, el } from "./answer_view.js";
import { label, placeText, t } from "./i18n.js";
import { plainText } from "./markdown.js";
import { copyText } from "./source_view.js";

// The answer as plain text for a letter or an e-mail: the lead, the answer with [1] markers,
// and the sources by title, page and lines (never a file name).
export function answerText(turn) {
  const response = turn.response;
  if (!response) return "";
  const number = (id) => turn.citations.get(id)?.number ?? id;
  // bold and the writer's [c1] markers first, then the escapes of document text undone
  const plain = (text) =>
    plainText(text.replace(/\*\*([^*]+)\*\*/g, "$1").replace(/\[(c\d+)\]/g, (_, id) => `[${number(id)}]`));
  const parts = [response.lead, answerBody(response)].filter((p) => p && p.trim()).map(plain);
  const sources = [...turn.citations.values()].map((c) => {
    const where = [c.municipality, c.year].filter(Boolean).join(", ");
    const place = placeText(c.line_start, c.line_end, c.page);
    return `[${c.number}] ${c.title}${where ? ` (${where})` : ""}, ${place}`;
  });
  if (sources.length) parts.push(`${t("sources_label")}:\n${sources.join("\n")}`);
  return parts.join("\n\n");
}

// "Kopieer antwoord" and "Opnieuw vragen" under a finished (or failed, or stopped) turn
export function showTurnActions(turn, onAgain) {
  const buttons = [];
  if (turn.response) {
    const copy = label(el("button", "secondary small copy-answer"), "copy_answer");
    copy.type = "button";
    const status = el("span", "copy-status");
    status.setAttribute("role", "status");
    copy.addEventListener("click", async () => {
      const scratch = el("textarea", "visually-hidden");
      scratch.value = answerText(turn);
      scratch.setAttribute("aria-hidden", "true");
      turn.actions.append(scratch);
      const ok = await copyText(scratch.value, scratch);
      scratch.remove();
      label(status, ok ? "copied" : "copy_failed");
      status.classList.toggle("failed", !ok);
      copy.focus();
    });
    buttons.push(copy, status);
  }
  const again = label(el("button", "secondary small ask-again"), "ask_again");
  again.type = "button";
  again.addEventListener("click", () => onAgain(turn));
  turn.actions.replaceChildren(again, ...buttons);
  turn.actions.hidden = false;
}
