// Every call to the JSON API goes through apiFetch: it adds the API key (sessionStorage) as a
// Bearer header, turns a network failure into "unreachable", and the one error shape
// {"error": {"code", "message", "request_id"}} into an ApiError with a message for people.
import { t } from "./i18n.js";

const KEY_STORAGE = "policy_assistant_api_key";

export class ApiError extends Error {
  constructor(kind, message, { status = 0, code = "", requestId = "" } = {}) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

export function apiKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function setApiKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    /* storage disabled: the key lives only as long as the request */
  }
}

export async function apiFetch(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = apiKey();
  if (key) headers.set("Authorization", `Bearer ${key}`);
  let response;
  try {
    response = await fetch(path, { ...options, headers });
  } catch {
    throw new ApiError("unreachable", t("err_unreachable"));
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401) document.dispatchEvent(new CustomEvent("pa:unauthorized"));
    throw error;
  }
  return response;
}

export async function apiJson(path, options) {
  return (await apiFetch(path, options)).json();
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    /* not the error shape (a proxy page, say): fall back to the status */
  }
  const error = (body && body.error) || {};
  const info = { status: response.status, code: error.code || "", requestId: error.request_id || "" };
  if (response.status === 401) return new ApiError("auth", t("err_auth"), info);
  if (response.status === 403) return new ApiError("forbidden", t("err_forbidden"), info);
  if (error.code === "index_not_ready") return new ApiError("not_ready", t("err_not_ready"), info);
  if (response.status === 404 || response.status === 405) {
    return new ApiError("unavailable", error.message || t("err_unavailable"), info);
  }
  const message = error.message || response.statusText || String(response.status);
  return new ApiError("server", t("err_server", { message }), info);
}

// The message for people, with the request id when the server gave one.
export function describeError(error) {
  if (!(error instanceof ApiError)) return t("err_server", { message: String(error.message || error) });
  return error.requestId ? `${error.message} ${t("err_request_id", { id: error.requestId })}` : error.message;
}

export function showError(element, error) {
  element.textContent = typeof error === "string" ? error : describeError(error);
  element.hidden = false;
}

export function clearError(element) {
  element.textContent = "";
  element.hidden = true;
}
