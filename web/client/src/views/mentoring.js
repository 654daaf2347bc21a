// The mentoring list (重点关爱) of a school or class (or a district): every vulnerable-group student (五类儿童)
// with the assigned growth mentor, the last talk and when the next is due, overdue first as the server orders it.
import { el, fill } from '../dom.js';
import { t, label, formatDateTime } from '../i18n.js';
import { get, describe } from '../api.js';
import { overdueFlag, placeOf, listScreen, studentLink } from './common.js';

export function renderMentoring(main, { session, scope }) {
  const screen = listScreen(main, { session, scope }, 'mentoring');
  if (!screen) return () => {};
  const { head, body, kind, names } = screen;
  let disposed = false;
  let timer = 0;

  function render(list, places) {
    screen.show(list.students, list.overdue, 'mentoring', ['state', 'student', 'where', 'groups', 'mentor', 'lastTalk', 'due'],
      (s) => el('tr', { class: s.overdue ? 'row-overdue' : null, 'data-student': s.studentId },
        el('td', {}, overdueFlag(s.overdue)),
        el('td', {}, studentLink(session, s.studentId, s.studentName || s.studentId)),
        el('td', {}, placeOf(kind, places, s)),
        el('td', {}, (s.focusGroups ?? []).map((g) => label('focus', g)).join('、')),
        el('td', {}, s.mentorId
          ? [s.mentorId, s.mentorId === session.userId ? el('span', { class: 'muted' }, t('mentoring.me')) : null]
          : el('span', { class: 'muted' }, t('mentoring.noMentor'))),
        el('td', {}, s.lastTalkAt ? formatDateTime(s.lastTalkAt) : el('span', { class: 'muted' }, t('mentoring.never'))),
        el('td', {}, s.dueAt ? formatDateTime(s.dueAt) : t('mentoring.dueNow'))));
  }

  async function load() {
    try {
      const [list, { name, places }] = await Promise.all([get(`/api/scopes/${encodeURIComponent(scope)}/mentoring`), names]);
      if (disposed) return;
      head.setTitle(t('mentoring.heading', { name }));
      render(list, places);
    } catch (error) {
      if (!disposed) fill(body, el('p', { class: 'form-error' }, t('mentoring.failed', { detail: describe(error) })));
    }
    if (!disposed) timer = setTimeout(load, 60000);
  }

  load();
  return () => { disposed = true; clearTimeout(timer); };
}
