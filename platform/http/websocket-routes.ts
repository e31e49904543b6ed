import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Context } from '@opentelemetry/api';
import { traceUpgrade } from '../telemetry/ws-tracing.ts';

export type ConnectionHandler = (socket: WebSocket, connection: Context, request: IncomingMessage) => void;

/** A route's decision on an upgrade: admitted (release() once the connection ends) or refused with a status. */
export type Admission =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly status: 403 | 429 | 503; readonly message: string };
export type Admit = (request: IncomingMessage) => Admission;

const reasons = { 403: 'Forbidden', 429: 'Too Many Requests', 503: 'Service Unavailable' } as const;

/** Largest client message accepted; bigger ones close the socket (1009). */
const MAX_PAYLOAD_BYTES = 64 * 1024;

/** WebSocket endpoints by path, sharing the platform's HTTP server; other upgrade paths get a 404. */
export class WebSocketRoutes {
  readonly #routes = new Map<string, { server: WebSocketServer; onConnection: ConnectionHandler; admit?: Admit }>();

  /** `admit` decides on each upgrade before the handshake (origin, connection caps). */
  add(path: string, onConnection: ConnectionHandler, options: { admit?: Admit } = {}): void {
    if (this.#routes.has(path)) throw new Error(`a WebSocket route already serves ${path}`);
    this.#routes.set(path, {
      server: new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES }),
      onConnection,
      ...options,
    });
  }

  /** Serves upgrades on `server`; `authorize` (the identity layer) refuses an upgrade without the credentials. */
  attach(server: Server, authorize: (request: IncomingMessage) => boolean = () => true): void {
    server.on('upgrade', (request, socket: Duplex, head: Buffer) => {
      // A peer resetting the connection before the handshake ends must not become an uncaught 'error'.
      socket.on('error', () => socket.destroy());
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const route = this.#routes.get(path);
      if (route === undefined) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (!authorize(request)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const admission = route.admit?.(request) ?? { ok: true, release: () => undefined };
      if (!admission.ok) {
        const body = JSON.stringify({ error: admission.message });
        socket.end(
          `HTTP/1.1 ${String(admission.status)} ${reasons[admission.status]}\r\nConnection: close\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\n\r\n${body}`,
        );
        return;
      }
      // The raw socket closes whether the handshake succeeds or not: the admission is released either way.
      socket.once('close', () => {
        admission.release();
      });
      const connection = traceUpgrade(request, path);
      route.server.handleUpgrade(request, socket, head, (ws) => {
        // A protocol error (invalid UTF-8, a frame over maxPayload) is emitted on the socket, which ws then
        // closes (1007, 1009): without a listener it would be an uncaught 'error' that ends the process.
        ws.on('error', () => undefined);
        route.onConnection(ws, connection, request);
      });
    });
  }

  /** Closes every socket with 1001 (going away), so clients reconnect elsewhere. */
  close(): void {
    for (const { server } of this.#routes.values()) {
      for (const client of server.clients) client.close(1001, 'server shutting down');
      server.close();
    }
  }
}
