// Sign-in: user name and password, labelled, usable with the keyboard alone.
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { api, ApiError, describe } from '../api.js';
import * as session from '../session.js';

export function renderLogin(main, { onSignedIn }) {
  const message = el('p', { class: 'form-error', role: 'alert', id: 'login-error' });
  const user = el('input', { id: 'login-user', name: 'userId', autocomplete: 'username', autocapitalize: 'off', spellcheck: 'false', required: true });
  const password = el('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const button = el('button', { type: 'submit', class: 'primary' }, t('login.submit'));
  const form = el('form', { class: 'stack', novalidate: true, 'aria-describedby': 'login-error' },
    el('label', { for: 'login-user' }, t('login.user')), user,
    el('label', { for: 'login-password' }, t('login.password')), password,
    button, message);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.textContent = '';
    if (!user.value.trim() || !password.value) {
      message.textContent = t('login.failed');
      return;
    }
    button.disabled = true;
    button.textContent = t('login.busy');
    try {
      const userId = user.value.trim();
      const { body } = await api('POST', '/api/auth/token', { userId, password: password.value }, { token: '' });
      onSignedIn(session.signIn(userId, body));
    } catch (error) {
      message.textContent = error instanceof ApiError && error.status === 401 ? t('login.failed') : describe(error);
      button.disabled = false;
      button.textContent = t('login.submit');
      password.select();
    }
  });

  main.append(el('section', { class: 'panel narrow', 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, t('login.title')), form));
  if (!user.value) user.focus();
  return () => {};
}
