import { h } from './dom.ts';
import { t } from './i18n/i18n.ts';
import type { Session } from './session.ts';

/** The header's identity: who is signed in (with the role) and Sign out, or a Sign in link. */
export function userMenu(session: Session): HTMLElement {
  const { me } = session;
  if (me.kind === 'anonymous') return h('a', { class: 'user-menu sign-in-link', href: '#/sign-in' }, t('user.signIn'));
  const signOut = h('button', { type: 'button', class: 'sign-out' }, t('user.signOut'));
  signOut.addEventListener('click', () => {
    session.signOut().then(
      () => {
        location.hash = '#/';
        location.reload();
      },
      (error: unknown) => {
        signOut.title = error instanceof Error ? error.message : String(error);
      },
    );
  });
  return h(
    'div',
    { class: 'user-menu' },
    h('span', { class: 'user-name' }, me.name),
    h('span', { class: 'user-role' }, me.role === null ? '' : t('user.role', { role: me.role })),
    signOut,
  );
}
