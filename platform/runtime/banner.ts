/** The start-up banner: what a person starting the platform needs first, the URLs, one per line. */
export function startupBanner(url: string, services: readonly string[], bus: string, dataDir: string): string {
  const ws = url.replace(/^http/, 'ws');
  const lines: [string, string][] = [
    ...(services.includes('web') ? [['web app', `${url}/`] as [string, string]] : []),
    ['REST API', `${url}/api  (OpenAPI ${url}/api/openapi.json)`],
    ['live quotes', `${ws}/ws`],
    ['probes', `${url}/healthz  ${url}/readyz`],
    ['metrics', `${url}/metrics`],
  ];
  if (services.includes('otlp-receiver')) lines.push(['OTLP/HTTP', `${url}/v1/metrics  /v1/traces  /v1/logs`]);
  lines.push(['services', services.join(', ')], ['backbone', bus], ['data', dataDir]);
  const width = Math.max(...lines.map(([k]) => k.length));
  return [`InsiteChart is up at ${url}/`, ...lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), ''].join('\n');
}
