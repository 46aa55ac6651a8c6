// /documenten: the ingested documents with their inferred metadata; for an admin also
// upload (POST /api/v1/documents, multipart field "file") and remove (DELETE .../{doc_id}).
import { apiFetch, apiJson, clearError, showError } from "./api.js";
import { label, t } from "./i18n.js";
import { announce, initPage } from "./page.js";

const $ = (id) => document.getElementById(id);
const table = $("documents-table");
const status = $("documents-status");
const errorBox = $("documents-error");
const authEnabled = document.body.dataset.authEnabled === "true";
let admin = false;

// Without auth the page is used locally: its user is the admin. With auth, GET /api/v1/me says
// the role; a server without that route (404) is treated as local as well.
async function isAdmin() {
  if (!authEnabled) return true;
  try {
    const me = await apiJson("/api/v1/me");
    return me.role === "admin";
  } catch (error) {
    return error.status === 404;
  }
}

function cell(row, text, inferred = false) {
  const td = document.createElement("td");
  td.textContent = text ?? "–";
  if (inferred && text != null) td.append("*");
  row.append(td);
  return td;
}

function sizeText(doc) {
  const parts = [];
  if (doc.lines) parts.push(t("size_lines", { n: doc.lines }));
  if (doc.pages) parts.push(t("size_pages", { n: doc.pages }));
  return parts.join(", ") || null;
}

function removeButton(doc) {
  const button = label(document.createElement("button"), "remove_button");
  button.type = "button";
  button.className = "danger";
  button.dataset.i18nAttr = "aria-label:remove_label";
  button.dataset.i18nVars = JSON.stringify({ title: doc.title });
  button.setAttribute("aria-label", t("remove_label", { title: doc.title }));
  button.addEventListener("click", () => remove(doc, button));
  return button;
}

function documentRow(doc) {
  const row = document.createElement("tr");
  row.dataset.docId = doc.doc_id;
  const inferred = doc.inferred || {};
  const title = document.createElement("th");
  title.scope = "row";
  title.textContent = doc.title;
  if (inferred.title) title.append("*");
  const source = document.createElement("span");
  source.className = "meta";
  source.textContent = doc.source;
  title.append(document.createElement("br"), source);
  row.append(title);
  cell(row, doc.municipality, inferred.municipality);
  cell(row, doc.doc_type, inferred.doc_type);
  cell(row, doc.year, inferred.year);
  cell(row, doc.period, inferred.period).className = "nowrap";
  cell(row, sizeText(doc));
  cell(row, doc.chunks).className = "num";
  cell(row, doc.figures).className = "num";
  const access = t(`access_${doc.access}`);
  cell(row, access === `access_${doc.access}` ? doc.access : access);
  if (admin) {
    const actions = document.createElement("td");
    actions.append(removeButton(doc));
    row.append(actions);
  }
  return row;
}

async function loadDocuments() {
  try {
    const { documents } = await apiJson("/api/v1/documents");
    table.tBodies[0].replaceChildren(...documents.map(documentRow));
    table.hidden = documents.length === 0;
    for (const th of table.querySelectorAll(".admin-only")) th.hidden = !admin;
    label(status, documents.length ? "documents_heading" : "documents_empty");
    status.hidden = documents.length > 0;
    clearError(errorBox);
  } catch (error) {
    status.hidden = true;
    showError(errorBox, error);
  }
}

async function remove(doc, button) {
  if (!window.confirm(t("remove_confirm", { title: doc.title }))) return;
  button.disabled = true;
  try {
    await apiFetch(`/api/v1/documents/${encodeURIComponent(doc.doc_id)}`, { method: "DELETE" });
    announce(t("remove_done", { title: doc.title }));
    await loadDocuments();
    $("documents-heading").focus();
  } catch (error) {
    button.disabled = false;
    showError(errorBox, error);
  }
}

async function upload(event) {
  event.preventDefault();
  const input = $("upload-file");
  const file = input.files[0];
  if (!file) {
    showError(errorBox, t("upload_choose"));
    input.focus();
    return;
  }
  const submit = event.target.querySelector("button[type=submit]");
  submit.disabled = true;
  label(status, "upload_busy");
  status.hidden = false;
  const data = new FormData();
  data.append("file", file);
  try {
    await apiFetch("/api/v1/documents", { method: "POST", body: data });
    input.value = "";
    await loadDocuments();
    label(status, "upload_done", { name: file.name });
    status.hidden = false;
  } catch (error) {
    status.hidden = true;
    showError(errorBox, error);
  } finally {
    submit.disabled = false;
  }
}

async function init() {
  initPage();
  $("documents-heading").tabIndex = -1;
  $("upload-form").addEventListener("submit", upload);
  admin = await isAdmin();
  $("upload").hidden = !admin;
  await loadDocuments();
  document.addEventListener("pa:auth", async () => {
    admin = await isAdmin();
    $("upload").hidden = !admin;
    await loadDocuments();
  });
}

init();
