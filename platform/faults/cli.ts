/**
 * `npm run fault -- inject KIND [--service S] [--duration 60s] [--intensity N] [--max-bytes N]`, `list`,
 * `clear [ID]`: the fault injector of a running platform, through its API. The platform's address comes from
 * `INSITECHART_URL` (default http://localhost:$PORT, PORT 8080) and the credentials from `INSITECHART_TOKEN`
 * (an API token with the sre role: `npm run token -- create --name chaos --role sre`).
 */
import { parseArgs } from 'node:util';
import { faultKinds } from './kinds.ts';

const usage = `usage: npm run fault -- inject KIND [--service S] [--duration 60s] [--intensity N] [--max-bytes N]
       npm run fault -- list
       npm run fault -- clear [ID]      (every fault without ID)
kinds: ${faultKinds.join(', ')}
env:   INSITECHART_URL (default http://localhost:8080), INSITECHART_TOKEN (an sre token)`;

export interface CliRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: Record<string, unknown>;
}

/** The API call a command line asks for, or a usage error (thrown as a string). */
export function requestFor(argv: readonly string[]): CliRequest {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      service: { type: 'string' },
      duration: { type: 'string' },
      intensity: { type: 'string' },
      'max-bytes': { type: 'string' },
    },
  });
  const [command, target, ...rest] = positionals;
  if (rest.length > 0) throw new Error(`unexpected ${rest.join(' ')}`);
  if (command === 'list' && target === undefined) return { method: 'GET', path: '/api/faults' };
  if (command === 'clear')
    return {
      method: 'DELETE',
      path: target === undefined ? '/api/faults' : `/api/faults/${encodeURIComponent(target)}`,
    };
  if (command === 'inject' && target !== undefined) {
    const body: Record<string, unknown> = { kind: target };
    if (values.service !== undefined) body.service = values.service;
    if (values.duration !== undefined) body.duration = values.duration;
    if (values.intensity !== undefined) body.intensity = Number(values.intensity);
    if (values['max-bytes'] !== undefined) body.maxBytes = Number(values['max-bytes']);
    return { method: 'POST', path: '/api/faults', body };
  }
  throw new Error(command === undefined ? 'a command is needed' : `cannot ${command} like that`);
}

async function main(argv: readonly string[]): Promise<number> {
  let request: CliRequest;
  try {
    request = requestFor(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  const base = process.env.INSITECHART_URL ?? `http://localhost:${process.env.PORT ?? '8080'}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (process.env.INSITECHART_TOKEN !== undefined) headers.authorization = `Bearer ${process.env.INSITECHART_TOKEN}`;
  const res = await fetch(new URL(request.path, base), {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  process.stdout.write(`${await res.text()}\n`);
  return res.ok ? 0 : 1;
}

if (import.meta.main)
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`cannot reach the platform: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
