// A live board for a class, school, district or the city: tier counts and escalations, open alerts with their
// deadline and the actions the role may take, a 30-day trend, a category breakdown, the units below to drill
// into, links to the follow-up, mentoring and report screens, notices of escalations and overdue follow-ups,
// and a live feed. The snapshot from Watch replaces everything after each (re)connect; `status` keeps it current.
import { el, fill } from '../dom.js';
import { t, label, formatDateTime, formatAgo, formatClock, formatDay, parseTime, compareTime } from '../i18n.js';
import { api, get, describe } from '../api.js';
import { LiveScope } from '../hub.js';
import { trendChart, categoryChart } from '../charts.js';
import { canReadBoards, canAcknowledge, canResolve, seesIdentities, canReadCaseLists, canReadReports } from '../session.js';
import {
  tierBadge, keepingFocus, scopeKind, dueBadge, escalationBadge, connectionIndicator, noticeList, placeOf, studentLink,
} from './common.js';

const TIERS = ['Green', 'Yellow', 'Orange', 'Red'];
const TIER_RANK = { Green: 0, Yellow: 1, Orange: 2, Red: 3 };
const TRAIL_KEY = 'mg.trail';
const MAX_FEED = 20;

export function renderBoard(main, { session, scope, toast, showError, go }) {
  if (!canReadBoards(session.role)) {
    main.append(el('section', { class: 'panel narrow', 'aria-labelledby': 'noboard-title' },
      el('h1', { id: 'noboard-title' }, t('board.title')),
      el('p', {}, t('board.notAllowed')),
      el('a', { href: '#/observe', class: 'button primary' }, t('board.goObserve'))));
    return () => {};
  }

  const kind = scopeKind(scope);
  let status = null;
  let children = [];
  let disposed = false;
  const busy = new Set();
  const charts = [];
  const timers = [];
  let insightsTimer = 0;
  let childrenTimer = 0;

  // ---- Layout ----
  const crumbs = el('ol', {});
  const title = el('h1', { id: 'board-title' }, t('app.loading'));
  const updated = el('span', { class: 'muted' });
  const conn = connectionIndicator();
  const notices = noticeList();
  const tiles = el('div', { class: 'tiles' });
  const alertsTitle = el('h2', { id: 'alerts-title' });
  const alertsBody = el('tbody', {});
  const alertsEmpty = el('p', { class: 'muted', hidden: true }, t('board.alertsNone'));
  const childrenBody = el('tbody', {});
  const childrenEmpty = el('p', { class: 'muted', hidden: true }, t('board.childrenNone'));
  const trendBox = el('div', { class: 'chart-box' });
  const categoryBox = el('div', { class: 'chart-box' });
  const feed = el('ol', { class: 'feed', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const feedEmpty = el('p', { class: 'muted' }, t('board.feedNone'));
  const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': 'resolve-title' });

  const th = (key) => el('th', { scope: 'col' }, t(key));
  const alertsSection = kind === 'city'
    ? el('p', { class: 'note' }, t('board.aggregateOnly'))
    : el('section', { class: 'panel', 'aria-labelledby': 'alerts-title' },
      alertsTitle,
      kind === 'district' ? el('p', { class: 'hint' }, t('board.districtAlertsNote')) : null,
      el('div', { class: 'table-wrap', role: 'group', 'aria-labelledby': 'alerts-title', tabindex: '0' },
        el('table', { class: 'alerts' },
          el('thead', {}, el('tr', {}, th('board.col.tier'), th('board.col.student'), th('board.col.where'), th('board.col.category'),
            th('board.col.state'), th('board.col.due'), th('board.col.raised'), th('board.col.actions'))),
          alertsBody)),
      alertsEmpty);

  const childrenSection = kind === 'class' ? null
    : el('section', { class: 'panel', 'aria-labelledby': 'children-title' },
      el('h2', { id: 'children-title' }, t('board.children')),
      el('div', { class: 'table-wrap', role: 'group', 'aria-labelledby': 'children-title', tabindex: '0' },
        el('table', { class: 'children' },
          el('thead', {}, el('tr', {}, th('board.col.name'), TIERS.map((tier) => el('th', { scope: 'col', class: 'num' }, label('tier', tier))),
            th('board.col.openAlerts'))),
          childrenBody)),
      childrenEmpty);

  // The screens that go with the board: follow-ups and mentoring name students; the report is per school or district.
  const lists = kind !== 'city' && canReadCaseLists(session.role);
  const links = [
    lists ? el('a', { href: `#/follow-ups/${scope}`, class: 'button' }, t('followUps.title')) : null,
    lists ? el('a', { href: `#/mentoring/${scope}`, class: 'button' }, t('mentoring.title')) : null,
    kind !== 'class' && canReadReports(session.role) ? el('a', { href: `#/report/${scope}`, class: 'button' }, t('report.title')) : null,
  ].filter(Boolean);

  main.append(
    el('nav', { class: 'crumbs', 'aria-label': t('board.breadcrumb') }, crumbs),
    el('section', { class: 'board-head', 'aria-labelledby': 'board-title' },
      el('div', {}, title, el('p', { class: 'muted' }, t('board.scopeKind', { kind: label('kind', kind) }), ' · ', el('code', {}, scope))),
      el('div', { class: 'head-meta' }, updated, conn.node)),
    links.length ? el('nav', { class: 'board-links', 'aria-label': t('board.links') }, links) : null,
    notices.node,
    el('section', { 'aria-label': t('board.counts') }, tiles),
    el('div', { class: 'board-grid' },
      el('div', { class: 'board-main' }, alertsSection, childrenSection,
        el('section', { class: 'panel', 'aria-labelledby': 'trend-title' }, el('h2', { id: 'trend-title' }, t('board.trend')), trendBox),
        el('section', { class: 'panel', 'aria-labelledby': 'categories-title' }, el('h2', { id: 'categories-title' }, t('board.categories')), categoryBox)),
      kind === 'city' ? null
        : el('aside', { class: 'panel feed-panel', 'aria-labelledby': 'feed-title' }, el('h2', { id: 'feed-title' }, t('board.feed')), feed, feedEmpty)),
    el('p', { class: 'hint' }, t('time.zoneNote')),
    dialog);

  // ---- Breadcrumb: the way down from the user's own scope ----
  function trail() {
    let list;
    try { list = JSON.parse(sessionStorage.getItem(TRAIL_KEY) || '[]'); } catch { list = []; }
    const at = list.findIndex((c) => c.scope === scope);
    if (at >= 0) list = list.slice(0, at + 1);
    else list = scope === session.scope ? [{ scope }] : [{ scope: session.scope }, { scope }];
    return list.map(({ scope: s, name }) => ({ scope: s, name }));
  }
  let path = trail();
  function saveTrail() { sessionStorage.setItem(TRAIL_KEY, JSON.stringify(path)); }
  function renderCrumbs() {
    fill(crumbs, path.map((c, i) => el('li', {}, i === path.length - 1
      ? el('span', { 'aria-current': 'page' }, c.name || c.scope)
      : el('a', { href: `#/board/${c.scope}` }, c.name || c.scope))));
  }
  saveTrail();
  renderCrumbs();

  // ---- Counts ----
  function renderTiles() {
    const counts = status?.counts ?? {};
    const total = TIERS.reduce((n, tier) => n + (counts[tier] ?? 0), 0);
    fill(tiles, [...TIERS.map((tier) => el('div', { class: `tile tile-${tier}` },
      el('span', { class: 'tile-label' }, tierBadge(tier)),
      el('span', { class: 'tile-value', 'data-tier': tier }, String(counts[tier] ?? '–')))),
    el('div', { class: 'tile tile-total' }, el('span', { class: 'tile-label' }, t('tier.total')), el('span', { class: 'tile-value' }, String(total))),
    // Alerts escalated for want of an acknowledgement that still wait for one: the city's only view of them.
    el('div', { class: `tile tile-escalated${status?.escalated ? ' tile-escalated-some' : ''}` },
      el('span', { class: 'tile-label' }, el('span', { 'aria-hidden': 'true' }, '⬆ '), t('board.escalated')),
      el('span', { class: 'tile-value', 'data-escalated': '' }, String(status?.escalated ?? '–')))]);
  }

  // ---- Alerts ----
  function where(a) {
    const names = new Map(children.map((c) => [c.scope.slice(c.scope.indexOf(':') + 1), c.name]));
    if (kind === 'class' && status) names.set(a.classId, status.name);
    return placeOf(kind, names, a);
  }

  function sortedAlerts() {
    return [...(status?.openAlerts ?? [])].sort((a, b) =>
      (TIER_RANK[b.tier] - TIER_RANK[a.tier]) || (parseTime(a.raisedAt) - parseTime(b.raisedAt)));
  }

  function renderAlerts() {
    if (kind === 'city') return;
    const alerts = sortedAlerts();
    alertsTitle.textContent = t('board.alerts', { n: alerts.length });
    alertsEmpty.hidden = alerts.length > 0;
    keepingFocus(alertsBody, () => fill(alertsBody, alerts.map((a) => {
      const name = a.studentName || a.studentId;
      const student = studentLink(session, a.studentId, name);
      const actions = [];
      if (canAcknowledge(session.role) && a.state === 'Open') {
        actions.push(el('button', { type: 'button', class: 'small', 'data-focus': `ack-${a.alertId}`, disabled: busy.has(a.alertId),
          'aria-label': `${t('board.acknowledge')} ${name}`, onclick: () => acknowledge(a) }, t('board.acknowledge')));
      }
      if (canResolve(session.role)) {
        actions.push(el('button', { type: 'button', class: 'small', 'data-focus': `res-${a.alertId}`, disabled: busy.has(a.alertId),
          'aria-label': `${t('board.resolve')} ${name}`, onclick: () => openResolve(a) }, t('board.resolve')));
      }
      return el('tr', { class: `row-${a.tier}`, 'data-alert': a.alertId },
        el('td', {}, tierBadge(a.tier)),
        el('td', {}, student),
        el('td', {}, where(a)),
        el('td', {}, label('category', a.category)),
        el('td', {}, label('state', a.state), a.state === 'Open' && a.escalationLevel > 0 ? [' ', escalationBadge(a.escalationLevel)] : null),
        el('td', {}, a.state === 'Open' && a.dueAt ? dueBadge(a.dueAt) : el('span', { class: 'muted' }, t('due.none'))),
        el('td', {}, el('time', { datetime: a.raisedAt, title: formatDateTime(a.raisedAt), 'data-ago': a.raisedAt }, formatAgo(a.raisedAt))),
        el('td', { class: 'actions' }, actions));
    })));
  }

  async function acknowledge(a) {
    busy.add(a.alertId);
    renderAlerts();
    try {
      await api('POST', `/api/alerts/${encodeURIComponent(a.alertId)}/acknowledge`);
      toast(t('board.acknowledged', { name: a.studentName || a.studentId }));
    } catch (error) {
      showError(t('board.actionFailed', { detail: describe(error) }));
    } finally {
      busy.delete(a.alertId);
      renderAlerts();
    }
  }

  function openResolve(a) {
    const name = a.studentName || a.studentId;
    const note = el('textarea', { id: 'resolve-note', rows: '3', maxlength: '2000', 'aria-describedby': 'resolve-hint' });
    const error = el('p', { class: 'form-error', role: 'alert' });
    const form = el('form', { method: 'dialog', class: 'stack' },
      el('h2', { id: 'resolve-title' }, t('board.resolveTitle', { name })),
      el('label', { for: 'resolve-note' }, t('board.resolveNote')), note,
      el('p', { id: 'resolve-hint', class: 'hint' }, t('board.resolveNoteHint')), error,
      el('div', { class: 'row' },
        el('button', { type: 'submit', class: 'primary' }, t('board.resolveConfirm')),
        el('button', { type: 'button', onclick: () => dialog.close() }, t('board.cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      busy.add(a.alertId);
      try {
        await api('POST', `/api/alerts/${encodeURIComponent(a.alertId)}/resolve`, { note: note.value.trim() || null });
        dialog.close();
        toast(t('board.resolved', { name }));
      } catch (err) {
        error.textContent = t('board.actionFailed', { detail: describe(err) });
      } finally {
        busy.delete(a.alertId);
        renderAlerts();
      }
    });
    fill(dialog, form);
    dialog.showModal();
    note.focus();
  }

  // ---- Units below ----
  async function loadChildren() {
    if (kind === 'class') return;
    try {
      const list = await get(`/api/scopes/${encodeURIComponent(scope)}/children`);
      if (disposed) return;
      children = list;
      renderChildren();
      renderAlerts();
    } catch (error) {
      if (disposed) return;
      childrenEmpty.hidden = false;
      childrenEmpty.textContent = describe(error);
    }
  }

  function renderChildren() {
    const rank = (c) => [c.counts.Red ?? 0, c.counts.Orange ?? 0, c.counts.Yellow ?? 0];
    const list = [...children].sort((a, b) => {
      const ra = rank(a), rb = rank(b);
      return (rb[0] - ra[0]) || (rb[1] - ra[1]) || (rb[2] - ra[2]) || a.name.localeCompare(b.name, 'zh-CN');
    });
    childrenEmpty.hidden = list.length > 0;
    keepingFocus(childrenBody, () => fill(childrenBody, list.map((c) => el('tr', {},
      el('th', { scope: 'row' }, el('a', { href: `#/board/${c.scope}`, 'data-focus': c.scope,
        onclick: () => { path = [...path, { scope: c.scope, name: c.name }]; saveTrail(); } }, c.name)),
      TIERS.map((tier) => el('td', { class: `num${tier === 'Red' && c.counts.Red ? ' red-count' : ''}` },
        tier === 'Red' && c.counts.Red ? el('span', { 'aria-hidden': 'true' }, '⚠ ') : null, String(c.counts[tier] ?? 0))),
      el('td', { class: 'num' }, String(c.openAlerts))))));
  }

  // ---- Trend and categories ----
  function dataTable(caption, headers, rows) {
    return el('details', {}, el('summary', {}, t('board.showTable')),
      el('div', { class: 'table-wrap' }, el('table', { class: 'data' },
        el('caption', { class: 'visually-hidden' }, caption),
        el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows.map((r) => el('tr', {}, r.map((v, i) => (i === 0 ? el('th', { scope: 'row' }, v) : el('td', { class: 'num' }, String(v))))))))));
  }

  async function loadInsights() {
    clearTimeout(insightsTimer);
    const [trend, categories] = await Promise.allSettled([
      get(`/api/scopes/${encodeURIComponent(scope)}/trend?days=30`),
      get(`/api/scopes/${encodeURIComponent(scope)}/categories?days=30`),
    ]);
    if (disposed) return;
    while (charts.length) charts.pop().destroy();
    if (trend.status === 'fulfilled') {
      const days = trend.value.days;
      const today = days[days.length - 1]?.counts ?? {};
      const summary = t('board.trendSummary', { yellow: today.Yellow ?? 0, orange: today.Orange ?? 0, red: today.Red ?? 0 });
      const canvas = el('canvas', { role: 'img', 'aria-label': `${t('board.trend')}。${summary}` });
      fill(trendBox, el('p', { class: 'hint' }, summary), el('div', { class: 'chart' }, canvas),
        dataTable(t('board.trend'), [t('board.col.date'), ...TIERS.map((x) => label('tier', x))],
          days.map((d) => [formatDay(d.date), ...TIERS.map((x) => d.counts[x] ?? 0)]).reverse()));
      charts.push(trendChart(canvas, trend.value));
    } else {
      fill(trendBox, el('p', { class: 'form-error' }, t('board.trendFailed', { detail: describe(trend.reason) })));
    }
    if (categories.status === 'fulfilled') {
      const summary = t('board.categoriesSummary', { n: categories.value.observations });
      const canvas = el('canvas', { role: 'img', 'aria-label': `${t('board.categories')}。${summary}` });
      fill(categoryBox, el('p', { class: 'hint' }, summary), el('div', { class: 'chart chart-tall' }, canvas),
        dataTable(t('board.categories'), [t('board.col.category'), t('board.col.count')],
          categories.value.categories.map((c) => [label('category', c.category), c.count])));
      charts.push(categoryChart(canvas, categories.value));
    } else {
      fill(categoryBox, el('p', { class: 'form-error' }, t('board.categoriesFailed', { detail: describe(categories.reason) })));
    }
    insightsTimer = setTimeout(loadInsights, 60000);
  }

  // After a change under the scope: refresh the units below soon, the charts a little later.
  function changed() {
    if (!childrenTimer) childrenTimer = setTimeout(() => { childrenTimer = 0; loadChildren(); }, 1000);
    clearTimeout(insightsTimer);
    insightsTimer = setTimeout(loadInsights, 15000);
  }

  // ---- Live ----
  function apply(next) {
    status = next;
    title.textContent = next.name;
    document.title = `${next.name} · ${t('app.title')}`;
    updated.textContent = t('board.updated', { time: formatClock(next.updatedAt) });
    const last = path[path.length - 1];
    if (last && last.name !== next.name) { last.name = next.name; saveTrail(); renderCrumbs(); }
    renderTiles();
    renderAlerts();
  }

  function addFeed(at, tier, text) {
    feedEmpty.hidden = true;
    feed.prepend(el('li', { class: `feed-${tier}` },
      el('time', { datetime: at }, formatClock(at)), ' ', tierBadge(tier), ' ', text));
    while (feed.children.length > MAX_FEED) feed.lastElementChild.remove();
  }

  function alertEvent(e) {
    const name = seesIdentities(session.role) ? (e.studentName || e.studentId) : '';
    addFeed(e.updatedAt, e.tier,
      t('board.feedItem', { change: label('change', e.change), name, tier: label('tier', e.tier), category: label('category', e.category) }));
  }

  // An alert nobody acknowledged in time reached this board: in the feed, and as a notice that stays.
  function escalationEvent(e) {
    const a = e.alert;
    const params = { name: a.studentName || a.studentId, tier: label('tier', a.tier), to: label('esc.to', e.level), due: formatDateTime(e.dueAt) };
    addFeed(e.escalatedAt, a.tier, t('board.feedEscalation', params));
    notices.add('escalation', '⬆', t('board.escalationNotice', params));
  }

  // A case under the scope changed; a follow-up that fell overdue is also a notice.
  function caseEvent(e) {
    const c = e.case;
    const name = c.studentName || c.studentId;
    addFeed(e.change === 'Overdue' ? c.followUpDueAt : (c.closedAt ?? new Date().toISOString()), c.tier,
      t('board.feedCase', { change: label('caseChange', e.change), name }));
    if (e.change === 'Overdue') notices.add('overdue', '⚠', t('followUps.overdueNotice', { name, due: formatDateTime(c.followUpDueAt) }));
  }

  const live = new LiveScope(scope, {
    onSnapshot: (snapshot, resynced) => { apply(snapshot); if (resynced) { toast(t('conn.resynced')); changed(); } },
    // Pushes are one-way messages and may overtake each other: an older status never replaces a newer one.
    onStatus: (s) => { if (!status || compareTime(s.updatedAt, status.updatedAt) >= 0) { apply(s); changed(); } },
    onAlert: alertEvent,
    onEscalation: escalationEvent,
    onCase: caseEvent,
    onState: conn.set,
    onError: (error) => { conn.set('disconnected'); showError(t('board.failed', { detail: error?.message ?? String(error) })); },
  });

  // "x 分钟前" and the time left to acknowledge move on by themselves.
  timers.push(setInterval(() => {
    for (const node of alertsBody.querySelectorAll('time[data-ago]')) node.textContent = formatAgo(node.dataset.ago);
    for (const node of alertsBody.querySelectorAll('[data-due]')) node.replaceWith(dueBadge(node.dataset.due));
  }, 30000));

  renderTiles();
  live.start();
  loadChildren();
  loadInsights();

  return async () => {
    disposed = true;
    clearTimeout(insightsTimer);
    clearTimeout(childrenTimer);
    timers.forEach(clearInterval);
    while (charts.length) charts.pop().destroy();
    if (dialog.open) dialog.close();
    await live.stop();
  };
}
