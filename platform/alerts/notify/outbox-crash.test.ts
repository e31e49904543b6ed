import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../backbone/conformance/bus-conformance.ts';
import { startEntrypoint, waitForOutput, type Started } from '../../testing/process.ts';
import { openDatabase } from '../store/db.ts';

const pages = 40;

describe('outbox recovery after a crash mid-delivery', () => {
  let dir: string;
  let receiver: Server;
  let url: string;
  /** Every request, in arrival order; the receiver dedupes on Idempotency-Key as PagerDuty does on dedup_key. */
  const requests: string[] = [];
  const answeredAt = new Map<string, number>();
  const accepted = new Set<string>();
  let delayMs = 150;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-crash-'));
    receiver = createServer((req, res) => {
      const key = String(req.headers['idempotency-key']);
      requests.push(key);
      req.resume();
      req.on('end', () => {
        setTimeout(() => {
          accepted.add(key);
          res.end('ok', () => {
            if (!answeredAt.has(key)) answeredAt.set(key, Date.now());
          });
        }, delayMs);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${String((receiver.address() as AddressInfo).port)}/page`;
  });
  after(async () => {
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const start = (): Started =>
    startEntrypoint('platform/alerts/notify/outbox-crash.fixture.ts', {
      OUTBOX_DIR: dir,
      RECEIVER_URL: url,
      PAGES: String(pages),
    });

  it('delivers every page exactly once per key after kill -9 and restart', async () => {
    const first = start();
    await waitForOutput(first, /outbox started, 40 new/, 20_000);
    await waitFor(() => new Set(requests).size >= 10, 20_000, 'ten deliveries under way');
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    const before = new Set(requests).size;
    assert.ok(before < pages, 'killed in the middle of the run');

    delayMs = 0;
    const second = start();
    await waitForOutput(second, /outbox started, 0 new/, 20_000);
    await waitFor(() => accepted.size === pages, 20_000, `all ${String(pages)} pages (have ${String(accepted.size)})`);
    await new Promise((r) => setTimeout(r, 300));
    second.child.kill('SIGTERM');
    await second.exited;

    assert.equal(accepted.size, pages, 'no page lost');
    const resent = [...new Set(requests.filter((k, i) => requests.indexOf(k) !== i))];
    for (const key of resent) {
      const answered = answeredAt.get(key);
      // Only a send the crash interrupted (not answered, or answered just before the kill and not yet
      // recorded) may be repeated, with the same key, so the receiver drops it.
      assert.ok(
        answered === undefined || answered > killedAt - 100,
        `${key} was resent although it was delivered ${String(killedAt - (answered ?? 0))} ms before the crash`,
      );
    }
    assert.ok(
      resent.length <= 4,
      `at most the sends in flight (concurrency 4) are repeated, got ${String(resent.length)}`,
    );

    const db = openDatabase(dir);
    const rows = db.prepare(`SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`).all() as {
      status: string;
      n: number;
    }[];
    db.close();
    assert.deepEqual(
      rows.map((r) => [r.status, r.n]),
      [['delivered', pages]],
    );
  });
});
