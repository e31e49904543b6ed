import { Identity } from '../identity/identity.ts';
import { roles, type Role } from '../identity/permissions.ts';
import { loadIdentitySettings } from '../identity/settings.ts';

/** One API token per role, for tests to act as that role. */
export type TestCredentials = Readonly<Record<Role, string>>;

/**
 * Creates a test API token for every role in the identity database of `dataDir` (the same one the platform and
 * `npm run token` use), so a platform started on that directory, in this process or another, accepts them.
 */
export function provisionTestCredentials(dataDir: string): TestCredentials {
  const identity = new Identity(dataDir, loadIdentitySettings({}));
  try {
    return credentialsFor(identity);
  } finally {
    identity.close();
  }
}

/** Test tokens for every role from a running platform's identity store. */
export function credentialsFor(identity: Identity): TestCredentials {
  return Object.fromEntries(
    roles.map((role) => [role, identity.tokens.create(`test-${role}`, role, 1).secret]),
  ) as Record<Role, string>;
}
