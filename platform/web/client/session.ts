import { ApiError } from './api.ts';
import { fetchKept, forgetKeptReads } from './kept-reads.ts';
import { anonymous, me, type Me } from './me.ts';

async function call(
  method: string,
  path: string,
  csrf: string | undefined,
  body?: unknown,
  type = 'application/json',
): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': type };
  // Cookie-authenticated writes carry the session's CSRF token (the server refuses them otherwise).
  if (csrf !== undefined) headers['x-csrf-token'] = csrf;
  const response = await fetchKept(path, {
    method,
    headers,
    ...(body === undefined
      ? {}
      : { body: typeof body === 'string' && type !== 'application/json' ? body : JSON.stringify(body) }),
  });
  const payload: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (!response.ok) {
    const message =
      typeof payload === 'object' && payload !== null && 'error' in payload
        ? String(payload.error)
        : `${path} answered ${String(response.status)}`;
    throw new ApiError(response.status, message, payload);
  }
  return payload;
}

/** A write to the API as the signed-in user (Session.send: the cookie plus its CSRF token). */
export type Send = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** The signed-in identity of this page (cookie session), its permissions, and the requests that change it. */
export class Session {
  #me: Me = anonymous;

  get me(): Me {
    return this.#me;
  }

  /** Whether the identity holds a permission (platform/identity/permissions.ts); hides what it may not do. */
  can(permission: string): boolean {
    return this.#me.permissions.includes(permission);
  }

  async load(): Promise<Me> {
    this.#me = me.parse(await call('GET', '/api/identity/me', undefined));
    return this.#me;
  }

  async signIn(name: string, password: string): Promise<Me> {
    this.#me = me.parse(await call('POST', '/api/identity/session', this.#me.csrf, { name, password }));
    return this.#me;
  }

  async changePassword(current: string, next: string): Promise<Me> {
    this.#me = me.parse(await call('POST', '/api/identity/password', this.#me.csrf, { current, next }));
    return this.#me;
  }

  async signOut(): Promise<void> {
    await forgetKeptReads();
    await call('DELETE', '/api/identity/session', this.#me.csrf);
    this.#me = anonymous;
  }

  /** A CSV upload on behalf of the signed-in user. */
  sendCsv(path: string, csv: string): Promise<unknown> {
    return call('POST', path, this.#me.csrf, csv, 'text/csv');
  }

  /** A write to the API on behalf of the signed-in user. */
  send(method: string, path: string, body?: unknown): Promise<unknown> {
    return call(method, path, this.#me.csrf, body);
  }
}
