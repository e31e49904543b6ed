import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Page {
  readonly incidentId: string;
  readonly kind: string;
  readonly acceptedAt?: number;
  readonly receivedAt: number;
}

/** A loopback webhook receiver that records every notification it gets. */
export async function startReceiver(): Promise<{ url: string; pages: Page[]; close(): Promise<void> }> {
  const pages: Page[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const m = JSON.parse(body) as { incidentId?: string; kind: string; acceptedAt?: number };
      pages.push({
        incidentId: m.incidentId ?? '',
        kind: m.kind,
        ...(m.acceptedAt !== undefined ? { acceptedAt: m.acceptedAt } : {}),
        receivedAt: Date.now(),
      });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/hook`,
    pages,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}
