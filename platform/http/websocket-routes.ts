import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Context } from '@opentelemetry/api';
import { traceUpgrade } from '../telemetry/ws-tracing.ts';
import { refuseRaw } from './raw-response.ts';
import { hostAllowed } from './security.ts';
import type { IdentityMessageRate } from './ws-identity-rate.ts';

export type ConnectionHandler = (socket: WebSocket, connection: Context, request: IncomingMessage) => void;

/** A route's decision on an upgrade: admitted (release() once the connection ends) or refused with a status. */
export type Admission =
  | { readonly ok: true; release(): void }
  | { readonly ok: false; readonly status: 403 | 429 | 503; readonly message: string };
export type Admit = (request: IncomingMessage) => Admission;

/** Why an upgrade was refused or a connection closed by the boundary (a metric label: a fixed set). */
export type WebSocketRefusal = 'host' | 'credentials' | 'origin' | 'connections' | 'identity-rate';

/** What every upgrade passes before its route's own admission. */
export interface UpgradeGate {
  /** Hosts besides IP literals, localhost and single-label names (the HTTP Host allow-list, DNS rebinding). */
  readonly allowedHosts: readonly string[];
  /** The identity the upgrade is made as (the key of its message allowance), or undefined: refused with 401. */
  authorize(request: IncomingMessage): string | undefined;
  /** Messages per identity and second over all its connections. */
  readonly messageRate: IdentityMessageRate;
  readonly onRefused?: (reason: WebSocketRefusal) => void;
}

const RATE_CLOSE_CODE = 4029;

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

  /**
   * Serves upgrades on `server`. Each passes, in order: the Host allow-list (421), the identity layer (401), the
   * route's admission (origin, connection caps), and a connection's messages count against its identity's allowance
   * across all its connections (over it: closed with 4029).
   */
  attach(server: Server, gate: UpgradeGate): void {
    const refused = gate.onRefused ?? (() => undefined);
    server.on('upgrade', (request, socket: Duplex, head: Buffer) => {
      // A peer resetting the connection before the handshake ends must not become an uncaught 'error'.
      socket.on('error', () => socket.destroy());
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const route = this.#routes.get(path);
      if (route === undefined) {
        refuseRaw(socket, 404, 'no WebSocket route at this path');
        return;
      }
      if (!hostAllowed(request.headers.host, gate.allowedHosts)) {
        refused('host');
        refuseRaw(socket, 421, 'this server does not answer to that Host');
        return;
      }
      const identity = gate.authorize(request);
      if (identity === undefined) {
        refused('credentials');
        refuseRaw(socket, 401, 'credentials required');
        return;
      }
      const admission = route.admit?.(request) ?? { ok: true, release: () => undefined };
      if (!admission.ok) {
        refused(admission.status === 403 ? 'origin' : 'connections');
        refuseRaw(socket, admission.status, admission.message);
        return;
      }
      const allowance = gate.messageRate.open(identity);
      if (allowance === undefined) {
        admission.release();
        refused('connections');
        refuseRaw(socket, 503, 'too many WebSocket clients; retry later');
        return;
      }
      // The raw socket closes whether the handshake succeeds or not: the admission is released either way.
      socket.once('close', () => {
        admission.release();
        allowance.release();
      });
      const connection = traceUpgrade(request, path);
      route.server.handleUpgrade(request, socket, head, (ws) => {
        // A protocol error (invalid UTF-8, a frame over maxPayload) is emitted on the socket, which ws then
        // closes (1007, 1009): without a listener it would be an uncaught 'error' that ends the process.
        ws.on('error', () => undefined);
        // Registered before the route's listener, so it runs first; ws still delivers frames while a close
        // handshake is pending, so a client that keeps sending after the 4029 is cut off.
        let cut = false;
        ws.on('message', () => {
          if (allowance.allow(Date.now())) return;
          if (cut) ws.terminate();
          else if (ws.readyState === ws.OPEN) {
            cut = true;
            refused('identity-rate');
            ws.close(RATE_CLOSE_CODE, `more than ${String(gate.messageRate.perSecond)} messages per second`);
          }
        });
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
