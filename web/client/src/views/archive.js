// The student archive (一生一档): identity, current tier, the case (个案) with its forms, the screening results
// (心理测评), and one timeline of
// observations, of every alert's raising, escalation, acknowledgement and resolution, and of the case records,
// newest first.
import { el, fill } from '../dom.js';
import { t, label, lookup, formatDateTime, formatDate, parseTime } from '../i18n.js';
import { get, describe } from '../api.js';
import { canReadArchive } from '../session.js';
import { tierBadge, dataGrid } from './common.js';
import { casePanel, caseEvents } from './casefile.js';

export function renderArchive(main, { session, studentId, toast, showError }) {
  const section = el('section', { class: 'panel', 'aria-labelledby': 'archive-title' },
    el('p', {}, el('a', { href: 'javascript:history.back()', onclick: (e) => { e.preventDefault(); history.back(); } }, '← ', t('archive.back'))),
    el('h1', { id: 'archive-title' }, t('archive.title')));
  main.append(section);
  if (!canReadArchive(session.role)) {
    section.append(el('p', {}, t('archive.notAllowed')));
    return () => {};
  }

  let disposed = false;
  const body = el('div', {}, el('p', { class: 'muted' }, t('app.loading')));
  section.append(body);

  /** Loads (again, after a case entry) and shows the archive; focus then goes to the case's heading. */
  async function load(afterSave) {
    try {
      const a = await get(`/api/students/${encodeURIComponent(studentId)}`);
      if (disposed) return;
      // Names of the class, school and district where the reader may see them; the ids otherwise.
      const [cls, school, district] = await Promise.all([`class:${a.classId}`, `school:${a.schoolId}`, `district:${a.districtId}`]
        .map((scope) => get(`/api/scopes/${encodeURIComponent(scope)}`).then((s) => s.name, () => null)));
      if (disposed) return;
      document.title = `${a.name} · ${t('archive.title')}`;
      const row = (key, value) => [el('dt', {}, t(key)), el('dd', {}, value)];
      const focus = a.focusGroups?.length ? a.focusGroups.map((g) => label('focus', g)).join('、') : t('archive.focusNone');
      fill(body,
        el('h2', { class: 'student-name' }, a.name, ' ', tierBadge(a.tier)),
        el('dl', { class: 'facts' },
          row('archive.id', a.studentId),
          row('archive.gender', label('gender', a.gender ?? '')),
          row('archive.class', cls ? el('a', { href: `#/board/class:${a.classId}` }, cls) : a.classId),
          row('archive.school', school ? el('a', { href: `#/board/school:${a.schoolId}` }, school) : a.schoolId),
          row('archive.district', district ? el('a', { href: `#/board/district:${a.districtId}` }, district) : a.districtId),
          row('archive.tier', tierBadge(a.tier)),
          row('archive.focus', focus),
          row('archive.mentor', a.mentorId ?? t('archive.mentorNone'))),
        casePanel(a, { session, toast, onSaved: () => load(true) }),
        screenings(a),
        el('h2', { id: 'timeline-title' }, t('archive.timeline')),
        timeline(a),
        el('p', { class: 'hint' }, t('archive.auditNote'), ' ', t('time.zoneNote')));
      if (afterSave) body.querySelector('#case-title')?.focus();
    } catch (error) {
      if (disposed) return;
      fill(body, el('p', { class: 'form-error' }, t('archive.failed', { detail: describe(error) })));
      showError(t('archive.failed', { detail: describe(error) }));
    }
  }
  load(false);

  return () => { disposed = true; };
}

/** The screening results, newest first as the server sends them; a critical item answered above 0 is marked in words. */
function screenings(a) {
  const results = a.screenings ?? [];
  const col = (key, cls) => [t(`screening.col.${key}`), cls];
  return el('section', { class: 'screenings', 'aria-labelledby': 'screenings-title' },
    el('h2', { id: 'screenings-title' }, t('archive.screenings')),
    results.length
      ? dataGrid('screenings-title', 'screening-results',
        [col('instrument'), col('takenOn'), col('total', 'num'), col('band'), col('tier'), col('critical'), col('source')],
        results.map((r) => el('tr', { class: r.criticalItems?.length ? 'row-Red' : null, 'data-key': r.key },
          el('td', {}, lookup(`instrument.${r.instrument}`) ?? r.instrument),
          el('td', {}, formatDate(r.takenOn)),
          el('td', { class: 'num' }, String(r.total)),
          el('td', {}, label('band', r.band)),
          el('td', {}, tierBadge(r.tier)),
          el('td', {}, r.criticalItems?.length
            ? r.criticalItems.map((n) => el('span', { class: 'crisis-flag' }, el('span', { 'aria-hidden': 'true' }, '⚠ '), t('screening.critical', { n })))
            : el('span', { class: 'muted' }, '–')),
          el('td', { class: 'muted' }, t('screening.source', { user: r.importedBy ?? '–', row: r.row, time: formatDateTime(r.recordedAt) })))))
      : el('p', { class: 'muted' }, t('archive.screeningsNone')));
}

function timeline(a) {
  const events = [];
  for (const o of a.observations ?? []) {
    events.push({ at: o.recordedAt, kind: 'observation', tier: null,
      title: t('archive.observation', { category: label('category', o.category), severity: label('severity', o.severity) }),
      lines: [o.note, t('archive.by', { role: label('role', o.observerRole) })] });
  }
  for (const al of a.alerts ?? []) {
    events.push({ at: al.raisedAt, kind: 'alert', tier: al.tier,
      title: al.previousTier && al.previousTier !== 'Green'
        ? t('archive.alertRaisedFrom', { from: label('tier', al.previousTier), tier: label('tier', al.tier) })
        : t('archive.alertRaised', { tier: label('tier', al.tier) }),
      lines: [label('category', al.category)] });
    if (al.escalatedAt && al.escalationLevel > 0) {
      events.push({ at: al.escalatedAt, kind: 'alert', tier: al.tier, title: t('archive.alertEscalated', { to: label('esc.to', al.escalationLevel) }), lines: [] });
    }
    if (al.acknowledgedAt) {
      events.push({ at: al.acknowledgedAt, kind: 'action', title: t('archive.alertAcknowledged', { user: al.acknowledgedBy ?? '' }), lines: [] });
    }
    if (al.resolvedAt) {
      events.push({ at: al.resolvedAt, kind: 'action', title: t('archive.alertResolved', { user: al.resolvedBy ?? '' }), lines: [al.resolutionNote] });
    }
  }
  events.push(...caseEvents(a));
  events.sort((x, y) => parseTime(y.at) - parseTime(x.at));
  if (!events.length) return el('p', { class: 'muted' }, t('archive.timelineNone'));
  return el('ol', { class: 'timeline', 'aria-labelledby': 'timeline-title' }, events.map((e) => el('li', { class: `tl tl-${e.kind}` },
    el('time', { datetime: e.at }, formatDateTime(e.at)),
    el('div', { class: 'tl-body' },
      el('strong', {}, e.tier ? [tierBadge(e.tier), ' '] : null, e.title),
      e.lines.filter(Boolean).map((line) => el('p', {}, line))))));
}
