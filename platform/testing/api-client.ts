import type { Role } from '../identity/permissions.ts';
import type { TestCredentials } from './credentials.ts';

/**
 * Calls a running test platform's HTTP API. Tests go through this one function so that credentials are added
 * in one place: it presents the platform's test token for `as` (a role).
 */
export interface ApiTarget {
  readonly url: string;
  /** The tokens startTestPlatform (or provisionTestCredentials) made; without them requests go anonymous. */
  readonly credentials?: TestCredentials;
}

export interface ApiRequestInit extends RequestInit {
  /** The role the request acts as; absent: admin. `'anonymous'` sends no credentials; `{ token }` that token. */
  readonly as?: Role | 'anonymous' | { readonly token: string };
}

export function apiFetch(target: ApiTarget, path: string, init: ApiRequestInit = {}): Promise<Response> {
  const { as = 'admin', ...request } = init;
  const token = typeof as === 'object' ? as.token : as === 'anonymous' ? undefined : target.credentials?.[as];
  if (token !== undefined) {
    const headers = new Headers(request.headers);
    headers.set('authorization', `Bearer ${token}`);
    request.headers = headers;
  }
  return fetch(`${target.url}${path}`, request);
}

/** apiFetch with an optional JSON body (`json`): the status and the parsed JSON answer (undefined when empty). */
export async function apiJson(
  target: ApiTarget,
  path: string,
  init: ApiRequestInit & { json?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const { json, ...rest } = init;
  const res = await apiFetch(target, path, {
    ...rest,
    ...(json === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}
