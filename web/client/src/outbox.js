// The offline queue: every observation is written to the phone first and removed only once the server
// has acknowledged it (201, or 200 for a key it already had). Each keeps the idempotency key it was
// made with, so sending it twice (two tabs, a lost response) never adds it twice.
import { api, ApiError } from './api.js';
import { current, lastUserId } from './session.js';

const RETRY_MS = [2000, 5000, 10000, 30000, 60000];
const listeners = new Set();
let flushing = null;
let retryTimer = 0;
let failures = 0;

const keyFor = (userId) => `mg.outbox.${userId}`;

/** The queued observations of the signed-in (or last) user, oldest first. */
export function items() {
  const userId = current()?.userId ?? lastUserId();
  return userId ? itemsOf(userId) : [];
}

// Every change names its user: a send that ends in 401 signs the user out while it is still
// updating that user's queue, and must not lose it.
function itemsOf(userId) {
  try {
    return JSON.parse(localStorage.getItem(keyFor(userId)) || '[]');
  } catch {
    return [];
  }
}

function save(userId, list) {
  localStorage.setItem(keyFor(userId), JSON.stringify(list));
  for (const fn of listeners) fn(list);
}

function update(userId, key, change) {
  const list = itemsOf(userId).map((item) => (item.body.idempotencyKey === key ? { ...item, ...change } : item));
  save(userId, list);
}

export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A random idempotency key; crypto.randomUUID needs a secure context, which a school's LAN address is not. */
export function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Queues an observation and tries to send it at once. Resolves with { state: 'sent', receipt } when the
 * server took it, { state: 'queued' } when it waits for the network, { state: 'failed', error } when
 * the server refused it (kept, shown, deletable).
 */
export async function submit(body, studentName) {
  const s = current();
  const item = { body: { ...body, idempotencyKey: body.idempotencyKey ?? newKey() }, studentName, queuedAt: new Date().toISOString(), state: 'pending' };
  save(s.userId, [...itemsOf(s.userId), item]);
  return sendOne(s.userId, item);
}

async function sendOne(userId, item) {
  const key = item.body.idempotencyKey;
  update(userId, key, { state: 'sending' });
  try {
    const { body: receipt } = await api('POST', '/api/observations', item.body);
    save(userId, itemsOf(userId).filter((i) => i.body.idempotencyKey !== key));
    failures = 0;
    return { state: 'sent', receipt, item };
  } catch (error) {
    if (error instanceof ApiError && (error.retryable || error.status === 401)) {
      update(userId, key, { state: 'pending', needsLogin: error.status === 401 });
      scheduleRetry();
      return { state: 'queued', error, item };
    }
    const problem = error instanceof ApiError ? error.message : String(error);
    update(userId, key, { state: 'failed', error: problem });
    return { state: 'failed', error, item };
  }
}

/** Sends what waits, oldest first; stops at the first network failure and retries with a back-off. */
export function flush() {
  if (flushing) return flushing;
  flushing = (async () => {
    const s = current();
    if (!s) return;
    for (const item of itemsOf(s.userId)) {
      if (item.state === 'failed') continue;
      const result = await sendOne(s.userId, item);
      if (result.state === 'queued') break;
    }
  })().finally(() => { flushing = null; });
  return flushing;
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
  failures++;
  retryTimer = setTimeout(() => { flush(); }, delay);
}

/** Retries a refused item (e.g. after a fix on the server side) or drops it on the user's word. */
export function retry(key) {
  const s = current();
  if (!s) return;
  update(s.userId, key, { state: 'pending', error: undefined });
  flush();
}

export function discard(key) {
  const s = current();
  if (!s) return;
  save(s.userId, itemsOf(s.userId).filter((i) => i.body.idempotencyKey !== key));
}

export function pendingCount() {
  return items().filter((i) => i.state !== 'failed').length;
}

/** Starts the background sending: when the network returns, when the page is shown again, and every 30 s. */
export function start() {
  window.addEventListener('online', () => { failures = 0; flush(); });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) flush(); });
  // Another tab may have changed the queue.
  window.addEventListener('storage', (e) => { if (e.key?.startsWith('mg.outbox.')) for (const fn of listeners) fn(items()); });
  setInterval(() => { if (items().some((i) => i.state !== 'failed')) flush(); }, 30000);
  flush();
}
