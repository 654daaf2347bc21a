// The case (个案, 高关怀) in a student's archive: its summary, the forms that record a talk, write or revise the
// plan (一生一策), move a referral on, put the student on leave or back, and close the case, each offered only to
// the roles that may; and the case records as timeline events. The server checks everything again: its
// validation errors show next to their fields, a conflict (409) as it says.
import { el, fill } from '../dom.js';
import { t, label, lookup, formatDateTime, formatDate, parseTime, toBeijingLocal, fromBeijingLocal } from '../i18n.js';
import { api, ApiError, describe } from '../api.js';
import { canRecordCase } from '../session.js';
import { tierBadge, overdueFlag } from './common.js';

const REFERRALS = ['Proposed', 'Referred', 'Seen', 'Returned'];

/** The fields of each kind's form, in order, and the ones the server requires. */
const FIELDS = {
  Talk: ['occurredAt', 'note', 'nextContactOn'],
  Plan: ['goals', 'owner', 'nextContactOn', 'note'],
  Referral: ['referral', 'hospital', 'note'],
  Leave: ['occurredAt', 'note'],
  Return: ['occurredAt', 'note'],
  Close: ['note'],
};
const REQUIRED = { Talk: ['note'], Plan: ['goals', 'owner', 'nextContactOn'], Referral: ['referral'], Close: ['note'] };

const fieldLabel = (kind, field) => lookup(`case.field.${kind}.${field}`) ?? t(`case.field.${field}`);

/**
 * The case panel of archive a. onSaved() is called after an entry was recorded (the archive reloads);
 * toast(text) tells the user.
 */
export function casePanel(a, { session, onSaved, toast }) {
  const c = a.case;
  const open = !!c && !c.closedAt;
  const name = a.name;
  const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': 'case-form-title' });

  const actions = [];
  const action = (kind, key) => actions.push(el('button', { type: 'button', class: 'small', onclick: () => openForm(kind) }, t(key)));
  if (canRecordCase(session.role, 'Talk')) action('Talk', 'case.action.Talk');
  if (open && canRecordCase(session.role, 'Plan')) {
    action('Plan', c.planOwner ? 'case.action.revisePlan' : 'case.action.Plan');
    action('Referral', 'case.action.Referral');
    action(c.onLeave ? 'Return' : 'Leave', c.onLeave ? 'case.action.Return' : 'case.action.Leave');
    action('Close', 'case.action.Close');
  }

  function openForm(kind) {
    const lastPlan = (a.caseRecords ?? []).find((r) => r.entry.kind === 'Plan')?.entry;
    const defaults = {
      occurredAt: toBeijingLocal(),
      owner: c?.planOwner ?? session.userId,
      goals: kind === 'Plan' ? lastPlan?.goals ?? '' : '',
      nextContactOn: kind === 'Plan' ? c?.nextContactOn ?? '' : '',
      referral: REFERRALS[Math.min(REFERRALS.indexOf(c?.referral ?? '') + 1, REFERRALS.length - 1)],
    };
    const inputs = {};
    const errors = {};
    const formError = el('p', { class: 'form-error', role: 'alert' });
    const rows = FIELDS[kind].map((field) => {
      const id = `case-${field}`;
      const required = REQUIRED[kind]?.includes(field);
      errors[field] = el('p', { class: 'field-error', id: `${id}-error` });
      inputs[field] = input(field, id, defaults[field]);
      if (required) inputs[field].setAttribute('aria-required', 'true');
      return el('div', { class: 'field' },
        el('label', { for: id }, fieldLabel(kind, field), required ? el('span', { class: 'required' }, t('case.required')) : null),
        inputs[field], errors[field]);
    });
    const form = el('form', { method: 'dialog', class: 'stack', novalidate: true },
      el('h2', { id: 'case-form-title' }, t(`case.form.${kind}`, { name })),
      kind === 'Talk' && !open ? el('p', { class: 'hint' }, t('case.talkWithoutCase')) : null,
      rows, formError,
      el('div', { class: 'row' },
        el('button', { type: 'submit', class: 'primary' }, t('case.save')),
        el('button', { type: 'button', onclick: () => dialog.close() }, t('board.cancel'))));

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      formError.textContent = '';
      for (const field of FIELDS[kind]) showFieldError(field, '');
      const body = { kind };
      for (const field of FIELDS[kind]) {
        const value = inputs[field].value.trim();
        // The time offered is now to the minute: left as it is, the server's now is more exact.
        if (!value || (field === 'occurredAt' && value === defaults.occurredAt)) continue;
        body[field] = field === 'occurredAt' ? fromBeijingLocal(value) : value;
      }
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      try {
        await api('POST', `/api/students/${encodeURIComponent(a.studentId)}/case-entries`, body);
        dialog.close();
        toast(t('case.saved', { kind: label('caseKind', kind), name }));
        onSaved();
      } catch (error) {
        showProblem(error);
      } finally {
        submit.disabled = false;
      }
    });

    function showFieldError(field, text) {
      errors[field].textContent = text;
      const node = inputs[field];
      if (text) {
        node.setAttribute('aria-invalid', 'true');
        node.setAttribute('aria-describedby', errors[field].id);
      } else {
        node.removeAttribute('aria-invalid');
        node.removeAttribute('aria-describedby');
      }
    }

    // Field errors next to their fields (the server's words); anything else, a 409 above all, plainly above the buttons.
    function showProblem(error) {
      const fieldErrors = error instanceof ApiError && error.status === 400 ? error.problem?.errors ?? {} : {};
      const other = [];
      let first = null;
      for (const [key, messages] of Object.entries(fieldErrors)) {
        const field = FIELDS[kind].find((f) => f.toLowerCase() === key.toLowerCase());
        if (field) { showFieldError(field, messages.join(' ')); first ??= inputs[field]; } else other.push(...messages);
      }
      if (first) {
        if (other.length) formError.textContent = other.join(' ');
        first.focus();
        return;
      }
      formError.textContent = error instanceof ApiError && error.status === 409
        ? t('case.conflict', { detail: error.problem?.detail ?? error.message })
        : t('board.actionFailed', { detail: describe(error) });
    }

    fill(dialog, form);
    dialog.showModal();
    form.querySelector('input, textarea, select')?.focus();
  }

  const heading = el('h2', { id: 'case-title', tabindex: '-1' }, t('case.title'));
  return el('section', { class: 'case', 'aria-labelledby': 'case-title' },
    heading,
    c ? caseFacts(c) : el('p', { class: 'muted' }, t('case.none')),
    actions.length ? el('div', { class: 'row case-actions' }, actions) : null,
    dialog);
}

function input(field, id, value) {
  switch (field) {
    case 'occurredAt':
      return el('input', { id, type: 'datetime-local', value, max: toBeijingLocal() });
    case 'nextContactOn':
      return el('input', { id, type: 'date', value });
    case 'note':
    case 'goals':
      return Object.assign(el('textarea', { id, rows: '3', maxlength: '2000' }), { value: value ?? '' });
    case 'referral':
      return el('select', { id }, REFERRALS.map((r) => el('option', { value: r, selected: r === value }, label('referral', r))));
    default:
      return el('input', { id, value, maxlength: field === 'hospital' ? '200' : '64', autocomplete: 'off' });
  }
}

function caseFacts(c) {
  const row = (key, value) => [el('dt', {}, t(key)), el('dd', {}, value)];
  const overdue = !c.closedAt && Date.now() >= parseTime(c.followUpDueAt);
  return el('dl', { class: 'case-facts' },
    row('case.state', c.closedAt ? t('case.closed', { time: formatDateTime(c.closedAt) }) : t('case.open')),
    c.closedAt ? row('case.closeReason', c.closeReason ?? '–') : null,
    row('case.opened', formatDateTime(c.openedAt)),
    row('case.tier', tierBadge(c.tier)),
    row('case.planOwner', c.planOwner ?? el('span', { class: 'muted' }, t('case.noPlan'))),
    row('case.nextContact', c.nextContactOn ? formatDate(c.nextContactOn) : '–'),
    row('case.lastContact', c.lastContactAt ? formatDateTime(c.lastContactAt) : el('span', { class: 'muted' }, t('case.noContact'))),
    c.closedAt ? null : row('case.followUpDue', [formatDateTime(c.followUpDueAt), ' ', overdueFlag(overdue)]),
    row('case.referral', c.referral ? label('referral', c.referral) : t('case.noReferral')),
    row('case.leave', c.onLeave ? t('case.onLeave') : t('case.atSchool')));
}

/** The case's opening and every case record, as the archive's timeline events. */
export function caseEvents(a) {
  const events = [];
  if (a.case) events.push({ at: a.case.openedAt, kind: 'case', title: t('case.event.Opened'), lines: [] });
  for (const r of a.caseRecords ?? []) {
    const e = r.entry;
    const lines = [
      e.goals ? t('case.line.goals', { text: e.goals }) : null,
      e.owner ? t('case.line.owner', { user: e.owner }) : null,
      e.hospital ? t('case.line.hospital', { text: e.hospital }) : null,
      e.note ? (e.kind === 'Close' ? t('case.line.reason', { text: e.note }) : e.note) : null,
      e.nextContactOn ? t('case.line.nextContact', { date: formatDate(e.nextContactOn) }) : null,
      t('case.line.by', { user: r.actorId, role: label('role', r.actorRole) }),
    ];
    events.push({ at: e.occurredAt, kind: 'case', title: t(`case.event.${e.kind}`, { referral: label('referral', e.referral) }), lines });
  }
  return events;
}
