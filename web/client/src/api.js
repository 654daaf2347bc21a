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

/** Calls the API; returns the parsed JSON body (or null). Throws ApiError. */
export async function api(method, path, body, { token } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const bearer = token ?? current()?.token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null);
  }

  const text = await response.text().catch(() => '');
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  if (!response.ok) {
    if (response.status === 401 && bearer && path !== '/api/auth/token') for (const fn of expiredListeners) fn();
    throw new ApiError(response.status, json);
  }
  return { status: response.status, body: json };
}

export const get = async (path) => (await api('GET', path)).body;

/** A problem's text for the user: the detail, then the field errors. */
export function describe(error) {
  if (!(error instanceof ApiError)) return String(error?.message ?? error);
  const fields = error.problem?.errors ? Object.values(error.problem.errors).flat() : [];
  return [error.message, ...fields].join(' ');
}
