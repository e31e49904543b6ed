import { h } from '../../dom.ts';
import type { View } from '../view.ts';
import { passkeyButtons } from './passkeys.ts';

/** `#/sign-in`: name and password, then (with a one-time password) a new password; reloads signed in. */
export const signInView: View = {
  id: 'sign-in',
  title: 'Sign in',
  inNavigation: false,
  mount(container, { session }) {
    const status = h('p', { class: 'sign-in-status', role: 'status' });
    const report = (notice: unknown): void => {
      status.textContent = notice instanceof Error ? notice.message : String(notice);
    };
    // A full reload opens the market WebSocket again, now with the session cookie.
    const done = (): void => {
      location.hash = '#/';
      location.reload();
    };

    const name = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: '' });
    const password = h('input', {
      type: 'password',
      name: 'password',
      autocomplete: 'current-password',
      required: '',
    });
    const signInForm = h(
      'form',
      { class: 'sign-in-form', 'aria-label': 'Sign in' },
      h('label', {}, 'Name', name),
      h('label', {}, 'Password', password),
      h('button', { type: 'submit' }, 'Sign in'),
    );
    const current = h('input', { type: 'password', autocomplete: 'current-password', required: '' });
    const next = h('input', { type: 'password', autocomplete: 'new-password', minlength: '12', required: '' });
    const changeForm = h(
      'form',
      { class: 'sign-in-form', 'aria-label': 'Choose a new password', hidden: '' },
      h('p', {}, 'You signed in with a one-time password: choose your own (12 characters or more).'),
      h('label', {}, 'One-time password', current),
      h('label', {}, 'New password', next),
      h('button', { type: 'submit' }, 'Set password'),
    );

    signInForm.addEventListener('submit', (event) => {
      event.preventDefault();
      session.signIn(name.value.trim(), password.value).then((me) => {
        if (!me.mustChangePassword) {
          done();
          return;
        }
        current.value = password.value;
        signInForm.hidden = true;
        changeForm.hidden = false;
        status.textContent = '';
      }, report);
    });
    changeForm.addEventListener('submit', (event) => {
      event.preventDefault();
      session.changePassword(current.value, next.value).then(done, report);
    });

    const passkeys = passkeyButtons(session, done, report);
    container.append(
      h('div', { class: 'panel sign-in' }, h('h2', {}, 'Sign in'), signInForm, changeForm, passkeys, status),
    );
    if (session.me.kind === 'user' && session.me.mustChangePassword) {
      signInForm.hidden = true;
      changeForm.hidden = false;
      passkeys.hidden = true;
    }
    return {
      unmount() {
        container.replaceChildren();
      },
    };
  },
};
