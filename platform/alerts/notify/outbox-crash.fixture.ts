import { loopbackAllowed } from '../../net/config.ts';
/**
 * Test fixture for outbox-crash.test.ts: an outbox in its own process, so the test can kill -9 it in the
 * middle of deliveries. Enqueues N pages (idempotently: a restart enqueues them again) and sends them.
 */
import { z } from 'zod';
import { openDatabase } from '../store/db.ts';
import { Outbox } from './outbox.ts';
import { webhookChannel } from './webhook/webhook.ts';

const env = z
  .object({ OUTBOX_DIR: z.string(), RECEIVER_URL: z.url(), PAGES: z.coerce.number().int().min(1) })
  .parse(process.env);
const outbox = new Outbox({
  db: openDatabase(env.OUTBOX_DIR),
  channels: { webhook: webhookChannel(loopbackAllowed()) },
  retry: { attempts: 50, initialBackoffMs: 20, maxBackoffMs: 200 },
  timeoutMs: 5_000,
  concurrency: 4,
});
const inserted = outbox.enqueue(
  Array.from({ length: env.PAGES }, (_, i) => ({
    key: `inc-crash:0.0:user${String(i)}:webhook#0`,
    target: { type: 'webhook' as const, url: env.RECEIVER_URL, headers: {} },
    recipient: `user${String(i)}`,
    message: {
      kind: 'page' as const,
      incidentId: 'inc-crash',
      title: 'crash test',
      status: 'triggered',
      severity: 'critical' as const,
      priority: 1 as const,
      alertCount: 1,
      alerts: [],
      links: {},
      remediations: [],
      traceIds: [],
      language: 'en' as const,
    },
  })),
);
outbox.start();
process.stdout.write(`outbox started, ${String(inserted)} new\n`);
