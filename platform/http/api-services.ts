/**
 * Which service answers which part of the API (paths under /api), for whatever needs to name the service of a
 * request or a route: the fault injector's request fault point, the detector tier's per-service checks.
 */
export const apiServices = {
  'market-data': ['/quotes', '/history', '/symbols', '/market'],
  analytics: ['/analytics'],
  sentiment: ['/sentiment'],
  alerts: ['/incidents', '/alerts', '/silences', '/oncall', '/price-alerts'],
  detectors: ['/detectors'],
} as const satisfies Record<string, readonly string[]>;
export type ApiService = keyof typeof apiServices;

/** The service of a path under /api (`/quotes/AAPL`), or of a full route (`/api/quotes/:symbol`). */
export function serviceOfApiPath(path: string): ApiService | undefined {
  const rest = path.startsWith('/api/') ? path.slice('/api'.length) : path;
  for (const [service, prefixes] of Object.entries(apiServices) as [ApiService, readonly string[]][])
    if (prefixes.some((p) => rest === p || rest.startsWith(`${p}/`))) return service;
  return undefined;
}
