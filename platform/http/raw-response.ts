import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a refused peer has to read its answer and close before its socket is destroyed. */
const LINGER_MS = 2_000;

/**
 * Answers on a raw socket, below express (what Node's parser refuses, connections over the per-address cap, refused
 * WebSocket upgrades), with a status and a JSON `{error}`, and closes it. What the peer still sends is read and
 * dropped (unread data would turn the close into a reset that loses the answer), and a peer that never closes its
 * side is cut after a grace period (the server allows half-open sockets, which would otherwise stay open).
 */
export function refuseRaw(
  socket: Duplex,
  status: number,
  error: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = JSON.stringify({ error });
  const head = Object.entries({
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
    ...headers,
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.on('error', () => socket.destroy());
  socket.resume();
  socket.end(`HTTP/1.1 ${String(status)} ${STATUS_CODES[status] ?? 'Error'}\r\n${head}\r\n${body}`);
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
