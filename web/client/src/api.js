// HTTP calls to the grid's API with the session's token; failures become ApiError with the problem detail.
import { current } from './session.js';
import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || (status === 0 ? t('error.network') : t('error.generic', { status })));
    this.status = status;
    this.problem = problem;
  }

  /** True when the request never got an answer it could act on: worth retrying later. */
  get retryable() {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

const expiredListeners = new Set();
export const onSessionExpired = (fn) => expiredListeners.add(fn);

async function readJson(response) {
  const text = await response.text().catch(() => '');
  if (!text) return null;
  try { return JSON.parse(text); } catch { return null; }
}

/**
 * Sends a request with the session's token; returns the response when it is 2xx. Throws ApiError. A body that
 * is a Blob (a File from a file picker) is sent as it is, streamed by the browser, with contentType; any
 * other body as JSON.
 */
async function send(method, path, body, { token, accept = 'application/json, application/problem+json', contentType } = {}) {
  const headers = { Accept: accept };
  const bearer = token ?? current()?.token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const raw = body instanceof Blob;
  if (body !== undefined) headers['Content-Type'] = raw ? contentType ?? 'application/octet-stream' : 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined || raw ? body : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null);
  }
  if (!response.ok) {
    if (response.status === 401 && bearer && path !== '/api/auth/token') for (const fn of expiredListeners) fn();
    throw new ApiError(response.status, await readJson(response));
  }
  return response;
}

/** Calls the API; returns the parsed JSON body (or null). Throws ApiError. */
export async function api(method, path, body, options) {
  const response = await send(method, path, body, options);
  return { status: response.status, body: await readJson(response) };
}

/**
 * Fetches a file with the token (a plain link cannot send the Bearer header) and hands it to the browser
 * as a download named by the server's Content-Disposition, else <fallbackName>. Throws ApiError.
 */
export async function download(path, fallbackName) {
  const response = await send('GET', path, undefined, { accept: '*/*' });
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') || '';
  const named = /filename\*=UTF-8''([^;]+)/i.exec(disposition) || /filename="?([^";]+)"?/i.exec(disposition);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = named ? decodeURIComponent(named[1]) : fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export const get = async (path) => (await api('GET', path)).body;

/** A problem's text for the user: the detail, then the field errors. */
export function describe(error) {
  if (!(error instanceof ApiError)) return String(error?.message ?? error);
  const fields = error.problem?.errors ? Object.values(error.problem.errors).flat() : [];
  return [error.message, ...fields].join(' ');
}
