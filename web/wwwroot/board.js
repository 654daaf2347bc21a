// MonitorGrid live board: sign-in, scope chooser, tier counts, open alerts and a live feed.
// Plain ES2020 without dependencies; speaks SignalR's JSON hub protocol over a raw WebSocket.
'use strict';

(() => {
  // ---- Vocabulary: wire values -> Chinese labels ----
  const TIERS = ['Green', 'Yellow', 'Orange', 'Red'];
  const TIER_ZH = { Green: '正常', Yellow: '关注', Orange: '重点关注', Red: '危机' };
  const CATEGORY_ZH = {
    Mood: '情绪低落', Anxiety: '焦虑', Withdrawal: '退缩孤僻', Behavior: '行为异常',
    Academic: '学业下滑', Attendance: '缺勤', SleepAppetite: '睡眠饮食', Bullying: '欺凌',
    Family: '家庭变故', SelfHarm: '自伤迹象', Other: '其他',
  };
  const STATE_ZH = { Open: '待处理', Acknowledged: '已确认', Resolved: '已解决' };
  const CHANGE_ZH = { Raised: '新预警', Escalated: '升级', Acknowledged: '已确认', Resolved: '已解决' };
  const ROLE_ZH = {
    CommitteeMember: '心理委员', SafetyOfficer: '心理健康安全员', SubjectTeacher: '任课教师',
    HeadTeacher: '班主任', Mentor: '成长导师', PsychTeacher: '心理教师', SchoolLead: '德育负责人',
    DistrictCenter: '区心理辅导中心', CityBureau: '市教育局', Admin: '管理员',
  };
  const KIND_ZH = { district: '区', school: '学校', class: '班级', student: '学生' };
  const CONN_ZH = {
    connecting: '连接中…', connected: '已连接', reconnecting: '重新连接中…', disconnected: '已断开',
  };

  const NO_BOARD_ROLES = ['CommitteeMember', 'SafetyOfficer'];
  const ACK_ROLES = ['HeadTeacher', 'Mentor', 'PsychTeacher', 'SchoolLead', 'DistrictCenter', 'Admin'];
  const RESOLVE_ROLES = ['PsychTeacher', 'SchoolLead', 'DistrictCenter'];

  const SCOPE_RE = /^(city|(district|school|class|student):[A-Za-z0-9._-]{1,64})$/;
  const KEY_SESSION = 'mg.session', KEY_RECENT = 'mg.recent', KEY_VIEW = 'mg.view';
  const MAX_FEED = 20, MAX_RECENT = 8, TZ = 'Asia/Shanghai';
  const EXPIRED_TEXT = '登录已过期，请重新登录。';
  const SCOPE_HINT = '范围格式不正确，应为 city、district:编号、school:编号、class:编号 或 student:编号。';

  // ---- State ----
  let session = null;   // { token, expiresAt, role, scope, userId }
  let hub = null;       // live hub client
  let viewScope = null; // the scope on screen
  let latest = null;    // newest ScopeStatus accepted since the last (re)watch
  let watchSeq = 0;     // lets superseded Watch results be dropped
  let toastTimer = 0;
  const rows = new Map(); // alertId -> { tr, sig }
  const busy = new Set(); // alertIds with an acknowledge/resolve in flight

  const $ = (id) => document.getElementById(id);

  // Element builder: attrs go through setAttribute (null/false skipped); kids are nodes, strings or arrays.
  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v != null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat()) if (kid != null && kid !== false) node.append(kid);
    return node;
  }

  const setText = (node, text) => { if (node.textContent !== text) node.textContent = text; };

  // ---- Time ----
  // The server writes up to 7 fractional digits; trim to milliseconds for Date.parse.
  function parseTime(iso) {
    return typeof iso === 'string' ? Date.parse(iso.replace(/(\.\d{3})\d+/, '$1')) : NaN;
  }

  // Orders two ISO instants; the sub-millisecond digits break ties.
  function compareTime(a, b) {
    const d = parseTime(a) - parseTime(b);
    if (d) return d;
    const frac = (s) => ((/\.(\d+)/.exec(s || '') || [])[1] || '').padEnd(9, '0');
    const fa = frac(a), fb = frac(b);
    return fa < fb ? -1 : fa > fb ? 1 : 0;
  }

  // Shown in Beijing time whatever the device's zone; clockOnly for the feed.
  function formatTime(iso, clockOnly) {
    const t = parseTime(iso);
    if (Number.isNaN(t)) return '–';
    const d = new Date(t);
    if (clockOnly) return d.toLocaleTimeString('zh-CN', { timeZone: TZ, hour12: false });
    return d.toLocaleString('zh-CN', { timeZone: TZ });
  }

  function ago(iso) {
    const t = parseTime(iso);
    if (Number.isNaN(t)) return '–';
    const m = Math.floor(Math.max(0, Date.now() - t) / 60000);
    if (m < 1) return '刚刚';
    if (m < 60) return `${m} 分钟前`;
    const h = Math.floor(m / 60);
    return h < 24 ? `${h} 小时前` : `${Math.floor(h / 24)} 天前`;
  }

  function refreshAgo() {
    for (const t of document.querySelectorAll('time[data-ago]')) setText(t, ago(t.dataset.ago));
  }

  // ---- Messages ----
  const showError = (text) => { $('msg').textContent = text; };
  const clearError = () => showError('');

  function toast(text) {
    $('toast').textContent = text;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { $('toast').textContent = ''; }, 5000);
  }

  // ---- HTTP: throws an Error carrying the problem `detail` and the HTTP status ----
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (session) headers.Authorization = 'Bearer ' + session.token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new Error('网络错误，请检查网络后重试。');
    }
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    if (res.ok) return data;
    const d = data || {};
    const detail = d.detail ||
      (d.errors && Object.entries(d.errors).map(([k, v]) => `${k}: ${[].concat(v).join(' ')}`).join('；'));
    throw Object.assign(new Error(detail || d.title || `请求失败（HTTP ${res.status}）`), { status: res.status });
  }

  // ---- Minimal SignalR client (JSON protocol, WebSocket transport, negotiation skipped) ----
  function createHub(token, expiresAt, on) {
    const RS = '\u001e';
    const BACKOFF = [1000, 2000, 5000, 10000];
    const pending = new Map(); // invocationId -> { resolve, reject, timer }
    let ws = null, ready = false, stopped = false;
    let nextId = 0, attempt = 0, retryTimer = 0, tickTimer = 0, lastSeen = 0;

    function send(msg) {
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg) + RS);
    }

    function connect() {
      retryTimer = 0;
      if (stopped) return;
      const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host +
        '/hubs/grid?access_token=' + encodeURIComponent(token);
      let sock;
      try { sock = new WebSocket(url); } catch { scheduleRetry(); return; }
      ws = sock;
      lastSeen = Date.now();
      sock.onopen = () => { if (sock === ws) send({ protocol: 'json', version: 1 }); };
      sock.onmessage = (ev) => { if (sock === ws && typeof ev.data === 'string') receive(sock, ev.data); };
      sock.onclose = () => { if (sock === ws) dropped(); };
    }

    // One frame may carry several messages, each terminated by the record separator.
    function receive(sock, data) {
      lastSeen = Date.now();
      for (const part of data.split(RS)) {
        if (sock !== ws) return; // abandoned while handling an earlier message
        if (!part) continue;
        let msg;
        try { msg = JSON.parse(part); } catch { continue; }
        if (ready) { handle(msg); continue; }
        if (msg.error) { // handshake refused
          on.error('实时连接握手失败：' + msg.error);
          abandon();
          return;
        }
        ready = true;
        attempt = 0;
        on.state('connected');
        on.ready();
      }
    }

    function handle(msg) {
      if (msg.type === 1) { // server -> client invocation
        const target = String(msg.target || '').toLowerCase();
        const arg = Array.isArray(msg.arguments) ? msg.arguments[0] : undefined;
        if (target === 'status') on.status(arg);
        else if (target === 'alert') on.alert(arg);
      } else if (msg.type === 3) { // completion of one of our invocations
        const p = pending.get(msg.invocationId);
        if (!p) return;
        pending.delete(msg.invocationId);
        clearTimeout(p.timer);
        // A HubException arrives as "An unexpected error occurred invoking 'Watch' ... HubException: <text>".
        if (msg.error) p.reject(new Error(String(msg.error).replace(/^[\s\S]*HubException:\s*/, '')));
        else p.resolve(msg.result);
      } else if (msg.type === 7) { // close
        if (msg.error) on.error('服务器关闭了实时连接：' + msg.error);
        abandon();
      } // type 6 (ping) and anything else: nothing to do
    }

    // Forget the socket at once (its close event can be slow on a dead network), then close it.
    function abandon() {
      const sock = ws;
      if (!sock) return;
      dropped();
      try { sock.close(); } catch { /* already closed */ }
    }

    function dropped() {
      ws = null;
      ready = false;
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(Object.assign(new Error('实时连接已断开'), { disconnected: true }));
      }
      pending.clear();
      on.state(stopped ? 'disconnected' : 'reconnecting');
      if (!stopped) scheduleRetry();
    }

    function scheduleRetry() {
      if (stopped || retryTimer) return;
      if (!(parseTime(expiresAt) > Date.now())) { // the token is past its expiry: reconnecting is pointless
        stopped = true;
        on.state('disconnected');
        return on.expired();
      }
      if (attempt >= 2) on.probe(); // repeated failures may mean the token is no longer accepted
      retryTimer = setTimeout(connect, BACKOFF[Math.min(attempt, BACKOFF.length - 1)]);
      attempt++;
    }

    // Every 15 s: keep-alive ping; a connection silent for 35 s (server pings every 15 s) is dead.
    function tick() {
      if (!ws) return;
      if (Date.now() - lastSeen > 35000) abandon();
      else if (ready) send({ type: 6 });
    }

    function invoke(target, ...args) {
      return new Promise((resolve, reject) => {
        if (!ready) return reject(Object.assign(new Error('实时连接未就绪'), { disconnected: true }));
        const id = String(++nextId);
        const timer = setTimeout(() => { if (pending.delete(id)) reject(new Error('服务器响应超时')); }, 30000);
        pending.set(id, { resolve, reject, timer });
        send({ type: 1, invocationId: id, target, arguments: args });
      });
    }

    return {
      start() {
        stopped = false;
        tickTimer = setInterval(tick, 15000);
        on.state('connecting');
        connect();
      },
      stop() {
        stopped = true;
        clearTimeout(retryTimer);
        clearInterval(tickTimer);
        retryTimer = 0;
        if (ws) abandon();
        else on.state('disconnected');
      },
      invoke,
      get ready() { return ready; },
    };
  }

  // ---- Session ----
  function readJson(key) {
    try { return JSON.parse(sessionStorage.getItem(key) || 'null'); } catch { return null; }
  }

  const clearStorage = () => [KEY_SESSION, KEY_RECENT, KEY_VIEW].forEach((k) => sessionStorage.removeItem(k));
  const showView = (name) => ['login', 'noboard', 'board'].forEach((v) => { $(`${v}-view`).hidden = v !== name; });

  function start() {
    $('who-user').textContent = session.userId || '';
    $('who-role').textContent = ROLE_ZH[session.role] || session.role || '';
    $('who-scope').textContent = session.scope || '';
    $('who').hidden = false;
    if (NO_BOARD_ROLES.includes(session.role)) {
      $('noboard-text').textContent =
        `您的角色（${ROLE_ZH[session.role]}）仅用于提交学生观察记录，不能查看监测看板。`;
      showView('noboard');
      return;
    }
    showView('board');
    hub = createHub(session.token, session.expiresAt, {
      state: setConn, status: applyStatus, alert: onAlert, error: showError, probe: probeToken,
      ready: () => { if (viewScope) watchCurrent(); },
      expired: () => logout(EXPIRED_TEXT),
    });
    const saved = sessionStorage.getItem(KEY_VIEW);
    showScope(saved && SCOPE_RE.test(saved) ? saved : session.scope);
    hub.start();
  }

  function logout(message) {
    if (hub) hub.stop();
    hub = null;
    session = viewScope = latest = null;
    watchSeq++;
    busy.clear();
    clearStorage();
    resetBoard();
    $('who').hidden = true;
    showView('login');
    showError(message || '');
    $('user-id').focus();
  }

  // Asks the API whether the token still works; a 401 ends the session.
  async function probeToken() {
    if (!session) return;
    try {
      await api('GET', '/api/scopes/' + encodeURIComponent(session.scope));
    } catch (e) {
      if (e.status === 401 && session) logout('登录已失效，请重新登录。');
    }
  }

  async function login(ev) {
    ev.preventDefault();
    const userId = $('user-id').value.trim();
    const password = $('password').value;
    if (!userId || !password) return showError('请输入用户名和密码。');
    clearError();
    $('login-btn').disabled = true;
    try {
      const r = await api('POST', '/api/auth/token', { userId, password });
      session = { token: r.accessToken, expiresAt: r.expiresAt, role: r.role, scope: r.scope, userId };
      sessionStorage.setItem(KEY_SESSION, JSON.stringify(session));
      $('password').value = '';
      start();
    } catch (e) {
      showError(e.status === 401 ? '用户名或密码错误。' : e.message);
    } finally {
      $('login-btn').disabled = false;
    }
  }

  // ---- Scope chooser ----
  function loadRecent() {
    const r = readJson(KEY_RECENT);
    return Array.isArray(r) ? r.filter((s) => typeof s === 'string' && SCOPE_RE.test(s)) : [];
  }

  function addRecent(scope) {
    const list = [scope, ...loadRecent().filter((s) => s !== scope)].slice(0, MAX_RECENT);
    sessionStorage.setItem(KEY_RECENT, JSON.stringify(list));
    renderRecent();
  }

  function renderRecent() {
    $('recent-list').replaceChildren(...loadRecent().map((s) => el('li', {}, el('button',
      { type: 'button', class: 'chip', 'data-scope': s, 'aria-current': s === viewScope ? 'true' : null }, s))));
  }

  function showScope(input) {
    const scope = String(input || '').trim();
    if (!SCOPE_RE.test(scope)) return showError(SCOPE_HINT);
    clearError();
    $('scope-input').value = scope;
    const previous = viewScope;
    if (scope !== previous) {
      viewScope = scope;
      latest = null;
      sessionStorage.setItem(KEY_VIEW, scope);
      resetBoard();
      if (previous && hub && hub.ready) hub.invoke('Unwatch', previous).catch(() => { /* best effort */ });
    }
    renderRecent();
    if (hub && hub.ready) watchCurrent();
  }

  // (Re)watches the shown scope. The snapshot replaces the board (resync) unless a newer push came first.
  async function watchCurrent() {
    const scope = viewScope;
    const seq = ++watchSeq;
    latest = null;
    try {
      const snapshot = await hub.invoke('Watch', scope);
      if (seq !== watchSeq || scope !== viewScope) return;
      applyStatus(snapshot);
      addRecent(scope);
    } catch (e) {
      if (seq !== watchSeq || e.disconnected) return;
      showError(`无法查看 ${scope}：${e.message}`);
      setText($('scope-name'), '无法加载');
    }
  }

  // ---- Board ----
  function setConn(state) {
    $('conn').className = 'conn conn-' + state;
    setText($('conn'), CONN_ZH[state] || state); // text, not colour alone
  }

  // Status pushes may overtake the Watch result: keep whichever is newest by updatedAt.
  function applyStatus(s) {
    if (!s || s.scope !== viewScope) return;
    if (latest && compareTime(s.updatedAt, latest.updatedAt) < 0) return;
    latest = s;
    renderBoard();
  }

  // The city bureau, and anyone at city scope, sees counts only.
  const aggregatesOnly = () => (session && session.role === 'CityBureau') || viewScope === 'city';

  function resetBoard() {
    rows.clear();
    $('alerts-body').replaceChildren();
    $('feed').replaceChildren();
    $('feed-empty').hidden = false;
    renderBoard();
  }

  function renderBoard() {
    const s = latest;
    setText($('scope-name'), s ? (s.name || s.scope) : '加载中…');
    setText($('scope-id'), s ? s.scope : (viewScope || ''));
    let total = 0;
    for (const t of TIERS) {
      const n = s && s.counts ? Number(s.counts[t]) || 0 : 0;
      total += n;
      setText($('count-' + t), s ? String(n) : '–');
    }
    setText($('count-total'), s ? String(total) : '–');
    setText($('updated-at'), s ? formatTime(s.updatedAt) : '–');
    $('updated-at').setAttribute('datetime', s ? s.updatedAt : '');
    const aggregate = aggregatesOnly();
    $('aggregate-note').hidden = !aggregate;
    $('alerts-section').hidden = aggregate;
    $('feed-section').hidden = aggregate;
    if (!aggregate && s) renderAlerts(Array.isArray(s.openAlerts) ? s.openAlerts : []);
  }

  // Updates the table in place, keyed by alertId, so focus on a button survives live updates.
  function renderAlerts(list) {
    const body = $('alerts-body');
    const seen = new Set();
    list.forEach((a, i) => {
      seen.add(a.alertId);
      let entry = rows.get(a.alertId);
      if (!entry) rows.set(a.alertId, entry = { tr: el('tr'), sig: '' });
      const sig = [a.tier, a.state, a.category, a.studentName, a.studentId, a.classId, a.schoolId,
        a.districtId, a.raisedAt].join('|');
      if (entry.sig !== sig) { fillRow(entry.tr, a); entry.sig = sig; }
      const at = body.children[i];
      if (at !== entry.tr) body.insertBefore(entry.tr, at || null);
    });
    for (const [id, entry] of rows) {
      if (!seen.has(id)) { entry.tr.remove(); rows.delete(id); }
    }
    setText($('alerts-count'), String(list.length));
    $('alerts-empty').hidden = list.length > 0;
  }

  function tierBadge(tier) {
    return el('span', { class: 'tier tier-' + tier },
      tier === 'Red' ? el('span', { 'aria-hidden': 'true' }, '⚠ ') : null, TIER_ZH[tier] || String(tier));
  }

  function scopeButton(kind, id) {
    if (!id) return null;
    const label = KIND_ZH[kind];
    return el('span', { class: 'where-item' }, `${label}：`, el('button',
      { type: 'button', class: 'link', 'data-scope': `${kind}:${id}`, 'aria-label': `查看${label} ${id}` }, id));
  }

  function fillRow(tr, a) {
    const role = session ? session.role : '';
    const who = a.studentName || a.studentId;
    const button = (action, label, cls) => el('button', { type: 'button', class: cls, 'data-action': action,
      'data-alert': a.alertId, disabled: busy.has(a.alertId), 'aria-label': `${label} ${who} 的预警` }, label);
    const actions = [];
    if (ACK_ROLES.includes(role) && a.state === 'Open') actions.push(button('acknowledge', '确认', null));
    if (RESOLVE_ROLES.includes(role) && a.state !== 'Resolved') actions.push(button('resolve', '解决', 'secondary'));
    tr.className = a.tier === 'Red' ? 'row-red' : '';
    const cells = [
      el('td', {}, tierBadge(a.tier)),
      el('td', {}, el('span', { class: 'student' }, a.studentName || '—'), ' ',
        el('span', { class: 'muted' }, a.studentId || '')),
      el('td', { class: 'where' },
        scopeButton('class', a.classId), scopeButton('school', a.schoolId), scopeButton('district', a.districtId)),
      el('td', {}, CATEGORY_ZH[a.category] || String(a.category || '')),
      el('td', {}, el('span', { class: 'state state-' + a.state }, STATE_ZH[a.state] || String(a.state || ''))),
      el('td', {}, el('time', { datetime: a.raisedAt, 'data-ago': a.raisedAt, title: formatTime(a.raisedAt) },
        ago(a.raisedAt))),
      el('td', { class: 'actions' }, actions.length ? actions : el('span', { class: 'muted' }, '—'))];
    // Column names repeated on each cell for the stacked phone layout (see board.css).
    const heads = document.querySelectorAll('#alerts-section thead th');
    cells.forEach((td, i) => td.setAttribute('data-label', heads[i] ? heads[i].textContent : ''));
    tr.replaceChildren(...cells);
  }

  // Disables or enables a row's buttons in place, keeping keyboard focus where it is.
  function setBusy(alertId, on) {
    if (on) busy.add(alertId);
    else busy.delete(alertId);
    const entry = rows.get(alertId);
    if (entry) for (const b of entry.tr.querySelectorAll('button[data-action]')) b.disabled = on;
  }

  // Acknowledge or resolve. The table is not reloaded: the next live `status` updates it.
  async function act(action, alertId) {
    let body;
    if (action === 'resolve') {
      const note = window.prompt('请输入处理说明：', '');
      if (note === null) return;
      body = { note: note.trim() };
    }
    const verb = action === 'resolve' ? '解决' : '确认';
    setBusy(alertId, true);
    try {
      const r = await api('POST', `/api/alerts/${encodeURIComponent(alertId)}/${action}`, body);
      const who = r && (r.studentName || r.studentId);
      toast(`已${verb}预警${who ? '：' + who : ''}`);
    } catch (e) {
      if (e.status === 401) logout(EXPIRED_TEXT);
      else showError(`${verb}失败：${e.message}`);
    } finally {
      setBusy(alertId, false);
    }
  }

  // ---- Live feed ----
  // Drops events for a scope no longer shown (they may still be in flight after Unwatch).
  function inScope(e, scope) {
    const [kind, id] = scope.split(':');
    const field = { district: 'districtId', school: 'schoolId', class: 'classId', student: 'studentId' }[kind];
    return !field || e[field] === id;
  }

  function onAlert(e) {
    if (!e || !viewScope || aggregatesOnly() || !inScope(e, viewScope)) return;
    let change = CHANGE_ZH[e.change] || String(e.change || '');
    if (e.change === 'Escalated' && e.previousTier) {
      change += `（${TIER_ZH[e.previousTier] || e.previousTier} → ${TIER_ZH[e.tier] || e.tier}）`;
    }
    const flash = e.tier === 'Red' && (e.change === 'Raised' || e.change === 'Escalated');
    const li = el('li', { class: flash ? 'flash' : null },
      el('time', { datetime: e.updatedAt, title: formatTime(e.updatedAt) }, formatTime(e.updatedAt, true)),
      tierBadge(e.tier),
      el('span', { class: 'student' }, `${e.studentName || ''}（${e.studentId || ''}）`),
      el('span', { class: 'change change-' + e.change }, change),
      el('span', { class: 'muted' }, CATEGORY_ZH[e.category] || String(e.category || '')));
    const feed = $('feed');
    feed.prepend(li);
    while (feed.children.length > MAX_FEED) feed.lastElementChild.remove();
    $('feed-empty').hidden = true;
    if (flash) setTimeout(() => li.classList.remove('flash'), 6000);
  }

  // ---- Wiring ----
  function init() {
    $('login-form').addEventListener('submit', login);
    $('logout-btn').addEventListener('click', () => logout());
    $('scope-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      showScope($('scope-input').value);
    });
    document.addEventListener('click', (ev) => {
      const target = ev.target instanceof Element ? ev.target : null;
      if (!target || !session) return;
      const scopeBtn = target.closest('button[data-scope]');
      if (scopeBtn) {
        showScope(scopeBtn.getAttribute('data-scope'));
        $('scope-name').focus(); // the clicked button may just have been replaced
        return;
      }
      const actBtn = target.closest('button[data-action]');
      if (actBtn && !actBtn.disabled) act(actBtn.getAttribute('data-action'), actBtn.getAttribute('data-alert'));
    });
    setInterval(refreshAgo, 30000);

    session = readJson(KEY_SESSION);
    if (session && session.token && parseTime(session.expiresAt) > Date.now()) {
      start();
      return;
    }
    if (session) showError(EXPIRED_TEXT);
    session = null;
    clearStorage();
    showView('login');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
