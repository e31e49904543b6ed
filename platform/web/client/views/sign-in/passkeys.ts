import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { h } from '../../dom.ts';
import { t } from '../../i18n/i18n.ts';
import type { Session } from '../../session.ts';

/** The passkey and organisation (OIDC) sign-in strings, from the locale files (group `signIn.passkey`). */
export const passkeyMessages = {
  signIn: t('signIn.passkey.signIn'),
  register: t('signIn.passkey.register'),
  registered: t('signIn.passkey.registered'),
  unsupported: t('signIn.passkey.unsupported'),
  organisation: t('signIn.passkey.organisation'),
  organisationFailed: t('signIn.passkey.organisationFailed'),
} as const;

/** One WebAuthn ceremony: the server's options, the browser's answer to them, the server's check of it. */
async function ceremony(session: Session, path: string, answer: (options: unknown) => Promise<unknown>): Promise<void> {
  const options = await session.send('POST', `${path}/options`, {});
  await session.send('POST', path, await answer(options));
}

/** Signs in with a passkey this device holds. */
const signInWithPasskey = (session: Session): Promise<void> =>
  ceremony(session, '/api/identity/passkeys/authentication', (options) =>
    startAuthentication({ optionsJSON: options as PublicKeyCredentialRequestOptionsJSON }),
  );

/** Registers a passkey on this device for the signed-in user. */
const registerPasskey = (session: Session): Promise<void> =>
  ceremony(session, '/api/identity/passkeys/registration', (options) =>
    startRegistration({ optionsJSON: options as PublicKeyCredentialCreationOptionsJSON }),
  );

/**
 * The passkey buttons: "sign in with a passkey" (and, when offered, "sign in with your organisation") for visitors,
 * "add a passkey" for a signed-in user; `done` after a sign-in, `report` for errors and notices.
 */
export function passkeyButtons(session: Session, done: () => void, report: (message: unknown) => void): HTMLElement {
  if (!browserSupportsWebAuthn()) return h('p', { class: 'sign-in-passkey' }, passkeyMessages.unsupported);
  if (session.me.kind === 'user' && !session.me.mustChangePassword) {
    const add = h('button', { type: 'button' }, passkeyMessages.register);
    add.addEventListener('click', () => {
      registerPasskey(session).then(() => {
        report(passkeyMessages.registered);
      }, report);
    });
    return h('div', { class: 'sign-in-passkey' }, add);
  }
  const signIn = h('button', { type: 'button' }, passkeyMessages.signIn);
  signIn.addEventListener('click', () => {
    signInWithPasskey(session).then(done, report);
  });
  // OpenID Connect is a full-page round trip through the provider, which sends the browser back signed in.
  const organisation =
    session.me.oidc === true ? [h('a', { href: '/api/identity/oidc/start' }, passkeyMessages.organisation)] : [];
  return h('div', { class: 'sign-in-passkey' }, signIn, ...organisation);
}
