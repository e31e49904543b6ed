import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  json(): unknown;
}

/** Test support: a loopback HTTP server that records requests and answers with a chosen status. */
export async function captureServer(): Promise<{
  url: string;
  requests: Captured[];
  status: { code: number };
  close(): Promise<void>;
}> {
  const requests: Captured[] = [];
  const status = { code: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({
        path: req.url ?? '',
        headers: req.headers,
        body,
        json: (): unknown => JSON.parse(body.toString()),
      });
      res.statusCode = status.code;
      res.end(status.code < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    requests,
    status,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => {
          r();
        });
      }),
  };
}
