// Pieces several screens share: tier, deadline and escalation badges (icon + text, never colour alone), focus
// keeping, the connection indicator, notices, tables and the head of the list screens.
import { el, fill } from '../dom.js';
import { t, label, parseTime, formatDateTime, formatSpan } from '../i18n.js';
import { get } from '../api.js';
import { canReadArchive, canReadCaseLists } from '../session.js';

// Each tier has its own shape as well as its colour and its word.
const TIER_ICONS = { Green: '○', Yellow: '●', Orange: '▲', Red: '⚠' };

export function tierBadge(tier) {
  return el('span', { class: `tier tier-${tier}` },
    el('span', { class: 'tier-icon', 'aria-hidden': 'true' }, TIER_ICONS[tier] ?? ''),
    el('span', { class: 'tier-text' }, label('tier', tier)));
}

/** Re-renders inside container without losing the keyboard focus of an element that has a data-focus key. */
export function keepingFocus(container, render) {
  const active = document.activeElement;
  const key = container.contains(active) ? active?.dataset?.focus : null;
  render();
  if (key) container.querySelector(`[data-focus="${CSS.escape(key)}"]`)?.focus();
}

export function scopeKind(scope) {
  return scope === 'city' ? 'city' : scope.split(':')[0];
}

// ---- Deadlines, escalation and follow-up flags: each says itself in words and an icon, never colour alone ----

/** The acknowledge-by deadline of an open alert: time left, or how long it is overdue. Re-made by the board's clock. */
export function dueBadge(dueAt, now = Date.now()) {
  const ms = parseTime(dueAt);
  if (Number.isNaN(ms)) return el('span', { class: 'muted' }, '–');
  const over = now >= ms;
  return el('span', { class: `due${over ? ' due-over' : ''}`, 'data-due': dueAt, title: t('due.by', { time: formatDateTime(dueAt) }) },
    el('span', { 'aria-hidden': 'true' }, over ? '‼ ' : '◷ '),
    t(over ? 'due.over' : 'due.left', { span: formatSpan(ms - now) }));
}

/** 已升级 with the level it reached (1 school, 2 district, 3 city). */
export function escalationBadge(level) {
  return el('span', { class: `esc esc-${level}` },
    el('span', { 'aria-hidden': 'true' }, '⬆ '), t('esc.badge', { to: label('esc.to', level) }));
}

/** A follow-up or mentoring state: 逾期 with ⚠, or 按期 with ✓. */
export function overdueFlag(overdue) {
  return el('span', { class: `flag ${overdue ? 'flag-over' : 'flag-ok'}` },
    el('span', { 'aria-hidden': 'true' }, overdue ? '⚠ ' : '✓ '), t(overdue ? 'flag.overdue' : 'flag.onTime'));
}

// ---- Pieces of the live screens ----

/** The connection indicator (role=status): set(state) with connecting, connected, reconnecting or disconnected. */
export function connectionIndicator() {
  const node = el('span', { class: 'conn conn-connecting', role: 'status' }, t('conn.connecting'));
  return {
    node,
    set(state) {
      node.className = `conn conn-${state}`;
      node.textContent = t(`conn.${state}`);
    },
  };
}

/** Notices that stay until dismissed (escalations, overdue follow-ups), newest first, announced as they come. */
export function noticeList(max = 5) {
  const node = el('div', { class: 'notices', 'aria-live': 'assertive', 'aria-relevant': 'additions' });
  return {
    node,
    add(kind, icon, text) {
      const item = el('div', { class: `notice notice-${kind}` },
        el('span', { 'aria-hidden': 'true' }, `${icon} `), el('span', { class: 'notice-text' }, text), ' ',
        el('button', { type: 'button', class: 'link-button', onclick: () => item.remove() }, t('notice.dismiss')));
      node.prepend(item);
      while (node.children.length > max) node.lastElementChild.remove();
    },
  };
}

/**
 * A table in a scrollable, focusable wrapper, labelled by the heading with id labelledBy. A header is its text,
 * or [text, class]; cells are nodes or text.
 */
export function dataGrid(labelledBy, cls, headers, rows) {
  return el('div', { class: 'table-wrap', role: 'group', 'aria-labelledby': labelledBy, tabindex: '0' },
    el('table', { class: cls },
      el('thead', {}, el('tr', {}, headers.map((h) => (Array.isArray(h)
        ? el('th', { scope: 'col', class: h[1] }, h[0])
        : el('th', { scope: 'col' }, h))))),
      el('tbody', {}, rows)));
}

/**
 * Where a student is, as a board of kind sees it: the class at a class or school, the school and class at a
 * district. names maps a unit's id to its name (the scope's children), unknown ids show themselves.
 */
export function placeOf(kind, names, { schoolId, classId }) {
  const name = (id) => names.get(id) ?? id;
  if (kind === 'class' || kind === 'school') return name(classId);
  return schoolId ? `${name(schoolId)} · ${classId}` : classId;
}

/**
 * The scope's name and the names of the units its lists show (its children's, and at a class its own), for
 * placeOf. Ids show instead of names the reader cannot get.
 */
export async function unitNames(scope) {
  const idOf = (s) => s.slice(s.indexOf(':') + 1);
  const [own, children] = await Promise.allSettled([
    get(`/api/scopes/${encodeURIComponent(scope)}`),
    scopeKind(scope) === 'class' ? Promise.resolve([]) : get(`/api/scopes/${encodeURIComponent(scope)}/children`),
  ]);
  const name = own.status === 'fulfilled' ? own.value.name : scope;
  const places = new Map(children.status === 'fulfilled' ? children.value.map((c) => [idOf(c.scope), c.name]) : []);
  if (scopeKind(scope) === 'class') places.set(idOf(scope), name);
  return { name, places };
}

/** The head of a list screen (follow-ups, mentoring, report): a link back to the board, the title, the scope. */
export function listHead(scope, titleId) {
  const title = el('h1', { id: titleId }, t('app.loading'));
  const meta = el('div', { class: 'head-meta' });
  const node = el('section', { class: 'board-head', 'aria-labelledby': titleId },
    el('div', {},
      el('p', {}, el('a', { href: `#/board/${scope}` }, '← ', t('list.backToBoard'))),
      title,
      el('p', { class: 'muted' }, label('kind', scopeKind(scope)), ' · ', el('code', {}, scope))),
    meta);
  const setTitle = (text) => {
    title.textContent = text;
    document.title = `${text} · ${t('app.title')}`;
  };
  return { node, title, meta, setTitle };
}

// ---- The list screens (follow-ups, mentoring) ----

const LIST_KINDS = ['district', 'school', 'class'];

/** The message of a list screen the user may not open, or null when they may. */
function refusal(session, scope) {
  if (!canReadCaseLists(session.role)) return t('list.notAllowed');
  if (!LIST_KINDS.includes(scopeKind(scope))) return t('list.wrongScope');
  return null;
}

/** A student's name, linked to the archive where the reader may open it. */
export function studentLink(session, studentId, name) {
  return canReadArchive(session.role)
    ? el('a', { href: `#/student/${encodeURIComponent(studentId)}`, 'data-focus': `s-${studentId}`, 'aria-label': t('board.archiveLink', { name }) }, name)
    : name;
}

/**
 * The frame of a list screen: the head, or the reason the user may not see the list (then null is returned);
 * else a panel titled from the language table's prefix.listTitle and prefix.intro, with a summary line (a
 * status, prefix.summary) and the table or prefix.none, after the nodes in above. Ids start with prefix.
 */
export function listScreen(main, { session, scope }, prefix, above = []) {
  const head = listHead(scope, `${prefix}-title`);
  main.append(head.node);
  const refused = refusal(session, scope);
  if (refused) {
    head.setTitle(t(`${prefix}.title`));
    main.append(el('p', { class: 'note' }, refused));
    return null;
  }
  const listId = `${prefix}-list-title`;
  const summary = el('p', { role: 'status' }, t('app.loading'));
  const body = el('div', {});
  main.append(...above,
    el('section', { class: 'panel', 'aria-labelledby': listId },
      el('h2', { id: listId }, t(`${prefix}.listTitle`)), el('p', { class: 'hint' }, t(`${prefix}.intro`)), summary, body),
    el('p', { class: 'hint' }, t('time.zoneNote')));
  return {
    head,
    body,
    kind: scopeKind(scope),
    names: unitNames(scope),
    /** Shows items as a table of class cls: columns are keys of prefix.col, row(item) makes a row. */
    show(items, overdue, cls, columns, row) {
      summary.textContent = t(`${prefix}.summary`, { n: items.length, overdue });
      if (!items.length) { fill(body, el('p', { class: 'muted' }, t(`${prefix}.none`))); return; }
      keepingFocus(body, () => fill(body, dataGrid(listId, cls, columns.map((key) => t(`${prefix}.col.${key}`)), items.map(row))));
    },
  };
}
