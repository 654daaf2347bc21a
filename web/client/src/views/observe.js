// The quick observation form, phone first: pick the student, tap a category, tap a severity and it is
// sent. Everything goes through the outbox, so a report made without network is kept and sent later.
import { el, fill } from '../dom.js';
import { t, label, formatDateTime } from '../i18n.js';
import { get, describe } from '../api.js';
import * as outbox from '../outbox.js';
import { canReadBoards } from '../session.js';

const CATEGORIES = ['SelfHarm', 'Mood', 'Anxiety', 'Withdrawal', 'Behavior', 'Bullying', 'Family', 'Academic', 'Attendance', 'SleepAppetite', 'Other'];
const PAGE = 200;

export function renderObserve(main, { session, toast, showError }) {
  const cacheKey = `mg.students.${session.userId}`;
  const cityWide = session.scope === 'city';
  let students = [];      // the list shown (all of the scope when it fits in one page)
  let complete = false;   // true when `students` is the whole scope, so filtering is local
  let chosen = null;      // { studentId, name, className }
  let searchTimer = 0;
  let disposed = false;

  // ---- Student ----
  const search = el('input', { id: 'obs-search', type: 'search', autocomplete: 'off', 'aria-describedby': 'obs-search-hint', 'aria-controls': 'obs-students' });
  const searchHint = el('p', { id: 'obs-search-hint', class: 'hint' }, cityWide ? t('observe.searchCity') : t('observe.searchHint'));
  const list = el('div', { id: 'obs-students', class: 'choices students', role: 'radiogroup', 'aria-labelledby': 'obs-student-legend' });
  const listNote = el('p', { class: 'hint', role: 'status' });
  const chosenLine = el('p', { class: 'chosen', hidden: true });
  const studentSet = el('fieldset', { class: 'step' },
    el('legend', { id: 'obs-student-legend' }, t('observe.step.student')),
    chosenLine,
    el('div', { class: 'picker' }, el('label', { for: 'obs-search' }, t('observe.search')), search, searchHint, listNote, list));

  function shown() {
    const q = search.value.trim().toLowerCase();
    if (!complete || !q) return students;
    return students.filter((s) => s.name.toLowerCase().includes(q) || s.studentId.toLowerCase().startsWith(q));
  }

  function renderStudents() {
    const items = shown();
    fill(list, items.map((s) => {
      const id = `obs-student-${s.studentId}`;
      return el('div', { class: 'choice' },
        el('input', { type: 'radio', name: 'student', id, value: s.studentId, checked: chosen?.studentId === s.studentId,
          onchange: () => choose(s) }),
        el('label', { for: id }, el('span', { class: 'choice-main' }, s.name),
          // Two classmates may share a name: the student number tells them apart.
          el('span', { class: 'choice-sub' }, `${s.className || s.classId} · ${s.studentId}`)));
    }));
    if (!items.length && (search.value.trim() || !cityWide)) listNote.textContent = t('observe.noStudents');
  }

  // Whether the last choice came from the keyboard, which must keep its place in the list.
  let viaKeyboard = false;
  list.addEventListener('keydown', () => { viaKeyboard = true; });
  list.addEventListener('pointerdown', () => { viaKeyboard = false; });

  function choose(s) {
    chosen = s;
    chosenLine.hidden = false;
    fill(chosenLine, el('strong', {}, t('observe.chosen', { name: s.name })), ' ', el('span', { class: 'muted' }, s.className || s.classId), ' ',
      el('button', { type: 'button', class: 'link-button', onclick: () => { chosen = null; chosenLine.hidden = true; renderStudents(); search.focus(); } }, t('observe.changeStudent')));
    // The list stays (arrow keys move through it); a tap scrolls on to the category, the next tap.
    if (!viaKeyboard) categorySet.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  async function load(q) {
    listNote.textContent = '';
    if (cityWide && !q) { students = []; complete = false; renderStudents(); return; }
    try {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (q) query.set('q', q);
      const page = await get(`/api/observations/students?${query}`);
      if (disposed) return;
      students = page;
      complete = !q && page.length < PAGE;
      if (!q) localStorage.setItem(cacheKey, JSON.stringify(page));
    } catch (error) {
      const cached = JSON.parse(localStorage.getItem(cacheKey) || 'null');
      if (cached) {
        students = cached;
        complete = true;
        listNote.textContent = t('observe.offlineList');
      } else {
        students = [];
        listNote.textContent = t('observe.studentsFailed', { detail: describe(error) });
      }
    }
    renderStudents();
  }

  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    if (complete) { renderStudents(); return; }
    searchTimer = setTimeout(() => load(search.value.trim()), 250);
  });

  // ---- Category ----
  const selfHarmNote = el('p', { class: 'warning', hidden: true }, el('span', { 'aria-hidden': 'true' }, '⚠ '), t('observe.selfHarmNote'));
  const categorySet = el('fieldset', { class: 'step' },
    el('legend', {}, t('observe.step.category')),
    el('div', { class: 'choices categories' }, CATEGORIES.map((c) => {
      const id = `obs-category-${c}`;
      return el('div', { class: `choice${c === 'SelfHarm' ? ' choice-red' : ''}` },
        el('input', { type: 'radio', name: 'category', id, value: c, onchange: () => { selfHarmNote.hidden = c !== 'SelfHarm'; } }),
        el('label', { for: id }, c === 'SelfHarm' ? el('span', { 'aria-hidden': 'true' }, '⚠ ') : null, label('category', c)));
    })),
    selfHarmNote);

  // ---- Note and severity (the severity buttons send) ----
  const note = el('textarea', { id: 'obs-note', name: 'note', maxlength: '2000', rows: '2', placeholder: t('observe.notePlaceholder'), 'aria-describedby': 'obs-note-count' });
  const noteCount = el('span', { id: 'obs-note-count', class: 'hint' }, t('observe.noteCount', { n: 0 }));
  note.addEventListener('input', () => { noteCount.textContent = t('observe.noteCount', { n: note.value.length }); });
  const formError = el('p', { class: 'form-error', role: 'alert' });
  const severitySet = el('fieldset', { class: 'step' },
    el('legend', {}, t('observe.step.severity')),
    el('div', { class: 'severities' }, [1, 2, 3].map((n) =>
      el('button', { type: 'submit', name: 'severity', value: String(n), class: `severity severity-${n}` }, label('severity', n)))));

  const form = el('form', { class: 'observe-form', novalidate: true },
    studentSet, categorySet,
    el('div', { class: 'step note-step' }, el('label', { for: 'obs-note' }, t('observe.step.note')), note, noteCount),
    severitySet, formError);

  // Enter in a field must not send: the form's default button is a severity, and a report is not undone.
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target instanceof HTMLInputElement) e.preventDefault();
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.textContent = '';
    const severity = Number(e.submitter?.value);
    const category = form.querySelector('input[name=category]:checked')?.value;
    if (!chosen) { formError.textContent = t('observe.needStudent'); search.focus(); return; }
    if (!category) { formError.textContent = t('observe.needCategory'); categorySet.querySelector('input').focus(); return; }
    if (![1, 2, 3].includes(severity)) return;

    const body = { studentId: chosen.studentId, category, severity, observedAt: new Date().toISOString() };
    if (note.value.trim()) body.note = note.value.trim();
    const name = chosen.name;
    // The form is cleared at once: the report is safe in the outbox whatever the network does.
    reset();
    const result = await outbox.submit(body, name);
    if (disposed) return;
    if (result.state === 'sent') {
      toast(canReadBoards(session.role) && result.receipt?.tier
        ? t('observe.sentTier', { name, tier: label('tier', result.receipt.tier) })
        : t('observe.sent', { name, category: label('category', category), severity: label('severity', severity) }));
      loadMine();
    } else if (result.state === 'queued') {
      toast(t('observe.queued', { name }));
    } else {
      showError(t('observe.rejected', { detail: describe(result.error) }));
    }
  });

  function reset() {
    chosen = null;
    chosenLine.hidden = true;
    form.querySelectorAll('input[type=radio]').forEach((r) => { r.checked = false; });
    note.value = '';
    noteCount.textContent = t('observe.noteCount', { n: 0 });
    selfHarmNote.hidden = true;
  }

  // ---- Outbox and the user's own reports ----
  const outboxTitle = el('h2', { id: 'outbox-title' });
  const outboxList = el('ul', { class: 'outbox', id: 'outbox-list' });
  const outboxSection = el('section', { class: 'panel', 'aria-labelledby': 'outbox-title', id: 'outbox' }, outboxTitle, outboxList);

  function renderOutbox() {
    const items = outbox.items();
    outboxTitle.textContent = t('outbox.title', { n: items.length });
    if (!items.length) { fill(outboxList, el('li', { class: 'muted' }, t('outbox.empty'))); return; }
    fill(outboxList, items.map((i) => el('li', { class: `outbox-item outbox-${i.state}` },
      el('span', { class: 'outbox-what' }, t('mine.item', { name: i.studentName, category: label('category', i.body.category), severity: label('severity', i.body.severity) })),
      el('span', { class: 'muted' }, t('outbox.queuedAt', { time: formatDateTime(i.queuedAt) })),
      el('span', { class: 'outbox-state' },
        i.state === 'failed' ? t('outbox.failed', { detail: i.error }) : i.needsLogin ? t('outbox.needLogin') : i.state === 'sending' ? t('outbox.sending') : t('outbox.pending')),
      el('span', { class: 'outbox-actions' },
        el('button', { type: 'button', class: 'small', onclick: () => outbox.retry(i.body.idempotencyKey) }, t('outbox.retryNow')),
        i.state === 'failed'
          ? el('button', { type: 'button', class: 'small danger', onclick: () => { if (confirm(t('outbox.discardConfirm'))) outbox.discard(i.body.idempotencyKey); } }, t('outbox.discard'))
          : null))));
  }

  const mineList = el('ol', { class: 'mine', id: 'mine-list' });
  const mineSection = el('section', { class: 'panel', 'aria-labelledby': 'mine-title' }, el('h2', { id: 'mine-title' }, t('mine.title')), mineList);

  async function loadMine() {
    try {
      const mine = await get('/api/observations/mine?limit=20');
      if (disposed) return;
      fill(mineList, mine.length
        ? mine.map((o) => el('li', {},
          el('span', {}, t('mine.item', { name: o.studentName || o.studentId, category: label('category', o.category), severity: label('severity', o.severity) })),
          el('time', { class: 'muted', datetime: o.recordedAt }, formatDateTime(o.recordedAt))))
        : el('li', { class: 'muted' }, t('mine.empty')));
    } catch (error) {
      if (!disposed) fill(mineList, el('li', { class: 'muted' }, t('mine.failed', { detail: describe(error) })));
    }
  }

  const stopOutbox = outbox.onChange((items) => {
    renderOutbox();
    if (!items.some((i) => i.state !== 'failed')) loadMine();
  });

  main.append(
    el('section', { class: 'panel observe', 'aria-labelledby': 'observe-title' },
      el('h1', { id: 'observe-title' }, t('observe.title')),
      el('p', { class: 'hint' }, t('observe.intro')),
      form),
    outboxSection,
    mineSection);
  renderOutbox();
  load('');
  loadMine();

  return () => { disposed = true; clearTimeout(searchTimer); stopOutbox(); };
}
