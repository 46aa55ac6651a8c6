// What every page shares: the language toggle, the API-key form (shown on a 401) and the
// polite announcer for short status messages.
import { setApiKey } from "./api.js";
import { currentLang, setLang, t } from "./i18n.js";

export function announce(message) {
  const announcer = document.getElementById("announcer");
  announcer.textContent = "";
  // a fresh text node so that the same message is announced again
  window.setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

function initLanguageToggle() {
  const toggle = document.getElementById("lang-toggle");
  toggle.closest("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const next = currentLang() === "nl" ? "en" : "nl";
    setLang(next);
    toggle.value = next === "nl" ? "en" : "nl";
    toggle.lang = next === "nl" ? "en" : "nl";
  });
  toggle.lang = currentLang() === "nl" ? "en" : "nl";
}

function initAuthDialog() {
  const dialog = document.getElementById("auth-dialog");
  const form = document.getElementById("auth-form");
  const input = document.getElementById("auth-key");
  let opener = null;
  document.addEventListener("pa:unauthorized", () => {
    if (dialog.open) return;
    opener = document.activeElement;
    input.value = "";
    dialog.showModal();
    input.focus();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!input.value.trim()) return;
    setApiKey(input.value.trim());
    dialog.close();
    announce(t("auth_saved"));
    document.dispatchEvent(new CustomEvent("pa:auth"));
  });
  document.getElementById("auth-cancel").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => opener?.focus?.());
}

export function initPage() {
  initLanguageToggle();
  initAuthDialog();
}
