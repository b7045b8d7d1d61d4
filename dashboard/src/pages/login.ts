/** The login page: username and password, exchanged for tokens by the session. */
import { h } from '../dom.js';
import { noticeArea } from '../components/notice.js';
import type { PageContext } from '../page-context.js';

/** Renders the login form; on success goes to `next` (a hash path) or the overview. */
export function loginPage(ctx: PageContext): void {
  const notice = noticeArea();
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, maxlength: 64 });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 });
  const submit = h('button', { type: 'submit' }, 'Log in');
  const form = h(
    'form',
    { class: 'login-form', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Log in to Sawmill'),
    h('label', { for: 'login-username' }, 'Username'),
    username,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    submit,
    notice.element,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    notice.show('info', 'Logging in…');
    ctx.session
      .login(username.value.trim(), password.value)
      .then((problem) => {
        if (problem !== undefined) {
          notice.show('error', problem);
          password.select();
          return;
        }
        const next = ctx.query.get('next');
        // Only a path inside this app: never an absolute URL handed in through the link.
        ctx.navigate(next !== null && /^\/[A-Za-z0-9/_?=&%.,:-]*$/.test(next) && !next.startsWith('/login') ? `#${next}` : '#/overview');
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  ctx.root.appendChild(h('section', { class: 'login' }, form));
  username.focus();
}
