// Language and time: every visible string comes from one table per language; times show in Beijing time.
import zh from './i18n/zh-CN.js';
import en from './i18n/en.js';

const TABLES = { 'zh-CN': zh, en };
const KEY = 'mg.lang';
export const TIME_ZONE = 'Asia/Shanghai';

let current = TABLES[localStorage.getItem(KEY)] ? localStorage.getItem(KEY) : 'zh-CN';
const listeners = new Set();

export const language = () => current;

/** The string for key in the current language, with {param}s filled; a missing key shows itself so it is noticed. */
export function t(key, params) {
  const text = TABLES[current][key] ?? TABLES['zh-CN'][key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m)) : text;
}

/** The label of a wire value (tier.Red, category.Mood, ...), or the value itself when the table has none. */
export function label(prefix, value) {
  const key = `${prefix}.${value}`;
  return TABLES[current][key] ?? value;
}

/** The string for key, or undefined when neither table has it (for labels that fall back to something else). */
export const lookup = (key) => TABLES[current][key] ?? TABLES['zh-CN'][key];

export function setLanguage(lang) {
  if (!TABLES[lang] || lang === current) return;
  current = lang;
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

export const otherLanguage = () => (current === 'zh-CN' ? 'en' : 'zh-CN');

export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// ---- Time ----

/** The server writes up to 7 fractional digits; Date.parse wants at most 3. */
export function parseTime(iso) {
  return typeof iso === 'string' ? Date.parse(iso.replace(/(\.\d{3})\d+/, '$1')) : NaN;
}

/** Orders two ISO instants; the digits below a millisecond break ties. */
export function compareTime(a, b) {
  const d = parseTime(a) - parseTime(b);
  if (d) return d;
  const fraction = (iso) => ((/\.(\d+)/.exec(iso || '') || [])[1] || '').padEnd(9, '0');
  const fa = fraction(a), fb = fraction(b);
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

const formatters = new Map();
function formatter(kind) {
  const key = `${current}|${kind}`;
  if (!formatters.has(key)) {
    const options = {
      dateTime: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false },
      time: { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
      day: { month: '2-digit', day: '2-digit' },
      date: { year: 'numeric', month: '2-digit', day: '2-digit' },
    }[kind];
    formatters.set(key, new Intl.DateTimeFormat(current, { timeZone: TIME_ZONE, ...options }));
  }
  return formatters.get(key);
}

/** 2026/11/22 15:40 in Beijing time, whatever the device's zone. */
export function formatDateTime(iso) {
  const ms = parseTime(iso);
  return Number.isNaN(ms) ? '–' : formatter('dateTime').format(ms);
}

export function formatClock(iso) {
  const ms = parseTime(iso);
  return Number.isNaN(ms) ? '–' : formatter('time').format(ms);
}

/** A calendar date (yyyy-mm-dd, already a Beijing day) as 11/22. */
export function formatDay(date) {
  const [y, m, d] = date.split('-').map(Number);
  return formatter('day').format(Date.UTC(y, m - 1, d, 4)); // 12:00 in Beijing: never crosses a day
}

/** A calendar date (yyyy-mm-dd, a Beijing day) as 2026/11/22. */
export function formatDate(date) {
  const [y, m, d] = String(date ?? '').split('-').map(Number);
  return d ? formatter('date').format(Date.UTC(y, m - 1, d, 4)) : '–';
}

/** A length of time in the largest unit that fits: "不到 1 分钟", "12 分钟", "3 小时", "2 天". */
export function formatSpan(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  if (minutes < 1) return t('span.underMinute');
  if (minutes < 60) return t('span.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? t('span.hours', { n: hours }) : t('span.days', { n: Math.floor(hours / 24) });
}

/** A length of time as a clock: 1:05 (m:ss), 1:02:03 from an hour; – when unknown. */
export function formatDuration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const pad = (n) => String(n).padStart(2, '0');
  const [h, m] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60)];
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** A number in the current language's digits grouping: 12,345. */
export const formatNumber = (n, digits = 0) => new Intl.NumberFormat(current, { maximumFractionDigits: digits }).format(n ?? 0);

// China keeps UTC+8 all year (no daylight saving), so Beijing's wall clock is a fixed offset.
const BEIJING_MS = 8 * 3600 * 1000;

/** An instant as Beijing wall-clock text for a datetime-local input: 2026-11-22T15:40. */
export const toBeijingLocal = (ms = Date.now()) => new Date(ms + BEIJING_MS).toISOString().slice(0, 16);

/** A datetime-local value read as Beijing time, as an ISO instant (UTC); null when empty or invalid. */
export function fromBeijingLocal(value) {
  const ms = Date.parse(`${value}:00+08:00`);
  return value && !Number.isNaN(ms) ? new Date(ms).toISOString() : null;
}

/** The Beijing calendar month before the one of now, as yyyy-MM. */
export function lastMonth(now = Date.now()) {
  const d = new Date(now + BEIJING_MS);
  const previous = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  return previous.toISOString().slice(0, 7);
}

/** "12 分钟前" */
export function formatAgo(iso, now = Date.now()) {
  const ms = parseTime(iso);
  if (Number.isNaN(ms)) return '–';
  const minutes = Math.floor(Math.max(0, now - ms) / 60000);
  if (minutes < 1) return t('time.justNow');
  if (minutes < 60) return t('time.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('time.hours', { n: hours });
  return t('time.days', { n: Math.floor(hours / 24) });
}
