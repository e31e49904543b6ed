import { AsyncLocalStorage } from 'node:async_hooks';
import type { Permission, Role } from './permissions.ts';

/** Who is making a request, as established by authentication. */
export interface Principal {
  readonly kind: 'user' | 'token' | 'anonymous';
  /** The user's or token's name; 'anonymous'. */
  readonly name: string;
  readonly role?: Role;
  /** What the audit log and events record: `user:alice`, `token:alertmanager`, `anonymous`. */
  readonly actor: string;
  readonly permissions: ReadonlySet<Permission>;
  /** The cookie session the request came with: its id (to sign out) and CSRF token. */
  readonly session?: { readonly id: string; readonly csrf: string };
  /** A user signed in with a one-time password may only change it. */
  readonly mustChangePassword: boolean;
}

/**
 * Where a request carries its principal: a property only this module knows. A WeakMap keyed by short-lived requests
 * costs about 0.35 us per entry with the collections it adds (ephemerons), against a few ns for the property.
 */
const PRINCIPAL = Symbol('principal');
type Carrier = object & { [PRINCIPAL]?: Principal };
const current = new AsyncLocalStorage<Principal>();

/** Attaches the principal to the request and runs the rest of its handling with it as the current actor. */
export function runAs(request: object, principal: Principal, next: () => void): void {
  (request as Carrier)[PRINCIPAL] = principal;
  current.run(principal, next);
}

/** The authenticated principal of a request that passed the access middleware. */
export function principalOf(request: object): Principal {
  const principal = (request as Carrier)[PRINCIPAL];
  if (principal === undefined) throw new Error('request did not pass the access middleware');
  return principal;
}

/** The actor of the request being handled, for events published on its behalf; undefined outside a request. */
export function currentActor(): string | undefined {
  return current.getStore()?.actor;
}
