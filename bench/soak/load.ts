import { instruments } from '../../platform/reference/instruments.ts';
import { seededRandom } from '../../platform/random/seeded.ts';
import type { SoakClient } from './http-client.ts';

/**
 * The soak's HTTP load: ticks from an external feed (catalog symbols), Alertmanager webhooks (alerts fire
 * and resolve 30 s later; 2 in 100 never resolve), OTLP metrics, traces and logs from a few services, and
 * sentiment texts with unique ids.
 * Each stream runs at a fixed rate; a beat whose previous request is still in flight is skipped and counted.
 */
export interface LoadCounts {
  ticks: number;
  alerts: number;
  texts: number;
  otlpPoints: number;
  otlpRejected: number;
  skippedBeats: number;
}

export interface Load {
  readonly counts: LoadCounts;
  stop(): Promise<void>;
}

/** The catalog symbols the soak's ticks, texts and WebSocket clients use. */
export const SYMBOLS = instruments.slice(0, 40).map((i) => i.symbol);
const SERVICES = ['checkout', 'payments', 'search', 'quotes', 'ledger'];

function every(ms: number, counts: LoadCounts, beat: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (inFlight !== undefined) {
      counts.skippedBeats += 1;
      return;
    }
    inFlight = beat().finally(() => {
      inFlight = undefined;
    });
  }, ms);
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}

const nowNs = (): string => `${BigInt(Date.now()) * 1_000_000n}`;
const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

export function startLoad(client: SoakClient, seed = 7): Load {
  const random = seededRandom(seed);
  const counts: LoadCounts = {
    ticks: 0,
    alerts: 0,
    texts: 0,
    otlpPoints: 0,
    otlpRejected: 0,
    skippedBeats: 0,
  };
  const prices = new Map<string, number>();
  let alertSeq = 0;
  let textSeq = 0;
  const toResolve: { at: number; alert: Record<string, unknown> }[] = [];

  const ticks = every(250, counts, async () => {
    const batch = Array.from({ length: 40 }, (_, i) => {
      // Catalog symbols only: the feed endpoint refuses unknown instruments (a bound on per-symbol state).
      const symbol = SYMBOLS[i % SYMBOLS.length]!;
      const price = Math.max(1, (prices.get(symbol) ?? 100) * (1 + (random() - 0.5) * 0.002));
      prices.set(symbol, price);
      return { symbol, price: Math.round(price * 100) / 100, size: 1 + Math.floor(random() * 500), ts: Date.now() };
    });
    const answer = (await client.postJson('/api/market/ticks', { ticks: batch })) as { accepted?: number } | undefined;
    counts.ticks += answer?.accepted ?? 0;
  });

  const alerts = every(1_000, counts, async () => {
    const now = Date.now();
    const fresh = Array.from({ length: 4 }, () => {
      alertSeq += 1;
      const k = alertSeq;
      return {
        status: 'firing',
        labels: {
          alertname: `SoakAlert${String(k % 10)}`,
          service: SERVICES[k % SERVICES.length]!,
          severity: k % 3 === 0 ? 'critical' : 'warning',
          instance: `host-${String(k % 50)}`,
          run: String(k),
        },
        annotations: { summary: `soak alert ${String(k)}` },
        startsAt: new Date(now).toISOString(),
        generatorURL: '',
        fingerprint: `soak${String(k)}`,
      };
    });
    for (const alert of fresh) if (random() >= 0.02) toResolve.push({ at: now + 30_000, alert });
    const due = [];
    while (toResolve.length > 0 && toResolve[0]!.at <= now) due.push(toResolve.shift()!.alert);
    const resolved = due.map((a) => ({ ...a, status: 'resolved', endsAt: new Date(now).toISOString() }));
    const all = [...fresh, ...resolved];
    const answer = (await client.postJson('/api/alerts/alertmanager', {
      version: '4',
      groupKey: '{}:{alertname="SoakAlert"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'soak',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://alertmanager.invalid',
      alerts: all,
    })) as { accepted?: number } | undefined;
    counts.alerts += answer?.accepted ?? 0;
  });

  const otlp = every(1_000, counts, async () => {
    const resourceMetrics = SERVICES.map((service) => ({
      resource: { attributes: [attr('service.name', service)] },
      scopeMetrics: [
        {
          metrics: [
            { name: 'queue.depth', gauge: { dataPoints: [{ timeUnixNano: nowNs(), asDouble: 10 + random() * 5 }] } },
            {
              name: 'http.server.active_requests',
              gauge: { dataPoints: [{ timeUnixNano: nowNs(), asInt: String(Math.floor(random() * 50)) }] },
            },
          ],
        },
      ],
    }));
    const metrics = (await client.postJson('/v1/metrics', { resourceMetrics })) as
      { partialSuccess?: { rejectedDataPoints?: number } } | undefined;
    if (metrics !== undefined) {
      const rejected = metrics.partialSuccess?.rejectedDataPoints ?? 0;
      counts.otlpPoints += SERVICES.length * 2 - rejected;
      counts.otlpRejected += rejected;
    }
    const start = Date.now() - 20;
    const spans = Array.from({ length: 10 }, (_, i) => ({
      traceId: Buffer.from(Array.from({ length: 16 }, () => Math.floor(random() * 256))).toString('hex'),
      spanId: Buffer.from(Array.from({ length: 8 }, () => Math.floor(random() * 256))).toString('hex'),
      name: `GET /items/${String(i % 3)}`,
      kind: 2,
      startTimeUnixNano: `${BigInt(start) * 1_000_000n}`,
      endTimeUnixNano: nowNs(),
      status: { code: i === 0 && random() < 0.2 ? 2 : 0 },
    }));
    await client.postJson('/v1/traces', {
      resourceSpans: [{ resource: { attributes: [attr('service.name', 'checkout')] }, scopeSpans: [{ spans }] }],
    });
    await client.postJson('/v1/logs', {
      resourceLogs: [
        {
          resource: { attributes: [attr('service.name', 'payments')] },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: nowNs(), severityNumber: 9, body: { stringValue: 'charged' } },
                { timeUnixNano: nowNs(), severityNumber: 17, body: { stringValue: 'card declined' } },
              ],
            },
          ],
        },
      ],
    });
  });

  const words = ['beats estimates', 'misses guidance', 'announces buyback', 'faces probe', 'upgraded', 'downgraded'];
  const texts = every(500, counts, async () => {
    const items = Array.from({ length: 2 }, () => {
      textSeq += 1;
      const symbol = SYMBOLS[textSeq % SYMBOLS.length]!;
      return {
        id: `soak-${String(textSeq)}`,
        kind: textSeq % 2 === 0 ? 'news' : 'social',
        source: 'soak',
        text: `$${symbol} ${words[textSeq % words.length]!} (${String(textSeq)})`,
        ts: Date.now(),
      };
    });
    const answer = (await client.postJson('/api/sentiment/texts', items)) as { accepted?: number } | undefined;
    counts.texts += answer?.accepted ?? 0;
  });

  return {
    counts,
    async stop() {
      await Promise.all([ticks(), alerts(), otlp(), texts()]);
    },
  };
}
