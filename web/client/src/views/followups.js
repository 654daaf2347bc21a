// The follow-up board (跟踪随访) of a district, school or class: every open case (高关怀) with its last and next
// contact, when the follow-up falls due and whether it is overdue, the referral and the plan's owner. Live: it
// watches the scope and fetches the list again on every `case` message; an `Overdue` one is also a notice.
import { el, fill } from '../dom.js';
import { t, label, formatDateTime, formatDate } from '../i18n.js';
import { get, describe } from '../api.js';
import { LiveScope } from '../hub.js';
import { tierBadge, overdueFlag, connectionIndicator, noticeList, placeOf, listScreen, studentLink } from './common.js';

export function renderFollowUps(main, { session, scope, showError }) {
  const conn = connectionIndicator();
  const notices = noticeList();
  const screen = listScreen(main, { session, scope }, 'followUps', [notices.node]);
  if (!screen) return () => {};
  const { head, body, kind, names } = screen;
  head.meta.append(conn.node);
  let disposed = false;
  let reloadTimer = 0;

  function render(board, places) {
    screen.show(board.cases, board.overdue, 'follow-ups',
      ['tier', 'student', 'where', 'lastContact', 'nextContact', 'due', 'state', 'referral', 'owner'],
      ({ case: c, overdue }) => el('tr', { class: overdue ? 'row-overdue' : null, 'data-student': c.studentId },
        el('td', {}, tierBadge(c.tier)),
        el('td', {}, studentLink(session, c.studentId, c.studentName || c.studentId),
          c.onLeave ? [' ', el('span', { class: 'tag' }, t('case.onLeave'))] : null),
        el('td', {}, placeOf(kind, places, c)),
        el('td', {}, c.lastContactAt ? formatDateTime(c.lastContactAt) : el('span', { class: 'muted' }, t('case.noContact'))),
        el('td', {}, c.nextContactOn ? formatDate(c.nextContactOn) : '–'),
        el('td', {}, formatDateTime(c.followUpDueAt)),
        el('td', {}, overdueFlag(overdue)),
        el('td', {}, c.referral ? label('referral', c.referral) : '–'),
        el('td', {}, c.planOwner ?? el('span', { class: 'muted' }, t('case.noPlan')))));
  }

  async function load() {
    clearTimeout(reloadTimer);
    try {
      const [board, { places }] = await Promise.all([get(`/api/scopes/${encodeURIComponent(scope)}/follow-ups`), names]);
      if (!disposed) render(board, places);
    } catch (error) {
      if (!disposed) fill(body, el('p', { class: 'form-error' }, t('followUps.failed', { detail: describe(error) })));
    }
    // Overdue is computed when asked: ask again now and then even when nothing is pushed.
    if (!disposed) reloadTimer = setTimeout(load, 60000);
  }

  /** Many case messages in a burst make one fetch. */
  function soon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(load, 300);
  }

  const live = new LiveScope(scope, {
    onSnapshot: (status) => {
      head.setTitle(t('followUps.heading', { name: status.name }));
      load(); // after every (re)connect: nothing missed stays missing
    },
    onCase: (e) => {
      if (e.change === 'Overdue') {
        notices.add('overdue', '⚠', t('followUps.overdueNotice', { name: e.case.studentName || e.case.studentId, due: formatDateTime(e.case.followUpDueAt) }));
      }
      soon();
    },
    onState: conn.set,
    onError: (error) => { conn.set('disconnected'); showError(t('board.failed', { detail: error?.message ?? String(error) })); },
  });

  live.start();
  return async () => {
    disposed = true;
    clearTimeout(reloadTimer);
    await live.stop();
  };
}
