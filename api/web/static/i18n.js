// UI strings (api/web/i18n.json, rendered into the page) and the language toggle.
const strings = JSON.parse(document.getElementById("ui-strings").textContent);
let lang = strings[document.documentElement.lang] ? document.documentElement.lang : "nl";

export function currentLang() {
  return lang;
}

export function t(key, vars = {}) {
  const text = strings[lang][key] ?? strings.nl[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

// An element whose text follows the language: keeps its key (and values) for a later switch.
export function label(element, key, vars) {
  element.dataset.i18n = key;
  if (vars) element.dataset.i18nVars = JSON.stringify(vars);
  element.textContent = t(key, vars);
  return element;
}

export function applyStrings(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n, el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : {});
  }
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    const vars = el.dataset.i18nVars ? JSON.parse(el.dataset.i18nVars) : {};
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr, t(key, vars));
    }
  }
}

export function setLang(next) {
  lang = strings[next] ? next : "nl";
  document.documentElement.lang = lang;
  document.cookie = `pa_lang=${lang}; path=/; max-age=31536000; samesite=lax`;
  applyStrings();
  document.dispatchEvent(new CustomEvent("pa:lang", { detail: lang }));
}

export function formatNumber(value) {
  const locale = lang === "nl" ? "nl-NL" : "en-GB";
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
}

// "regel 90", "regels 87–92", with "p. 3" when the source has pages
export function placeText(lineStart, lineEnd, page) {
  const lines =
    lineEnd && lineEnd !== lineStart
      ? t("lines_n", { a: lineStart, b: lineEnd })
      : t("line_n", { n: lineStart });
  return page ? `${t("page_n", { n: page })}, ${lines}` : lines;
}
