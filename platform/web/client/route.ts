/** Hash routes: `#/<view id>?<params>`. */
export interface Route {
  readonly id: string;
  readonly params: URLSearchParams;
}

/**
 * `#/markets?s=AAPL` -> { id: 'markets', params: s=AAPL }; `#/incidents/abc` -> { id: 'incidents', params: path=abc };
 * anything else -> the default view.
 */
export function parseRoute(hash: string, views: readonly { readonly id: string }[]): Route {
  const match = /^#\/([a-z0-9-]+)(?:\/([^?/]+))?(?:\?(.*))?$/.exec(hash);
  const id = match?.[1];
  const known = views.find((v) => v.id === id) ?? views[0];
  if (known === undefined) throw new Error('the app has no views');
  const params = new URLSearchParams(known.id === id ? (match?.[3] ?? '') : '');
  const path = match?.[2];
  if (known.id === id && path !== undefined) params.set('path', safeDecode(path));
  return { id: known.id, params };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function routeHash(id: string, params: URLSearchParams): string {
  const query = params.toString();
  return `#/${id}${query === '' ? '' : `?${query}`}`;
}
