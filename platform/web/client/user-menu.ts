import { h } from './dom.ts';
import type { Session } from './session.ts';

/** The header's identity: who is signed in (with the role) and Sign out, or a Sign in link. */
export function userMenu(session: Session): HTMLElement {
  const { me } = session;
  if (me.kind === 'anonymous') return h('a', { class: 'user-menu sign-in-link', href: '#/sign-in' }, 'Sign in');
  const signOut = h('button', { type: 'button', class: 'sign-out' }, 'Sign out');
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
    h('span', { class: 'user-name', title: me.role ?? '' }, me.name),
    h('span', { class: 'user-role' }, me.role ?? ''),
    signOut,
  );
}
