/**
 * Test support: just enough of Elasticsearch on 127.0.0.1 for the real client to run `_bulk`.
 * Every response carries `x-elastic-product: Elasticsearch` (the 9.x client rejects 2xx
 * answers without it) and the vendored JSON content type it sends and accepts.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface BulkCall {
  readonly path: string;
  readonly contentType: string | undefined;
  /** Action lines, e.g. `{ create: { _index } }`. */
  readonly actions: readonly Record<string, unknown>[];
  /** Source lines, one per action. */
  readonly docs: readonly Record<string, unknown>[];
}

/** How to answer one bulk call: a whole-request status, per-item statuses, or never. */
export type BulkReply = { readonly status: number } | { readonly items: readonly number[] } | 'hang';

export type Replier = (call: BulkCall, callIndex: number) => BulkReply;

export interface FakeElasticsearch {
  readonly url: string;
  readonly calls: BulkCall[];
  /** Hanging requests whose client gave up and closed the connection. */
  readonly abandoned: () => number;
  /** Resolves once `n` bulk calls arrived; rejects after `timeoutMs`. */
  waitForCalls(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/vnd.elasticsearch+json;compatible-with=9';

const allCreated: Replier = (call) => ({ items: call.actions.map(() => 201) });

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'x-elastic-product': 'Elasticsearch' });
  res.end(JSON.stringify(body));
}

function errorCause(status: number): { type: string; reason: string } {
  const type =
    status === 429
      ? 'es_rejected_execution_exception'
      : status >= 500
        ? 'unavailable_shards_exception'
        : 'mapper_parsing_exception';
  return { type, reason: `fake ${status}` };
}

const errorBody = (status: number): unknown => ({ error: errorCause(status), status });

function parseBulk(req: IncomingMessage, body: string): BulkCall {
  const lines = body
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    path: req.url ?? '',
    contentType: req.headers['content-type'],
    actions: lines.filter((_, i) => i % 2 === 0),
    docs: lines.filter((_, i) => i % 2 === 1),
  };
}

export async function startFakeElasticsearch(reply: Replier = allCreated): Promise<FakeElasticsearch> {
  const calls: BulkCall[] = [];
  let abandoned = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (req.method === 'GET' && path === '/') {
        send(res, 200, {
          name: 'fake',
          cluster_name: 'fake',
          version: { number: '9.0.0' },
          tagline: 'You Know, for Search',
        });
        return;
      }
      if (req.method !== 'POST' || !path.endsWith('/_bulk')) {
        send(res, 404, errorBody(404));
        return;
      }
      const call = parseBulk(req, Buffer.concat(chunks).toString('utf8'));
      calls.push(call);
      const answer = reply(call, calls.length - 1);
      if (answer === 'hang') {
        res.on('close', () => abandoned++);
        return;
      }
      if ('status' in answer) {
        send(res, answer.status, errorBody(answer.status));
        return;
      }
      const items = call.actions.map((_, i) => {
        const status = answer.items[i] ?? 201;
        return {
          create:
            status < 300
              ? { _index: 'fake', _id: `id-${calls.length}-${i}`, status, result: 'created', _version: 1 }
              : { _index: 'fake', status, error: errorCause(status) },
        };
      });
      send(res, 200, { errors: items.some((it) => it.create.status >= 300), took: 1, items });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    abandoned: () => abandoned,
    async waitForCalls(n, timeoutMs = 2_000) {
      const deadline = Date.now() + timeoutMs;
      while (calls.length < n) {
        if (Date.now() > deadline)
          throw new Error(`expected ${n} bulk calls within ${timeoutMs} ms, got ${calls.length}`);
        await sleep(2);
      }
    },
    async close() {
      server.closeAllConnections(); // includes requests left hanging on purpose
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
