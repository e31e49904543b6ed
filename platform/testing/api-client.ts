/**
 * Calls a running test platform's HTTP API. Tests go through this one function so that credentials are added
 * in one place: once routes require an identity, it presents the platform's test credentials for `as` (a role).
 */
export interface ApiTarget {
  readonly url: string;
}

export interface ApiRequestInit extends RequestInit {
  /** The role the request acts as; absent: the most privileged test identity. `'anonymous'` sends no credentials. */
  readonly as?: string;
}

export function apiFetch(target: ApiTarget, path: string, init: ApiRequestInit = {}): Promise<Response> {
  const request: RequestInit = { ...init };
  delete (request as { as?: string }).as;
  return fetch(`${target.url}${path}`, request);
}
