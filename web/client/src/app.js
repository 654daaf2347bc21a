// MonitorGrid's browser app: a shell (header, navigation, language switch) and the screens chosen by the URL
// hash: #/login, #/observe, #/board/{scope}, #/student/{id}, #/follow-ups/{scope}, #/mentoring/{scope},
// #/report/{scope}, #/imports.
import { el, $, fill } from './dom.js';
import { t, label, setLanguage, otherLanguage, onLanguageChange, language } from './i18n.js';
import * as session from './session.js';
import { onSessionExpired } from './api.js';
import * as outbox from './outbox.js';
import { renderLogin } from './views/login.js';
import { renderObserve } from './views/observe.js';
import { renderBoard } from './views/board.js';
import { renderArchive } from './views/archive.js';
import { renderFollowUps } from './views/followups.js';
import { renderMentoring } from './views/mentoring.js';
import { renderReport } from './views/report.js';
import { renderImports } from './views/imports.js';

// The list screens: route prefix → render(main, { session, scope, toast, showError }).
const LIST_SCREENS = { '#/follow-ups/': renderFollowUps, '#/mentoring/': renderMentoring, '#/report/': renderReport };

let dispose = null;
let flash = ''; // an error to show on the next screen (e.g. why the user is back at sign-in)
let toastTimer = 0;

/** Where a user lands: boards for those who may read them, the form for the rest. */
export function homeOf(s) {
  return s && session.canReadBoards(s.role) ? `#/board/${s.scope}` : '#/observe';
}

export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/** A short message for everyone, screen readers included (role=status). */
export function toast(text) {
  const node = $('toast');
  node.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.textContent = ''; }, 8000);
}

/** An error that stays until the next screen (role=alert). */
export function showError(text) {
  const node = $('error');
  node.textContent = text || '';
  node.hidden = !text;
}

function shell() {
  const s = session.current();
  document.title = t('app.title');
  fill($('skip'), t('app.skip'));
  fill($('app-title'), t('app.title'));
  const nav = $('nav');
  const pending = outbox.pendingCount();
  const links = [];
  if (s) {
    const navLink = (href, prefix, ...kids) => el('a', { href, 'aria-current': location.hash.startsWith(prefix) ? 'page' : null }, ...kids);
    links.push(navLink('#/observe', '#/observe', t('nav.observe'), pending ? el('span', { class: 'badge', 'aria-label': t('outbox.title', { n: pending }) }, String(pending)) : null));
    const link = (prefix, key) => navLink(`${prefix}${s.scope}`, prefix, t(key));
    if (session.canReadBoards(s.role)) links.push(link('#/board/', 'nav.board'));
    // The lists of the user's own unit: a district, school or class, never the whole city.
    if (session.canReadCaseLists(s.role) && s.scope !== 'city') {
      links.push(link('#/follow-ups/', 'followUps.title'), link('#/mentoring/', 'mentoring.title'));
    }
    if (session.canReadReports(s.role)) links.push(link('#/report/', 'report.title'));
    if (session.importKinds(s.role).length) {
      links.push(navLink('#/imports', '#/imports', t('nav.imports')));
    }
  }
  fill(nav, links.length ? el('ul', {}, links.map((a) => el('li', {}, a))) : null);
  nav.setAttribute('aria-label', t('nav.main'));
  nav.hidden = !links.length;

  fill($('who'), s
    ? [el('span', { class: 'who-text', title: t('who.label') }, t('who.text', { user: s.userId, role: label('role', s.role), scope: s.scope })),
      el('button', { type: 'button', class: 'link-button', onclick: () => { session.signOut(); go('#/login'); } }, t('nav.logout'))]
    : []);
  const switcher = $('lang');
  switcher.textContent = t('lang.switch');
  switcher.title = t('lang.switchLabel');
  switcher.lang = otherLanguage();
}

async function route() {
  const hash = location.hash || '#/';
  const s = session.current();
  showError(flash);
  flash = '';
  if (dispose) { const d = dispose; dispose = null; await d(); }
  shell();
  const main = $('main');
  main.replaceChildren();
  main.setAttribute('aria-busy', 'true');

  if (!s) {
    if (!hash.startsWith('#/login')) { history.replaceState(null, '', '#/login'); }
    dispose = renderLogin(main, { onSignedIn: (signed) => { outbox.flush(); go(homeOf(signed)); } });
  } else if (hash.startsWith('#/observe')) {
    dispose = renderObserve(main, { session: s, toast, showError });
  } else if (hash.startsWith('#/board/')) {
    const scope = decodeURIComponent(hash.slice('#/board/'.length));
    dispose = renderBoard(main, { session: s, scope, toast, showError, go });
  } else if (Object.keys(LIST_SCREENS).some((p) => hash.startsWith(p))) {
    const prefix = Object.keys(LIST_SCREENS).find((p) => hash.startsWith(p));
    const scope = decodeURIComponent(hash.slice(prefix.length));
    dispose = LIST_SCREENS[prefix](main, { session: s, scope, toast, showError });
  } else if (hash.startsWith('#/imports')) {
    dispose = renderImports(main, { session: s, toast, showError });
  } else if (hash.startsWith('#/student/')) {
    const id = decodeURIComponent(hash.slice('#/student/'.length));
    dispose = renderArchive(main, { session: s, studentId: id, toast, showError });
  } else {
    history.replaceState(null, '', homeOf(s));
    return route();
  }
  main.removeAttribute('aria-busy');
  // Move focus to the new screen's heading so keyboard and screen-reader users start there.
  const heading = main.querySelector('h1, h2');
  if (heading && document.activeElement === document.body) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
}

function boot() {
  document.documentElement.lang = language();
  $('lang').addEventListener('click', () => setLanguage(otherLanguage()));
  onLanguageChange(() => route());
  window.addEventListener('hashchange', () => route());
  onSessionExpired(() => {
    session.signOut();
    flash = t('login.expired');
    go('#/login');
  });
  outbox.onChange(() => shell());
  outbox.start();
  // Keeps the shell on the device so the form opens without network (needs HTTPS, or localhost).
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  route();
}

boot();
