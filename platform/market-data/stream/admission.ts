import type { IncomingMessage } from 'node:http';
import type { Admission } from '../../http/websocket-routes.ts';

export interface AdmissionSettings {
  /** Open connections in all; beyond it an upgrade gets 503. */
  readonly maxConnections: number;
  /** Open connections per peer address; beyond it an upgrade gets 429. */
  readonly maxConnectionsPerAddress: number;
  /** Origins allowed besides the request's own host and the public URL's (e.g. `https://app.example.com`). */
  readonly allowedOrigins: readonly string[];
  /** The address users reach the platform at (PUBLIC_URL); its origin is allowed. */
  readonly publicUrl?: string;
}

/**
 * Who may open a /ws connection. A browser always sends `Origin` on a WebSocket handshake, so a page of
 * another site opening our socket (cross-site WebSocket hijacking) is refused unless its origin is the
 * request's own host, the public URL's or in the allow-list. A handshake without `Origin` is not from a
 * browser page and is left to authentication. Connections are capped per peer address and in total.
 */
export class ConnectionAdmission {
  readonly #settings: AdmissionSettings;
  readonly #allowed: ReadonlySet<string>;
  readonly #perAddress = new Map<string, number>();
  #total = 0;

  constructor(settings: AdmissionSettings) {
    this.#settings = settings;
    const allowed = settings.allowedOrigins.map((o) => new URL(o).origin);
    if (settings.publicUrl !== undefined) allowed.push(new URL(settings.publicUrl).origin);
    this.#allowed = new Set(allowed);
  }

  get open(): number {
    return this.#total;
  }

  readonly admit = (request: IncomingMessage): Admission => {
    const origin = request.headers.origin;
    if (origin !== undefined && !this.#originAllowed(origin, request.headers.host))
      return { ok: false, status: 403, message: `origin ${origin.slice(0, 200)} may not open this WebSocket` };
    if (this.#total >= this.#settings.maxConnections)
      return { ok: false, status: 503, message: 'too many WebSocket connections; retry later' };
    const address = request.socket.remoteAddress ?? 'unknown';
    const mine = this.#perAddress.get(address) ?? 0;
    if (mine >= this.#settings.maxConnectionsPerAddress)
      return {
        ok: false,
        status: 429,
        message: `at most ${String(this.#settings.maxConnectionsPerAddress)} WebSocket connections per address`,
      };
    this.#total += 1;
    this.#perAddress.set(address, mine + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total -= 1;
        const n = (this.#perAddress.get(address) ?? 1) - 1;
        if (n === 0) this.#perAddress.delete(address);
        else this.#perAddress.set(address, n);
      },
    };
  };

  #originAllowed(origin: string, host: string | undefined): boolean {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // `null` (sandboxed pages, file:) and garbage
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (this.#allowed.has(url.origin)) return true;
    if (host === undefined) return false;
    try {
      // Same origin as the page that asked: the Host the request was sent to, default ports normalised.
      return new URL(`${url.protocol}//${host}`).host === url.host;
    } catch {
      return false;
    }
  }
}
