import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { h } from '../../dom.ts';
import type { Session } from '../../session.ts';

/** The passkey part of the sign-in view's strings, in one place for the locale files. */
export const passkeyMessages = {
  signIn: 'Sign in with a passkey',
  register: 'Add a passkey on this device',
  registered: 'Passkey added: next time you can sign in with it.',
  unsupported: 'This browser does not support passkeys.',
} as const;

/** Signs in with a passkey this device holds (the server's options, the browser's ceremony, the server's check). */
async function signInWithPasskey(session: Session): Promise<void> {
  const optionsJSON = (await session.send(
    'POST',
    '/api/identity/passkeys/authentication/options',
    {},
  )) as PublicKeyCredentialRequestOptionsJSON;
  await session.send('POST', '/api/identity/passkeys/authentication', await startAuthentication({ optionsJSON }));
}

/** Registers a passkey on this device for the signed-in user. */
async function registerPasskey(session: Session): Promise<void> {
  const optionsJSON = (await session.send(
    'POST',
    '/api/identity/passkeys/registration/options',
    {},
  )) as PublicKeyCredentialCreationOptionsJSON;
  await session.send('POST', '/api/identity/passkeys/registration', await startRegistration({ optionsJSON }));
}

/**
 * The passkey buttons: "sign in with a passkey" for visitors, "add a passkey" for a signed-in user; `done` after a
 * sign-in, `report` for errors and notices.
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
  return h('div', { class: 'sign-in-passkey' }, signIn);
}
