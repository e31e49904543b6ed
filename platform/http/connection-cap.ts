import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { peerOf, type Peer } from './address-key.ts';
import { FairShare, type ShareLimits, type ShareOutcome } from './fair-share.ts';
import { refuseRaw } from './raw-response.ts';

const SETTING: Readonly<Record<'address' | 'prefix' | 'total', string>> = {
  address: 'from this address (HTTP_MAX_CONNECTIONS_PER_ADDRESS)',
  prefix: 'from this network (its share of HTTP_MAX_CONNECTIONS: PREFIX_SHARE_PERCENT)',
  total: 'in all (HTTP_MAX_CONNECTIONS)',
};

/**
 * HTTP connections open at once, shared fairly (fair-share.ts): per remote address (an IPv6 /64), per prefix (IPv4
 * /24, IPv6 /48) and in all, so that neither one peer nor many addresses together can hold every socket the process
 * may open. At the prefix or total limit the busiest prefix's busiest address loses its oldest connection to a
 * newcomer that holds fewer; a connection nobody gives way to is answered 429 with a JSON message naming the setting
 * and closed before Node's HTTP parser sees it, so none of its requests reaches a route. Upgraded (WebSocket)
 * connections count too, until they close. Behind a reverse proxy every client shares the proxy's address: raise the
 * per-address cap there (the proxy limits clients).
 */
export function capConnections(
  server: Server,
  limits: ShareLimits,
  onOutcome: (outcome: ShareOutcome) => void = () => undefined,
): FairShare {
  const share = new FairShare(limits);
  /** Each address's open connections, oldest first, with what releases each one's place. */
  const open = new Map<string, Map<Socket, () => void>>();
  // Node's own listener (the HTTP parser) is handed admitted connections only.
  const http = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    const peer = peerOf(socket.remoteAddress);
    const verdict = share.judge(peer);
    if (!verdict.admit) {
      onOutcome(verdict.limit);
      const max = { address: limits.perAddress, prefix: limits.perPrefix, total: limits.total }[verdict.limit];
      refuseRaw(
        socket,
        429,
        `too many connections ${SETTING[verdict.limit]}: at most ${String(max)} at once; retry later`,
        { 'retry-after': '1' },
      );
      return;
    }
    if (verdict.evict !== undefined) {
      const oldest = open.get(verdict.evict.address)?.entries().next().value;
      if (oldest !== undefined) {
        onOutcome('evicted');
        oldest[1]();
        oldest[0].destroy();
      }
    }
    admit(peer, socket);
    for (const listener of http) listener.call(server, socket);
  });

  function admit(peer: Peer, socket: Socket): void {
    share.add(peer);
    let mine = open.get(peer.address);
    if (mine === undefined) {
      mine = new Map();
      open.set(peer.address, mine);
    }
    const sockets = mine;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      share.remove(peer);
      sockets.delete(socket);
      if (sockets.size === 0 && open.get(peer.address) === sockets) open.delete(peer.address);
    };
    sockets.set(socket, release);
    socket.once('close', release);
  }
  return share;
}
