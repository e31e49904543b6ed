import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { addressKey } from './address-key.ts';
import { refuseRaw } from './raw-response.ts';

/**
 * At most `max` HTTP connections open at once per remote address (an IPv6 /64: address-key.ts), so that one peer
 * cannot hold every socket the process may open, whatever the header and request timeouts allow. A connection over
 * it is answered 429 with a JSON message and closed before Node's HTTP parser sees it, so none of its requests
 * reaches a route. Upgraded (WebSocket) connections count too, until they close, beside their route's own caps.
 * Behind a reverse proxy every client shares the proxy's address: raise the cap there (the proxy limits clients).
 */
export function capConnectionsPerAddress(server: Server, max: number, onRefused: () => void = () => undefined): void {
  /** Open connections per address key; an address leaves with its last connection. */
  const open = new Map<string, number>();
  // Node's own listener (the HTTP parser) is handed admitted connections only.
  const http = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const key = addressKey(socket.remoteAddress);
    const n = open.get(key) ?? 0;
    if (n >= max) {
      onRefused();
      refuseRaw(
        socket,
        429,
        `too many connections from this address: at most ${String(max)} at once (HTTP_MAX_CONNECTIONS_PER_ADDRESS)`,
        { 'retry-after': '1' },
      );
      return;
    }
    open.set(key, n + 1);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left === 0) open.delete(key);
      else open.set(key, left);
    });
    for (const listener of http) listener.call(server, socket);
  });
}
