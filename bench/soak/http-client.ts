/**
 * The soak's HTTP client: every request to the platform goes through here, so credentials are added in one
 * place (`SOAK_TOKEN`, sent as a bearer token once /api routes require an identity) and every outcome is counted.
 */
export interface Outcomes {
  /** Requests answered 2xx, by route. */
  readonly ok: Map<string, number>;
  /** Requests answered otherwise or failed on the network, by route (never acknowledged, so never lost). */
  readonly failed: Map<string, number>;
  /** The last failure seen, for the report. */
  lastFailure?: string;
}

export interface SoakClient {
  readonly base: string;
  readonly outcomes: Outcomes;
  readonly headers: Readonly<Record<string, string>>;
  /** POSTs JSON; resolves to the parsed answer of a 2xx, or undefined (counted as failed). */
  postJson(route: string, body: unknown): Promise<unknown>;
  /** GETs text (no counting: used for /metrics). */
  getText(path: string): Promise<string>;
}

const bump = (map: Map<string, number>, key: string): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};

export function soakClient(base: string, token = process.env.SOAK_TOKEN): SoakClient {
  const headers: Record<string, string> =
    token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` };
  const outcomes: Outcomes = { ok: new Map(), failed: new Map() };
  return {
    base,
    outcomes,
    headers,
    async postJson(route, body) {
      try {
        const res = await fetch(`${base}${route}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        if (!res.ok) {
          bump(outcomes.failed, route);
          outcomes.lastFailure = `${route} ${String(res.status)} ${text.slice(0, 200)}`;
          return undefined;
        }
        bump(outcomes.ok, route);
        return text === '' ? {} : (JSON.parse(text) as unknown);
      } catch (error) {
        bump(outcomes.failed, route);
        outcomes.lastFailure = `${route} ${String(error)}`;
        return undefined;
      }
    },
    async getText(path) {
      const res = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(30_000) });
      if (!res.ok) throw new Error(`GET ${path}: ${String(res.status)}`);
      return res.text();
    },
  };
}
