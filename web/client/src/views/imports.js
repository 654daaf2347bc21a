// The imports screen (导入, docs/imports.md): send a CSV of students, staff or screening results and follow it live.
// The job is created, watched over the hub, and then the file goes up as the body of the PUT, streamed by the
// browser (never read into the page), while progress arrives about four times a second. At the end: a summary,
// and the refused rows, the first 20 in a table and all of them as the server's CSV. Below, the recent imports;
// opening one watches it again.
import { el, fill, setText } from '../dom.js';
import { t, label, formatDateTime, formatDuration, formatNumber, parseTime } from '../i18n.js';
import { api, get, download, describe, ApiError } from '../api.js';
import { LiveImport } from '../hub.js';
import { importKinds } from '../session.js';
import { dataGrid, connectionIndicator } from './common.js';

const ENCODINGS = ['', 'utf-8', 'gb18030'];
const ERRORS_SHOWN = 20;
/** The progress line is read out on every change of state, and while running at most this often. */
const ANNOUNCE_EVERY_MS = 5000;
const POLL_MS = 1000;
const STATE_ICONS = { Waiting: '…', Running: '◷', Completed: '✓', Cancelled: '■', Failed: '✕' };

const ITEMS = Array.from({ length: 9 }, (_, i) => `第${i + 1}题`);

// Each kind's columns as docs/imports.md lists them: [column in the file, English name, required, the header
// cells it stands for when more than one]. The help says imports.col.{kind}.{English name}; the template is the
// header and one example row.
const FORMATS = {
  Students: {
    columns: [['学号', 'studentId', true], ['姓名', 'name', true], ['性别', 'gender'], ['班级编号', 'classId', true],
      ['关爱类别', 'focusGroups'], ['成长导师', 'mentorId'], ['班级名称', 'className'], ['年级', 'grade'], ['学校编号', 'schoolId'],
      ['学校名称', 'schoolName'], ['区编号', 'districtId'], ['区名称', 'districtName']],
    example: ['S100001', '王小明', '男', 'jinshui-01-7-1', '留守儿童', 'mentor-jinshui-01', '七(1)班', '7', 'jinshui-01', '金水区第一中学', 'jinshui', '金水区'],
  },
  Staff: {
    columns: [['工号', 'staffId', true], ['姓名', 'name', true], ['角色', 'role', true], ['范围', 'scope', true], ['初始密码', 'password']],
    example: ['t-101', '李老师', '班主任', 'class:jinshui-01-7-1', 'Init-2026'],
  },
  Screening: {
    columns: [['学号', 'studentId', true], ['量表', 'instrument', true], ['测评日期', 'takenOn', true],
      [`${ITEMS[0]} … ${ITEMS[8]}`, 'items', true, ITEMS], ['总分', 'total']],
    example: ['S000001', 'PHQ-9', '2026-09-15', '1', '0', '1', '0', '0', '1', '0', '0', '0', '3'],
  },
};

const isFinished = (job) => ['Completed', 'Cancelled', 'Failed'].includes(job?.state);
const rowsDone = (job) => (job.rowsApplied ?? 0) + (job.rowsUnchanged ?? 0) + (job.rowsFailed ?? 0);

/** Whether job is news against shown (the same import): an end is never undone, progress never goes back. */
function isNewer(job, shown) {
  if (!shown || shown.importId !== job.importId) return true;
  if (isFinished(job) || isFinished(shown)) return isFinished(job);
  return (job.bytesRead ?? 0) >= (shown.bytesRead ?? 0) && (job.rowsRead ?? 0) >= (shown.rowsRead ?? 0);
}

function formatBytes(bytes) {
  const [unit, size] = bytes >= 1 << 20 ? ['MB', 1 << 20] : bytes >= 1 << 10 ? ['KB', 1 << 10] : ['B', 1];
  return `${formatNumber(bytes / size, size > 1 ? 1 : 0)} ${unit}`;
}

const percentOf = (job) => (job.bytesTotal > 0 ? `${Math.min(100, Math.floor((job.bytesRead / job.bytesTotal) * 100))}%` : '–');

function stateBadge(state) {
  return el('span', { class: `state state-${state}` }, el('span', { 'aria-hidden': 'true' }, `${STATE_ICONS[state] ?? ''} `), label('importState', state));
}

/** A CSV file of one header row and one example row: UTF-8 with a byte-order mark and CRLF, as Excel opens it. */
function templateOf(kind) {
  const cell = (v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const { columns, example } = FORMATS[kind];
  const header = columns.flatMap(([name, , , cells]) => cells ?? [name]);
  return new Blob([`\uFEFF${[header, example].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
}

export function renderImports(main, { session }) {
  const kinds = importKinds(session.role);
  const title = el('h1', { id: 'imports-title' }, t('imports.title'));
  main.append(title);
  document.title = `${t('imports.title')} · ${t('app.title')}`;
  if (!kinds.length) {
    main.append(el('p', { class: 'note' }, t('imports.notAllowed')));
    return () => {};
  }

  let disposed = false;

  // ---- The form and the help of the chosen kind ----
  const kind = el('select', { id: 'imp-kind', name: 'kind' }, kinds.map((k) => el('option', { value: k }, label('importKind', k))));
  const file = el('input', { id: 'imp-file', name: 'file', type: 'file', accept: '.csv,text/csv', 'aria-describedby': 'imp-file-hint' });
  const encoding = el('select', { id: 'imp-encoding', name: 'encoding', 'aria-describedby': 'imp-encoding-hint' },
    ENCODINGS.map((e) => el('option', { value: e }, t(`imports.encoding.${e || 'auto'}`))));
  const startButton = el('button', { type: 'submit', class: 'primary' }, t('imports.start'));
  const formError = el('p', { class: 'form-error', role: 'alert' });
  const help = el('section', { class: 'import-help', 'aria-labelledby': 'imp-help-title' });
  const form = el('form', { class: 'import-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'imp-kind' }, t('imports.kind')), kind),
    el('div', { class: 'field' }, el('label', { for: 'imp-file' }, t('imports.file')), file,
      el('p', { class: 'hint', id: 'imp-file-hint' }, t('imports.fileHint'))),
    el('div', { class: 'field' }, el('label', { for: 'imp-encoding' }, t('imports.encoding')), encoding,
      el('p', { class: 'hint', id: 'imp-encoding-hint' }, t('imports.encodingHint'))),
    el('div', { class: 'row' }, startButton));

  let templateUrl = '';
  function showHelp() {
    const k = kind.value;
    URL.revokeObjectURL(templateUrl);
    templateUrl = URL.createObjectURL(templateOf(k));
    const required = (yes) => el('span', { class: yes ? 'flag' : 'muted' }, t(yes ? 'imports.help.required' : 'imports.help.optional'));
    fill(help,
      el('h3', { id: 'imp-help-title' }, t('imports.help.title', { kind: label('importKind', k) })),
      el('p', { class: 'hint' }, t(`imports.help.${k}`)),
      dataGrid('imp-help-title', 'import-columns', [t('imports.help.col.column'), t('imports.help.col.required'), t('imports.help.col.meaning')],
        FORMATS[k].columns.map(([name, english, yes]) => el('tr', {},
          el('td', {}, el('strong', {}, name), ' ', el('code', { class: 'muted' }, english)),
          el('td', {}, required(yes)),
          el('td', {}, t(`imports.col.${k}.${english}`))))),
      el('p', {}, el('a', { href: templateUrl, download: t('imports.templateName', { kind: label('importKind', k) }) },
        el('span', { 'aria-hidden': 'true' }, '↓ '), t('imports.template'))));
  }
  kind.addEventListener('change', showHelp);
  showHelp();

  // ---- The live view of one import ----
  const conn = connectionIndicator();
  const liveTitle = el('h2', { id: 'imp-live-title', tabindex: '-1' });
  const meta = el('p', { class: 'muted' });
  const statusLine = el('p', { class: 'import-status' });
  // What the status line says, read out on every change of state and while running at most every few seconds.
  const announcer = el('p', { class: 'visually-hidden', role: 'status' });
  const bar = el('progress', { id: 'imp-progress', max: '1' });
  const barLabel = el('label', { for: 'imp-progress' });
  const figures = el('dl', { class: 'facts import-figures' });
  const cancelButton = el('button', { type: 'button', class: 'danger' }, t('imports.cancel'));
  const liveError = el('p', { class: 'form-error', role: 'alert' });
  const headerProblems = el('div', {});
  const result = el('div', {});
  const liveSection = el('section', { class: 'panel import-live', 'aria-labelledby': 'imp-live-title', hidden: true },
    el('div', { class: 'board-head' }, liveTitle, conn.node), meta, statusLine, announcer,
    el('div', { class: 'import-progress' }, barLabel, bar), figures,
    el('div', { class: 'row' }, cancelButton), liveError, headerProblems, result);

  let attached = null; // the import shown
  let shown = null; // its latest state
  let announced = { state: null, at: 0 };
  let hubState = 'connecting';
  const live = new LiveImport({
    onJob: (job) => { if (!disposed) show(job); },
    onState: (state) => { hubState = state; conn.set(state); },
    onError: () => { /* progress then comes from the PUT's answer or by asking */ },
  });

  function show(job) {
    if (job.importId !== attached || !isNewer(job, shown)) return;
    const ending = isFinished(job) && !isFinished(shown);
    const moved = shown && shown.state !== job.state;
    shown = job;
    const finished = isFinished(job);
    if (job.bytesTotal > 0 || finished) {
      bar.max = finished ? 1 : job.bytesTotal;
      bar.value = finished ? 1 : job.bytesRead;
    } else {
      bar.removeAttribute('value'); // indeterminate: the length is not known
    }
    setText(barLabel, job.bytesTotal > 0
      ? t('imports.live.read', { read: formatBytes(job.bytesRead), total: formatBytes(job.bytesTotal), percent: percentOf(job) })
      : t('imports.live.readUnknown', { read: formatBytes(job.bytesRead ?? 0) }));
    const row = (key, value) => [el('dt', {}, t(key)), el('dd', {}, value)];
    fill(figures,
      row('imports.fig.state', stateBadge(job.state)),
      row('imports.fig.rows', formatNumber(rowsDone(job))),
      row('imports.fig.speed', t('imports.fig.speedValue', { n: formatNumber(job.rowsPerSecond, job.rowsPerSecond < 10 ? 1 : 0) })),
      row('imports.fig.errors', formatNumber(job.rowsFailed)),
      row('imports.fig.left', finished ? '–' : formatDuration(job.secondsLeft)));
    cancelButton.hidden = finished;
    const text = job.cancelRequested && !finished ? t('imports.cancelling') : t(`imports.status.${job.state}`, {
      percent: percentOf(job), rows: formatNumber(rowsDone(job)), failed: formatNumber(job.rowsFailed),
      applied: formatNumber(job.rowsApplied), unchanged: formatNumber(job.rowsUnchanged),
    }) + (job.message ? ` ${job.message}` : '');
    setText(statusLine, text);
    const now = Date.now();
    if (job.state !== announced.state || now - announced.at >= ANNOUNCE_EVERY_MS) {
      announced = { state: job.state, at: now };
      setText(announcer, text);
    }
    if (moved && !ending) loadList();
    if (ending) ended(job);
  }

  /** The summary and the refused rows, once per import. */
  async function ended(job) {
    const id = job.importId;
    const elapsed = (parseTime(job.finishedAt) - parseTime(job.startedAt ?? job.createdAt)) / 1000;
    const fact = (key, value) => [el('dt', {}, t(`imports.summary.${key}`)), el('dd', {}, value)];
    const rows = (n) => t('imports.summary.rows', { n: formatNumber(n) });
    fill(result,
      el('h3', { id: 'imp-summary-title' }, t('imports.summary.title', { state: label('importState', job.state) })),
      job.message ? el('p', { class: job.state === 'Completed' ? 'note' : 'warning' }, job.message) : null,
      el('dl', { class: 'facts import-summary' },
        fact('applied', rows(job.rowsApplied)),
        fact('unchanged', rows(job.rowsUnchanged)),
        fact('failed', rows(job.rowsFailed)),
        job.kind === 'Screening' ? fact('tiersRaised', t('imports.summary.people', { n: formatNumber(job.tiersRaised) })) : null,
        fact('elapsed', formatDuration(elapsed)),
        job.encodingUsed ? fact('encoding', job.encodingUsed.toUpperCase()) : null,
        job.ignoredColumns?.length ? fact('ignored', job.ignoredColumns.join('、')) : null));
    loadList();
    if (job.rowsFailed > 0) await showErrors(job);
    if (!disposed && id === attached) document.getElementById('imp-summary-title')?.scrollIntoView({ block: 'nearest' });
  }

  async function showErrors(job) {
    const id = job.importId;
    const base = job.fileName.replace(/\.[^.]*$/, '');
    const save = el('button', { type: 'button', onclick: () => saveErrors() }, el('span', { 'aria-hidden': 'true' }, '↓ '), t('imports.errors.download'));
    const errorMessage = el('p', { class: 'form-error', role: 'alert' });
    const body = el('div', {}, el('p', { class: 'muted' }, t('app.loading')));
    result.append(el('section', { class: 'import-errors', 'aria-labelledby': 'imp-errors-title' },
      el('h3', { id: 'imp-errors-title' }, t('imports.errors.title')), el('div', { class: 'row' }, save), errorMessage, body));

    async function saveErrors() {
      errorMessage.textContent = '';
      try {
        await download(`/api/imports/${encodeURIComponent(id)}/errors`, `${base}-errors.csv`);
      } catch (error) {
        errorMessage.textContent = t('imports.errors.failed', { detail: describe(error) });
      }
    }

    try {
      const errors = await get(`/api/imports/${encodeURIComponent(id)}/errors?format=json`);
      if (disposed || id !== attached) return;
      const first = errors.slice(0, ERRORS_SHOWN);
      fill(body,
        el('p', { class: 'hint' }, errors.length > ERRORS_SHOWN
          ? t('imports.errors.first', { n: ERRORS_SHOWN, total: formatNumber(job.rowsFailed) })
          : t('imports.errors.all', { total: formatNumber(job.rowsFailed) })),
        dataGrid('imp-errors-title', 'data import-errors-table',
          [[t('imports.errors.col.row'), 'num'], t('imports.errors.col.column'), t('imports.errors.col.reason'), t('imports.errors.col.value')],
          first.map((e) => el('tr', {},
            el('td', { class: 'num' }, String(e.row)),
            el('td', {}, e.column ?? el('span', { class: 'muted' }, t('imports.errors.wholeRow'))),
            el('td', {}, e.reason),
            el('td', {}, e.value ? el('code', {}, e.value) : '–')))));
    } catch (error) {
      if (!disposed) fill(body, el('p', { class: 'form-error' }, t('imports.errors.failed', { detail: describe(error) })));
    }
  }

  /** Shows import job (and watches it live until it ends). */
  async function attach(job) {
    attached = job.importId;
    shown = null;
    announced = { state: null, at: 0 };
    liveSection.hidden = false;
    setText(liveTitle, t('imports.live.title', { file: job.fileName }));
    setText(meta, t('imports.live.meta', { kind: label('importKind', job.kind), user: job.createdBy, time: formatDateTime(job.createdAt) }));
    liveError.textContent = '';
    cancelButton.disabled = false;
    fill(headerProblems);
    fill(result);
    show(job);
    await live.watch(job.importId);
    // Without the hub, a running import is followed by asking.
    if (job.importId === attached && !isFinished(shown) && shown.state === 'Running' && hubState !== 'connected') settle(job.importId);
  }

  /** Fetches the import again and shows it. */
  async function refresh(id) {
    try {
      show(await get(`/api/imports/${encodeURIComponent(id)}`));
    } catch (error) {
      if (!disposed && id === attached) liveError.textContent = t('imports.uploadFailed', { detail: describe(error) });
    }
  }

  /** Asks until the import has ended (after the upload broke off, or without the hub). */
  async function settle(id) {
    for (let i = 0; i < 120 && !disposed && id === attached && !isFinished(shown); i++) {
      await refresh(id);
      if (!isFinished(shown)) await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
    }
  }

  /** Sends the file as the PUT's body: the browser streams it from the disk, with its length. */
  async function upload(job, chosen) {
    const id = job.importId;
    try {
      const { body } = await api('PUT', `/api/imports/${encodeURIComponent(id)}/content`, chosen, { contentType: 'text/csv' });
      if (body) show(body);
    } catch (error) {
      if (disposed || id !== attached) return;
      if (error instanceof ApiError && error.status === 400 && error.problem) {
        showHeaderProblems(error.problem);
        await refresh(id);
      } else if (error instanceof ApiError && error.status === 0) {
        // A cancelled upload may be cut off by the server: how the import ended is asked for.
        await settle(id);
      } else {
        liveError.textContent = t('imports.uploadFailed', { detail: describe(error) });
        await refresh(id);
      }
    }
  }

  /** A header the import cannot use (400): the problem's detail and every column's reasons. */
  function showHeaderProblems(problem) {
    const entries = Object.entries(problem.errors ?? {}).flatMap(([column, reasons]) => reasons.map((reason) => [column, reason]));
    fill(headerProblems, el('section', { class: 'warning-box', 'aria-labelledby': 'imp-header-title' },
      el('h3', { id: 'imp-header-title' }, t('imports.header.title')),
      problem.detail ? el('p', {}, problem.detail) : null,
      entries.length ? el('ul', {}, entries.map(([column, reason]) => el('li', {}, el('strong', {}, column), '：', reason))) : null));
  }

  cancelButton.addEventListener('click', async () => {
    const id = attached;
    cancelButton.disabled = true;
    liveError.textContent = '';
    try {
      const { body } = await api('POST', `/api/imports/${encodeURIComponent(id)}/cancel`);
      setText(statusLine, t('imports.cancelling'));
      setText(announcer, t('imports.cancelling'));
      if (body) show(body);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) { await refresh(id); return; }
      liveError.textContent = t('imports.cancelFailed', { detail: describe(error) });
      cancelButton.disabled = false;
    }
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.textContent = '';
    const chosen = file.files[0];
    if (!chosen) {
      formError.textContent = t('imports.needFile');
      file.focus();
      return;
    }
    startButton.disabled = true;
    try {
      const { body: job } = await api('POST', '/api/imports', { kind: kind.value, fileName: chosen.name, encoding: encoding.value || null });
      if (disposed) return;
      await attach(job);
      loadList();
      liveTitle.focus({ preventScroll: false });
      await upload(job, chosen);
    } catch (error) {
      if (!disposed) formError.textContent = t('imports.createFailed', { detail: describe(error) });
    } finally {
      startButton.disabled = false;
    }
  });

  // ---- The recent imports ----
  const listBody = el('div', {}, el('p', { class: 'muted' }, t('app.loading')));
  const listSection = el('section', { class: 'panel', 'aria-labelledby': 'imp-recent-title' },
    el('div', { class: 'board-head' }, el('h2', { id: 'imp-recent-title' }, t('imports.recent')),
      el('button', { type: 'button', class: 'small', onclick: () => loadList() }, el('span', { 'aria-hidden': 'true' }, '↻ '), t('imports.refresh'))),
    listBody);

  let listing = 0;
  async function loadList() {
    const call = ++listing;
    try {
      const jobs = await get('/api/imports');
      if (disposed || call !== listing) return;
      if (!jobs.length) { fill(listBody, el('p', { class: 'muted' }, t('imports.recentNone'))); return; }
      const focused = document.activeElement?.dataset?.focus;
      fill(listBody, dataGrid('imp-recent-title', 'data imports',
        [t('imports.list.file'), t('imports.list.kind'), t('imports.list.state'), t('imports.list.createdBy'), t('imports.list.created'), [t('imports.list.outcome'), 'num']],
        jobs.map((job) => el('tr', { 'data-import': job.importId },
          el('td', {}, el('button', {
            type: 'button', class: 'link-button', 'data-focus': job.importId, 'aria-label': t('imports.open', { file: job.fileName }),
            onclick: async () => { await attach(job); liveTitle.focus(); },
          }, job.fileName)),
          el('td', {}, label('importKind', job.kind)),
          el('td', {}, stateBadge(job.state)),
          el('td', {}, job.createdBy),
          el('td', {}, formatDateTime(job.createdAt)),
          el('td', { class: 'num' }, [job.rowsApplied, job.rowsUnchanged, job.rowsFailed].map((n) => formatNumber(n)).join(' / '))))));
      if (focused) listBody.querySelector(`[data-focus="${CSS.escape(focused)}"]`)?.focus();
    } catch (error) {
      if (!disposed && call === listing) fill(listBody, el('p', { class: 'form-error' }, t('imports.recentFailed', { detail: describe(error) })));
    }
  }

  main.append(
    el('section', { class: 'panel', 'aria-labelledby': 'imp-new-title' },
      el('h2', { id: 'imp-new-title' }, t('imports.new')), el('p', { class: 'hint' }, t('imports.intro')), form, formError, help),
    liveSection,
    listSection,
    el('p', { class: 'hint' }, t('time.zoneNote')));
  loadList();

  return async () => {
    disposed = true;
    URL.revokeObjectURL(templateUrl);
    await live.stop();
  };
}
