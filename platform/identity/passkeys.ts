import type { DatabaseSync } from 'node:sqlite';
import type { AuthenticatorTransport, WebAuthnCredential } from '@simplewebauthn/server';

/** Passkeys one user may register (phones, laptops, security keys). */
export const PASSKEYS_PER_USER = 20;

export interface Passkey {
  readonly id: string;
  readonly user: string;
  readonly createdAt: string;
}

interface Row {
  id: string;
  user: string;
  public_key: Uint8Array;
  counter: number;
  transports: string;
  created_at: number;
}

/** Users' WebAuthn credentials: the credential id, its public key (COSE) and signature counter, in identity.db. */
export class PasskeyStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  add(user: string, credential: WebAuthnCredential, now = Date.now()): void {
    this.#db
      .prepare('INSERT INTO passkeys (id, user, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        credential.id,
        user,
        credential.publicKey,
        credential.counter,
        JSON.stringify(credential.transports ?? []),
        now,
      );
  }

  /** The credential and its owner, for verifying a sign-in. */
  find(id: string): { user: string; credential: WebAuthnCredential } | undefined {
    const row = this.#db.prepare('SELECT * FROM passkeys WHERE id = ?').get(id) as unknown as Row | undefined;
    if (row === undefined) return undefined;
    return {
      user: row.user,
      credential: {
        id: row.id,
        publicKey: new Uint8Array(row.public_key),
        counter: row.counter,
        transports: JSON.parse(row.transports) as AuthenticatorTransport[],
      },
    };
  }

  /** Records the counter a verified sign-in reported (a clone replaying an older one is then refused). */
  setCounter(id: string, counter: number): void {
    this.#db.prepare('UPDATE passkeys SET counter = ? WHERE id = ?').run(counter, id);
  }

  list(user: string): Passkey[] {
    const rows = this.#db
      .prepare('SELECT id, user, created_at FROM passkeys WHERE user = ? ORDER BY created_at')
      .all(user) as unknown as Row[];
    return rows.map((r) => ({ id: r.id, user: r.user, createdAt: new Date(r.created_at).toISOString() }));
  }

  remove(user: string, id: string): boolean {
    return Number(this.#db.prepare('DELETE FROM passkeys WHERE user = ? AND id = ?').run(user, id).changes) > 0;
  }
}
