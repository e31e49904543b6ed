import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Proposal } from '../types.ts';
import { ApprovalQueue, approverRefusal, needsApproval } from './approval.ts';

const proposal = { policy: 'p' } as unknown as Proposal;

describe('approval guardrail', () => {
  it('asks a person above the configured risk', () => {
    assert.equal(needsApproval('low', 'low'), false);
    assert.equal(needsApproval('medium', 'low'), true);
    assert.equal(needsApproval('low', 'none'), true);
    assert.equal(needsApproval('high', 'high'), false);
  });
  it('only a signed-in person with the sre role decides', () => {
    assert.equal(approverRefusal({ kind: 'user', role: 'sre', actor: 'user:sam' }), undefined);
    assert.match(approverRefusal({ kind: 'user', role: 'oncall', actor: 'user:olga' }) ?? '', /sre role/);
    assert.match(approverRefusal({ kind: 'token', role: 'sre', actor: 'token:ci' }) ?? '', /person/);
    assert.match(approverRefusal({ kind: 'anonymous', actor: 'anonymous' }) ?? '', /person/);
  });
  it('is bounded and expires', () => {
    const q = new ApprovalQueue({ maxPending: 2, ttlMs: 1_000 });
    q.add('a', proposal, 0);
    q.add('b', proposal, 500);
    assert.equal(q.hasRoom(), false);
    assert.throws(() => q.add('c', proposal, 600), /full/);
    assert.deepEqual(
      q.expire(1_000).map((e) => e.id),
      ['a'],
    );
    assert.equal(q.take('a', 1_000), undefined, 'an expired entry cannot be approved');
    assert.equal(q.take('b', 1_400)?.id, 'b');
    assert.equal(q.take('b', 1_400), undefined, 'decided once');
    assert.equal(q.hasRoom(), true);
  });
});
