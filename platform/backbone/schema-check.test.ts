import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileCheck } from './schema-check.ts';
import { allTopicNames, schemaFor, type TopicName } from './topics.ts';

/** One valid event per topic: the mutations below start from these. */
const valid: Record<TopicName, Record<string, unknown>> = {
  'market.ticks': { symbol: 'AAPL', price: 189.5, size: 100, bid: 189.49, ask: 189.51, ts: 1_700_000_000_000 },
  'market.bars': {
    symbol: 'MSFT',
    interval: '1m',
    start: 1_700_000_000_000,
    open: 1,
    high: 2,
    low: 0.5,
    close: 1.5,
    volume: 1000,
  },
  'market.history': {
    symbol: 'MSFT',
    interval: '1d',
    bars: [{ start: 1_700_000_000_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 1000 }],
  },
  'market.universe': { feed: 'simulated', simulated: true, timeZone: 'America/New_York', symbols: ['AAPL'], ts: 1 },
  'alerts.user': {
    alertId: 'a1',
    userId: 'u1',
    symbol: 'SPY',
    kind: 'price_above',
    threshold: 500,
    observed: 501,
    message: 'SPY above 500',
  },
  'alerts.ops': {
    fingerprint: 'f1',
    status: 'firing',
    labels: { alertname: 'HighLatency' },
    annotations: {},
    startsAt: '2026-11-26T10:00:00Z',
    source: 'alertmanager',
  },
  detections: {
    detector: 'robust',
    series: { name: 'cpu' },
    score: 0.9,
    observed: 3,
    expected: { low: 0, high: 1 },
    ts: 1,
    explanation: 'spike',
    related: [],
  },
  remediations: { action: 'scale', target: { deployment: 'api' }, reason: 'load', status: 'planned' },
  notifications: { channel: 'email', recipient: 'oncall@example.com', subject: 's', body: 'b', priority: 'high' },
  audit: { actor: 'alice', action: 'ack', resource: 'incident/1', details: { note: 'x' } },
  'analytics.correlation': {
    a: 'JPM',
    b: 'BAC',
    interval: '1m',
    baseline: 0.8,
    recent: 0.1,
    delta: -0.7,
    z: -5.2,
    pvalue: 2e-7,
    baselineN: 120,
    recentN: 40,
    ts: 1_700_000_000_000,
  },
  'sentiment.scores': {
    id: 's1',
    symbol: 'AAPL',
    kind: 'news',
    source: 'sample',
    text: 'Apple beats estimates',
    score: 0.6,
    aggregate: 0.4,
    ts: 1_700_000_000_000,
  },
  'market.ticks.dlq': {
    topic: 'market.ticks',
    partition: 0,
    offset: 3,
    group: 'g',
    attempts: 4,
    error: 'boom',
    original: { any: 'thing' },
  },
  'market.bars.dlq': {
    topic: 'market.bars',
    partition: 1,
    offset: 0,
    group: 'g',
    attempts: 0,
    error: 'not JSON',
    original: '{',
  },
  'market.history.dlq': {
    topic: 'market.history',
    partition: 0,
    offset: 0,
    group: 'g',
    attempts: 1,
    error: 'boom',
    original: {},
  },
  'market.universe.dlq': {
    topic: 'market.universe',
    partition: 0,
    offset: 0,
    group: 'g',
    attempts: 1,
    error: 'boom',
    original: {},
  },
  'alerts.user.dlq': {
    topic: 'alerts.user',
    partition: 0,
    offset: 0,
    group: 'g',
    attempts: 1,
    error: 'e',
    original: null,
  },
  'alerts.ops.dlq': { topic: 'alerts.ops', partition: 0, offset: 0, group: 'g', attempts: 1, error: 'e', original: 1 },
  'detections.dlq': { topic: 'detections', partition: 0, offset: 0, group: 'g', attempts: 1, error: 'e', original: [] },
  'remediations.dlq': {
    topic: 'remediations',
    partition: 0,
    offset: 0,
    group: 'g',
    attempts: 1,
    error: 'e',
    original: {},
  },
  'notifications.dlq': {
    topic: 'notifications',
    partition: 0,
    offset: 0,
    group: 'g',
    attempts: 1,
    error: 'e',
    original: 'x',
  },
  'audit.dlq': { topic: 'audit', partition: 0, offset: 0, group: 'g', attempts: 1, error: 'e', original: true },
  'analytics.correlation.dlq': {
    topic: 'analytics.correlation',
    partition: 0,
    offset: 0,
    group: 'g',
    attempts: 1,
    error: 'e',
    original: {},
  },
  'sentiment.scores.dlq': {
    topic: 'sentiment.scores',
    partition: 0,
    offset: 0,
    group: 'g',
    attempts: 1,
    error: 'e',
    original: {},
  },
};

const replacements: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'AAPL',
  'aapl',
  '2026-11-26T10:00:00Z',
  '2026-13-01T00:00:00Z',
  -1,
  0,
  -0,
  1.5,
  2 ** 60,
  Infinity,
  -Infinity,
  Number.NaN,
  {},
  { a: 'b' },
  { a: 1 },
  [],
  [{}],
  true,
  '1m',
  'firing',
  'high',
];

/** The original, every field replaced by every value above, every field removed, and an extra field. */
function variants(sample: Record<string, unknown>): unknown[] {
  const out: unknown[] = [sample, { ...sample, unexpected: 1 }, null, [], 'text', 42];
  for (const key of Object.keys(sample)) {
    out.push(Object.fromEntries(Object.entries(sample).filter(([k]) => k !== key)));
    for (const value of replacements) out.push({ ...sample, [key]: value });
    const nested = sample[key];
    if (typeof nested === 'object' && nested !== null && !Array.isArray(nested)) {
      for (const value of replacements) out.push({ ...sample, [key]: { ...nested, inner: value } });
    }
  }
  return out;
}

describe('compiled schema checks', () => {
  for (const topic of allTopicNames) {
    // The check passing what zod rejects would let bad data in; the reverse only costs a zod parse.
    it(`never passes what zod rejects on ${topic} (valid and mutated events)`, () => {
      const schema = schemaFor(topic);
      const check = compileCheck(schema);
      const sample = valid[topic];
      assert.equal(schema.safeParse(sample).success, true, 'the sample is valid');
      if (check === undefined) {
        // Schemas with defaults are left to zod; only those may lack a compiled check.
        assert.match(JSON.stringify(schemaFor(topic)._zod.def), /default/);
        return;
      }
      assert.equal(check(sample), true, 'the compiled check passes the valid sample');
      const cases = variants(sample);
      let rejected = 0;
      for (const data of cases) {
        if (schema.safeParse(data).success) continue;
        rejected++;
        if (check(data))
          assert.fail(
            `${topic}: the compiled check passes what zod rejects: ${JSON.stringify(data, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`,
          );
      }
      assert.ok(rejected > 20, `enough invalid variants were tried (${String(rejected)})`);
    });
  }

  it('leaves schemas with defaults to zod', () => {
    assert.equal(compileCheck(schemaFor('audit')), undefined);
  });
});
