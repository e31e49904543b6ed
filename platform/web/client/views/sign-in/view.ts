import { h } from '../../dom.ts';
import { t } from '../../i18n/i18n.ts';
import type { ViewCode } from '../view.ts';
import { passkeyButtons, passkeyMessages } from './passkeys.ts';

/** `#/sign-in`: name and password, then (with a one-time password) a new password; reloads signed in. */
export const signInView: ViewCode = {
  mount(container, { session }, params) {
    const status = h('p', { class: 'sign-in-status', role: 'status' });
    // The server sends a browser back here when signing in through the identity provider was refused.
    if (params.get('failed') === 'organisation') status.textContent = passkeyMessages.organisationFailed;
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
      { class: 'sign-in-form', 'aria-label': t('signIn.title') },
      h('label', {}, t('signIn.name'), name),
      h('label', {}, t('signIn.password'), password),
      h('button', { type: 'submit' }, t('signIn.submit')),
    );
    const current = h('input', { type: 'password', autocomplete: 'current-password', required: '' });
    const next = h('input', { type: 'password', autocomplete: 'new-password', minlength: '12', required: '' });
    const changeForm = h(
      'form',
      { class: 'sign-in-form', 'aria-label': t('signIn.choose'), hidden: '' },
      h('p', {}, t('signIn.oneTimeHint', { min: 12 })),
      h('label', {}, t('signIn.oneTime'), current),
      h('label', {}, t('signIn.newPassword'), next),
      h('button', { type: 'submit' }, t('signIn.setPassword')),
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
      h('div', { class: 'panel sign-in' }, h('h2', {}, t('signIn.title')), signInForm, changeForm, passkeys, status),
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
