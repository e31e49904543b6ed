import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Client } from '@elastic/elasticsearch';
import { ElasticsearchLogSink } from './elasticsearch-sink.ts';
import type { ElasticsearchLogSinkTuning } from './elasticsearch-sink.ts';
import { startFakeElasticsearch } from './fake-elasticsearch.ts';
import type { FakeElasticsearch, Replier } from './fake-elasticsearch.ts';
import type { LogRecord } from './log-sink.ts';

const record = (i: number, extra: Record<string, unknown> = {}): LogRecord => ({
  level: 30,
  time: 1_700_000_000_000 + i,
  msg: `m${i}`,
  ...extra,
});

const messages = (fake: FakeElasticsearch, call: number): unknown[] => fake.calls[call]!.docs.map((d) => d['message']);

/** Polls until `predicate` holds; fails the test after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('ElasticsearchLogSink (real client, fake Elasticsearch)', { timeout: 10_000 }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A fake server plus a sink on a real Client pointed at it; both torn down after the test. */
  async function setup(reply?: Replier, tuning: Partial<ElasticsearchLogSinkTuning> = {}) {
    const fake = await startFakeElasticsearch(reply);
    cleanups.push(() => fake.close());
    const client = new Client({ node: fake.url });
    cleanups.push(() => client.close());
    const warnings: string[] = [];
    const sink = new ElasticsearchLogSink({
      client,
      index: 'test-logs',
      service: 'test-svc',
      flushIntervalMs: 60_000, // tests flush explicitly unless they test the interval
      initialBackoffMs: 5,
      maxBackoffMs: 20,
      onWarning: (m) => warnings.push(m),
      ...tuning,
    });
    cleanups.push(() => sink.close());
    return { fake, sink, warnings, client };
  }

  it('sends records as bulk create actions in ECS shape (sink-owned client from a URL)', async () => {
    const fake = await startFakeElasticsearch();
    cleanups.push(() => fake.close());
    const sink = new ElasticsearchLogSink({ url: fake.url, index: 'logs-insitechart-default', service: 'market-api' });
    sink.write(record(1, { trace_id: 'abc123', span_id: 'def456', hostname: 'h1', pid: 9, userId: 42 }));
    sink.write(record(2, { level: 50, err: { type: 'Error', message: 'boom', stack: 'Error: boom' } }));
    await sink.flush();

    assert.equal(fake.calls.length, 1);
    const call = fake.calls[0]!;
    assert.equal(call.path, '/_bulk?filter_path=errors%2Citems.*.status%2Citems.*.error.type%2Citems.*.error.reason');
    assert.match(call.contentType ?? '', /^application\/vnd\.elasticsearch\+x-ndjson/);
    assert.deepEqual(call.actions, [
      { create: { _index: 'logs-insitechart-default' } },
      { create: { _index: 'logs-insitechart-default' } },
    ]);
    assert.deepEqual(call.docs[0], {
      '@timestamp': new Date(1_700_000_000_001).toISOString(),
      message: 'm1',
      ecs: { version: '8.11.0' },
      log: { level: 'info' },
      service: { name: 'market-api' },
      trace: { id: 'abc123' },
      span: { id: 'def456' },
      host: { hostname: 'h1' },
      process: { pid: 9 },
      labels: { userId: '42' },
    });
    assert.deepEqual(call.docs[1]!['error'], { type: 'Error', message: 'boom', stack_trace: 'Error: boom' });
    assert.deepEqual(call.docs[1]!['log'], { level: 'error' });
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 2, dropped: 0, failed_batches: 0 });
    await sink.close();
  });

  it('sends full batches by size and keeps the partial tail until a flush', async () => {
    const { fake, sink } = await setup(undefined, { batchSize: 3 });
    for (let i = 0; i < 7; i++) sink.write(record(i));
    await until(() => sink.stats().sent === 6);
    assert.equal(fake.calls.length, 2);
    assert.deepEqual(messages(fake, 0), ['m0', 'm1', 'm2']);
    assert.deepEqual(messages(fake, 1), ['m3', 'm4', 'm5']);
    assert.equal(sink.stats().buffered, 1);

    await sink.flush();
    assert.deepEqual(messages(fake, 2), ['m6']);
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 7, dropped: 0, failed_batches: 0 });
  });

  it('sends a partial batch when the flush interval elapses', async () => {
    const { fake, sink } = await setup(undefined, { batchSize: 100, flushIntervalMs: 10 });
    sink.write(record(1));
    await fake.waitForCalls(1);
    assert.deepEqual(messages(fake, 0), ['m1']);
  });

  it('bounds the buffer: drops the oldest records, counts them, warns once', async () => {
    const { fake, sink, warnings } = await setup(undefined, { batchSize: 100, maxBuffer: 5 });
    for (let i = 0; i < 8; i++) sink.write(record(i));
    assert.deepEqual(sink.stats(), { buffered: 5, sent: 0, dropped: 3, failed_batches: 0 });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /buffer full/);

    await sink.flush();
    assert.deepEqual(messages(fake, 0), ['m3', 'm4', 'm5', 'm6', 'm7']);
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 5, dropped: 3, failed_batches: 0 });
  });

  it('retries a 503 with backoff and loses nothing; one warning for the whole streak', async () => {
    const { fake, sink, warnings } = await setup((call, n) =>
      n < 3 ? { status: 503 } : { items: call.actions.map(() => 201) },
    );
    for (let i = 0; i < 3; i++) sink.write(record(i));
    await sink.flush();

    // The transport's own retries are off: exactly three 503s, then the success.
    assert.equal(fake.calls.length, 4);
    for (let n = 0; n < 4; n++) assert.deepEqual(messages(fake, n), ['m0', 'm1', 'm2']);
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 3, dropped: 0, failed_batches: 0 });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /503/);
  });

  it('re-sends only the items that failed with a retryable status', async () => {
    const { fake, sink } = await setup((call, n) =>
      n === 0 ? { items: [201, 429, 201] } : { items: call.actions.map(() => 201) },
    );
    for (let i = 0; i < 3; i++) sink.write(record(i));
    await sink.flush();

    assert.equal(fake.calls.length, 2);
    assert.deepEqual(messages(fake, 1), ['m1']);
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 3, dropped: 0, failed_batches: 0 });
  });

  it('drops items rejected with a non-retryable status without resending them', async () => {
    const { fake, sink, warnings } = await setup((call, n) =>
      n === 0 ? { items: [201, 400, 503] } : { items: call.actions.map(() => 201) },
    );
    for (let i = 0; i < 3; i++) sink.write(record(i));
    await sink.flush();

    assert.equal(fake.calls.length, 2);
    assert.deepEqual(messages(fake, 1), ['m2']);
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 2, dropped: 1, failed_batches: 0 });
    assert.equal(warnings.length, 1);
  });

  it('gives up on a batch after maxAttempts, counts it, and keeps going', async () => {
    const { fake, sink, warnings } = await setup(
      (call, n) => (n < 3 ? { status: 500 } : { items: call.actions.map(() => 201) }),
      {
        maxAttempts: 3,
      },
    );
    sink.write(record(1));
    sink.write(record(2));
    await sink.flush();
    assert.equal(fake.calls.length, 3);
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 0, dropped: 2, failed_batches: 1 });
    assert.equal(warnings.length, 1, 'retries and the final give-up are one streak');

    sink.write(record(3));
    await sink.flush();
    assert.deepEqual(messages(fake, 3), ['m3']);
    assert.equal(sink.stats().sent, 1);
  });

  it('does not retry a request the cluster rejects as a whole with a 4xx', async () => {
    const { fake, sink } = await setup(() => ({ status: 403 }));
    sink.write(record(1));
    await sink.flush();
    assert.equal(fake.calls.length, 1);
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 0, dropped: 1, failed_batches: 1 });
  });

  it('retries when the server is unreachable, without throwing anywhere', async () => {
    const fake = await startFakeElasticsearch();
    const url = fake.url;
    await fake.close(); // nothing listens on this port any more
    const warnings: string[] = [];
    const client = new Client({ node: url });
    cleanups.push(() => client.close());
    const sink = new ElasticsearchLogSink({
      client,
      index: 'x',
      service: 's',
      maxAttempts: 2,
      initialBackoffMs: 1,
      onWarning: (m) => warnings.push(m),
    });
    sink.write(record(1));
    await sink.flush();
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 0, dropped: 1, failed_batches: 1 });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /ConnectionError/);
    await sink.close();
  });

  it('never blocks write() on a server that does not answer, and close() honours its timeout', async () => {
    const { fake, sink, warnings, client } = await setup(() => 'hang', {
      batchSize: 50,
      requestTimeoutMs: 60_000,
      closeTimeoutMs: 150,
    });
    let requestsStarted = 0;
    // The transport emits 'serialization' synchronously when a request starts.
    client.diagnostic.on('serialization', () => requestsStarted++);

    const started = performance.now();
    for (let i = 0; i < 1_000; i++) sink.write(record(i, { trace_id: `t${i}` }));
    const writeMs = performance.now() - started;
    assert.equal(requestsStarted, 0, 'write() only enqueues: no request starts inside it');
    assert.ok(writeMs < 200, `1,000 writes took ${writeMs.toFixed(1)} ms`);

    await fake.waitForCalls(1); // the first batch is now stuck in flight
    assert.equal(requestsStarted, 1);
    const closing = performance.now();
    await sink.close();
    const closeMs = performance.now() - closing;
    assert.ok(closeMs >= 140 && closeMs < 1_000, `close() took ${closeMs.toFixed(1)} ms with a 150 ms timeout`);
    assert.equal(fake.calls.length, 1, 'one batch in flight at a time');
    await until(() => fake.abandoned() === 1, 1_000); // close() cancelled the stuck request instead of leaving it open
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 0, dropped: 1_000, failed_batches: 0 });
    assert.match(warnings.at(-1)!, /dropped 1000 unsent records/);

    sink.write(record(1_001));
    assert.equal(sink.stats().dropped, 1_001, 'writes after close are counted as dropped');
  });

  it('close() flushes what is buffered when the server answers', async () => {
    const { fake, sink } = await setup(undefined, { batchSize: 100 });
    sink.write(record(1));
    sink.write(record(2));
    await sink.close();
    assert.deepEqual(messages(fake, 0), ['m1', 'm2']);
    assert.deepEqual(sink.stats(), { buffered: 0, sent: 2, dropped: 0, failed_batches: 0 });
  });
});
