import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionBudget, causeKey } from './rate-limit.ts';

const HOUR = 3_600_000;

describe('actions-per-hour guardrail', () => {
  it('refuses a service over its hourly maximum while others still act', () => {
    const b = new ActionBudget({ perHour: 10, perServicePerHour: 2 });
    b.record('feed', 0);
    assert.equal(b.refusal('feed', 1), undefined);
    b.record('feed', 2);
    assert.match(b.refusal('feed', 3) ?? '', /2 actions on feed/);
    assert.equal(b.refusal('analytics', 3), undefined);
    assert.equal(b.refusal('feed', HOUR + 1), undefined, 'the first action left the sliding hour');
  });
  it('a refused action gives its slot back, globally and for its service', () => {
    const b = new ActionBudget({ perHour: 2, perServicePerHour: 1 });
    b.record('feed', 5);
    assert.match(b.refusal('feed', 6) ?? '', /1 actions on feed/);
    b.release('feed', 4);
    assert.match(b.refusal('feed', 6) ?? '', /1 actions on feed/, 'only the slot taken at that moment');
    b.release('feed', 5);
    assert.equal(b.refusal('feed', 6), undefined);
    b.record('a', 7);
    b.record('b', 8);
    assert.match(b.refusal('c', 9) ?? '', /hourly maximum of 2 actions/);
    b.release('b', 8);
    assert.equal(b.refusal('c', 9), undefined);
  });
  it('refuses everything over the global hourly maximum', () => {
    const b = new ActionBudget({ perHour: 3, perServicePerHour: 3 });
    for (const [i, s] of ['a', 'b', 'c'].entries()) b.record(s, i);
    assert.match(b.refusal('d', 10) ?? '', /hourly maximum of 3 actions/);
    assert.equal(b.refusal('d', HOUR + 1), undefined);
  });
  it('a verified cure leaves the service budget for its cause: distinct causes act, a cause cured too often waits', () => {
    const b = new ActionBudget({ perHour: 10, perServicePerHour: 2, curesPerCausePerHour: 2 });
    const latency = causeKey('market-data', 'restart', 'check_latency{service="market-data"}');
    const errors = causeKey('market-data', 'restart', 'check_error_ratio{service="market-data"}');
    for (const [i, cause] of [latency, errors, latency].entries()) {
      assert.equal(b.refusal('market-data', i * 100, cause), undefined, `cure ${String(i + 1)} may act`);
      b.record('market-data', i * 100);
      b.cured('market-data', i * 100, cause, i * 100 + 50);
    }
    assert.equal(b.refusal('market-data', 400, errors), undefined, 'three verified cures spent no service slot');
    assert.match(b.refusal('market-data', 400, latency) ?? '', /cured this signal on market-data 2 times/);
    assert.equal(b.refusal('market-data', HOUR + 51, latency), undefined, "the cause's first cure left the hour");
    b.record('market-data', HOUR + 100);
    b.record('market-data', HOUR + 200);
    assert.match(
      b.refusal('market-data', HOUR + 300, errors) ?? '',
      /2 actions on market-data that were not verified cures/,
      'two unverified actions (acting, failed, undone) fill the service budget for every cause',
    );
    b.cured('market-data', HOUR + 200, errors, HOUR + 400);
    assert.equal(b.refusal('market-data', HOUR + 500, errors), undefined, 'verified later: its slot is given back');
  });
  it('counts every action, verified or not, against the global maximum', () => {
    const b = new ActionBudget({ perHour: 2, perServicePerHour: 5, curesPerCausePerHour: 5 });
    b.record('a', 0);
    b.cured('a', 0, causeKey('a', 'restart', 'x'), 10);
    b.record('b', 20);
    b.cured('b', 20, causeKey('b', 'restart', 'y'), 30);
    assert.match(b.refusal('c', 40) ?? '', /hourly maximum of 2 actions is reached/);
  });
});
