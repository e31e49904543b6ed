import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ECS_VERSION, levelName, toEcs } from './log-sink.ts';

const base = { level: 30, time: Date.UTC(2025, 0, 2, 3, 4, 5, 678), msg: 'hello' };

describe('toEcs', () => {
  it('maps the core pino fields to ECS', () => {
    const doc = toEcs({ ...base, hostname: 'web-1', pid: 4242 }, 'market-api');
    assert.deepEqual(doc, {
      '@timestamp': '2025-01-02T03:04:05.678Z',
      message: 'hello',
      ecs: { version: '8.11.0' },
      log: { level: 'info' },
      service: { name: 'market-api' },
      host: { hostname: 'web-1' },
      process: { pid: 4242 },
    });
    assert.equal(ECS_VERSION, '8.11.0');
  });

  it('names every standard pino level and buckets custom ones', () => {
    const names = [10, 20, 30, 40, 50, 60].map((level) => toEcs({ ...base, level }, 's').log.level);
    assert.deepEqual(names, ['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
    assert.equal(levelName(35), 'info');
    assert.equal(levelName(5), 'trace');
    assert.equal(levelName(100), 'fatal');
    assert.equal(levelName('WARN'), 'warn');
  });

  it('maps trace and span ids, and a per-record service wins over the default', () => {
    const doc = toEcs(
      { ...base, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', service: 'ingest' },
      'default',
    );
    assert.deepEqual(doc.trace, { id: '4bf92f3577b34da6a3ce929d0e0e4736' });
    assert.deepEqual(doc.span, { id: '00f067aa0ba902b7' });
    assert.equal(doc.service.name, 'ingest');
    assert.equal(doc.labels, undefined, 'mapped fields must not be repeated as labels');
  });

  it("maps pino's serialized err to error.*, keeping its extra fields as labels", () => {
    const err = {
      type: 'TypeError',
      message: 'boom',
      stack: 'TypeError: boom\n    at x (a.ts:1:1)',
      code: 'E_BOOM',
      statusCode: 502,
    };
    const doc = toEcs({ ...base, level: 50, err }, 's');
    assert.deepEqual(doc.error, { type: 'TypeError', message: 'boom', stack_trace: err.stack, code: 'E_BOOM' });
    assert.deepEqual(doc.labels, { err_statusCode: '502' });
    assert.equal(doc.log.level, 'error');
  });

  it('maps a real Error instance passed as err', () => {
    const err = new TypeError('bad input');
    assert.deepEqual(toEcs({ ...base, err }, 's').error, {
      type: 'TypeError',
      message: 'bad input',
      stack_trace: err.stack,
    });
  });

  it('keeps fields named like Object.prototype members as ordinary labels', () => {
    const record = JSON.parse('{"level":30,"time":1,"__proto__":"p","constructor":"c","toString":1}') as typeof base;
    const labels = toEcs(record, 's').labels;
    assert.deepEqual(labels, JSON.parse('{"__proto__":"p","constructor":"c","toString":"1"}'));
    assert.ok(labels !== undefined && Object.hasOwn(labels, '__proto__'));
  });

  it('takes error.type from name when type is absent, and a string err as the message', () => {
    assert.deepEqual(toEcs({ ...base, err: { name: 'RangeError', message: 'x' } }, 's').error, {
      type: 'RangeError',
      message: 'x',
    });
    assert.deepEqual(toEcs({ ...base, err: 'plain text' }, 's').error, { message: 'plain text' });
  });

  it('puts unknown fields under labels as flat strings with dot-free keys', () => {
    const doc = toEcs(
      {
        ...base,
        userId: 7,
        ok: true,
        tags: ['a', 'b'],
        req: { method: 'GET', headers: { host: 'x' } },
        'a.b': 'dotted',
        gone: null,
      },
      's',
    );
    assert.deepEqual(doc.labels, {
      userId: '7',
      ok: 'true',
      tags: '["a","b"]',
      req_method: 'GET',
      req_headers_host: 'x',
      a_b: 'dotted',
    });
    for (const v of Object.values(doc.labels ?? {})) assert.equal(typeof v, 'string');
  });

  it('stringifies what is nested too deep, and bounds label count and length', () => {
    const deep = toEcs({ ...base, a: { b: { c: { d: 1 } } } }, 's');
    assert.deepEqual(deep.labels, { a_b_c: '{"d":1}' });

    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, i]));
    const wide = toEcs({ ...base, ...many }, 's');
    assert.equal(Object.keys(wide.labels ?? {}).length, 129);
    assert.equal(wide.labels?.['labels_truncated'], '72');

    const long = toEcs({ ...base, big: 'x'.repeat(10_000) }, 's');
    assert.equal(long.labels?.['big']?.length, 4097);
  });

  it('keeps non-string service and name as labels instead of ECS fields', () => {
    const doc = toEcs({ ...base, service: { id: 3 }, name: 12 } as unknown as typeof base, 'fallback');
    assert.equal(doc.service.name, 'fallback');
    assert.equal(doc.log.logger, undefined);
    assert.deepEqual(doc.labels, { service_id: '3', name: '12' });
  });

  it('maps the pino logger name to log.logger', () => {
    assert.deepEqual(toEcs({ ...base, name: 'http' }, 's').log, { level: 'info', logger: 'http' });
  });

  it('survives a bad time and a circular field', () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    const before = Date.now();
    const doc = toEcs({ ...base, time: Number.NaN, ring: [circular] }, 's');
    assert.ok(Date.parse(doc['@timestamp']) >= before - 1, 'an unusable time falls back to now');
    assert.equal(doc.labels?.['ring'], '[unserializable]');
  });
});
