import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorPathExtractor, observeSpan, type ErrorSpan } from './error-paths.ts';
import { tracesRequest } from './schema.ts';
import { SignalAggregator } from './signals.ts';

const options = { maxTraces: 100, maxSpansPerTrace: 16, maxPaths: 100, maxHosts: 100 };
const span = (s: Partial<ErrorSpan> & Pick<ErrorSpan, 'spanId' | 'service'>): ErrorSpan => ({
  traceId: 't1',
  parentSpanId: '',
  kind: 2,
  at: 12_345,
  ...s,
});
const sorted = (paths: ReturnType<ErrorPathExtractor['drain']>) =>
  paths
    .map((p) => ({ on: p.on.join('/'), origin: p.origin.join('/'), count: p.count }))
    .sort((a, b) => `${a.on} ${a.origin}`.localeCompare(`${b.on} ${b.origin}`));

describe('where failed requests started, from traces', () => {
  it('names the deepest failed span as the origin of every failed span above it, whatever order spans arrive in', () => {
    const x = new ErrorPathExtractor(options);
    // web -> checkout -> payments (v2 fails on its own); spans arrive bottom first.
    x.add(span({ spanId: 'p1', parentSpanId: 'c2', service: 'payments', instance: 'payments-1', version: 'v2' }), 0);
    x.add(span({ spanId: 'c1', service: 'web' }), 0);
    x.add(span({ spanId: 'c2', parentSpanId: 'c1b', service: 'checkout', kind: 3 }), 0);
    x.add(span({ spanId: 'c1b', parentSpanId: 'c1', service: 'checkout', instance: 'checkout-3' }), 0);
    assert.deepEqual(sorted(x.drain(0)), [
      { on: 'checkout', origin: 'payments/v2', count: 1 },
      { on: 'checkout/checkout-3', origin: 'payments/v2', count: 1 },
      { on: 'payments/payments-1', origin: 'payments/v2', count: 1 },
      { on: 'web', origin: 'payments/v2', count: 1 },
    ]);
    assert.equal(x.drain(0).length, 0, 'a drained trace is let go');
  });

  it('names the remote a failed call went to, with its host when an instance of that name reported one', () => {
    const x = new ErrorPathExtractor(options);
    x.learnHost('orders-7f9c-x2', 'node-4');
    x.add(span({ traceId: 'a', spanId: 's', service: 'api' }), 0);
    x.add(span({ traceId: 'a', spanId: 'c', parentSpanId: 's', service: 'api', kind: 3, peer: 'pg-orders' }), 0);
    x.add(span({ traceId: 'b', spanId: 'd', service: 'api', kind: 3, peer: 'orders-7f9c-x2' }), 0);
    const paths = sorted(x.drain(0));
    assert.deepEqual(paths, [
      { on: 'api', origin: 'orders-7f9c-x2/node-4', count: 1 },
      { on: 'api', origin: 'pg-orders', count: 1 },
    ]);
  });

  it('counts paths per 10 s of span time and waits for a trace to go quiet', () => {
    const x = new ErrorPathExtractor(options);
    for (const [i, at] of [1_000, 4_000, 15_000].entries())
      x.add(span({ traceId: `t${String(i)}`, spanId: `s${String(i)}`, service: 'api', at }), 100);
    x.add(span({ traceId: 'late', spanId: 'l', service: 'api', at: 1_000 }), 200);
    const first = x.drain(150);
    assert.deepEqual(
      first.map((p) => [p.at, p.count]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0)),
      [
        [0, 2],
        [10_000, 1],
      ],
    );
    assert.equal(x.drain(250)[0]?.count, 1, 'the trace still receiving spans came in the next drain');
  });

  it('bounds traces held, spans per trace and paths per drain', () => {
    const x = new ErrorPathExtractor({ maxTraces: 3, maxSpansPerTrace: 2, maxPaths: 2, maxHosts: 2 });
    for (let i = 0; i < 10; i++) x.add(span({ traceId: `t${String(i)}`, spanId: 's', service: `svc${String(i)}` }), i);
    const paths = x.drain(100);
    assert.equal(paths.length, 2, 'three traces held (the last three), two paths counted');
    for (let i = 0; i < 5; i++)
      x.add(
        span({ spanId: `s${String(i)}`, parentSpanId: i === 0 ? '' : `s${String(i - 1)}`, service: `x${String(i)}` }),
        0,
      );
    assert.deepEqual(
      x.drain(100).map((p) => p.on[0]),
      ['x1', 'x0'],
      'two spans of the trace kept: the second is the deepest failure, the first above it',
    );
  });

  it('reads failed spans, their remote and their resource from an OTLP request', () => {
    const x = new ErrorPathExtractor(options);
    const aggregator = new SignalAggregator({
      maxKeys: 100,
      now: 0,
      onSpan: (s, service, resource) => {
        observeSpan(x, s, service, resource, 0);
      },
    });
    const resource = (service: string, instance: string) => ({
      attributes: [
        { key: 'service.name', value: { stringValue: service } },
        { key: 'service.instance.id', value: { stringValue: instance } },
        { key: 'host.name', value: { stringValue: 'vm-9' } },
      ],
    });
    const s = (id: string, parent: string, kind: number, code: number, attributes: unknown[] = []) => ({
      traceId: 'aa',
      spanId: id,
      parentSpanId: parent,
      kind,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000005000000',
      attributes,
      status: { code },
    });
    aggregator.addSpans(
      tracesRequest.parse({
        resourceSpans: [
          {
            resource: resource('quotes', 'quotes-1'),
            scopeSpans: [
              {
                spans: [
                  s('1', '', 2, 2),
                  s('2', '1', 3, 2, [{ key: 'db.namespace', value: { stringValue: 'ticks' } }]),
                  s('3', '1', 3, 0, [{ key: 'server.address', value: { stringValue: 'cache-1' } }]),
                ],
              },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(sorted(x.drain(0)), [{ on: 'quotes/quotes-1', origin: 'ticks', count: 1 }]);
  });
});
