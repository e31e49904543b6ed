import assert from 'node:assert/strict';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, it } from 'node:test';
import { defaultSampler } from './sampler.ts';

const traceIds = Array.from({ length: 4000 }, (_, i) => (i * 2654435761 + 12345).toString(16).padStart(32, '0'));

function sampledShare(attributes: Record<string, string>, ratio: number): number {
  const sampler = defaultSampler(ratio);
  const kept = traceIds.filter(
    (id) =>
      sampler.shouldSample(ROOT_CONTEXT, id, 'span', SpanKind.PRODUCER, attributes, []).decision ===
      SamplingDecision.RECORD_AND_SAMPLED,
  );
  return kept.length / traceIds.length;
}

describe('default sampler', () => {
  it('keeps tick batches at the ratio and every other root span', () => {
    const ticks = sampledShare({ 'messaging.destination.name': 'market.ticks' }, 0.05);
    assert.ok(ticks > 0.02 && ticks < 0.1, `tick share ${String(ticks)}`);
    assert.equal(sampledShare({ 'messaging.destination.name': 'alerts.ops' }, 0.05), 1);
    assert.equal(sampledShare({ 'http.request.method': 'GET' }, 0.05), 1);
  });

  it('follows the parent: a trace is kept or dropped whole', () => {
    const sampler = defaultSampler(0);
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: traceIds[0] ?? '',
      spanId: '0123456789abcdef',
      traceFlags: TraceFlags.SAMPLED,
    });
    const decision = sampler.shouldSample(
      parent,
      traceIds[0] ?? '',
      'send market.ticks',
      SpanKind.PRODUCER,
      {
        'messaging.destination.name': 'market.ticks',
      },
      [],
    ).decision;
    assert.equal(decision, SamplingDecision.RECORD_AND_SAMPLED);
  });
});
