/** Deeply nested attribute values get 400 with an OTLP Status (JSON and protobuf), never a 500. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiFetch } from '../../platform/testing/api-client.ts';
import { startTestPlatform, type TestPlatform } from '../../platform/testing/platform.ts';
import { decodeStatus } from './codec.ts';
import { loadOtlpConfig } from './config.ts';
import { checkNesting } from './nesting.ts';
import { otlpReceiverService } from './service.ts';

/** A gauge whose one attribute is a kvlist nested `depth` times. */
function nestedMetrics(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { stringValue: 'leaf' };
  for (let i = 0; i < depth; i++) value = { kvlistValue: { values: [{ key: 'k', value }] } };
  return {
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'nested',
                gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: '1', attributes: [{ key: 'a', value }] }] },
              },
            ],
          },
        ],
      },
    ],
  };
}

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 0x80)) out.push((n % 0x80) | 0x80);
  out.push(n);
  return out;
}
/** A length-delimited protobuf field. */
const field = (n: number, bytes: readonly number[]): number[] => [(n << 3) | 2, ...varint(bytes.length), ...bytes];
const text = (s: string): number[] => [...Buffer.from(s)];

/** nestedMetrics(depth) hand-encoded, since protobufjs refuses to encode past its own recursion limit. */
function nestedProtobuf(depth: number): Uint8Array {
  let value = field(1, text('leaf')); // AnyValue.string_value
  // AnyValue.kvlist_value { KeyValueList.values { KeyValue.key, KeyValue.value } }
  for (let i = 0; i < depth; i++) value = field(6, field(1, [...field(1, text('k')), ...field(2, value)]));
  const point = field(7, [...field(1, text('a')), ...field(2, value)]); // NumberDataPoint.attributes
  const metric = [...field(1, text('nested')), ...field(5, field(1, point))]; // Metric.name, Metric.gauge.data_points
  return Uint8Array.from(field(1, field(2, field(2, metric)))); // resource_metrics.scope_metrics.metrics
}

describe('OTLP nesting cap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otlp-nesting-'));
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform(dir, [otlpReceiverService({ config: loadOtlpConfig({}) })]);
  });
  after(async () => {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an anyValue nested 1,000 deep in JSON with 400 and an OTLP Status', async () => {
    const res = await apiFetch(platform, '/v1/metrics', {
      as: 'ingest',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(nestedMetrics(1_000)),
    });
    assert.equal(res.status, 400);
    const status = (await res.json()) as { code: number; message: string };
    assert.equal(status.code, 3, 'INVALID_ARGUMENT');
    assert.match(status.message, /nests deeper/);
  });

  it('answers the same in protobuf with 400 and a protobuf Status', async () => {
    const res = await apiFetch(platform, '/v1/metrics', {
      as: 'ingest',
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(nestedProtobuf(1_000)),
    });
    assert.equal(res.status, 400);
    const status = decodeStatus(new Uint8Array(await res.arrayBuffer())) as { code: number };
    assert.equal(status.code, 3);
  });

  it('still takes attributes nested a few levels', async () => {
    const res = await apiFetch(platform, '/v1/metrics', {
      as: 'ingest',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(nestedMetrics(5)),
    });
    assert.equal(res.status, 200);
    const proto = await apiFetch(platform, '/v1/metrics', {
      as: 'ingest',
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(nestedProtobuf(5)),
    });
    assert.equal(proto.status, 200, 'the hand-made encoding is valid OTLP');
  });

  it('checks depth without recursion, even 100,000 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.throws(() => {
      checkNesting(deep);
    }, /nests deeper/);
    assert.doesNotThrow(() => {
      checkNesting([[[1]]], 3);
    });
  });
});
