import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runsDry } from './dry-run.ts';

describe('dry-run guardrail', () => {
  it('runs unapproved actions live only up to the live risk', () => {
    const s = { all: false, liveMaxRisk: 'low' } as const;
    assert.equal(runsDry(s, 'low', false), false);
    assert.equal(runsDry(s, 'medium', false), true);
    assert.equal(runsDry(s, 'high', false), true);
  });
  it('a person approving makes an action live', () => {
    assert.equal(runsDry({ all: false, liveMaxRisk: 'none' }, 'high', true), false);
    assert.equal(runsDry({ all: false, liveMaxRisk: 'none' }, 'low', false), true);
  });
  it('global dry run wins over everything, approval included', () => {
    for (const risk of ['low', 'medium', 'high'] as const)
      for (const approved of [false, true])
        assert.equal(runsDry({ all: true, liveMaxRisk: 'high' }, risk, approved), true);
  });
});
