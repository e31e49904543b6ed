import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, isIP, type LookupFunction, type Socket } from 'node:net';
import type { AddressPolicy } from './address-policy.ts';

/** The destination is not one outbound calls may reach (or not an http(s) URL): retrying cannot help. */
export class DestinationRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRefusedError';
  }
}

/** The call could not be made: the same message for a refused, reset, unresolvable or silent destination. */
export class DestinationUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationUnreachableError';
  }
}

/** What may be logged of a URL: scheme, host and port. Paths, queries and user info often carry secrets. */
export function redactUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * A DNS lookup for net.connect that fails unless every address the name resolves to passes the policy, and hands
 * the socket exactly the checked addresses: nothing resolves the name again between the check and the connect.
 */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) {
        callback(error, '', 4);
        return;
      }
      const refused = addresses.find((a) => !policy.permits(a.address));
      if (refused !== undefined || addresses.length === 0) {
        callback(
          Object.assign(new DestinationRefusedError('destination address not allowed'), { code: 'EREFUSEDDEST' }),
          '',
          4,
        );
        return;
      }
      if (options.all === true) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    });
  };
}

export interface OutboundRequest {
  readonly method: 'POST' | 'PUT';
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
  readonly signal: AbortSignal;
}

/**
 * Sends one request to a destination the policy permits and answers its status; the response body is read and
 * discarded (never shown to whoever chose the URL), redirects are not followed. Error messages name only the
 * destination's origin.
 */
export function outboundRequest(policy: AddressPolicy, url: string, init: OutboundRequest): Promise<number> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new DestinationRefusedError('not a valid URL'));
  }
  const origin = target.origin;
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    return Promise.reject(new DestinationRefusedError(`${target.protocol} URLs are not allowed`));
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  // net.connect skips the lookup for an IP literal, so a literal is checked here.
  if (isIP(literal) !== 0 && !policy.permits(literal))
    return Promise.reject(new DestinationRefusedError(`${origin}: destination address not allowed`));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = send(
      target,
      { method: init.method, headers: init.headers, signal: init.signal, lookup: guardedLookup(policy) },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(res.statusCode ?? 0);
        });
        res.on('error', () => {
          reject(new DestinationUnreachableError(`${origin}: the connection failed`));
        });
      },
    );
    req.on('error', (error: Error & { code?: string }) => {
      if (init.signal.aborted) reject(new DestinationUnreachableError(`${origin}: timed out`));
      else if (error.code === 'EREFUSEDDEST')
        reject(new DestinationRefusedError(`${origin}: destination address not allowed`));
      else reject(new DestinationUnreachableError(`${origin}: could not connect`));
    });
    req.end(init.body);
  });
}

/**
 * A TCP connection to `host:port` (an SMTP server, say) when the policy permits every address the name resolves to
 * (an IP literal is checked as is); rejects with DestinationRefusedError otherwise, DestinationUnreachableError when
 * nothing answers. The socket is handed over connected, for the caller's protocol (nodemailer's `getSocket`).
 */
export function guardedConnect(
  policy: AddressPolicy,
  host: string,
  port: number,
  signal?: AbortSignal,
): Promise<Socket> {
  const where = `${host}:${String(port)}`;
  const literal = host.replace(/^\[|\]$/g, '');
  if (isIP(literal) !== 0 && !policy.permits(literal))
    return Promise.reject(new DestinationRefusedError(`${where}: destination address not allowed`));
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host: literal, port, lookup: guardedLookup(policy), ...(signal ? { signal } : {}) });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: Error & { code?: string }) => {
      socket.destroy();
      if (error.code === 'EREFUSEDDEST')
        reject(new DestinationRefusedError(`${where}: destination address not allowed`));
      else reject(new DestinationUnreachableError(`${where}: could not connect`));
    });
  });
}
