import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Context } from '@opentelemetry/api';
import { traceUpgrade } from '../telemetry/ws-tracing.ts';

export type ConnectionHandler = (socket: WebSocket, connection: Context) => void;

/** Largest client message accepted; bigger ones close the socket (1009). */
const MAX_PAYLOAD_BYTES = 64 * 1024;

/** WebSocket endpoints by path, sharing the platform's HTTP server; other upgrade paths get a 404. */
export class WebSocketRoutes {
  readonly #routes = new Map<string, { server: WebSocketServer; onConnection: ConnectionHandler }>();

  add(path: string, onConnection: ConnectionHandler): void {
    if (this.#routes.has(path)) throw new Error(`a WebSocket route already serves ${path}`);
    this.#routes.set(path, {
      server: new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES }),
      onConnection,
    });
  }

  /** Serves upgrades on `server`; `authorize` (the identity layer) refuses an upgrade without the credentials. */
  attach(server: Server, authorize: (request: IncomingMessage) => boolean = () => true): void {
    server.on('upgrade', (request, socket: Duplex, head: Buffer) => {
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
      const connection = traceUpgrade(request, path);
      route.server.handleUpgrade(request, socket, head, (ws) => {
        route.onConnection(ws, connection);
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
