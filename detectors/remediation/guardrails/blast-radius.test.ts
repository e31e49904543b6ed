import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemediationAction } from '../executor.ts';
import { limitBlastRadius, maxAtOnce } from './blast-radius.ts';

const scale = (replicas: number): RemediationAction => ({ id: 'x', kind: 'scale', service: 's', params: { replicas } });

describe('blast-radius guardrail', () => {
  it('never changes more than the share of replicas at once, at least one', () => {
    assert.equal(maxAtOnce(10, 0.25), 2);
    assert.equal(maxAtOnce(1, 0.25), 1);
  });
  it('cuts a scale step to the allowed share, up and down', () => {
    const up = limitBlastRadius(scale(10), 4, 0.5);
    assert.ok(up.ok);
    assert.equal(up.action.params.replicas, 6);
    const down = limitBlastRadius(scale(2), 8, 0.25);
    assert.ok(down.ok);
    assert.equal(down.action.params.replicas, 6);
    const within = limitBlastRadius(scale(5), 4, 0.5);
    assert.ok(within.ok);
    assert.equal(within.action.params.replicas, 5);
  });
  it('refuses restarting more replicas at once than the share', () => {
    const restart = (replicas: number): RemediationAction => ({
      id: 'r',
      kind: 'restart',
      service: 's',
      params: { replicas },
    });
    assert.equal(limitBlastRadius(restart(3), 4, 0.5).ok, false);
    assert.equal(limitBlastRadius(restart(2), 4, 0.5).ok, true);
    assert.equal(limitBlastRadius(restart(1), 1, 0.5).ok, true, 'a single replica may be restarted');
  });
  it('refuses a malformed scale target', () => {
    assert.equal(limitBlastRadius(scale(-1), 4, 0.5).ok, false);
  });
  it("cuts a Kubernetes scale-out's step to the share of the autoscaler's maximum, and its undo's target", () => {
    const step = (n: number): RemediationAction => ({ id: 'k', kind: 'scale', service: 'web', params: { step: n } });
    const cut = limitBlastRadius(step(4), 4, 0.5);
    assert.ok(cut.ok);
    assert.equal(cut.action.params.step, 2);
    assert.match(cut.detail ?? '', /\+4 to \+2 of 4 replicas/);
    const within = limitBlastRadius(step(2), 12, 0.25);
    assert.ok(within.ok);
    assert.equal(within.action.params.step, 2);
    assert.equal(limitBlastRadius(step(0), 4, 0.5).ok, false);
    const max = limitBlastRadius({ id: 'u', kind: 'scale', service: 'web', params: { maxReplicas: 2 } }, 8, 0.25);
    assert.ok(max.ok);
    assert.equal(max.action.params.maxReplicas, 6, 'an undo steps down within the share too');
  });
});
