// The monthly report (月报) of a school or district: pick the unit and the month (last month by default), see the
// figures, download the CSV. The figures are shown as the server sends them, whatever their shape: a list of
// label and value for plain fields, a heading per group, a table per list of rows, labelled from the language
// tables where a key is known and by the key itself otherwise.
import { el, fill } from '../dom.js';
import { t, label, lookup, language, formatDateTime, lastMonth, toBeijingLocal } from '../i18n.js';
import { get, download, describe } from '../api.js';
import { canReadReports } from '../session.js';
import { scopeKind, dataGrid, unitNames, listHead } from './common.js';

const CHILD_KIND = { city: 'district', district: 'school' };
const LABELLED = ['tier', 'category', 'referral', 'state', 'change'];

export function renderReport(main, { session, scope }) {
  const head = listHead(scope, 'report-title');
  head.setTitle(t('report.title'));
  main.append(head.node);
  if (!canReadReports(session.role)) {
    main.append(el('p', { class: 'note' }, t('report.notAllowed')));
    return () => {};
  }

  let disposed = false;
  const kind = scopeKind(scope);
  const unit = el('select', { id: 'report-scope', name: 'scope' });
  const month = el('input', { id: 'report-month', name: 'month', type: 'month', value: lastMonth(), max: toBeijingLocal().slice(0, 7), required: true });
  const message = el('p', { class: 'form-error', role: 'alert' });
  const result = el('section', { class: 'panel', 'aria-labelledby': 'report-result-title', hidden: true });
  const form = el('form', { class: 'report-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'report-scope' }, t('report.scope')), unit),
    el('div', { class: 'field' }, el('label', { for: 'report-month' }, t('report.month')), month),
    el('div', { class: 'row' },
      el('button', { type: 'submit', class: 'primary' }, t('report.show')),
      el('button', { type: 'button', onclick: () => saveCsv() }, el('span', { 'aria-hidden': 'true' }, '↓ '), t('report.csv'))));
  main.append(
    el('section', { class: 'panel', 'aria-labelledby': 'report-form-title' },
      el('h2', { id: 'report-form-title' }, t('report.choose')), el('p', { class: 'hint' }, t('report.intro')), form, message),
    result,
    el('p', { class: 'hint' }, t('time.zoneNote')));

  const query = (format) => `/api/reports/monthly?${new URLSearchParams({ scope: unit.value, month: month.value, format })}`;

  async function show() {
    message.textContent = '';
    if (!unit.value || !month.value) { message.textContent = t('report.needBoth'); return; }
    result.hidden = false;
    fill(result, el('h2', { id: 'report-result-title' }, t('report.resultTitle', { name: unit.selectedOptions[0]?.textContent ?? unit.value, month: month.value })),
      el('p', { class: 'muted' }, t('app.loading')));
    try {
      const report = await get(query('json'));
      if (disposed) return;
      fill(result, result.firstChild, figures(report, 0, 'report-result-title'));
    } catch (error) {
      if (!disposed) fill(result, result.firstChild, el('p', { class: 'form-error' }, t('report.failed', { detail: describe(error) })));
    }
  }

  async function saveCsv() {
    message.textContent = '';
    if (!unit.value || !month.value) { message.textContent = t('report.needBoth'); return; }
    try {
      await download(query('csv'), `monthly-${unit.value.replace(':', '-')}-${month.value}.csv`);
    } catch (error) {
      message.textContent = t('report.failed', { detail: describe(error) });
    }
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); show(); });

  // The units on offer: the screen's own school or district, and the districts or schools below it.
  (async () => {
    const { name, places } = await unitNames(scope);
    if (disposed) return;
    const options = [];
    if (kind === 'school' || kind === 'district') options.push([scope, name]);
    if (CHILD_KIND[kind]) for (const [id, n] of places) options.push([`${CHILD_KIND[kind]}:${id}`, n]);
    fill(unit, options.map(([value, text]) => el('option', { value }, text)));
    if (!options.length) message.textContent = t('report.noUnit');
    else if (kind !== 'city') show();
  })();

  return () => { disposed = true; };
}

// ---- Figures of any shape ----

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
let headingIds = 0;

function fieldLabel(key) {
  return lookup(`report.field.${key}`) ?? lookup(`tier.${key}`) ?? lookup(`category.${key}`) ?? lookup(`referral.${key}`) ?? key;
}

function formatValue(key, value) {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return t(value ? 'report.yes' : 'report.no');
  if (typeof value === 'number') {
    // A share (0-1) reads as a percentage.
    return /share|rate|ratio/i.test(key) && value >= 0 && value <= 1
      ? new Intl.NumberFormat(language(), { style: 'percent', maximumFractionDigits: 1 }).format(value)
      : new Intl.NumberFormat(language()).format(value);
  }
  // A referral's state and the level an escalation reaches are words the UI already has.
  if (key === 'state') return label('referral', value);
  if (key === 'reaches') return label('kind', value);
  if (LABELLED.includes(key)) return label(key, value);
  if (/^\d{4}-\d\d-\d\dT/.test(value)) return formatDateTime(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** value as nodes; labelId names the heading that tables in it are labelled by. */
function figures(value, depth, labelId) {
  if (Array.isArray(value)) {
    if (!value.length) return el('p', { class: 'muted' }, t('report.empty'));
    if (!value.every(isObject)) return el('p', {}, value.map((v) => formatValue('', v)).join('、'));
    const columns = [...new Set(value.flatMap(Object.keys))];
    const numeric = (c) => value.every((row) => typeof row[c] === 'number');
    return dataGrid(labelId, 'data figures-table', columns.map((c) => [fieldLabel(c), numeric(c) ? 'num' : null]),
      value.map((row) => el('tr', {}, columns.map((c) => el('td', { class: typeof row[c] === 'number' ? 'num' : null },
        isObject(row[c]) || Array.isArray(row[c]) ? figures(row[c], depth + 1, labelId) : formatValue(c, row[c]))))));
  }
  if (!isObject(value)) return el('p', {}, formatValue('', value));
  const entries = Object.entries(value);
  const plain = entries.filter(([, v]) => !isObject(v) && !Array.isArray(v));
  const groups = entries.filter(([, v]) => isObject(v) || Array.isArray(v));
  return el('div', { class: 'figures' },
    plain.length ? el('dl', { class: 'facts' }, plain.map(([k, v]) => [el('dt', {}, fieldLabel(k)), el('dd', {}, formatValue(k, v))])) : null,
    groups.map(([k, v]) => {
      const id = `report-group-${++headingIds}`;
      return el('section', { class: 'figure-group', 'aria-labelledby': id },
        el(`h${Math.min(3 + depth, 6)}`, { id }, fieldLabel(k)), figures(v, depth + 1, id));
    }));
}
