import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Transport } from './yahoo-source.ts';

/** Recorded Yahoo Finance responses, copied unchanged from ../shared/data/market/yahoo (see recordings/README.md). */
export const RECORDINGS_DIR = fileURLToPath(new URL('./recordings/', import.meta.url));

export function recording(name: string): unknown {
  return JSON.parse(readFileSync(`${RECORDINGS_DIR}${name}`, 'utf8'));
}

export interface RecordedTransport {
  readonly transport: Transport;
  /** Every URL requested, in order. */
  readonly calls: string[];
}

/**
 * A stand-in for the network, for tests: answers the library's crumb handshake (a cookie, then a crumb)
 * and serves the data endpoints from `answer`, which gets the URL and returns a status and a JSON body
 * (recorded bodies, possibly edited for a scenario). Everything above the transport is the real library.
 */
export function recordedTransport(answer: (url: URL) => { status: number; body: unknown }): RecordedTransport {
  const calls: string[] = [];
  const transport = ((input: string | URL | Request): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    calls.push(url.href);
    if (url.hostname === 'finance.yahoo.com') {
      return Promise.resolve(
        new Response('', {
          status: 200,
          headers: { 'set-cookie': 'A3=d=recorded; Max-Age=31557600; Domain=.yahoo.com; Path=/; Secure' },
        }),
      );
    }
    if (url.pathname === '/v1/test/getcrumb') return Promise.resolve(new Response('recorded-crumb', { status: 200 }));
    const { status, body } = answer(url);
    return Promise.resolve(
      new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  }) as Transport;
  return { transport, calls };
}

/** The data requests among `calls` (not the crumb handshake). */
export function dataCalls(calls: readonly string[]): string[] {
  return calls.filter((c) => c.includes('/v7/finance/quote') || c.includes('/v8/finance/chart'));
}
