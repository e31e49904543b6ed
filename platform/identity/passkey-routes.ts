import type { Request, Router } from 'express';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { ownPeer, peerOf, type Peer } from '../http/address-key.ts';
import { HttpError } from '../http/errors.ts';
import type { ShareOutcome } from '../http/fair-share.ts';
import type { Audit } from './audit.ts';
import type { Identity } from './identity.ts';
import type { IdentityMetrics } from './metrics.ts';
import { PASSKEYS_PER_USER, type PasskeyStore } from './passkeys.ts';
import { PendingCeremonies } from './pending-ceremonies.ts';
import { principalOf } from './principal.ts';

const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\w-]*={0,2}$/, 'must be base64url');
export const credentialId = b64url(1_024);
export const registrationBody = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url(8_192),
    attestationObject: b64url(65_536),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
export const authenticationBody = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: b64url(8_192),
    authenticatorData: b64url(8_192),
    // Post-quantum ML-DSA signatures (COSE -48..-50, which Chromium's authenticators offer) run to 4,627 bytes.
    signature: b64url(8_192),
    userHandle: b64url(1_024).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

/** The refusal for an app opened at an IP address: on loopback, the same app at `localhost` works. */
export function passkeysNeedADomain(url: URL): string {
  const loopback = ipaddr.process(url.hostname.replace(/^\[|\]$/g, '')).range() === 'loopback';
  const local = new URL(url.origin);
  local.hostname = 'localhost';
  return loopback
    ? `passkeys need a domain name, not an IP address: open ${local.origin} instead`
    : 'passkeys need a domain name, not an IP address: open the app by its name (or set PUBLIC_URL)';
}

/** The challenges' life: as long as the ceremony's timeout the options give the browser. */
const CEREMONY_MS = 5 * 60_000;
/** Challenges outstanding at once, and per address (sign-in) or user (registration). */
const MAX_CHALLENGES = 10_000;
export const CHALLENGES_PER_OWNER = 32;

/**
 * Passkeys (WebAuthn, @simplewebauthn/server): a signed-in user registers one, anyone signs in with one. The relying
 * party is PUBLIC_URL's host when set, else the Host the request came to (already checked by the Host allow-list).
 */
export function passkeyRoutes(
  api: Router,
  deps: {
    identity: Identity;
    passkeys: PasskeyStore;
    audit: Audit;
    metrics: IdentityMetrics;
    publicUrl?: string;
    onCeremony?: (outcome: ShareOutcome) => void;
  },
): void {
  const { identity, passkeys, audit, metrics } = deps;
  /** Each challenge's purpose (`register:alice`, `sign-in`), single-use. */
  const challenges = new PendingCeremonies<string>(
    {
      ttlMs: CEREMONY_MS,
      max: MAX_CHALLENGES,
      perOwner: CHALLENGES_PER_OWNER,
      prefixPercent: identity.settings.prefixSharePercent,
    },
    deps.onCeremony,
  );
  const issue = (challenge: string, purpose: string, owner: Peer): void => {
    if (!challenges.add(challenge, owner, purpose))
      throw new HttpError(
        429,
        `at most ${String(CHALLENGES_PER_OWNER)} passkey ceremonies in progress at once from one address ` +
          `(and a share of ${String(MAX_CHALLENGES)} from one network); finish one or wait 5 minutes`,
      );
  };
  const consume = (challenge: string, purpose: string): boolean => challenges.take(challenge) === purpose;
  const relyingParty = (req: Request): { rpID: string; origin: string } => {
    const origin = deps.publicUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;
    const url = new URL(origin);
    // Browsers refuse an IP address as relying party ID ("127.0.0.1 is an invalid domain"): say what works instead.
    if (ipaddr.isValid(url.hostname.replace(/^\[|\]$/g, ''))) throw new HttpError(400, passkeysNeedADomain(url));
    return { rpID: url.hostname, origin: url.origin };
  };
  const user = (req: Request): string => {
    const principal = principalOf(req);
    if (principal.kind !== 'user') throw new HttpError(400, 'only a signed-in user registers passkeys');
    return principal.name;
  };
  /** The library's verification errors (wrong challenge, origin, RP ID, signature, counter) become 400s. */
  const verified = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new HttpError(400, `passkey not accepted: ${error instanceof Error ? error.message : 'invalid'}`);
    }
  };

  api.get('/identity/passkeys', (req, res) => {
    res.json({ passkeys: passkeys.list(user(req)) });
  });
  api.delete('/identity/passkeys/:id', async (req, res) => {
    const name = user(req);
    const id = credentialId.parse(req.params.id);
    if (!passkeys.remove(name, id)) throw new HttpError(404, 'no such passkey');
    await audit(`user:${name}`, 'passkey.remove', `user/${name}`);
    res.status(204).end();
  });

  api.post('/identity/passkeys/registration/options', async (req, res) => {
    const name = user(req);
    const mine = passkeys.list(name);
    if (mine.length >= PASSKEYS_PER_USER)
      throw new HttpError(409, `at most ${String(PASSKEYS_PER_USER)} passkeys per user`);
    const options = await generateRegistrationOptions({
      rpName: 'InsiteChart',
      rpID: relyingParty(req).rpID,
      userName: name,
      timeout: CEREMONY_MS,
      excludeCredentials: mine.map((p) => ({ id: p.id })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    issue(options.challenge, `register:${name}`, ownPeer(`user:${name}`));
    res.json(options);
  });
  api.post('/identity/passkeys/registration', async (req, res) => {
    const name = user(req);
    const response = registrationBody.parse(req.body) as RegistrationResponseJSON;
    const { rpID, origin } = relyingParty(req);
    const result = await verified(() =>
      verifyRegistrationResponse({
        response,
        expectedChallenge: (c) => consume(c, `register:${name}`),
        expectedOrigin: origin,
        expectedRPID: rpID,
        requireUserVerification: false,
      }),
    );
    if (!result.verified) throw new HttpError(400, 'passkey not accepted');
    if (passkeys.find(result.registrationInfo.credential.id) !== undefined)
      throw new HttpError(409, 'this passkey is already registered');
    passkeys.add(name, result.registrationInfo.credential);
    await audit(`user:${name}`, 'passkey.register', `user/${name}`);
    res.status(201).json({ id: result.registrationInfo.credential.id });
  });

  api.post('/identity/passkeys/authentication/options', async (req, res) => {
    const options = await generateAuthenticationOptions({
      rpID: relyingParty(req).rpID,
      timeout: CEREMONY_MS,
      userVerification: 'preferred',
    });
    issue(options.challenge, 'sign-in', peerOf(req.ip ?? req.socket.remoteAddress));
    res.json(options);
  });
  api.post('/identity/passkeys/authentication', async (req, res) => {
    const response = authenticationBody.parse(req.body) as AuthenticationResponseJSON;
    const stored = passkeys.find(response.id);
    const account = stored === undefined ? undefined : identity.users.get(stored.user);
    if (stored === undefined || account === undefined) {
      metrics.signIns.inc({ outcome: 'rejected' });
      throw new HttpError(401, 'unknown passkey');
    }
    const { rpID, origin } = relyingParty(req);
    const result = await verified(() =>
      verifyAuthenticationResponse({
        response,
        expectedChallenge: (c) => consume(c, 'sign-in'),
        expectedOrigin: origin,
        expectedRPID: rpID,
        credential: stored.credential,
        requireUserVerification: false,
      }),
    ).catch((error: unknown) => {
      metrics.signIns.inc({ outcome: 'rejected' });
      throw error;
    });
    if (!result.verified) throw new HttpError(401, 'passkey not accepted');
    passkeys.setCounter(stored.credential.id, result.authenticationInfo.newCounter);
    metrics.signIns.inc({ outcome: 'success' });
    const { id, session } = identity.sessions.create(account.name);
    await audit(`user:${account.name}`, 'identity.sign-in', `user/${account.name}`, {
      method: 'passkey',
      address: req.ip ?? 'unknown',
    });
    res.setHeader('Set-Cookie', identity.sessionCookie(id));
    res.json({ name: account.name, role: account.role, csrf: session.csrf });
  });
}
