import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Signal } from '../types.ts';
import { verifyRecovery, type SignalProbe } from './verification.ts';

const signal: Signal = { kind: 'detection', key: 'k', labels: {}, fingerprint: 'f', title: 't', at: 0 };

describe('verification guardrail', () => {
  it('passes once the probe sees the signal recover, before the deadline', async () => {
    let calls = 0;
    const probe: SignalProbe = { recovered: () => Promise.resolve(++calls >= 3) };
    const result = await verifyRecovery(probe, signal, {
      deadlineMs: 2_000,
      intervalMs: 5,
      abort: new AbortController().signal,
    });
    assert.equal(result.recovered, true);
    assert.equal(calls, 3);
  });
  it('fails at the deadline when the signal stays bad, when the probe cannot tell, or when it throws', async () => {
    const probes: [SignalProbe, RegExp][] = [
      [{ recovered: () => Promise.resolve(false) }, /did not recover/],
      [{ recovered: () => Promise.resolve(undefined) }, /cannot read/],
      [{ recovered: () => Promise.reject(new Error('boom')) }, /probe failed: boom/],
    ];
    for (const [probe, detail] of probes) {
      const started = Date.now();
      const result = await verifyRecovery(probe, signal, {
        deadlineMs: 60,
        intervalMs: 10,
        abort: new AbortController().signal,
      });
      assert.equal(result.recovered, false);
      assert.match(result.detail, detail);
      assert.ok(Date.now() - started >= 55, 'waited for the deadline');
    }
  });
});
